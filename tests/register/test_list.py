"""The SEN register at /register/: who is on it, filters, sort, counts, print, audit."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from senco import access
from senco.audit.models import AuditEntry
from senco.pupils.models import Pupil
from senco.schools.models import Staff
from tests import targets
from tests.register.helpers import D, keep_on_register, queries, register_pupils, set_history

pytestmark = pytest.mark.django_db
URL = reverse("register:list")


def names_shown(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(
        r'<th scope="row"><a href="/pupils/[^"]+/">([^<]+)</a>', response.content.decode()
    )


def label(pupil: Pupil) -> str:
    return f"{pupil.last_name}, {pupil.first_name}"


def test_the_senco_sees_everyone_on_the_register_and_nobody_else(client_for):
    shown = names_shown(client_for("senco").get(URL))
    expected = register_pupils()
    assert sorted(shown) == sorted(label(p) for p in expected)
    off = Pupil.objects.filter(school=targets.home_school(), sen_provision="N").first()
    assert label(off) not in shown


def test_legacy_codes_count_as_the_census_counts_them(client_for):
    pupil = Pupil.objects.filter(school=targets.home_school(), sen_provision="N").first()
    Pupil.objects.filter(pk=pupil.pk).update(sen_provision="S", left_on=None, enrolled_on=None)
    response = client_for("senco").get(URL, {"status": "E"})
    assert label(pupil) in names_shown(response)


def test_the_counts_at_the_top_give_support_plans_total_and_share_of_roll(client_for):
    page = client_for("senco").get(URL).content.decode()
    on_roll = targets.visible("senco", targets.home_school()).on_roll()
    support = on_roll.filter(sen_provision__in=["K", "A", "P"]).count()
    plans = on_roll.filter(sen_provision__in=["E", "S"]).count()
    assert f"<dt>SEN support (K)</dt><dd>{support}</dd>" in page
    assert f"<dt>EHC plans (E)</dt><dd>{plans}</dd>" in page
    assert f"<dt>On the register</dt><dd>{support + plans}</dd>" in page
    assert f"{round(100 * (support + plans) / on_roll.count(), 1)}%" in page


def test_filtering_by_need_shows_only_pupils_with_that_need_open(client_for):
    shown = names_shown(client_for("senco").get(URL, {"need": "SLCN"}))
    expected = register_pupils().filter(sen_needs__need="SLCN", sen_needs__ends__isnull=True)
    assert shown and sorted(shown) == sorted({label(p) for p in expected})


def test_filters_combine_status_area_year_and_search(client_for):
    pupil = register_pupils().exclude(primary_need="").order_by("pk")[0]
    area = {"CL": ["SPLD", "MLD", "SLD", "PMLD", "DS"]}
    params = {
        "status": "E" if pupil.sen_provision in ("E", "S") else "K",
        "year": pupil.year_group,
        "q": pupil.legal_last_name,
    }
    shown = names_shown(client_for("senco").get(URL, params))
    assert label(pupil) in shown
    if pupil.primary_need not in area["CL"]:
        assert label(pupil) not in names_shown(
            client_for("senco").get(URL, {**params, "area": "CL"})
        )


def test_filtering_by_key_worker_and_flags(client_for):
    pupil, other = register_pupils().order_by("pk")[:2]
    staff = Staff.objects.filter(school=targets.home_school()).order_by("pk")[0]
    Pupil.objects.filter(pk=pupil.pk).update(key_worker=staff, eal=True)
    Pupil.objects.filter(pk=other.pk).update(key_worker=None, eal=False)
    senco = client_for("senco")
    assert names_shown(senco.get(URL, {"key_worker": str(staff.public_id)})) == [label(pupil)]
    assert label(other) in names_shown(senco.get(URL, {"key_worker": "none"}))
    eal = names_shown(senco.get(URL, {"eal": "on"}))
    assert label(pupil) in eal and label(other) not in eal


def test_a_filter_value_that_is_not_offered_is_ignored_with_a_message(client_for):
    response = client_for("senco").get(URL, {"need": "XYZ", "sort": "'; drop table"})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Select a valid choice" in page


def test_the_date_added_is_the_start_of_the_current_run_on_the_register():
    pupil = register_pupils().order_by("pk")[0]
    set_history(
        pupil,
        [
            ("K", D(2020, 9, 1), D(2021, 3, 31)),
            ("N", D(2021, 4, 1), D(2022, 1, 9)),
            ("K", D(2022, 1, 10), D(2023, 5, 1)),
            ("E", D(2023, 5, 2), None),
        ],
        [("ASD", 1, D(2022, 1, 10), None)],
    )
    added = Pupil.objects.with_date_added().get(pk=pupil.pk).date_added
    assert added == D(2022, 1, 10)


def test_sorting_by_date_added_puts_the_latest_first(client_for):
    first, second = register_pupils().order_by("pk")[:2]
    set_history(first, [("K", D(2019, 9, 1), None)], [("MLD", 1, D(2019, 9, 1), None)])
    set_history(second, [("K", D(2024, 9, 1), None)], [("MLD", 1, D(2024, 9, 1), None)])
    shown = names_shown(client_for("senco").get(URL, {"sort": "-added"}))
    assert shown.index(label(second)) < shown.index(label(first))
    shown = names_shown(client_for("senco").get(URL, {"sort": "added"}))
    assert shown.index(label(first)) < shown.index(label(second))


@pytest.mark.parametrize("sort", ["name", "year", "status", "need", "added", "-added", "review"])
def test_every_sort_gives_the_same_pupils(client_for, sort):
    shown = names_shown(client_for("senco").get(URL, {"sort": sort}))
    assert sorted(shown) == sorted(label(p) for p in register_pupils())


def test_the_list_is_one_audit_entry_naming_the_pupils_on_the_page(client_for, settings):
    settings.SENCO_PAGE_SIZE = 5
    shown = names_shown(client_for("senco").get(URL))
    entry = AuditEntry.objects.filter(action="register.listed").latest("id")
    assert len(shown) == 5 and len(entry.pupil_ids) == 5
    assert entry.actor_label == "senco"


def test_the_page_goes_on_to_the_next_with_its_filters(client_for, settings):
    settings.SENCO_PAGE_SIZE = 2
    page = client_for("senco").get(URL, {"sort": "year"}).content.decode()
    assert "sort=year&amp;page=2" in page


def test_the_other_senco_sees_their_own_schools_register(client_for):
    shown = names_shown(client_for("other_senco").get(URL))
    theirs = Pupil.objects.filter(
        school=targets.other_school(), sen_provision__in=["K", "E"]
    ).on_roll()
    assert sorted(shown) == sorted(label(p) for p in theirs)


def test_the_list_links_to_the_whole_register_downloads_print_census_and_charts(client_for):
    page = client_for("senco").get(URL).content.decode()
    for name in (
        "pupils:register_xlsx",
        "pupils:register_csv",
        "register:census",
        "register:charts",
    ):
        assert f'href="{reverse(name)}"' in page
    assert f'href="{reverse("register:print")}' in page


@pytest.mark.parametrize("params", [{}, {"status": "K", "need": "MLD", "sort": "-added"}])
def test_the_list_costs_the_same_queries_at_2_and_20_pupils(client_for, params):
    client = client_for("senco")
    for pupil in keep_on_register(20):
        set_history(pupil, [("K", D(2024, 9, 1), None)], [("MLD", 1, D(2024, 9, 1), None)])
    keep_on_register(2)
    small = queries(client, URL, params)
    assert len(names_shown(client.get(URL, params))) == 2
    keep_on_register(20)
    assert queries(client, URL, params) == small
    assert len(names_shown(client.get(URL, params))) == 20


def test_the_print_view_holds_every_page_with_the_filters_and_is_audited(client_for, settings):
    settings.SENCO_PAGE_SIZE = 2
    response = client_for("senco").get(reverse("register:print"), {"status": "K"})
    page = response.content.decode()
    support = register_pupils().filter(sen_provision__in=["K", "A", "P"])
    assert page.count('<tr><th scope="row">') == support.count()
    assert 'class="pagination"' not in page
    entry = AuditEntry.objects.filter(action="register.printed").latest("id")
    assert sorted(entry.pupil_ids) == sorted(support.values_list("pk", flat=True))


def test_a_pupil_who_has_left_is_not_on_the_register(client_for):
    pupil = register_pupils().order_by("pk")[0]
    Pupil.objects.filter(pk=pupil.pk).update(left_on=access.today() - dt.timedelta(days=1))
    assert label(pupil) not in names_shown(client_for("senco").get(URL))
