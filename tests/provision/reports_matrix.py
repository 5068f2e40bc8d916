"""Permission-matrix rows for the provision reports (merged by tests/provision/matrix.py): what
provision costs and the provision map are for `provision.costs` (the SEN leads and the head, in
their own school); everyone else signed in gets 403, anonymous visitors the sign-in page."""

from collections.abc import Callable

from tests.matrix import answers

COSTS = {"senco": 200, "head": 200, "other_senco": 200}

ROWS: dict[tuple[str, str, str], dict[str, int]] = {
    ("provision:costs", "", "GET"): answers(403, **COSTS),
    ("provision:map", "", "GET"): answers(403, **COSTS),
    ("provision:map_xlsx", "", "GET"): answers(403, **COSTS),
}
TARGETS: dict[str, Callable[[], dict]] = {}
