"""Reading one assessment result as a person or a spreadsheet writes it. Pure: no Django import.

`parse(kind, text, ...)` turns the text into a `Parsed` value (a score, an age in whole months,
or a label from the assessment's scale) or raises `ValueError` with a message that says what is
wrong and how to write it. The grid calls it for every box typed in, and imports for every
cell, so both accept the same forms and refuse with the same words.

The forms accepted (docs/assessment.md lists them for users):

- **Reading and spelling ages** are years and months, as UK tests print them: `8.07`, `8.7`,
  `8:07` (GL Assessment's style), `8y7m`, `8y 7m`, `8 years 7 months`, `8y` or `8`. In `8.07`
  and `8.7` the part after the point is months, not a decimal: 8.11 is 8 years 11 months, 8.1
  is 8 years 1 month. They are stored as whole months (8y 7m = 103), as METRICS.md asks. An age
  beyond the test's range (`<5.00`, `16+`) is not a measured age and is refused.
  Spreadsheets store 8.10 as the number 8.1: an import must read such cells as text.
- **Standardised scores** are whole numbers within four standard deviations of the test's mean
  (40 to 160 for mean 100, SD 15).
- **Key stage scaled scores** are whole numbers from 80 to 120.
- **Raw scores** go from 0 to the assessment's maximum, with at most two decimal places (half
  marks); `17/40` is accepted when the maximum is 40.
- **Labels** (teacher judgement, pre-key stage standards, the Engagement Model) must be one of
  the assessment's scale, matched without regard to capitals or extra spaces; the scale's own
  spelling is kept.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_FLOOR, Decimal, InvalidOperation

from senco.assessment import metrics

STANDARDISED = "standardised"
READING_AGE = "reading_age"
SPELLING_AGE = "spelling_age"
KS_SCALED = "ks_scaled"
RAW = "raw"
JUDGEMENT = "judgement"
PRE_KEY_STAGE = "pre_key_stage"
ENGAGEMENT = "engagement"

# The kinds in the order people choose them, with the name a message uses.
NAMES: dict[str, str] = {
    STANDARDISED: "Standardised score",
    READING_AGE: "Reading age",
    SPELLING_AGE: "Spelling age",
    KS_SCALED: "Key stage scaled score",
    RAW: "Raw score",
    JUDGEMENT: "Teacher judgement",
    PRE_KEY_STAGE: "Pre-key stage standard",
    ENGAGEMENT: "Engagement Model",
}
AGE_KINDS = frozenset({READING_AGE, SPELLING_AGE})
SCORE_KINDS = frozenset({STANDARDISED, KS_SCALED, RAW})
LABEL_KINDS = frozenset({JUDGEMENT, PRE_KEY_STAGE, ENGAGEMENT})

# The scale a new assessment type of each labelled kind starts with; the school can change it.
DEFAULT_SCALES: dict[str, tuple[str, ...]] = {
    # The key stage teacher assessment frameworks' judgements, shortened to fit a grid.
    JUDGEMENT: ("Working towards", "Expected", "Greater depth"),
    # DfE pre-key stage standards (from 2018/19): standards 1 to 4 at key stage 1, 1 to 6 at
    # key stage 2. A school using only the key stage 1 standards removes 5 and 6.
    PRE_KEY_STAGE: tuple(f"Standard {n}" for n in range(1, 7)),
    # The Engagement Model has five areas (exploration, realisation, anticipation, persistence,
    # initiation) and is deliberately not a scale of attainment. A result records the school's
    # own judgement of engagement, on a scale it names; schools that observe each area apart
    # make one assessment type per area ("Engagement: persistence").
    ENGAGEMENT: ("Emerging", "Developing", "Secure"),
}

AGE_YEARS = metrics.AGE_YEARS
KS_SCALED_RANGE = (80, 120)
STANDARD_DEVIATIONS = 4
MAX_TEXT = 100
MAX_LABELS = 20
MAX_LABEL_LENGTH = 60


@dataclass(frozen=True)
class Parsed:
    """One result: a score (standardised, scaled, raw), an age in months, or a scale label."""

    score: Decimal | None = None
    months: int | None = None
    label: str | None = None


def _shown(text: str) -> str:
    """The text as a message quotes it: short, so a pasted essay does not fill the page."""
    return text if len(text) <= 30 else text[:30] + "…"


def parse(
    kind: str,
    text: str,
    *,
    maximum: int | Decimal | None = None,
    scale: Sequence[str] = (),
    mean: int | float | Decimal = 100,
    sd: int | float | Decimal = 15,
) -> Parsed:
    """The result `text` means for an assessment of this kind, or ValueError saying the fix.

    `maximum` is a raw score's maximum; `scale` the labels of a judgement, pre-key stage or
    Engagement Model assessment; `mean` and `sd` a standardised test's norms (100 and 15 unless
    the test says otherwise).
    """
    if kind not in NAMES:
        raise ValueError(f"{kind!r} is not a kind of assessment.")
    name = NAMES[kind]
    cleaned = " ".join(str(text).split())
    if not cleaned:
        raise ValueError(f"{name}: nothing was written.")
    if len(cleaned) > MAX_TEXT:
        raise ValueError(
            f"{name}: {len(cleaned):,} characters is far too long for a result; "
            f"write just the result, such as {_example(kind, maximum, scale)}."
        )
    if kind in AGE_KINDS:
        return Parsed(months=_age(name, cleaned))
    if kind in LABEL_KINDS:
        return Parsed(label=_label(name, cleaned, scale))
    if kind == RAW:
        return Parsed(score=_raw(name, cleaned, maximum))
    if kind == STANDARDISED:
        low, high = standardised_range(mean, sd)
    else:
        low, high = KS_SCALED_RANGE
    return Parsed(score=_whole_score(name, cleaned, low, high))


def _example(kind: str, maximum, scale: Sequence[str]) -> str:
    if kind in AGE_KINDS:
        return "8.07"
    if kind in LABEL_KINDS:
        return scale[0] if scale else "a label from the scale"
    if kind == RAW:
        return f"17 (out of {maximum})" if maximum else "17"
    return "104"


# --- ages ---------------------------------------------------------------------------------


def _age(name: str, text: str) -> int:
    return metrics.parse_age(text, name=name)


def show_age(months: int) -> str:
    """8y 7m for 103 months."""
    return f"{months // 12}y {months % 12}m"


# --- scores -------------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?[0-9]{1,6}(?:\.[0-9]{1,6})?$")


def _number(name: str, text: str, hint: str) -> Decimal:
    if not _NUMBER.match(text):
        raise ValueError(f"{name} {_shown(text)}: write a number, such as {hint}.")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain numbers
        raise ValueError(f"{name} {_shown(text)}: write a number, such as {hint}.") from None


def standardised_range(mean, sd) -> tuple[int, int]:
    """The whole scores within four standard deviations of the mean: 40 to 160 for 100 and 15."""
    mean, sd = Decimal(str(mean)), Decimal(str(sd))
    spread = STANDARD_DEVIATIONS * sd
    return math.ceil(mean - spread), math.floor(mean + spread)


def _whole_score(name: str, text: str, low: int, high: int) -> Decimal:
    value = _number(name, text, str((low + high) // 2))
    if value != value.to_integral_value():
        below = int(value.to_integral_value(rounding=ROUND_FLOOR))
        raise ValueError(
            f"{name} {_shown(text)}: scores are whole numbers; write {below} or {below + 1}."
        )
    if not low <= value <= high:
        raise ValueError(f"{name} {_shown(text)}: scores go from {low} to {high}.")
    return Decimal(int(value))


def _raw(name: str, text: str, maximum) -> Decimal:
    if maximum is None or Decimal(str(maximum)) <= 0:
        raise ValueError(f"{name}: this assessment has no maximum score; set one first.")
    top = Decimal(str(maximum))
    if "/" in text:
        scored, _, out_of = (part.strip() for part in text.partition("/"))
        if not _NUMBER.match(out_of) or Decimal(out_of) != top:
            raise ValueError(
                f"{name} {_shown(text)}: this assessment is out of {plain(top)}; "
                f"write the mark alone, such as 17, or 17/{plain(top)}."
            )
        text = scored
    value = _number(name, text, "17")
    if value != value.quantize(Decimal("0.01"), rounding=ROUND_DOWN):
        raise ValueError(f"{name} {_shown(text)}: use at most two decimal places.")
    if not 0 <= value <= top:
        raise ValueError(f"{name} {_shown(text)}: scores go from 0 to {plain(top)}.")
    return value


def plain(value: Decimal) -> str:
    """A number without trailing zeros or exponent: 104, 17.5."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- labels -------------------------------------------------------------------------------


def _key(label: str) -> str:
    return " ".join(label.split()).casefold()


def _label(name: str, text: str, scale: Sequence[str]) -> str:
    if not scale:
        raise ValueError(f"{name}: this assessment has no scale of labels; set one first.")
    wanted = _key(text)
    for label in scale:
        if _key(label) == wanted:
            return label
    raise ValueError(f"{name} {_shown(text)}: not on this scale; write one of {_listed(scale)}.")


def _listed(labels: Sequence[str]) -> str:
    labels = list(labels)
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def clean_scale(labels: Sequence[str]) -> list[str]:
    """A scale's labels, lowest first, tidied; ValueError when empty, too long or repeated."""
    cleaned = [" ".join(str(label).split()) for label in labels]
    cleaned = [label for label in cleaned if label]
    if not cleaned:
        raise ValueError("Give the scale's labels, one a line, lowest first.")
    if len(cleaned) > MAX_LABELS:
        raise ValueError(f"A scale has at most {MAX_LABELS} labels; this one has {len(cleaned)}.")
    for label in cleaned:
        if len(label) > MAX_LABEL_LENGTH:
            raise ValueError(
                f"The label {_shown(label)} is {len(label)} characters long; "
                f"the most is {MAX_LABEL_LENGTH}."
            )
    seen: set[str] = set()
    for label in cleaned:
        if _key(label) in seen:
            raise ValueError(f"The label {_shown(label)} is listed twice.")
        seen.add(_key(label))
    return cleaned


def on_scale(label: str, scale: Sequence[str]) -> bool:
    return _key(label) in {_key(s) for s in scale}


# --- showing a result ---------------------------------------------------------------------


def show(
    kind: str,
    *,
    score: Decimal | None = None,
    months: int | None = None,
    label: str | None = None,
    maximum: int | Decimal | None = None,
) -> str:
    """A result as people read it: "8y 7m", "104", "17/40", "Secure". `parse` reads it back."""
    if kind in AGE_KINDS:
        return show_age(months) if months is not None else ""
    if kind in LABEL_KINDS:
        return label or ""
    if score is None:
        return ""
    if kind == RAW and maximum is not None:
        return f"{plain(score)}/{plain(Decimal(str(maximum)))}"
    return plain(score)
