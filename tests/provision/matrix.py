"""Permission-matrix rows for the provision pages (merged into tests/test_permissions.py)."""

from tests.provision import (
    gaps_matrix,
    groups_matrix,
    impact_matrix,
    library_matrix,
    reports_matrix,
)

PARTS = (library_matrix, groups_matrix, reports_matrix, gaps_matrix, impact_matrix)
ROWS = {row: table for part in PARTS for row, table in part.ROWS.items()}
TARGETS = {name: target for part in PARTS for name, target in part.TARGETS.items()}
