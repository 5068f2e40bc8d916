"""Permission-matrix rows for the provision groups pages (merged by tests/provision/matrix.py).

A group is seen by the SEN leads and the head, and by the staff who run it: 404 for anyone
else (another school's SENCO, a teacher asking for a group they do not run). Sessions are
recorded by the SEN leads and the group's staff (the head sees the group: 403); results are
linked by the SEN leads (403 for the head and the group's TA)."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from senco.accounts.models import User
from senco.provision import services
from senco.provision.models import Group
from senco.schools.models import Staff
from tests import targets
from tests.matrix import answers

TA_GROUP = "Toe by Toe, Tuesday and Thursday"  # the demo's: run by `ta`, running now
TEACHER_GROUP = "Fine motor group, mornings"  # the demo's: run by `teacher`


def demo_group(name: str) -> Group:
    return Group.objects.get(school=targets.home_school(), name=name)


def group_elsewhere() -> Group:
    """A group at the second school, run by its SENCO."""
    school = targets.other_school()
    senco = User.objects.get(username="other_senco")
    provision = services.save_provision(
        school,
        by=senco,
        name="Reading catch-up",
        area="CL",
        wave=2,
        delivery="withdrawal",
        staff_role="ta",
        session_minutes=20,
        sessions_per_week=Decimal(3),
        weeks=10,
    )
    today = dt.date.today()
    return services.start_group(
        provision,
        by=senco,
        name="Reading catch-up, Monday",
        staff=[Staff.objects.get(user=senco)],
        pupils=[targets.pupil_elsewhere()],
        starts=today - dt.timedelta(days=21),
        ends=today + dt.timedelta(days=21),
    )


TARGETS: dict[str, Callable[[], dict]] = {
    "ta_group": lambda: {"public_id": demo_group(TA_GROUP).public_id},
    "teacher_group": lambda: {"public_id": demo_group(TEACHER_GROUP).public_id},
    "group_elsewhere": lambda: {"public_id": group_elsewhere().public_id},
}

RUN_BY_TA = {"senco": 200, "head": 200, "ta": 200}
RECORDS_TA = {"senco": 200, "head": 403, "ta": 200}
ROWS: dict[tuple[str, str, str], dict[str, int]] = {
    ("provision:groups", "", "GET"): answers(
        403, senco=200, head=200, teacher=200, other_teacher=200, ta=200, other_senco=200
    ),
    ("provision:group_new", "", "GET"): answers(403, senco=200, other_senco=200),
    # An empty form comes back with its errors.
    ("provision:group_new", "", "POST"): answers(403, senco=200, other_senco=200),
    ("provision:group", "ta_group", "GET"): answers(404, **RUN_BY_TA),
    ("provision:group", "teacher_group", "GET"): answers(404, senco=200, head=200, teacher=200),
    ("provision:group", "group_elsewhere", "GET"): answers(404, other_senco=200),
    ("provision:group", "missing", "GET"): answers(404),
    ("provision:session_new", "ta_group", "GET"): answers(404, **RECORDS_TA),
    ("provision:session_new", "ta_group", "POST"): answers(404, **RECORDS_TA),
    ("provision:session_new", "teacher_group", "GET"): answers(
        404, senco=200, head=403, teacher=200
    ),
    ("provision:session_new", "group_elsewhere", "POST"): answers(404, other_senco=200),
    ("provision:session_new", "missing", "GET"): answers(404),
    ("provision:group_results", "ta_group", "GET"): answers(404, senco=200, head=403, ta=403),
    # An empty form clears no result it has not been shown: nothing to save, back to the group.
    ("provision:group_results", "ta_group", "POST"): answers(404, senco=302, head=403, ta=403),
    ("provision:group_results", "group_elsewhere", "GET"): answers(404, other_senco=200),
    ("provision:group_results", "missing", "POST"): answers(404),
}
