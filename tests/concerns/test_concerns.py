"""Raising a concern, the triage queue and the SEN lead's decision: good and hostile input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from senco.audit.models import AuditEntry
from senco.concerns import services
from senco.concerns.models import Concern, ConcernAttachment, Monitoring
from senco.pupils.models import SenStatus
from tests import targets
from tests.concerns import helpers
from tests.concerns.helpers import days, raise_about, triage_data

pytestmark = pytest.mark.django_db


def raise_url(pupil=None) -> str:
    return reverse("concerns:raise") + (f"?pupil={pupil.public_id}" if pupil else "")


def detail_url(concern) -> str:
    return reverse("concerns:detail", kwargs={"public_id": concern.public_id})


def errors(response) -> str:
    return response.content.decode()


# Raising a concern


def test_a_teacher_finds_a_pupil_they_do_not_teach_by_name_and_sees_only_name_and_year(
    client_for,
):
    pupil = helpers.not_taught()
    response = client_for("teacher").get(raise_url(), {"q": pupil.last_name})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"?pupil={pupil.public_id}" in page and pupil.year_group_label in page
    assert pupil.upn not in page and pupil.sen_provision_label not in page


def test_the_search_matches_only_the_name_a_pupil_goes_by_never_a_upn_or_a_hidden_legal_name(
    client_for,
):
    pupil = helpers.not_taught()
    pupil.legal_first_name, pupil.preferred_first_name = "Zedekiah", "Sam"
    pupil.save(update_fields=["legal_first_name", "preferred_first_name"])
    teacher = client_for("teacher")
    for hidden in ("Zedekiah", pupil.upn):
        assert str(pupil.public_id) not in teacher.get(raise_url(), {"q": hidden}).content.decode()
    shown = teacher.get(raise_url(), {"q": f"Sam {pupil.last_name}"}).content.decode()
    assert str(pupil.public_id) in shown
    entry = AuditEntry.objects.filter(action="pupil.listed", actor_label="teacher").latest("id")
    assert pupil.pk in entry.pupil_ids


def test_a_concern_about_a_pupil_later_made_confidential_leaves_the_raisers_list(client_for):
    pupil = helpers.not_taught()
    concern = raise_about(pupil)
    pupil.is_confidential = True
    pupil.save(update_fields=["is_confidential"])
    teacher = client_for("teacher")
    assert pupil.full_name not in teacher.get(reverse("concerns:list")).content.decode()
    assert teacher.get(detail_url(concern)).status_code == 404


def test_the_search_offers_no_pupil_of_another_school(client_for):
    elsewhere = targets.pupil_elsewhere()
    response = client_for("teacher").get(raise_url(), {"q": elsewhere.last_name})
    assert str(elsewhere.public_id) not in response.content.decode()


def test_a_teacher_raises_a_concern_with_evidence_and_sees_a_confirmation_not_the_file(
    client_for,
):
    pupil = helpers.not_taught()
    client = client_for("teacher")
    response = client.post(
        raise_url(pupil),
        {
            "area": "CI",
            "seen": "Cannot follow two-step instructions.",
            "tried": "Visual prompts.",
            "attachments": [helpers.pdf("speech sample.pdf")],
        },
    )
    concern = Concern.objects.get(pupil=pupil)
    assert response.status_code == 302 and response["Location"] == detail_url(concern)
    page = client.get(response["Location"]).content.decode()
    assert "your concern about" in page and "is with the SENCO" in page
    assert pupil.upn not in page and "the pupil&#x27;s record" not in page
    assert concern.raised_by == helpers.user("teacher") and concern.area == "CI"
    assert [a.filename for a in concern.attachments.all()] == ["speech sample.pdf"]
    entry = AuditEntry.objects.filter(action="concern.raised").latest("pk")
    assert entry.pupil_id == pupil.pk and entry.actor_label == "teacher"


def test_the_teacher_cannot_open_the_pupils_record_after_raising_a_concern(client_for):
    pupil = helpers.not_taught()
    raise_about(pupil)
    response = client_for("teacher").get(reverse("pupils:detail", args=[pupil.public_id]))
    assert response.status_code == 404


@pytest.mark.parametrize("pupil_id", ["elsewhere", "not-a-uuid", "missing"])
def test_a_pupil_not_offered_for_concerns_answers_404(client_for, pupil_id):
    value = {
        "elsewhere": lambda: str(targets.pupil_elsewhere().public_id),
        "not-a-uuid": lambda: "12345",
        "missing": lambda: "00000000-0000-4000-8000-000000000000",
    }[pupil_id]()
    client = client_for("teacher")
    assert client.get(raise_url(), {"pupil": value}).status_code == 404
    assert client.post(raise_url() + f"?pupil={value}", {"seen": "x"}).status_code == 404
    assert not Concern.objects.filter(raised_by__username="teacher", seen="x").exists()


def test_a_concern_without_what_you_see_is_refused_and_nothing_is_saved(client_for):
    pupil = helpers.not_taught()
    response = client_for("ta").post(raise_url(pupil), {"area": "CL", "seen": "  "})
    assert response.status_code == 200
    assert "Say what you see" in errors(response)
    assert not Concern.objects.filter(pupil=pupil).exists()


def test_a_file_that_is_not_a_document_refuses_the_whole_concern_naming_the_file(client_for):
    pupil = helpers.not_taught()
    bad = helpers.pdf("notes.pdf", b"MZ\x90\x00 a program, not a document")
    response = client_for("teacher").post(
        raise_url(pupil), {"seen": "Tired.", "attachments": [helpers.pdf(), bad]}
    )
    assert response.status_code == 200
    assert "notes.pdf is not a PDF" in errors(response)
    assert not Concern.objects.filter(pupil=pupil).exists()
    assert not ConcernAttachment.objects.filter(filename="reading-record.pdf").exists()


def test_an_oversized_file_refuses_the_whole_concern(client_for, settings):
    settings.SENCO_DOCUMENT_MAX_MB = 1
    pupil = helpers.not_taught()
    big = helpers.pdf("scan.pdf", helpers.PDF + b"0" * (1024 * 1024 + 1))
    response = client_for("teacher").post(raise_url(pupil), {"seen": "x", "attachments": [big]})
    assert "scan.pdf is 1." in errors(response)
    assert "MB: the largest file accepted is 1 MB" in errors(response)
    assert not Concern.objects.filter(pupil=pupil).exists()


def test_more_than_three_files_are_refused(client_for):
    pupil = helpers.not_taught()
    files = [helpers.pdf(f"page{n}.pdf") for n in range(4)]
    response = client_for("teacher").post(raise_url(pupil), {"seen": "x", "attachments": files})
    assert "attach at most 3" in errors(response)
    assert not Concern.objects.filter(pupil=pupil).exists()


def test_a_confidential_pupil_is_not_offered_for_a_concern(client_for):
    pupil = helpers.not_taught()
    pupil.is_confidential = True
    pupil.save(update_fields=["is_confidential"])
    assert client_for("teacher").get(raise_url(pupil)).status_code == 404


# The queue and the raiser's own list


def test_the_senco_sees_open_concerns_first_the_longest_waiting_at_the_top(client_for):
    school = targets.home_school()
    Concern.objects.filter(school=school).delete()
    newer, older, decided = (raise_about(helpers.not_taught()) for _ in range(3))
    Concern.objects.filter(pk=older.pk).update(raised_at=older.raised_at.replace(year=2020))
    Concern.objects.filter(pk=decided.pk).update(decision="none", reasons="r")
    response = client_for("senco").get(reverse("concerns:list"))
    shown = [c.pk for c in response.context["page"].object_list]
    assert shown == [older.pk, newer.pk, decided.pk]
    only_open = client_for("senco").get(reverse("concerns:list"), {"show": "decided"})
    assert [c.pk for c in only_open.context["page"].object_list] == [decided.pk]


def test_other_staff_see_the_concerns_they_raised_and_the_decision_but_not_the_reasons(
    client_for, persona
):
    concern = raise_about(helpers.not_taught(), "ta")
    services.triage(
        concern,
        by=persona("senco"),
        decision="none",
        reasons="Secret weighing up of family matters.",
        parents_told="phone",
        parents_told_on=days(0),
    )
    listed = client_for("ta").get(reverse("concerns:list"))
    assert {c.raised_by.username for c in listed.context["page"].object_list} == {"ta"}
    page = client_for("ta").get(detail_url(concern)).content.decode()
    assert "No further action" in page and "Secret weighing up" not in page
    assert client_for("teacher").get(detail_url(concern)).status_code == 404


def test_the_list_is_one_audit_entry_naming_its_pupils(client_for):
    client_for("senco").get(reverse("concerns:list"))
    entry = AuditEntry.objects.filter(action="concern.viewed").latest("pk")
    assert entry.kind == "read" and entry.pupil_ids


def queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("username", ["senco", "teacher"])
def test_the_list_makes_as_many_queries_for_20_concerns_as_for_2(client_for, username):
    Concern.objects.filter(school=targets.home_school()).delete()
    pupil = helpers.not_taught()
    for _ in range(2):
        raise_about(pupil, "teacher")
    client = client_for(username)
    few = queries(client, reverse("concerns:list"))
    for _ in range(18):
        raise_about(pupil, "teacher")
    assert queries(client, reverse("concerns:list")) == few


# Triage


def test_the_senco_starts_sen_support_with_slcn_and_the_pupil_is_on_the_register(
    client_for,
):
    concern = helpers.teachers_concern()
    pupil = concern.pupil
    response = client_for("senco").post(detail_url(concern), triage_data())
    assert response.status_code == 302
    pupil.refresh_from_db()
    concern.refresh_from_db()
    assert pupil.sen_provision == "K" and pupil.primary_need == "SLCN"
    assert SenStatus.objects.filter(pupil=pupil, provision="K", ends__isnull=True).exists()
    assert concern.decision == "support" and concern.triaged_by.username == "senco"
    actions = set(AuditEntry.objects.filter(pupil_id=pupil.pk).values_list("action", flat=True))
    assert {"concern.triaged", "register.status_changed"} <= actions


def assert_refused(response, concern, message: str) -> None:
    assert response.status_code == 200
    assert message in response.content.decode()
    concern.refresh_from_db()
    concern.pupil.refresh_from_db()
    assert concern.is_open and concern.pupil.sen_provision == "N"
    assert not AuditEntry.objects.filter(action="concern.triaged", object_id=concern.pk).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reasons": "   "}, "Give the reasons for the decision"),
        ({"decision": ""}, "Choose what happens next"),
        ({"decision": "refer", "agency": ""}, "Name the agency"),
        ({"parents_told_on": days(3).isoformat()}, "is in the future: give the date parents"),
        ({"parents_told": "phone", "parents_told_on": ""}, "Give the date parents were told"),
        ({"parents_told": ""}, "Say how parents were told"),
        ({"need_1": "XYZ"}, "XYZ is not a census need code"),
        ({"need_1": ""}, "SEN support needs a primary need"),
        ({"need_1": "SLCN", "need_2": "SLCN"}, "The same need is listed twice"),
        ({"need_1": "", "need_2": "ASD"}, "Choose the primary need first"),
        ({"starts": days(5).isoformat()}, "is in the future: record the change"),
        ({"starts": "31/02/2026"}, "Enter a valid date"),
        ({"decision": "monitor", "review_on": ""}, "Give the date to review"),
        ({"decision": "monitor", "review_on": days(-1).isoformat()}, "must be after today"),
        ({"decision": "maybe"}, "Select a valid choice"),
    ],
)
def test_a_triage_with_something_missing_or_wrong_is_refused_and_nothing_changes(
    client_for, change, message
):
    concern = helpers.teachers_concern()
    response = client_for("senco").post(detail_url(concern), triage_data(**change))
    assert_refused(response, concern, message)


def test_sen_support_starting_before_the_current_status_is_refused_by_the_register_rules(
    client_for, persona
):
    concern = helpers.teachers_concern()
    SenStatus.objects.create(pupil=concern.pupil, provision="N", starts=days(-2))
    response = client_for("senco").post(
        detail_url(concern), triage_data(starts=days(-10).isoformat())
    )
    assert_refused(response, concern, "a change must start after that day")


def test_nsa_is_accepted_as_the_primary_need_of_sen_support(client_for):
    concern = helpers.teachers_concern()
    client_for("senco").post(detail_url(concern), triage_data(need_1="NSA"))
    concern.pupil.refresh_from_db()
    assert concern.pupil.sen_provision == "K" and concern.pupil.primary_need == "NSA"


def test_sen_support_is_refused_for_a_pupil_already_on_an_ehc_plan(client_for):
    school = targets.home_school()
    on_plan = targets.visible("senco", school).filter(sen_provision="E").order_by("pk")[0]
    concern = raise_about(on_plan)
    response = client_for("senco").post(detail_url(concern), triage_data())
    assert "is already on the register" in response.content.decode()
    concern.refresh_from_db()
    on_plan.refresh_from_db()
    assert concern.is_open and on_plan.sen_provision == "E"


def test_a_decided_concern_cannot_be_triaged_again(client_for, persona):
    concern = helpers.teachers_concern()
    stale = Concern.objects.get(pk=concern.pk)
    client_for("senco").post(detail_url(concern), triage_data(decision="none"))
    response = client_for("senco").post(detail_url(concern), triage_data())
    assert "it cannot be triaged again" in response.content.decode()
    with pytest.raises(services.ValidationError, match="already decided"):
        services.triage(stale, by=persona("senco"), **_as_service(triage_data()))
    concern.refresh_from_db()
    concern.pupil.refresh_from_db()
    assert concern.decision == "none" and concern.pupil.sen_provision == "N"


def _as_service(data: dict) -> dict:
    return {
        "decision": data["decision"],
        "reasons": data["reasons"],
        "parents_told": data["parents_told"],
        "parents_told_on": days(0),
        "starts": days(0),
        "needs": [data["need_1"]],
    }


def test_monitor_puts_the_pupil_on_the_monitoring_list_once(client_for, persona):
    concern = helpers.teachers_concern()
    response = client_for("senco").post(
        detail_url(concern),
        triage_data(decision="monitor", review_on=days(40).isoformat(), parents_told="not_yet"),
    )
    assert response.status_code == 302
    monitoring = Monitoring.objects.open().get(pupil=concern.pupil)
    assert monitoring.review_on == days(40) and monitoring.concern_id == concern.pk
    concern.refresh_from_db()
    assert concern.parents_told == "not_yet" and concern.parents_told_on is None
    again = raise_about(concern.pupil, "ta")
    services.triage(
        again,
        by=persona("senco"),
        decision="monitor",
        reasons="Second concern, same picture.",
        parents_told="not_yet",
        review_on=days(10),
    )
    assert Monitoring.objects.filter(pupil=concern.pupil).count() == 1
    assert AuditEntry.objects.filter(action="monitoring.started", pupil_id=concern.pupil.pk)


def test_starting_sen_support_takes_a_monitored_pupil_off_the_monitoring_list(persona):
    monitoring = helpers.open_monitoring()
    concern = raise_about(monitoring.pupil, "ta")
    services.triage(concern, by=persona("senco"), **_as_service(triage_data()))
    monitoring.refresh_from_db()
    assert monitoring.ends == max(monitoring.starts, days(-1))
    assert monitoring.outcome == "Added to the SEN register."
    assert AuditEntry.objects.filter(action="monitoring.ended", pupil_id=monitoring.pupil_id)


def test_a_referral_keeps_the_agency(client_for):
    concern = helpers.teachers_concern()
    client_for("senco").post(
        detail_url(concern), triage_data(decision="refer", agency="Community paediatrics")
    )
    concern.refresh_from_db()
    assert concern.decision == "refer" and concern.agency == "Community paediatrics"


def test_the_raiser_may_read_but_not_decide_and_other_staff_get_404(client_for):
    concern = helpers.teachers_concern()
    assert client_for("teacher").get(detail_url(concern)).status_code == 200
    assert client_for("teacher").post(detail_url(concern), triage_data()).status_code == 403
    for username in ("ta", "head", "other_teacher", "parent", "governor", "other_senco"):
        response = client_for(username).get(detail_url(concern))
        assert response.status_code == 404, username
    concern.refresh_from_db()
    assert concern.is_open


def test_a_concern_of_another_school_answers_404_to_this_schools_senco(client_for):
    concern = helpers.elsewhere_concern()
    assert client_for("senco").get(detail_url(concern)).status_code == 404
    assert client_for("senco").post(detail_url(concern), triage_data()).status_code == 404
    assert client_for("other_senco").get(detail_url(concern)).status_code == 200


def test_reading_a_concern_is_in_the_audit_log(client_for):
    concern = helpers.teachers_concern()
    client_for("senco").get(detail_url(concern))
    entry = AuditEntry.objects.filter(action="concern.viewed").latest("pk")
    assert entry.pupil_id == concern.pupil_id and entry.actor_label == "senco"


# Attachments


def test_the_senco_downloads_evidence_safely_and_the_opening_is_audited(client_for):
    concern = helpers.with_attachment()
    found = concern.attachments.get()
    url = reverse("concerns:attachment", args=[concern.public_id, found.public_id])
    response = client_for("senco").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == helpers.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    entry = AuditEntry.objects.filter(action="concern.attachment_viewed").latest("pk")
    assert entry.pupil_id == concern.pupil_id
    assert client_for("teacher").get(url).status_code == 404


def test_an_attachment_asked_for_through_another_concern_answers_404(client_for):
    found = helpers.with_attachment().attachments.get()
    other = helpers.teachers_concern()
    url = reverse("concerns:attachment", args=[other.public_id, found.public_id])
    assert client_for("senco").get(url).status_code == 404


def test_a_concern_that_cannot_be_saved_leaves_no_attachment_on_disk(settings, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(services.log, "change", fail)
    with pytest.raises(RuntimeError):
        helpers.with_attachment()
    folder = settings.MEDIA_ROOT / "concerns"
    assert not folder.exists() or [p for p in folder.rglob("*") if p.is_file()] == []
