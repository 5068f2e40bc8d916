"""Permission-matrix rows for the plain-English check and the plan's documents (merged into
tests/plans/matrix.py), and the plans those rows and tests ask for.

The plain-English check is the SEN leads' (plan.write); the plan and its reviews are downloaded
by everyone who reads the plan (plan.read): staff who teach the pupil, the SEN leads, the head
and the pupil's parents. A cycle asked for through another pupil, or one not yet reviewed,
answers 404 like a pupil one may not see.
"""

from collections.abc import Callable

from senco.pupils.models import Pupil
from tests import targets
from tests.matrix import SEES_TAUGHT, answers
from tests.plans import helpers

SEES_CHILD = {"senco": 200, "head": 200, "parent": 200}
SEN_LEAD_ONLY_TAUGHT = {"senco": 200, "head": 403, "teacher": 403, "ta": 403}


def _pupil(pick: Callable[[], Pupil]) -> Callable[[], dict]:
    def kwargs() -> dict:
        pupil = pick()
        helpers.plan_for(pupil)
        return {"public_id": pupil.public_id}

    return kwargs


def _review(pick: Callable[[], Pupil]) -> Callable[[], dict]:
    def kwargs() -> dict:
        pupil = pick()
        return {"public_id": pupil.public_id, "cycle_id": helpers.reviewed_cycle(pupil).public_id}

    return kwargs


def _cycle_of_another() -> dict:
    """The taught pupil's address with the parent's child's reviewed cycle."""
    helpers.plan_for(targets.taught_pupil())
    cycle = helpers.reviewed_cycle(targets.parents_child())
    return {"public_id": targets.taught_pupil().public_id, "cycle_id": cycle.public_id}


def _open_cycle() -> dict:
    pupil = targets.taught_pupil()
    return {"public_id": pupil.public_id, "cycle_id": helpers.current(pupil).public_id}


DOCUMENTS = ["pupils:plans:pdf", "pupils:plans:docx"]
REVIEWS = ["pupils:plans:review_pdf", "pupils:plans:review_docx"]

ROWS: dict[tuple[str, str, str], dict[str, int]] = {
    ("pupils:plans:plain_english", "taught_plan", "GET"): answers(404, **SEN_LEAD_ONLY_TAUGHT),
    ("pupils:plans:plain_english", "child_plan", "GET"): answers(
        404, senco=200, head=403, parent=403
    ),
    ("pupils:plans:plain_english", "elsewhere_plan", "GET"): answers(404, other_senco=200),
    ("pupils:plans:plain_english", "missing", "GET"): answers(404),
    ("pupils:plans:plain_english", "taught_plan", "POST"): answers(405),
    **{(name, "taught_plan", "GET"): answers(404, **SEES_TAUGHT) for name in DOCUMENTS},
    **{(name, "child_plan", "GET"): answers(404, **SEES_CHILD) for name in DOCUMENTS},
    **{(name, "elsewhere_plan", "GET"): answers(404, other_senco=200) for name in DOCUMENTS},
    **{(name, "missing", "GET"): answers(404) for name in DOCUMENTS},
    **{(name, "taught_plan", "POST"): answers(405) for name in DOCUMENTS},
    **{(name, "taught_review", "GET"): answers(404, **SEES_TAUGHT) for name in REVIEWS},
    **{(name, "child_review", "GET"): answers(404, **SEES_CHILD) for name in REVIEWS},
    **{(name, "elsewhere_review", "GET"): answers(404, other_senco=200) for name in REVIEWS},
    **{(name, "review_of_another", "GET"): answers(404) for name in REVIEWS},
    **{(name, "open_cycle", "GET"): answers(404) for name in REVIEWS},
    **{(name, "taught_review", "POST"): answers(405) for name in REVIEWS},
}

TARGETS: dict[str, Callable[[], dict]] = {
    "taught_plan": _pupil(targets.taught_pupil),
    "child_plan": _pupil(targets.parents_child),
    "elsewhere_plan": _pupil(targets.pupil_elsewhere),
    "taught_review": _review(targets.taught_pupil),
    "child_review": _review(targets.parents_child),
    "elsewhere_review": _review(targets.pupil_elsewhere),
    "review_of_another": _cycle_of_another,
    "open_cycle": _open_cycle,
}
