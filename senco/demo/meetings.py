"""The demo's meetings with parents and contact log (issue 7).

Every pupil on the register gets 0 to 3 meetings held this school year (at least one pupil
exactly one, so the "behind" list shows the case the Code of Practice warns about), most a few
last year, some a meeting arranged in the next four weeks, and about half a contact log with
calls, emails and agency conversations, some with follow-ups still open. Plan reviews already
in the demo's plans become plan review meetings on their review date.
"""

import datetime as dt
import random

from django.db.models import Q
from django.utils import timezone

from senco.meetings.models import ContactLogEntry, Meeting, MeetingVersion
from senco.plans.models import Cycle
from senco.pupils import census
from senco.pupils.models import Contact, Pupil
from senco.schools.calendar import academic_year_start
from senco.schools.models import School

HELD_THIS_YEAR = [0, 1, 1, 2, 2, 2, 3, 3]
TALKS = [
    (
        "Went through the plan's outcomes. Reading has come on well since the phonics group "
        "started; writing is still hard to get going.",
        "School: keep the phonics group three times a week, by the next review\n"
        "Parents: ten minutes of shared reading at home each evening\n"
        "SENCO: ask the speech and language service about a reassessment, by half term",
        "Pleased with the reading. Worried about homework taking too long: asked for it to be "
        "shorter.",
    ),
    (
        "Talked about mornings: arriving has been hard since the change of class teacher. "
        "The meet-and-greet at the door is helping on most days.",
        "Class teacher: keep the meet-and-greet, and send a photo of the new room home\n"
        "Parents: use the visual timetable at home for the morning routine",
        "Feel listened to. Would like a weekly note home for now.",
    ),
    (
        "Reviewed progress in maths. Number bonds to 10 are secure with counters; the next "
        "step is working without them.",
        "TA: precision teaching five minutes a day, until the review\n"
        "Parents: practise bonds to 20 with the card game sent home",
        "Happy with progress. Asked about support for the tests in the summer.",
    ),
]
CALLS = [
    ("Called about a difficult morning; agreed a calm start tomorrow.", "", None),
    ("Asked for a copy of the plan; sent it by email.", "", None),
    (
        "Talked about the referral to the educational psychologist.",
        "Send the consent form home",
        7,
    ),
    ("Reported a good week at home with the new routine.", "", None),
    (
        "Discussed the speech and language report and its recommendations.",
        "Share the recommendations with the class teacher",
        -5,
    ),
    ("Asked about extra time in the summer tests.", "Check the evidence needed", 14),
]
AGENCIES = [
    "Speech and language therapist, NHS",
    "Educational psychologist, local authority",
    "School nurse",
    "Family support worker, early help",
]


def _moment(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _parents(pupil: Pupil) -> list[Contact]:
    return list(
        Contact.objects.filter(
            pupil_links__pupil=pupil,
            pupil_links__parental_responsibility=True,
            pupil_links__court_order=False,
        )
    )


class _Builder:
    def __init__(self, school: School, users: dict, rng: random.Random, today: dt.date):
        self.users = users
        self.rng = rng
        self.today = today
        self.year_start = dt.date(academic_year_start(today), 9, 1)
        self.staff = f"{users['senco'].get_full_name()}, SENCO"

    def held(self, pupil, day: dt.date, parents, *, kind=Meeting.Kind.PARENTS, cycle=None):
        talk, agreed, views = self.rng.choice(TALKS)
        names = [str(p) for p in parents[:1]] + [self.staff]
        meeting = Meeting.objects.create(
            pupil=pupil, kind=kind, starts_at=_moment(day, self.rng.choice([8, 15, 16]), 30),
            where=self.rng.choice(Meeting.Where.values), status=Meeting.Status.HELD,
            cycle=cycle, invited_staff=self.staff, attended="\n".join(names), discussed=talk,
            agreed=agreed, parent_views=views, recorded_by=self.users["senco"],
            recorded_at=_moment(day, 17), created_by=self.users["senco"],
        )  # fmt: skip
        meeting.invited_contacts.set(parents)
        MeetingVersion.objects.create(
            meeting=meeting, number=1, saved_by=self.users["senco"], saved_at=_moment(day, 17),
            snapshot={"held_at": meeting.starts_at.isoformat(), "attended": meeting.attended,
                      "discussed": talk, "agreed": agreed, "parent_views": views},
        )  # fmt: skip

    def scheduled(self, pupil, day: dt.date, parents, *, kind=Meeting.Kind.PARENTS, cycle=None):
        meeting = Meeting.objects.create(
            pupil=pupil, kind=kind, starts_at=_moment(day, 15, 30), cycle=cycle,
            where=Meeting.Where.IN_SCHOOL, place="SENCO's office", invited_staff=self.staff,
            purpose="Review of the plan" if cycle else "Catch up on the term",
            created_by=self.users["senco"],
        )  # fmt: skip
        meeting.invited_contacts.set(parents)

    def days_between(self, first: dt.date, last: dt.date, count: int) -> list[dt.date]:
        span = (last - first).days
        if span < 0 or count <= 0:
            return []
        picked = sorted(self.rng.sample(range(span + 1), min(count, span + 1)))
        return [first + dt.timedelta(days=d) for d in picked]

    def meetings(self, pupil, held_target: int) -> None:
        parents = _parents(pupil)
        reviews = list(
            Cycle.objects.filter(plan__pupil=pupil, reviewed_on__gte=self.year_start)
            .filter(reviewed_on__lt=self.today)
            .order_by("reviewed_on")[:held_target]
        )
        for cycle in reviews:
            self.held(pupil, cycle.reviewed_on, parents, kind=Meeting.Kind.PLAN_REVIEW, cycle=cycle)
        yesterday = self.today - dt.timedelta(days=1)
        for day in self.days_between(self.year_start, yesterday, held_target - len(reviews)):
            self.held(pupil, day, parents)
        last_year = self.year_start.replace(year=self.year_start.year - 1)
        for day in self.days_between(last_year, self.year_start, self.rng.choice([0, 1, 2, 3])):
            self.held(pupil, day, parents)
        if held_target < 3 and self.rng.random() < 0.5:
            due = Cycle.objects.open().filter(plan__pupil=pupil).first()
            day = self.today + dt.timedelta(days=self.rng.randint(2, 25))
            kind = Meeting.Kind.PLAN_REVIEW if due else Meeting.Kind.PARENTS
            self.scheduled(pupil, day, parents, kind=kind, cycle=due)

    def contact_log(self, pupil) -> None:
        parents = _parents(pupil)
        writers = [self.users["senco"], self.users["senco"], self.users["head"]]
        for n in range(self.rng.randint(1, 4)):
            summary, follow_up, due_in = self.rng.choice(CALLS)
            day = self.today - dt.timedelta(days=self.rng.randint(1, 60))
            contact = parents[0] if parents and n % 3 != 2 else None
            ContactLogEntry.objects.create(
                pupil=pupil, contact=contact,
                who=str(contact) if contact else self.rng.choice(AGENCIES),
                method=self.rng.choice(ContactLogEntry.Method.values),
                happened_at=_moment(day, self.rng.randint(8, 16), 15), summary=summary,
                follow_up=follow_up,
                follow_up_by=day + dt.timedelta(days=abs(due_in)) if due_in else None,
                follow_up_done_at=_moment(day, 17) if follow_up and due_in and due_in < 0 else None,
                written_by=self.rng.choice(writers), written_at=_moment(day, 17),
            )  # fmt: skip


def build(school: School, users: dict, seed: int, today: dt.date) -> None:
    rng = random.Random(seed * 11 + 7)
    on_register = (
        Pupil.objects.filter(school=school, sen_provision__in=census.REGISTER_CODES)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
        .order_by("pk")
    )
    builder = _Builder(school, users, rng, today)
    for n, pupil in enumerate(on_register):
        # The first pupil has exactly one meeting this year: "behind" in the demo from day one.
        builder.meetings(pupil, 1 if n == 0 else rng.choice(HELD_THIS_YEAR))
        if n % 2 == 0:
            builder.contact_log(pupil)
