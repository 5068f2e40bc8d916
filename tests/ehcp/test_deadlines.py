"""Statutory EHC timescales (senco.ehcp.deadlines): worked examples and properties. No database."""

import copy
import pickle
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from senco.ehcp import deadlines as dl
from senco.ehcp.deadlines import (
    EXCEPTIONAL_CIRCUMSTANCES,
    FAMILY_AWAY,
    SCHOOL_CLOSED,
    Deadline,
    DeadlineException,
)

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
years = st.integers(min_value=2000, max_value=2080)
year_groups = st.integers(min_value=-1, max_value=13)


@st.composite
def exceptions(draw: st.DrawFn) -> DeadlineException:
    reason = draw(st.sampled_from(sorted(dl.REASONS)))
    starts = draw(days)
    shortest = 1 if reason == EXCEPTIONAL_CIRCUMSTANCES else 28
    length = draw(st.integers(min_value=shortest, max_value=120))
    return DeadlineException(reason, starts, starts + timedelta(days=length - 1))


@st.composite
def request_with_exceptions(draw: st.DrawFn) -> tuple[date, list[DeadlineException]]:
    request = draw(days)
    near = st.integers(min_value=-60, max_value=200).map(lambda n: request + timedelta(days=n))
    found = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        reason = draw(st.sampled_from(sorted(dl.REASONS)))
        starts = draw(near)
        length = draw(st.integers(min_value=28, max_value=90))
        found.append(DeadlineException(reason, starts, starts + timedelta(days=length - 1)))
    return request, found


# --- worked examples -----------------------------------------------------------------------


def test_a_request_on_monday_5_january_2026():
    due = dl.needs_assessment_deadlines(date(2026, 1, 5))
    assert due == {
        "decision_to_assess": date(2026, 2, 16),
        "decision_not_to_issue": date(2026, 4, 27),
        "final_plan": date(2026, 5, 25),
    }
    for deadline in due.values():
        assert isinstance(deadline, Deadline)
        assert deadline.weekday() == 0  # whole weeks from a Monday
        assert not deadline.moved
        assert deadline.original == deadline
        assert deadline.exceptions == ()


def test_a_request_across_the_end_of_february_in_a_leap_year():
    due = dl.needs_assessment_deadlines(date(2024, 1, 31))
    assert due["decision_to_assess"] == date(2024, 3, 13)
    assert due["decision_not_to_issue"] == date(2024, 5, 22)
    assert due["final_plan"] == date(2024, 6, 19)


def test_advice_draft_and_consultation():
    assert dl.advice_deadline(date(2026, 2, 2)) == date(2026, 3, 16)
    assert dl.draft_comments_by(date(2026, 4, 20)) == date(2026, 5, 5)
    assert dl.consultation_answer_by(date(2026, 6, 24)) == date(2026, 7, 9)


def test_annual_review_twelve_months_on():
    assert dl.annual_review_due(date(2026, 3, 10), date(2015, 9, 1)) == date(2027, 3, 10)
    assert dl.annual_review_due(date(2026, 3, 10), date(2015, 9, 1)).prompts == ()


def test_annual_review_from_29_february():
    assert dl.annual_review_due(date(2024, 2, 29), date(2014, 6, 1)) == date(2025, 2, 28)


def test_an_under_five_gets_prompts_at_3_and_6_months_not_deadlines():
    due = dl.annual_review_due(date(2026, 3, 10), date(2022, 6, 1))
    assert due == date(2027, 3, 10)
    assert due.prompts == (date(2026, 6, 10), date(2026, 9, 10))
    assert not due.moved
    assert repr(due) == "Deadline(2027-03-10, prompts 2026-06-10, 2026-09-10)"


def test_a_prompt_falls_only_before_the_fifth_birthday():
    born = date(2021, 3, 10)
    assert dl.annual_review_due(date(2026, 3, 9), born).prompts == ()  # fifth birthday next day
    turns_five_between = dl.annual_review_due(date(2025, 11, 1), born)
    assert turns_five_between.prompts == (date(2026, 2, 1),)  # not 1 May: five by then
    assert dl.annual_review_due(date(2026, 3, 10), born).prompts == ()


def test_a_plan_cannot_be_reviewed_before_the_child_is_born():
    with pytest.raises(ValueError, match="date of birth"):
        dl.annual_review_due(date(2020, 1, 1), date(2020, 1, 2))


def test_a_meeting_on_20_may_2026():
    assert dl.review_dates(date(2026, 5, 20)) == {
        "invitations_by": date(2026, 5, 6),
        "paperwork_by": date(2026, 5, 6),
        "contributions_by": date(2026, 4, 29),
        "school_report_by": date(2026, 6, 3),
        "la_decision_by": date(2026, 6, 17),
    }


def test_contributions_lead_is_the_schools_choice():
    meeting = date(2026, 5, 20)
    assert dl.review_dates(meeting, contributions_lead=timedelta(days=3))[
        "contributions_by"
    ] == date(2026, 5, 3)
    assert dl.review_dates(meeting, contributions_lead=10)["contributions_by"] == date(2026, 4, 26)
    assert dl.review_dates(meeting, contributions_lead=0)["contributions_by"] == date(2026, 5, 6)
    with pytest.raises(ValueError, match="whole number of days"):
        dl.review_dates(meeting, contributions_lead=timedelta(days=-1))
    with pytest.raises(ValueError, match="whole number of days"):
        dl.review_dates(meeting, contributions_lead=timedelta(hours=36))


def test_amendments():
    assert dl.amendment_deadlines(date(2026, 6, 10)) == {
        "comments_by": date(2026, 6, 25),
        "final_by": date(2026, 8, 5),
    }
    with_meeting = dl.amendment_deadlines(date(2026, 6, 10), meeting_date=date(2026, 5, 20))
    assert with_meeting["final_by_case_law"] == date(2026, 8, 12)


def test_amendments_proposed_before_the_meeting_are_refused():
    with pytest.raises(ValueError, match="after the proposal"):
        dl.amendment_deadlines(date(2026, 5, 1), meeting_date=date(2026, 5, 20))


def test_phase_transfer_year_6_in_2026_27():
    assert dl.next_transfer_year(6, 2026) == 2027
    dl.check_transfer_year(2027, 6, 2026)
    assert dl.phase_transfer_deadline(2027) == date(2027, 2, 15)
    assert dl.phase_transfer_deadline(2027, into_post16=True) == date(2027, 3, 31)
    assert dl.next_transfer_deadline(6, 2026) == date(2027, 2, 15)
    assert dl.next_transfer_deadline(11, 2026) == date(2027, 3, 31)
    assert dl.next_transfer_deadline(-1, 2026) == date(2027, 2, 15)


@pytest.mark.parametrize(
    ("year_group", "transfer_year"),
    [(5, 2028), (3, 2030), (3, 2028), (11, 2027), (-1, 2027), (0, 2029), (8, 2027), (7, 2028)],
)
def test_transfer_years_that_fit(year_group, transfer_year):
    dl.check_transfer_year(transfer_year, year_group, 2026)


@pytest.mark.parametrize(
    ("year_group", "transfer_year", "message"),
    [
        (6, 2026, "not in the future"),
        (6, 2025, "not in the future"),
        (3, 2027, "Year 3, which is not a transfer point"),
        (5, 2029, "Year 7, which is not a transfer point"),
        (11, 2028, "too late"),
        (6, 2033, "too late"),
        (12, 2027, "no phase transfer is left"),
        (6, 1999, "out of range"),
        (6, 2101, "out of range"),
    ],
)
def test_transfer_years_that_do_not_fit(year_group, transfer_year, message):
    with pytest.raises(ValueError, match=message):
        dl.check_transfer_year(transfer_year, year_group, 2026)


def test_a_refusal_lists_the_years_that_fit():
    with pytest.raises(ValueError, match=r"2028 \(first to middle\), 2030 \(primary to second"):
        dl.check_transfer_year(2029, 3, 2026)


def test_next_transfer_year_for_the_common_transfers():
    assert dl.next_transfer_year(5, 2026) == 2028
    assert dl.next_transfer_year(3, 2026) == 2030
    assert dl.next_transfer_year(7, 2026) == 2031
    assert dl.next_transfer_year(11, 2026) == 2027
    assert dl.next_transfer_year(12, 2026) is None
    assert dl.next_transfer_deadline(12, 2026) is None
    assert dl.next_transfer_year(3, 2026, points=dl.transfer_points) == 2028


def test_transfer_points_by_the_year_group_left():
    by_leaving = {p.leaves: p for p in dl.transfer_points}
    assert sorted(by_leaving) == [-1, 2, 4, 6, 8, 11]
    assert by_leaving[-1].joins == dl.RECEPTION
    assert [p.leaves for p in dl.transfer_points if p.into_post16] == [11]
    assert str(by_leaving[-1]) == "early years to school (after Nursery (N2))"


def test_phase_transfer_year_out_of_range():
    for year in (1999, 2101):
        with pytest.raises(ValueError, match="out of range"):
            dl.phase_transfer_deadline(year)
    with pytest.raises(TypeError):
        dl.phase_transfer_deadline(True)  # type: ignore[arg-type]


def test_transfer_between_las_takes_the_later_date():
    # Last reviewed long ago: 3 months from the transfer is later.
    assert dl.transfer_in_review_due(date(2025, 11, 30), date(2026, 9, 30)) == date(2026, 12, 30)
    # Reviewed recently: 12 months from the review is later.
    assert dl.transfer_in_review_due(date(2026, 3, 1), date(2026, 4, 15)) == date(2027, 3, 1)


def test_add_months_clamps_to_the_end_of_the_month():
    assert dl.add_months(date(2026, 8, 31), 1) == date(2026, 9, 30)
    assert dl.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert dl.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert dl.add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert dl.add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_days_until_and_status():
    deadline = date(2026, 5, 20)
    assert dl.days_until(deadline, date(2026, 5, 21)) == -1
    assert dl.status(deadline, date(2026, 5, 21)) == dl.OVERDUE
    assert dl.status(deadline, date(2026, 5, 20)) == dl.DUE_SOON
    assert dl.status(deadline, date(2026, 5, 6)) == dl.DUE_SOON
    assert dl.status(deadline, date(2026, 5, 5)) == dl.LATER
    assert dl.status(deadline, date(2026, 5, 5), soon_days=15) == dl.DUE_SOON
    with pytest.raises(ValueError, match="soon_days"):
        dl.status(deadline, date(2026, 5, 5), soon_days=-1)


def test_the_worked_examples_in_the_docs_hold():
    text = (Path(__file__).parents[2] / "docs" / "deadlines.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    assert len(blocks) >= 8
    exec("\n".join(blocks), {})  # noqa: S102 - our own documentation


# --- exceptions ----------------------------------------------------------------------------


def test_a_school_closure_moves_the_later_deadlines_and_keeps_the_original():
    closed = DeadlineException(SCHOOL_CLOSED, date(2026, 4, 1), date(2026, 4, 30))
    due = dl.needs_assessment_deadlines(date(2026, 1, 5), exceptions=[closed])
    assert due["decision_to_assess"] == date(2026, 2, 16)
    assert not due["decision_to_assess"].moved
    final = due["final_plan"]
    assert final == date(2026, 6, 24)  # 25 May + 30 days
    assert final.original == date(2026, 5, 25)
    assert final.moved
    assert final.exceptions == (closed,)
    assert due["decision_not_to_issue"] == date(2026, 5, 27)
    assert repr(final) == (
        "Deadline(2026-06-24, original 2026-05-25, moved by school_closed 2026-04-01 to 2026-04-30)"
    )


def test_an_exception_on_the_deadline_day_counts():
    away = DeadlineException(FAMILY_AWAY, date(2026, 2, 16), date(2026, 3, 15))
    due = dl.needs_assessment_deadlines(date(2026, 1, 5), [away])
    assert due["decision_to_assess"] == date(2026, 2, 16) + timedelta(days=28)


def test_exceptions_apply_in_date_order_so_a_moved_deadline_can_catch_the_next():
    first = DeadlineException(EXCEPTIONAL_CIRCUMSTANCES, date(2026, 2, 1), date(2026, 2, 10))
    second = DeadlineException(FAMILY_AWAY, date(2026, 2, 20), date(2026, 3, 19))
    due = dl.needs_assessment_deadlines(date(2026, 1, 5), [second, first])
    # 16 Feb + 10 days = 26 Feb, on or after the second exception's start: + 28 days.
    assert due["decision_to_assess"] == date(2026, 3, 26)
    assert due["decision_to_assess"].exceptions == (first, second)


def test_overlapping_exceptions_count_each_day_once():
    closed = DeadlineException(SCHOOL_CLOSED, date(2026, 4, 1), date(2026, 4, 30))
    away = DeadlineException(FAMILY_AWAY, date(2026, 4, 16), date(2026, 5, 13))
    due = dl.needs_assessment_deadlines(date(2026, 1, 5), [closed, away])
    # 30 days of closure, then 13 more days away (1 to 13 May).
    assert due["final_plan"] == date(2026, 5, 25) + timedelta(days=43)


def test_days_before_the_request_do_not_count():
    closed = DeadlineException(SCHOOL_CLOSED, date(2025, 12, 15), date(2026, 1, 11))
    due = dl.needs_assessment_deadlines(date(2026, 1, 5), [closed])
    assert due["decision_to_assess"] == date(2026, 2, 16) + timedelta(days=7)  # 5 to 11 Jan
    earlier = DeadlineException(SCHOOL_CLOSED, date(2025, 11, 1), date(2025, 12, 31))
    assert not dl.needs_assessment_deadlines(date(2026, 1, 5), [earlier])["final_plan"].moved


@pytest.mark.parametrize(
    ("reason", "starts", "ends", "message"),
    [
        (SCHOOL_CLOSED, date(2026, 4, 30), date(2026, 4, 1), r"ends \(2026-04-01\) before"),
        (EXCEPTIONAL_CIRCUMSTANCES, date(2026, 4, 2), date(2026, 4, 1), "before it starts"),
        (SCHOOL_CLOSED, date(2026, 4, 1), date(2026, 4, 27), "at least 4 continuous weeks"),
        (FAMILY_AWAY, date(2026, 4, 1), date(2026, 4, 27), "is 27 days"),
        ("la_requested_advice_late", date(2026, 4, 1), date(2026, 5, 1), "unknown"),
    ],
)
def test_bad_exceptions_say_what_is_wrong(reason, starts, ends, message):
    with pytest.raises(ValueError, match=message):
        DeadlineException(reason, starts, ends)


def test_short_exceptional_circumstances_are_allowed():
    assert (
        DeadlineException(EXCEPTIONAL_CIRCUMSTANCES, date(2026, 4, 1), date(2026, 4, 1)).days == 1
    )
    assert DeadlineException(SCHOOL_CLOSED, date(2026, 4, 1), date(2026, 4, 28)).days == 28


def test_exceptions_must_be_a_collection_of_exceptions():
    one = DeadlineException(SCHOOL_CLOSED, date(2026, 4, 1), date(2026, 4, 30))
    with pytest.raises(TypeError, match="list or tuple"):
        dl.needs_assessment_deadlines(date(2026, 1, 5), one)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not a DeadlineException"):
        dl.needs_assessment_deadlines(date(2026, 1, 5), ["school_closed"])  # type: ignore[list-item]


# --- the Deadline type ---------------------------------------------------------------------


def test_a_deadline_is_a_date():
    deadline = Deadline(2026, 5, 25, original=date(2026, 5, 1))
    assert deadline == date(2026, 5, 25)
    assert hash(deadline) == hash(date(2026, 5, 25))
    assert str(deadline) == "2026-05-25"
    assert f"{deadline:%d/%m/%Y}" == "25/05/2026"
    assert sorted([deadline, date(2026, 5, 24)]) == [date(2026, 5, 24), deadline]
    assert dl.days_until(deadline, date(2026, 5, 20)) == 5


def round_trip(deadline: Deadline) -> Deadline:
    # Our own object, never untrusted data: a cache may pickle a Deadline.
    return pickle.loads(pickle.dumps(deadline))  # noqa: S301


@pytest.mark.parametrize("clone", [copy.copy, copy.deepcopy, round_trip])
def test_a_deadline_copies_and_pickles_with_its_history(clone):
    closed = DeadlineException(SCHOOL_CLOSED, date(2026, 4, 1), date(2026, 4, 30))
    deadline = dl.needs_assessment_deadlines(date(2026, 1, 5), [closed])["final_plan"]
    again = clone(deadline)
    assert type(again) is Deadline
    assert again == deadline
    assert again.original == deadline.original
    assert again.exceptions == (closed,)


# --- dates only ----------------------------------------------------------------------------

NOON = datetime(2026, 5, 20, 12, 0)  # what a careless caller passes

DATE_CALLS = [
    lambda: dl.needs_assessment_deadlines(NOON),  # type: ignore[arg-type]
    lambda: dl.advice_deadline(NOON),
    lambda: dl.draft_comments_by(NOON),
    lambda: dl.consultation_answer_by(NOON),
    lambda: dl.annual_review_due(NOON, date(2015, 1, 1)),
    lambda: dl.annual_review_due(date(2026, 1, 1), NOON),
    lambda: dl.review_dates(NOON),
    lambda: dl.amendment_deadlines(NOON),
    lambda: dl.amendment_deadlines(date(2026, 6, 1), meeting_date=NOON),
    lambda: dl.transfer_in_review_due(NOON, date(2026, 1, 1)),
    lambda: dl.transfer_in_review_due(date(2026, 1, 1), NOON),
    lambda: dl.add_months(NOON, 1),
    lambda: dl.days_until(NOON, date(2026, 1, 1)),
    lambda: dl.status(date(2026, 1, 1), NOON),
    lambda: DeadlineException(SCHOOL_CLOSED, NOON, date(2026, 7, 1)),
]


@pytest.mark.parametrize("call", DATE_CALLS)
def test_a_datetime_is_refused(call):
    with pytest.raises(TypeError, match="is a datetime"):
        call()


def test_a_string_is_refused():
    with pytest.raises(TypeError, match=r"must be a datetime\.date, not str"):
        dl.advice_deadline("2026-05-20")  # type: ignore[arg-type]


def test_a_deadline_is_accepted_where_a_date_is():
    plan = dl.needs_assessment_deadlines(date(2026, 1, 5))["final_plan"]
    assert dl.annual_review_due(plan, date(2015, 1, 1)) == date(2027, 5, 25)


# --- properties ----------------------------------------------------------------------------


@given(request_with_exceptions())
def test_needs_assessment_deadlines_keep_their_order(case):
    request, found = case
    due = dl.needs_assessment_deadlines(request, found)
    assert request < due["decision_to_assess"] < due["decision_not_to_issue"] < due["final_plan"]


@given(request_with_exceptions())
def test_exceptions_never_move_a_deadline_earlier(case):
    request, found = case
    plain = dl.needs_assessment_deadlines(request)
    moved = dl.needs_assessment_deadlines(request, found)
    pairs = [
        (moved["decision_to_assess"], plain["decision_to_assess"]),
        (moved["decision_not_to_issue"], plain["decision_not_to_issue"]),
        (moved["final_plan"], plain["final_plan"]),
    ]
    for deadline, statutory in pairs:
        assert deadline >= statutory
        assert deadline.original == statutory
        assert deadline.moved == bool(deadline.exceptions)
        assert set(deadline.exceptions) <= set(found)
        # The clock stops at most for every day of every exception.
        assert dl.days_until(deadline, deadline.original) <= sum(e.days for e in found)


@given(request_with_exceptions(), st.randoms())
def test_the_order_exceptions_are_given_in_does_not_matter(case, random):
    request, found = case
    shuffled = list(found)
    random.shuffle(shuffled)
    assert dl.needs_assessment_deadlines(request, found) == dl.needs_assessment_deadlines(
        request, shuffled
    )


@given(days, exceptions())
def test_an_exception_after_a_deadline_does_not_move_it(request, exception):
    plain = dl.needs_assessment_deadlines(request)["final_plan"]
    if exception.starts > plain:
        assert not dl.needs_assessment_deadlines(request, [exception])["final_plan"].moved


@given(days, days)
def test_review_due_is_after_the_last_review_and_within_366_days(last, born):
    if born > last:
        born, last = last, born
    due = dl.annual_review_due(last, born)
    assert last < due <= last + timedelta(days=366)
    assert due.month == last.month
    assert due.day == last.day or (last.month, last.day, due.day) == (2, 29, 28)
    assert all(last < prompt < due for prompt in due.prompts)
    assert len(due.prompts) in (0, 1, 2)
    assert all(prompt < dl.add_months(born, 60) for prompt in due.prompts)
    assert bool(due.prompts) == (dl.add_months(last, 3) < dl.add_months(born, 60))


@given(days)
def test_review_dates_are_symmetric_around_the_meeting(meeting):
    dates = dl.review_dates(meeting)
    assert meeting - dates["invitations_by"] == dates["school_report_by"] - meeting
    assert dates["invitations_by"] == dates["paperwork_by"]
    assert dates["contributions_by"] < dates["paperwork_by"] < meeting
    assert dates["la_decision_by"] - meeting == 2 * (meeting - dates["paperwork_by"])


@given(days, st.integers(min_value=0, max_value=60))
def test_amendments_final_after_comments(meeting, gap):
    proposal = meeting + timedelta(days=gap)
    due = dl.amendment_deadlines(proposal, meeting_date=meeting)
    assert proposal < due["comments_by"] < due["final_by"]
    assert due["final_by_case_law"] - meeting == timedelta(weeks=12)


@given(year_groups, years, st.sampled_from(dl.transfer_points))
def test_a_transfer_year_that_fits_never_raises(year_group, start, point):
    if point.leaves >= year_group:
        dl.check_transfer_year(start + 1 + point.leaves - year_group, year_group, start)


@given(year_groups, years, st.integers(min_value=0, max_value=30))
def test_a_transfer_year_in_the_past_always_raises(year_group, start, back):
    with pytest.raises(ValueError):
        dl.check_transfer_year(max(2000, start - back), year_group, start)


@given(year_groups, years)
def test_a_transfer_year_after_the_move_into_post16_always_raises(year_group, start):
    after_post16 = start + 1 + 11 - year_group + 1
    if after_post16 <= 2100:
        with pytest.raises(ValueError):
            dl.check_transfer_year(after_post16, year_group, start)


@given(year_groups, years)
def test_the_next_transfer_year_fits(year_group, start):
    year = dl.next_transfer_year(year_group, start)
    if year_group >= 12:
        assert year is None
        return
    assert year is not None
    dl.check_transfer_year(year, year_group, start)
    assert start < year <= start + 7


@given(years, st.booleans())
def test_phase_transfer_deadline_is_in_the_transfer_year_before_september(year, post16):
    deadline = dl.phase_transfer_deadline(year, into_post16=post16)
    assert deadline.year == year
    assert deadline < date(year, 9, 1)


@given(days, days)
def test_transfer_in_review_due_is_the_later_of_the_two(last, moved):
    due = dl.transfer_in_review_due(last, moved)
    assert due == max(dl.add_months(last, 12), dl.add_months(moved, 3))
    assert due > last
    assert due > moved


@given(days, st.integers(min_value=-240, max_value=240))
def test_add_months_keeps_the_day_unless_the_month_is_shorter(day, months):
    moved = dl.add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or moved.day < day.day
    assert dl.add_months(day, 0) == day


@given(days, days, st.integers(min_value=0, max_value=60))
def test_status_follows_days_until(deadline, today, soon):
    left = dl.days_until(deadline, today)
    assert left == (deadline - today).days
    expected = dl.OVERDUE if left < 0 else dl.DUE_SOON if left <= soon else dl.LATER
    assert dl.status(deadline, today, soon_days=soon) == expected
