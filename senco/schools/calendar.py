"""The English school year (September to August) and its terms. Pure: no Django import."""

import datetime as dt

YEAR_GROUP_LABELS = {-2: "Nursery 1", -1: "Nursery 2", 0: "Reception"}


def academic_year_start(day: dt.date) -> int:
    """2026 for any day from 1 September 2026 to 31 August 2027."""
    return day.year if day.month >= 9 else day.year - 1


def year_group_label(year_group: int | None) -> str:
    if year_group is None:
        return "No year group"
    return YEAR_GROUP_LABELS.get(year_group, f"Year {year_group}")


def year_group_for(date_of_birth: dt.date, on: dt.date) -> int:
    """The national curriculum year a child born on that day is in on a given day (no holding back).

    Reception holds the children who turn five during the academic year.
    """
    return academic_year_start(on) - academic_year_start(date_of_birth) - 5


def parse_term_dates(setting: str, start_year: int) -> list[tuple[str, dt.date, dt.date]]:
    """Default term dates from a setting like "09-01:12-31,01-01:04-12,04-13:08-31".

    Raises ValueError naming the part that is wrong.
    """
    names = ("autumn", "spring", "summer")
    parts = [p.strip() for p in setting.split(",") if p.strip()]
    if len(parts) != 3:
        raise ValueError(
            f"SENCO_TERM_DATES needs three terms, separated by commas; got {len(parts)}."
        )
    terms = []
    for name, part in zip(names, parts, strict=True):
        try:
            first, last = (
                dt.datetime.strptime(day.strip(), "%m-%d").replace(year=2000).date()
                for day in part.split(":")
            )
        except ValueError:
            raise ValueError(
                f"SENCO_TERM_DATES: the {name} term {part!r} should read MM-DD:MM-DD."
            ) from None

        def in_year(d: dt.date) -> dt.date:
            return d.replace(year=start_year if d.month >= 9 else start_year + 1)

        starts, ends = in_year(first), in_year(last)
        if ends < starts:
            raise ValueError(f"SENCO_TERM_DATES: the {name} term ends before it starts.")
        terms.append((name, starts, ends))
    return terms


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def census_days(start_year: int) -> list[dt.date]:
    """Autumn (1st Thursday of October), spring and summer (3rd Thursday of January and May)."""
    thursday = 3
    return [
        nth_weekday(start_year, 10, thursday, 1),
        nth_weekday(start_year + 1, 1, thursday, 3),
        nth_weekday(start_year + 1, 5, thursday, 3),
    ]


def last_friday_of_june(year: int) -> dt.date:
    day = dt.date(year, 6, 30)
    return day - dt.timedelta(days=(day.weekday() - 4) % 7)


def past_compulsory_school_age_if_born_by(today: dt.date) -> dt.date:
    """The latest date of birth of a young person past compulsory school age on `today`.

    Compulsory school age ends on the last Friday of June of the school year in which the
    young person turns 16; they then decide what their parents may see.
    """
    leaving_day = last_friday_of_june(today.year)
    leaving_year = today.year if today > leaving_day else today.year - 1
    return dt.date(leaving_year - 16, 8, 31)
