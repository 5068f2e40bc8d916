"""Bulk actions on the pupils ticked on the register: review dates, key workers, export, print."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from senco import access
from senco.audit.models import AuditEntry
from senco.pupils.models import Pupil
from senco.schools.models import Staff
from tests import targets
from tests.register.helpers import register_pupils

pytestmark = pytest.mark.django_db
URL = reverse("register:list")


def two() -> list[Pupil]:
    return list(register_pupils().order_by("pk")[:2])


def ticked(pupils, **data) -> dict:
    return {"pupils": [str(p.public_id) for p in pupils], **data}


def in_days(days: int) -> str:
    return (access.today() + dt.timedelta(days=days)).isoformat()


def reviews(pupils) -> list:
    return list(
        Pupil.objects.filter(pk__in=[p.pk for p in pupils]).values_list("review_on", flat=True)
    )


def test_the_senco_sets_the_review_date_of_two_pupils(client_for):
    pupils = two()
    senco = client_for("senco")
    response = senco.post(
        URL + "?sort=year", ticked(pupils, action="review", review_on=in_days(30))
    )
    assert response.status_code == 302 and response["Location"] == URL + "?sort=year"
    day = access.today() + dt.timedelta(days=30)
    assert reviews(pupils) == [day, day]
    entries = AuditEntry.objects.filter(action="register.review_set", actor_label="senco")
    assert sorted(entries.values_list("pupil_id", flat=True)) == sorted(p.pk for p in pupils)
    assert entries.first().changes["after"] == {"review_on": day.isoformat()}
    page = senco.get(response["Location"]).content.decode()
    assert f"Next review set to {day:%d/%m/%Y} for 2 pupils." in page


def test_a_review_date_written_the_school_way_is_understood(client_for):
    pupils = two()
    day = access.today() + dt.timedelta(days=10)
    client_for("senco").post(URL, ticked(pupils, action="review", review_on=f"{day:%d/%m/%Y}"))
    assert reviews(pupils) == [day, day]


@pytest.mark.parametrize(
    ("review_on", "message"),
    [
        ("1900-01-01", "has passed"),
        ("31/02/2027", "Enter a valid date"),
        ("next week", "Enter a valid date"),
        ("", "Enter the next review date"),
        ("2999-01-01", "more than two years away"),
    ],
)
def test_a_bad_review_date_changes_nothing_and_says_why(client_for, review_on, message):
    pupils = two()
    before = reviews(pupils)
    response = client_for("senco").post(URL, ticked(pupils, action="review", review_on=review_on))
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert message in response.content.decode()
    assert reviews(pupils) == before
    assert not AuditEntry.objects.filter(action="register.review_set").exists()


def test_nothing_ticked_is_a_clear_message(client_for):
    response = client_for("senco").post(URL, {"action": "review", "review_on": in_days(5)})
    assert response.status_code == 200
    assert "Tick at least one pupil" in response.content.decode()


def test_no_action_chosen_is_a_clear_message(client_for):
    response = client_for("senco").post(URL, ticked(two()))
    assert response.status_code == 200 and "There is a problem" in response.content.decode()


@pytest.mark.parametrize(
    "intruder",
    [
        lambda: targets.pupil_elsewhere(),
        lambda: Pupil.objects.filter(school=targets.home_school(), sen_provision="N")[0],
    ],
    ids=["another school's pupil", "a pupil not on the register"],
)
def test_one_pupil_not_on_the_visible_register_refuses_the_whole_action(client_for, intruder):
    pupils = [*two(), intruder()]
    before = reviews(pupils)
    response = client_for("senco").post(URL, ticked(pupils, action="review", review_on=in_days(9)))
    assert response.status_code == 200
    assert "Nothing was done: a pupil ticked is not on the register you can see" in (
        response.content.decode()
    )
    assert reviews(pupils) == before
    assert AuditEntry.objects.filter(action="pupil.refused", actor_label="senco").exists()


def test_an_id_that_is_not_an_id_refuses_the_whole_action(client_for):
    pupils = two()
    data = ticked(pupils, action="review", review_on=in_days(9))
    data["pupils"].append("not-a-uuid" * 50)
    response = client_for("senco").post(URL, data)
    assert "Nothing was done" in response.content.decode()
    assert reviews(pupils) != [access.today() + dt.timedelta(days=9)] * 2


def test_the_senco_assigns_a_key_worker_of_the_school(client_for):
    pupils = two()
    staff = Staff.objects.filter(school=targets.home_school()).order_by("-pk")[0]
    response = client_for("senco").post(
        URL, ticked(pupils, action="key_worker", key_worker=str(staff.public_id))
    )
    assert response.status_code == 302
    assert set(
        Pupil.objects.filter(pk__in=[p.pk for p in pupils]).values_list("key_worker", flat=True)
    ) == {staff.pk}
    entries = AuditEntry.objects.filter(action="register.key_worker_set")
    assert entries.count() == 2
    assert entries.first().changes["after"] == {"worker": str(staff)}


def test_another_schools_staff_cannot_be_a_key_worker(client_for):
    pupils = two()
    stranger = Staff.objects.filter(school=targets.other_school())[0]
    response = client_for("senco").post(
        URL, ticked(pupils, action="key_worker", key_worker=str(stranger.public_id))
    )
    assert response.status_code == 200
    assert "Choose a member of staff of this school" in response.content.decode()
    assert not Pupil.objects.filter(pk__in=[p.pk for p in pupils], key_worker=stranger).exists()
    assert not AuditEntry.objects.filter(action="register.key_worker_set").exists()


def test_the_head_may_not_change_entries_in_bulk(client_for):
    pupils = two()
    before = reviews(pupils)
    response = client_for("head").post(URL, ticked(pupils, action="review", review_on=in_days(3)))
    assert response.status_code == 403
    assert reviews(pupils) == before


@pytest.mark.parametrize("who", ["teacher", "ta", "parent", "governor"])
def test_people_without_the_register_cannot_act_on_it(client_for, who):
    pupils = [targets.taught_pupil(), targets.parents_child()]
    before = reviews(pupils)
    response = client_for(who).post(URL, ticked(pupils, action="review", review_on=in_days(3)))
    assert response.status_code == 403
    assert reviews(pupils) == before


def test_the_selection_downloads_as_a_formula_safe_spreadsheet(client_for):
    pupils = two()
    Pupil.objects.filter(pk=pupils[0].pk).update(legal_last_name="=1+1")
    response = client_for("head").post(URL, ticked(pupils, action="xlsx"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headings = [c.value for c in sheet[1]]
    column = headings.index("Legal last name")
    cells = [row[column] for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == 2
    cell = next(c for c in cells if c.value == "=1+1")
    assert isinstance(cell.value, str) and cell.data_type != "f"
    entry = AuditEntry.objects.filter(action="pupil.exported").latest("id")
    assert sorted(entry.pupil_ids) == sorted(p.pk for p in pupils)


def test_the_selection_downloads_as_csv(client_for):
    pupils = two()
    response = client_for("senco").post(URL, ticked(pupils, action="csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode("utf-8-sig").count("\r\n") == 3


def test_the_selection_prints_and_the_print_is_audited(client_for):
    pupils = two()
    response = client_for("senco").post(URL, ticked(pupils, action="print"))
    page = response.content.decode()
    assert response.status_code == 200 and page.count('<tr><th scope="row">') == 2
    entry = AuditEntry.objects.filter(action="register.printed").latest("id")
    assert sorted(entry.pupil_ids) == sorted(p.pk for p in pupils)


def test_the_page_offers_each_row_a_labelled_tick_box(client_for):
    pupil = two()[0]
    page = client_for("senco").get(URL).content.decode()
    label = f"Select {pupil.last_name}, {pupil.first_name}"
    assert f'<label for="pick-{pupil.public_id}" class="visually-hidden">{label}</label>' in page


def test_the_head_sees_no_bulk_change_controls_but_may_download(client_for):
    page = client_for("head").get(URL).content.decode()
    assert 'name="action" value="review"' not in page and 'value="xlsx"' in page


def test_more_than_a_page_ticked_is_refused_so_a_selection_is_never_the_whole_register(
    client_for, settings
):
    settings.SENCO_PAGE_SIZE = 2
    pupils = list(register_pupils().order_by("pk")[:3])
    response = client_for("senco").post(URL, ticked(pupils, action="csv"))
    assert response.status_code == 200
    assert "3 pupils are ticked: an action takes at most one page (2)" in response.content.decode()
    assert "attachment" not in response.get("Content-Disposition", "")
    assert not AuditEntry.objects.filter(action="pupil.exported", actor_label="senco").exists()
