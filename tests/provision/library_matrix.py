"""Permission-matrix rows for the provision library pages (merged by tests/provision/matrix.py)."""

from collections.abc import Callable

ROWS: dict[tuple[str, str, str], dict[str, int]] = {}
TARGETS: dict[str, Callable[[], dict]] = {}
