"""The census check: census days, each pupil as the census takes them, breaches with the fix."""

import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from senco import access
from senco.audit.models import AuditEntry
from senco.pupils.models import Pupil
from senco.register import census_days
from senco.register.figures import census_entry, census_summaries
from tests import targets
from tests.register.helpers import D, keep_on_register, queries, register_pupils, set_history

URL = reverse("register:census")


# Census days (pure) ---------------------------------------------------------------------------


def test_the_next_census_day_from_a_november_day_is_the_third_thursday_of_january():
    assert census_days.next_census_day(D(2026, 11, 24)) == D(2027, 1, 21)


def test_a_census_day_is_its_own_next_census_day():
    assert census_days.next_census_day(D(2026, 10, 1)) == D(2026, 10, 1)


def test_after_the_summer_census_the_next_is_in_october():
    assert census_days.next_census_day(D(2026, 5, 22)) == D(2026, 10, 1)


def test_the_days_of_a_school_year_are_named_by_their_term():
    assert census_days.days_of_school_year(D(2026, 2, 1)) == [
        ("Autumn census 2025/26", D(2025, 10, 2)),
        ("Spring census 2025/26", D(2026, 1, 15)),
        ("Summer census 2025/26", D(2026, 5, 21)),
    ]


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)))
def test_the_next_census_day_is_a_thursday_within_five_months(day):
    census_day = census_days.next_census_day(day)
    assert census_day.weekday() == 3 and census_days.is_census_day(census_day)
    assert day <= census_day <= day + dt.timedelta(days=160)


# One pupil on one day (pure) -------------------------------------------------------------------


def test_legacy_codes_are_mapped_and_needs_taken_by_rank_at_most_two():
    entry = census_entry(
        D(2026, 1, 15),
        [("S", D(2010, 1, 1), None)],
        [
            ("VI", 3, D(2012, 1, 1), None),
            ("ASD", 1, D(2012, 1, 1), None),
            ("HI", 2, D(2012, 1, 1), None),
        ],
    )
    assert (entry.provision, entry.needs, entry.breaches) == ("E", ("ASD", "HI"), ())


def test_the_record_is_taken_as_it_stood_on_the_day():
    statuses = [("K", D(2024, 9, 1), D(2025, 12, 31)), ("E", D(2026, 1, 1), None)]
    needs = [("SLCN", 1, D(2024, 9, 1), D(2025, 12, 31)), ("ASD", 1, D(2026, 1, 1), None)]
    assert census_entry(D(2025, 10, 2), statuses, needs).needs == ("SLCN",)
    assert census_entry(D(2025, 10, 2), statuses, needs).provision == "K"
    assert census_entry(D(2026, 1, 15), statuses, needs).provision == "E"
    assert census_entry(D(2026, 1, 15), statuses, needs).needs == ("ASD",)
    assert census_entry(D(2024, 5, 1), statuses, needs).provision == "N"


def test_nsa_with_a_plan_is_a_breach_with_its_fix():
    entry = census_entry(
        D(2026, 1, 15), [("E", D(2024, 1, 1), None)], [("NSA", 1, D(2024, 1, 1), None)]
    )
    assert "NSA (no specialist assessment) is valid only with SEN support (K)" in str(
        entry.breaches[0]
    )
    assert "record the assessed need instead" in entry.breaches[0].message


def test_two_needs_at_rank_one_are_a_breach():
    entry = census_entry(
        D(2026, 1, 15),
        [("K", D(2024, 1, 1), None)],
        [("MLD", 1, D(2024, 1, 1), None), ("SEMH", 1, D(2024, 1, 1), None)],
    )
    assert any("share a rank" in b.message for b in entry.breaches)


def test_the_summaries_count_support_and_plans_apart():
    k = census_entry(
        D(2026, 1, 15), [("K", D(2024, 1, 1), None)], [("MLD", 1, D(2024, 1, 1), None)]
    )
    e = census_entry(
        D(2026, 1, 15), [("E", D(2024, 1, 1), None)], [("ASD", 1, D(2024, 1, 1), None)]
    )
    n = census_entry(D(2026, 1, 15), [], [])
    need, year, sex = census_summaries([(k, 3, "M"), (e, 3, "F"), (e, 4, "M"), (n, 4, "F")])
    assert dict((label[:3], (a, b)) for label, a, b in need.rows)["MLD"] == (1, 0)
    assert dict((label[:3], (a, b)) for label, a, b in need.rows)["ASD"] == (0, 2)
    assert year.rows == [("Year 3", 1, 1), ("Year 4", 0, 1)]
    assert sex.rows == [("Female", 0, 1), ("Male", 1, 1)]
    assert sex.totals == (1, 2)


# The page ------------------------------------------------------------------------------------


def a_plan_pupil() -> Pupil:
    return register_pupils().filter(sen_provision="E").order_by("pk")[0]


@pytest.mark.django_db
def test_an_nsa_need_that_arrived_by_import_on_a_plan_is_listed_with_its_fix(client_for):
    pupil = a_plan_pupil()
    set_history(
        pupil,
        [("K", D(2021, 9, 1), D(2023, 3, 31)), ("E", D(2023, 4, 1), None)],
        [("ASD", 1, D(2021, 9, 1), None), ("NSA", 2, D(2023, 4, 1), None)],
    )
    page = client_for("senco").get(URL).content.decode()
    breaches = page[page.index("Breaches of the census rules") : page.index("<h2>Summary")]
    assert f"{pupil.last_name}, {pupil.first_name}" in breaches
    assert "NSA (no specialist assessment) is valid only with SEN support (K)" in breaches
    assert f'href="/pupils/{pupil.public_id}/"' in breaches
    assert f'href="/pupils/{pupil.public_id}/register/"' in breaches


@pytest.mark.django_db
def test_the_demo_holds_an_imported_breach_for_the_check_to_show(client_for):
    page = client_for("senco").get(URL).content.decode()
    assert "Breaches of the census rules (0)" not in page
    assert "valid only with SEN support" in page


@pytest.mark.django_db
def test_the_check_defaults_to_the_next_census_day_and_offers_the_years_days(client_for):
    page = client_for("senco").get(URL).content.decode()
    day = census_days.next_census_day(access.today())
    assert f"Census check for {day:%A} {day.day} {day:%B %Y}" in page
    for _, d in census_days.days_of_school_year(access.today()):
        assert f'href="?day={d.isoformat()}"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["2026-13-45", "tomorrow", "9" * 300])
def test_a_day_that_is_not_a_date_says_so_and_checks_the_next_census_day(client_for, day):
    response = client_for("senco").get(URL, {"day": day})
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["31/12/9999", "01/01/0001", "1899-05-18"])
def test_a_day_far_outside_the_records_says_so_and_checks_the_next_census_day(client_for, day):
    response = client_for("senco").get(URL, {"day": day})
    assert response.status_code == 200
    assert "is outside the years a census check covers" in response.content.decode()


@pytest.mark.django_db
def test_any_date_may_be_checked_and_is_marked_when_not_a_census_day(client_for):
    page = client_for("senco").get(URL, {"day": "2026-03-03"}).content.decode()
    assert "Census check for Tuesday 3 March 2026" in page
    assert "This is not a census day" in page


@pytest.mark.django_db
def test_pupils_not_yet_on_roll_or_gone_that_day_are_left_out(client_for):
    joined, gone = register_pupils().order_by("pk")[:2]
    Pupil.objects.filter(pk=joined.pk).update(enrolled_on=D(2026, 2, 1))
    Pupil.objects.filter(pk=gone.pk).update(left_on=D(2025, 12, 1))
    with_day = {"day": "2026-01-15"}
    senco = client_for("senco")
    senco_page = senco.get(URL, with_day).content.decode()
    assert f'href="/pupils/{joined.public_id}/"' not in senco_page
    assert f'href="/pupils/{gone.public_id}/"' not in senco_page


@pytest.mark.django_db
def test_the_check_is_audited_naming_the_pupils_shown(client_for, settings):
    settings.SENCO_PAGE_SIZE = 3
    client_for("senco").get(URL)
    entry = AuditEntry.objects.filter(action="census.checked").latest("id")
    assert len(entry.pupil_ids) >= 3 and entry.actor_label == "senco"


@pytest.mark.django_db
def test_the_summary_counts_match_the_register(client_for):
    day = census_days.next_census_day(access.today())
    page = client_for("senco").get(URL, {"day": day.isoformat()}).content.decode()
    on_roll = targets.visible("senco", targets.home_school()).on_roll()
    support = on_roll.filter(sen_provision__in=["K", "A", "P"]).count()
    plans = on_roll.filter(sen_provision__in=["E", "S"]).count()
    assert page.count(f'<tr><th scope="row">Total</th><td>{support}</td><td>{plans}</td></tr>') == 3


@pytest.mark.django_db
def test_the_check_costs_the_same_queries_at_2_and_20_pupils(client_for):
    client = client_for("senco")
    pupils = keep_on_register(20)
    for pupil in pupils:
        set_history(pupil, [("K", D(2024, 9, 1), None)], [("MLD", 1, D(2024, 9, 1), None)])
    keep_on_register(2)
    small = queries(client, URL)
    keep_on_register(20)
    assert queries(client, URL) == small


@pytest.mark.django_db
def test_the_other_senco_checks_only_their_own_school(client_for):
    page = client_for("other_senco").get(URL).content.decode()
    mine = targets.taught_pupil()
    assert f'href="/pupils/{mine.public_id}/"' not in page
