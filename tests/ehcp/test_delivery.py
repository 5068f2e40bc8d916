"""Section F delivered? The arithmetic, worked by hand: hours planned so far in the school's
terms, hours the pupil was present at delivered sessions of the linked provision, and the
shortfall flag at 90%."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from senco.ehcp import delivery
from senco.ehcp.services import plans
from senco.provision import costs
from senco.provision.models import Attendance, Group, Member, Session
from tests import targets
from tests.ehcp import helpers
from tests.ehcp.test_plans import item, library_entry, outcome, pupil_without_plan, record

pytestmark = pytest.mark.django_db

ISSUED = dt.date(2024, 9, 2)  # a Monday, the first day of the autumn term
YEAR = costs.Period(
    2024, "year", "The school year 2024/25", dt.date(2024, 9, 1), dt.date(2025, 8, 31)
)
TERMS = [
    costs.Period(2024, "autumn", "Autumn", dt.date(2024, 9, 2), dt.date(2024, 12, 20)),  # 110 days
    costs.Period(2024, "spring", "Spring", dt.date(2025, 1, 6), dt.date(2025, 4, 4)),  # 89 days
    costs.Period(2024, "summer", "Summer", dt.date(2025, 4, 22), dt.date(2025, 7, 22)),  # 92 days
]
SIX_WEEKS_IN = dt.date(2024, 10, 13)  # a Sunday: 2 September to 13 October is 42 days


def weekdays(starts: dt.date, count: int) -> list[dt.date]:
    days, day = [], starts
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def run_group(entry, pupil, days, *, present=True, minutes=20, status="delivered"):
    """A group of the library entry with the pupil in it, and a session on each day."""
    group = Group.objects.create(
        school=pupil.school, provision=entry, name=f"Group {Group.objects.count()}",
        starts=min(days), ends=max(days),
    )  # fmt: skip
    Member.objects.create(group=group, pupil=pupil, joined=min(days))
    for day in days:
        session = Session.objects.create(
            group=group,
            held_on=day,
            status=status,
            minutes=minutes,
            cancelled_because="" if status == "delivered" else "Staff absent",
        )
        if status == "delivered":
            Attendance.objects.create(session=session, pupil=pupil, present=present)
    return group


@pytest.fixture
def linked():
    """A plan issued on 2 September 2024 with one item, 5 sessions of 20 minutes a week,
    linked to a library entry; the entry and the pupil."""
    pupil = pupil_without_plan()
    entry = library_entry()
    plan = record(
        pupil,
        issued_on=ISSUED,
        outcomes=[outcome()],
        provision=[item(sessions=Decimal(5), minutes=20, library=entry.pk)],
    )
    return plan, entry, pupil


def report(plan, today=SIX_WEEKS_IN, period=YEAR):
    found = delivery.section_f_delivery(plan, period, today, TERMS)
    assert found is not None
    return found


def test_five_sessions_of_twenty_minutes_for_six_weeks_plan_ten_hours(linked):
    plan, _, _ = linked
    found = report(plan)
    assert found.weeks.elapsed == 6
    assert found.items[0].planned == 600 and found.items[0].planned_hours == "10"


def test_twenty_seven_sessions_attended_of_thirty_is_nine_hours_ninety_percent_and_not_short(
    linked,
):
    plan, entry, pupil = linked
    days = weekdays(ISSUED, 30)
    run_group(entry, pupil, days[:27])
    run_group(entry, pupil, days[27:29], present=False)  # absent: not delivered to the pupil
    run_group(entry, pupil, days[29:], status="cancelled")
    row = report(plan).items[0]
    assert row.delivered == 540 and row.delivered_hours == "9"
    assert row.share == 90 and not row.short


def test_twenty_six_sessions_attended_is_short_of_ninety_percent(linked):
    plan, entry, pupil = linked
    run_group(entry, pupil, weekdays(ISSUED, 26))
    found = report(plan)
    row = found.items[0]
    assert row.delivered_hours == "8.67" and row.share == 87 and row.short
    assert found.short == [row]


def test_only_the_pupils_attendance_at_the_linked_provision_in_the_period_counts(linked):
    plan, entry, pupil = linked
    run_group(entry, pupil, [dt.date(2024, 8, 30)])  # before the plan was issued
    run_group(entry, pupil, [dt.date(2024, 10, 14)])  # after today
    run_group(library_entry(), pupil, weekdays(ISSUED, 5))  # another provision
    run_group(entry, targets.parents_child(), weekdays(ISSUED, 5))  # another pupil
    assert report(plan).items[0].delivered == 0


def only_item(plan, **fields):
    """A new version of the plan whose section F is one unlinked item."""
    return plans.amend_plan(
        plan,
        by=helpers.senco(plan.pupil),
        kind="amended",
        dated=ISSUED,
        why="Section F changed.",
        sections={},
        outcomes=[outcome()],
        provision=[item(**fields)],
        based_on=plans.current_version(plan).number,
    )


def test_an_item_a_term_plans_its_share_of_the_terms_elapsed(linked):
    plan, _, _ = linked
    assert only_item(plan, sessions=Decimal(6), minutes=30, per="term").number == 2
    row = report(plan).items[0]
    # 6 x 30 minutes a term, 42 of the autumn term's 110 days elapsed.
    assert round(row.planned, 9) == round(Decimal(180) * 42 / 110, 9)
    assert row.planned_hours == "1.15" and not row.linked and not row.short
    assert row.share is None


def test_an_item_a_year_plans_the_years_share_of_school_weeks(linked):
    plan, _, _ = linked
    only_item(plan, sessions=Decimal(39), minutes=60, per="year")
    # 39 hours a year; 42 of the year's 291 school days elapsed.
    assert round(report(plan).items[0].planned, 9) == round(Decimal(2340) * 42 / 291, 9)


def test_holidays_between_terms_are_not_school_weeks(linked):
    plan, _, _ = linked
    found = report(plan, today=dt.date(2025, 1, 3))  # the Christmas holidays
    assert found.weeks.elapsed == Decimal(110) / 7
    assert round(found.items[0].planned, 9) == round(100 * Decimal(110) / 7, 9)


def test_one_term_counts_only_its_own_weeks(linked):
    plan, entry, pupil = linked
    run_group(entry, pupil, weekdays(ISSUED, 3))  # autumn: not in the spring
    found = report(plan, today=dt.date(2025, 1, 19), period=TERMS[1])
    assert found.weeks.elapsed == 2  # 6 to 19 January
    assert found.items[0].planned == 200 and found.items[0].delivered == 0


def test_hours_a_year_count_every_school_week_of_the_terms(linked):
    plan, _, _ = linked
    found = plans.content(plans.current_version(plan))
    hours = delivery.hours_a_year(found.provision, [YEAR, *TERMS])
    assert delivery.weeks_a_year([YEAR, *TERMS]) == "41.57"  # 291 days
    # 5 x 20 minutes a week, for 291 / 7 school weeks.
    assert hours == {found.provision[0].pk: costs.plain(Decimal(100) * 291 / 7 / 60)}


def test_nothing_is_planned_before_the_plan_was_issued(linked):
    plan, _, _ = linked
    found = report(plan, today=dt.date(2024, 9, 1))
    assert not found.started and found.items[0].planned == 0 and not found.items[0].short


def test_a_period_that_counts_nothing_says_why(linked):
    plan, _, pupil = linked
    assert report(plan).not_started == ""
    found = report(plan, period=TERMS[1])  # spring, on 13 October
    assert not found.started
    assert found.not_started == "Not started yet: the spring starts on 6 January 2025."
    earlier = costs.Period(2023, "summer", "Summer term 2023/24", dt.date(2024, 4, 15),
                           dt.date(2024, 7, 19))  # fmt: skip
    assert report(plan, period=earlier).not_started == (
        "The plan was issued on 2 September 2024, after the summer term 2023/24 ended."
    )
    plans.cease_plan(plan, by=helpers.senco(pupil), on=dt.date(2024, 12, 20), why="Moved away.")
    plan.refresh_from_db()
    assert report(plan, today=dt.date(2025, 5, 1), period=TERMS[2]).not_started == (
        "The plan ceased on 20 December 2024, before the summer began."
    )


def test_the_count_costs_the_same_queries_for_one_item_or_twenty():
    counts = []
    for rows in (1, 20):
        pupil = pupil_without_plan()
        entry = library_entry()
        plan = record(
            pupil,
            issued_on=ISSUED,
            outcomes=[outcome()],
            provision=[item(n, library=entry.pk if n % 2 else None) for n in range(1, rows + 1)],
        )
        with CaptureQueriesContext(connection) as captured:
            assert len(report(plan).items) == rows
        counts.append(len(captured))
        plans.cease_plan(plan, by=helpers.senco(pupil), on=ISSUED, why="Next case.")
    assert counts[0] == counts[1]


def test_terms_that_run_the_whole_year_count_thirty_nine_school_weeks(linked):
    """The default term dates run from 1 September to 31 August without a gap: a school year
    still has 39 weeks of school, spread evenly over them."""
    plan, _, _ = linked
    whole_year = [
        costs.Period(2024, "autumn", "Autumn", dt.date(2024, 9, 1), dt.date(2024, 12, 31)),
        costs.Period(2024, "spring", "Spring", dt.date(2025, 1, 1), dt.date(2025, 4, 12)),
        costs.Period(2024, "summer", "Summer", dt.date(2025, 4, 13), dt.date(2025, 8, 31)),
    ]
    weeks = delivery.school_weeks(whole_year, YEAR, YEAR.starts, YEAR.ends)
    assert weeks.in_year == delivery.SCHOOL_WEEKS
    assert weeks.elapsed == delivery.SCHOOL_WEEKS
    items = list(plans.current_version(plan).provision.all())
    assert delivery.hours_a_year(items, [YEAR, *whole_year]) == {items[0].pk: "65"}
