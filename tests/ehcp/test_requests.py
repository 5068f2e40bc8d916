"""Needs assessment requests, through their services: recording a request, each stage in order,
exceptions that move the LA's limits (the original date kept), and the due dates read back."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from senco.audit.models import AuditEntry
from senco.ehcp import deadlines
from senco.ehcp.models import DeadlineException, NeedsAssessmentRequest
from senco.ehcp.services import requests
from tests import targets
from tests.ehcp.helpers import senco

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 1, 5)
LATER = dt.date(2026, 7, 1)  # "today" for requests made on MONDAY


def new_request(pupil=None, **fields) -> NeedsAssessmentRequest:
    pupil = pupil or targets.taught_pupil()
    fields.setdefault("requested_by", NeedsAssessmentRequest.RequestedBy.SCHOOL)
    fields.setdefault("requested_on", MONDAY)
    fields.setdefault("local_authority", "Northshire")
    fields.setdefault("today", LATER)
    return requests.record_request(pupil, by=senco(pupil), **fields)


def stage(request, name: str, on: dt.date, reason: str = "", today=LATER):
    return requests.record_stage(
        request,
        by=senco(),
        stage=name,
        on=on,
        reason=reason,
        expected_version=request.version,
        today=today,
    )


def by_key(request, today=LATER) -> dict[str, requests.Stage]:
    return {s.key: s for s in requests.stages(request, today)}


def messages(error: ValidationError) -> str:
    return " ".join(m for ms in error.message_dict.values() for m in ms)


# The deadlines the regulations set.


def test_a_request_received_on_monday_5_january_2026_has_the_statutory_dates():
    found = by_key(new_request(), today=dt.date(2026, 1, 6))
    assert found["decision_to_assess"].due == dt.date(2026, 2, 16)
    assert found["decision_not_to_issue"].due == dt.date(2026, 4, 27)
    assert found["final_plan"].due == dt.date(2026, 5, 25)
    assert found["decision_to_assess"].status == deadlines.LATER
    assert not found["final_plan"].moved


def test_the_school_has_six_weeks_from_the_las_request_for_advice_and_the_family_15_days():
    request = new_request()
    request = stage(request, requests.ASSESS, dt.date(2026, 2, 10))
    request = stage(request, requests.ADVICE_REQUESTED, dt.date(2026, 2, 12))
    request = stage(request, requests.ADVICE_SENT, dt.date(2026, 3, 20))
    request = stage(request, requests.DRAFT, dt.date(2026, 4, 20))
    found = by_key(request)
    assert found["advice_sent"].due == dt.date(2026, 3, 26)
    assert found["advice_sent"].status == requests.MET
    assert found["decision_not_to_issue"].done_on == dt.date(2026, 4, 20)
    assert found["decision_not_to_issue"].status == requests.MET
    assert found["comments"].due == dt.date(2026, 5, 5)
    assert found["decision_to_assess"].status == requests.MET


def test_a_stage_not_met_by_its_date_is_overdue_and_one_met_late_says_so():
    request = new_request()
    assert by_key(request, today=dt.date(2026, 2, 17))["decision_to_assess"].status == "overdue"
    assert by_key(request, today=dt.date(2026, 2, 10))["decision_to_assess"].status == "due_soon"
    request = stage(request, requests.ASSESS, dt.date(2026, 2, 20))
    assert by_key(request)["decision_to_assess"].status == requests.LATE


def test_the_next_deadline_is_the_soonest_stage_not_yet_met():
    request = new_request()
    assert requests.next_deadline(request, dt.date(2026, 1, 6)) == (
        dt.date(2026, 2, 16),
        "Decision to assess",
    )
    request = stage(request, requests.ASSESS, dt.date(2026, 2, 10))
    request = stage(request, requests.ADVICE_REQUESTED, dt.date(2026, 2, 12))
    assert requests.next_deadline(request, dt.date(2026, 2, 13)).label == "The school's advice"
    request = stage(request, requests.ADVICE_SENT, dt.date(2026, 3, 1))
    found = requests.next_deadline(request, dt.date(2026, 3, 2))
    assert found.due == dt.date(2026, 4, 27)
    request = stage(request, requests.DRAFT, dt.date(2026, 4, 20))
    request = stage(request, requests.ISSUED, dt.date(2026, 5, 20))
    assert requests.next_deadline(request, LATER) is None


def test_every_stage_of_a_closed_request_not_reached_is_not_needed():
    request = stage(new_request(), requests.REFUSED, dt.date(2026, 2, 1), reason="Needs met.")
    found = by_key(request, today=dt.date(2026, 12, 1))
    assert found["decision_to_assess"].note == "Refused: Needs met."
    assert {found[k].status for k in ("final_plan", "decision_not_to_issue", "draft")} == {
        requests.NOT_NEEDED
    }
    assert request.status == NeedsAssessmentRequest.Status.REFUSED
    assert requests.next_deadline(request, dt.date(2026, 12, 1)) is None


# Recording a request.


def test_recording_a_request_writes_the_audit_entry():
    request = new_request(caseworker="A. Caseworker", la_reference="NS-99")
    assert request.status == NeedsAssessmentRequest.Status.WAITING
    entry = AuditEntry.objects.get(action="ehcp.request_recorded", object_id=request.pk)
    assert entry.pupil_id == request.pupil_id
    assert entry.changes["after"]["requested_on"] == "2026-01-05"
    assert entry.changes["after"]["local_authority"] == "Northshire"


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"local_authority": "  "}, "local_authority", "Say which local authority"),
        ({"requested_on": dt.date(2026, 7, 2)}, "requested_on", "is in the future"),
        ({"requested_on": dt.date(2024, 6, 1)}, "requested_on", "more than two years ago"),
        ({"requested_on": dt.date(2000, 1, 1), "today": dt.date(2001, 1, 1)}, "requested_on",
         "before"),
        ({"requested_by": "nobody"}, "requested_by", "Choose who asked"),
        ({"requested_by": "other"}, "requested_by_name", "their name or role"),
        ({"local_authority": "N" * 101}, "local_authority", "shorten it to 100"),
        ({"caseworker": "Ann\x00"}, "caseworker", "null character"),
        ({"la_reference": "R" * 51}, "la_reference", "shorten it to 50"),
    ],
)  # fmt: skip
def test_a_bad_request_is_refused_with_the_reason_and_nothing_is_saved(fields, field, says):
    pupil = targets.taught_pupil()
    with pytest.raises(ValidationError) as refused:
        new_request(pupil, **fields)
    assert says in " ".join(refused.value.message_dict[field])
    assert not pupil.needs_assessment_requests.exists()
    assert not AuditEntry.objects.filter(action="ehcp.request_recorded").exists()


def test_a_request_before_the_pupils_birth_names_the_date_of_birth():
    pupil = targets.taught_pupil()
    born = pupil.date_of_birth
    with pytest.raises(ValidationError) as refused:
        new_request(pupil, requested_on=born - dt.timedelta(days=1), today=born)
    assert f"date of birth ({born:%d/%m/%Y})" in messages(refused.value)


def test_a_pupil_with_an_open_request_cannot_have_a_second():
    first = new_request()
    with pytest.raises(ValidationError) as refused:
        new_request(requested_on=dt.date(2026, 3, 1))
    assert "has an open request" in messages(refused.value)
    assert list(first.pupil.needs_assessment_requests.all()) == [first]


def test_a_new_request_is_allowed_once_the_last_one_closed():
    first = stage(new_request(), requests.REFUSED, dt.date(2026, 2, 1), reason="Not yet.")
    second = new_request(requested_on=dt.date(2026, 6, 1))
    assert {first.pk, second.pk} == set(
        first.pupil.needs_assessment_requests.values_list("pk", flat=True)
    )


# Stages.


def test_the_whole_path_to_an_issued_plan_writes_an_entry_for_each_stage():
    request = new_request()
    for name, on in (
        (requests.ASSESS, dt.date(2026, 2, 10)),
        (requests.ADVICE_REQUESTED, dt.date(2026, 2, 12)),
        (requests.ADVICE_SENT, dt.date(2026, 3, 20)),
        (requests.DRAFT, dt.date(2026, 4, 20)),
        (requests.COMMENTS_SENT, dt.date(2026, 4, 30)),
        (requests.ISSUED, dt.date(2026, 5, 20)),
    ):
        request = stage(request, name, on)
    assert request.status == NeedsAssessmentRequest.Status.ISSUED
    assert request.decided_on == dt.date(2026, 5, 20) and request.version == 7
    assert by_key(request)["final_plan"].status == requests.MET
    entries = AuditEntry.objects.filter(action="ehcp.request_changed", object_id=request.pk)
    assert [e.changes["after"]["stage"] for e in entries.order_by("pk")] == [
        "assess", "advice_requested", "advice_sent", "draft", "comments_sent", "issued",
    ]  # fmt: skip
    last = entries.order_by("pk").last()
    assert last.changes["before"]["status"] == "draft"
    assert last.changes["after"]["status"] == "issued"


def test_the_la_deciding_not_to_issue_closes_the_request_with_the_reason():
    request = stage(new_request(), requests.ASSESS, dt.date(2026, 2, 10))
    request = stage(request, requests.NOT_ISSUING, dt.date(2026, 4, 1), reason="SEN support.")
    assert request.status == NeedsAssessmentRequest.Status.NOT_ISSUING
    assert request.closed_because == "SEN support."
    found = by_key(request)
    assert found["decision_not_to_issue"].done_on == dt.date(2026, 4, 1)
    assert found["final_plan"].status == requests.NOT_NEEDED


@pytest.mark.parametrize(
    ("before", "name", "on", "field", "says"),
    [
        ([], requests.DRAFT, dt.date(2026, 3, 1), "stage", "decision to assess first"),
        ([], requests.ISSUED, dt.date(2026, 3, 1), "stage", "Record the draft plan first"),
        ([], requests.ADVICE_SENT, dt.date(2026, 3, 1), "stage", "request for advice first"),
        ([(requests.ASSESS, dt.date(2026, 2, 10))], requests.ADVICE_SENT, dt.date(2026, 3, 1),
         "stage", "request for advice first"),
        ([], requests.ASSESS, dt.date(2026, 1, 4), "on", "before the day the LA received"),
        ([], requests.ASSESS, dt.date(2026, 7, 2), "on", "is in the future"),
        ([(requests.ASSESS, dt.date(2026, 2, 10))], requests.ASSESS, dt.date(2026, 2, 11),
         "stage", "recorded already"),
        ([(requests.ASSESS, dt.date(2026, 2, 10))], requests.DRAFT, dt.date(2026, 2, 9), "on",
         "before the LA's decision to assess (10/02/2026)"),
        ([], requests.REFUSED, dt.date(2026, 2, 1), "reason", "reason for refusing"),
        ([], requests.WITHDRAWN, dt.date(2026, 2, 1), "reason", "why the request was withdrawn"),
        ([], requests.WITHDRAWN, dt.date(2026, 2, 1), "reason", "null character"),
        ([], requests.WITHDRAWN, dt.date(2026, 2, 1), "reason", "shorten it to 2,000"),
        ([], "nonsense", dt.date(2026, 2, 1), "stage", "Choose the stage"),
    ],
)  # fmt: skip
def test_a_stage_out_of_order_or_badly_dated_is_refused_and_nothing_changes(
    before, name, on, field, says
):
    request = new_request()
    for earlier, day in before:
        request = stage(request, earlier, day)
    reason = {"null character": "Moved\x00", "shorten it to 2,000": "x" * 2001}.get(says, "")
    was = NeedsAssessmentRequest.objects.get(pk=request.pk)
    with pytest.raises(ValidationError) as refused:
        stage(request, name, on, reason=reason)
    assert says in " ".join(refused.value.message_dict[field])
    now = NeedsAssessmentRequest.objects.get(pk=request.pk)
    assert (now.status, now.version, now.draft_received_on) == (
        was.status, was.version, was.draft_received_on,
    )  # fmt: skip


def test_a_stage_on_a_closed_request_is_refused():
    request = stage(new_request(), requests.WITHDRAWN, dt.date(2026, 1, 20), reason="Moved away")
    with pytest.raises(ValidationError) as refused:
        stage(request, requests.ASSESS, dt.date(2026, 2, 1))
    assert "This request is closed (withdrawn on 20/01/2026)" in messages(refused.value)


def test_a_stage_from_a_page_opened_before_someone_else_recorded_one_is_refused():
    request = new_request()
    opened_at = request.version
    stage(request, requests.ASSESS, dt.date(2026, 2, 10))
    with pytest.raises(ValidationError) as refused:
        requests.record_stage(
            request,
            by=senco(),
            stage=requests.REFUSED,
            on=dt.date(2026, 2, 11),
            reason="Not needed",
            expected_version=opened_at,
            today=LATER,
        )
    assert "Someone recorded a stage since you opened this page" in messages(refused.value)
    assert NeedsAssessmentRequest.objects.get(pk=request.pk).status == "assessing"


def test_the_stages_offered_follow_the_status():
    request = new_request()
    assert requests.offered_stages(request) == ["assess", "refused", "withdrawn"]
    request = stage(request, requests.ASSESS, dt.date(2026, 2, 10))
    assert requests.offered_stages(request) == [
        "advice_requested", "draft", "not_issuing", "withdrawn",
    ]  # fmt: skip
    request = stage(request, requests.ADVICE_REQUESTED, dt.date(2026, 2, 11))
    request = stage(request, requests.DRAFT, dt.date(2026, 4, 1))
    assert requests.offered_stages(request) == [
        "advice_sent", "comments_sent", "issued", "withdrawn",
    ]  # fmt: skip


# Exceptions.


def test_a_school_closure_moves_the_limits_and_keeps_the_original_date():
    request = new_request()
    requests.record_exception(
        request,
        by=senco(),
        reason=DeadlineException.Reason.SCHOOL_CLOSED,
        starts=dt.date(2026, 3, 2),
        ends=dt.date(2026, 3, 29),
        note="Flood damage",
    )
    found = by_key(request, today=dt.date(2026, 1, 6))
    final = found["final_plan"]
    assert final.original == dt.date(2026, 5, 25)
    assert final.due == dt.date(2026, 6, 22)
    assert final.moved and final.moved_by == ("the school closure",)
    assert found["decision_to_assess"].due == dt.date(2026, 2, 16)
    assert not found["decision_to_assess"].moved
    entry = AuditEntry.objects.get(action="ehcp.exception_recorded", object_id=request.pk)
    assert entry.changes["before"]["final_plan"] == "2026-05-25"
    assert entry.changes["after"]["final_plan"] == "2026-06-22"


@pytest.mark.parametrize(
    ("reason", "starts", "ends", "field", "says"),
    [
        ("school_closed", dt.date(2026, 3, 2), dt.date(2026, 3, 10), "ends",
         "only counts when the period lasts at least 4 continuous weeks"),
        ("family_away", dt.date(2025, 12, 1), dt.date(2026, 2, 1), "starts",
         "before the LA received the request"),
        ("holiday", dt.date(2026, 3, 2), dt.date(2026, 4, 10), "reason", "Choose the reason"),
        ("family_away", dt.date(2026, 3, 2), dt.date(2029, 4, 10), "ends", "check the year"),
    ],
)  # fmt: skip
def test_an_exception_the_rules_refuse_is_refused_with_their_message(
    reason, starts, ends, field, says
):
    request = new_request()
    with pytest.raises(ValidationError) as refused:
        requests.record_exception(
            request, by=senco(), reason=reason, starts=starts, ends=ends, note=""
        )
    assert says in " ".join(refused.value.message_dict[field])
    assert not request.exceptions.exists()
    assert not AuditEntry.objects.filter(action="ehcp.exception_recorded").exists()


def test_the_same_exception_twice_is_refused():
    request = new_request()
    fields = {"reason": "exceptional_circumstances", "starts": dt.date(2026, 2, 1),
              "ends": dt.date(2026, 2, 8), "note": ""}  # fmt: skip
    requests.record_exception(request, by=senco(), **fields)
    with pytest.raises(ValidationError) as refused:
        requests.record_exception(request, by=senco(), **fields)
    assert "recorded already" in messages(refused.value)
    assert request.exceptions.count() == 1


def test_an_exception_on_a_closed_request_is_refused():
    request = stage(new_request(), requests.WITHDRAWN, dt.date(2026, 1, 20), reason="Moved")
    with pytest.raises(ValidationError) as refused:
        requests.record_exception(
            request,
            by=senco(),
            reason="exceptional_circumstances",
            starts=dt.date(2026, 2, 1),
            ends=dt.date(2026, 2, 8),
        )
    assert "This request is closed" in messages(refused.value)


def test_the_panel_rows_give_each_request_its_next_deadline_and_status():
    request = new_request()
    rows = requests.for_pupil(request.pupil, dt.date(2026, 2, 20))
    assert rows == [(request, (dt.date(2026, 2, 16), "Decision to assess"), "overdue")]


def test_the_las_named_in_the_school_are_offered_once_each_a_to_z():
    new_request(local_authority="Southshire")
    from senco import access

    user = senco()
    school = targets.home_school()
    names = requests.la_names(
        access.ehc_plans_visible_to(user, school),
        access.needs_assessment_requests_visible_to(user, school),
    )
    assert "Southshire" in names and names == sorted(set(names), key=str.lower)
