"""The register at a glance: figures by hand-made registers and histories, and the SVG charts."""

import datetime as dt

import pytest
from django.urls import reverse

from senco import access
from senco.register import figures, national
from senco.register.figures import OnRegister, TermFlow, entries_and_exits, register_runs
from senco.schools.models import Term
from tests import targets
from tests.register.helpers import D, register_pupils, set_history

REGISTER = [
    OnRegister("K", "SLCN", 3, "M"),
    OnRegister("K", "SLCN", 3, "F"),
    OnRegister("E", "ASD", 5, "M"),
    OnRegister("K", "NSA", 5, "M"),
]
TERMS = [
    ("Autumn 2024/25", D(2024, 9, 3), D(2024, 12, 20)),
    ("Spring 2024/25", D(2025, 1, 6), D(2025, 4, 4)),
    ("Summer 2024/25", D(2025, 4, 22), D(2025, 7, 22)),
]


def table(rows) -> dict:
    return {r.label: (r.count, r.percent, r.national) for r in rows}


def test_by_primary_need_counts_shares_and_sets_them_against_england():
    rows = table(figures.by_primary_need(REGISTER))
    assert rows["SLCN: Speech, language and communication needs"][:2] == (2, 50.0)
    # England's figure is for EHC plans, so it is set beside this school's EHC plans (one, ASD).
    assert rows["ASD: Autistic spectrum disorder"] == (
        1,
        25.0,
        "31.5% of EHC plans, Jan 2025 (here: 100.0% of EHC plans)",
    )
    assert rows["SLCN: Speech, language and communication needs"][2].endswith(
        "(here: 0.0% of EHC plans)"
    )
    assert rows["DS: Down syndrome"] == (0, 0.0, national.NOT_PUBLISHED)
    assert sum(count for count, _, _ in rows.values()) == 4


def test_by_broad_area_groups_the_primary_needs():
    rows = table(figures.by_broad_area(REGISTER))
    assert rows["Communication and interaction"][:2] == (3, 75.0)
    assert rows["Other"][:2] == (1, 25.0)
    assert rows["Cognition and learning"] == (0, 0.0, "not published")


def test_a_pupil_with_no_primary_need_is_counted_as_not_recorded():
    rows = table(figures.by_primary_need([*REGISTER, OnRegister("K", "", None, "F")]))
    assert rows["Not recorded"][:2] == (1, 20.0)
    assert table(figures.by_year_group([OnRegister("K", "", None, "F")]))["Not recorded"][0] == 1


def test_by_year_group_and_by_sex():
    assert table(figures.by_year_group(REGISTER)) == {
        "Year 3": (2, 50.0, "not published"),
        "Year 5": (2, 50.0, "not published"),
    }
    sex = table(figures.by_sex(REGISTER))
    assert sex["Male"][:2] == (3, 75.0)
    assert "71% of EHC plans" in sex["Male"][2] and "61% of pupils on SEN support" in sex["Male"][2]


def test_an_empty_register_has_no_share_to_divide():
    assert all(r.percent == 0.0 for r in figures.by_sex([]))


def test_runs_on_the_register_are_broken_only_by_a_status_off_it():
    history = [
        ("N", D(2020, 9, 1), D(2021, 1, 9)),
        ("A", D(2021, 1, 10), D(2022, 1, 9)),  # legacy School Action: on the register
        ("K", D(2022, 1, 10), D(2023, 1, 9)),
        ("N", D(2023, 1, 10), D(2024, 1, 9)),
        ("E", D(2024, 1, 10), None),
    ]
    assert register_runs(history) == [(D(2021, 1, 10), D(2023, 1, 9)), (D(2024, 1, 10), None)]


def test_a_run_whose_last_status_ended_with_nothing_after_has_left():
    assert register_runs([("K", D(2024, 10, 1), D(2025, 2, 1))]) == [
        (D(2024, 10, 1), D(2025, 2, 1))
    ]


def test_entries_and_exits_per_term_by_hand():
    histories = [
        [("K", D(2024, 10, 1), D(2025, 2, 1)), ("N", D(2025, 2, 2), None)],  # in autumn, out spring
        [("N", D(2020, 9, 1), D(2024, 12, 31)), ("K", D(2025, 1, 1), None)],  # Christmas: autumn
        [("E", D(2025, 5, 1), None)],  # summer
        [("K", D(2019, 1, 1), None)],  # before the terms shown: not counted
        [("K", D(2024, 9, 10), D(2025, 7, 22))],  # out the day after the summer term: not shown
    ]
    assert entries_and_exits(histories, TERMS) == [
        TermFlow("Autumn 2024/25", 3, 0),
        TermFlow("Spring 2024/25", 0, 1),
        TermFlow("Summer 2024/25", 1, 0),
    ]


def test_no_terms_give_no_flows():
    assert entries_and_exits([[("K", D(2024, 10, 1), None)]], []) == []


# The pages ------------------------------------------------------------------------------------

CHARTS = ["need", "area", "year", "sex", "terms"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", CHARTS)
def test_each_chart_is_a_private_svg_drawn_without_the_network(client_for, name):
    response = client_for("senco").get(reverse("register:chart", kwargs={"name": name}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Cache-Control"] == "private, no-store"
    svg = response.content.decode()
    assert "<svg" in svg and "<script" not in svg and 'xlink:href="http' not in svg


@pytest.mark.django_db
def test_an_unknown_chart_is_not_found(client_for):
    response = client_for("senco").get("/register/charts/pie.svg")
    assert response.status_code == 404


@pytest.mark.django_db
def test_each_chart_sits_beside_its_table_with_a_text_alternative(client_for):
    page = client_for("senco").get(reverse("register:charts")).content.decode()
    for name in CHARTS:
        src = reverse("register:chart", kwargs={"name": name})
        assert f'<img src="{src}" alt="Bar chart: ' in page
    assert page.count("<table>") == len(CHARTS)
    assert "not published" in page and "of EHC plans, Jan 2025" in page


@pytest.mark.django_db
def test_the_page_figures_are_the_registers(client_for):
    page = client_for("senco").get(reverse("register:charts")).content.decode()
    register = register_pupils()
    boys = register.filter(sex="M").count()
    share = round(100 * boys / register.count(), 1)
    assert f'<tr><th scope="row">Male</th><td>{boys}</td><td>{share}%</td>' in page
    assert f"{register.count()} pupils on the register" in page


def entries_this_term(client, term) -> int:
    page = client.get(reverse("register:charts")).content.decode()
    return int(page.split(f'<tr><th scope="row">{term}</th><td>')[1].split("<")[0])


@pytest.mark.django_db
def test_a_pupil_joining_the_register_today_is_an_entry_this_term(client_for):
    today = access.today()
    term = Term.objects.filter(
        academic_year__school=targets.home_school(), starts__lte=today
    ).order_by("-starts")[0]
    pupil = register_pupils().order_by("pk")[0]
    senco = client_for("senco")
    set_history(pupil, [("K", D(2015, 9, 1), None)], [("MLD", 1, D(2015, 9, 1), None)])
    before = entries_this_term(senco, term)
    set_history(
        pupil,
        [("N", D(2015, 9, 1), today - dt.timedelta(days=1)), ("K", today, None)],
        [("MLD", 1, today, None)],
    )
    assert entries_this_term(senco, term) == before + 1
