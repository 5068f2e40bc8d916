"""The request pages as a SENCO uses them: recording a request, reading its deadlines as the
regulations set them, recording each stage and an exception, and every bad input answered with
a clear message and nothing changed."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from senco.audit.models import AuditEntry
from senco.ehcp.models import NeedsAssessmentRequest
from senco.ehcp.services import requests
from tests import targets
from tests.ehcp.helpers import request_for, senco

pytestmark = pytest.mark.django_db
NOT_VISIBLE = b"Not found, or you do not have access: ask your SENCO"
TODAY = dt.date.today()


def url(name: str, pupil, needs_request=None) -> str:
    kwargs = {"public_id": pupil.public_id}
    if needs_request is not None:
        kwargs["request_id"] = needs_request.public_id
    return reverse(f"pupils:ehcp:{name}", kwargs=kwargs)


def made_on(day: dt.date, pupil=None) -> NeedsAssessmentRequest:
    pupil = pupil or targets.taught_pupil()
    return requests.record_request(
        pupil,
        by=senco(pupil),
        requested_by="school",
        requested_on=day,
        local_authority="Northshire",
        today=day,
    )


def stage_data(needs_request, stage: str, on: dt.date, reason: str = "", version=None) -> dict:
    return {
        "stage-stage": stage,
        "stage-on": on.isoformat(),
        "stage-reason": reason,
        "stage-version": needs_request.version if version is None else version,
    }


def new_data(**fields) -> dict:
    data = {
        "requested_by": "school",
        "requested_by_name": "",
        "requested_on": (TODAY - dt.timedelta(days=3)).isoformat(),
        "local_authority": "Northshire",
        "caseworker": "",
        "la_reference": "",
    }
    return data | fields


# The deadlines on the page.


def test_a_request_made_on_monday_5_january_2026_shows_the_regulations_dates(client_for):
    needs_request = made_on(dt.date(2026, 1, 5))
    response = client_for("senco").get(url("request", targets.taught_pupil(), needs_request))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Monday 5 January 2026" in page
    for due in ("16 February 2026", "27 April 2026", "25 May 2026"):
        assert due in page
    entry = AuditEntry.objects.get(action="ehcp.request_viewed")
    assert entry.pupil_id == needs_request.pupil_id


def test_the_head_reads_the_request_without_the_forms_to_change_it(client_for):
    needs_request = request_for(targets.taught_pupil())
    page = client_for("head").get(url("request", needs_request.pupil, needs_request)).content
    assert b"Stages and deadlines" in page and b"Download the evidence pack" in page
    assert b"Record the next stage" not in page and b"Record an exception" not in page


def test_an_exception_moves_the_target_and_the_original_date_stays_visible(client_for):
    needs_request = made_on(dt.date(2026, 1, 5))
    pupil = needs_request.pupil
    response = client_for("senco").post(
        url("request_exception", pupil, needs_request),
        {
            "exception-reason": "exceptional_circumstances",
            "exception-starts": "2026-03-02",
            "exception-ends": "2026-03-15",
            "exception-note": "Bereavement in the family",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "The exception is recorded" in page
    assert "was 25 May 2026; 8 June 2026 after exceptional personal circumstances" in page
    assert "was 27 April 2026; 11 May 2026 after exceptional personal circumstances" in page
    assert "Bereavement in the family" in page
    assert AuditEntry.objects.filter(action="ehcp.exception_recorded").count() == 1


@pytest.mark.parametrize(
    ("reason", "starts", "ends", "note", "says"),
    [
        ("school_closed", "2026-03-02", "2026-03-13", "",
         "only counts when the period lasts at least 4 continuous weeks"),
        ("family_away", "2025-12-01", "2026-02-01", "", "before the LA received the request"),
        ("family_away", "2026-03-01", "2026-02-01", "", "before it starts"),
        ("", "2026-03-02", "2026-04-13", "", "Choose the reason"),
        ("family_away", "2026-03-02", "", "", "This field is required."),
        ("family_away", "2026-03-02", "2026-04-13", "Away\x00", "Null characters are not allowed."),
        ("family_away", "2026-03-02", "2026-04-13", "n" * 1001, "at most 1000 characters"),
    ],
)  # fmt: skip
def test_a_bad_exception_says_what_is_wrong_and_moves_nothing(
    client_for, reason, starts, ends, note, says
):
    needs_request = made_on(dt.date(2026, 1, 5))
    response = client_for("senco").post(
        url("request_exception", needs_request.pupil, needs_request),
        {
            "exception-reason": reason,
            "exception-starts": starts,
            "exception-ends": ends,
            "exception-note": note,
        },
    )
    assert response.status_code == 200 and b"There is a problem" in response.content
    assert says in response.content.decode()
    assert not needs_request.exceptions.exists()
    assert b"25 May 2026" in response.content and b"was 25 May 2026" not in response.content


@pytest.mark.parametrize(
    ("starts", "ends", "says"),
    [
        ("2026-03-02", "2026-03-13",
         "2 March 2026 to 13 March 2026 is 12 days"),
        ("2026-03-01", "2026-02-01",
         "exception ends (1 February 2026) before it starts (1 March 2026)"),
    ],
)  # fmt: skip
def test_the_deadline_rules_refusals_show_dates_as_people_write_them(
    client_for, starts, ends, says
):
    needs_request = made_on(dt.date(2026, 1, 5))
    response = client_for("senco").post(
        url("request_exception", needs_request.pupil, needs_request),
        {
            "exception-reason": "school_closed",
            "exception-starts": starts,
            "exception-ends": ends,
            "exception-note": "",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and says in page.replace("&#x27;", "'")
    assert starts not in page.split('name="exception-starts"')[0]
    assert not needs_request.exceptions.exists()


@pytest.mark.parametrize(
    ("kind", "name", "shown"),
    [
        ("parent", "Parent", "A parent"),
        ("parent", "a parent", "A parent"),
        ("parent", "Mrs Smith", "A parent (Mrs Smith)"),
        ("school", "", "The school"),
        ("young_person", "The young person", "The young person"),
    ],
)
def test_who_asked_reads_as_a_sentence(client_for, kind, name, shown):
    needs_request = made_on(dt.date(2026, 1, 5))
    needs_request.requested_by, needs_request.requested_by_name = kind, name
    needs_request.save(update_fields=["requested_by", "requested_by_name"])
    page = client_for("senco").get(url("request", needs_request.pupil, needs_request))
    assert f"<dt>Who asked</dt><dd>{shown}</dd>" in page.content.decode()


# Recording a request.


def test_the_senco_records_a_request_and_lands_on_its_page(client_for):
    pupil = targets.taught_pupil()
    client = client_for("senco")
    form = client.get(url("request_new", pupil))
    assert form.status_code == 200 and b'type="date"' in form.content
    response = client.post(
        url("request_new", pupil),
        new_data(requested_by="parent", requested_by_name="Mrs A. Parent", la_reference="R-1"),
    )
    made = pupil.needs_assessment_requests.get()
    assert response.status_code == 302 and response["Location"] == url("request", pupil, made)
    assert (made.requested_by, made.requested_by_name, made.la_reference) == (
        "parent", "Mrs A. Parent", "R-1",
    )  # fmt: skip
    assert made.created_by == senco()
    assert AuditEntry.objects.filter(action="ehcp.request_recorded", object_id=made.pk).exists()


def test_the_form_offers_the_local_authorities_the_school_works_with(client_for):
    made_on(TODAY - dt.timedelta(days=10), pupil=targets.parents_child())
    page = client_for("senco").get(url("request_new", targets.taught_pupil())).content.decode()
    assert 'list="la-choices"' in page and '<option value="Northshire">' in page


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"local_authority": ""}, "Say which local authority received the request."),
        ({"requested_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "is in the future"),
        ({"requested_on": (TODAY - dt.timedelta(days=800)).isoformat()},
         "more than two years ago"),
        ({"requested_on": "31/02/2026"}, "Enter a valid date."),
        ({"requested_on": ""}, "This field is required."),
        ({"requested_by": "other"}, "Say who asked: their name or role."),
        ({"requested_by": "the moon"}, "Select a valid choice."),
        ({"local_authority": "Northshire\x00"}, "Null characters are not allowed."),
        ({"local_authority": "N" * 101}, "at most 100 characters"),
        ({"caseworker": "C" * 201}, "at most 200 characters"),
    ],
)  # fmt: skip
def test_a_bad_request_form_says_what_is_wrong_and_saves_nothing(client_for, fields, says):
    pupil = targets.taught_pupil()
    response = client_for("senco").post(url("request_new", pupil), new_data(**fields))
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert says in response.content.decode().replace("&#x27;", "'")
    assert not pupil.needs_assessment_requests.exists()


def test_a_request_form_sent_back_with_its_problems_logs_the_read_of_the_pupil(client_for):
    pupil = targets.taught_pupil()
    response = client_for("senco").post(url("request_new", pupil), new_data(local_authority=""))
    assert response.status_code == 200 and escape(pupil.full_name) in response.content.decode()
    assert AuditEntry.objects.filter(action="pupil.viewed", pupil_id=pupil.pk).count() == 1


def test_hostile_text_is_shown_as_text(client_for):
    pupil = targets.taught_pupil()
    hostile = '<script>alert("x")</script>'
    client = client_for("senco")
    client.post(url("request_new", pupil), new_data(requested_by_name=hostile))
    made = pupil.needs_assessment_requests.get()
    page = client.get(url("request", pupil, made)).content.decode()
    assert hostile not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_a_pupil_with_an_open_request_is_sent_to_it_instead_of_a_second(client_for):
    existing = made_on(TODAY - dt.timedelta(days=20))
    pupil = existing.pupil
    client = client_for("senco")
    page = client.get(url("request_new", pupil)).content.decode()
    assert "has an open request" in page and url("request", pupil, existing) in page
    assert 'name="local_authority"' not in page
    response = client.post(url("request_new", pupil), new_data())
    assert response.status_code == 200 and b"has an open request" in response.content
    assert pupil.needs_assessment_requests.count() == 1


# Stages.


def test_the_senco_records_the_decision_to_assess_and_the_page_shows_it_met(client_for):
    needs_request = made_on(TODAY - dt.timedelta(days=30))
    pupil = needs_request.pupil
    client = client_for("senco")
    response = client.post(
        url("request_stage", pupil, needs_request),
        stage_data(needs_request, "assess", TODAY - dt.timedelta(days=2)),
        follow=True,
    )
    assert b"Recorded: the LA agreed to assess." in response.content
    needs_request.refresh_from_db()
    assert needs_request.status == "assessing" and needs_request.version == 2
    assert b"Agreed to assess" in response.content and b"Met" in response.content
    assert AuditEntry.objects.filter(action="ehcp.request_changed").count() == 1


@pytest.mark.parametrize(
    ("stage", "days_ago", "reason", "says"),
    [
        ("draft", 2, "", "Record the LA&#x27;s decision to assess first"),
        ("issued", 2, "", "Record the draft plan first"),
        ("assess", -1, "", "is in the future"),
        ("assess", 40, "", "before the day the LA received the request"),
        ("refused", 2, "", "Give the LA&#x27;s reason for refusing to assess."),
        ("withdrawn", 2, "Moved\x00", "Null characters are not allowed."),
        ("withdrawn", 2, "x" * 2001, "at most 2000 characters"),
        ("", 2, "", "Choose the stage to record."),
    ],
)
def test_a_bad_stage_says_what_is_wrong_and_changes_nothing(
    client_for, stage, days_ago, reason, says
):
    needs_request = made_on(TODAY - dt.timedelta(days=30))
    response = client_for("senco").post(
        url("request_stage", needs_request.pupil, needs_request),
        stage_data(needs_request, stage, TODAY - dt.timedelta(days=days_ago), reason),
    )
    assert response.status_code == 200 and b"There is a problem" in response.content
    assert says in response.content.decode()
    needs_request.refresh_from_db()
    assert (needs_request.status, needs_request.version) == ("waiting", 1)
    assert not AuditEntry.objects.filter(action="ehcp.request_changed").exists()


def test_a_stale_stage_form_is_refused_and_shown_again_at_the_version_now_current(client_for):
    needs_request = made_on(TODAY - dt.timedelta(days=30))
    opened = needs_request.version
    requests.record_stage(
        needs_request, by=senco(), stage="assess", on=TODAY, expected_version=opened
    )
    response = client_for("senco").post(
        url("request_stage", needs_request.pupil, needs_request),
        stage_data(needs_request, "refused", TODAY, "Needs met", version=opened),
    )
    assert b"Someone recorded a stage since you opened this page" in response.content
    assert b'name="stage-version" value="2"' in response.content
    needs_request.refresh_from_db()
    assert needs_request.status == "assessing"


def test_a_closed_request_offers_no_forms(client_for):
    needs_request = made_on(TODAY - dt.timedelta(days=30))
    requests.record_stage(
        needs_request, by=senco(), stage="withdrawn", on=TODAY, reason="Moved", expected_version=1
    )
    page = client_for("senco").get(url("request", needs_request.pupil, needs_request)).content
    assert b"Record the next stage" not in page and b"Withdrawn" in page
    assert b"Not needed" in page


def test_an_issued_plan_links_to_recording_it_with_the_request(client_for):
    needs_request = made_on(TODAY - dt.timedelta(days=140))
    pupil = needs_request.pupil
    for stage, days_ago in (("assess", 100), ("draft", 30), ("issued", 1)):
        needs_request = requests.record_stage(
            needs_request,
            by=senco(),
            stage=stage,
            on=TODAY - dt.timedelta(days=days_ago),
            expected_version=needs_request.version,
        )
    page = client_for("senco").get(url("request", pupil, needs_request)).content.decode()
    record = reverse("pupils:ehcp:plan_record", kwargs={"public_id": pupil.public_id})
    assert f"{record}?request={needs_request.public_id}" in page


def test_the_stage_and_exception_addresses_take_only_a_post(client_for):
    needs_request = request_for(targets.taught_pupil())
    client = client_for("senco")
    for name in ("request_stage", "request_exception"):
        assert client.get(url(name, needs_request.pupil, needs_request)).status_code == 405


def test_another_pupils_request_under_this_pupils_address_is_not_found(client_for):
    theirs = made_on(TODAY - dt.timedelta(days=30), pupil=targets.parents_child())
    mine = targets.taught_pupil()
    client = client_for("senco")
    for name in ("request", "request_evidence"):
        response = client.get(url(name, mine, theirs))
        assert response.status_code == 404 and NOT_VISIBLE in response.content
    response = client.post(url("request_stage", mine, theirs), stage_data(theirs, "assess", TODAY))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "waiting"
    assert AuditEntry.objects.filter(action="pupil.refused", object_label__contains=str(
        theirs.public_id)).count() == 3  # fmt: skip


# The panel on the pupil's EHC page.


def panel(**context) -> str:
    context.setdefault("pupil", targets.taught_pupil())
    context.setdefault("plan", None)
    return render_to_string("ehcp/_requests_panel.html", context)


def test_the_panel_shows_nothing_to_those_without_the_caseload():
    made_on(TODAY - dt.timedelta(days=30))
    shown = panel(perms_ehcp={"read": True, "manage": False, "caseload": False})
    assert shown.strip() == ""


def test_the_panel_lists_the_requests_with_their_next_deadline_and_a_link_to_record_one():
    needs_request = made_on(TODAY - dt.timedelta(days=50))
    pupil = needs_request.pupil
    rows = requests.for_pupil(pupil, TODAY)
    shown = panel(perms_ehcp={"read": True, "manage": True, "caseload": True}, ehcp_requests=rows)
    assert url("request", pupil, needs_request) in shown
    due = needs_request.requested_on + dt.timedelta(weeks=6)
    assert f"Decision to assess: <strong>overdue</strong>, was due {due:%-d %B %Y}" in shown
    assert "Request an EHC needs assessment" in shown
    head = panel(perms_ehcp={"read": True, "manage": False, "caseload": True})
    assert url("request", pupil, needs_request) in head
    assert "Request an EHC needs assessment" not in head
