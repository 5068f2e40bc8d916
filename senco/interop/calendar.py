"""A private calendar feed per person and school (docs/calendar.md): its address, and the dates
it holds, worked out at every read through access.py.

A feed holds, from 30 days ago to a year ahead, the reviews of the SEN support plans the person
follows, the meetings with parents they may read, and, for those who follow the EHC caseload,
its deadlines (`senco.ehcp.caseload`). So a role that ends, or a pupil made confidential, drops
out at the calendar's next refresh. Each date becomes an event through
`senco.ehcp.caseload.events_for`: the child's initials and what is due, with a link to the
page; never a name, a need, a contact or a local authority (DESIGN.md).

The address carries a random token (32 bytes); only its SHA-256 hash is kept, so the address is
shown once, when it is made, and cannot be read back from the database or a backup.
"""

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import icalendar
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from senco import access
from senco.audit import log
from senco.ehcp import caseload, deadlines
from senco.ids import secret_digest
from senco.interop.models import CalendarFeed
from senco.meetings.models import Meeting
from senco.plans import queries as plan_queries
from senco.pupils.models import Pupil
from senco.schools.models import School

TOKEN_BYTES = 32
DAYS_BEFORE = 30
DAYS_AHEAD = 365
# A meeting has a start but no end: an hour is what the calendar shows.
MEETING_LENGTH = dt.timedelta(hours=1)
# Calendar applications poll every few minutes to every few hours: the read time is noted at
# most once an hour, so polling does not write a row each time.
READ_NOTED_EVERY = dt.timedelta(hours=1)
REFRESH = "PT4H"  # how often a calendar application is asked to fetch the feed again
PLAN_REVIEW = "plan_review"
MEETING = "meeting"
MEETING_LABELS = {Meeting.Kind.PLAN_REVIEW: "Plan review meeting with parents"}


# The address.


def feed_in_force(user, school: School) -> CalendarFeed | None:
    """The person's feed in the school that has not been stopped, if any."""
    return CalendarFeed.objects.filter(user=user, school=school, revoked_at__isnull=True).first()


def make_feed(user, school: School) -> tuple[CalendarFeed, str]:
    """A new feed for the person in the school, stopping the one in force: the feed and its
    token, which is known only now (the caller shows the address once)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        # Two clicks at once make one feed, not a clash on "one in force".
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        stop_feed(user, school)
        digest = secret_digest(token)
        feed = CalendarFeed.objects.create(user=user, school=school, token_hash=digest)
        log.change(user, "calendar.feed_created", feed, after={"created_at": feed.created_at})
    return feed, token


def feeds_in_force(user) -> list[CalendarFeed]:
    """The person's feeds not stopped, in every school."""
    return list(CalendarFeed.objects.filter(user=user, revoked_at__isnull=True))


def stop_feed(user, school: School) -> CalendarFeed | None:
    """Stop the person's feed in the school: its address answers "not found" from now on.
    The feed stopped, or None when there was none."""
    with transaction.atomic():
        feed = (
            CalendarFeed.objects.select_for_update()
            .filter(user=user, school=school, revoked_at__isnull=True)
            .first()
        )
        if feed is None:
            return None
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        log.change(
            user,
            "calendar.feed_revoked",
            feed,
            before={"revoked_at": None},
            after={"revoked_at": feed.revoked_at},
        )
    return feed


def feed_for(token: str) -> CalendarFeed | None:
    """The feed whose address carries this token, stopped or not; None for an unknown one."""
    found = CalendarFeed.objects.select_related("user", "school")
    return found.filter(token_hash=secret_digest(token)).first()


def refusal(feed: CalendarFeed | None) -> str:
    """Why the feed may not be read now (for the audit log), or "" when it may."""
    if feed is None:
        return "Unknown calendar feed address"
    if feed.revoked_at is not None:
        return f"Calendar feed stopped on {timezone.localtime(feed.revoked_at):%d/%m/%Y %H:%M}"
    if not feed.user.is_active:
        return "Calendar feed of an account that is switched off"
    if not access.can(feed.user, "calendar.feed", feed.school):
        return "Calendar feed of a person without a staff role in the school"
    return ""


def note_read(feed: CalendarFeed) -> None:
    """Note when the feed was read, at most once an hour."""
    now = timezone.now()
    if feed.last_read_at is None or now - feed.last_read_at >= READ_NOTED_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=now)
        feed.last_read_at = now


# The dates.


@dataclass(frozen=True)
class Dated:
    """One date of the feed: an all-day item, or a meeting at its time."""

    item: caseload.Item
    starts_at: dt.datetime | None = None


def window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day a feed holds."""
    return today - dt.timedelta(days=DAYS_BEFORE), today + dt.timedelta(days=DAYS_AHEAD)


def _item(
    kind: str, label: str, due: dt.date, today: dt.date, pupil: Pupil, url: str
) -> caseload.Item:
    status = deadlines.status(due, today, caseload.SOON_DAYS)
    days = deadlines.days_until(due, today)
    return caseload.Item(kind, label, due, status, days, pupil.initials, url, "", pupil)


def plan_reviews(user, school: School, today: dt.date) -> list[Dated]:
    """The reviews of the open SEN support plans the person follows (`plan.reviews_due`)."""
    first, last = window(today)
    cycles = plan_queries.reviews_due(user, school, every_open=True)
    found = []
    for cycle in cycles.filter(review_on__range=(first, last)):
        pupil = cycle.plan.pupil
        url = reverse("pupils:plans:detail", kwargs={"public_id": pupil.public_id})
        label = "Plan review due"
        found.append(Dated(_item(PLAN_REVIEW, label, cycle.review_on, today, pupil, url)))
    return found


def meetings(user, school: School, today: dt.date) -> list[Dated]:
    """The meetings with parents, arranged or held, of the pupils whose meetings the person
    may read (`meeting.read`); a cancelled meeting drops out."""
    if not access.can(user, "meeting.read", school):
        return []
    first, last = window(today)
    zone = timezone.get_current_timezone()
    pupils = access.pupils_visible_to(user, school, action="meeting.read")
    found = (
        Meeting.objects.exclude(status=Meeting.Status.CANCELLED)
        .filter(pupil__in=pupils)
        .filter(starts_at__gte=dt.datetime.combine(first, dt.time(), zone))
        .filter(starts_at__lt=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone))
        .select_related("pupil")
        .order_by("starts_at", "pk")
    )
    dated = []
    for meeting in found:
        pupil = meeting.pupil
        url = reverse(
            "pupils:meetings:detail",
            kwargs={"public_id": pupil.public_id, "meeting_id": meeting.public_id},
        )
        label = MEETING_LABELS.get(meeting.kind, "Meeting with parents")
        day = timezone.localdate(meeting.starts_at)
        dated.append(Dated(_item(MEETING, label, day, today, pupil, url), meeting.starts_at))
    return dated


def ehc_deadlines(user, school: School, today: dt.date) -> list[Dated]:
    """The EHC caseload's deadlines in the window, for those who follow it (`ehcp.caseload`)."""
    if not access.can(user, "ehcp.caseload", school):
        return []
    first, last = window(today)
    items = caseload.deadlines_for(user, school, today)
    return [Dated(item) for item in items if first <= item.due <= last]


def dates_for(user, school: School, today: dt.date) -> list[Dated]:
    """Every date of the person's feed in the school, soonest first."""
    found = plan_reviews(user, school, today) + meetings(user, school, today)
    found += ehc_deadlines(user, school, today)
    return sorted(found, key=lambda d: (d.item.due, d.item.initials, d.item.label, d.item.url))


def pupils_in(dates: Iterable[Dated]) -> list[Pupil]:
    """The pupils the dates concern, once each (an LA consultation may have none yet)."""
    found: dict[int, Pupil] = {}
    for dated in dates:
        if dated.item.pupil is not None:
            found.setdefault(dated.item.pupil.pk, dated.item.pupil)
    return list(found.values())


def _at_its_time(event: icalendar.Event, starts_at: dt.datetime) -> None:
    """Turn an all-day event into one at the meeting's time, shown as busy."""
    for name in ("dtstart", "dtend", "transp"):
        del event[name]
    event.add("dtstart", starts_at)
    event.add("dtend", starts_at + MEETING_LENGTH)
    event.add("transp", "OPAQUE")


def ics(dates: list[Dated], site: str, school: School) -> bytes:
    """The feed as an iCalendar file: `caseload.events_for`'s events, a meeting at its time."""
    events = caseload.events_for([d.item for d in dates], site)
    for dated, event in zip(dates, events, strict=True):
        if dated.starts_at is not None:
            _at_its_time(event, dated.starts_at)
    return caseload.calendar(events, name=f"OpenSENCO: {school.name}", refresh=REFRESH)


def read(feed: CalendarFeed, site: str) -> bytes:
    """The feed as it stands now, with its read noted and written to the audit log as one entry
    naming its pupils (as a list page is)."""
    dates = dates_for(feed.user, feed.school, access.today())
    body = ics(dates, site, feed.school)
    note_read(feed)
    log.read_list(feed.user, "calendar.feed_read", feed.school, pupils_in(dates))
    return body
