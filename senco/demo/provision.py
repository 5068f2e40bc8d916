"""The demo's provision (issue 8): standard hourly rates, a library of a dozen interventions
across the four areas of need, and intervention groups this year and last with their sessions,
attendance and entry and exit reading ages.

Deterministic from the seed and relative to `today`; written in bulk (the demo is data, not
anyone's actions, so it is not audited). The `ta` persona has a reading group running now with
no session recorded today, so there is one to record.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from senco import access
from senco.assessment import values
from senco.assessment.models import AssessmentType, Result
from senco.provision.models import (
    Attendance,
    DeliveryRole,
    Group,
    Member,
    Provision,
    Session,
    StaffRate,
)
from senco.pupils import census
from senco.pupils.models import Pupil
from senco.schools.models import School, Staff

# Salary and on-costs divided by the hours worked, rounded: typical for an English school.
RATES = {
    DeliveryRole.TEACHER: "42.50",
    DeliveryRole.TA: "18.40",
    DeliveryRole.HLTA: "21.60",
    DeliveryRole.SPECIALIST: "65.00",
    DeliveryRole.MENTOR: "20.80",
}


@dataclass(frozen=True)
class Entry:
    name: str
    area: str
    wave: int
    delivery: str
    role: str
    minutes: int
    per_week: str
    weeks: int
    size: int
    costs: tuple[int, int, int]  # materials, licences, training
    eef: str
    reading: bool
    description: str


LIBRARY = [
    Entry("Precision teaching", "CL", 3, "one_to_one", "ta", 10, "5", 10, 1, (10, 0, 150),
          "+5 months (individualised instruction)", True,
          "Daily practice of a few target words or facts to fluency, timed and charted."),
    Entry("Lexia", "CL", 2, "online", "ta", 20, "3", 12, 6, (0, 900, 0),
          "+4 months (digital technology)", True,
          "Adaptive computer reading programme, checked weekly by the TA."),
    Entry("Toe by Toe", "CL", 3, "one_to_one", "ta", 20, "4", 12, 1, (25, 0, 0),
          "+5 months (phonics)", True,
          "Highly structured phonics manual worked through one page at a time."),
    Entry("Numicon intervention", "CL", 2, "withdrawal", "ta", 30, "2", 10, 4, (180, 0, 250),
          "+5 months (small group tuition)", False,
          "Concrete apparatus for number sense and place value, in a small group."),
    Entry("Handwriting without tears", "SP", 2, "withdrawal", "ta", 20, "3", 8, 4, (60, 0, 0),
          "", False, "Multisensory handwriting programme for letter formation."),
    Entry("Fine motor group", "SP", 2, "withdrawal", "ta", 15, "3", 8, 5, (40, 0, 0),
          "", False, "Threading, pegboards, scissors and dough to build hand strength."),
    Entry("Sensory circuits", "SP", 2, "before_after", "ta", 15, "5", 12, 6, (120, 0, 0),
          "", False, "Alerting, organising and calming activities before the school day."),
    Entry("Talk Boost", "CI", 2, "withdrawal", "ta", 30, "3", 10, 4, (275, 0, 0),
          "+6 months (oral language)", False,
          "Targeted language group from Speech and Language UK for children with delays."),
    Entry("Lego therapy", "CI", 2, "withdrawal", "ta", 45, "1", 10, 3, (80, 0, 0),
          "", False, "Building in roles (engineer, supplier, builder) to practise communication."),
    Entry("Social skills group", "CI", 2, "withdrawal", "mentor", 30, "1", 8, 5, (20, 0, 0),
          "+4 months (social and emotional learning)", False,
          "Turn-taking, joining in and repairing friendships, through games and role play."),
    Entry("ELSA", "SEMH", 3, "one_to_one", "hlta", 30, "1", 8, 1, (15, 0, 600),
          "+4 months (social and emotional learning)", False,
          "Emotional literacy support from a trained assistant, supervised by an EP."),
    Entry("Zones of Regulation", "SEMH", 2, "withdrawal", "ta", 30, "1", 10, 5, (45, 0, 0),
          "+4 months (behaviour interventions)", False,
          "Naming feelings by colour zones and choosing a strategy for each."),
]  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """A demo group: which provision, who runs it, when (weeks from today), which days."""

    provision: str
    name: str
    runner: str  # "ta", "teacher" or "other"
    starts_weeks_ago: int
    weeks: int
    days: tuple[int, ...]
    size: int
    funding: str = "notional"


GROUPS = [
    Plan("Lexia", "Lexia, Year 4 and 5", "other", 50, 12, (0, 2, 4), 5),
    Plan("Zones of Regulation", "Zones of Regulation, lower juniors", "other", 46, 10, (3,), 4,
         "pupil_premium"),
    Plan("Precision teaching", "Precision teaching, autumn", "ta", 22, 10, (0, 1, 2, 3, 4), 3),
    Plan("Talk Boost", "Talk Boost, Key Stage 1", "other", 18, 10, (1, 3, 4), 4),
    Plan("Lego therapy", "Lego therapy, Wednesday", "other", 12, 10, (2,), 3),
    Plan("Toe by Toe", "Toe by Toe, Tuesday and Thursday", "ta", 5, 10, (0, 1, 3, 4), 4),
    Plan("ELSA", "ELSA, spring", "other", 4, 8, (1,), 3, "top_up"),
    Plan("Fine motor group", "Fine motor group, mornings", "teacher", 3, 8, (0, 2, 4), 5),
]  # fmt: skip
DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri"]
CANCELLED = [
    "Staff absence: the TA covered a class",
    "School trip",
    "Assessment week",
    "Whole-school rehearsal in the hall",
    "INSET day",
]
NOTES = [
    "",
    "",
    "Good focus today.",
    "Two pupils needed reminders to stay on task.",
    "Moved on to the next step for most of the group.",
    "Revisited last week's work: not yet secure.",
]


def build(school: School, users, seed: int, today: dt.date) -> None:
    rng = random.Random(f"provision-{seed}-{school.urn}")
    StaffRate.objects.bulk_create(
        StaffRate(school=school, role=role, hourly_cost=Decimal(cost), changed_by=users["head"])
        for role, cost in RATES.items()
    )
    reading = AssessmentType.objects.filter(school=school, kind=values.READING_AGE).first()
    library = _library(school, reading)
    staff = _runners(school, users)
    pupils = _pupils(school, users, today)
    results: list[Result] = []
    for plan in GROUPS:
        _group(school, users, plan, library[plan.provision], staff, pupils, today, rng, results)


def _library(school: School, reading: AssessmentType | None) -> dict[str, Provision]:
    rows = [
        Provision(
            school=school,
            name=e.name,
            description=e.description,
            area=e.area,
            wave=e.wave,
            delivery=e.delivery,
            staff_role=e.role,
            session_minutes=e.minutes,
            sessions_per_week=Decimal(e.per_week),
            weeks=e.weeks,
            group_size=e.size,
            materials_cost=Decimal(e.costs[0]),
            licence_cost=Decimal(e.costs[1]),
            training_cost=Decimal(e.costs[2]),
            eef_rating=e.eef,
            evidence="EEF Teaching and Learning Toolkit." if e.eef else "",
            entry_assessment=reading if e.reading else None,
            exit_assessment=reading if e.reading else None,
        )
        for e in LIBRARY
    ]
    Provision.objects.bulk_create(rows)
    return {p.name: p for p in rows}


def _runners(school: School, users) -> dict[str, list[Staff]]:
    persons = {"ta": users["ta"], "teacher": users["teacher"]}
    found = {k: list(Staff.objects.filter(school=school, user=u)) for k, u in persons.items()}
    others = Staff.objects.filter(school=school, user__isnull=True).order_by("pk")
    found["other"] = list(others[:3])
    return found


@dataclass
class Pools:
    register: list[Pupil]
    ta: list[Pupil]
    teacher: list[Pupil]


def _pupils(school: School, users, today: dt.date) -> Pools:
    on_roll = Pupil.objects.filter(school=school, left_on__isnull=True, is_confidential=False)
    register = list(on_roll.filter(sen_provision__in=census.REGISTER_CODES).order_by("pk"))

    def seen_by(who: str) -> list[Pupil]:
        seen = set(access.pupils_visible_to(users[who], school).values_list("pk", flat=True))
        ranked = sorted(on_roll, key=lambda p: (p.sen_provision not in census.REGISTER_CODES, p.pk))
        return [p for p in ranked if p.pk in seen]

    return Pools(register=register, ta=seen_by("ta"), teacher=seen_by("teacher"))


def _weekday_on_or_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _group(school, users, plan: Plan, provision, staff, pools: Pools, today, rng, results):
    monday = today - dt.timedelta(days=today.weekday())
    starts = monday - dt.timedelta(weeks=plan.starts_weeks_ago)
    ends = _weekday_on_or_before(starts + dt.timedelta(weeks=plan.weeks, days=-3))
    if plan.runner == "ta" and ends >= today - dt.timedelta(weeks=4):
        ends = max(ends, today + dt.timedelta(days=14))  # the TA's running group
    pool = {"ta": pools.ta, "teacher": pools.teacher}.get(plan.runner) or pools.register
    chosen = _choose(pool, plan.size, starts, rng, keep_order=plan.runner != "other")
    if not chosen:
        return
    runners = staff[plan.runner][:1] if plan.runner != "other" else [rng.choice(staff["other"])]
    group = Group.objects.create(
        school=school,
        provision=provision,
        name=plan.name,
        timetable=", ".join(DAY_NAMES[d] for d in plan.days)
        + f" {rng.choice(['9:10', '10:50', '13:15', '14:20'])}",
        starts=starts,
        ends=ends,
        funding=plan.funding,
        created_by=users["senco"],
    )
    group.staff.set(runners)
    recorder = runners[0].user or users["senco"]
    members = [Member(group=group, pupil=p, joined=starts) for p in chosen]
    _results(provision, members, starts, ends, today, rng, results)
    Member.objects.bulk_create(members)
    _sessions(group, provision, plan, chosen, recorder, today, rng)


def _choose(pool: list[Pupil], size: int, starts: dt.date, rng, keep_order: bool) -> list[Pupil]:
    there = [p for p in pool if p.enrolled_on is None or p.enrolled_on <= starts]
    if keep_order:
        return there[:size]
    return rng.sample(there, min(size, len(there)))


def _sessions(group, provision, plan: Plan, pupils, recorder, today, rng) -> None:
    last = min(group.ends, today - dt.timedelta(days=1))
    sessions = []
    day = group.starts
    while day <= last:
        if day.weekday() in plan.days:
            cancelled = rng.random() < 0.08
            sessions.append(
                Session(
                    group=group,
                    held_on=day,
                    status=Session.Status.CANCELLED if cancelled else Session.Status.DELIVERED,
                    minutes=provision.session_minutes,
                    cancelled_because=rng.choice(CANCELLED) if cancelled else "",
                    notes="" if cancelled else rng.choice(NOTES),
                    recorded_by=recorder,
                )
            )
        day += dt.timedelta(days=1)
    Session.objects.bulk_create(sessions)
    Attendance.objects.bulk_create(
        Attendance(session=s, pupil=p, present=rng.random() < 0.9)
        for s in sessions
        if s.status == Session.Status.DELIVERED
        for p in pupils
    )


def _results(provision, members, starts, ends, today, rng, results) -> None:
    """Entry reading ages for reading groups (the pupil's latest before the start, or a new
    one); exit reading ages with a realistic gain once the group has ended."""
    reading = provision.entry_assessment
    if reading is None:
        return
    for member in members:
        pupil = member.pupil
        had = list(
            Result.objects.filter(pupil=pupil, assessment_type=reading, taken_on__lte=starts)
            .order_by("-taken_on")
            .only("taken_on", "months")[:1]
        )
        entry = had[0] if had and (starts - had[0].taken_on).days <= 60 else None
        if entry is None:
            months = had[0].months if had else _reading_age_guess(pupil, starts, rng)
            entry = Result(
                pupil=pupil, assessment_type=reading, taken_on=starts, months=months,
                source="entered",
            )  # fmt: skip
            _save_result(entry, results)
        member.entry_result = entry
        if ends < today:
            elapsed = max(1, round((ends - entry.taken_on).days / 30.4))
            gain = round(elapsed * rng.uniform(1.2, 3.2))
            exit_ = Result(
                pupil=pupil,
                assessment_type=reading,
                taken_on=ends,
                months=min(191, (entry.months or 0) + gain),
                source="entered",
            )
            member.exit_result = _save_result(exit_, results)


def _save_result(result: Result, results: list[Result]) -> Result:
    """A new result, or the pupil's existing one of that type on that day."""
    existing = Result.objects.filter(
        pupil=result.pupil, assessment_type=result.assessment_type, taken_on=result.taken_on
    ).first()
    if existing is not None:
        return existing
    result.save()
    results.append(result)
    return result


def _reading_age_guess(pupil: Pupil, day: dt.date, rng) -> int:
    age = (day.year - pupil.date_of_birth.year) * 12 + day.month - pupil.date_of_birth.month
    return max(60, min(191, round(age * rng.uniform(0.75, 0.9))))
