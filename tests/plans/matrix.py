"""Permission-matrix rows for the plan pages (merged into tests/test_permissions.py).

Plans are read by those who work with the pupil (the SEN leads, the head, the teachers and TAs
who teach them) and by their parents, who see the parents' version; the working record (every
cycle's notes and versions) stays with staff. The SEN leads write and review; teachers and TAs
who teach the pupil add notes; parents add their view. A POST without data gets the form back
with its errors (200); a locked cycle or an existing plan redirects (302).
"""

from collections.abc import Callable

from tests import targets
from tests.matrix import SEES_TAUGHT, answers
from tests.plans import documents_matrix, helpers

SEES_CHILD = {"senco": 200, "head": 200, "parent": 200}
STAFF_OF_CHILD = {"senco": 200, "head": 200, "parent": 403}
WRITES_TAUGHT = {"senco": 200, "head": 403, "teacher": 403, "ta": 403}
WRITES_CHILD = {"senco": 200, "head": 403, "parent": 403}
NOTES_TAUGHT = {"senco": 200, "head": 403, "teacher": 200, "ta": 200}
REVIEWS_DUE = {
    "senco": 200, "head": 200, "teacher": 200, "ta": 200, "other_teacher": 200, "other_senco": 200,
}  # fmt: skip

ROWS: dict[tuple[str, str, str], dict[str, int]] = {
    ("pupils:plans:detail", "plan_taught", "GET"): answers(404, **SEES_TAUGHT),
    ("pupils:plans:detail", "plan_child", "GET"): answers(404, **SEES_CHILD),
    ("pupils:plans:detail", "elsewhere", "GET"): answers(404, other_senco=200),
    ("pupils:plans:detail", "missing", "GET"): answers(404),
    ("pupils:plans:start", "plan_taught", "GET"): answers(404, **WRITES_TAUGHT | {"senco": 302}),
    ("pupils:plans:start", "plan_taught", "POST"): answers(404, **WRITES_TAUGHT | {"senco": 302}),
    ("pupils:plans:start", "plan_child", "GET"): answers(404, **WRITES_CHILD | {"senco": 302}),
    ("pupils:plans:start", "missing", "GET"): answers(404),
    ("pupils:plans:cycle", "cycle_taught", "GET"): answers(404, **SEES_TAUGHT),
    ("pupils:plans:cycle", "cycle_child", "GET"): answers(404, **STAFF_OF_CHILD),
    ("pupils:plans:cycle", "reviewed_taught", "GET"): answers(404, **SEES_TAUGHT),
    ("pupils:plans:edit", "cycle_taught", "GET"): answers(404, **WRITES_TAUGHT),
    ("pupils:plans:edit", "cycle_taught", "POST"): answers(404, **WRITES_TAUGHT),
    ("pupils:plans:edit", "cycle_child", "GET"): answers(404, **WRITES_CHILD),
    ("pupils:plans:edit", "reviewed_taught", "GET"): answers(404, **WRITES_TAUGHT | {"senco": 302}),
    ("pupils:plans:note", "cycle_taught", "GET"): answers(405),
    ("pupils:plans:note", "cycle_taught", "POST"): answers(404, **NOTES_TAUGHT),
    ("pupils:plans:note", "cycle_child", "POST"): answers(404, **WRITES_CHILD),
    ("pupils:plans:parent_view", "cycle_child", "GET"): answers(405),
    ("pupils:plans:parent_view", "cycle_child", "POST"): answers(
        404, senco=403, head=403, parent=200
    ),
    ("pupils:plans:parent_view", "cycle_taught", "POST"): answers(
        404, senco=403, head=403, teacher=403, ta=403
    ),
    ("pupils:plans:review", "cycle_taught", "GET"): answers(404, **WRITES_TAUGHT),
    ("pupils:plans:review", "cycle_taught", "POST"): answers(404, **WRITES_TAUGHT),
    ("pupils:plans:review", "cycle_child", "GET"): answers(404, **WRITES_CHILD),
    ("pupils:plans:review", "reviewed_taught", "POST"): answers(
        404, **WRITES_TAUGHT | {"senco": 302}
    ),
    ("pupils:plans:version", "version_taught", "GET"): answers(404, **SEES_TAUGHT),
    ("pupils:plans:version", "version_child", "GET"): answers(404, **STAFF_OF_CHILD),
    ("plans:reviews_due", "", "GET"): answers(403, **REVIEWS_DUE),
}


def _plan(pupil) -> dict:
    helpers.open_cycle(pupil)
    return {"public_id": pupil.public_id}


def _cycle(cycle) -> dict:
    return {"public_id": cycle.plan.pupil.public_id, "cycle_id": cycle.public_id}


def _version(pupil) -> dict:
    return _cycle(helpers.open_cycle(pupil)) | {"number": 1}


TARGETS: dict[str, Callable[[], dict]] = {
    "plan_taught": lambda: _plan(targets.taught_pupil()),
    "plan_child": lambda: _plan(targets.parents_child()),
    "cycle_taught": lambda: _cycle(helpers.open_cycle(targets.taught_pupil())),
    "cycle_child": lambda: _cycle(helpers.open_cycle(targets.parents_child())),
    "reviewed_taught": lambda: _cycle(helpers.reviewed_cycle(targets.taught_pupil())),
    "version_taught": lambda: _version(targets.taught_pupil()),
    "version_child": lambda: _version(targets.parents_child()),
}

# The plain-English check and the documents keep their rows beside their tests.
ROWS |= documents_matrix.ROWS
TARGETS |= documents_matrix.TARGETS
