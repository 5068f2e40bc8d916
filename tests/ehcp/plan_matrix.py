"""Permission-matrix rows for the EHC plan pages (merged by tests/ehcp/matrix.py).

The plan is read (`ehcp.read`) by the SEN leads, the head, the teachers and TAs who teach the
pupil and the pupil's parents; only the SEN leads record, amend, change or cease it
(`ehcp.manage`); section F delivered is caseload work (`ehcp.caseload`: the SEN leads and the
head). Everyone else gets 404, and so does a plan of another pupil asked for under a visible
pupil's address (after the 403 of those who may not do the action at all). A POST without data
gets the form back with its errors (200); recording a plan for a pupil who has one redirects
to it (302).
"""

from collections.abc import Callable

from senco import access
from senco.ehcp.models import EHCPlan
from tests import targets
from tests.ehcp.helpers import ehc_plan_for
from tests.matrix import SEES_TAUGHT, answers

# Targets are prefixed "ep_" (EHC plan): the parts' TARGETS share one dict.
MISSING = "00000000-0000-4000-8000-000000000000"
SEES_CHILD = {"senco": 200, "head": 200, "parent": 200}
WRITES_TAUGHT = {"senco": 200, "head": 403, "teacher": 403, "ta": 403}
WRITES_CHILD = {"senco": 200, "head": 403, "parent": 403}
CASELOAD_TAUGHT = {"senco": 200, "head": 200, "teacher": 403, "ta": 403}
CASELOAD_CHILD = {"senco": 200, "head": 200, "parent": 403}
NOT_MANAGING = {"head": 403, "teacher": 403, "ta": 403}

ROWS: dict[tuple[str, str, str], dict[str, int]] = {
    ("pupils:ehcp:plan", "ep_pupil_taught", "GET"): answers(404, **SEES_TAUGHT),
    ("pupils:ehcp:plan", "ep_pupil_child", "GET"): answers(404, **SEES_CHILD),
    ("pupils:ehcp:plan", "ep_pupil_elsewhere", "GET"): answers(404, other_senco=200),
    ("pupils:ehcp:plan", "ep_pupil_missing", "GET"): answers(404),
    ("pupils:ehcp:plan", "ep_without_plan", "GET"): answers(404, **SEES_TAUGHT),
    ("pupils:ehcp:plan_record", "ep_without_plan", "GET"): answers(404, **WRITES_TAUGHT),
    ("pupils:ehcp:plan_record", "ep_without_plan", "POST"): answers(404, **WRITES_TAUGHT),
    ("pupils:ehcp:plan_record", "ep_pupil_child", "GET"): answers(
        404, **WRITES_CHILD | {"senco": 302}
    ),
    ("pupils:ehcp:plan_record", "ep_pupil_child", "POST"): answers(
        404, **WRITES_CHILD | {"senco": 302}
    ),
    ("pupils:ehcp:plan_record", "ep_elsewhere_without_plan", "GET"): answers(404, other_senco=200),
    ("pupils:ehcp:plan_record", "ep_pupil_missing", "GET"): answers(404),
    ("pupils:ehcp:plan_amend", "ep_taught", "GET"): answers(404, **WRITES_TAUGHT),
    ("pupils:ehcp:plan_amend", "ep_taught", "POST"): answers(404, **WRITES_TAUGHT),
    ("pupils:ehcp:plan_amend", "ep_child", "GET"): answers(404, **WRITES_CHILD),
    ("pupils:ehcp:plan_amend", "ep_elsewhere", "POST"): answers(404, other_senco=200),
    ("pupils:ehcp:plan_amend", "ep_of_another", "GET"): answers(404, **NOT_MANAGING),
    ("pupils:ehcp:plan_amend", "ep_ceased", "GET"): answers(404, **WRITES_TAUGHT | {"senco": 302}),
    ("pupils:ehcp:plan_details", "ep_taught", "GET"): answers(404, **WRITES_TAUGHT),
    ("pupils:ehcp:plan_details", "ep_taught", "POST"): answers(404, **WRITES_TAUGHT),
    ("pupils:ehcp:plan_details", "ep_child", "POST"): answers(404, **WRITES_CHILD),
    ("pupils:ehcp:plan_details", "ep_elsewhere", "GET"): answers(404, other_senco=200),
    ("pupils:ehcp:plan_details", "ep_of_another", "POST"): answers(404, **NOT_MANAGING),
    ("pupils:ehcp:plan_cease", "ep_taught", "GET"): answers(405),
    ("pupils:ehcp:plan_cease", "ep_taught", "POST"): answers(404, **WRITES_TAUGHT),
    ("pupils:ehcp:plan_cease", "ep_child", "POST"): answers(404, **WRITES_CHILD),
    ("pupils:ehcp:plan_cease", "ep_elsewhere", "POST"): answers(404, other_senco=200),
    ("pupils:ehcp:plan_cease", "ep_of_another", "POST"): answers(404, **NOT_MANAGING),
    ("pupils:ehcp:plan_cease", "ep_ceased", "POST"): answers(404, **WRITES_TAUGHT | {"senco": 302}),
    ("pupils:ehcp:plan_version", "ep_version_taught", "GET"): answers(404, **SEES_TAUGHT),
    ("pupils:ehcp:plan_version", "ep_version_child", "GET"): answers(404, **SEES_CHILD),
    ("pupils:ehcp:plan_version", "ep_version_elsewhere", "GET"): answers(404, other_senco=200),
    ("pupils:ehcp:plan_version", "ep_version_of_another", "GET"): answers(404),
    ("pupils:ehcp:plan_version", "ep_version_missing", "GET"): answers(404),
    ("pupils:ehcp:plan_delivery", "ep_taught", "GET"): answers(404, **CASELOAD_TAUGHT),
    ("pupils:ehcp:plan_delivery", "ep_child", "GET"): answers(404, **CASELOAD_CHILD),
    ("pupils:ehcp:plan_delivery", "ep_elsewhere", "GET"): answers(404, other_senco=200),
    ("pupils:ehcp:plan_delivery", "ep_of_another", "GET"): answers(404, teacher=403, ta=403),
}


def _without_plan(pupil) -> dict:
    """The pupil, with any current EHC plan ceased today (kept, as an earlier plan)."""
    EHCPlan.objects.current().filter(pupil=pupil).update(ceased_on=access.today())
    return {"public_id": pupil.public_id}


def _with_plan(pupil) -> dict:
    ehc_plan_for(pupil)
    return {"public_id": pupil.public_id}


def _plan(pupil, **more) -> dict:
    return {"public_id": pupil.public_id, "plan_id": ehc_plan_for(pupil).public_id, **more}


def _ceased(pupil) -> dict:
    found = _plan(pupil)
    _without_plan(pupil)
    return found


TARGETS: dict[str, Callable[[], dict]] = {
    "ep_pupil_taught": lambda: _with_plan(targets.taught_pupil()),
    "ep_pupil_child": lambda: _with_plan(targets.parents_child()),
    "ep_pupil_elsewhere": lambda: _with_plan(targets.pupil_elsewhere()),
    "ep_pupil_missing": lambda: {"public_id": MISSING},
    "ep_without_plan": lambda: _without_plan(targets.taught_pupil()),
    "ep_elsewhere_without_plan": lambda: _without_plan(targets.pupil_elsewhere()),
    "ep_taught": lambda: _plan(targets.taught_pupil()),
    "ep_child": lambda: _plan(targets.parents_child()),
    "ep_elsewhere": lambda: _plan(targets.pupil_elsewhere()),
    "ep_ceased": lambda: _ceased(targets.taught_pupil()),
    # A real plan, asked for under the address of a pupil it does not belong to.
    "ep_of_another": lambda: {
        "public_id": targets.taught_pupil().public_id,
        "plan_id": ehc_plan_for(targets.parents_child()).public_id,
    },
    "ep_version_taught": lambda: _plan(targets.taught_pupil(), number=1),
    "ep_version_child": lambda: _plan(targets.parents_child(), number=1),
    "ep_version_elsewhere": lambda: _plan(targets.pupil_elsewhere(), number=1),
    "ep_version_of_another": lambda: {
        "public_id": targets.taught_pupil().public_id,
        "plan_id": ehc_plan_for(targets.parents_child()).public_id,
        "number": 1,
    },
    "ep_version_missing": lambda: _plan(targets.taught_pupil(), number=99),
}
