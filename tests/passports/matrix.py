"""Permission-matrix rows for the passports pages (merged into tests/test_permissions.py).

Targets "taught", "child", "elsewhere" and "missing" name pupils (see `address` there); any
other target is a key of TARGETS, a function returning the URL's keyword arguments.
"""

from collections.abc import Callable

from tests.matrix import answers  # noqa: F401

ROWS: dict[tuple[str, str, str], dict[str, int]] = {}
TARGETS: dict[str, Callable[[], dict]] = {}
