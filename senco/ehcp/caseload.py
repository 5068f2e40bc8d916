"""The EHC caseload: every deadline of the plans, requests and LA consultations a user follows,
worked out in Python from a fixed number of queries, however many plans there are.

`deadlines_for(user, school, today)` gives every deadline as an `Item`, overdue first;
`next_per_pupil` keeps each child's most pressing one (the caseload page: one line a child);
`calendar_events` turns the items into all-day iCalendar events. The page, `senco remind` and
the calendar feeds all read their deadlines here, and the rules in `senco.ehcp.deadlines`.

Emails and calendars leave the school's server (DESIGN.md): an `Item` carries the child's
initials and a fixed label for them (never a name or a need), and its `pupil` only for the
pages, which show the name to those allowed to see it.
"""

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import icalendar
from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from senco import access
from senco.ehcp import deadlines
from senco.ehcp.models import AnnualReview, EHCPlan, LAConsultation, NeedsAssessmentRequest
from senco.ehcp.services import consultations, requests, reviews
from senco.pupils.models import Pupil
from senco.schools.models import School

# What a deadline is about: the caseload's "what" filter.
REVIEW = "review"
REQUEST = "request"
CONSULTATION = "consultation"
TRANSFER = "transfer"
KINDS = {
    REVIEW: "Annual reviews and amendments",
    REQUEST: "Needs assessment requests",
    CONSULTATION: "LA consultations",
    TRANSFER: "Phase transfers",
}
# A date when the LA should consider reviewing an under-five's plan: a prompt, never overdue.
PROMPT = "prompt"
STATUSES = {
    deadlines.OVERDUE: "Overdue",
    deadlines.DUE_SOON: "Due within 14 days",
    deadlines.LATER: "Later",
    PROMPT: "Prompt, not a deadline",
}
SOON_DAYS = 14


@dataclass(frozen=True)
class Item:
    """One deadline: what is due, by when, for which child (initials always; the pupil when
    the child is a pupil here), and the page to act on it (a path)."""

    kind: str
    label: str
    due: dt.date
    status: str
    days: int
    initials: str
    url: str
    la: str
    pupil: Pupil | None = field(default=None, compare=False)

    @property
    def is_overdue(self) -> bool:
        return self.status == deadlines.OVERDUE

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    @property
    def days_overdue(self) -> int:
        return -self.days


def sort_key(item: Item) -> tuple:
    """Overdue first, then by date."""
    return (not item.is_overdue, item.due, item.initials, item.label, item.url)


def _item(kind: str, label: str, due: dt.date, today: dt.date, **where) -> Item:
    """An item with its status on `today`; a prompt is never overdue."""
    due = dt.date(due.year, due.month, due.day)  # a plain date, whatever the rule returned
    status = where.pop("status", None) or deadlines.status(due, today, SOON_DAYS)
    return Item(kind, label, due, status, deadlines.days_until(due, today), **where)


def _paths(name: str, *keys: str) -> Callable[..., str]:
    """The named page's path for the given ids (in the order of `keys`), reversed once rather
    than once a row."""
    markers = [str(uuid.UUID(int=n)) for n in range(1, len(keys) + 1)]
    template = reverse(name, kwargs=dict(zip(keys, markers, strict=True)))

    def path(*ids: object) -> str:
        found = template
        for marker, value in zip(markers, ids, strict=True):
            found = found.replace(marker, str(value))
        return found

    return path


# A plan's deadlines.


class Paths:
    """The pages the items link to, each reversed once for the whole caseload."""

    def __init__(self) -> None:
        self.plan = _paths("pupils:ehcp:plan", "public_id")
        self.review = _paths("pupils:ehcp:review", "public_id", "review_id")
        self.request = _paths("pupils:ehcp:request", "public_id", "request_id")
        self.review_new = _paths("pupils:ehcp:review_new", "public_id", "plan_id")


def transfer_deadline(plan: EHCPlan, held: Iterable[AnnualReview]) -> dt.date | None:
    """The phase transfer deadline (15 February, 31 March into post-16) while it is still to
    be met: met once a review naming the next school is held in the transfer's school year."""
    try:
        due = reviews.phase_transfer_deadline(plan)
    except ValueError:  # a year out of the rules' range: the plan's page says so
        return None
    if due is None or plan.phase_transfer_year is None:
        return None
    year_starts = dt.date(plan.phase_transfer_year - 1, 9, 1)
    for review in held:
        if review.is_phase_transfer and review.held_on and review.held_on >= year_starts:
            return None
    return due


def plan_items(
    plan: EHCPlan, plan_reviews: Sequence[AnnualReview], today: dt.date, paths: Paths
) -> list[Item]:
    """Every deadline of one plan: the open review's next step (else the annual review due,
    with an under-five's prompt to come), an amended plan awaited, the phase transfer.
    `plan_reviews` are the plan's open reviews, latest first, and those awaiting an amended
    plan or naming the next school."""
    pupil = plan.pupil
    where = {"initials": pupil.initials, "la": plan.local_authority, "pupil": pupil}
    items = []
    open_reviews = [r for r in plan_reviews if r.is_open]
    if not open_reviews:
        due = reviews.review_due(plan)
        url = paths.review_new(pupil.public_id, plan.public_id)
        items.append(_item(REVIEW, "Annual review due", due, today, url=url, **where))
        coming = [p for p in due.prompts if p >= today]
        if coming:
            label = "Consider an early review (under five)"
            items.append(_item(REVIEW, label, coming[0], today, url=url, status=PROMPT, **where))
    for review in open_reviews[:1] + [r for r in plan_reviews if not r.is_open]:
        label, day, status = reviews.next_step(review, today)
        if day is not None and status != reviews.DONE:
            url = paths.review(pupil.public_id, review.public_id)
            items.append(_item(REVIEW, label, day, today, url=url, **where))
    transfer = transfer_deadline(plan, plan_reviews)
    if transfer is not None:
        label = "Phase transfer: plan to name the next school"
        url = paths.plan(pupil.public_id)
        items.append(_item(TRANSFER, label, transfer, today, url=url, **where))
    return items


# A request's and a consultation's deadlines.


def request_items(request: NeedsAssessmentRequest, today: dt.date, url: str) -> list[Item]:
    """An open request's next stage (`services.requests.next_deadline`)."""
    step = requests.next_deadline(request, today)
    if step is None:
        return []
    return [
        _item(
            REQUEST,
            step.label,
            step.due,
            today,
            initials=request.pupil.initials,
            url=url,
            la=request.local_authority,
            pupil=request.pupil,
        )
    ]


def consultation_item(consultation: LAConsultation, today: dt.date) -> Item:
    """A consultation still to answer, by 15 days from its arrival, even after the school
    asked the LA for more information (the LA may agree a new date: the page says so)."""
    label = "Answer the LA consultation"
    if consultations.more_information_asked_on(consultation):
        label += " (more information asked for)"
    return _item(
        CONSULTATION,
        label,
        consultations.answer_by(consultation),
        today,
        initials=consultation.child_initials,
        url=reverse("ehcp:consultation", kwargs={"consultation_id": consultation.public_id}),
        la=consultation.local_authority,
    )


# Reading what the user follows: five queries, none a row.


def _on_roll(today: dt.date) -> Q:
    return Q(pupil__left_on__isnull=True) | Q(pupil__left_on__gte=today)


def plans_followed(user, school: School, today: dt.date) -> QuerySet:
    """The current EHC plans of the pupils on roll the user follows, with their pupil."""
    plans = access.ehc_plans_visible_to(user, school).filter(_on_roll(today))
    return plans.select_related("pupil").order_by("pk")


def _reviews(plans: QuerySet, today: dt.date) -> QuerySet:
    """Open reviews, reviews waiting for an amended plan, and the phase transfer reviews held
    recently enough to meet a transfer deadline."""
    waiting = Q(la_decision=AnnualReview.Decision.AMEND, amended_plan_on__isnull=True)
    transfer = Q(is_phase_transfer=True, held_on__gte=dt.date(today.year - 2, 9, 1))
    return (
        AnnualReview.objects.filter(plan__in=plans.values("pk"))
        .filter(~Q(status=AnnualReview.Status.DONE) | waiting | transfer)
        .order_by("plan_id", "-meeting_on", "-pk")
    )


def open_requests(user, school: School, today: dt.date) -> QuerySet:
    requests = access.needs_assessment_requests_visible_to(user, school)
    requests = requests.exclude(status__in=NeedsAssessmentRequest.CLOSED).filter(_on_roll(today))
    return requests.select_related("pupil").prefetch_related("exceptions").order_by("pk")


def unanswered_consultations(user, school: School) -> QuerySet:
    """The consultations the school still owes the LA an answer to."""
    visible = access.la_consultations_visible_to(user, school)
    return visible.filter(consultations.STILL_TO_ANSWER)


@dataclass
class Caseload:
    """The deadlines a user follows in a school, and the plans they come from."""

    items: list[Item]
    plans: list[EHCPlan]

    def plans_by_la(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for plan in self.plans:
            counts[plan.local_authority] = counts.get(plan.local_authority, 0) + 1
        return sorted(counts.items())

    def local_authorities(self) -> list[str]:
        return sorted({item.la for item in self.items} | {p.local_authority for p in self.plans})


def caseload_for(user, school: School, today: dt.date) -> Caseload:
    """Every deadline of the EHC work the user follows in the school, overdue first, then by
    date, with the plans counted: nothing for a user without `ehcp.caseload` there."""
    paths = Paths()
    plans_query = plans_followed(user, school, today)
    plans = list(plans_query)
    by_plan: dict[int, list[AnnualReview]] = {}
    for review in _reviews(plans_query, today):
        by_plan.setdefault(review.plan_id, []).append(review)
    items: list[Item] = []
    for plan in plans:
        items += plan_items(plan, by_plan.get(plan.pk, []), today, paths)
    for request in open_requests(user, school, today):
        path = paths.request(request.pupil.public_id, request.public_id)
        items += request_items(request, today, path)
    items += [consultation_item(c, today) for c in unanswered_consultations(user, school)]
    return Caseload(sorted(items, key=sort_key), plans)


def deadlines_for(user, school: School, today: dt.date) -> list[Item]:
    """Every deadline of the EHC work the user follows in the school, overdue first."""
    return caseload_for(user, school, today).items


# One line a child.


@dataclass(frozen=True)
class Row:
    """A child's most pressing deadline, and how many more they have."""

    item: Item
    more: int


def next_per_pupil(items: Iterable[Item]) -> list[Row]:
    """Each child's first item (in `sort_key` order) with a count of the rest: a pupil's
    plan, review, transfer and request deadlines on one line; each consultation its own."""
    firsts: dict[object, Item] = {}
    counts: dict[object, int] = {}
    for item in sorted(items, key=sort_key):
        key = item.pupil.pk if item.pupil is not None else item.url
        firsts.setdefault(key, item)
        counts[key] = counts.get(key, 0) + 1
    return [Row(item, counts[key] - 1) for key, item in firsts.items()]


# The calendar.


def _uid(item: Item) -> str:
    """The same deadline keeps its UID as its date moves (a calendar updates the event)."""
    key = f"{item.kind}|{item.url}|{item.label}".encode()
    return f"{hashlib.sha256(key).hexdigest()[:32]}@opensenco"


def events_for(items: Iterable[Item], site: str) -> list[icalendar.Event]:
    """The items as all-day events: the summary holds the child's initials and what is due,
    the description a link to the page (`site` the address it starts with); never a name or
    a need."""
    site = site.rstrip("/")
    stamp = timezone.now()
    events = []
    for item in items:
        event = icalendar.Event()
        event.add("uid", _uid(item))
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + dt.timedelta(days=1))
        event.add("summary", f"{item.initials}: {item.label}")
        event.add("description", f"Open in OpenSENCO: {site}{item.url}")
        event.add("url", f"{site}{item.url}")
        event.add("transp", "TRANSPARENT")
        events.append(event)
    return events


def calendar_events(
    user, school: School, today: dt.date, site: str | None = None
) -> list[icalendar.Event]:
    """The user's EHC deadlines in the school as all-day events (`events_for`); links start
    with `site`, SENCO_SITE_URL by default."""
    return events_for(deadlines_for(user, school, today), site or settings.SITE_URL)


def calendar(
    events: Iterable[icalendar.Event], name: str = "EHC deadlines", refresh: str = ""
) -> bytes:
    """An iCalendar file of the events; with `refresh` (a duration such as "PT4H"), a feed
    that tells calendar applications how often to fetch it again."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//OpenSENCO//Calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    if refresh:
        cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", refresh)
    for event in events:
        cal.add_component(event)
    return cal.to_ical()
