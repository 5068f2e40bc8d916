"""Permission-matrix rows for the gaps in provision (merged by tests/provision/matrix.py)."""

from collections.abc import Callable

from tests.matrix import answers

ROWS: dict[tuple[str, str, str], dict[str, int]] = {
    ("provision:gaps", "", "GET"): answers(403, senco=200, head=200, other_senco=200),
    ("provision:gaps", "", "POST"): answers(405),
}
TARGETS: dict[str, Callable[[], dict]] = {}
