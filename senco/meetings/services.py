"""Meetings with parents and the contact log: every change in one transaction with its audit
entry, and the few queries the pages need (views reach these records only through here and
through a pupil `access.py` returned).

The Code of Practice (6.65) expects schools to meet the parents of a pupil on SEN support at
least three times a year; `EXPECTED_A_YEAR` and `expected_by_now` measure the pace.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from senco import access
from senco.audit import log
from senco.meetings.models import ContactLogEntry, Meeting, MeetingVersion
from senco.plans.models import Cycle
from senco.pupils import census
from senco.pupils.models import Contact, Pupil, PupilContact, PupilQuerySet
from senco.schools.calendar import (
    academic_year_start,
    parse_term_dates,
    past_compulsory_school_age_if_born_by,
)
from senco.schools.models import School, Term
from senco.validation import Errors

EXPECTED_A_YEAR = 3
UPCOMING_DAYS = 28
# A contact log entry written a moment after the call it records may carry the clock of the
# browser that sent it: a few minutes' drift is not "the future".
CLOCK_SLACK = dt.timedelta(minutes=5)

LIMITS = {
    "purpose": 300,
    "place": 200,
    "invited_staff": 1000,
    "attended": 1000,
    "discussed": 5000,
    "agreed": 3000,
    "parent_views": 3000,
    "reason": 1000,
    "who": 200,
    "summary": 2000,
    "follow_up": 500,
}


def _when(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y at %H:%M}"


def _check_length(errors: Errors, field: str, value: str, what: str) -> None:
    limit = LIMITS[field]
    if len(value) > limit:
        errors.add(
            field, f"{what} is {len(value):,} characters long: shorten it to {limit:,} or fewer."
        )


def _check_required(errors: Errors, field: str, value: str, message: str) -> None:
    if not value.strip():
        errors.add(field, message)


NOBODY_TO_EMAIL = (
    "No invitation was emailed: nobody invited can be emailed. Invite the parents and carers "
    "another way (a letter or a call), and note it in the contact log."
)


# Reading.


def keeps_record_from_parents(pupil: Pupil) -> bool:
    """A young person past compulsory school age who has not agreed to share their record:
    their parents are not invited to meetings about them (the rule of `access._parent_rule`)."""
    past_age = pupil.date_of_birth <= past_compulsory_school_age_if_born_by(access.today())
    return past_age and not pupil.shares_with_parents


def invitable_contacts(user, pupil: Pupil) -> QuerySet:
    """The pupil's contacts with parental responsibility (and no court order against it) that
    the user may see: who a meeting with parents invites. Nobody, for a young person past
    compulsory school age who does not share their record with their parents."""
    if keeps_record_from_parents(pupil):
        return Contact.objects.none()
    links = PupilContact.objects.filter(
        pupil=pupil, parental_responsibility=True, court_order=False
    ).values("contact_id")
    return access.contacts_visible_to(user, pupil).filter(pk__in=links).distinct()


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def invited_as_seen_by(user, meeting: Meeting) -> list[str]:
    """The parents and carers invited, as the user may see them: by name for those whose
    contacts they may see (less any confidential from them); "You" for a parent invited, and
    nothing of the others, not even the other parent's; a count for other staff."""
    pupil = meeting.pupil
    invited = meeting.invited_contacts.all()
    if access.can(user, "pupil.contacts", pupil):
        visible = access.contacts_visible_to(user, pupil).values("pk")
        return [str(c) for c in invited.filter(pk__in=visible)]
    if access.can(user, "plan.parent_view", pupil):
        return ["You"] if invited.filter(user=user).exists() else []
    hidden = Contact.objects.filter(is_confidential=True).exclude(confidential_to=user)
    known = invited.exclude(pk__in=hidden.values("pk")).count()
    return [f"{_plural(known, 'parent or carer', 'parents or carers')} invited"] if known else []


def open_cycles(pupil: Pupil) -> QuerySet:
    """The pupil's plan cycles still open: what a plan review meeting can review."""
    return Cycle.objects.open().filter(plan__pupil=pupil).select_related("plan")


def year_started(day: dt.date) -> dt.datetime:
    """Midnight, school time, on 1 September of the school year `day` falls in."""
    start = dt.date(academic_year_start(day), 9, 1)
    return timezone.make_aware(dt.datetime.combine(start, dt.time.min))


def terms_begun(school: School, day: dt.date) -> int:
    """How many of this school year's terms have begun by `day`: the school's own term dates,
    or the default ones (SENCO_TERM_DATES) where the school has not set them."""
    start_year = academic_year_start(day)
    terms = Term.objects.filter(academic_year__school=school, academic_year__start_year=start_year)
    starts = list(terms.values_list("starts", flat=True))
    if not starts:
        starts = [s for _, s, _ in parse_term_dates(settings.SENCO_TERM_DATES, start_year)]
    return min(EXPECTED_A_YEAR, sum(1 for s in starts if s <= day))


def held_this_year(pupil: Pupil, day: dt.date | None = None) -> int:
    day = day or timezone.localdate()
    return pupil.meetings.held().filter(starts_at__gte=year_started(day)).count()


def with_meeting_counts(pupils: QuerySet, day: dt.date) -> QuerySet:
    """`held` (meetings held this school year) and `next_meeting` (the next scheduled one) on
    each pupil, as subqueries so that lists sort and filter on them."""
    held = (
        Meeting.objects.held()
        .filter(pupil=OuterRef("pk"), starts_at__gte=year_started(day))
        .order_by()
        .values("pupil")
        .annotate(n=Count("pk"))
        .values("n")
    )
    upcoming = (
        Meeting.objects.scheduled()
        .filter(pupil=OuterRef("pk"), starts_at__gte=timezone.now())
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    return pupils.annotate(
        held=Coalesce(Subquery(held, output_field=IntegerField()), Value(0)),
        next_meeting=Subquery(upcoming),
    )


def behind(pupils: PupilQuerySet, day: dt.date, year_group: int | None = None) -> QuerySet:
    """Pupils on the register, on roll, with fewer than three meetings held this school year:
    the fewest first (all are measured against the same terms, so the fewest held are the
    furthest behind the pace)."""
    on_register = pupils.on_roll().filter(sen_provision__in=census.REGISTER_CODES)
    if year_group is not None:
        on_register = on_register.filter(year_group=year_group)
    return (
        with_meeting_counts(on_register, day)
        .filter(held__lt=EXPECTED_A_YEAR)
        .order_by("held", "year_group", "legal_last_name", "legal_first_name", "pk")
    )


def upcoming(pupils: QuerySet, now: dt.datetime | None = None) -> QuerySet:
    """Scheduled meetings of these pupils in the next four weeks, soonest first."""
    now = now or timezone.now()
    return (
        Meeting.objects.scheduled()
        .filter(pupil__in=pupils, starts_at__gte=now)
        .filter(starts_at__lt=now + dt.timedelta(days=UPCOMING_DAYS))
        .select_related("pupil")
        .order_by("starts_at", "pk")
    )


# Meetings.


@dataclass(frozen=True)
class Arrangements:
    """What a meeting is, when, where and who is invited: as scheduled, or as held."""

    kind: str
    starts_at: dt.datetime
    where: str
    purpose: str = ""
    place: str = ""
    cycle: Cycle | None = None
    contacts: Sequence[Contact] = ()
    invited_staff: str = ""


def _check_arrangements(errors: Errors, pupil: Pupil, by, plan: Arrangements) -> None:
    if plan.kind not in Meeting.Kind.values:
        errors.add("kind", "Choose what kind of meeting it is.")
    if plan.where not in Meeting.Where.values:
        errors.add("where", "Choose where or how the meeting takes place.")
    _check_length(errors, "purpose", plan.purpose, "The purpose")
    _check_length(errors, "place", plan.place, "The room or link")
    _check_length(errors, "invited_staff", plan.invited_staff, "The list of staff")
    if plan.cycle is not None and plan.cycle.plan.pupil_id != pupil.pk:
        errors.add("cycle", "Choose a cycle of this pupil's plan.")
    allowed = set(invitable_contacts(by, pupil).values_list("pk", flat=True))
    if any(c.pk not in allowed for c in plan.contacts):
        errors.add(
            "contacts", "Invite only the pupil's parents and carers listed: choose from the list."
        )


def _arrangements(plan: Arrangements) -> dict[str, Any]:
    return {
        "kind": plan.kind,
        "starts_at": plan.starts_at,
        "where": plan.where,
        "purpose": plan.purpose.strip(),
        "place": plan.place.strip(),
        "cycle": plan.cycle,
        "invited_staff": plan.invited_staff.strip(),
    }


def _audit_arrangements(meeting: Meeting) -> dict[str, Any]:
    return {
        "kind": meeting.kind,
        "purpose": meeting.purpose,
        "starts_at": timezone.localtime(meeting.starts_at),
        "where": meeting.where,
        "place": meeting.place,
        "cycle": meeting.cycle_id,
        "contacts": sorted(meeting.invited_contacts.values_list("pk", flat=True)),
        "invited_staff": meeting.invited_staff,
    }


def _refuse_past(errors: Errors, starts_at: dt.datetime, now: dt.datetime) -> None:
    if starts_at <= now:
        errors.add(
            "starts_at",
            f"{_when(starts_at)} is in the past: schedule a meeting for a later time, or use "
            "“Record a meeting already held” for one that has happened.",
        )


def schedule_meeting(pupil: Pupil, *, by, arrangements: Arrangements) -> Meeting:
    """A meeting with the pupil's parents, for a time still to come."""
    errors = Errors()
    _check_arrangements(errors, pupil, by, arrangements)
    _refuse_past(errors, arrangements.starts_at, timezone.now())
    errors.raise_any()
    with transaction.atomic():
        meeting = Meeting.objects.create(
            pupil=pupil, created_by=by, status=Meeting.Status.SCHEDULED,
            **_arrangements(arrangements),
        )  # fmt: skip
        meeting.invited_contacts.set(arrangements.contacts)
        log.change(
            by, "meeting.scheduled", meeting, pupil=pupil, after=_audit_arrangements(meeting)
        )
    return meeting


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("pupil__school", "cycle__plan")
        .get(pk=meeting.pk)
    )


def _refuse_unless_scheduled(meeting: Meeting, doing: str) -> None:
    if meeting.is_cancelled:
        raise ValidationError(
            {NON_FIELD_ERRORS: [f"This meeting was cancelled: it cannot be {doing}."]}
        )
    if meeting.is_held:
        raise ValidationError(
            {NON_FIELD_ERRORS: [f"This meeting has been held: it cannot be {doing}."]}
        )


def reschedule_meeting(meeting: Meeting, *, by, arrangements: Arrangements) -> Meeting:
    """Change the time, place or invitations of a meeting not yet held."""
    errors = Errors()
    _check_arrangements(errors, meeting.pupil, by, arrangements)
    _refuse_past(errors, arrangements.starts_at, timezone.now())
    errors.raise_any()
    with transaction.atomic():
        meeting = _locked(meeting)
        _refuse_unless_scheduled(meeting, "changed")
        before = _audit_arrangements(meeting)
        for name, value in _arrangements(arrangements).items():
            setattr(meeting, name, value)
        meeting.save()
        meeting.invited_contacts.set([*arrangements.contacts, *_hidden_invited(meeting, by)])
        log.change(
            by, "meeting.rescheduled", meeting, pupil=meeting.pupil,
            before=before, after=_audit_arrangements(meeting),
        )  # fmt: skip
    return meeting


def _hidden_invited(meeting: Meeting, by) -> list[Contact]:
    """Contacts invited by someone who may see them and the person changing the meeting may
    not (confidential to the head, say): not on the form, so kept as they were."""
    visible = access.contacts_visible_to(by, meeting.pupil).values("pk")
    return list(meeting.invited_contacts.exclude(pk__in=visible))


@dataclass(frozen=True)
class Record:
    """What happened at a meeting."""

    attended: str
    discussed: str
    agreed: str = ""
    parent_views: str = ""


def _check_record(errors: Errors, record: Record) -> None:
    _check_required(errors, "attended", record.attended, "Say who came to the meeting.")
    _check_required(
        errors, "discussed", record.discussed, "Say what was said: a few lines is enough."
    )
    _check_length(errors, "attended", record.attended, "Who came")
    _check_length(errors, "discussed", record.discussed, "What was said")
    _check_length(errors, "agreed", record.agreed, "What was agreed")
    _check_length(errors, "parent_views", record.parent_views, "The parents' views")


def _refuse_future(errors: Errors, held_at: dt.datetime, now: dt.datetime) -> None:
    if held_at > now:
        errors.add(
            "held_at",
            f"{_when(held_at)} is still to come: record the meeting once it has been held.",
        )


def _snapshot(meeting: Meeting) -> dict[str, Any]:
    return {
        "held_at": timezone.localtime(meeting.starts_at).isoformat(),
        "attended": meeting.attended,
        "discussed": meeting.discussed,
        "agreed": meeting.agreed,
        "parent_views": meeting.parent_views,
    }


def _write_record(meeting: Meeting, record: Record, held_at: dt.datetime, by) -> None:
    meeting.starts_at = held_at
    meeting.attended = record.attended.strip()
    meeting.discussed = record.discussed.strip()
    meeting.agreed = record.agreed.strip()
    meeting.parent_views = record.parent_views.strip()
    meeting.recorded_by = by
    meeting.recorded_at = timezone.now()


def _save_version(meeting: Meeting, by) -> None:
    # Numbered 1, 2, 3... as saved: a scheduled meeting's first record is its version 1 even
    # though `Meeting.version` (what forms are opened on) has already moved past 1.
    MeetingVersion.objects.create(
        meeting=meeting,
        number=meeting.versions.count() + 1,
        snapshot=_snapshot(meeting),
        saved_by=by,
    )


def record_held_meeting(pupil: Pupil, *, by, arrangements: Arrangements, record: Record) -> Meeting:
    """A meeting already held that was never scheduled here: recorded in one step."""
    errors = Errors()
    _check_arrangements(errors, pupil, by, arrangements)
    _refuse_future(errors, arrangements.starts_at, timezone.now())
    _check_record(errors, record)
    errors.raise_any()
    with transaction.atomic():
        meeting = Meeting(pupil=pupil, created_by=by, status=Meeting.Status.HELD)
        for name, value in _arrangements(arrangements).items():
            setattr(meeting, name, value)
        _write_record(meeting, record, arrangements.starts_at, by)
        meeting.save()
        meeting.invited_contacts.set(arrangements.contacts)
        _save_version(meeting, by)
        log.change(by, "meeting.recorded", meeting, pupil=pupil, after=_snapshot(meeting))
    return meeting


def record_meeting(
    meeting: Meeting, *, by, held_at: dt.datetime, record: Record, expected_version: int
) -> Meeting:
    """What happened at a scheduled meeting, or a change to the record of a held one. Every
    state of the record is kept (`MeetingVersion`); a record changed by someone else since the
    form was opened is refused, so nothing is lost silently."""
    errors = Errors()
    _refuse_future(errors, held_at, timezone.now())
    _check_record(errors, record)
    errors.raise_any()
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.is_cancelled:
            raise ValidationError(
                {NON_FIELD_ERRORS: ["This meeting was cancelled: there is nothing to record."]}
            )
        if meeting.version != expected_version:
            raise ValidationError({NON_FIELD_ERRORS: [_changed_since(meeting)]})
        was_held = meeting.is_held
        before = _snapshot(meeting) if was_held else {"status": meeting.status}
        _write_record(meeting, record, held_at, by)
        meeting.status = Meeting.Status.HELD
        # Every save moves the version on, the first record of a scheduled meeting too: a
        # second person who opened the same form is refused rather than silently overwriting.
        meeting.version += 1
        meeting.save()
        _save_version(meeting, by)
        action = "meeting.record_changed" if was_held else "meeting.recorded"
        log.change(
            by, action, meeting, pupil=meeting.pupil, before=before, after=_snapshot(meeting)
        )
    return meeting


def _changed_since(meeting: Meeting) -> str:
    latest = meeting.versions.select_related("saved_by").first()
    who = "Someone else"
    if latest is not None and latest.saved_by is not None:
        who = latest.saved_by.get_full_name() or latest.saved_by.username
    when = f" on {_when(latest.saved_at)}" if latest is not None else ""
    return (
        f"{who} changed this record{when}, after you opened it: read their version below, then "
        "make your change again. What you wrote is still in the form."
    )


def cancel_meeting(meeting: Meeting, *, by, reason: str) -> Meeting:
    errors = Errors()
    _check_required(errors, "reason", reason, "Give the reason the meeting is cancelled.")
    _check_length(errors, "reason", reason, "The reason")
    errors.raise_any()
    with transaction.atomic():
        meeting = _locked(meeting)
        _refuse_unless_scheduled(meeting, "cancelled")
        meeting.status = Meeting.Status.CANCELLED
        meeting.cancelled_reason = reason.strip()
        meeting.cancelled_by = by
        meeting.cancelled_at = timezone.now()
        meeting.save()
        log.change(
            by, "meeting.cancelled", meeting, pupil=meeting.pupil,
            before={"status": Meeting.Status.SCHEDULED},
            after={"status": meeting.status, "reason": meeting.cancelled_reason},
        )  # fmt: skip
    return meeting


@dataclass(frozen=True)
class Invitations:
    """What `send_invitations` did: how many were emailed, and why any invited were not."""

    sent: int
    left_out: list[str]


def _left_out(meeting: Meeting, by, invited: list[Contact], invitable: set[int]) -> list[str]:
    """Why each invited contact no longer invitable is left out: by name where the sender may
    see them, as a number where they may not (their name stays hidden)."""
    if keeps_record_from_parents(meeting.pupil):
        return [
            f"{meeting.pupil.initials} is past compulsory school age and has not agreed to share "
            "their record with their parents: no invitation is sent. Invite the young person "
            "themselves another way."
        ]
    gone = [c for c in invited if c.pk not in invitable]
    visible = set(access.contacts_visible_to(by, meeting.pupil).values_list("pk", flat=True))
    links = {
        link.contact_id: link
        for link in PupilContact.objects.filter(pupil=meeting.pupil, contact__in=gone)
    }
    reasons = [
        f"{contact} was not emailed: {_why_not(links.get(contact.pk))}. Change the meeting to "
        "update who is invited."
        for contact in gone
        if contact.pk in visible
    ]
    hidden = sum(1 for contact in gone if contact.pk not in visible)
    if hidden:
        who = _plural(hidden, "parent or carer", "parents or carers")
        verb = "was" if hidden == 1 else "were"
        reasons.append(
            f"{who} invited by someone else {verb} not emailed: you may not see their details. "
            "Ask whoever invited them to send the invitation."
        )
    return reasons


def _why_not(link: PupilContact | None) -> str:
    if link is None:
        return "they are no longer one of the pupil's contacts"
    if link.court_order:
        return "a court order limits their access to the pupil's record"
    return "they no longer have parental responsibility"


def send_invitations(meeting: Meeting, *, by) -> Invitations:
    """Email the invited parents and carers who have an address and may still be invited (with
    parental responsibility, no court order, a contact the sender may see), once the
    transaction commits. The email leaves the school's server: it carries the pupil's initials,
    the date and time and a link, never a name or a need."""
    with transaction.atomic():
        meeting = _locked(meeting)
        _refuse_unless_scheduled(meeting, "sent out")
        if meeting.starts_at <= timezone.now():
            raise ValidationError(
                {NON_FIELD_ERRORS: ["This meeting's time has passed: record it instead."]}
            )
        invited = list(meeting.invited_contacts.all())
        invitable = set(invitable_contacts(by, meeting.pupil).values_list("pk", flat=True))
        left_out = _left_out(meeting, by, invited, invitable)
        still = [c for c in invited if c.pk in invitable]
        left_out += [
            f"{c} has no email address: invite them another way (a letter or a call), and note "
            "it in the contact log."
            for c in still
            if not c.email
        ]
        addresses = [c.email for c in still if c.email]
        if not addresses:
            raise ValidationError({NON_FIELD_ERRORS: [*left_out, NOBODY_TO_EMAIL]})
        meeting.invitation_sent_at = timezone.now()
        meeting.invitation_sent_by = by
        meeting.invitations_sent = len(addresses)
        meeting.save(update_fields=["invitation_sent_at", "invitation_sent_by", "invitations_sent"])
        log.change(
            by, "meeting.invitations_sent", meeting, pupil=meeting.pupil,
            after={"sent": len(addresses), "left_out": len(invited) - len(addresses)},
        )  # fmt: skip
        subject, body = invitation_email(meeting)
        transaction.on_commit(
            lambda: [send_mail(subject, body, None, [address]) for address in addresses]
        )
    return Invitations(len(addresses), left_out)


def invitation_email(meeting: Meeting) -> tuple[str, str]:
    link = settings.SITE_URL + reverse(
        "pupils:meetings:detail",
        kwargs={"public_id": meeting.pupil.public_id, "meeting_id": meeting.public_id},
    )
    context = {"meeting": meeting, "initials": meeting.pupil.initials, "link": link}
    context["school"] = meeting.pupil.school
    subject = f"An invitation to a meeting about {meeting.pupil.initials}"
    return subject, render_to_string("meetings/email/invitation.txt", context)


# The contact log.


@dataclass(frozen=True)
class Contacted:
    """One call, email, letter or conversation, as written on the quick form."""

    method: str
    happened_at: dt.datetime
    summary: str
    contact: Contact | None = None
    who: str = ""
    follow_up: str = ""
    follow_up_by: dt.date | None = None


def _check_contacted(errors: Errors, pupil: Pupil, by, entry: Contacted) -> None:
    if entry.contact is None and not entry.who.strip():
        errors.add("who", "Say who it was with: choose a contact, or write who (and their role).")
    if entry.contact is not None and not invitable_or_visible(by, pupil, entry.contact):
        errors.add("who", "Choose one of this pupil's contacts, or write who it was with.")
    if entry.method not in ContactLogEntry.Method.values:
        errors.add("method", "Choose how: phone, email, in person, letter, video call or text.")
    if entry.happened_at > timezone.now() + CLOCK_SLACK:
        errors.add(
            "happened_at",
            f"{_when(entry.happened_at)} is in the future: give the time it happened.",
        )
    _check_required(errors, "summary", entry.summary, "Say briefly what was said.")
    _check_length(errors, "who", entry.who, "Who")
    _check_length(errors, "summary", entry.summary, "What was said")
    _check_length(errors, "follow_up", entry.follow_up, "The follow-up")
    if entry.follow_up_by and not entry.follow_up.strip():
        errors.add("follow_up", "Say what the follow-up is, or leave its date empty.")
    if entry.follow_up_by and entry.follow_up_by < timezone.localtime(entry.happened_at).date():
        errors.add(
            "follow_up_by",
            f"{entry.follow_up_by:%d/%m/%Y} is before the contact itself: give a later date.",
        )


def invitable_or_visible(user, pupil: Pupil, contact: Contact) -> bool:
    return access.contacts_visible_to(user, pupil).filter(pk=contact.pk).exists()


def add_contact(
    pupil: Pupil, *, by, entry: Contacted, corrects: ContactLogEntry | None = None
) -> ContactLogEntry:
    """A new entry in the pupil's contact log; with `corrects`, a correction of an earlier one
    (which stays as it was written)."""
    errors = Errors()
    _check_contacted(errors, pupil, by, entry)
    if corrects is not None and corrects.pupil_id != pupil.pk:
        errors.add(NON_FIELD_ERRORS, "Correct an entry of this pupil's log.")
    errors.raise_any()
    who = entry.who.strip() or str(entry.contact)
    with transaction.atomic():
        logged = ContactLogEntry.objects.create(
            pupil=pupil, contact=entry.contact, who=who, method=entry.method,
            happened_at=entry.happened_at, summary=entry.summary.strip(),
            follow_up=entry.follow_up.strip(), follow_up_by=entry.follow_up_by,
            corrects=corrects, written_by=by,
        )  # fmt: skip
        action = "contact_log.corrected" if corrects else "contact_log.added"
        after = {
            "method": logged.method,
            "happened_at": timezone.localtime(logged.happened_at),
            # A contact by id: their name would show to audit readers they are hidden from.
            "who": entry.who.strip() if entry.contact is None else "",
            "contact": entry.contact.pk if entry.contact else None,
            "summary": logged.summary,
            "follow_up": logged.follow_up,
            "follow_up_by": logged.follow_up_by,
            "corrects": corrects.pk if corrects else None,
        }
        log.change(by, action, logged, pupil=pupil, after=after)
    return logged


def mark_follow_up_done(entry: ContactLogEntry, *, by) -> ContactLogEntry:
    with transaction.atomic():
        entry = ContactLogEntry.objects.select_for_update().get(pk=entry.pk)
        if not entry.follow_up:
            raise ValidationError({NON_FIELD_ERRORS: ["This entry has no follow-up."]})
        if entry.follow_up_done_at is not None:
            return entry
        entry.follow_up_done_at = timezone.now()
        entry.follow_up_done_by = by
        entry.save(update_fields=["follow_up_done_at", "follow_up_done_by"])
        log.change(
            by, "contact_log.follow_up_done", entry, pupil=entry.pupil,
            before={"done": False}, after={"done": True},
        )  # fmt: skip
    return entry


HIDDEN_CONTACT = "a contact"


def show_who(user, pupil: Pupil, entries: Iterable[ContactLogEntry]) -> None:
    """Set `who_shown` on each entry: the name as written, unless the entry is with a contact
    the user may not see (confidential from them, or no `pupil.contacts`), then "a contact"."""
    visible = set(access.contacts_visible_to(user, pupil).values_list("pk", flat=True))
    for entry in entries:
        shown = entry.contact_id is None or entry.contact_id in visible
        entry.who_shown = entry.who if shown else HIDDEN_CONTACT


def log_visible_to(user, pupil: Pupil) -> QuerySet:
    """The pupil's contact log as the user may read it: all of it with `contact_log.read`, the
    entries they wrote themselves with `contact_log.add` only, nothing otherwise."""
    entries = pupil.contact_log.select_related("written_by", "corrects")
    if access.can(user, "contact_log.read", pupil):
        return entries.all()
    if access.can(user, "contact_log.add", pupil):
        return entries.filter(written_by=user)
    return entries.none()


# The chronology.


@dataclass(frozen=True)
class Event:
    """One line of a pupil's chronology."""

    at: dt.datetime
    kind: str
    title: str
    text: str = ""
    entry: ContactLogEntry | None = None
    meeting: Meeting | None = None


def _midday(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def chronology(user, pupil: Pupil, entries: Iterable[ContactLogEntry]) -> list[Event]:
    """Everything dated that the user may read about the pupil, newest first: the contact log,
    meetings, plan cycles begun and reviewed, concerns and changes of SEN status. One query per
    kind, however long the pupil's history."""
    events = contact_events(user, pupil, entries)
    if access.can(user, "meeting.read", pupil):
        events += _meeting_events(pupil)
    if access.can(user, "plan.read", pupil):
        events += _cycle_events(pupil)
    if access.can(user, "register.view_history", pupil):
        events += [
            Event(_midday(s.starts), "SEN status", f"SEN status: {s.label}")
            for s in pupil.sen_statuses.all()
        ]
    if access.can(user, "concern.triage", pupil):
        events += _concern_events(user, pupil)
    return sorted(events, key=lambda e: e.at, reverse=True)


def contact_events(user, pupil: Pupil, entries: Iterable[ContactLogEntry]) -> list[Event]:
    entries = list(entries)
    show_who(user, pupil, entries)
    return [
        Event(e.happened_at, "Contact", f"{e.get_method_display()}: {e.who_shown}", e.summary,
              entry=e)
        for e in entries
    ]  # fmt: skip


def _meeting_events(pupil: Pupil) -> list[Event]:
    meetings = pupil.meetings.select_related("pupil")
    return [
        Event(m.starts_at, "Meeting", f"{m.get_kind_display()}: {m.get_status_display()}",
              m.discussed or m.cancelled_reason or m.purpose, meeting=m)
        for m in meetings
    ]  # fmt: skip


def _cycle_events(pupil: Pupil) -> list[Event]:
    events = []
    for cycle in Cycle.objects.filter(plan__pupil=pupil).select_related("plan"):
        events.append(Event(_midday(cycle.starts), "Plan", f"Plan cycle {cycle.number} began"))
        if cycle.reviewed_on:
            events.append(
                # A minute before the next cycle begins on the same day, so newest-first
                # reads "began" above "reviewed".
                Event(
                    _midday(cycle.reviewed_on) - dt.timedelta(minutes=1), "Plan",
                    f"Plan cycle {cycle.number} reviewed: {cycle.get_decision_display()}",
                )
            )  # fmt: skip
    return events


def _concern_events(user, pupil: Pupil) -> list[Event]:
    concerns = access.concerns_visible_to(user, pupil.school).filter(pupil=pupil)
    return [Event(c.raised_at, "Concern", "Concern raised", c.seen) for c in concerns]
