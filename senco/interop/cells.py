"""Reading one cell as schools and MIS exports write it. Pure: each returns a value or raises
`CellError` with a message naming what was found and what is expected."""

import datetime as dt
import re
from functools import lru_cache


class CellError(ValueError):
    pass


DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y-%m-%dT%H:%M:%S")


@lru_cache(maxsize=4096)  # a results file repeats a handful of dates thousands of times
def date(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            value = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if not 1900 <= value.year <= 2100:
            break
        return value
    raise CellError(f"{text[:40]!r} is not a date: write it as 24/11/2026 or 2026-11-24.")


YES = {"y", "yes", "true", "1", "t", "eligible", "x"}
NO = {"n", "no", "false", "0", "f", "not eligible", ""}


def yes_no(text: str) -> bool:
    key = text.strip().lower()
    if key in YES:
        return True
    if key in NO:
        return False
    raise CellError(f"{text[:40]!r} is not yes or no: write Y or N.")


SEX = {"m": "M", "male": "M", "boy": "M", "f": "F", "female": "F", "girl": "F"}


def sex(text: str) -> str:
    key = text.strip().lower()
    if key in SEX:
        return SEX[key]
    raise CellError(f"{text[:40]!r} is not a sex the census records: write M or F.")


YEAR_WORDS = {"r": 0, "rec": 0, "reception": 0, "n1": -2, "n2": -1, "nursery": -1}
YEAR_PATTERN = re.compile(r"^(?:year|yr|y|nc\s*year)?\s*(-?\d{1,2})$")


def year_group(text: str) -> int | None:
    key = text.strip().lower()
    if not key:
        return None
    if key in YEAR_WORDS:
        return YEAR_WORDS[key]
    match = YEAR_PATTERN.match(key)
    if match and -2 <= int(match.group(1)) <= 14:
        return int(match.group(1))
    raise CellError(f"{text[:40]!r} is not a year group: write R, 1 to 14, or Year 3.")


def text(value: str, limit: int, label: str) -> str:
    value = value.strip()
    if len(value) > limit:
        raise CellError(f"{label} is {len(value)} characters long; the most is {limit}.")
    return value
