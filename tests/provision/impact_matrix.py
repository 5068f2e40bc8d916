"""Permission-matrix rows for the impact pages (merged by tests/provision/matrix.py): a group's
impact, a provision's impact across its groups and "what works here" (with its charts and PDF)
are for `provision.costs` (the SEN leads and the head, in their own school); everyone else signed
in gets 403, and another school's group or library entry is not found (404)."""

from collections.abc import Callable

from tests.matrix import answers
from tests.provision import helpers

COSTS = {"senco": 200, "head": 200, "other_senco": 200}
HOME = {"senco": 200, "head": 200, "other_senco": 404}

ROWS: dict[tuple[str, str, str], dict[str, int]] = {
    ("provision:group_impact", "home_group", "GET"): answers(403, **HOME),
    ("provision:group_impact", "home_group", "POST"): answers(405),
    ("provision:provision_impact", "home_entry", "GET"): answers(403, **HOME),
    ("provision:provision_impact", "home_entry", "POST"): answers(405),
    ("provision:works", "", "GET"): answers(403, **COSTS),
    ("provision:works", "", "POST"): answers(405),
    ("provision:works_chart", "gain_chart", "GET"): answers(403, **COSTS),
    ("provision:works_chart", "pupils_chart", "GET"): answers(403, **COSTS),
    ("provision:works_pdf", "", "GET"): answers(403, **COSTS),
}
TARGETS: dict[str, Callable[[], dict]] = {
    "home_group": lambda: {"public_id": helpers.group().public_id},
    "home_entry": lambda: {"public_id": helpers.library_entry().public_id},
    "gain_chart": lambda: {"name": "gain"},
    "pupils_chart": lambda: {"name": "before-after"},
}
