"""Permission-matrix rows for the EHC caseload pages (merged by tests/ehcp/matrix.py)."""

from collections.abc import Callable

ROWS: dict[tuple[str, str, str], dict[str, int]] = {}
TARGETS: dict[str, Callable[[], dict]] = {}
