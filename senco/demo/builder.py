"""The demo trust: synthetic schools, staff, pupils and SEN histories in national proportions.

Everything here is made up (Faker's en_GB names); the same seed on the same day builds the same
school. Rows are written in bulk: the demo is data, not a record of anyone's actions, so it does not
go through the audit log.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from senco.accounts.models import Invitation, Membership, PupilGrant, Role, User
from senco.assessment import values
from senco.assessment.models import AssessmentType, Result
from senco.demo import concerns, ehcp, meetings, passports, plans, provision, reports, transfers
from senco.demo import register as register_demo
from senco.pupils import census
from senco.pupils.models import (
    Attendance,
    Contact,
    Pupil,
    PupilContact,
    SenNeed,
    SenStatus,
    Source,
    Suspension,
)
from senco.schools.calendar import academic_year_start, parse_term_dates, year_group_for
from senco.schools.models import (
    AcademicYear,
    GroupStaff,
    Phase,
    School,
    Staff,
    TeachingGroup,
    Term,
    Trust,
)

# National figures (DOMAIN.md): EHC plans 6.0%, SEN support 14.8%; boys are 71% and 61% of them.
EHCP_RATE = {"M": 0.060 * 0.71 / 0.5, "F": 0.060 * 0.29 / 0.5}
SUPPORT_RATE = {"M": 0.148 * 0.61 / 0.5, "F": 0.148 * 0.39 / 0.5}
FSM_RATE = {"E": 0.44, "K": 0.39, "N": 0.22}
# Primary need of EHC plans, January 2025 (DOMAIN.md).
EHCP_NEEDS = {
    "ASD": 31.5, "SLCN": 21.3, "SEMH": 20.7, "MLD": 10.6, "SLD": 3.9, "PD": 3.9, "SPLD": 2.4,
    "HI": 1.4, "PMLD": 1.3, "OTH": 1.2, "VI": 0.8, "MSI": 0.3,
}  # fmt: skip
# SEN support: SLCN about a quarter (more in primary), SPLD about twice as common in secondary.
SUPPORT_NEEDS = {
    Phase.PRIMARY: {"SLCN": 30, "SEMH": 18, "MLD": 15, "ASD": 12, "SPLD": 8, "OTH": 4, "PD": 2,
                    "HI": 2, "VI": 1, "NSA": 5, "DS": 0.5},
    Phase.SECONDARY: {"SLCN": 14, "SEMH": 24, "MLD": 15, "ASD": 13, "SPLD": 17, "OTH": 5, "PD": 2,
                      "HI": 2, "VI": 1, "NSA": 5, "DS": 0.5},
}  # fmt: skip
YEAR_GROUPS = {Phase.PRIMARY: range(0, 7), Phase.SECONDARY: range(7, 14)}
CLASS_SIZE = 30
SCHOOL_NAMES = [
    "Meadowbank", "Hollins Park", "Ashcombe", "Brackenfield", "Castlegate", "Dunmore",
    "Elmstead", "Fernhill", "Greystone", "Hartwell", "Ivydale", "Juniper Green", "Kingsmead",
    "Larkrise", "Millbrook", "Northgate", "Oakfield", "Parkside", "Queensbury", "Riverside",
    "Southfields", "Thornbury", "Upton Vale", "Valley Road", "Westbrook", "Yewtree", "Ambleside",
    "Beechwood", "Coldharbour", "Deepdale", "Eastfield", "Foxhollow", "Glebe", "Highcliffe",
    "Ingleby", "Kestrel", "Lindley", "Moorside", "Newlands", "Orchard",
]  # fmt: skip
PERSONAS = ["senco", "head", "teacher", "other_teacher", "ta", "governor", "parent",
            "other_parent", "trustlead", "admin"]  # fmt: skip


@dataclass
class Options:
    schools: int = 1
    pupils: int = 420
    other_pupils: int | None = None
    years: int = 5
    seed: int = 1
    password: str = ""
    today: dt.date = field(default_factory=dt.date.today)


@dataclass
class Built:
    trust: Trust
    schools: list[School]
    users: dict[str, User]


def weighted(rng: random.Random, table: dict[str, float]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


SUSPENSION_REASONS = [
    "Persistent disruptive behaviour",
    "Physical assault against a pupil",
    "Verbal abuse or threatening behaviour against an adult",
    "Damage to property",
]


def remove_demo() -> None:
    """Delete the earlier demo (the audit log keeps its entries: it is append-only)."""
    schools = School.objects.filter(is_demo=True)
    reports.remove_files(schools)
    Membership.objects.filter(school__in=schools).delete()
    Result.objects.filter(pupil__school__in=schools).delete()
    Pupil.objects.filter(school__in=schools).delete()
    schools.delete()
    Trust.objects.filter(is_demo=True).delete()
    User.objects.filter(is_demo=True).delete()


class SchoolBuilder:
    """Builds one school: years and terms, staff, classes, pupils, contacts and SEN history."""

    def __init__(self, options: Options, school: School, size: int, rng: random.Random, fake):
        self.o, self.school, self.size, self.rng, self.fake = options, school, size, rng, fake
        self.today = options.today
        self.this_year = academic_year_start(self.today)
        self.first_year = self.this_year - options.years + 1
        self.year_groups = YEAR_GROUPS.get(Phase(school.phase), YEAR_GROUPS[Phase.PRIMARY])
        self.upn_serial: dict[int, int] = {}

    def build(self) -> None:
        self.academic_years = self._academic_years()
        self.staff = self._staff()
        pupils = self._pupils()
        self._classes(pupils)
        self._contacts(pupils)
        self._sen_history(pupils)
        build_assessments(self, pupils)
        self._applicants()
        self._attendance_and_suspensions(pupils)

    def _academic_years(self) -> dict[int, AcademicYear]:
        years = AcademicYear.objects.bulk_create(
            [
                AcademicYear(school=self.school, start_year=y)
                for y in range(self.first_year, self.this_year + 2)
            ]
        )
        Term.objects.bulk_create(
            [
                Term(academic_year=year, name=name, starts=starts, ends=ends)
                for year in years
                for name, starts, ends in parse_term_dates(
                    settings.SENCO_TERM_DATES, year.start_year
                )
            ]
        )
        return {y.start_year: y for y in years}

    def _person(self) -> tuple[str, str, str]:
        sex = self.rng.choice("MF")
        first = self.fake.first_name_male() if sex == "M" else self.fake.first_name_female()
        return sex, first, self.fake.last_name()

    def _staff(self) -> list[Staff]:
        per_group = max(1, self.size // CLASS_SIZE // len(self.year_groups))
        count = len(self.year_groups) * per_group * 2 + 6
        staff = []
        for i in range(count):
            sex, first, last = self._person()
            title = "Mr" if sex == "M" else self.rng.choice(["Mrs", "Ms", "Miss"])
            job = "Teacher" if i % 2 == 0 else "Teaching assistant"
            staff.append(
                Staff(
                    school=self.school,
                    title=title,
                    first_name=first,
                    last_name=last,
                    job_title=job,
                    email=f"{first[0]}.{last}@{self.school.urn}.example.org".lower(),
                    starts=dt.date(self.first_year - self.rng.randint(0, 10), 9, 1),
                )
            )
        return Staff.objects.bulk_create(staff)

    def _upn(self, entry_year: int) -> str:
        serial = self.upn_serial.get(entry_year, 0) + 1
        self.upn_serial[entry_year] = serial
        school = self.school
        body = f"{school.la_code}{school.establishment_number}{entry_year % 100:02d}{serial:03d}"
        return census.upn_check_letter(body) + body

    def _pupil(self, year_group_now: int) -> Pupil:
        """A pupil who is (or would be, had they stayed) in `year_group_now` this year."""
        rng = self.rng
        sex, first, last = self._person()
        birth_year = self.this_year - year_group_now - 5
        born = dt.date(birth_year, 9, 1) + dt.timedelta(days=rng.randint(0, 364))
        first_group, last_group = self.year_groups[0], self.year_groups[-1]
        joined_year = max(self.this_year - (year_group_now - first_group), birth_year + 4)
        left = None
        if year_group_now > last_group:  # left after the last year group, some summers ago
            left = dt.date(self.this_year + last_group + 1 - year_group_now, 7, 20)
        if rng.random() < 0.12:  # joined mid-phase
            joined_year = rng.randint(joined_year, left.year - 1 if left else self.this_year)
        enrolled = min(dt.date(joined_year, 9, rng.choice([1, 2, 3, 4, 5])), self.today)
        preferred = rng.random() < 0.06
        return Pupil(
            school=self.school,
            upn=self._upn(joined_year),
            legal_first_name=first,
            middle_names=self.fake.first_name() if rng.random() < 0.5 else "",
            legal_last_name=last,
            preferred_first_name=self.fake.first_name() if preferred else "",
            date_of_birth=born,
            sex=sex,
            year_group=min(year_group_now, self.year_groups[-1]),
            enrolled_on=enrolled,
            left_on=left,
            eal=rng.random() < 0.2,
            medical_flag=rng.random() < 0.08,
        )

    def _attendance_and_suspensions(self, pupils: list[Pupil]) -> None:
        """This school year's attendance so far, lower on the whole for pupils on the register
        (as nationally), and a few suspensions."""
        rng, starts = self.rng, dt.date(self.this_year, 9, 1)
        ends = max(starts, self.today - dt.timedelta(days=1))
        possible = max(2, 2 * sum(1 for d in range((ends - starts).days + 1)
                                  if (starts + dt.timedelta(days=d)).weekday() < 5))  # fmt: skip
        figures, suspensions = [], []
        for p in pupils:
            if p.left_on is not None:
                continue
            rate = min(1.0, rng.gauss(0.9 if p.sen_provision in ("K", "E") else 0.94, 0.05))
            present = max(0, min(possible, round(possible * rate)))
            figures.append(
                Attendance(
                    pupil=p, starts=starts, ends=ends, possible=possible, present=present,
                    percent=round(100 * present / possible, 1),
                )
            )  # fmt: skip
            if rng.random() < (0.03 if p.sen_provision in ("K", "E") else 0.005):
                suspensions.append(
                    Suspension(
                        pupil=p, starts=starts + dt.timedelta(days=rng.randint(10, 60)),
                        sessions=rng.choice([2, 2, 4, 6, 10]),
                        reason=rng.choice(SUSPENSION_REASONS),
                    )
                )  # fmt: skip
        Attendance.objects.bulk_create(figures, batch_size=1000)
        Suspension.objects.bulk_create(suspensions, ignore_conflicts=True)

    def _applicants(self) -> None:
        """Pupils joining the first year group next September, so the SENCO can prepare."""
        first = self.year_groups[0]
        joining = [self._pupil(first) for _ in range(max(3, self.size // 100))]
        for pupil in joining:
            pupil.date_of_birth += dt.timedelta(days=365)
            pupil.enrolled_on = dt.date(self.this_year + 1, 9, 1)
            pupil.upn = self._upn(self.this_year + 1)
        Pupil.objects.bulk_create(joining)

    def _pupils(self) -> list[Pupil]:
        per_year = max(1, self.size // len(self.year_groups))
        pupils = []
        for year_group_now in range(self.year_groups[0], self.year_groups[-1] + self.o.years):
            for _ in range(per_year):
                pupils.append(self._pupil(year_group_now))
        return Pupil.objects.bulk_create(pupils, batch_size=1000)

    def _classes(self, pupils: list[Pupil]) -> None:
        """A class per 30 pupils of each year group, in every year of history."""
        teachers = [s for s in self.staff if s.job_title == "Teacher"]
        tas = [s for s in self.staff if s.job_title != "Teacher"]
        groups, members, staffing = [], [], []
        for start_year, academic_year in self.academic_years.items():
            if start_year > self.this_year:
                continue
            cohort: dict[int, list[Pupil]] = {}
            for p in pupils:
                on_roll = (
                    p.enrolled_on
                    and p.enrolled_on.year <= start_year
                    and (p.left_on is None or p.left_on.year > start_year)
                )
                if on_roll:
                    yg = year_group_for(p.date_of_birth, dt.date(start_year, 9, 1))
                    if yg in self.year_groups:
                        cohort.setdefault(yg, []).append(p)
            for yg, members_of_year in sorted(cohort.items()):
                forms = max(1, round(len(members_of_year) / CLASS_SIZE))
                for f in range(forms):
                    name = f"{yg if yg else 'R'}{'ABCDEFGHJKLMNPQRSTUVWXYZ'[f]}"
                    group = TeachingGroup(
                        school=self.school,
                        academic_year=academic_year,
                        name=name,
                        year_group=yg,
                    )
                    groups.append(group)
                    chosen = members_of_year[f::forms]
                    members.append((group, chosen))
                    staffing.append((group, teachers[(yg * 7 + f) % len(teachers)], "teacher"))
                    staffing.append((group, tas[(yg * 5 + f) % len(tas)], "ta"))
        TeachingGroup.objects.bulk_create(groups, batch_size=1000)
        Through = TeachingGroup.pupils.through
        Through.objects.bulk_create(
            [Through(teachinggroup_id=g.pk, pupil_id=p.pk) for g, ps in members for p in ps],
            batch_size=5000,
        )
        GroupStaff.objects.bulk_create(
            [GroupStaff(group=g, staff=s, role=r) for g, s, r in staffing], ignore_conflicts=True
        )

    def _contacts(self, pupils: list[Pupil]) -> None:
        contacts, links = [], []
        for p in pupils:
            if p.left_on is not None:
                continue
            surname = p.legal_last_name
            for priority, relationship in enumerate(
                ["PAM", "PAF"][: self.rng.choice([1, 2, 2, 2])], start=1
            ):
                female = relationship == "PAM"
                first = self.fake.first_name_female() if female else self.fake.first_name_male()
                contact = Contact(
                    school=self.school,
                    title="Mrs" if female else "Mr",
                    first_name=first,
                    last_name=surname,
                    email=f"{first}.{surname}{self.rng.randint(1, 99)}@example.com".lower(),
                    mobile_phone=f"07700 9{self.rng.randint(0, 99999):05d}",
                    address=self.fake.street_address(),
                    postcode=self.fake.postcode(),
                )
                contacts.append(contact)
                links.append(
                    PupilContact(
                        pupil=p,
                        contact=contact,
                        relationship=relationship,
                        parental_responsibility=True,
                        priority=priority,
                    )
                )
        Contact.objects.bulk_create(contacts, batch_size=1000)
        PupilContact.objects.bulk_create(links, batch_size=1000)

    def _sen_history(self, pupils: list[Pupil]) -> None:
        statuses, needs = [], []
        phase = self.school.phase if self.school.phase in SUPPORT_NEEDS else Phase.PRIMARY
        for p in pupils:
            provision = self._provision(p)
            p.free_school_meals = self.rng.random() < FSM_RATE[provision]
            p.pupil_premium = p.free_school_meals or self.rng.random() < 0.05
            looked = self.rng.random()
            p.looked_after = "cla" if looked < 0.008 else "pla" if looked < 0.02 else ""
            pupil_statuses, pupil_needs = self._history(p, provision, phase)
            statuses += pupil_statuses
            needs += pupil_needs
            p.sen_provision = provision
            p.primary_need = next((n.need for n in pupil_needs if n.rank == 1 and not n.ends), "")
        SenStatus.objects.bulk_create(statuses, batch_size=2000)
        SenNeed.objects.bulk_create(needs, batch_size=2000)
        Pupil.objects.bulk_update(
            pupils,
            ["sen_provision", "primary_need", "free_school_meals", "pupil_premium", "looked_after"],
            batch_size=1000,
        )

    def _provision(self, p: Pupil) -> str:
        roll = self.rng.random()
        if roll < EHCP_RATE[p.sex]:
            return "E"
        if roll < EHCP_RATE[p.sex] + SUPPORT_RATE[p.sex]:
            return "K"
        return "N"

    def _history(
        self, p: Pupil, provision: str, phase: str
    ) -> tuple[list[SenStatus], list[SenNeed]]:
        """Status periods from enrolment: N, perhaps K, perhaps E; or K then back to N."""
        rng = self.rng
        assert p.enrolled_on is not None
        end = p.left_on or self.today
        span = max(1, (end - p.enrolled_on).days)

        enrolled = p.enrolled_on

        def day(fraction: float) -> dt.date:
            return enrolled + dt.timedelta(days=int(span * fraction))

        stepped_down = provision == "N" and rng.random() < 0.06
        if provision == "N" and not stepped_down:
            return [], []
        support_from = day(rng.uniform(0.0, 0.6))
        periods: list[tuple[str, dt.date, dt.date | None]] = []
        if support_from > p.enrolled_on:
            periods.append(("N", p.enrolled_on, support_from - dt.timedelta(days=1)))
        if provision == "E":
            plan_from = max(day(rng.uniform(0.65, 0.95)), support_from + dt.timedelta(days=1))
            periods += [
                ("K", support_from, plan_from - dt.timedelta(days=1)),
                ("E", plan_from, None),
            ]
        elif stepped_down:
            back_from = max(day(rng.uniform(0.7, 0.95)), support_from + dt.timedelta(days=1))
            periods += [
                ("K", support_from, back_from - dt.timedelta(days=1)),
                ("N", back_from, None),
            ]
        else:
            periods.append(("K", support_from, None))
        table = EHCP_NEEDS if provision == "E" else SUPPORT_NEEDS[phase]  # type: ignore[index]
        primary = weighted(rng, table)
        secondary = weighted(rng, {k: v for k, v in EHCP_NEEDS.items() if k != primary})
        needs_end = periods[-1][1] - dt.timedelta(days=1) if stepped_down else None
        codes = [primary] + ([secondary] if rng.random() < 0.4 else [])
        needs = [
            SenNeed(
                pupil=p, need=c, rank=r, starts=support_from, ends=needs_end, source=Source.IMPORTED
            )
            for r, c in enumerate(codes, start=1)
        ]
        statuses = [
            SenStatus(pupil=p, provision=code, starts=starts, ends=ends, source=Source.IMPORTED)
            for code, starts, ends in periods
        ]
        return statuses, needs


# Each demo school's assessment types: (name, kind, settings).
DEMO_ASSESSMENTS: list[tuple[str, str, dict]] = [
    ("NGRT reading (standardised)", values.STANDARDISED, {"reliability": Decimal("0.900")}),
    ("Salford reading age", values.READING_AGE, {}),
    ("Single word spelling age", values.SPELLING_AGE, {}),
    ("KS2 reading scaled score", values.KS_SCALED, {}),
    ("Phonics screening check (out of 40)", values.RAW, {"maximum": 40}),
    ("Teacher judgement: reading", values.JUDGEMENT, {}),
    ("Pre-key stage standards: reading", values.PRE_KEY_STAGE, {}),
    ("Engagement Model", values.ENGAGEMENT, {}),
]
# How a pupil on the register progresses: ratio gain in reading age (METRICS.md), by chance.
PROGRESS = {"improves": (0.4, 1.4, 2.6), "steady": (0.35, 0.8, 1.2), "plateaus": (0.25, 0.1, 0.6)}


def _months_between(earlier: dt.date, later: dt.date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (later.day < earlier.day)


def _sittings(builder: "SchoolBuilder") -> list[tuple[str, dt.date]]:
    """A test day in each term of this school year and the last, up to today: 60% through the
    term, moved back to a weekday."""
    days = []
    for start_year in (builder.this_year - 1, builder.this_year):
        if start_year < builder.first_year:
            continue
        for name, starts, ends in parse_term_dates(settings.SENCO_TERM_DATES, start_year):
            day = starts + (ends - starts) * 3 // 5
            while day.weekday() >= 5:
                day -= dt.timedelta(days=1)
            if day <= builder.today:
                days.append((name, day))
    return days


def build_assessments(builder: "SchoolBuilder", pupils: list[Pupil]) -> None:
    """The school's assessment types, and termly results over the last two school years for
    the pupils on the register now: reading and spelling ages that rise at each pupil's own
    rate (some improve, some plateau), standardised scores and judgements that follow them, the
    phonics check in Year 1 and Year 2, KS2 scaled scores in Year 6; the pre-key stage
    standards and the Engagement Model for pupils working below the national curriculum.
    Synthetic, written in bulk, and not audited (it is no one's action)."""
    school = builder.school
    rng = random.Random(f"assessment-{builder.o.seed}-{school.urn}")  # apart from the school's
    types = {}
    for name, kind, settings_ in DEMO_ASSESSMENTS:
        scale = list(values.DEFAULT_SCALES.get(kind, ()))
        types[kind] = AssessmentType(school=school, name=name, kind=kind, scale=scale, **settings_)
    AssessmentType.objects.bulk_create(types.values())
    primary = school.phase != Phase.SECONDARY
    sittings = _sittings(builder)
    results: list[Result] = []

    def add(pupil: Pupil, kind: str, day: dt.date, **value) -> None:
        results.append(
            Result(
                pupil=pupil,
                assessment_type=types[kind],
                taken_on=day,
                source=Source.IMPORTED,
                **value,
            )
        )

    for p in pupils:
        if p.left_on is not None or p.sen_provision not in census.REGISTER_CODES:
            continue
        trajectory = rng.choices(list(PROGRESS), weights=[w for w, _, _ in PROGRESS.values()])[0]
        _, low, high = PROGRESS[trajectory]
        gain = rng.uniform(low, high)
        # How far reading lags behind age at the first test, as a share of age.
        lag = rng.uniform(0.06, 0.22) if p.sen_provision == "K" else rng.uniform(0.18, 0.32)
        delay = 0.0
        below = p.primary_need in ("PMLD", "SLD") or (
            p.sen_provision == "E" and p.primary_need == "MLD" and rng.random() < 0.5
        )
        first = None
        standard = rng.randint(1, 2)
        engagement = 0
        retake = True
        for number, (term, day) in enumerate(sittings):
            on_roll = p.enrolled_on is not None and p.enrolled_on <= day
            year_group = year_group_for(p.date_of_birth, day)
            if not on_roll or year_group < 1 or year_group not in builder.year_groups:
                continue
            age = _months_between(p.date_of_birth, day)
            if first is None:
                first, delay = day, lag * age
            elapsed = _months_between(first, day)
            if below:
                if p.primary_need == "PMLD" or not primary:
                    if trajectory != "plateaus" and number % 2 == 1:
                        engagement = min(engagement + 1, 2)
                    label = values.DEFAULT_SCALES[values.ENGAGEMENT][engagement]
                    add(p, values.ENGAGEMENT, day, label=label)
                else:
                    if trajectory == "improves" and number % 3 == 2:
                        standard = min(standard + 1, 6)
                    add(p, values.PRE_KEY_STAGE, day, label=f"Standard {standard}")
                continue
            reading = round(age - delay - elapsed + gain * elapsed + rng.uniform(-2, 2))
            # Ages below 5 years or above 15y 11m are beyond the tests' range: not recorded.
            if 60 <= reading <= 191:
                add(p, values.READING_AGE, day, months=reading)
            spelling = reading - rng.randint(0, 8)
            if term != "spring" and 60 <= spelling <= 191:
                add(p, values.SPELLING_AGE, day, months=spelling)
            # Reading ages spread about 15% of a child's age: a gap of that much is one SD.
            standardised = 100 - 15 * (age - reading) / (0.15 * age) + rng.uniform(-3, 3)
            standardised = max(60, min(round(standardised), 141))
            if year_group >= 2:
                add(p, values.STANDARDISED, day, score=Decimal(standardised))
            judgement = 0 if standardised < 92 else 1 if standardised < 112 else 2
            add(p, values.JUDGEMENT, day, label=values.DEFAULT_SCALES[values.JUDGEMENT][judgement])
            # The phonics screening check in June of Year 1, and again in Year 2 if not met (32).
            if primary and term == "summer" and (year_group == 1 or (year_group == 2 and retake)):
                mark = max(0, min(round(30 + (standardised - 85) * 0.6 + rng.uniform(-4, 4)), 40))
                add(p, values.RAW, day, score=Decimal(mark))
                retake = mark < 32
            if primary and term == "summer" and year_group == 6 and standardised >= 75:
                scaled = round(100 + (standardised - 100) * 0.6 + rng.uniform(-2, 2))
                add(p, values.KS_SCALED, day, score=Decimal(max(80, min(scaled, 120))))
    Result.objects.bulk_create(results, batch_size=2000)


def _user(username: str, first: str, last: str, password: str) -> User:
    user = User(username=username, first_name=first, last_name=last, is_demo=True)
    user.email = f"{username}@demo.example.org"
    user.set_password(password)
    user.save()
    return user


def _staff_user(school: School, staff: Staff, username: str, role: str, password: str) -> User:
    user = _user(username, staff.first_name, staff.last_name, password)
    staff.user = user
    staff.save(update_fields=["user"])
    Membership.objects.create(user=user, school=school, role=role, staff=staff)
    return user


def _current_class_with_most_sen(school: School, this_year: int) -> TeachingGroup:
    groups = TeachingGroup.objects.filter(school=school, academic_year__start_year=this_year)
    return max(groups, key=lambda g: (g.pupils.exclude(sen_provision="N").count(), -g.pk))


def _personas(built_school: SchoolBuilder, trust: Trust, password: str) -> dict[str, User]:
    school, this_year = built_school.school, built_school.this_year
    staff = iter(built_school.staff)
    users = {}
    for username, role, job in [
        ("senco", Role.SENCO, "SENCO"),
        ("head", Role.HEAD, "Headteacher"),
    ]:
        member = next(s for s in staff if s.user_id is None)
        member.job_title = job
        member.save(update_fields=["job_title"])
        users[username] = _staff_user(school, member, username, role, password)
    classes = TeachingGroup.objects.filter(school=school, academic_year__start_year=this_year)
    taught = _current_class_with_most_sen(school, this_year)
    other = next(g for g in classes.order_by("-year_group", "name") if g.pk != taught.pk)
    for username, group, group_role in [
        ("teacher", taught, GroupStaff.Role.TEACHER),
        ("other_teacher", other, GroupStaff.Role.TEACHER),
        ("ta", taught, GroupStaff.Role.TEACHING_ASSISTANT),
    ]:
        member = group.staffing.get(role=group_role).staff
        member_role = Role.TEACHER if group_role == "teacher" else Role.TEACHING_ASSISTANT
        users[username] = _staff_user(school, member, username, member_role, password)
    for username, first, last, role in [
        ("governor", "Gillian", "Governor", Role.GOVERNOR),
        ("admin", "Adam", "Administrator", Role.ADMINISTRATOR),
    ]:
        users[username] = _user(username, first, last, password)
        Membership.objects.create(user=users[username], school=school, role=role)
    users["trustlead"] = _user("trustlead", "Tara", "Trustlead", password)
    Membership.objects.create(user=users["trustlead"], trust=trust, role=Role.TRUST_SEND_LEAD)
    users["parent"] = _parent_of(school, "parent", ["K", "E"], password)
    users["other_parent"] = _parent_of(school, "other_parent", ["K"], password)
    return users


def _parent_of(school: School, username: str, provisions: list[str], password: str) -> User:
    """A parent account linked to children on roll, one per provision, all with their contact."""
    taken = PupilContact.objects.filter(contact__user__isnull=False).values("pupil")
    children = [
        Pupil.objects.filter(school=school, left_on__isnull=True, sen_provision=code)
        .exclude(pk__in=taken)
        .order_by("pk")
        .first()
        for code in provisions
    ]
    first_link = PupilContact.objects.filter(pupil=children[0], relationship="PAM").first()
    contact = first_link.contact if first_link else None
    assert contact is not None
    user = _user(username, contact.first_name, contact.last_name, password)
    contact.user = user
    contact.email = user.email
    contact.save(update_fields=["user", "email"])
    for child in children[1:]:
        assert child is not None
        child.legal_last_name = children[0].legal_last_name  # type: ignore[union-attr]
        child.save(update_fields=["legal_last_name"])
        PupilContact.objects.filter(pupil=child, relationship="PAM").delete()
        PupilContact.objects.create(
            pupil=child, contact=contact, relationship="PAM", parental_responsibility=True
        )
    Membership.objects.create(user=user, school=school, role=Role.PARENT)
    return user


def _access_examples(school: School, users: dict[str, User], password: str, today: dt.date) -> None:
    """Show the finer rules of access.py: a professional invited to two pupils for a term, a
    record confidential to the SENCO and head, and an invitation waiting to be accepted."""
    register = Pupil.objects.filter(school=school, left_on__isnull=True, sen_provision="K")
    parents_children = PupilContact.objects.filter(contact__user__isnull=False).values("pupil")
    register = register.exclude(pk__in=parents_children).order_by("pk")
    ep = users["ep"] = _user("ep", "Eleanor", "Psychologist", password)
    Membership.objects.create(
        user=ep, school=school, role=Role.EXTERNAL, ends=today + dt.timedelta(days=90)
    )
    grant = PupilGrant.objects.create(
        user=ep,
        school=school,
        reason="Educational psychology assessment",
        granted_by=users["senco"],
        starts=today,
        ends=today + dt.timedelta(days=90),
    )
    grant.pupils.set(register[:2])
    confidential = register.last()
    if confidential is not None:
        confidential.is_confidential = True
        confidential.save(update_fields=["is_confidential"])
        confidential.confidential_to.set([users["senco"], users["head"]])
    newcomer = User(
        username="new.ta", first_name="Nia", last_name="Newcomer", is_demo=True, is_active=False
    )
    newcomer.email = "new.ta@demo.example.org"
    newcomer.set_unusable_password()
    newcomer.save()
    role = Membership.objects.create(user=newcomer, school=school, role=Role.TEACHING_ASSISTANT)
    Invitation.objects.create(
        user=newcomer,
        membership=role,
        token_hash="demo-" + "0" * 59,
        invited_by=users["senco"],
        expires_at=timezone.now() + dt.timedelta(days=7),
    )


def refresh_planner_statistics() -> None:
    """After a bulk load PostgreSQL's planner still sees the empty tables until autovacuum runs."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def build(options: Options) -> Built:
    rng = random.Random(options.seed)
    fake = Faker("en_GB")
    fake.seed_instance(options.seed)
    with transaction.atomic():
        remove_demo()
        trust = Trust.objects.create(name="Northfield Learning Trust", is_demo=True)
        schools, builders = [], []
        for i in range(options.schools):
            size = options.pupils if i == 0 else (options.other_pupils or options.pupils)
            phase = Phase.SECONDARY if (size > 700 if i == 0 else i % 4 == 3) else Phase.PRIMARY
            school = School.objects.create(
                trust=trust,
                name=f"{SCHOOL_NAMES[i % len(SCHOOL_NAMES)]} "
                + ("Academy" if phase == Phase.SECONDARY else "Primary School")
                + (f" {i // len(SCHOOL_NAMES) + 1}" if i >= len(SCHOOL_NAMES) else ""),
                urn=f"{990000 + i:06d}",
                la_code="999",
                establishment_number=f"{(2000 if phase == Phase.PRIMARY else 4000) + i:04d}",
                phase=phase,
                address=fake.street_address() + "\n" + fake.city(),
                postcode=fake.postcode(),
                is_demo=True,
            )
            builder = SchoolBuilder(options, school, size, rng, fake)
            builder.build()
            transfers.add_details(school, options.seed * 1000 + i)
            schools.append(school)
            builders.append(builder)
        users = _personas(builders[0], trust, options.password)
        _access_examples(builders[0].school, users, options.password, builders[0].today)
        transfers.waiting_transfer(
            builders[0].school, users["senco"], options.seed, builders[0].today
        )
        for part in (register_demo, concerns, passports, reports, provision, plans, meetings, ehcp):
            part.build(builders[0].school, users, options.seed, builders[0].today)
        if len(builders) > 1:
            member = builders[1].staff[0]
            users["other_senco"] = _staff_user(
                builders[1].school, member, "other_senco", Role.SENCO, options.password
            )
    refresh_planner_statistics()
    return Built(trust=trust, schools=schools, users=users)
