"""Permission-matrix rows for the impact pages (merged by tests/provision/matrix.py)."""

from collections.abc import Callable

from tests.matrix import answers
from tests.provision import helpers

ROWS: dict[tuple[str, str, str], dict[str, int]] = {
    ("provision:group_impact", "home_group", "GET"): answers(
        403, senco=200, head=200, other_senco=404
    ),
    ("provision:group_impact", "home_group", "POST"): answers(405),
}
TARGETS: dict[str, Callable[[], dict]] = {
    "home_group": lambda: {"public_id": helpers.group().public_id},
}
