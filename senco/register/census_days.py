"""The school census days and how a day is chosen for the census check. Pure: no Django import.

The census is taken on the 1st Thursday of October (autumn), the 3rd Thursday of January (spring)
and the 3rd Thursday of May (summer): `senco.schools.calendar.census_days` holds the rule.
"""

import datetime as dt

from senco.schools.calendar import academic_year_start, census_days

NAMES = ("Autumn", "Spring", "Summer")


def days_of_school_year(day: dt.date) -> list[tuple[str, dt.date]]:
    """The three census days of the school year `day` falls in, named by their term."""
    start = academic_year_start(day)
    return [
        (f"{name} census {start}/{(start + 1) % 100:02d}", d)
        for name, d in zip(NAMES, census_days(start), strict=True)
    ]


def next_census_day(today: dt.date) -> dt.date:
    """The first census day on or after `today` (in this school year or the next)."""
    start = academic_year_start(today)
    return next(d for d in census_days(start) + census_days(start + 1) if d >= today)


def is_census_day(day: dt.date) -> bool:
    return day in census_days(academic_year_start(day))
