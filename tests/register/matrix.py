"""Permission-matrix rows for the register pages (merged into tests/test_permissions.py).

Targets "taught", "child", "elsewhere" and "missing" name pupils (see `address` there); any
other target is a key of TARGETS, a function returning the URL's keyword arguments.

The register, its print view, census check and charts are for the SEN leads, the head (and the
data manager, no persona here): 403 for every other role, whatever pupils they see; each SENCO
sees their own school's register. A POST with nothing ticked is answered with the form's message.
"""

from collections.abc import Callable

from tests.matrix import answers

REGISTER_READERS = {"senco": 200, "head": 200, "other_senco": 200}

ROWS: dict[tuple[str, str, str], dict[str, int]] = {
    ("register:list", "", "GET"): answers(403, **REGISTER_READERS),
    ("register:list", "", "POST"): answers(403, **REGISTER_READERS),
    ("register:print", "", "GET"): answers(403, **REGISTER_READERS),
    ("register:census", "", "GET"): answers(403, **REGISTER_READERS),
    ("register:charts", "", "GET"): answers(403, **REGISTER_READERS),
    ("register:chart", "chart", "GET"): answers(403, **REGISTER_READERS),
    ("register:chart", "unknown_chart", "GET"): answers(403, senco=404, head=404, other_senco=404),
}
TARGETS: dict[str, Callable[[], dict]] = {
    "chart": lambda: {"name": "need"},
    "unknown_chart": lambda: {"name": "nonsense"},
}
