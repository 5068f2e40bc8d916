"""Records the meetings and contact log tests ask for, straight into the database (the
services are tested on their own)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from senco.accounts.models import User
from senco.meetings.models import ContactLogEntry, Meeting, MeetingVersion
from senco.pupils.models import Pupil


def url(name: str, pupil: Pupil, **kwargs) -> str:
    return reverse(f"pupils:meetings:{name}", kwargs={"public_id": pupil.public_id, **kwargs})


def meeting_url(name: str, meeting: Meeting) -> str:
    return url(name, meeting.pupil, meeting_id=meeting.public_id)


def at(days: int, hour: int = 15, minute: int = 30) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def scheduled(pupil: Pupil, days: int = 7, **fields) -> Meeting:
    values = {"kind": Meeting.Kind.PARENTS, "where": Meeting.Where.IN_SCHOOL}
    values.update(fields)
    return Meeting.objects.create(pupil=pupil, starts_at=at(days), **values)


def held(pupil: Pupil, days: int = -3, by: str = "senco", **fields) -> Meeting:
    values = {
        "kind": Meeting.Kind.PARENTS,
        "where": Meeting.Where.IN_SCHOOL,
        "status": Meeting.Status.HELD,
        "attended": "Mum\nSENCO",
        "discussed": "Reading is coming on.",
        "agreed": "Mum: read each evening",
        "recorded_by": User.objects.get(username=by),
        "recorded_at": timezone.now(),
    }
    values.update(fields)
    values.setdefault("starts_at", at(days))
    meeting = Meeting.objects.create(pupil=pupil, **values)
    MeetingVersion.objects.create(meeting=meeting, number=1, snapshot={"discussed": "x"})
    return meeting


def entry(pupil: Pupil, by: str = "senco", **fields) -> ContactLogEntry:
    values = {
        "who": "Speech and language therapist, NHS",
        "method": ContactLogEntry.Method.PHONE,
        "summary": "Talked about the report.",
        "written_by": User.objects.get(username=by),
    }
    values.update(fields)
    return ContactLogEntry.objects.create(pupil=pupil, **values)


def arrangements(**changes) -> dict:
    """A valid schedule form, a week from today."""
    day = timezone.localdate() + dt.timedelta(days=7)
    data = {
        "kind": "parents",
        "purpose": "Talk about the spring term",
        "day": day.isoformat(),
        "time": "15:30",
        "where": "in_school",
        "place": "SENCO's office",
        "invited_staff": "Ms Class Teacher, Year 4",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def record(**changes) -> dict:
    data = {
        "day": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "time": "09:00",
        "attended": "Mum\nSENCO",
        "discussed": "Reading is better; writing still hard.",
        "agreed": "Mum: read each evening\nSENCO: ask for an EP visit, by half term",
        "parent_views": "Pleased.",
        "version": "1",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def contact(**changes) -> dict:
    now = timezone.localtime()
    data = {
        "who": "Educational psychologist, local authority",
        "method": "phone",
        "day": now.date().isoformat(),
        "time": now.strftime("%H:%M"),
        "summary": "Agreed a date for the observation.",
        "follow_up": "",
        "follow_up_by": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}
