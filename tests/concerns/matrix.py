"""Permission-matrix rows for the concerns pages (merged into tests/test_permissions.py).

Targets "taught", "child", "elsewhere" and "missing" name pupils (see `address` there); any
other target is a key of TARGETS, a function returning the URL's keyword arguments.

Any member of staff raises a concern and reads the ones they raised (never the pupil's file);
the SEN leads read and decide every concern of their school; the monitoring list is theirs and
the head's. Anyone else asking for a concern, its evidence or a monitoring entry gets 404.
"""

from collections.abc import Callable

from tests import targets
from tests.concerns import helpers
from tests.matrix import answers

STAFF = {"senco": 200, "head": 200, "teacher": 200, "other_teacher": 200, "ta": 200}
STAFF |= {"other_senco": 200}

ROWS: dict[tuple[str, str, str], dict[str, int]] = {
    # Raising: any member of staff, in the school they work in; a POST without a pupil chosen
    # shows the search again.
    ("concerns:raise", "", "GET"): answers(403, **STAFF),
    ("concerns:raise", "", "POST"): answers(403, **STAFF),
    # The queue (SEN leads) or one's own concerns (other staff).
    ("concerns:list", "", "GET"): answers(403, **STAFF),
    # A concern `teacher` raised about a pupil they teach: the SENCO decides, the teacher reads.
    ("concerns:detail", "teachers_concern", "GET"): answers(404, senco=200, teacher=200),
    ("concerns:detail", "teachers_concern", "POST"): answers(404, senco=200, teacher=403),
    # A concern `ta` raised about the parent's child: not the parent's to read.
    ("concerns:detail", "concern_about_child", "GET"): answers(404, senco=200, ta=200),
    ("concerns:detail", "concern_about_child", "POST"): answers(404, senco=200, ta=403),
    ("concerns:detail", "elsewhere_concern", "GET"): answers(404, other_senco=200),
    ("concerns:detail", "elsewhere_concern", "POST"): answers(404, other_senco=200),
    # A pupil's id is not a concern's.
    ("concerns:detail", "taught", "GET"): answers(404),
    ("concerns:detail", "missing", "GET"): answers(404),
    # Evidence: the SEN leads only, not even the person who attached it.
    ("concerns:attachment", "concern_attachment", "GET"): answers(404, senco=200),
    ("concerns:attachment", "elsewhere_attachment", "GET"): answers(404, other_senco=200),
    ("concerns:monitoring", "", "GET"): answers(403, senco=200, head=200, other_senco=200),
    ("concerns:monitoring_entry", "monitoring_entry", "GET"): answers(404, senco=200, head=200),
    ("concerns:monitoring_entry", "monitoring_entry", "POST"): answers(404, senco=200, head=403),
    ("concerns:monitoring_entry", "elsewhere_monitoring", "GET"): answers(404, other_senco=200),
    ("concerns:monitoring_entry", "elsewhere_monitoring", "POST"): answers(404, other_senco=200),
    ("concerns:monitoring_entry", "missing", "GET"): answers(404),
}


def _attachment(concern) -> dict:
    return {
        "public_id": concern.public_id,
        "attachment_id": concern.attachments.get().public_id,
    }


TARGETS: dict[str, Callable[[], dict]] = {
    "teachers_concern": lambda: {"public_id": helpers.teachers_concern().public_id},
    "concern_about_child": lambda: {
        "public_id": helpers.raise_about(targets.parents_child(), "ta").public_id
    },
    "elsewhere_concern": lambda: {"public_id": helpers.elsewhere_concern().public_id},
    "concern_attachment": lambda: _attachment(helpers.with_attachment()),
    "elsewhere_attachment": lambda: _attachment(
        helpers.raise_about(
            targets.pupil_elsewhere(), "other_senco", documents=[helpers.document()]
        )
    ),
    "monitoring_entry": lambda: {"public_id": helpers.open_monitoring().public_id},
    "elsewhere_monitoring": lambda: {
        "public_id": helpers.open_monitoring(targets.other_school()).public_id
    },
}
