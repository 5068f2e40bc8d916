"""Provision, groups and results the provision tests ask for."""

import datetime as dt
from decimal import Decimal

from senco.accounts.models import User
from senco.assessment.models import AssessmentType, Result
from senco.provision import services
from senco.provision.models import Group, Provision
from senco.pupils.models import Pupil
from senco.schools.models import Staff
from tests import targets

TODAY = dt.date.today()


def senco() -> User:
    return User.objects.get(username="senco")


def reading_age() -> AssessmentType:
    """A reading-age test of the demo school."""
    return AssessmentType.objects.filter(school=targets.home_school(), kind="reading_age")[0]


def library_entry(**fields) -> Provision:
    values = {
        "name": "Reading catch-up (test)",
        "area": "CL",
        "wave": 2,
        "delivery": "withdrawal",
        "staff_role": "ta",
        "session_minutes": 30,
        "sessions_per_week": Decimal(3),
        "weeks": 10,
        "group_size": 4,
        "entry_assessment": reading_age(),
        "exit_assessment": reading_age(),
    } | fields
    return services.save_provision(targets.home_school(), by=senco(), **values)


def pupils(n: int = 4) -> list[Pupil]:
    return list(
        Pupil.objects.filter(
            school=targets.home_school(), sen_provision="K", left_on__isnull=True
        ).order_by("pk")[:n]
    )


def ta_staff() -> Staff:
    return Staff.objects.get(user__username="ta")


def group(provision: Provision | None = None, members: list[Pupil] | None = None) -> Group:
    return services.start_group(
        provision or library_entry(),
        by=senco(),
        name="Year 3 reading, Tuesday",
        staff=[ta_staff()],
        pupils=members or pupils(),
        starts=TODAY - dt.timedelta(days=70),
        ends=TODAY + dt.timedelta(days=10),
        timetable="Tue, Thu 9:10",
    )


def result(pupil: Pupil, months: int, taken_on: dt.date) -> Result:
    return Result.objects.create(
        pupil=pupil, assessment_type=reading_age(), taken_on=taken_on, months=months
    )
