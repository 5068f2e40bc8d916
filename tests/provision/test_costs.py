"""What provision costs and the provision map: hand-calculated costs, a role with no standard
rate, each pupil against the element 2 threshold, the grid by year group and term, the XLSX,
the audit of named pupils, bad addresses, and the number of queries."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from senco.accounts.models import User
from senco.audit.models import AuditEntry
from senco.provision import costs, services
from senco.provision.models import Group, Provision, StaffRate
from senco.pupils.models import Pupil
from senco.schools.calendar import academic_year_start
from senco.schools.models import Staff
from tests import targets

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
# Last school year, so every session is in the past whatever the date.
YEAR = academic_year_start(TODAY) - 1
STARTS = dt.date(YEAR, 9, 15)
ENDS = STARTS + dt.timedelta(weeks=10)
COSTS = reverse("provision:costs")
MAP = reverse("provision:map")
XLSX = reverse("provision:map_xlsx")


def senco() -> User:
    return User.objects.get(username="senco")


def head() -> User:
    return User.objects.get(username="head")


def school():
    return targets.home_school()


def pupils(n: int = 4, skip: int = 0) -> list[Pupil]:
    return list(
        Pupil.objects.filter(school=school(), sen_provision="K", left_on__isnull=True).order_by(
            "pk"
        )[skip : skip + n]
    )


def provision(name: str = "Reading catch-up (costs test)", **fields) -> Provision:
    values = {
        "name": name,
        "area": "CL",
        "wave": 2,
        "delivery": "withdrawal",
        "staff_role": "ta",
        "session_minutes": 30,
        "sessions_per_week": Decimal(3),
        "weeks": 10,
        "group_size": 4,
    } | fields
    return services.save_provision(school(), by=senco(), **values)


def group(
    of: Provision,
    members: list[Pupil],
    name: str = "Year 3 reading, Tuesday",
    starts: dt.date = STARTS,
    ends: dt.date = ENDS,
    funding: str = "notional",
) -> Group:
    return services.start_group(
        of,
        by=senco(),
        name=name,
        staff=[Staff.objects.get(user__username="ta")],
        pupils=members,
        starts=starts,
        ends=ends,
        funding=funding,
    )


def rate(role: str = "ta", hourly: str = "20.00") -> None:
    services.set_rate(school(), by=head(), role=role, hourly_cost=Decimal(hourly))


def costed(of: Group) -> costs.GroupCost:
    figures = costs.groups_with_figures(Group.objects.filter(pk=of.pk))
    return costs.cost_of(figures.get(), costs.rates_of(school()))


# The arithmetic, by hand.


def test_cost_per_pupil_of_a_group_of_four_matches_a_hand_calculation():
    rate("ta", "20.00")
    four = group(provision(), pupils(4))
    cost = costed(four)
    # £20 an hour x 1.5 hours a week (3 x 30 minutes) x 10 weeks = £300; ÷ 4 pupils = £75.
    assert (cost.weeks, cost.hours_per_week, cost.members) == (10, Decimal("1.5"), 4)
    assert cost.planned == Decimal("300.00")
    assert cost.per_pupil == Decimal("75.00") == Decimal(20) * Decimal("1.5") * 10 / 4


def test_other_costs_are_shared_and_the_cost_so_far_counts_only_delivered_sessions():
    rate("ta", "20.00")
    library = provision(materials_cost=Decimal("40"), licence_cost=Decimal("20"))
    four = group(library, pupils(4))
    for week in range(10):
        services.record_session(
            four,
            by=senco(),
            held_on=STARTS + dt.timedelta(weeks=week),
            delivered=True,
            minutes=30,
            present=[p.pk for p in pupils(4)],
        )
    services.record_session(
        four,
        by=senco(),
        held_on=STARTS + dt.timedelta(days=2),
        delivered=False,
        minutes=30,
        cancelled_because="TA covering a class",
    )
    cost = costed(four)
    assert cost.planned == Decimal("360.00")  # 300 + 40 + 20
    assert cost.per_pupil == Decimal("90.00")  # 360 ÷ 4
    # Ten delivered sessions of 30 minutes: 5 hours x £20 + £60; the cancelled one costs nothing.
    assert cost.delivered_hours == "5"
    assert cost.so_far == Decimal("160.00")


def test_weeks_are_whole_weeks_from_start_to_end_and_at_least_one():
    assert costs.weeks_running(Group(starts=STARTS, ends=STARTS + dt.timedelta(days=69))) == 9
    assert costs.weeks_running(Group(starts=STARTS, ends=STARTS + dt.timedelta(days=70))) == 10
    assert costs.weeks_running(Group(starts=STARTS, ends=STARTS)) == 1


# The costs page.


def test_the_costs_page_shows_each_group_and_every_total(client_for):
    rate("ta", "20.00")
    rate("teacher", "40.00")
    four = group(provision(), pupils(4), funding="pupil_premium")
    talk = provision("Talk boost (costs test)", area="CI", staff_role="teacher", weeks=5)
    group(talk, pupils(2), name="Talk group", ends=STARTS + dt.timedelta(weeks=5))
    response = client_for("senco").get(COSTS, {"year": YEAR})
    assert response.status_code == 200
    report = response.context["report"]
    rows = {c.group.name: c for c in report.groups}
    assert rows[four.name].per_pupil == Decimal("75.00")
    # £40 x 1.5 x 5 = £300 for two pupils: £150 each.
    assert rows["Talk group"].per_pupil == Decimal("150.00")
    by_provision = {t.label: t.planned for t in report.by_provision}
    assert by_provision["Reading catch-up (costs test)"] == Decimal("300.00")
    assert by_provision["Talk boost (costs test)"] == Decimal("300.00")
    by_funding = {t.label: t.planned for t in report.by_funding}
    assert by_funding["Pupil premium"] >= Decimal("300.00")
    by_area = {t.label: t.planned for t in report.by_area}
    assert by_area["Communication and interaction"] >= Decimal("300.00")
    assert sum(t.planned for t in report.by_year_group) == report.total.planned
    body = response.content.decode()
    assert "£75.00" in body and "£150.00" in body and "Year 3 reading, Tuesday" in body


def test_a_group_with_no_standard_rate_says_so_instead_of_showing_nothing(client_for):
    StaffRate.objects.filter(school=school(), role="specialist").delete()
    speech = provision("Speech therapy (costs test)", area="CI", staff_role="specialist")
    group(speech, pupils(1), name="Speech therapy, Monday")
    response = client_for("head").get(COSTS, {"year": YEAR})
    cost = next(c for c in response.context["report"].groups if c.group.provision == speech)
    assert cost.planned is None and cost.per_pupil is None
    message = "no standard rate for Specialist teacher or therapist (bought in): the head sets it"
    assert cost.reason == message
    body = response.content.decode()
    assert f"Not costed: {message}" in body
    row = body.split("Speech therapy, Monday")[1].split("</tr>")[0]
    assert "£0.00" not in row and "£" not in row


def test_each_pupil_is_set_against_the_element_2_threshold_highest_first(client_for, settings):
    settings.SENCO_ELEMENT2_THRESHOLD = 100
    rate("ta", "20.00")
    four = pupils(4)
    group(provision(), four)  # £75 each
    group(provision("Maths boost (costs test)", area="CL"), four[:1], name="Maths, one to one")
    response = client_for("senco").get(COSTS, {"year": YEAR})
    shares = {p.pupil.pk: p for p in response.context["report"].pupils}
    most = shares[four[0].pk]
    # One to one: £20 x 1.5 x 10 = £300, plus £75 from the group of four.
    assert most.yearly == Decimal("375.00")
    assert most.check.above
    assert "£275.00 above the £100.00 element 2 threshold" in most.check.words()
    assert shares[four[1].pk].yearly == Decimal("75.00")
    assert "£25.00 below" in shares[four[1].pk].check.words()
    ordered = [p.yearly for p in response.context["report"].pupils]
    assert ordered == sorted(ordered, reverse=True)
    entry = AuditEntry.objects.filter(action="provision.costs_viewed").latest("pk")
    assert {p.pk for p in four} <= set(entry.pupil_ids)


def test_the_threshold_defaults_to_six_thousand(settings):
    del settings.SENCO_ELEMENT2_THRESHOLD
    assert costs.element2_threshold() == Decimal(6000)


@pytest.mark.parametrize("year", ["abc", "1990", "<script>alert(1)</script>", "9" * 300])
def test_an_unknown_year_is_refused_with_a_clear_message(client_for, year):
    rate("ta", "20.00")
    group(provision(), pupils(4))
    response = client_for("senco").get(COSTS, {"year": year})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is no school year" in body and "choose one of" in body
    assert "Year 3 reading, Tuesday" not in body
    assert "<script>alert" not in body


def test_a_teacher_may_not_see_costs(client_for):
    assert client_for("teacher").get(COSTS).status_code == 403
    assert client_for("ta").get(MAP).status_code == 403


# The provision map.


def test_the_grid_counts_pupils_and_hours_by_year_group_and_term(client_for):
    four = pupils(4)
    group(provision(), four)  # autumn only
    response = client_for("senco").get(MAP, {"year": YEAR, "period": "autumn"})
    assert response.status_code == 200
    grid = response.context["map"]
    row = next(r for r in grid.rows if r.label == "Reading catch-up (costs test)")
    assert row.total.count == 4
    assert row.total.hours == Decimal("6.0")  # four pupils, 1.5 hours a week each
    for pupil in four:
        assert pupil.pk in row.cell(pupil.year_group - 1).pupils  # their year group then
    spring = client_for("senco").get(MAP, {"year": YEAR, "period": "spring"}).context["map"]
    assert all(r.label != "Reading catch-up (costs test)" for r in spring.rows)


def test_the_map_by_pupil_names_register_pupils_with_and_without_provision_and_is_audited(
    client_for,
):
    four = pupils(4)
    group(provision(), four)
    without = (
        Pupil.objects.filter(school=school(), sen_provision__in=["K", "E"], left_on__isnull=True)
        .filter(intervention_places__isnull=True)
        .order_by("pk")[0]
    )
    response = client_for("senco").get(MAP, {"year": YEAR, "view": "pupils"})
    body = response.content.decode()
    people = {p.pupil.pk: p for p in response.context["map"].pupils}
    assert [g.name for g in people[four[0].pk].groups] == ["Year 3 reading, Tuesday"]
    assert people[without.pk].groups == []
    assert f"{four[0].last_name}, {four[0].first_name}" in body
    entry = AuditEntry.objects.filter(action="provision.map_viewed").latest("pk")
    assert {p.pk for p in four} <= set(entry.pupil_ids)


def test_the_map_by_area_of_need(client_for):
    group(provision(), pupils(4))
    response = client_for("head").get(MAP, {"year": YEAR, "view": "areas"})
    areas = {r.label: r for r in response.context["map"].areas}
    assert areas["Cognition and learning"].total.count >= 4
    assert "Social, emotional and mental health" in areas


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "1990"}, "There is no school year"),
        ({"period": "winter"}, "There is no period"),
        ({"view": "<b>x</b>"}, "There is no view"),
    ],
)
def test_an_unknown_year_period_or_view_of_the_map_is_refused(client_for, query, message):
    group(provision(), pupils(4))
    for url in (MAP, XLSX):
        response = client_for("senco").get(url, query)
        assert response.status_code == 400
        body = response.content.decode()
        assert message in body and "<b>x</b>" not in body
        assert "Year 3 reading, Tuesday" not in body


def test_the_map_downloads_as_a_formula_safe_spreadsheet_and_is_audited(client_for):
    four = pupils(4)
    hostile = provision('=HYPERLINK("http://evil.example","x")')
    group(hostile, four, name="+cmd|' /C calc'!A0")
    client = client_for("senco")
    grid = client.get(XLSX, {"year": YEAR})
    assert grid.status_code == 200
    assert f"provision-map-990000-{YEAR}-year-grid-" in grid["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(grid.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=HYPER")]
    assert cells and all(c.data_type == "s" for c in cells)
    by_pupil = client.get(XLSX, {"year": YEAR, "view": "pupils"})
    rows = list(load_workbook(io.BytesIO(by_pupil.content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("Last name", "First name")
    named = [r for r in rows if r[0] == four[0].last_name and r[1] == four[0].first_name]
    assert named and "+cmd" in named[0][6]
    entry = AuditEntry.objects.filter(action="provision.map_exported").latest("pk")
    assert {p.pk for p in four} <= set(entry.pupil_ids)


def test_hostile_names_are_shown_escaped(client_for):
    rate("ta", "20.00")
    group(provision("<script>alert(1)</script>"), pupils(4), name="<img src=x onerror=alert(1)>")
    client = client_for("senco")
    for url, query in ((COSTS, {}), (MAP, {}), (MAP, {"view": "pupils"})):
        body = client.get(url, {"year": YEAR} | query).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "<img src=x" not in body


# Queries: the same few however many groups there are.


def _many_groups(n: int) -> None:
    rate("ta", "20.00")
    library = provision()
    everyone = pupils(8)
    for i in range(n):
        group(library, everyone[i % 2 * 4 : i % 2 * 4 + 4], name=f"Group {i}")


@pytest.mark.parametrize(
    ("url", "query", "limit"),
    [
        (COSTS, {"year": YEAR}, 17),
        (MAP, {"year": YEAR}, 10),
        (MAP, {"year": YEAR, "view": "pupils"}, 14),
        (MAP, {"year": YEAR, "view": "areas"}, 10),
        (XLSX, {"year": YEAR, "view": "pupils"}, 13),
    ],
)
def test_the_reports_make_the_same_few_queries_however_many_groups(
    client_for, django_assert_max_num_queries, url, query, limit
):
    """Measured with 1 group and with 12: the same count (sign-in, school, years, groups,
    rates, places, register, and the audit entry)."""
    _many_groups(12)
    client = client_for("senco")
    client.get(url, query)  # the first request of a session writes its sign-in details
    with django_assert_max_num_queries(limit):
        assert client.get(url, query).status_code == 200


@pytest.mark.parametrize("year", ["9999", "0", "20251", "-1"])
def test_a_year_far_out_is_refused_with_a_message_not_an_error(client_for, year):
    from django.urls import reverse

    for name in ("provision:costs", "provision:map"):
        response = client_for("senco").get(reverse(name), {"year": year})
        assert response.status_code == 400
        assert b"There is no school year" in response.content
