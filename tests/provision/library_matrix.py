"""Permission-matrix rows for the provision library pages (merged by tests/provision/matrix.py).

The library is read by the SEN leads, the head, teachers and TAs of its school; added to and
changed by the SEN leads; an entry of another school is not found (404). Costs are part of the
pages, not addresses of their own. The standard hourly rates are the head's and the
administrator's. A POST without data gets the form back with its errors (200); the rates form
without data changes nothing and goes back to the rates (302).
"""

from collections.abc import Callable
from decimal import Decimal

from senco.accounts.models import User
from senco.provision import services
from senco.schools.models import School
from tests import targets
from tests.matrix import answers

READERS = {"senco": 200, "head": 200, "teacher": 200, "other_teacher": 200, "ta": 200}
HOME_READERS_ELSEWHERE = dict.fromkeys(READERS, 404)


def entry_of(school: School, username: str) -> dict:
    provision = services.save_provision(
        school,
        by=User.objects.get(username=username),
        name="Matrix check: precision teaching",
        area="CL",
        wave=2,
        delivery="withdrawal",
        staff_role="ta",
        session_minutes=20,
        sessions_per_week=Decimal(3),
        weeks=10,
        group_size=3,
    )
    return {"public_id": provision.public_id}


ROWS: dict[tuple[str, str, str], dict[str, int]] = {
    ("provision:library", "", "GET"): answers(403, **READERS, other_senco=200),
    ("provision:library_new", "", "GET"): answers(403, senco=200, other_senco=200),
    ("provision:library_new", "", "POST"): answers(403, senco=200, other_senco=200),
    ("provision:library_detail", "library_entry", "GET"): answers(403, **READERS, other_senco=404),
    ("provision:library_detail", "library_entry_elsewhere", "GET"): answers(
        403, **HOME_READERS_ELSEWHERE, other_senco=200
    ),
    ("provision:library_edit", "library_entry", "GET"): answers(403, senco=200, other_senco=404),
    ("provision:library_edit", "library_entry", "POST"): answers(403, senco=200, other_senco=404),
    ("provision:library_edit", "library_entry_elsewhere", "GET"): answers(
        403, senco=404, other_senco=200
    ),
    ("provision:library_edit", "library_entry_elsewhere", "POST"): answers(
        403, senco=404, other_senco=200
    ),
    ("provision:rates", "", "GET"): answers(403, head=200, admin=200),
    ("provision:rates", "", "POST"): answers(403, head=302, admin=302),
}
TARGETS: dict[str, Callable[[], dict]] = {
    "library_entry": lambda: entry_of(targets.home_school(), "senco"),
    "library_entry_elsewhere": lambda: entry_of(targets.other_school(), "other_senco"),
}
