"""Permission-matrix rows for the plans pages (merged into tests/test_permissions.py)."""

from collections.abc import Callable

ROWS: dict[tuple[str, str, str], dict[str, int]] = {}
TARGETS: dict[str, Callable[[], dict]] = {}
