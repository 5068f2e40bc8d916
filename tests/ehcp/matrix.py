"""Permission-matrix rows for the EHC pages, each part's beside its tests (merged into
tests/test_permissions.py)."""

from collections.abc import Callable

from tests.ehcp import caseload_matrix, plan_matrix, request_matrix, review_matrix

ROWS: dict[tuple[str, str, str], dict[str, int]] = {}
TARGETS: dict[str, Callable[[], dict]] = {}
for part in (caseload_matrix, plan_matrix, request_matrix, review_matrix):
    ROWS.update(part.ROWS)
    TARGETS.update(part.TARGETS)
