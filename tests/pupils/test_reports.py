"""Reports from outside the school, dropped onto a pupil's record and read back, audited."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from senco import access
from senco.audit.models import AuditEntry
from senco.pupils import services
from senco.pupils.models import Pupil, Report
from senco.pupils.uploads import check_document
from tests import targets
from tests.pupils import report_files as files

pytestmark = pytest.mark.django_db
AUTHOR = "Dr A. Example, Northfield Educational Psychology Service"


def list_url(pupil: Pupil) -> str:
    return reverse("pupils:reports", kwargs={"public_id": pupil.public_id})


def file_url(report: Report, pupil: Pupil | None = None) -> str:
    kwargs = {"public_id": (pupil or report.pupil).public_id, "report_id": report.public_id}
    return reverse("pupils:report", kwargs=kwargs)


def stored_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def state(pupil: Pupil) -> tuple:
    """What a refused upload must leave as it was: rows, files and change entries."""
    changes = AuditEntry.objects.filter(kind=AuditEntry.Kind.CHANGE)
    return (pupil.reports.count(), len(stored_files()), changes.count())


def form(**changes) -> dict:
    data = {
        "kind": "ep",
        "author": AUTHOR,
        "dated": (access.today() - dt.timedelta(days=14)).isoformat(),
        "file": files.upload(files.pdf(), "EP report.pdf"),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def latest(pupil: Pupil) -> Report:
    return pupil.reports.order_by("-pk")[0]


def add(pupil: Pupil, by, *, dated: dt.date | None = None, name: str = "EP report.pdf") -> Report:
    return services.add_report(
        pupil,
        kind="ep",
        author=AUTHOR,
        dated=dated or access.today() - dt.timedelta(days=14),
        document=check_document(files.upload(files.pdf(), name)),
        by=by,
    )


def test_the_senco_adds_an_ep_report_and_finds_it_listed(client_for, persona):
    pupil = targets.taught_pupil()
    client = client_for("senco")
    response = client.post(list_url(pupil), form())
    assert response.status_code == 302 and response["Location"] == list_url(pupil)
    report = latest(pupil)
    assert (report.kind, report.author, report.filename) == ("ep", AUTHOR, "EP report.pdf")
    assert (report.content_type, report.size) == ("application/pdf", len(files.pdf()))
    assert report.uploaded_by == persona("senco")
    page = client.get(list_url(pupil)).content.decode()
    assert "Added the educational psychologist report." in page
    assert AUTHOR in page and "EP report.pdf" in page and file_url(report) in page


def test_the_file_is_kept_under_a_random_name_outside_the_web_root(persona):
    report = add(targets.taught_pupil(), persona("senco"), name="Smith EP report.pdf")
    [stored] = stored_files()
    assert stored.read_bytes() == files.pdf()
    assert stored.parent.parent.name == "reports" and "Smith" not in stored.name
    assert len(stored.stem) == 32 and stored.suffix == ".pdf"
    assert report.file.name.startswith("reports/")


def test_adding_a_report_is_in_the_audit_log_with_what_was_added(persona):
    pupil = targets.taught_pupil()
    report = add(pupil, persona("senco"))
    entry = AuditEntry.objects.get(action="report.added", object_id=report.pk)
    assert entry.actor_label == "senco" and entry.object_id == report.pk
    assert entry.changes["after"] == {
        "kind": "ep",
        "author": AUTHOR,
        "dated": report.dated.isoformat(),
        "filename": "EP report.pdf",
        "size": report.size,
        "sha256": report.sha256,
    }


def test_the_report_downloads_as_an_attachment_that_is_never_cached(client_for, persona):
    pupil = targets.taught_pupil()
    report = add(pupil, persona("senco"))
    response = client_for("head").get(file_url(report))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="EP report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    entry = AuditEntry.objects.get(action="report.viewed", actor_label="head")
    assert entry.kind == AuditEntry.Kind.READ and entry.pupil_id == pupil.pk
    assert "EP report.pdf" in entry.object_label


def test_a_name_with_accents_reaches_the_browser_encoded(client_for, persona):
    report = add(targets.taught_pupil(), persona("senco"), name="Zoë's SALT report.pdf")
    response = client_for("senco").get(file_url(report))
    assert "filename*=utf-8''Zo%C3%AB%27s%20SALT%20report.pdf" in response["Content-Disposition"]


def test_reports_are_listed_newest_first_with_who_added_them(client_for, persona):
    pupil = targets.taught_pupil()
    today = access.today()
    older = add(pupil, persona("senco"), dated=today - dt.timedelta(days=200), name="old.pdf")
    newer = add(pupil, persona("head"), dated=today - dt.timedelta(days=2), name="new.pdf")
    page = client_for("senco").get(list_url(pupil)).content.decode()
    assert page.index(newer.filename) < page.index(older.filename)
    head = persona("head")
    assert f"by {head.get_full_name()}" in page


BAD_IDS = [
    "no-file", "empty", "exe", "html-named-pdf", "zip-not-docx", "no-author", "huge-author",
    "no-kind", "unknown-kind", "no-date", "impossible-date", "future", "before-birth",
]  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"file": None}, "Report file", "Choose the report's file to upload."),
        ({"file": files.upload(b"", "blank.pdf")}, "Report file", "blank.pdf is empty"),
        ({"file": files.upload(files.EXE, "report.exe")}, "Report file", "report.exe is not a PDF"),
        (
            {"file": files.upload(files.HTML, "report.pdf")},
            "Report file",
            "report.pdf is not a PDF",
        ),
        (
            {"file": files.upload(files.zip_of_photos(), "report.docx")},
            "Report file",
            "report.docx is not a PDF",
        ),
        ({"author": ""}, "Who wrote it", "Enter who wrote the report, and their service."),
        ({"author": "x" * 5000}, "Who wrote it", "at most 200 characters (it has 5000)"),
        ({"kind": ""}, "Kind of report", "Choose the kind of report from the list."),
        ({"kind": "wizard"}, "Kind of report", "Choose the kind of report from the list."),
        ({"dated": ""}, "Date on the report", "Enter the date on the report."),
        ({"dated": "31/02/2026"}, "Date on the report", "Enter a valid date."),
        ({"dated": "2999-01-01"}, "Date on the report", "01/01/2999 is in the future"),
        ({"dated": "1990-01-01"}, "Date on the report", "01/01/1990 is before the pupil was born"),
    ],
    ids=BAD_IDS,
)
def test_a_bad_upload_says_what_is_wrong_and_changes_nothing(client_for, changes, field, message):
    pupil = targets.taught_pupil()
    before = state(pupil)
    response = client_for("senco").post(list_url(pupil), form(**changes))
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert "There is a problem" in page and f"{field}: " in page and message in page
    assert state(pupil) == before


@override_settings(SENCO_DOCUMENT_MAX_MB=1)
def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(client_for):
    pupil = targets.taught_pupil()
    before = state(pupil)
    big = files.upload(b"%PDF-" + b"0" * 1024 * 1024, "scan.pdf")
    response = client_for("senco").post(list_url(pupil), form(file=big))
    assert "Report file: scan.pdf is 1.1 MB: the largest file accepted is 1 MB" in (
        response.content.decode()
    )
    assert state(pupil) == before


def test_a_filename_with_a_path_or_control_characters_is_stored_clean(client_for):
    pupil = targets.taught_pupil()
    client = client_for("senco")
    client.post(list_url(pupil), form(file=files.upload(files.pdf(), "../../etc/passwd.pdf")))
    client.post(list_url(pupil), form(file=files.upload(files.pdf(), "EP\x00\x1b[31m.pdf")))
    names = {r.filename for r in pupil.reports.order_by("-pk")[:2]}
    assert names == {"passwd.pdf", "EP[31m.pdf"}
    assert all(p.is_relative_to(settings.MEDIA_ROOT) for p in stored_files())


def test_a_word_file_with_the_wrong_name_downloads_as_what_it_is(client_for):
    pupil = targets.taught_pupil()
    client = client_for("senco")
    client.post(list_url(pupil), form(file=files.upload(files.docx(), "report.pdf")))
    report = latest(pupil)
    assert report.filename == "report.pdf.docx" and report.content_type.endswith("document")


def test_a_report_whose_row_cannot_be_saved_leaves_no_file_behind(persona, monkeypatch):
    pupil = targets.taught_pupil()
    before = state(pupil)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services.log, "change", broken)
    with pytest.raises(RuntimeError):
        add(pupil, persona("senco"))
    assert state(pupil) == before and stored_files() == []


def test_the_service_refuses_a_bad_label_from_any_caller(persona):
    pupil = targets.taught_pupil()
    before = state(pupil)
    with pytest.raises(ValidationError) as refused:
        services.add_report(
            pupil,
            kind="wizard",
            author=" ",
            dated=pupil.date_of_birth - dt.timedelta(days=1),
            document=check_document(files.upload(files.pdf())),
            by=persona("senco"),
        )
    assert set(refused.value.message_dict) == {"kind", "author", "dated"}
    assert state(pupil) == before and stored_files() == []


def test_a_teacher_may_not_add_a_report_for_a_pupil_they_teach(client_for):
    pupil = targets.taught_pupil()
    before = state(pupil)
    assert client_for("teacher").post(list_url(pupil), form()).status_code == 403
    assert state(pupil) == before


def test_a_report_is_not_found_through_another_pupils_address(client_for, persona):
    report = add(targets.taught_pupil(), persona("senco"))
    other = Pupil.objects.filter(school=report.pupil.school).exclude(pk=report.pupil.pk)[0]
    response = client_for("senco").get(file_url(report, pupil=other))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="report.viewed").exists()


def ep_pupils(persona) -> list[Pupil]:
    return list(access.pupils_visible_to(persona("ep"), targets.home_school()).order_by("pk"))


def test_the_educational_psychologist_adds_and_reads_reports_for_their_pupils(client_for, persona):
    client = client_for("ep")
    for pupil in ep_pupils(persona):
        assert client.post(list_url(pupil), form()).status_code == 302
        report = latest(pupil)
        assert report.uploaded_by == persona("ep")
        assert client.get(list_url(pupil)).status_code == 200
        assert client.get(file_url(report)).status_code == 200


def test_the_educational_psychologist_sees_no_other_pupils_reports(client_for, persona):
    invited = ep_pupils(persona)
    other = Pupil.objects.filter(school=targets.home_school()).exclude(
        pk__in=[p.pk for p in invited]
    )[0]
    report = add(other, persona("senco"))
    before = state(other)
    client = client_for("ep")
    assert client.get(list_url(other)).status_code == 404
    assert client.post(list_url(other), form()).status_code == 404
    assert client.get(file_url(report)).status_code == 404
    assert client.get(file_url(report, pupil=invited[0])).status_code == 404
    assert state(other)[:2] == before[:2]


def queries(client, url: str) -> int:
    client.get(url)  # the first request of a session also refreshes its expiry
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_makes_the_same_queries_for_2_and_20_reports(client_for, persona):
    pupil = targets.taught_pupil()
    senco, head = persona("senco"), persona("head")
    for i in range(2):
        add(pupil, senco if i % 2 else head)
    client = client_for("senco")
    at_2 = queries(client, list_url(pupil))
    for i in range(18):
        add(pupil, senco if i % 2 else head)
    assert queries(client, list_url(pupil)) == at_2


def test_a_report_whose_file_has_gone_is_not_found_and_not_logged_as_read(client_for, persona):
    report = add(targets.taught_pupil(), persona("senco"))
    report.file.delete(save=False)
    assert client_for("senco").get(file_url(report)).status_code == 404
    assert not AuditEntry.objects.filter(action="report.viewed").exists()


def test_the_demo_has_synthetic_reports_one_for_the_visiting_psychologist(persona):
    demo = Report.objects.filter(pupil__school=targets.home_school(), author__contains="Northfield")
    assert demo.count() >= 2
    assert demo.filter(pupil__in=ep_pupils(persona), uploaded_by=persona("ep")).exists()
    assert all(r.content_type == "application/pdf" and r.size > 0 for r in demo)


def test_a_scan_bigger_than_djangos_memory_limits_still_arrives(client_for):
    """DATA_UPLOAD_MAX_MEMORY_SIZE leaves files out; past FILE_UPLOAD_MAX_MEMORY_SIZE the upload
    waits in a temporary file instead of memory: neither refuses a report under our limit."""
    pupil = targets.taught_pupil()
    size = max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.FILE_UPLOAD_MAX_MEMORY_SIZE) + 1
    scan = files.upload(b"%PDF-" + b"0" * size, "scan.pdf")
    assert client_for("senco").post(list_url(pupil), form(file=scan)).status_code == 302
    assert latest(pupil).size == size + 5
