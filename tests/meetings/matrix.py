"""Permission-matrix rows for the meetings and contact log pages (merged into
tests/test_permissions.py).

Meetings are read by the SEN leads, the head, the teachers who teach the pupil and the pupil's
parents; written by the SEN leads and the head. The contact log is read by the SEN leads and the
head and added to by them and by the teachers and TAs who teach the pupil; never by parents. A
POST without data gets the form back with its errors (200). Another pupil's meeting asked for
through a visible pupil answers 404, as does anything about a pupil the user cannot see.
"""

from collections.abc import Callable

from tests import targets
from tests.matrix import SEES_TAUGHT, answers
from tests.meetings import helpers

TAUGHT_READERS = {"senco": 200, "head": 200, "teacher": 200, "ta": 403}
CHILD_READERS = {"senco": 200, "head": 200, "parent": 200}
TAUGHT_WRITERS = {"senco": 200, "head": 200, "teacher": 403, "ta": 403}
CHILD_WRITERS = {"senco": 200, "head": 200, "parent": 403}
SCHOOL_READERS = {"senco": 200, "head": 200, "teacher": 200, "other_teacher": 200,
                  "parent": 200, "other_parent": 200, "other_senco": 200}  # fmt: skip


ROWS: dict[tuple[str, str, str], dict[str, int]] = {
    ("pupils:meetings:list", "taught", "GET"): answers(404, **TAUGHT_READERS),
    ("pupils:meetings:list", "child", "GET"): answers(404, **CHILD_READERS),
    ("pupils:meetings:list", "elsewhere", "GET"): answers(404, other_senco=200),
    ("pupils:meetings:list", "missing", "GET"): answers(404),
    ("pupils:meetings:schedule", "taught", "GET"): answers(404, **TAUGHT_WRITERS),
    ("pupils:meetings:schedule", "taught", "POST"): answers(404, **TAUGHT_WRITERS),
    ("pupils:meetings:schedule", "child", "POST"): answers(404, **CHILD_WRITERS),
    ("pupils:meetings:schedule", "elsewhere", "POST"): answers(404, other_senco=200),
    ("pupils:meetings:record_held", "taught", "GET"): answers(404, **TAUGHT_WRITERS),
    ("pupils:meetings:record_held", "child", "POST"): answers(404, **CHILD_WRITERS),
    ("pupils:meetings:record_held", "missing", "POST"): answers(404),
    ("pupils:meetings:detail", "taught_meeting", "GET"): answers(404, **TAUGHT_READERS),
    ("pupils:meetings:detail", "child_meeting", "GET"): answers(404, **CHILD_READERS),
    # Another pupil's meeting asked for through a child the user can see: 404 for readers (a
    # parent who may not change meetings is refused that first, 403, below).
    ("pupils:meetings:detail", "meeting_of_another", "GET"): answers(404),
    ("pupils:meetings:change", "taught_meeting", "GET"): answers(404, **TAUGHT_WRITERS),
    ("pupils:meetings:change", "child_meeting", "POST"): answers(404, **CHILD_WRITERS),
    ("pupils:meetings:change", "meeting_of_another", "POST"): answers(404, parent=403),
    ("pupils:meetings:record", "taught_meeting", "GET"): answers(404, **TAUGHT_WRITERS),
    ("pupils:meetings:record", "child_meeting", "POST"): answers(404, **CHILD_WRITERS),
    ("pupils:meetings:record", "meeting_of_another", "POST"): answers(404, parent=403),
    ("pupils:meetings:cancel", "taught_meeting", "GET"): answers(404, **TAUGHT_WRITERS),
    ("pupils:meetings:cancel", "child_meeting", "POST"): answers(404, **CHILD_WRITERS),
    ("pupils:meetings:invite", "taught_meeting", "GET"): answers(405),
    ("pupils:meetings:invite", "taught_meeting", "POST"): answers(
        404, senco=302, head=302, teacher=403, ta=403
    ),
    ("pupils:meetings:invite", "child_meeting", "POST"): answers(
        404, senco=302, head=302, parent=403
    ),
    ("pupils:meetings:invite", "meeting_of_another", "POST"): answers(404, parent=403),
    ("pupils:meetings:pdf", "taught_meeting", "GET"): answers(404, **TAUGHT_READERS),
    ("pupils:meetings:pdf", "child_meeting", "GET"): answers(404, **CHILD_READERS),
    ("pupils:meetings:pdf", "meeting_of_another", "GET"): answers(404),
    ("pupils:meetings:docx", "taught_meeting", "GET"): answers(404, **TAUGHT_READERS),
    ("pupils:meetings:docx", "child_meeting", "GET"): answers(404, **CHILD_READERS),
    ("pupils:meetings:docx", "meeting_of_another", "GET"): answers(404),
    ("pupils:meetings:chronology", "taught", "GET"): answers(404, **SEES_TAUGHT),
    ("pupils:meetings:chronology", "taught", "POST"): answers(404, **SEES_TAUGHT),
    ("pupils:meetings:chronology", "child", "GET"): answers(404, senco=200, head=200, parent=403),
    ("pupils:meetings:chronology", "child", "POST"): answers(404, senco=200, head=200, parent=403),
    ("pupils:meetings:chronology", "elsewhere", "GET"): answers(404, other_senco=200),
    ("pupils:meetings:chronology", "missing", "GET"): answers(404),
    # An entry by the SENCO: teachers and TAs who may only add see only their own entries.
    ("pupils:meetings:correct", "taught_entry", "GET"): answers(
        404, senco=200, head=200, teacher=404, ta=404
    ),
    ("pupils:meetings:correct", "child_entry", "POST"): answers(
        404, senco=200, head=200, parent=403
    ),
    ("pupils:meetings:correct", "entry_of_another", "GET"): answers(404, parent=403),
    ("pupils:meetings:follow_up_done", "taught_entry", "GET"): answers(405),
    ("pupils:meetings:follow_up_done", "taught_entry", "POST"): answers(
        404, senco=302, head=302, teacher=404, ta=404
    ),
    ("pupils:meetings:follow_up_done", "child_entry", "POST"): answers(
        404, senco=302, head=302, parent=403
    ),
    ("meetings:list", "", "GET"): answers(403, **SCHOOL_READERS),
    ("meetings:behind", "", "GET"): answers(403, senco=200, head=200, other_senco=200),
}


def _meeting(pupil) -> dict:
    meeting = helpers.scheduled(pupil)
    return {"public_id": pupil.public_id, "meeting_id": meeting.public_id}


def _entry(pupil) -> dict:
    entry = helpers.entry(pupil, follow_up="Send the form")
    return {"public_id": pupil.public_id, "entry_id": entry.public_id}


def _of_another(key: str, make) -> Callable[[], dict]:
    """A real record of the taught pupil, asked for through the parent's child."""

    def kwargs() -> dict:
        found = make(targets.taught_pupil())
        return {"public_id": targets.parents_child().public_id, key: found.public_id}

    return kwargs


TARGETS: dict[str, Callable[[], dict]] = {
    "taught_meeting": lambda: _meeting(targets.taught_pupil()),
    "child_meeting": lambda: _meeting(targets.parents_child()),
    "meeting_of_another": _of_another("meeting_id", helpers.scheduled),
    "taught_entry": lambda: _entry(targets.taught_pupil()),
    "child_entry": lambda: _entry(targets.parents_child()),
    "entry_of_another": _of_another("entry_id", helpers.entry),
}
