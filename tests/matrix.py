"""The permission matrix's vocabulary, shared by the parts that keep rows of their own
(`tests/<part>/matrix.py`, merged into `tests/test_permissions.py`)."""

ALL = [
    "senco", "head", "teacher", "other_teacher", "ta", "governor", "parent", "other_parent",
    "trustlead", "admin", "other_senco", "anonymous",
]  # fmt: skip


def answers(default: int, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    """Every persona's expected status: `default`, with the exceptions named."""
    table = dict.fromkeys(ALL, default)
    table["anonymous"] = anonymous
    table.update(overrides)
    return table


INVITERS = {"senco": 200, "head": 200, "admin": 200, "other_senco": 200}
SEES_TAUGHT = {"senco": 200, "head": 200, "teacher": 200, "ta": 200}
