"""Permission-matrix rows for the provision pages (merged into tests/test_permissions.py)."""

from tests.provision import groups_matrix, library_matrix, reports_matrix

ROWS = library_matrix.ROWS | groups_matrix.ROWS | reports_matrix.ROWS
TARGETS = library_matrix.TARGETS | groups_matrix.TARGETS | reports_matrix.TARGETS
