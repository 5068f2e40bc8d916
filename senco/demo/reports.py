"""The demo's reports: filled in by issue 6."""

import datetime as dt

from senco.schools.models import School


def build(school: School, users: dict, seed: int, today: dt.date) -> None:
    """Nothing yet."""
