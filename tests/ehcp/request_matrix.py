"""Permission-matrix rows for the EHC request pages (merged by tests/ehcp/matrix.py).

Requests, their stages and the evidence pack are caseload work (`ehcp.caseload`): the SEN leads
and the head read them; only the SEN leads record (`ehcp.manage`). A teacher or TA who teaches
the pupil, or the pupil's parent, sees the pupil but not these pages (403); everyone else gets
404, and so does a request of another pupil asked for under a visible pupil's address. A POST
without data gets the form back with its errors (200).
"""

from collections.abc import Callable

from tests import targets
from tests.ehcp.helpers import request_for
from tests.matrix import answers

# Targets are prefixed "na_" (needs assessment): the parts' TARGETS share one dict.
MISSING = "00000000-0000-4000-8000-000000000000"
READS_TAUGHT = {"senco": 200, "head": 200, "teacher": 403, "ta": 403}
READS_CHILD = {"senco": 200, "head": 200, "parent": 403}
WRITES_TAUGHT = {"senco": 200, "head": 403, "teacher": 403, "ta": 403}
WRITES_CHILD = {"senco": 200, "head": 403, "parent": 403}
# Another pupil's request under the taught pupil's address: 404 for those who may read or
# record requests; those who may not are refused before the request is looked up.
OTHERS_TAUGHT = {"teacher": 403, "ta": 403}
NOT_MANAGING = {"head": 403, "teacher": 403, "ta": 403}

ROWS: dict[tuple[str, str, str], dict[str, int]] = {
    ("pupils:ehcp:request_new", "na_pupil_taught", "GET"): answers(404, **WRITES_TAUGHT),
    ("pupils:ehcp:request_new", "na_pupil_taught", "POST"): answers(404, **WRITES_TAUGHT),
    ("pupils:ehcp:request_new", "na_pupil_child", "GET"): answers(404, **WRITES_CHILD),
    ("pupils:ehcp:request_new", "na_pupil_child", "POST"): answers(404, **WRITES_CHILD),
    ("pupils:ehcp:request_new", "na_pupil_elsewhere", "GET"): answers(404, other_senco=200),
    ("pupils:ehcp:request_new", "na_pupil_missing", "GET"): answers(404),
    ("pupils:ehcp:request", "na_taught", "GET"): answers(404, **READS_TAUGHT),
    ("pupils:ehcp:request", "na_child", "GET"): answers(404, **READS_CHILD),
    ("pupils:ehcp:request", "na_elsewhere", "GET"): answers(404, other_senco=200),
    ("pupils:ehcp:request", "na_of_another", "GET"): answers(404, **OTHERS_TAUGHT),
    ("pupils:ehcp:request", "na_missing_pupil", "GET"): answers(404),
    ("pupils:ehcp:request_stage", "na_taught", "GET"): answers(405),
    ("pupils:ehcp:request_stage", "na_taught", "POST"): answers(404, **WRITES_TAUGHT),
    ("pupils:ehcp:request_stage", "na_child", "POST"): answers(404, **WRITES_CHILD),
    ("pupils:ehcp:request_stage", "na_elsewhere", "POST"): answers(404, other_senco=200),
    ("pupils:ehcp:request_stage", "na_of_another", "POST"): answers(404, **NOT_MANAGING),
    ("pupils:ehcp:request_exception", "na_taught", "GET"): answers(405),
    ("pupils:ehcp:request_exception", "na_taught", "POST"): answers(404, **WRITES_TAUGHT),
    ("pupils:ehcp:request_exception", "na_child", "POST"): answers(404, **WRITES_CHILD),
    ("pupils:ehcp:request_exception", "na_of_another", "POST"): answers(404, **NOT_MANAGING),
    ("pupils:ehcp:request_evidence", "na_taught", "GET"): answers(404, **READS_TAUGHT),
    ("pupils:ehcp:request_evidence", "na_child", "GET"): answers(404, **READS_CHILD),
    ("pupils:ehcp:request_evidence", "na_elsewhere", "GET"): answers(404, other_senco=200),
    ("pupils:ehcp:request_evidence", "na_of_another", "GET"): answers(404, **OTHERS_TAUGHT),
}


def _request(pupil) -> dict:
    return {"public_id": pupil.public_id, "request_id": request_for(pupil).public_id}


TARGETS: dict[str, Callable[[], dict]] = {
    "na_pupil_taught": lambda: {"public_id": targets.taught_pupil().public_id},
    "na_pupil_child": lambda: {"public_id": targets.parents_child().public_id},
    "na_pupil_elsewhere": lambda: {"public_id": targets.pupil_elsewhere().public_id},
    "na_pupil_missing": lambda: {"public_id": MISSING},
    "na_taught": lambda: _request(targets.taught_pupil()),
    "na_child": lambda: _request(targets.parents_child()),
    "na_elsewhere": lambda: _request(targets.pupil_elsewhere()),
    # A real request, asked for under the address of a pupil it does not belong to.
    "na_of_another": lambda: {
        "public_id": targets.taught_pupil().public_id,
        "request_id": request_for(targets.parents_child()).public_id,
    },
    "na_missing_pupil": lambda: {
        "public_id": MISSING,
        "request_id": request_for(targets.taught_pupil()).public_id,
    },
}
