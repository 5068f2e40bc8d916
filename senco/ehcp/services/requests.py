"""Needs assessment requests: recording a request, each stage the LA (or the school) reaches,
and the exceptions that move the LA's time limits; and reading the stages with their due dates.

Every due date comes from `senco.ehcp.deadlines`: 6, 16 and 20 weeks from the day the LA
received the request (moved by recorded exceptions, the original date kept), 6 weeks for the
school's advice from the LA's request for it, and 15 days to comment on a draft plan.

Two SENCOs recording a stage at once: the form names the request's `version` it was opened at,
and a different version under the row lock is refused, so one never overwrites the other.
"""

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from senco.audit import log
from senco.ehcp import deadlines
from senco.ehcp.models import DeadlineException, NeedsAssessmentRequest
from senco.pupils.models import Pupil
from senco.validation import Errors

Request = NeedsAssessmentRequest
Status = NeedsAssessmentRequest.Status

# How far back a request may be dated: older ones are a mistyped year.
OLDEST = dt.timedelta(days=731)
# An exception ends within this long of the request: later is a mistyped year.
LONGEST = dt.timedelta(days=731)
LIMITS = {
    "requested_by_name": 200,
    "local_authority": 100,
    "caseworker": 200,
    "la_reference": 50,
    "reason": 2000,
    "note": 1000,
}

# The stages recorded on the request's page, in the order they usually come.
ASSESS = "assess"
REFUSED = "refused"
ADVICE_REQUESTED = "advice_requested"
ADVICE_SENT = "advice_sent"
DRAFT = "draft"
COMMENTS_SENT = "comments_sent"
NOT_ISSUING = "not_issuing"
ISSUED = "issued"
WITHDRAWN = "withdrawn"
STAGE_CHOICES = [
    (ASSESS, "The LA agreed to assess"),
    (REFUSED, "The LA refused to assess"),
    (ADVICE_REQUESTED, "The LA asked the school for its advice"),
    (ADVICE_SENT, "The school sent its advice"),
    (DRAFT, "The draft plan arrived"),
    (COMMENTS_SENT, "Comments on the draft plan were sent"),
    (NOT_ISSUING, "The LA decided not to issue a plan"),
    (ISSUED, "The final plan was issued"),
    (WITHDRAWN, "The request was withdrawn"),
]
# The stages that close a request keep the reason given.
CLOSING = {REFUSED, NOT_ISSUING, WITHDRAWN}
NEEDS_REASON = {
    REFUSED: "Give the LA's reason for refusing to assess.",
    WITHDRAWN: "Say why the request was withdrawn.",
}

# The dates on the request, as a sentence names them.
DATE_NAMES = {
    "requested_on": "the day the LA received the request",
    "decided_to_assess_on": "the LA's decision to assess",
    "advice_requested_on": "the LA's request for advice",
    "advice_sent_on": "the school's advice",
    "draft_received_on": "the draft plan",
    "comments_sent_on": "the comments on the draft",
    "decided_on": "the LA's final decision",
}


@dataclass(frozen=True)
class _Step:
    """What recording a stage needs and does: the statuses it may follow, the date field it
    fills, the status it moves to, the dates it must not be before (the first of them must
    be recorded), and what to do first."""

    after_status: frozenset[str]
    field: str
    moves_to: str | None
    not_before: tuple[str, ...]
    first: str


_DECISION = frozenset({Status.WAITING})
_DECIDED = "The LA's decision to assess is recorded already."
_STEPS = {
    ASSESS: _Step(_DECISION, "decided_to_assess_on", Status.ASSESSING, ("requested_on",), _DECIDED),
    REFUSED: _Step(_DECISION, "decided_to_assess_on", Status.REFUSED, ("requested_on",), _DECIDED),
    ADVICE_REQUESTED: _Step(
        frozenset({Status.ASSESSING}),
        "advice_requested_on",
        None,
        ("decided_to_assess_on",),
        "Record the LA's decision to assess first: the LA asks for advice once it assesses.",
    ),
    ADVICE_SENT: _Step(
        frozenset({Status.ASSESSING, Status.DRAFT}),
        "advice_sent_on",
        None,
        ("advice_requested_on",),
        "Record the LA's request for advice first: the school's advice answers it.",
    ),
    DRAFT: _Step(
        frozenset({Status.ASSESSING}),
        "draft_received_on",
        Status.DRAFT,
        ("decided_to_assess_on",),
        "Record the LA's decision to assess first: a draft plan comes after the assessment.",
    ),
    COMMENTS_SENT: _Step(
        frozenset({Status.DRAFT}),
        "comments_sent_on",
        None,
        ("draft_received_on",),
        "Record the draft plan first: the comments are on the draft.",
    ),
    NOT_ISSUING: _Step(
        frozenset({Status.ASSESSING}),
        "decided_on",
        Status.NOT_ISSUING,
        ("decided_to_assess_on",),
        "The LA decides not to issue a plan only after assessing, and before a draft: record "
        "the decision to assess first, or, once a draft has arrived, record the request as "
        "withdrawn with the reason.",
    ),
    ISSUED: _Step(
        frozenset({Status.DRAFT}),
        "decided_on",
        Status.ISSUED,
        ("draft_received_on",),
        "Record the draft plan first: the final plan follows a draft the family has 15 days "
        "to comment on.",
    ),
    WITHDRAWN: _Step(
        frozenset(Status.values) - Request.CLOSED,
        "decided_on",
        Status.WITHDRAWN,
        tuple(DATE_NAMES),
        "This request is closed: nothing more can be recorded on it.",
    ),
}


def _text(errors: Errors, field: str, value: str, what: str) -> str:
    """The text trimmed, with its length and characters checked."""
    value = (value or "").strip()
    limit = LIMITS[field]
    if len(value) > limit:
        errors.add(field, f"{what} is {len(value):,} characters long: shorten it to {limit:,}.")
    if "\x00" in value:
        # Forms refuse it already; PostgreSQL would refuse it too.
        errors.add(field, f"Remove the null character from {what.lower()}.")
    return value


def _day(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _not_in_future(errors: Errors, field: str, on: dt.date, today: dt.date, what: str) -> None:
    if on > today:
        errors.add(field, f"{what} ({_day(on)}) is in the future: record it once it has happened.")


# Recording.


def open_request(pupil: Pupil) -> Request | None:
    """The pupil's request still going through its stages, if any."""
    return pupil.needs_assessment_requests.exclude(status__in=Request.CLOSED).first()


def record_request(
    pupil: Pupil,
    *,
    by,
    requested_by: str,
    requested_on: dt.date,
    local_authority: str,
    requested_by_name: str = "",
    caseworker: str = "",
    la_reference: str = "",
    today: dt.date | None = None,
) -> Request:
    """A request for an EHC needs assessment, as the LA received it. A pupil has one open
    request at a time."""
    today = today or timezone.localdate()
    errors = Errors()
    if requested_by not in Request.RequestedBy.values:
        errors.add("requested_by", "Choose who asked for the assessment.")
    name = _text(errors, "requested_by_name", requested_by_name, "Their name or role")
    if requested_by == Request.RequestedBy.OTHER and not name:
        errors.add("requested_by_name", "Say who asked: their name or role.")
    la = _text(errors, "local_authority", local_authority, "The local authority")
    if not la:
        errors.add("local_authority", "Say which local authority received the request.")
    caseworker = _text(errors, "caseworker", caseworker, "The caseworker")
    reference = _text(errors, "la_reference", la_reference, "The LA reference")
    _check_request_date(errors, pupil, requested_on, today)
    errors.raise_any()
    with transaction.atomic():
        # One open request a pupil: two people recording one at once queue on the pupil's row.
        Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
        existing = open_request(pupil)
        if existing is not None:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        f"{pupil.first_name} has an open request, received by "
                        f"{existing.local_authority} on {_day(existing.requested_on)}: record "
                        "its stages there. Nothing was saved."
                    ]
                }
            )
        request = Request.objects.create(
            pupil=pupil,
            requested_by=requested_by,
            requested_by_name=name,
            requested_on=requested_on,
            local_authority=la,
            caseworker=caseworker,
            la_reference=reference,
            created_by=by,
        )
        log.change(by, "ehcp.request_recorded", request, pupil=pupil, after=_snapshot(request))
    return request


def _check_request_date(errors: Errors, pupil: Pupil, on: dt.date, today: dt.date) -> None:
    field = "requested_on"
    _not_in_future(errors, field, on, today, "The date the LA received the request")
    if on < pupil.date_of_birth:
        errors.add(
            field,
            f"The date ({_day(on)}) is before {pupil.first_name}'s date of birth "
            f"({_day(pupil.date_of_birth)}): check the year.",
        )
    elif on < today - OLDEST:
        errors.add(
            field,
            f"The date ({_day(on)}) is more than two years ago: check the year. A request that "
            "old has passed every deadline; record a new one if the LA is asked again.",
        )


def _snapshot(request: Request) -> dict[str, Any]:
    fields = ("requested_by", "requested_by_name", "local_authority", "caseworker",
              "la_reference", "status", *DATE_NAMES, "closed_because")  # fmt: skip
    return {name: getattr(request, name) for name in fields}


def _locked(request: Request) -> Request:
    return (
        Request.objects.select_for_update(of=("self",))
        .select_related("pupil__school")
        .get(pk=request.pk)
    )


def _refuse_closed(request: Request) -> None:
    if request.is_open:
        return
    when = request.decided_on or request.decided_to_assess_on
    on = f" on {_day(when)}" if when else ""
    raise ValidationError(
        {
            NON_FIELD_ERRORS: [
                f"This request is closed ({request.get_status_display().lower()}{on}): nothing "
                "more can be recorded on it. Record a new request if the LA is asked again."
            ]
        }
    )


STALE = (
    "Someone recorded a stage since you opened this page: nothing was changed. The page now "
    "shows what they recorded; record your stage again if it is still needed."
)


def record_stage(
    request: Request,
    *,
    by,
    stage: str,
    on: dt.date,
    reason: str = "",
    expected_version: int,
    today: dt.date | None = None,
) -> Request:
    """The next stage of the request, on the day it happened (`STAGE_CHOICES`). Stages out of
    order, dates before the request or an earlier stage, dates in the future and stages on a
    closed request are refused with the reason; so is a form opened before someone else
    recorded a stage (`expected_version`)."""
    today = today or timezone.localdate()
    errors = Errors()
    step = _STEPS.get(stage)
    if step is None:
        errors.add("stage", "Choose the stage to record.")
    reason = _text(errors, "reason", reason, "The reason")
    if stage in NEEDS_REASON and not reason:
        errors.add("reason", NEEDS_REASON[stage])
    _not_in_future(errors, "on", on, today, "The date")
    errors.raise_any()
    assert step is not None
    with transaction.atomic():
        request = _locked(request)
        if request.version != expected_version:
            raise ValidationError({NON_FIELD_ERRORS: [STALE]})
        _refuse_closed(request)
        _check_order(errors, request, stage, step, on)
        errors.raise_any()
        before = _snapshot(request)
        setattr(request, step.field, on)
        if step.moves_to is not None:
            request.status = step.moves_to
        if stage in CLOSING:
            request.closed_because = reason
        request.version += 1
        request.save()
        after = {"stage": stage, **_snapshot(request)}
        log.change(
            by, "ehcp.request_changed", request, pupil=request.pupil, before=before, after=after
        )
    return request


def _check_order(errors: Errors, request: Request, stage: str, step: _Step, on: dt.date) -> None:
    done = getattr(request, step.field)
    if done is not None and stage in (ASSESS, REFUSED):
        errors.add("stage", f"The LA's decision to assess is recorded already ({_day(done)}).")
        return
    if done is not None:
        label = dict(STAGE_CHOICES)[stage]
        errors.add("stage", f"{label} on {_day(done)}: that stage is recorded already.")
        return
    if not _ready(request, step):
        errors.add("stage", step.first)
        return
    earlier = [(getattr(request, f), f) for f in step.not_before if getattr(request, f)]
    if earlier:
        latest, field = max(earlier)
        if on < latest:
            errors.add(
                "on",
                f"The date ({_day(on)}) is before {DATE_NAMES[field]} ({_day(latest)}): check "
                "the date.",
            )


def record_exception(
    request: Request, *, by, reason: str, starts: dt.date, ends: dt.date, note: str = ""
) -> DeadlineException:
    """Why the LA need not meet its time limits (regulations 5(4), 10(4), 13(3)). The limits
    move by the days the exception covers; the original dates stay shown beside them."""
    errors = Errors()
    if reason not in DeadlineException.Reason.values:
        errors.add("reason", "Choose the reason the LA need not meet the time limit.")
    note = _text(errors, "note", note, "The note")
    if starts < request.requested_on:
        errors.add(
            "starts",
            f"The exception starts ({_day(starts)}) before the LA received the request "
            f"({_day(request.requested_on)}): only time after the request can move its limits.",
        )
    if ends > request.requested_on + LONGEST:
        errors.add("ends", f"The exception ends on {_day(ends)}: check the year.")
    if not errors:
        try:
            deadlines.DeadlineException(reason, starts, ends)
        except ValueError as error:
            message = str(error)
            errors.add("ends", f"{message[:1].upper()}{message[1:]}.")
    errors.raise_any()
    with transaction.atomic():
        request = _locked(request)
        _refuse_closed(request)
        if request.exceptions.filter(reason=reason, starts=starts, ends=ends).exists():
            raise ValidationError({NON_FIELD_ERRORS: ["This exception is recorded already."]})
        before = _due_dates(request)
        exception = DeadlineException.objects.create(
            request=request, reason=reason, starts=starts, ends=ends, note=note, recorded_by=by
        )
        after = {"reason": reason, "starts": starts, "ends": ends, "note": note}
        after |= _due_dates(request)
        log.change(
            by, "ehcp.exception_recorded", request, pupil=request.pupil, before=before, after=after
        )
    return exception


def _due_dates(request: Request) -> dict[str, dt.date]:
    due = deadlines.needs_assessment_deadlines(request.requested_on, _exceptions(request))
    return {name: day for name, day in due.items() if isinstance(day, dt.date)}


# Reading.

MET = "met"
LATE = "late"
DONE = "done"
WAITING = "waiting"
NOT_NEEDED = "not_needed"
STATUS_LABELS = {
    MET: "Met",
    LATE: "Late",
    DONE: "Done",
    deadlines.OVERDUE: "Overdue",
    deadlines.DUE_SOON: "Due soon",
    deadlines.LATER: "Not due yet",
    WAITING: "Waiting",
    NOT_NEEDED: "Not needed",
}
UNMET = {deadlines.OVERDUE, deadlines.DUE_SOON, deadlines.LATER}
# How an exception reads after a moved date: "8 June 2026 after the school closure".
AFTER = {
    deadlines.SCHOOL_CLOSED: "the school closure",
    deadlines.EXCEPTIONAL_CIRCUMSTANCES: "exceptional personal circumstances",
    deadlines.FAMILY_AWAY: "the family's absence",
}


@dataclass(frozen=True)
class Stage:
    """One stage of a request: its due date (None when the regulations set none, or it is not
    known yet), the statutory date when an exception moved it, the day it happened, and
    whether it was met, is overdue, due soon or later."""

    key: str
    name: str
    rule: str
    due: dt.date | None
    original: dt.date | None
    moved_by: tuple[str, ...]
    done_on: dt.date | None
    status: str
    note: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def moved(self) -> bool:
        return self.original is not None

    @property
    def is_unmet(self) -> bool:
        return self.status in UNMET


class NextDeadline(NamedTuple):
    due: dt.date
    label: str


def _exceptions(request: Request) -> list[deadlines.DeadlineException]:
    """The recorded exceptions as the deadlines module takes them (prefetch `exceptions` to
    read many requests at once). One the rules do not accept moves nothing."""
    found = []
    for row in request.exceptions.all():
        try:
            found.append(deadlines.DeadlineException(row.reason, row.starts, row.ends))
        except ValueError:
            continue
    return found


def _status(request: Request, due: dt.date | None, done_on: dt.date | None, today) -> str:
    if done_on is not None:
        if due is None:
            return DONE
        return MET if done_on <= due else LATE
    if not request.is_open:
        return NOT_NEEDED
    return WAITING if due is None else deadlines.status(due, today)


def _stage(
    request: Request,
    today: dt.date,
    key: str,
    name: str,
    rule: str,
    due: dt.date | None,
    done_on: dt.date | None,
    note: str = "",
) -> Stage:
    original: dt.date | None = None
    moved_by: tuple[str, ...] = ()
    if isinstance(due, deadlines.Deadline) and due.moved:
        original = due.original
        moved_by = tuple(dict.fromkeys(AFTER[e.reason] for e in due.exceptions))
    return Stage(
        key=key,
        name=name,
        rule=rule,
        due=dt.date(due.year, due.month, due.day) if due else None,
        original=original,
        moved_by=moved_by,
        done_on=done_on,
        status=_status(request, due, done_on, today),
        note=note,
    )


def _decision_note(request: Request) -> str:
    if request.status == Status.WAITING:
        return ""
    if request.status != Status.REFUSED:
        return "Agreed to assess"
    return f"Refused: {request.closed_because}" if request.closed_because else "Refused"


def _issue_decision(request: Request) -> tuple[dt.date | None, str]:
    """When the LA said whether it would issue a plan: its decision not to, or the draft."""
    if request.status == Status.NOT_ISSUING:
        return request.decided_on, "Decided not to issue a plan"
    if request.draft_received_on:
        return request.draft_received_on, "Decided to issue: the draft plan arrived"
    return None, ""


def stages(request: Request, today: dt.date) -> list[Stage]:
    """Every stage of the request in order, each with its due date and what happened."""
    due = deadlines.needs_assessment_deadlines(request.requested_on, _exceptions(request))
    asked, draft = request.advice_requested_on, request.draft_received_on
    issued = request.decided_on if request.status == Status.ISSUED else None
    stage = partial(_stage, request, today)
    return [
        stage("received", "Request received by the LA", "", None, request.requested_on),
        stage("decision_to_assess", "Decision to assess", "6 weeks from the request",
              due["decision_to_assess"], request.decided_to_assess_on, _decision_note(request)),
        stage("advice_requested", "The LA asks for the school's advice", "", None, asked),
        stage("advice_sent", "The school's advice", "6 weeks from the LA's request for it",
              deadlines.advice_deadline(asked) if asked else None, request.advice_sent_on),
        stage("decision_not_to_issue", "Decision whether to issue a plan",
              "16 weeks from the request: the latest the LA may say it will not issue one",
              due["decision_not_to_issue"], *_issue_decision(request)),
        stage("draft", "Draft plan", "", None, draft),
        stage("comments", "Comments on the draft plan", "15 days from the draft",
              deadlines.draft_comments_by(draft) if draft else None, request.comments_sent_on),
        stage("final_plan", "Final plan issued", "20 weeks from the request",
              due["final_plan"], issued),
    ]  # fmt: skip


def next_deadline(request: Request, today: dt.date) -> NextDeadline | None:
    """The soonest due date of a stage not yet met, with the stage's name; None once the
    request is closed or nothing is due."""
    unmet = [s for s in stages(request, today) if s.is_unmet and s.due is not None]
    if not unmet:
        return None
    soonest = min(unmet, key=lambda s: s.due or dt.date.max)
    assert soonest.due is not None
    return NextDeadline(soonest.due, soonest.name)


def for_pupil(pupil: Pupil, today: dt.date) -> list[tuple[Request, NextDeadline | None, str]]:
    """The pupil's requests, newest first, each with its next deadline and whether that is
    overdue, due soon or later: the EHC page's panel."""
    rows = []
    for request in pupil.needs_assessment_requests.prefetch_related("exceptions"):
        found = next_deadline(request, today)
        rows.append((request, found, deadlines.status(found.due, today) if found else ""))
    return rows


def la_names(plans, requests) -> list[str]:
    """The local authorities named on these plans and requests, A to Z, each once."""
    names = {*plans.values_list("local_authority", flat=True),
             *requests.values_list("local_authority", flat=True)}  # fmt: skip
    return sorted({n.strip() for n in names if n.strip()}, key=str.lower)


def offered_stages(request: Request) -> list[str]:
    """The stages that may come next, in order: what the page offers to record."""
    return [
        stage
        for stage, step in _STEPS.items()
        if _ready(request, step) and getattr(request, step.field) is None
    ]


def _ready(request: Request, step: _Step) -> bool:
    """Whether the stages a step follows are recorded: its status, and its first date."""
    return request.status in step.after_status and getattr(request, step.not_before[0]) is not None
