"""The demo's provision (issue 8): written by the helper that owns this file."""


def build(school, users, seed, today) -> None:
    pass
