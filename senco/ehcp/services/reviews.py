"""Annual reviews of EHC plans (regulations 18 to 22), step by step: date the meeting, invite,
ask for contributions, circulate the paperwork, record the meeting, send the report to the LA,
record the LA's decision and any amendment.

Each step is one function: it checks what it was given first (a `ValidationError` naming the
field and saying what is wrong), then, in one transaction under the review's row lock, that the
review is in a state the step fits and is still the version the change started from
(`expected_version`, always given: the form's hidden field), then writes and adds its audit
entry. A step done late is
allowed (the deadlines are mostly the LA's) and shows as a warning (`warnings`), except
invitations with less than two weeks' notice, which need a reason. At short notice
contributions can still be asked for, due by the day before the meeting, with a warning.

Who is invited shows by name only to those who may see them (`invitees_as_seen_by`): a parent
taken from the pupil's contacts is "A parent or carer" to anyone who may not see that contact,
and to everyone once the contact is deleted. Someone invited is never deleted from the list,
only taken off it (`removed_on`). Someone without an email address is invited when the
invitation went by letter or by hand and the SENCO says so; the app does not invite them.

The dates come from `senco.ehcp.deadlines`, from the meeting's date. Moving the meeting clears
the invitations step (they go again); recording it as held on another day makes that day the
meeting's date.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.mail import send_mail
from django.core.validators import EmailValidator
from django.db import transaction
from django.template.loader import render_to_string

from senco import access
from senco.audit import log
from senco.ehcp import deadlines
from senco.ehcp.models import (
    SECTIONS,
    AnnualReview,
    EHCPlan,
    OutcomeProgress,
    PlanOutcome,
    RecommendedAmendment,
    ReviewInvitee,
)
from senco.ehcp.services.plans import current_version
from senco.meetings.services import invitable_contacts
from senco.plans.services import progress_scale
from senco.pupils.models import Pupil
from senco.validation import Errors

Status = AnnualReview.Status
Decision = AnnualReview.Decision
# The steps in the order a review takes them: a status only ever moves forward.
BEFORE_MEETING: list[str] = [Status.PLANNED, Status.INVITED, Status.PAPERWORK]
ORDER: list[str] = [*BEFORE_MEETING, Status.HELD, Status.REPORTED, Status.DONE]
LIMITS = {
    "place": 200,
    "short_notice_reason": 1000,
    "name": 200,
    "email": 254,
    "pupil_view": 5000,
    "parent_view": 5000,
    "others_views": 5000,
    "preparing_for_adulthood": 5000,
    "agreed": 5000,
    "evidence": 3000,
    "amendment": 3000,
}
MAX_INVITEES = 30
# How an invitee from the pupil's contacts shows to those who may not see that contact.
HIDDEN_NAME = "A parent or carer"
MAX_AMENDMENTS = 12
# From Year 9 every review covers preparing for adulthood (reg 20(6)).
ADULTHOOD_FROM_YEAR = 9
# What a phase transfer still needs after the meeting before the final plan names the next
# school: the LA's decision (up to 4 weeks) and the family's 15 days on the amendments.
PHASE_TRANSFER_LEAD = deadlines.LA_DECISION_AFTER_REVIEW + deadlines.AMENDMENT_COMMENTS
# What a step's state shows beside its due date.
MET, LATE, DONE, MISSED = "met", "late", "done", "missed"
# The steps that come before the meeting.
BEFORE = {"invitations", "contributions", "paperwork"}


def long_date(day: dt.date) -> str:
    """A date as every review page and document writes it: 4 December 2026."""
    return f"{day.day} {day:%B %Y}"


_day = long_date  # short, for the many messages below


def sentence(text: str) -> str:
    """Text as a sentence: stripped, ending with a full stop unless it ends a sentence already."""
    text = text.strip()
    return text if not text or text[-1] in ".!?" else f"{text}."


def _refuse(message: str) -> ValidationError:
    return ValidationError({NON_FIELD_ERRORS: [message]})


def _check_text(
    errors: Errors, field: str, value: str, what: str, *, limit: str = "", required: str = ""
) -> None:
    """Too long, a null character (PostgreSQL refuses it), or empty when `required` (the
    message then)."""
    most = LIMITS[limit or field]
    if len(value) > most:
        errors.add(field, f"{what} is {len(value):,} characters long: shorten it to {most:,}.")
    if "\x00" in value:
        errors.add(field, f"Remove the null character from {what.lower()}.")
    if required and not value.strip():
        errors.add(field, required)


def _not_future(errors: Errors, field: str, day: dt.date, today: dt.date, what: str) -> None:
    if day > today:
        errors.add(field, f"{_day(day)} is still to come: record {what} once it has happened.")


def _at_least(status: str, step: str) -> str:
    return max(status, step, key=ORDER.index)


# Reading.


def review_of(pupil: Pupil, review_id) -> AnnualReview | None:
    """One annual review of one of the pupil's plans (a pupil the gate gave), or None."""
    return (
        AnnualReview.objects.filter(plan__pupil=pupil, public_id=review_id)
        .select_related("plan", "recorded_by", "created_by")
        .first()
    )


def outcomes_of(plan: EHCPlan) -> list[PlanOutcome]:
    """Section E of the plan's current version, in order."""
    version = current_version(plan)
    return list(version.outcomes.order_by("position", "pk")) if version else []


def not_reviewed_since_transfer(plan: EHCPlan) -> bool:
    """Did the plan arrive from another LA and has it not been reviewed here since?"""
    moved = plan.transferred_in_on
    return moved is not None and (plan.last_reviewed_on is None or plan.last_reviewed_on <= moved)


def review_due(plan: EHCPlan) -> deadlines.Deadline:
    """When the plan's next annual review is due: 12 months from its issue or last review; for
    a plan transferred from another LA and not reviewed here since, 12 months from the last
    review or 3 months from the transfer, whichever is later (reg 15)."""
    moved = plan.transferred_in_on
    if moved and not_reviewed_since_transfer(plan):
        return deadlines.Deadline.on(deadlines.transfer_in_review_due(plan.review_anchor, moved))
    try:
        return deadlines.annual_review_due(plan.review_anchor, plan.pupil.date_of_birth)
    except ValueError:  # a date of birth after the plan's date: no under-fives' prompts then
        return deadlines.Deadline.on(deadlines.add_months(plan.review_anchor, 12))


def phase_transfer_deadline(plan: EHCPlan) -> dt.date | None:
    """When the plan must be amended to name the next school (reg 18), if a transfer is set."""
    if plan.phase_transfer_year is None:
        return None
    return deadlines.phase_transfer_deadline(plan.phase_transfer_year, plan.into_post16)


def names_next_school(plan: EHCPlan, today: dt.date) -> bool:
    """Whether a review dated now is likely the phase transfer review: the deadline to name
    the next school falls within the coming year."""
    deadline = phase_transfer_deadline(plan)
    return deadline is not None and today <= deadline <= deadlines.add_months(today, 12)


def dates(review: AnnualReview) -> deadlines.ReviewDates:
    """The review's dates: those before the meeting from the date it is set for, those after
    it from the date it was held."""
    before = deadlines.review_dates(review.meeting_on)
    after = deadlines.review_dates(review.held_on) if review.held_on else before
    return {
        "invitations_by": before["invitations_by"],
        "paperwork_by": before["paperwork_by"],
        "contributions_by": before["contributions_by"],
        "school_report_by": after["school_report_by"],
        "la_decision_by": after["la_decision_by"],
    }


def amendment_dates(review: AnnualReview) -> deadlines.AmendmentDeadlines | None:
    """Comments in 15 days, the final amended plan within 8 weeks of the proposal (and, case
    law, 12 weeks of the meeting); None until amendments are proposed."""
    if review.amendment_proposed_on is None:
        return None
    held = review.held_on or review.meeting_on
    return deadlines.amendment_deadlines(review.amendment_proposed_on, held)


@dataclass(frozen=True)
class Step:
    """One step of a review: its due date, the day it was done, and how it stands."""

    name: str
    label: str
    due: dt.date | None
    done_on: dt.date | None
    state: str

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


STATE_LABELS = {
    MET: "Done on time",
    LATE: "Done late",
    DONE: "Done",
    MISSED: "Not done",
    deadlines.OVERDUE: "Overdue",
    deadlines.DUE_SOON: "Due soon",
    deadlines.LATER: "To do",
}


def _step(name: str, label: str, due, done_on, today: dt.date) -> Step:
    if done_on is not None:
        state = DONE if due is None else MET if done_on <= due else LATE
    else:
        state = deadlines.LATER if due is None else deadlines.status(due, today)
    return Step(name, label, due, done_on, state)


def steps(review: AnnualReview, today: dt.date, invitees: Iterable[ReviewInvitee]) -> list[Step]:
    """Every step of the review with its due date, the day it was done and how it stands."""
    due = dates(review)
    asked = [i.contribution_requested_on for i in invitees if i.contribution_requested_on]
    held_by = min(review.meeting_on, review.due_by)
    found = [
        _step("invitations", "Invitations sent", due["invitations_by"],
              review.invitations_sent_on, today),
        _step("contributions", "Contributions requested", due["contributions_by"],
              min(asked, default=None), today),
        _step("paperwork", "Paperwork circulated", due["paperwork_by"],
              review.paperwork_sent_on, today),
        _step("meeting", "Meeting held", held_by, review.held_on, today),
        _step("report", "Report sent to the LA and everyone invited", due["school_report_by"],
              review.report_sent_on, today),
        _step("decision", "The LA's decision", due["la_decision_by"], review.la_decided_on,
              today),
    ]  # fmt: skip
    if review.la_decision == Decision.AMEND:
        amendments = amendment_dates(review)
        final = amendments["final_by"] if amendments else _case_law_final(review)
        found += [
            _step("proposal", "Proposed amendments received", None,
                  review.amendment_proposed_on, today),
            _step("amended", "Final amended plan issued", final, review.amended_plan_on, today),
        ]  # fmt: skip
    if review.held_on:  # what was not done before the meeting can no longer be done on time
        found = [replace(s, state=MISSED) if s.name in BEFORE and not s.done_on else s
                 for s in found]  # fmt: skip
    return found


def _case_law_final(review: AnnualReview) -> dt.date:
    return (review.held_on or review.meeting_on) + deadlines.AMENDMENT_FINAL_CASE_LAW


def invited_before_a_move(review: AnnualReview, invitees: Iterable[ReviewInvitee]) -> bool:
    """Whether people on the list were invited to the meeting before it moved: a move clears
    the review's invitations (`invitations_sent_on`) and keeps the day each was invited."""
    return review.invitations_sent_on is None and any(i.invited_on for i in invitees)


def next_step(
    review: AnnualReview, today: dt.date, invitees: Iterable[ReviewInvitee] = ()
) -> tuple[str, dt.date | None, str]:
    """What the review waits for next, when it is due and how it stands ("overdue",
    "due_soon", "later"; "done" once nothing is left). For the caseload and the panel; given
    the review's `invitees`, it says when the invitations are to go again after a move."""
    due = dates(review)
    again = " again" if invited_before_a_move(review, invitees) else ""
    waiting: dict[str, tuple[str, dt.date]] = {
        Status.PLANNED: (f"Send the invitations{again}", due["invitations_by"]),
        Status.INVITED: ("Circulate the paperwork", due["paperwork_by"]),
        Status.PAPERWORK: ("Hold and record the meeting", review.meeting_on),
        Status.HELD: ("Send the report to the LA", due["school_report_by"]),
        Status.REPORTED: ("The LA's decision", due["la_decision_by"]),
    }
    if review.status in BEFORE_MEETING and today >= review.meeting_on:
        label, day = "Record the meeting", review.meeting_on
    elif review.status in waiting:
        label, day = waiting[review.status]
    elif review.la_decision == Decision.AMEND and not review.amended_plan_on:
        amendments = amendment_dates(review)
        label = "The final amended plan"
        day = amendments["final_by"] if amendments else _case_law_final(review)
    else:
        return ("Review done", None, DONE)
    return (label, day, deadlines.status(day, today))


def _late(done: dt.date | None, due: dt.date) -> bool:
    return done is not None and done > due


def phase_transfer_warning(
    plan: EHCPlan, meeting_on: dt.date, is_phase_transfer: bool
) -> str | None:
    """A phase transfer review held too late to name the next school by the deadline."""
    deadline = phase_transfer_deadline(plan)
    if deadline is None or not is_phase_transfer:
        return None
    if meeting_on > deadline:
        return (
            f"The meeting on {_day(meeting_on)} is after {_day(deadline)}, the date by which "
            "the plan must be amended to name the next school: hold it earlier."
        )
    if meeting_on + PHASE_TRANSFER_LEAD > deadline:
        return (
            f"The meeting on {_day(meeting_on)} leaves less than {PHASE_TRANSFER_LEAD.days} "
            f"days before {_day(deadline)}, the date by which the plan must be amended to name "
            "the next school: the LA has up to 4 weeks to decide and the family 15 days to "
            "comment on the amendments. Hold it earlier if you can."
        )
    return None


def meeting_warnings(
    plan: EHCPlan, due_by: dt.date, meeting_on: dt.date, is_phase_transfer: bool, today: dt.date
) -> list[str]:
    """What is late about a meeting date: allowed, and shown."""
    found = []
    if meeting_on > due_by:
        deadline = "has passed" if today > due_by else "will be missed"
        found.append(
            f"The meeting on {_day(meeting_on)} is after the review is due ({_day(due_by)}): "
            f"the LA's deadline {deadline}. The late date is recorded."
        )
    if phase := phase_transfer_warning(plan, meeting_on, is_phase_transfer):
        found.append(phase)
    return found


def warnings(review: AnnualReview, today: dt.date | None = None) -> dict[str, str]:
    """What was late or at short notice, by step: shown on the review's page for as long as it
    lasts."""
    today = today or access.today()
    due = dates(review)
    found = {}
    if meeting := meeting_warnings(
        review.plan, review.due_by, review.meeting_on, review.is_phase_transfer, today
    ):
        found["meeting"] = " ".join(meeting)
    if _late(review.invitations_sent_on, due["invitations_by"]):
        found["invitations"] = (
            f"Invitations sent with less than two weeks' notice (they were due by "
            f"{_day(due['invitations_by'])}). Reason given: "
            f"{sentence(review.short_notice_reason) or 'none recorded.'}"
        )
    asked_by = review.contributions_due_on
    if asked_by and asked_by > due["paperwork_by"]:
        found["contributions"] = (
            f"Contributions are due by {_day(asked_by)}: they will arrive after the paperwork "
            f"should have been circulated ({_day(due['paperwork_by'])}, two weeks before the "
            "meeting)."
        )
    if _late(review.paperwork_sent_on, due["paperwork_by"]):
        found["paperwork"] = (
            f"The paperwork was circulated after {_day(due['paperwork_by'])}, less than two "
            "weeks before the meeting."
        )
    if _late(review.report_sent_on, due["school_report_by"]):
        found["report"] = (
            f"The report was sent after {_day(due['school_report_by'])}, more than two weeks "
            "after the meeting."
        )
    if _late(review.la_decided_on, due["la_decision_by"]):
        found["decision"] = (
            f"The LA decided after {_day(due['la_decision_by'])}, more than 4 weeks after the "
            "meeting."
        )
    amendments = amendment_dates(review)
    if amendments and _late(review.amended_plan_on, amendments["final_by"]):
        found["amended"] = (
            f"The final amended plan came after {_day(amendments['final_by'])}, more than 8 "
            "weeks after the proposal."
        )
    return found


def takes_adulthood(pupil: Pupil) -> bool:
    """From Year 9 every review covers preparing for adulthood."""
    return pupil.year_group is not None and pupil.year_group >= ADULTHOOD_FROM_YEAR


@dataclass(frozen=True)
class Invitee:
    """Someone invited, as written on the form; `id` names one already on the review's list,
    `contact` the pupil's contact (a parent) a new row was taken from; `by_letter` that their
    invitation went by letter or by hand (they are then not emailed)."""

    kind: str
    name: str
    email: str = ""
    id: int | None = None
    contact: int | None = None
    by_letter: bool = False


def suggested_invitees(user, plan: EHCPlan) -> list[Invitee]:
    """Who a first list of invitees offers: the parents with parental responsibility the user
    may see (`invitable_contacts` gives only contacts the user may see: `access.
    contacts_visible_to`), each with their email address and their contact, so the name stays
    as private as the contact; the pupil; and the LA's caseworker."""
    pupil = plan.pupil
    parents = [
        Invitee(ReviewInvitee.Kind.PARENT, str(c), c.email, contact=c.pk)
        for c in invitable_contacts(user, pupil)
    ]
    return [
        *parents,
        Invitee(ReviewInvitee.Kind.PUPIL, pupil.full_name),
        Invitee(
            ReviewInvitee.Kind.LA,
            plan.caseworker or f"{plan.local_authority} caseworker",
            plan.caseworker_email,
        ),
    ]


@dataclass(frozen=True)
class SeenInvitee:
    """An invitee as one user may see them: a parent taken from the pupil's contacts shows by
    name and email only to those who may see that contact (a contact can be confidential to
    a few people: a parent in a refuge); to others, and to everyone once the contact is
    deleted, as "A parent or carer"."""

    invitee: ReviewInvitee
    hidden: bool

    @property
    def name(self) -> str:
        return HIDDEN_NAME if self.hidden else self.invitee.name

    @property
    def email(self) -> str:
        return "" if self.hidden else self.invitee.email

    @property
    def label(self) -> str:
        """Who they are, for a list: their name and what they are."""
        if self.hidden:
            return HIDDEN_NAME
        return f"{self.invitee.name} ({self.invitee.get_kind_display()})"


def _contacts_seen(user, pupil: Pupil) -> set[int]:
    return set(access.contacts_visible_to(user, pupil).values_list("pk", flat=True))


def _hidden(invitee: ReviewInvitee, seen: set[int]) -> bool:
    """Whether who this invitee is stays hidden from a user who may see the contacts `seen`:
    a parent from the pupil's contacts whose contact they may not see, or whose contact was
    deleted (nobody may see that one's name any more)."""
    if invitee.contact_id is None:
        return invitee.from_contacts
    return invitee.contact_id not in seen


def _on_list(review: AnnualReview):
    """The review's invitees still on its list (not taken off it)."""
    return review.invitees.filter(removed_on__isnull=True)


def invitees_as_seen_by(user, review: AnnualReview, *, removed: bool = False) -> list[SeenInvitee]:
    """The review's invitees on its list (with `removed`, those taken off it instead), as the
    user may see them: every page, form and document shows invitees through this."""
    found = list(review.invitees.filter(removed_on__isnull=not removed))
    seen = _contacts_seen(user, review.plan.pupil) if any(i.contact_id for i in found) else set()
    return [SeenInvitee(i, _hidden(i, seen)) for i in found]


def last_held(plan: EHCPlan, before: AnnualReview) -> AnnualReview | None:
    """The plan's review held before this one: its progress is the progress so far."""
    return (
        plan.reviews.filter(held_on__isnull=False, meeting_on__lt=before.meeting_on)
        .exclude(pk=before.pk)
        .order_by("-held_on")
        .prefetch_related("progress__outcome")
        .first()
    )


# Changes.


def _locked(
    review: AnnualReview, first: str, last: str, doing: str, expected_version: int
) -> AnnualReview:
    """The review under its row lock (inside the step's transaction), refused when it is not
    between the states `first` and `last`, or has changed since `expected_version`."""
    review = (
        AnnualReview.objects.select_for_update(of=("self",))
        .select_related("plan__pupil__school")
        .get(pk=review.pk)
    )
    _refuse_unless(review, first, last, doing)
    _refuse_stale(review, expected_version)
    return review


def _refuse_stale(review: AnnualReview, expected_version: int) -> None:
    if review.version != expected_version:
        raise _refuse(
            "Someone else changed this review after you opened the page: read it again, then "
            "make your change. What you wrote is still in the form."
        )


def _refuse_unless(review: AnnualReview, first: str, last: str, doing: str) -> None:
    """A step on a review in a state it does not fit (before `first` or after `last`),
    refused with what to do first or what has already happened."""
    at = ORDER.index(review.status)
    if at < ORDER.index(first):
        not_yet: dict[str, str] = {
            Status.HELD: "the meeting has not been recorded yet: record the meeting first",
            Status.REPORTED: "its report has not gone to the LA yet: send the report first",
        }
        why = not_yet[first]
    elif at > ORDER.index(last):
        already: dict[str, str] = {
            Status.HELD: f"the meeting was held on {_day(review.held_on or review.meeting_on)}",
            Status.REPORTED: "its report went to the LA on "
            f"{_day(review.report_sent_on or review.meeting_on)}",
            Status.DONE: "the LA's decision is recorded and the review is done",
        }
        why = already[review.status]
    else:
        return
    raise _refuse(f"This review cannot {doing}: {why}.")


def _audit(by, action: str, review: AnnualReview, before: dict, after: dict) -> None:
    log.change(by, action, review, pupil=review.plan.pupil, before=before, after=after)


def _values(review: AnnualReview, fields: Iterable[str]) -> dict[str, Any]:
    return {field: getattr(review, field) for field in fields}


def _saved(review: AnnualReview, fields: list[str]) -> None:
    review.version += 1
    review.save(update_fields=[*fields, "version"])


@dataclass(frozen=True)
class Arrangements:
    """When and where the meeting is."""

    meeting_on: dt.date
    meeting_time: dt.time | None = None
    place: str = ""
    is_phase_transfer: bool = False


def _check_arrangements(
    errors: Errors, plan: EHCPlan, wanted: Arrangements, today: dt.date
) -> None:
    day = wanted.meeting_on
    if day < plan.issued_on:
        errors.add(
            "meeting_on",
            f"A review dated before the plan: the meeting on {_day(day)} is before the plan was "
            f"issued on {_day(plan.issued_on)}. Give a date on or after {_day(plan.issued_on)}.",
        )
    elif plan.last_reviewed_on and day <= plan.last_reviewed_on:
        errors.add(
            "meeting_on",
            f"The meeting on {_day(day)} is not after the last review, held on "
            f"{_day(plan.last_reviewed_on)}: give a later date.",
        )
    latest = deadlines.add_months(today, 12)
    if day > latest:
        errors.add(
            "meeting_on",
            f"The meeting on {_day(day)} is more than a year ahead: date it by {_day(latest)}.",
        )
    _check_text(errors, "place", wanted.place, "Where")


ARRANGEMENTS = ["meeting_on", "meeting_time", "place", "is_phase_transfer"]


def _arrangements(review: AnnualReview) -> dict[str, Any]:
    time = review.meeting_time
    return _values(review, ARRANGEMENTS) | {"meeting_time": time.isoformat() if time else None}


def date_review(
    plan: EHCPlan, *, by, arrangements: Arrangements, today: dt.date | None = None
) -> AnnualReview:
    """Date the next annual review meeting of a current plan; its due date is recorded."""
    today = today or access.today()
    errors = Errors()
    _check_arrangements(errors, plan, arrangements, today)
    errors.raise_any()
    with transaction.atomic():
        plan = (
            EHCPlan.objects.select_for_update(of=("self",)).select_related("pupil").get(pk=plan.pk)
        )
        if plan.ceased_on is not None:
            raise _refuse(f"This plan ceased on {_day(plan.ceased_on)}: it has no more reviews.")
        if open_review := plan.reviews.open().first():
            raise _refuse(
                "This plan already has an open annual review, with its meeting on "
                f"{_day(open_review.meeting_on)}: finish it, or move its meeting, rather than "
                "dating another."
            )
        review = AnnualReview.objects.create(
            plan=plan,
            due_by=review_due(plan),
            meeting_on=arrangements.meeting_on,
            meeting_time=arrangements.meeting_time,
            place=arrangements.place.strip(),
            is_phase_transfer=arrangements.is_phase_transfer,
            created_by=by,
        )
        after = {**_arrangements(review), "due_by": review.due_by}
        after["late"] = review.meeting_on > review.due_by
        _audit(by, "ehcp.review_dated", review, {}, after)
    return review


# What a move of the meeting clears: the invitations went out to the old arrangements.
INVITATIONS = ["invitations_sent_on", "status", "short_notice_reason"]


def move_review(
    review: AnnualReview,
    *,
    by,
    arrangements: Arrangements,
    expected_version: int,
    today: dt.date | None = None,
) -> AnnualReview:
    """Move the meeting (or change its time or place) before it is held. Invitations already
    sent were for the old arrangements: the review's invitations step is cleared (back to
    "Meeting dated", with no date sent and no short-notice reason) so they go again, asking
    for a reason again if the notice is short. Each invitee keeps the day they were invited,
    so who was invited stays known; the audit entry keeps the step as it was."""
    today = today or access.today()
    errors = Errors()
    _check_arrangements(errors, review.plan, arrangements, today)
    errors.raise_any()
    with transaction.atomic():
        review = _locked(review, Status.PLANNED, Status.PAPERWORK, "be moved", expected_version)
        before = _arrangements(review)
        was = (review.meeting_on, review.meeting_time, review.place)
        review.meeting_on = arrangements.meeting_on
        review.meeting_time = arrangements.meeting_time
        review.place = arrangements.place.strip()
        review.is_phase_transfer = arrangements.is_phase_transfer
        after = _arrangements(review)
        if was != (review.meeting_on, review.meeting_time, review.place) and (
            review.invitations_sent_on
        ):
            invited = _on_list(review).filter(invited_on__isnull=False)
            before |= _values(review, INVITATIONS) | {"invitees": [_audit_view(i) for i in invited]}
            review.invitations_sent_on = None
            review.status = Status.PLANNED
            review.short_notice_reason = ""
            after |= _values(review, INVITATIONS)
        _saved(review, [*ARRANGEMENTS, *INVITATIONS])
        after["late"] = review.meeting_on > review.due_by
        _audit(by, "ehcp.review_changed", review, before, after)
    return review


@dataclass(frozen=True)
class Invited:
    """What `send_invitations` did: how many were invited, emailed and marked invited by letter,
    and who is not invited yet (no email address, and not marked invited by letter), as the
    user may see them."""

    review: AnnualReview
    invited: int
    emailed: int
    by_letter: int
    not_invited: list[str]


def _check_invitees(errors: Errors, invitees: Sequence[Invitee]) -> None:
    if not invitees:
        errors.add("invitees", "Invite at least one person: the parents, the pupil and the LA.")
    if len(invitees) > MAX_INVITEES:
        errors.add("invitees", f"Invite at most {MAX_INVITEES} people to one review.")
    email = EmailValidator()
    for n, row in enumerate(invitees, start=1):
        if row.kind not in ReviewInvitee.Kind.values:
            errors.add("invitees", f"Row {n}: choose who they are (parent, pupil, LA...).")
        _check_text(errors, "invitees", row.name, f"Row {n}'s name", limit="name",
                    required=f"Row {n}: give a name or a role.")  # fmt: skip
        _check_text(errors, "invitees", row.email, f"Row {n}'s email", limit="email")
        if row.email.strip():
            try:
                email(row.email.strip())
            except ValidationError:
                errors.add("invitees", f"Row {n}: {row.email[:60]!r} is not an email address.")


def _check_notice(
    errors: Errors, review: AnnualReview, reason: str, today: dt.date, inviting: bool
) -> None:
    if review.meeting_on < today:
        errors.add(
            NON_FIELD_ERRORS,
            f"The meeting on {_day(review.meeting_on)} has passed: move it to a new date, or "
            "record it if it was held.",
        )
        return
    invitations_by = dates(review)["invitations_by"]
    if inviting and today > invitations_by and not reason.strip():
        errors.add(
            "short_notice_reason",
            f"Less than two weeks' notice: invitations were due by {_day(invitations_by)}. "
            "Give the reason they go out late (it is kept with the review), or move the meeting.",
        )


# What of an invitee's row a change of the list is told by, in the audit entry.
TRACKED = ["kind", "name", "email", "invited_on", "removed_on"]


def _from_contacts(invitee: ReviewInvitee) -> bool:
    """A parent taken from the pupil's contacts, whether or not the contact is still there."""
    return invitee.contact_id is not None or invitee.from_contacts


def _masked_email(invitee: ReviewInvitee) -> str:
    """An address as the audit log keeps it: enough to tell two apart, not to write to; nothing
    of a contact's."""
    if not invitee.email:
        return ""
    if _from_contacts(invitee):
        return "***"
    local, _, domain = invitee.email.partition("@")
    return f"{local[:1]}***@{domain}"


def _audit_view(invitee: ReviewInvitee, **more) -> dict[str, Any]:
    """An invitee as the audit log keeps them: a parent from the pupil's contacts by their
    contact, never by name (people who may not see a confidential contact read the log), and
    the email masked."""
    view: dict[str, Any] = {
        "id": invitee.pk,
        "kind": invitee.kind,
        "name": HIDDEN_NAME.lower() if _from_contacts(invitee) else invitee.name,
        "email": _masked_email(invitee),
        "invited_on": invitee.invited_on.isoformat() if invitee.invited_on else None,
    }
    if invitee.contact_id:
        view["contact"] = invitee.contact_id
    if invitee.removed_on:
        view["removed_on"] = invitee.removed_on.isoformat()
    return view | more


def _tracked(invitee: ReviewInvitee) -> tuple:
    return tuple(getattr(invitee, field) for field in TRACKED)


def _list_changes(
    was: dict[int, tuple[tuple, dict]],
    now: Iterable[ReviewInvitee],
    deleted: Iterable[ReviewInvitee],
) -> tuple[list[dict], list[dict]]:
    """Who was added to the list, changed on it or taken off it: as they were (`was`, by pk:
    their tracked values and audit view), and as they are."""
    before, after = [], []
    for invitee in now:
        if invitee.pk not in was:
            after.append(_audit_view(invitee, added=True))
            continue
        values, view = was[invitee.pk]
        changed = [f for f, old, new in zip(TRACKED, values, _tracked(invitee), strict=True)
                   if old != new]  # fmt: skip
        if changed:
            before.append(view)
            after.append(_audit_view(invitee, changed=changed))
    for invitee in deleted:
        before.append(was[invitee.pk][1])
        after.append({"id": invitee.pk, "deleted": True})
    return before, after


@dataclass
class Synced:
    """The review's list once saved: those on it, those taken off it, those deleted, and the
    pks of those whose row says they were invited by letter."""

    listed: list[ReviewInvitee]
    taken_off: list[ReviewInvitee]
    deleted: list[ReviewInvitee]
    by_letter: set[int]


def _sync_invitees(
    review: AnnualReview,
    rows: Sequence[Invitee],
    existing: dict[int, ReviewInvitee],
    hidden: set[int],
    today: dt.date,
) -> Synced:
    """The review's list as the rows give it: rows kept are changed, new rows added (one from
    the pupil's contacts marked `from_contacts`, so its name stays hidden once the contact is
    deleted). Those left out are taken off it: kept, with the day, once they were invited (to
    this meeting or before it moved) or asked for a contribution; deleted otherwise. A parent
    whose name the user may not see (`hidden`) stays as they are."""
    given = {row.id for row in rows if row.id}
    gone = [i for pk, i in existing.items() if pk not in given and pk not in hidden]
    taken_off = [i for i in gone if i.invited_on or i.contribution_requested_on]
    for invitee in taken_off:
        invitee.removed_on = today
    ReviewInvitee.objects.bulk_update(taken_off, ["removed_on"])
    deleted = [i for i in gone if i.removed_on is None]
    review.invitees.filter(pk__in=[i.pk for i in deleted]).delete()
    listed = [existing[pk] for pk in sorted(hidden - given)]
    by_letter: set[int] = set()
    for row in rows:
        if row.id in hidden:
            listed.append(existing[row.id])
            continue
        invitee = (
            existing[row.id] if row.id else ReviewInvitee(review=review, contact_id=row.contact)
        )
        fields = {"kind": row.kind, "name": row.name.strip(), "email": row.email.strip(),
                  "from_contacts": _from_contacts(invitee)}  # fmt: skip
        if invitee.pk is None or any(getattr(invitee, f) != v for f, v in fields.items()):
            for field, value in fields.items():
                setattr(invitee, field, value)
            invitee.save()
        listed.append(invitee)
        if row.by_letter:
            by_letter.add(invitee.pk)
    return Synced(listed, taken_off, deleted, by_letter)


def _check_contacts(
    errors: Errors, rows: Sequence[Invitee], existing: dict[int, ReviewInvitee], seen: set[int]
) -> None:
    """A row names a contact only the user may see, and a contact is invited as a parent."""
    for n, row in enumerate(rows, start=1):
        if row.contact is not None and row.contact not in seen:
            errors.add(
                "invitees",
                f"Row {n}: the parent or carer chosen is not one of this pupil's contacts you "
                "may see: type their name instead.",
            )
        listed = existing.get(row.id) if row.id else None
        contact = listed.contact_id if listed else row.contact
        if contact is not None and row.kind != ReviewInvitee.Kind.PARENT:
            errors.add(
                "invitees",
                f"Row {n}: someone from the pupil's contacts is invited as a parent or carer: "
                "choose “Parent or carer”, or clear the row.",
            )


def _check_list(
    errors: Errors,
    rows: Sequence[Invitee],
    existing: dict[int, ReviewInvitee],
    seen: set[int],
    hidden: set[int],
) -> None:
    if any(r.id is not None and r.id not in existing for r in rows):
        errors.add("invitees", "Change only the people on this review's list.")
    _check_contacts(errors, rows, existing, seen)
    kept = {r.id for r in rows} | hidden
    for invitee in existing.values():
        if invitee.pk not in kept and invitee.contribution_received_on:
            errors.add(
                "invitees",
                f"{invitee.name}'s contribution came in: they stay on the list.",
            )


def _waiting(review: AnnualReview, invitee: ReviewInvitee) -> bool:
    """Not invited to the meeting as it stands: never invited, or invited before it moved
    (a move clears the review's `invitations_sent_on`)."""
    return invitee.invited_on is None or review.invitations_sent_on is None


def _invites_anyone(
    review: AnnualReview,
    rows: Sequence[Invitee],
    existing: dict[int, ReviewInvitee],
    hidden: set[int],
) -> bool:
    """Whether saving the list invites someone: a person waiting for an invitation with an
    email address, or marked invited by letter. Rows hidden from the user stay as they are."""
    if any(_waiting(review, existing[pk]) and existing[pk].email for pk in hidden):
        return True
    for row in rows:
        was = existing.get(row.id) if row.id else None
        if row.id in hidden or (was is not None and not _waiting(review, was)):
            continue
        if row.email.strip() or row.by_letter:
            return True
    return False


def send_invitations(
    review: AnnualReview,
    *,
    by,
    invitees: Sequence[Invitee],
    expected_version: int,
    short_notice_reason: str = "",
    today: dt.date | None = None,
) -> Invited:
    """Save who is invited and invite everyone not yet invited to the meeting as it stands:
    each with an email address gets a neutral email once the transaction commits (the pupil's
    initials, the date, time and place, the school: never a name or a need); each whose row
    says the invitation went by letter or by hand is marked invited today and not emailed.
    Someone with no email address, not marked, is not invited yet: the app has not invited
    them. With less than two weeks' notice a reason is needed, and kept. The audit entry names
    who was added, changed or taken off the list (a parent from the contacts as "a parent or
    carer")."""
    today = today or access.today()
    errors = Errors()
    _check_invitees(errors, invitees)
    _check_text(errors, "short_notice_reason", short_notice_reason, "The reason")
    errors.raise_any()
    with transaction.atomic():
        review = _locked(
            review, Status.PLANNED, Status.PAPERWORK, "send invitations", expected_version
        )
        existing = {i.pk: i for i in _on_list(review)}
        seen = _contacts_seen(by, review.plan.pupil)
        hidden = {pk for pk, i in existing.items() if _hidden(i, seen)}
        _check_list(errors, invitees, existing, seen, hidden)
        inviting = _invites_anyone(review, invitees, existing, hidden)
        _check_notice(errors, review, short_notice_reason, today, inviting)
        errors.raise_any()
        was = {pk: (_tracked(i), _audit_view(i)) for pk, i in existing.items()}
        synced = _sync_invitees(review, invitees, existing, hidden, today)
        waiting = [i for i in synced.listed if _waiting(review, i)]
        to_invite = [i for i in waiting if i.email or i.pk in synced.by_letter]
        for invitee in waiting:  # those not invited now were invited before a move, if at all
            invitee.invited_on = today if invitee in to_invite else None
        ReviewInvitee.objects.bulk_update(waiting, ["invited_on"])
        short = bool(to_invite) and today > dates(review)["invitations_by"]
        if to_invite:
            review.invitations_sent_on = today
            sent = Status.PAPERWORK if review.paperwork_sent_on else Status.INVITED
            review.status = _at_least(review.status, sent)
        if short:
            review.short_notice_reason = short_notice_reason.strip()
        _saved(review, INVITATIONS)
        addresses = [i.email for i in to_invite if i.email and i.pk not in synced.by_letter]
        letters = len(to_invite) - len(addresses)
        before, after = _list_changes(was, [*synced.listed, *synced.taken_off], synced.deleted)
        _audit(by, "ehcp.invitations_sent", review, {"invitees": before}, {
            "invitees": after, "listed": len(synced.listed), "invited": len(to_invite),
            "emailed": len(addresses), "by_letter": letters, "short_notice": short,
            "reason": review.short_notice_reason if short else "",
        })  # fmt: skip
        subject, body = invitation_email(review)
        transaction.on_commit(
            lambda: [send_mail(subject, body, None, [address]) for address in addresses]
        )
    not_invited = [
        SeenInvitee(i, i.pk in hidden).label for i in synced.listed if i.invited_on is None
    ]
    return Invited(review, len(to_invite), len(addresses), letters, not_invited)


def invitation_email(review: AnnualReview) -> tuple[str, str]:
    """The invitation as emailed: it leaves the school's server, so it carries the pupil's
    initials, never their name or needs."""
    pupil = review.plan.pupil
    context = {"review": review, "initials": pupil.initials, "school": pupil.school}
    subject = f"Invitation to a review meeting about {pupil.initials}"
    return subject, render_to_string("ehcp/email/review_invitation.txt", context)


def _own_invitees(
    errors: Errors, field: str, review: AnnualReview, chosen: Iterable[ReviewInvitee]
) -> None:
    if any(i.review_id != review.pk or i.removed_on for i in chosen):
        errors.add(field, "Choose people on this review's list.")


# At short notice, what the request form offers: contributions due five days from the request,
# and two days before the meeting at the latest, so they can still be read before it.
SHORT_NOTICE_ANSWER = dt.timedelta(days=5)
SHORT_NOTICE_READING = dt.timedelta(days=2)


def contributions_at_short_notice(review: AnnualReview, today: dt.date) -> bool:
    """Whether contributions asked for today come at short notice: the day the paperwork
    should have been circulated has passed."""
    return today > dates(review)["paperwork_by"]


def latest_contributions_due(review: AnnualReview, today: dt.date) -> dt.date:
    """The latest day contributions may be due: the day the paperwork must be circulated; at
    short notice, the day before the meeting."""
    if contributions_at_short_notice(review, today):
        return review.meeting_on - dt.timedelta(days=1)
    return dates(review)["paperwork_by"]


def contributions_due_default(review: AnnualReview, today: dt.date) -> dt.date:
    """The due date a request for contributions offers, never past: the date already set, or
    the school's target (a week before the paperwork date), up to the paperwork date; at short
    notice, the earlier of two days before the meeting and five days from today."""
    latest = latest_contributions_due(review, today)
    if contributions_at_short_notice(review, today):
        wanted = min(review.meeting_on - SHORT_NOTICE_READING, today + SHORT_NOTICE_ANSWER)
    else:
        wanted = review.contributions_due_on or dates(review)["contributions_by"]
    return max(min(wanted, latest), today)


def _check_due_on(errors: Errors, review: AnnualReview, due_on: dt.date, today: dt.date) -> None:
    paperwork_by = dates(review)["paperwork_by"]
    latest = latest_contributions_due(review, today)
    if review.meeting_on <= today:
        errors.add(
            "due_on",
            f"The meeting is on {_day(review.meeting_on)}: it is too late to ask for "
            "contributions before it. Record those that come in.",
        )
    elif due_on < today:
        errors.add("due_on", f"{_day(due_on)} has passed: give a date from today.")
    elif due_on > latest and not contributions_at_short_notice(review, today):
        errors.add(
            "due_on",
            f"Contributions due on {_day(due_on)} come after the paperwork must be circulated "
            f"({_day(paperwork_by)}, two weeks before the meeting): give a date on or before "
            f"{_day(paperwork_by)}.",
        )
    elif due_on > latest:
        errors.add(
            "due_on",
            f"Contributions due on {_day(due_on)} come too late: the meeting is on "
            f"{_day(review.meeting_on)}. Give a date by {_day(latest)}, the day before it.",
        )


def request_contributions(
    review: AnnualReview,
    *,
    by,
    invitees: Sequence[ReviewInvitee],
    due_on: dt.date,
    expected_version: int,
    today: dt.date | None = None,
) -> AnnualReview:
    """Ask the chosen invitees for their contribution (advice), due on or before the day the
    paperwork must be circulated. At short notice (that day has passed) any day from today to
    the day before the meeting is allowed, and the review keeps a warning that contributions
    will arrive after the paperwork should have been circulated."""
    today = today or access.today()
    errors = Errors()
    if not invitees:
        errors.add("invitees", "Choose who is asked for a contribution.")
    _own_invitees(errors, "invitees", review, invitees)
    _check_due_on(errors, review, due_on, today)
    errors.raise_any()
    with transaction.atomic():
        review = _locked(
            review, Status.PLANNED, Status.PAPERWORK, "ask for contributions", expected_version
        )
        _on_list(review).filter(pk__in=[i.pk for i in invitees]).update(
            contribution_requested_on=today
        )
        before = {"due_on": review.contributions_due_on}
        review.contributions_due_on = due_on
        _saved(review, ["contributions_due_on"])
        after = {"due_on": due_on, "asked": [_audit_view(i) for i in invitees],
                 "short_notice": due_on > dates(review)["paperwork_by"]}  # fmt: skip
        _audit(by, "ehcp.contributions_requested", review, before, after)
    return review


def record_contribution(
    review: AnnualReview,
    *,
    by,
    invitee: ReviewInvitee,
    received_on: dt.date,
    expected_version: int,
    today: dt.date | None = None,
) -> AnnualReview:
    """A contribution (advice) that came in, on the day it came."""
    today = today or access.today()
    errors = Errors()
    _own_invitees(errors, "invitee", review, [invitee])
    _not_future(errors, "received_on", received_on, today, "a contribution")
    errors.raise_any()
    with transaction.atomic():
        review = _locked(
            review, Status.PLANNED, Status.REPORTED, "take contributions", expected_version
        )
        before = {"received_on": invitee.contribution_received_on}
        _on_list(review).filter(pk=invitee.pk).update(contribution_received_on=received_on)
        _saved(review, [])
        after = {"received_on": received_on, "invitee": _audit_view(invitee)}
        _audit(by, "ehcp.contribution_received", review, before, after)
    return review


def circulate_paperwork(
    review: AnnualReview,
    *,
    by,
    sent_on: dt.date,
    expected_version: int,
    today: dt.date | None = None,
) -> AnnualReview:
    """The paperwork pack (advice and information) went to everyone invited on `sent_on`."""
    today = today or access.today()
    errors = Errors()
    _not_future(errors, "sent_on", sent_on, today, "the paperwork")
    if sent_on > review.meeting_on:
        errors.add(
            "sent_on",
            f"{_day(sent_on)} is after the meeting ({_day(review.meeting_on)}): the paperwork "
            "goes out before it.",
        )
    errors.raise_any()
    with transaction.atomic():
        review = _locked(
            review, Status.PLANNED, Status.PAPERWORK, "circulate paperwork", expected_version
        )
        return _sent(review, by, "paperwork_sent_on", sent_on, Status.PAPERWORK,
                     "ehcp.paperwork_circulated")  # fmt: skip


def _sent(review: AnnualReview, by, field: str, day: dt.date, status: str, action: str):
    """Something went out on `day` (the paperwork, the report): the review moves on to
    `status`."""
    before = {"sent_on": getattr(review, field), "status": review.status}
    setattr(review, field, day)
    review.status = _at_least(review.status, status)
    _saved(review, [field, "status"])
    _audit(by, action, review, before, {"sent_on": day, "status": review.status})
    return review


@dataclass(frozen=True)
class Progress:
    """Progress on one section E outcome (a `PlanOutcome` pk), on the school's scale."""

    outcome: int
    progress: str
    evidence: str


@dataclass(frozen=True)
class Amendment:
    """A change to one section of the plan the review recommends."""

    section: str
    text: str


@dataclass(frozen=True)
class MeetingRecord:
    """What happened at the meeting. `attended` names invitees (pks)."""

    held_on: dt.date
    progress: Sequence[Progress]
    recommendation: str
    agreed: str
    attended: Sequence[int] = ()
    pupil_view: str = ""
    parent_view: str = ""
    others_views: str = ""
    amendments: Sequence[Amendment] = ()
    preparing_for_adulthood: str = ""


def _check_progress(
    errors: Errors, outcomes: Sequence[PlanOutcome], given: Sequence[Progress]
) -> None:
    scale = progress_scale()
    by_outcome = {p.outcome: p for p in given}
    if set(by_outcome) - {o.pk for o in outcomes}:
        errors.add("progress", "Record progress on the outcomes of this plan only.")
    for outcome in outcomes:
        field = f"progress_{outcome.pk}"
        found = by_outcome.get(outcome.pk)
        if found is None or found.progress not in scale:
            errors.add(field, f"Outcome {outcome.position}: choose the progress made.")
        evidence = found.evidence if found else ""
        _check_text(
            errors, f"evidence_{outcome.pk}", evidence, f"The evidence for outcome "
            f"{outcome.position}", limit="evidence",
            required=f"Outcome {outcome.position}: give the evidence of progress (a score, "
            "an observation, work).",
        )  # fmt: skip


def _check_amendments(errors: Errors, record: MeetingRecord) -> None:
    if len(record.amendments) > MAX_AMENDMENTS:
        errors.add("amendments", f"Recommend at most {MAX_AMENDMENTS} amendments.")
    for n, amendment in enumerate(record.amendments, start=1):
        if amendment.section not in SECTIONS:
            errors.add("amendments", f"Amendment {n}: choose the section it changes (A to K).")
        _check_text(errors, "amendments", amendment.text, f"Amendment {n}", limit="amendment",
                    required=f"Amendment {n}: say what should change.")  # fmt: skip
    if record.recommendation == Decision.AMEND and not record.amendments:
        errors.add(
            "amendments",
            "The school recommends amending the plan: say which sections should change, and how.",
        )


def _check_record(
    errors: Errors, review: AnnualReview, record: MeetingRecord, today: dt.date
) -> None:
    plan = review.plan
    if record.held_on < plan.issued_on:
        errors.add(
            "held_on",
            f"A review dated before the plan: {_day(record.held_on)} is before the plan was "
            f"issued on {_day(plan.issued_on)}.",
        )
    _not_future(errors, "held_on", record.held_on, today, "the meeting")
    _check_progress(errors, outcomes_of(plan), record.progress)
    _check_amendments(errors, record)
    if record.recommendation not in Decision.values:
        errors.add("recommendation", "Choose what the school recommends: keep, amend or cease.")
    adulthood = "Say how the plan prepares for adulthood (from Year 9)."
    _check_text(errors, "preparing_for_adulthood", record.preparing_for_adulthood,
                "Preparing for adulthood",
                required=adulthood if takes_adulthood(plan.pupil) else "")  # fmt: skip
    _check_text(errors, "agreed", record.agreed, "What was agreed",
                required="Say what was agreed at the meeting.")  # fmt: skip
    for field, what in (
        ("pupil_view", "The pupil's view"),
        ("parent_view", "The parents' view"),
        ("others_views", "The views of others"),
    ):
        _check_text(errors, field, getattr(record, field), what)
    invitees = set(_on_list(review).values_list("pk", flat=True))
    if set(record.attended) - invitees:
        errors.add("attended", "Tick only the people on this review's list.")


RECORD = ["held_on", "pupil_view", "parent_view", "others_views", "preparing_for_adulthood",
          "recommendation", "agreed"]  # fmt: skip
TEXTS = ["pupil_view", "parent_view", "others_views", "preparing_for_adulthood", "agreed"]
LA_DECISION = ["la_decision", "la_decided_on", "amendment_proposed_on", "amended_plan_on"]


def _record_snapshot(review: AnnualReview) -> dict[str, Any]:
    return {
        **_values(review, ["meeting_on", *RECORD]),
        "progress": {str(p.outcome_id): p.progress for p in review.progress.all()},
        "amendments": [f"{a.section}: {a.text}" for a in review.amendments.all()],
    }


def _write_record(review: AnnualReview, record: MeetingRecord, by) -> None:
    review.held_on = record.held_on
    review.meeting_on = record.held_on  # the meeting happened then, whatever it was dated
    review.recommendation = record.recommendation
    for field in TEXTS:
        setattr(review, field, getattr(record, field).strip())
    review.recorded_by = by
    review.status = Status.HELD
    scale = progress_scale()
    review.progress.all().delete()
    OutcomeProgress.objects.bulk_create(
        OutcomeProgress(review=review, outcome_id=p.outcome, progress=p.progress,
                        progress_label=scale[p.progress], evidence=p.evidence.strip())
        for p in record.progress
    )  # fmt: skip
    review.amendments.all().delete()
    RecommendedAmendment.objects.bulk_create(
        RecommendedAmendment(review=review, section=a.section, text=a.text.strip())
        for a in record.amendments
    )
    listed = _on_list(review)
    listed.update(attended=False)
    listed.filter(pk__in=record.attended).update(attended=True)


def record_meeting(
    review: AnnualReview,
    *,
    by,
    record: MeetingRecord,
    expected_version: int,
    today: dt.date | None = None,
) -> AnnualReview:
    """The meeting record, or a correction of it until the report goes to the LA. Held on
    another day than dated, the meeting's date becomes the day it was held (the header, the
    warnings, the documents and the notice given then follow it); the audit entry keeps both.
    The plan's next review is then due 12 months from the day it was held."""
    today = today or access.today()
    errors = Errors()
    _check_record(errors, review, record, today)
    errors.raise_any()
    with transaction.atomic():
        review = _locked(
            review, Status.PLANNED, Status.HELD, "have its record changed", expected_version
        )
        before = (
            _record_snapshot(review)
            if review.held_on
            else {"status": review.status, "meeting_on": review.meeting_on}
        )
        _write_record(review, record, by)
        _saved(review, ["meeting_on", *RECORD, "recorded_by", "status"])
        plan = EHCPlan.objects.select_for_update(of=("self",)).get(pk=review.plan_id)
        plan.last_reviewed_on = record.held_on
        plan.save(update_fields=["last_reviewed_on"])
        _audit(by, "ehcp.review_recorded", review, before, _record_snapshot(review))
    return review


def send_report(
    review: AnnualReview,
    *,
    by,
    sent_on: dt.date,
    expected_version: int,
    today: dt.date | None = None,
) -> AnnualReview:
    """The school's report of the meeting went to the LA and everyone invited on `sent_on`."""
    today = today or access.today()
    errors = Errors()
    _not_future(errors, "sent_on", sent_on, today, "the report")
    held = review.held_on
    if held and sent_on < held:
        errors.add(
            "sent_on",
            f"{_day(sent_on)} is before the meeting, held on {_day(held)}: the report follows it.",
        )
    errors.raise_any()
    with transaction.atomic():
        review = _locked(review, Status.HELD, Status.HELD, "send its report", expected_version)
        return _sent(review, by, "report_sent_on", sent_on, Status.REPORTED, "ehcp.report_sent")


@dataclass(frozen=True)
class LADecision:
    """The LA's decision after the review, and, when it amends, the amendment dates."""

    decision: str
    decided_on: dt.date
    amendment_proposed_on: dt.date | None = None
    amended_plan_on: dt.date | None = None


def _check_decision(
    errors: Errors, review: AnnualReview, decided: LADecision, today: dt.date
) -> None:
    if decided.decision not in Decision.values:
        errors.add("la_decision", "Choose what the LA decided: keep, amend or cease the plan.")
    held = review.held_on or review.meeting_on
    days: list[tuple[str, dt.date | None, str]] = [
        ("la_decided_on", decided.decided_on, "the LA's decision")
    ]
    days += [("amendment_proposed_on", decided.amendment_proposed_on, "the proposal")]
    days += [("amended_plan_on", decided.amended_plan_on, "the amended plan")]
    for field, day, what in days:
        if day is None:
            continue
        _not_future(errors, field, day, today, what)
        if day < held:
            errors.add(field, f"{_day(day)} is before the meeting, held on {_day(held)}.")
    proposed = decided.amendment_proposed_on
    if (proposed or decided.amended_plan_on) and decided.decision != Decision.AMEND:
        errors.add(
            "amendment_proposed_on",
            "Amendment dates go with a decision to amend the plan: clear them, or choose "
            "“Amend the plan”.",
        )
    if decided.amended_plan_on and not proposed:
        errors.add("amendment_proposed_on", "Give the date the amendments were proposed first.")
    if decided.amended_plan_on and proposed and decided.amended_plan_on < proposed:
        errors.add(
            "amended_plan_on",
            f"{_day(decided.amended_plan_on)} is before the amendments were proposed "
            f"({_day(proposed)}).",
        )


def record_la_decision(
    review: AnnualReview,
    *,
    by,
    decided: LADecision,
    expected_version: int,
    today: dt.date | None = None,
) -> AnnualReview:
    """The LA's decision (keep, amend or cease) once the report has gone: the review is done.
    The amendment dates can be added later, as they come."""
    today = today or access.today()
    errors = Errors()
    _check_decision(errors, review, decided, today)
    errors.raise_any()
    with transaction.atomic():
        review = _locked(
            review, Status.REPORTED, Status.DONE, "record the LA's decision", expected_version
        )
        before = _values(review, LA_DECISION)
        review.la_decision = decided.decision
        review.la_decided_on = decided.decided_on
        review.amendment_proposed_on = decided.amendment_proposed_on
        review.amended_plan_on = decided.amended_plan_on
        review.status = Status.DONE
        _saved(review, [*LA_DECISION, "status"])
        _audit(by, "ehcp.la_decision_recorded", review, before, _values(review, LA_DECISION))
    return review
