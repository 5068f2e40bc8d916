"""Permission-matrix rows for the passports pages (merged into tests/test_permissions.py).

Targets "taught", "child", "elsewhere" and "missing" name pupils (see `address` there); any
other target is a key of TARGETS, a function returning the URL's keyword arguments.

Passports are read by everyone who sees the pupil (staff who teach them, the SEN leads and the
head, their parents); written and answered by the SEN leads; acknowledged by the teachers and
TAs who teach the pupil; suggested on by parents. A POST without data gets the form back with
its errors (200); an acknowledgement redirects (302).
"""

from collections.abc import Callable

from tests.matrix import SEES_TAUGHT, answers
from tests.passports import helpers

SEES_CHILD = {"senco": 200, "head": 200, "parent": 200}
CLASS_STAFF = {"senco": 200, "head": 200, "teacher": 200, "ta": 200}
# Everyone else with classes.view works in a class they cannot see: 404; the rest 403.
OTHER_CLASS = {"other_teacher": 404, "other_senco": 404}

ROWS: dict[tuple[str, str, str], dict[str, int]] = {
    ("pupils:passports:detail", "taught", "GET"): answers(404, **SEES_TAUGHT),
    ("pupils:passports:detail", "child", "GET"): answers(404, **SEES_CHILD),
    ("pupils:passports:detail", "elsewhere", "GET"): answers(404, other_senco=200),
    ("pupils:passports:detail", "missing", "GET"): answers(404),
    ("pupils:passports:edit", "taught", "GET"): answers(
        404, senco=200, head=403, teacher=403, ta=403
    ),
    ("pupils:passports:edit", "taught", "POST"): answers(
        404, senco=200, head=403, teacher=403, ta=403
    ),
    ("pupils:passports:edit", "child", "GET"): answers(404, senco=200, head=403, parent=403),
    ("pupils:passports:edit", "elsewhere", "POST"): answers(404, other_senco=200),
    ("pupils:passports:acknowledge", "taught", "GET"): answers(405),
    ("pupils:passports:acknowledge", "taught", "POST"): answers(
        404, senco=403, head=403, teacher=302, ta=302
    ),
    ("pupils:passports:acknowledge", "child", "POST"): answers(
        404, senco=403, head=403, parent=403
    ),
    ("pupils:passports:acknowledge", "elsewhere", "POST"): answers(404, other_senco=403),
    ("pupils:passports:suggest", "child", "GET"): answers(405),
    ("pupils:passports:suggest", "child", "POST"): answers(404, senco=403, head=403, parent=200),
    ("pupils:passports:suggest", "taught", "POST"): answers(
        404, senco=403, head=403, teacher=403, ta=403
    ),
    ("pupils:passports:answer", "suggestion", "GET"): answers(405),
    ("pupils:passports:answer", "suggestion", "POST"): answers(
        404, senco=200, head=403, parent=403
    ),
    ("pupils:passports:pdf", "taught", "GET"): answers(404, **SEES_TAUGHT),
    ("pupils:passports:pdf", "child", "GET"): answers(404, **SEES_CHILD),
    ("pupils:passports:pdf", "missing", "GET"): answers(404),
    ("pupils:passports:docx", "taught", "GET"): answers(404, **SEES_TAUGHT),
    ("pupils:passports:docx", "child", "GET"): answers(404, **SEES_CHILD),
    ("pupils:passports:docx", "missing", "GET"): answers(404),
    ("classes:list", "", "GET"): answers(403, **CLASS_STAFF, other_teacher=200, other_senco=200),
    ("classes:detail", "teachers_class", "GET"): answers(403, **CLASS_STAFF, **OTHER_CLASS),
    ("classes:detail", "teachers_class", "POST"): answers(403, teacher=302, ta=302, **OTHER_CLASS),
    ("classes:detail", "other_teachers_class", "GET"): answers(
        403, senco=200, head=200, other_teacher=200, teacher=404, ta=404, other_senco=404
    ),
    ("classes:pdf", "teachers_class", "GET"): answers(403, **CLASS_STAFF, **OTHER_CLASS),
    ("classes:docx", "teachers_class", "GET"): answers(403, **CLASS_STAFF, **OTHER_CLASS),
}


def _suggestion() -> dict:
    suggestion = helpers.waiting_suggestion()
    return {"public_id": suggestion.pupil.public_id, "suggestion_id": suggestion.public_id}


TARGETS: dict[str, Callable[[], dict]] = {
    "suggestion": _suggestion,
    "teachers_class": lambda: {"public_id": helpers.teachers_class("teacher").public_id},
    "other_teachers_class": lambda: {
        "public_id": helpers.teachers_class("other_teacher").public_id
    },
}
