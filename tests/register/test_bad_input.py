"""Bad input to the register, beyond what tests/pupils covers (NSA with a plan, a need twice,
legacy codes and bad dates entered by hand: tests/pupils/test_register_changes.py and
tests/test_pages.py). Entered by hand: refused with the fix, nothing changed. Arrived by import:
kept, and listed by the census check with the fix."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from senco.pupils.models import Pupil, SenNeed, SenStatus
from senco.pupils.services import change_register_entry
from tests.pupils.test_exports import signed_in
from tests.register.helpers import D, register_pupils, set_history

pytestmark = pytest.mark.django_db
CENSUS = reverse("register:census")


def a_support_pupil() -> Pupil:
    return register_pupils().filter(sen_provision="K").order_by("pk")[0]


def history(pupil: Pupil):
    return (
        list(pupil.sen_statuses.values_list("provision", "starts", "ends").order_by("pk")),
        list(pupil.sen_needs.values_list("need", "rank", "starts", "ends").order_by("pk")),
    )


def breaches_on_census_page(client) -> str:
    page = client.get(CENSUS).content.decode()  # the next census day: every pupil on roll now
    return page[page.index("Breaches of the census rules") : page.index("<h2>Summary")]


def test_a_need_code_the_census_does_not_know_is_refused_by_hand(persona, today):
    pupil = a_support_pupil()
    before = history(pupil)
    with pytest.raises(ValidationError, match="XYZ is not a census need code"):
        change_register_entry(
            pupil, provision="K", needs=["XYZ"], starts=today, by=persona("senco")
        )
    assert history(pupil) == before


def test_a_need_code_the_census_does_not_know_is_refused_by_the_form(client_for, today):
    pupil = a_support_pupil()
    before = history(pupil)
    response = client_for("senco").post(
        reverse("pupils:register_change", args=[pupil.public_id]),
        {"provision": "K", "need_1": "XYZ", "starts": today.isoformat()},
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert history(pupil) == before


def test_two_needs_at_rank_one_entered_by_hand_cannot_happen(persona, today):
    """The service ranks needs by their order: two at rank 1 can only arrive by import."""
    pupil = a_support_pupil()
    change_register_entry(
        pupil, provision="E", needs=["ASD", "SLCN"], starts=today, by=persona("senco")
    )
    assert list(pupil.sen_needs.filter(ends__isnull=True).values_list("rank", flat=True)) == [1, 2]


@pytest.mark.parametrize(
    ("needs", "message"),
    [
        ([("MLD", 1), ("SEMH", 1)], "Two open needs share a rank: give each need its own rank."),
        ([("MLD", 1), ("MLD", 2)], "The same need is listed twice: keep it once."),
        ([("XYZ", 1)], "XYZ is not a census need code: choose from the list."),
        ([("SEMH", 2)], "No open need is ranked 1 (primary): rank the main need 1."),
    ],
)
def test_an_imported_breach_is_kept_and_listed_by_the_census_check(client_for, needs, message):
    pupil = a_support_pupil()
    set_history(
        pupil,
        [("K", D(2024, 9, 1), None)],
        [(code, rank, D(2024, 9, 1), None) for code, rank in needs],
    )
    breaches = breaches_on_census_page(client_for("senco"))
    assert f'href="/pupils/{pupil.public_id}/register/"' in breaches
    assert message in breaches


def test_an_nsa_need_on_a_plan_entered_by_hand_is_refused(persona, today):
    pupil = a_support_pupil()
    before = history(pupil)
    with pytest.raises(ValidationError, match="only with SEN support"):
        change_register_entry(
            pupil, provision="E", needs=["NSA"], starts=today, by=persona("senco")
        )
    assert history(pupil) == before


@pytest.mark.parametrize("model", [SenStatus, SenNeed])
def test_an_end_date_before_the_start_is_refused_by_the_database(model):
    pupil = a_support_pupil()
    fields = {"provision": "K"} if model is SenStatus else {"need": "MLD", "rank": 3}
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(pupil=pupil, starts=D(2025, 1, 2), ends=D(2025, 1, 1), **fields)


def test_the_whole_register_xlsx_writes_a_surname_that_looks_like_a_formula_as_text():
    pupil = a_support_pupil()
    Pupil.objects.filter(pk=pupil.pk).update(legal_last_name="=1+1")
    response = signed_in("senco").get(reverse("pupils:register_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    column = [c.value for c in sheet[1]].index("Legal last name")
    cell = next(row[column] for row in sheet.iter_rows(min_row=2) if row[column].value == "=1+1")
    assert isinstance(cell.value, str) and cell.data_type == "s"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
