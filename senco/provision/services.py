"""Every change to provision: the library, the standard hourly rates, intervention groups, their
sessions and attendance, and pupils' entry and exit results. One transaction each, then the
audit entries; a refusal says what is wrong and where, and changes nothing."""

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from senco.assessment.models import Result
from senco.audit import log
from senco.provision.models import (
    Attendance,
    DeliveryRole,
    Group,
    Member,
    Provision,
    Session,
    StaffRate,
)
from senco.pupils.models import Pupil
from senco.schools.models import School, Staff
from senco.validation import Errors

MONEY_FIELDS = ("materials_cost", "licence_cost", "training_cost")
LIBRARY_FIELDS = (
    "name", "description", "area", "wave", "delivery", "staff_role", "session_minutes",
    "sessions_per_week", "weeks", "group_size", "materials_cost", "licence_cost",
    "training_cost", "evidence", "eef_rating", "entry_assessment", "exit_assessment",
    "is_active",
)  # fmt: skip


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}


# The library.


def save_provision(
    school: School, *, by, provision: Provision | None = None, **fields
) -> Provision:
    """Add a provision to the school's library, or change one (`provision` given)."""
    errors = Errors()
    for name in MONEY_FIELDS:
        if fields.get(name) is not None and fields[name] < 0:
            errors.add(name, "A cost cannot be negative: give 0 when there is none.")
    for name in ("entry_assessment", "exit_assessment"):
        chosen = fields.get(name)
        if chosen is not None and chosen.school_id != school.pk:
            errors.add(name, "Choose one of this school's assessments.")
    if fields.get("staff_role") not in DeliveryRole.values:
        errors.add("staff_role", "Choose who delivers it.")
    name = (fields.get("name") or "").strip()
    if not name:
        errors.add("name", "Give the provision a name.")
    errors.raise_any()
    with transaction.atomic():
        clash = Provision.objects.filter(school=school, name__iexact=name)
        if provision is not None:
            clash = clash.exclude(pk=provision.pk)
        if clash.exists():
            raise ValidationError(
                {"name": [f"The library already has “{name}”: choose another name."]}
            )
        before = {} if provision is None else _library_values(provision)
        provision = provision or Provision(school=school)
        for key in LIBRARY_FIELDS:
            if key in fields:
                setattr(provision, key, fields[key])
        provision.name = name
        provision.full_clean()
        provision.save()
        after = _library_values(provision)
        log.change(
            by,
            "provision.saved",
            provision,
            before={k: v for k, v in before.items() if after.get(k) != v},
            after={k: v for k, v in after.items() if before.get(k) != v},
        )
    return provision


def _library_values(provision: Provision) -> dict[str, Any]:
    values = {k: getattr(provision, k) for k in LIBRARY_FIELDS}
    values["entry_assessment"] = str(provision.entry_assessment or "")
    values["exit_assessment"] = str(provision.exit_assessment or "")
    return _plain(values)


# Standard hourly rates.


def set_rate(school: School, *, by, role: str, hourly_cost: Decimal) -> StaffRate:
    """The school's standard hourly cost of a role (salary and on-costs)."""
    if role not in DeliveryRole.values:
        raise ValidationError({"role": ["Choose one of the roles listed."]})
    if hourly_cost < 0:
        raise ValidationError({"hourly_cost": ["An hourly cost cannot be negative."]})
    if hourly_cost > Decimal(1000):
        raise ValidationError(
            {"hourly_cost": ["Give the cost of one hour (salary and on-costs), under £1,000."]}
        )
    with transaction.atomic():
        rate = StaffRate.objects.select_for_update().filter(school=school, role=role).first()
        before = {"hourly_cost": str(rate.hourly_cost)} if rate else {}
        rate = rate or StaffRate(school=school, role=role)
        rate.hourly_cost = hourly_cost
        rate.changed_by = by
        rate.changed_at = timezone.now()
        rate.save()
        log.change(
            by, "provision.rate_set", rate, before=before, after={"hourly_cost": str(hourly_cost)}
        )
    return rate


# Groups.


def _check_pupils(errors: Errors, school: School, pupils: Iterable[Pupil]) -> None:
    for pupil in pupils:
        if pupil.school_id != school.pk:
            errors.add(
                "pupils",
                f"{pupil.full_name} is at another school: a group takes only this school's pupils.",
            )


# A group runs for a school year at most, and starts within two years back or one ahead: its
# staff see its pupils while it runs, so a mistyped year must not open a record for good.
LONGEST_GROUP = dt.timedelta(weeks=53)
EARLIEST_START = dt.timedelta(days=2 * 366)
LATEST_START = dt.timedelta(days=366)


def _check_dates(errors: Errors, starts: dt.date, ends: dt.date) -> None:
    today = timezone.localdate()
    if ends < starts:
        errors.add(
            "ends", f"The group ends ({ends:%d/%m/%Y}) before it starts ({starts:%d/%m/%Y})."
        )
    elif ends - starts > LONGEST_GROUP:
        errors.add("ends", "A group runs for a year at most: start another group after it.")
    if not today - EARLIEST_START <= starts <= today + LATEST_START:
        errors.add(
            "starts",
            f"{starts:%d/%m/%Y} is too far from today: give a start within the last two years "
            "or the next one.",
        )


def start_group(
    provision: Provision,
    *,
    by,
    name: str,
    staff: Collection[Staff],
    pupils: Collection[Pupil],
    starts: dt.date,
    ends: dt.date,
    timetable: str = "",
    funding: str = "notional",
) -> Group:
    """An intervention group of a provision, run by named staff for named pupils."""
    school = provision.school
    errors = Errors()
    if not name.strip():
        errors.add("name", "Give the group a name, such as “Year 3 phonics, Tuesday”.")
    if not staff:
        errors.add("staff", "Name who runs the group.")
    if any(s.school_id != school.pk for s in staff):
        errors.add("staff", "Choose staff of this school.")
    if not pupils:
        errors.add("pupils", "Choose the pupils in the group.")
    _check_pupils(errors, school, pupils)
    _check_dates(errors, starts, ends)
    errors.raise_any()
    with transaction.atomic():
        group = Group.objects.create(
            school=school,
            provision=provision,
            name=name.strip(),
            timetable=timetable.strip(),
            starts=starts,
            ends=ends,
            funding=funding,
            created_by=by,
        )
        group.staff.set(staff)
        Member.objects.bulk_create(Member(group=group, pupil=p, joined=starts) for p in pupils)
        log.change(
            by,
            "provision.group_started",
            group,
            after={
                "provision": provision.name,
                "staff": sorted(str(s) for s in staff),
                "starts": starts,
                "ends": ends,
                "pupils": len(pupils),
            },
        )
        log.changes(
            by,
            [(group, "provision.member_added", p, {}, {"joined": starts}) for p in pupils],
        )
    return group


def add_member(group: Group, pupil: Pupil, *, by, joined: dt.date) -> Member:
    errors = Errors()
    _check_pupils(errors, group.school, [pupil])
    if not group.starts <= joined <= group.ends:
        errors.add(
            "joined",
            f"{joined:%d/%m/%Y} is outside the group ({group.starts:%d/%m/%Y} to "
            f"{group.ends:%d/%m/%Y}).",
        )
    errors.raise_any()
    with transaction.atomic():
        if group.members.filter(pupil=pupil).exists():
            raise ValidationError({"pupil": [f"{pupil.full_name} is in this group already."]})
        member = Member.objects.create(group=group, pupil=pupil, joined=joined)
        log.change(by, "provision.member_added", group, pupil=pupil, after={"joined": joined})
    return member


# Sessions.


def record_session(
    group: Group,
    *,
    by,
    held_on: dt.date,
    delivered: bool,
    minutes: int,
    present: Collection[int] = (),
    notes: str = "",
    cancelled_because: str = "",
    marked: Collection[int] | None = None,
) -> Session:
    """One session: delivered (with each member's attendance: `present` holds the ids of the
    pupils who came) or cancelled with the reason. One a day a group.

    `marked` holds the ids of the pupils whose attendance the recorder was shown (None: every
    member): a pupil they could not see is left unmarked for the SENCO, never marked absent."""
    errors = Errors()
    today = timezone.localdate()
    if not group.starts <= held_on <= group.ends:
        errors.add(
            "held_on",
            f"{held_on:%d/%m/%Y} is outside the group ({group.starts:%d/%m/%Y} to "
            f"{group.ends:%d/%m/%Y}): give a date the group ran.",
        )
    elif held_on > today:
        errors.add("held_on", f"{held_on:%d/%m/%Y} is in the future: record a session once held.")
    if not 1 <= minutes <= 480:
        errors.add("minutes", "Give the session's length in minutes, from 1 to 480.")
    if not delivered and not cancelled_because.strip():
        errors.add("cancelled_because", "Say why the session was cancelled.")
    if len(notes) > 3000:
        errors.add("notes", f"Keep the notes to 3000 characters (they have {len(notes)}).")
    if len(cancelled_because) > 300:
        errors.add("cancelled_because", "Keep the reason to 300 characters.")
    errors.raise_any()
    with transaction.atomic():
        group = Group.objects.select_for_update().get(pk=group.pk)
        if group.sessions.filter(held_on=held_on).exists():
            raise ValidationError(
                {"held_on": [f"A session on {held_on:%d/%m/%Y} is recorded already."]}
            )
        members = list(members_on(group, held_on).select_related("pupil"))
        if marked is not None:
            members = [m for m in members if m.pupil_id in marked]
        strangers = set(present) - {m.pupil_id for m in members}
        if strangers:
            raise ValidationError(
                {"present": ["Mark only pupils who were in the group on that day."]}
            )
        session = Session.objects.create(
            group=group,
            held_on=held_on,
            status=Session.Status.DELIVERED if delivered else Session.Status.CANCELLED,
            minutes=minutes,
            notes=notes.strip(),
            cancelled_because="" if delivered else cancelled_because.strip(),
            recorded_by=by,
        )
        if delivered:
            Attendance.objects.bulk_create(
                Attendance(session=session, pupil=m.pupil, present=m.pupil_id in present)
                for m in members
            )
        log.change(
            by,
            "provision.session_recorded",
            session,
            after={
                "group": group.name,
                "held_on": held_on,
                "status": session.status,
                "present": len(set(present)) if delivered else 0,
                "of": len(members),
            },
        )
        if delivered:
            log.changes(
                by,
                [
                    (session, "provision.attendance_marked", m.pupil, {}, {
                        "held_on": held_on, "present": m.pupil_id in present,
                    })
                    for m in members
                ],
            )  # fmt: skip
    return session


def members_on(group: Group, day: dt.date):
    """The places in the group on a day: joined by then, not left before it."""
    return group.members.filter(joined__lte=day).exclude(left__lt=day)


# Entry and exit results.


def record_results(member: Member, *, by, entry: Result | None, exit: Result | None) -> Member:
    """Link a pupil's results (recorded in the assessment module) as their entry and exit
    measures: the pupil's own, of the assessment the provision names, the exit after the
    entry."""
    provision = member.group.provision
    errors = Errors()
    for name, result, expected in (
        ("entry_result", entry, provision.entry_assessment),
        ("exit_result", exit, provision.exit_assessment),
    ):
        if result is None:
            continue
        if result.pupil_id != member.pupil_id:
            errors.add(name, "Choose one of this pupil's own results.")
        elif expected is not None and result.assessment_type_id != expected.pk:
            errors.add(name, f"This provision measures with {expected}: choose a result of it.")
    if entry is not None and exit is not None and exit.taken_on <= entry.taken_on:
        errors.add(
            "exit_result",
            f"The exit result ({exit.taken_on:%d/%m/%Y}) is not after the entry result "
            f"({entry.taken_on:%d/%m/%Y}): choose a later one.",
        )
    errors.raise_any()
    with transaction.atomic():
        before = {"entry": str(member.entry_result or ""), "exit": str(member.exit_result or "")}
        member.entry_result = entry
        member.exit_result = exit
        member.save(update_fields=["entry_result", "exit_result"])
        log.change(
            by,
            "provision.results_recorded",
            member.group,
            pupil=member.pupil,
            before=before,
            after={"entry": str(entry or ""), "exit": str(exit or "")},
        )
    return member
