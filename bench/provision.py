"""Provision at the issue's scale (issue 8): every school's standard rates and library of a
dozen provisions, 50 intervention groups a school with their sessions, attendance and entry and
exit reading ages. Imported by bench/measure.py after `django.setup()`.

The first school gets the demo's provision first (the personas' groups: `ta` runs a reading
group now); every school is then topped up to 50 groups in bulk. Data kept from an earlier run
get their provision without a rebuild.
"""

import datetime as dt
import random
import time
from decimal import Decimal

from django.db import connection, transaction

from senco.accounts.models import Role, User
from senco.assessment import values
from senco.assessment.models import AssessmentType, Result
from senco.demo import builder
from senco.demo import provision as demo_provision
from senco.provision.models import Attendance, Group, Member, Provision, Session, StaffRate
from senco.pupils import census
from senco.pupils.models import Pupil
from senco.schools.models import School, Staff

GROUPS_A_SCHOOL = 50
# Eight to fourteen pupils a group (eleven on average) gives the 500,000 attendance
# marks over 50,000 sessions: larger than most real groups, to reach the scale.
SIZES = (8, 14)
WEEKS_BACK = 70  # groups start from the summer before last school year to three weeks ago
CANCELLED_SHARE = 0.08
# Weekdays a provision meets, by its sessions a week.
DAYS = {1: (2,), 2: (1, 3), 3: (0, 2, 4), 4: (0, 1, 3, 4), 5: (0, 1, 2, 3, 4)}


def batch_size() -> int:
    """SQLite's bulk inserts are already split by Django under its variable limit."""
    return 5000 if connection.vendor == "postgresql" else 2000


def ensure_provision(seed: int, today: dt.date) -> float:
    """Top every demo school up to 50 groups; seconds taken (0 when none needed any)."""
    started = time.perf_counter()
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    first = users["senco"].memberships.get().school
    added = 0
    for school in School.objects.filter(is_demo=True).order_by("pk"):
        have = Group.objects.filter(school=school).count()
        if have >= GROUPS_A_SCHOOL:
            continue
        with transaction.atomic():
            if school == first and not StaffRate.objects.filter(school=school).exists():
                demo_provision.build(school, users, seed, today)
                have = Group.objects.filter(school=school).count()
            SchoolProvision(school, users, seed, today).add(GROUPS_A_SCHOOL - have)
        added += 1
    if not added:
        return 0.0
    builder.refresh_planner_statistics()
    return time.perf_counter() - started


class SchoolProvision:
    """One school's bulk groups, drawn from its register pupils and its teaching assistants."""

    def __init__(self, school: School, users: dict[str, User], seed: int, today: dt.date):
        self.school, self.today = school, today
        self.rng = random.Random(f"bench-provision-{seed}-{school.urn}")
        self.senco = User.objects.filter(
            memberships__school=school, memberships__role=Role.SENCO
        ).first()
        self.library = self._library(users)
        runners = list(Staff.objects.filter(school=school, job_title="Teaching assistant"))
        self.runners = runners or list(Staff.objects.filter(school=school))
        ta = users.get("ta")
        self.ta = Staff.objects.filter(school=school, user=ta).first() if ta else None
        on_roll = Pupil.objects.filter(
            school=school, left_on__isnull=True, is_confidential=False
        ).filter(sen_provision__in=census.REGISTER_CODES)
        self.register = list(
            on_roll.order_by("pk").only("pk", "enrolled_on", "date_of_birth", "year_group")
        )

    def _library(self, users) -> list[Provision]:
        if not StaffRate.objects.filter(school=self.school).exists():
            StaffRate.objects.bulk_create(
                StaffRate(school=self.school, role=role, hourly_cost=Decimal(cost))
                for role, cost in demo_provision.RATES.items()
            )
        if not Provision.objects.filter(school=self.school).exists():
            reading = AssessmentType.objects.filter(
                school=self.school, kind=values.READING_AGE
            ).first()
            demo_provision._library(self.school, reading)
        return list(Provision.objects.filter(school=self.school).order_by("pk"))

    def add(self, count: int) -> None:
        groups = [self._group(i) for i in range(count)]
        Group.objects.bulk_create(groups, batch_size=batch_size())
        self._staff(groups)
        members = {g.pk: self._members(g) for g in groups}
        self._results(groups, members)
        Member.objects.bulk_create(
            [m for g in groups for m in members[g.pk]], batch_size=batch_size()
        )
        self._sessions(groups, members)

    def _group(self, i: int) -> Group:
        provision = self.library[i % len(self.library)]
        monday = self.today - dt.timedelta(days=self.today.weekday())
        starts = monday - dt.timedelta(weeks=self.rng.randint(3, WEEKS_BACK))
        ends = starts + dt.timedelta(weeks=provision.weeks, days=-3)
        days = DAYS[min(5, max(1, round(provision.sessions_per_week)))]
        return Group(
            school=self.school,
            provision=provision,
            name=f"{provision.name}, group {i + 1}",
            timetable=", ".join(demo_provision.DAY_NAMES[d] for d in days) + " 9:10",
            starts=starts,
            ends=ends,
            funding=self.rng.choice(["notional", "notional", "pupil_premium", "top_up"]),
            created_by=self.senco,
        )

    def _staff(self, groups: list[Group]) -> None:
        through = Group.staff.through
        rows = []
        for i, group in enumerate(groups):
            # The `ta` persona runs one group in eight, so their list is timed with groups in it.
            runner = self.ta if self.ta and i % 8 == 0 else self.rng.choice(self.runners)
            rows.append(through(group_id=group.pk, staff_id=runner.pk))
        through.objects.bulk_create(rows, batch_size=batch_size())

    def _members(self, group: Group) -> list[Member]:
        """Pupils of two neighbouring year groups, as a school groups them (and so the impact
        page's comparison group is those year groups, not the whole register)."""
        there = [p for p in self.register if p.enrolled_on is None or p.enrolled_on <= group.starts]
        size = min(self.rng.randint(*SIZES), len(there))
        years = sorted({p.year_group for p in there}, key=lambda y: y or 0)
        band: list[Pupil] = []
        if years:
            first = self.rng.randrange(len(years))
            band = [p for p in there if p.year_group in years[first : first + 2]]
        chosen = self.rng.sample(band if len(band) >= size else there, size)
        return [Member(group=group, pupil=p, joined=group.starts) for p in chosen]

    def _results(self, groups: list[Group], members: dict[int, list[Member]]) -> None:
        """Entry reading ages at the start of each reading group, exit ones at its end once it
        has ended; a pupil's result already on that day is used rather than a second one."""
        reading: dict[int, int] = {
            p.pk: p.entry_assessment_id for p in self.library if p.entry_assessment_id is not None
        }
        if not reading:
            return
        known = {
            (r.pupil_id, r.taken_on): r
            for r in Result.objects.filter(
                pupil__school=self.school, assessment_type_id__in=set(reading.values())
            ).only("pk", "pupil_id", "taken_on", "months")
        }
        new: list[Result] = []

        def result(pupil: Pupil, type_id: int, day: dt.date, months: int) -> Result:
            if (pupil.pk, day) not in known:
                known[(pupil.pk, day)] = Result(
                    pupil=pupil, assessment_type_id=type_id, taken_on=day, months=months,
                    source="entered",
                )  # fmt: skip
                new.append(known[(pupil.pk, day)])
            return known[(pupil.pk, day)]

        pairs = []
        for group in groups:
            if group.provision_id not in reading:
                continue
            type_id = reading[group.provision_id]
            for member in members[group.pk]:
                entry = result(member.pupil, type_id, group.starts, self._age(member.pupil, group))
                member.entry_result = entry
                if group.ends < self.today:
                    pairs.append((member, type_id, group, entry))
        Result.objects.bulk_create(new, batch_size=batch_size())
        new.clear()
        for member, type_id, group, entry in pairs:
            elapsed = max(1, round((group.ends - group.starts).days / 30.4))
            months = min(191, (entry.months or 60) + round(elapsed * self.rng.uniform(0.8, 3.2)))
            member.exit_result = result(member.pupil, type_id, group.ends, months)
        Result.objects.bulk_create(new, batch_size=batch_size())

    def _age(self, pupil: Pupil, group: Group) -> int:
        born = pupil.date_of_birth
        age = (group.starts.year - born.year) * 12 + group.starts.month - born.month
        return max(60, min(191, round(age * self.rng.uniform(0.7, 0.9))))

    def _sessions(self, groups: list[Group], members: dict[int, list[Member]]) -> None:
        sessions: list[Session] = []
        pupils: list[list[Member]] = []
        for group in groups:
            days = DAYS[min(5, max(1, round(group.provision.sessions_per_week)))]
            day, last = group.starts, min(group.ends, self.today - dt.timedelta(days=1))
            while day <= last:
                if day.weekday() in days:
                    sessions.append(self._session(group, day))
                    pupils.append(members[group.pk])
                day += dt.timedelta(days=1)
        Session.objects.bulk_create(sessions, batch_size=batch_size())
        marks = (
            Attendance(session=s, pupil_id=m.pupil_id, present=self.rng.random() < 0.9)
            for s, held in zip(sessions, pupils, strict=True)
            if s.status == Session.Status.DELIVERED
            for m in held
        )
        Attendance.objects.bulk_create(marks, batch_size=batch_size())

    def _session(self, group: Group, day: dt.date) -> Session:
        cancelled = self.rng.random() < CANCELLED_SHARE
        return Session(
            group=group,
            held_on=day,
            status=Session.Status.CANCELLED if cancelled else Session.Status.DELIVERED,
            minutes=group.provision.session_minutes,
            cancelled_because=self.rng.choice(demo_provision.CANCELLED) if cancelled else "",
            notes="" if cancelled else self.rng.choice(demo_provision.NOTES),
            recorded_by=self.senco,
        )
