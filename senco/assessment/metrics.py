"""Measuring whether provision works: the published methods, as pure functions.

No Django here, only the standard library, so LA teams and researchers can reuse this module
alone. docs/metrics.md is its manual; /work/shared/METRICS.md the specification. Every band table
is data (with its source and edition) so a school can pass another.

One convention for figures that do not exist:

- Functions on summary numbers (`ratio_gain`, `hedges_g`, `eef_months`, `reliable_change`,
  `cost_per_pupil` and the like) return a plain number. Arguments that give no number raise
  `ValueError` saying what is wrong: `NotComputable` (a ValueError) when the data are real but
  admit no figure (no spread, too few pupils), plain `ValueError` when an argument is impossible
  (a negative SD, month 12, a negative cost).
- Functions that a report shows (`*_figure`, `single_group_change`,
  `cost_per_month_of_progress`) return a `Figure`: its value is None with the reason in words
  whenever the figure cannot be computed, and it carries its unit, method and warnings. They
  raise only for impossible arguments.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# --- results ------------------------------------------------------------------------------


class NotComputable(ValueError):
    """The data are valid but give no figure; the message says why."""


@dataclass(frozen=True)
class Figure:
    """A figure as a report shows it: a value, or None with the reason it cannot be given.

    `unit` names what the value counts; `method` the formula and every choice it made (which
    denominator, which correction, which source); `notes` the warnings to show beside it;
    `low` and `high` a 95% confidence interval when there is one.
    """

    value: float | Decimal | None
    unit: str
    method: str
    reason: str = ""
    notes: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        if (self.value is None) != bool(self.reason):
            raise ValueError("A figure has either a value or a reason it has none, not both.")

    @property
    def computed(self) -> bool:
        return self.value is not None

    def shown(self, places: int = 2) -> str:
        """ "1.33", or "n/a: <reason>" when there is no value."""
        if self.value is None:
            return f"n/a: {self.reason}"
        return f"{self.value:.{places}f}"


def _not_computed(unit: str, method: str, reason: str, notes: Sequence[str] = ()) -> Figure:
    return Figure(None, unit, method, reason=reason, notes=tuple(n for n in notes if n))


SMALL_GROUP = 10  # Our choice, not a published cut-off: below it every group figure is cautioned.


def caution(n: int) -> str:
    """What a group of n pupils can show, in words; empty for groups of SMALL_GROUP or more."""
    if n < 0:
        raise ValueError(f"A group cannot have {n} pupils.")
    if n == 0:
        return "No pupil has both results: there is nothing to measure yet."
    if n == 1:
        return "With 1 pupil, the figure is that pupil's own result, not a group's."
    if n < SMALL_GROUP:
        return (
            f"With {n} pupils, a single pupil's result moves the group figure a lot: "
            "read each pupil's own change too."
        )
    return ""


def _finite(name: str, value: float) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a number, not {value!r}.")
    return number


def _whole(name: str, value: int) -> int:
    try:
        whole = int(value)
    except (TypeError, ValueError, OverflowError):
        whole = None
    if isinstance(value, bool | str) or whole is None or whole != value:
        raise ValueError(f"{name} must be a whole number, not {value!r}.")
    return whole


def _count(name: str, value: int, least: int) -> int:
    value = _whole(name, value)
    if value < least:
        raise ValueError(f"{name} must be at least {least}, not {value}.")
    return int(value)


# --- reading and spelling ages ------------------------------------------------------------

AGE_YEARS = (2, 25)  # The widest range of ages any UK reading or spelling test reports.

_DOTTED = re.compile(r"^([0-9]{1,2}) ?[.:] ?([0-9]{1,2})$")
_WORDS = re.compile(
    r"^([0-9]{1,2}) ?(?:y|yr|yrs|year|years)\.?"
    r"(?: ?([0-9]{1,2}) ?(?:m|mo|mth|mths|month|months)\.?)?$",
    re.IGNORECASE,
)
_YEARS_ONLY = re.compile(r"^([0-9]{1,2})$")
_BEYOND = re.compile(r"^(?:<|>|below|above|under|over)|\+$", re.IGNORECASE)
_NEGATIVE = re.compile(r"^-\s*[0-9]")


def _shown(text: str) -> str:
    """The text as a message quotes it: short, so a pasted essay does not fill the page."""
    return text if len(text) <= 30 else text[:30] + "…"


def parse_age(text: str, *, name: str = "Age") -> int:
    """The age in whole months that a UK years.months age means: "8.11" is 107 (8y 11m).

    Accepts 8.11, 8.7 (8y 7m: the part after the point is months, never a decimal), 8:07,
    8y7m, 8y 7m, 8 years 7 months, 8y and 8. ValueError, beginning with `name`, says what is
    wrong: months beyond 11, years outside AGE_YEARS, negative ages, ages beyond a test's range
    (<5.00, 16+: not measured ages) and anything else.
    """
    cleaned = " ".join(str(text).split())
    if not cleaned:
        raise ValueError(f"{name}: nothing was written.")
    match = _DOTTED.match(cleaned) or _WORDS.match(cleaned) or _YEARS_ONLY.match(cleaned)
    if match is None:
        if _NEGATIVE.match(cleaned):
            raise ValueError(f"{name} {_shown(cleaned)}: an age cannot be negative.")
        if _BEYOND.search(cleaned):
            raise ValueError(
                f"{name} {_shown(cleaned)}: an age beyond the test's range is not a measured "
                "age and cannot be recorded; leave it blank."
            )
        raise ValueError(
            f"{name} {_shown(cleaned)}: write years and months, such as 8.07 or 8y 7m "
            "(8 years 7 months)."
        )
    groups = match.groups()
    years = int(groups[0])
    months = int(groups[1]) if len(groups) > 1 and groups[1] else 0
    if months > 11:
        carried = f"{years + months // 12}.{months % 12:02d}"
        raise ValueError(
            f"{name} {_shown(cleaned)}: months go from 0 to 11; write {years}.11 or {carried}."
        )
    low, high = AGE_YEARS
    if not low <= years <= high:
        raise ValueError(f"{name} {_shown(cleaned)}: years go from {low} to {high}.")
    return years * 12 + months


def show_age(months: int) -> str:
    """107 months as "8.11", 103 as "8.07": years, a point, then two digits of months."""
    months = _count("An age in months", months, 0)
    return f"{months // 12}.{months % 12:02d}"


# --- ratio gain (Brooks) ------------------------------------------------------------------

RATIO_GAIN_UNIT = "ratio gain (months gained per month elapsed; 1.0 is normal progress)"
GROUP_RG_METHOD = "Brooks: mean gain in months ÷ mean months elapsed"
MEAN_RG_METHOD = "mean of each pupil's own ratio gain (not Brooks' group figure)"


def ratio_gain(gain_months: float, elapsed_months: float) -> float:
    """Months of reading (or spelling) age gained per calendar month elapsed: 8 in 6 is 1.33.

    A fall in age gives a negative ratio gain. ValueError when no time elapsed.
    """
    gain = _finite("The gain in months", gain_months)
    elapsed = _finite("The months elapsed", elapsed_months)
    if elapsed <= 0:
        raise ValueError(
            f"{elapsed_months} months elapsed: the second test must come after the first."
        )
    return gain / elapsed


Pupil = tuple[int, int, int]  # (age before in months, age after in months, months elapsed)


def _checked(pupils: Sequence[Pupil]) -> list[tuple[int, int, int]]:
    checked = []
    for number, pupil in enumerate(pupils, start=1):
        try:
            pre, post, elapsed = pupil
        except (TypeError, ValueError):
            raise ValueError(
                f"Pupil {number}: give (age before, age after, months elapsed), not {pupil!r}."
            ) from None
        pre = _count(f"Pupil {number}'s age before", pre, 0)
        post = _count(f"Pupil {number}'s age after", post, 0)
        elapsed = _count(f"Pupil {number}'s months elapsed", elapsed, 1)
        checked.append((pre, post, elapsed))
    if not checked:
        raise NotComputable("No pupil has both results: there is no ratio gain to give.")
    return checked


def group_ratio_gain(pupils: Sequence[Pupil]) -> float:
    """Brooks' group ratio gain: mean gain ÷ mean months elapsed, over (pre, post, elapsed)."""
    checked = _checked(pupils)
    mean_gain = statistics.fmean(post - pre for pre, post, _ in checked)
    mean_elapsed = statistics.fmean(elapsed for _, _, elapsed in checked)
    return mean_gain / mean_elapsed


def mean_ratio_gain(pupils: Sequence[Pupil]) -> float:
    """The mean of the pupils' own ratio gains: differs from `group_ratio_gain` in general."""
    return statistics.fmean(ratio_gain(post - pre, e) for pre, post, e in _checked(pupils))


@dataclass(frozen=True)
class Bands:
    """A band table: `labels[i]` applies from `lower[i]` (inclusive) up to the next bound."""

    name: str
    source: str
    edition: str
    lower: tuple[float, ...]
    labels: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.lower) != len(self.labels) or list(self.lower) != sorted(self.lower):
            raise ValueError("Give one label per lower bound, bounds rising.")

    def label(self, value: float) -> str:
        value = _finite("The value", value)
        chosen = self.labels[0]
        for bound, label in zip(self.lower, self.labels, strict=True):
            if value >= bound:
                chosen = label
        return chosen


BROOKS_2007 = Bands(
    name="Ratio gain impact (Brooks)",
    source="Brooks, What Works for Children and Young People with Literacy Difficulties, "
    "via Singleton (2009)",
    edition="3rd edition (2007)",
    lower=(-math.inf, 1.4, 2.0, 3.0),
    labels=(
        "very small impact (doubtful significance)",
        "small impact (modest)",
        "medium impact (useful)",
        "large impact (substantial)",
    ),
)
BROOKS_LATER = Bands(
    name="Ratio gain impact (Brooks, later wording)",
    source="Brooks, What Works for Children and Young People with Literacy Difficulties",
    edition="later editions, as METRICS.md gives them (check against the edition you cite)",
    lower=(-math.inf, 1.4, 2.0, 3.0),
    labels=("modest impact", "useful impact", "substantial impact", "remarkable impact"),
)


def ratio_gain_band(value: float, bands: Bands = BROOKS_2007) -> str:
    """The impact label of a ratio gain: 1.33 is "very small impact (doubtful significance)"."""
    return bands.label(value)


def _ratio_gain_figure(
    pupils: Sequence[Pupil | None],
    age_based: bool,
    ceiling_months: int | None,
    compute: Callable[[Sequence[Pupil]], float],
    method: str,
) -> Figure:
    if not age_based:
        return _not_computed(
            RATIO_GAIN_UNIT,
            method,
            "a ratio gain needs a reading or spelling age; this assessment gives another kind of "
            "result.",
        )
    measured = [pupil for pupil in pupils if pupil is not None]
    notes = [caution(len(measured))]
    if ceiling_months is not None:
        at_ceiling = sum(1 for _, post, _ in measured if post >= ceiling_months)
        if at_ceiling:
            notes.append(
                f"{at_ceiling} of {len(measured)} reached the test's ceiling "
                f"({show_age(ceiling_months)}): their gain may be understated."
            )
    try:
        value = compute(measured)
    except NotComputable as error:
        return _not_computed(RATIO_GAIN_UNIT, method, str(error), notes)
    return Figure(value, RATIO_GAIN_UNIT, method, notes=tuple(n for n in notes if n))


def group_ratio_gain_figure(
    pupils: Sequence[Pupil | None], *, age_based: bool = True, ceiling_months: int | None = None
) -> Figure:
    """`group_ratio_gain` for a report: n/a for non-age scales, with cautions and ceiling notes.

    A pupil missing a result is None in `pupils` and left out.
    """
    return _ratio_gain_figure(pupils, age_based, ceiling_months, group_ratio_gain, GROUP_RG_METHOD)


def mean_ratio_gain_figure(
    pupils: Sequence[Pupil | None], *, age_based: bool = True, ceiling_months: int | None = None
) -> Figure:
    """`mean_ratio_gain` for a report, as `group_ratio_gain_figure`."""
    return _ratio_gain_figure(pupils, age_based, ceiling_months, mean_ratio_gain, MEAN_RG_METHOD)


# --- standardised scores ------------------------------------------------------------------


def z_score(score: float, mean: float = 100, sd: float = 15) -> float:
    sd = _finite("The standard deviation", sd)
    if sd <= 0:
        raise ValueError(f"A standard deviation must be above 0, not {sd}.")
    return (_finite("The score", score) - _finite("The mean", mean)) / sd


def percentile(score: float, mean: float = 100, sd: float = 15) -> float:
    """Percentile rank (0 to 100) of a standardised score: 100·Φ((SS - mean) / SD), Φ by erf."""
    return 100 * 0.5 * (1 + math.erf(z_score(score, mean, sd) / math.sqrt(2)))


# Standardised scores are whole numbers, so 116 is the first score above the average range.
STANDARDISED_BANDS = Bands(
    name="Standardised score bands",
    source="Standardised score conventions (mean 100, SD 15), as METRICS.md gives them",
    edition="METRICS.md",
    lower=(-math.inf, 70, 85, 116),
    labels=(
        "bottom 2% (below 70)",
        "below average (70 to 84)",
        "average (85 to 115)",
        "above average (116 and above)",
    ),
)
# JCQ's access arrangements count a standardised score of 84 or lower as below average: the same
# line as "below 85" for whole scores, said the way JCQ's regulations say it.
JCQ_BELOW_AVERAGE = 84


def standardised_band(score: float, bands: Bands = STANDARDISED_BANDS) -> str:
    """The band of a standardised score: 85 to 115 average, below 85 below, below 70 bottom 2%."""
    return bands.label(score)


def jcq_below_average(score: float) -> bool:
    """Whether JCQ would call the score below average (84 or lower)."""
    return _finite("The score", score) <= JCQ_BELOW_AVERAGE


# --- effect sizes -------------------------------------------------------------------------

EFFECT_SIZE_UNIT = "standard deviations"
J_APPROXIMATE = "J = 1 - 3/(4·df - 1), df = nT + nC - 2 (Hedges' approximation; the EEF's choice)"
J_EXACT = "J = Γ(df/2) / (√(df/2)·Γ((df - 1)/2)) (exact)"
HEDGES_SE = "SE = √((nT + nC)/(nT·nC) + g²/(2(nT + nC))); 95% CI = g ± 1.96·SE"
SINGLE_GROUP_WARNING = (
    "A single group's change from before to after includes the progress every pupil makes "
    "anyway (maturation and teaching): it is not the effect of the intervention alone."
)
Z_95 = 1.96


def _sd(name: str, sd: float) -> float:
    sd = _finite(name, sd)
    if sd < 0:
        raise ValueError(f"{name} cannot be negative: {sd}.")
    return sd


def pooled_sd(sd_t: float, n_t: int, sd_c: float, n_c: int) -> float:
    """√(((nT - 1)sT² + (nC - 1)sC²) / (nT + nC - 2)), from sample SDs (n - 1)."""
    sd_t, sd_c = _sd("The group's SD", sd_t), _sd("The comparison group's SD", sd_c)
    n_t, n_c = _count("The group's size", n_t, 1), _count("The comparison group's size", n_c, 1)
    if n_t < 2 or n_c < 2:
        raise NotComputable("A group of one has no standard deviation: each group needs 2.")
    return math.sqrt(((n_t - 1) * sd_t**2 + (n_c - 1) * sd_c**2) / (n_t + n_c - 2))


def _spread(sd: float) -> float:
    if sd == 0:
        raise NotComputable("Every pupil scored the same: with no spread there is no effect size.")
    return sd


def cohens_d(mean_t: float, sd_t: float, n_t: int, mean_c: float, sd_c: float, n_c: int) -> float:
    """(M_T - M_C) / pooled SD."""
    spread = _spread(pooled_sd(sd_t, n_t, sd_c, n_c))
    return (_finite("The group's mean", mean_t) - _finite("The comparison mean", mean_c)) / spread


def glass_delta(mean_t: float, mean_c: float, sd_c: float) -> float:
    """(M_T - M_C) / the comparison group's SD."""
    spread = _spread(_sd("The comparison group's SD", sd_c))
    return (_finite("The group's mean", mean_t) - _finite("The comparison mean", mean_c)) / spread


def hedges_j(df: int, *, exact: bool = False) -> float:
    """The small-sample correction J (also written c(df)); approximate unless `exact`."""
    df = _count("The degrees of freedom", df, 1)
    if exact:
        return math.exp(math.lgamma(df / 2) - math.lgamma((df - 1) / 2)) / math.sqrt(df / 2)
    return 1 - 3 / (4 * df - 1)


def hedges_g(
    mean_t: float, sd_t: float, n_t: int, mean_c: float, sd_c: float, n_c: int
) -> tuple[float, float, float]:
    """(g, ci_low, ci_high): g = J·d with J = 1 - 3/(4(nT + nC - 2) - 1), 95% CI g ± 1.96·SE.

    SE = √((nT + nC)/(nT·nC) + g²/(2(nT + nC))), as METRICS.md defines it (with g, not d).
    """
    d = cohens_d(mean_t, sd_t, n_t, mean_c, sd_c, n_c)
    g = hedges_j(n_t + n_c - 2) * d
    se = math.sqrt((n_t + n_c) / (n_t * n_c) + g**2 / (2 * (n_t + n_c)))
    return g, g - Z_95 * se, g + Z_95 * se


def _mean_sd(scores: Sequence[float]) -> tuple[float, float, int]:
    values = [_finite("A score", s) for s in scores]
    if len(values) < 2:
        raise NotComputable(
            f"{len(values)} pupil{'s' if len(values) != 1 else ''} with a result: "
            "a standard deviation needs at least 2."
        )
    return statistics.fmean(values), statistics.stdev(values), len(values)


def hedges_g_figure(treated: Sequence[float], comparison: Sequence[float]) -> Figure:
    """Hedges' g with its 95% CI from the two groups' scores (after the intervention)."""
    method = f"Hedges' g: J·(M_T - M_C)/pooled SD; {J_APPROXIMATE}; {HEDGES_SE}"
    notes = (caution(len(treated)),)
    try:
        mean_t, sd_t, n_t = _mean_sd(treated)
        mean_c, sd_c, n_c = _mean_sd(comparison)
        g, low, high = hedges_g(mean_t, sd_t, n_t, mean_c, sd_c, n_c)
    except NotComputable as error:
        return _not_computed(EFFECT_SIZE_UNIT, method, str(error), notes)
    kept = tuple(n for n in notes if n)
    return Figure(g, EFFECT_SIZE_UNIT, method, notes=kept, low=low, high=high)


def standardised_mean_change(mean_pre: float, mean_post: float, sd_pre: float, n: int) -> float:
    """One group, before to after: c(n - 1)·(M_post - M_pre)/s_pre, c(m) = 1 - 3/(4m - 1).

    It includes the growth every pupil makes anyway: show it with SINGLE_GROUP_WARNING.
    """
    n = _count("The number of pupils", n, 1)
    if n < 3:
        raise NotComputable(
            f"With {n} pupil{'s' if n != 1 else ''} the small-sample correction leaves nothing "
            "to show: a standardised change needs at least 3 pupils."
        )
    spread = _spread(_sd("The SD before", sd_pre))
    change = _finite("The mean after", mean_post) - _finite("The mean before", mean_pre)
    return hedges_j(n - 1) * change / spread


def single_group_change(
    pre_scores: Sequence[float | None], post_scores: Sequence[float | None]
) -> Figure:
    """`standardised_mean_change` from pupils' paired scores, always with its warning.

    `pre_scores[i]` and `post_scores[i]` are one pupil's; a None in either leaves the pupil out.
    """
    if len(pre_scores) != len(post_scores):
        raise ValueError("Give one score before and one after for each pupil.")
    method = "standardised mean change: c(n - 1)·(M_post - M_pre)/SD before; c(m) = 1 - 3/(4m - 1)"
    pairs = [
        (a, b)
        for a, b in zip(pre_scores, post_scores, strict=True)
        if a is not None and b is not None
    ]
    notes = (SINGLE_GROUP_WARNING, caution(len(pairs)))
    try:
        mean_pre, sd_pre, n = _mean_sd([a for a, _ in pairs])
        mean_post = statistics.fmean(_finite("A score", b) for _, b in pairs)
        value = standardised_mean_change(mean_pre, mean_post, sd_pre, n)
    except NotComputable as error:
        return _not_computed(EFFECT_SIZE_UNIT, method, str(error), notes)
    return Figure(value, EFFECT_SIZE_UNIT, method, notes=tuple(n for n in notes if n))


def growth_adjusted_change(observed_gain: float, expected_growth: float, sd: float) -> float:
    """(observed gain - growth expected from the test's norms) / the SD at the current year level.

    Both gains over the same period, in the test's units; `expected_growth` from the norms.
    """
    spread = _spread(_sd("The SD at the current year level", sd))
    gain = _finite("The observed gain", observed_gain)
    return (gain - _finite("The expected growth", expected_growth)) / spread


# --- EEF months' progress -----------------------------------------------------------------


@dataclass(frozen=True)
class MonthsBand:
    months: int
    lower: Decimal
    upper: Decimal
    label: str


@dataclass(frozen=True)
class MonthsTable:
    name: str
    source: str
    edition: str
    bands: tuple[MonthsBand, ...]
    cap_note: str


def _band(months: int, lower: str, upper: str, label: str) -> MonthsBand:
    return MonthsBand(months, Decimal(lower), Decimal(upper), label)


EEF_TOOLKIT = MonthsTable(
    name="EEF months' additional progress",
    source="Education Endowment Foundation, Teaching and Learning Toolkit: converting effect "
    "sizes to months' progress, as METRICS.md gives it",
    edition="Teaching and Learning Toolkit (METRICS.md)",
    bands=(
        _band(0, "-0.01", "0.01", "very low or no impact"),
        _band(1, "0.02", "0.09", "low"),
        _band(2, "0.10", "0.18", "low"),
        _band(3, "0.19", "0.26", "moderate"),
        _band(4, "0.27", "0.35", "moderate"),
        _band(5, "0.36", "0.44", "moderate"),
        _band(6, "0.45", "0.52", "high"),
        _band(7, "0.53", "0.61", "high"),
        _band(8, "0.62", "0.69", "high"),
        _band(9, "0.70", "0.78", "very high"),
        _band(10, "0.79", "0.87", "very high"),
        _band(11, "0.88", "0.95", "very high"),
        _band(12, "0.96", "1.00", "very high"),
    ),
    cap_note="effect sizes above 1.00 are capped at 12 months",
)


@dataclass(frozen=True)
class Progress:
    """EEF months for an effect size: `rounded` is the effect size as looked up."""

    months: int
    label: str
    capped: bool
    rounded: Decimal
    source: str


def _two_places(effect_size: float | Decimal) -> Decimal:
    # str() of a float is its shortest repr, so 0.015 is read as 0.015, not 0.01499999...
    try:
        value = Decimal(str(effect_size))
    except InvalidOperation:
        raise ValueError(f"An effect size must be a number, not {effect_size!r}.") from None
    if not value.is_finite():
        raise ValueError(f"An effect size must be a number, not {effect_size!r}.")
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def eef_progress(effect_size: float | Decimal, table: MonthsTable = EEF_TOOLKIT) -> Progress:
    """Months, label and whether capped: round to 2 places half up, look up, sign back on."""
    rounded = _two_places(effect_size)
    size = abs(rounded)  # Half up rounds away from zero, so -0.015 and 0.015 both reach 0.02.
    sign = -1 if rounded < 0 else 1
    top = table.bands[-1]
    if size > top.upper:
        return Progress(sign * top.months, top.label, True, rounded, table.source)
    for band in table.bands:
        if band.lower <= size <= band.upper:
            return Progress(sign * band.months, band.label, False, rounded, table.source)
    raise ValueError(f"{table.name}: the table has no band for {rounded}.")  # a gappy table


def eef_months(effect_size: float | Decimal) -> int:
    """EEF months' additional progress: 0.44 gives 5, -0.44 gives -5, 1.2 gives 12 (capped)."""
    return eef_progress(effect_size).months


# --- reliable change (Jacobson and Truax 1991) --------------------------------------------


def reliable_change(pre: float, post: float, sd: float, reliability: float) -> float:
    """RC = (post - pre) / S_diff, S_diff = √2·SE_m, SE_m = sd·√(1 - r).

    `sd` is the test's norm SD (15 for standardised scores), `reliability` its test-retest
    reliability from the manual.
    """
    sd = _finite("The test's SD", sd)
    r = _finite("The test's reliability", reliability)
    if sd <= 0:
        raise ValueError(f"The test's SD must be above 0, not {sd}.")
    if not 0 <= r < 1:
        raise ValueError(f"A reliability goes from 0 to just below 1, not {r}.")
    s_diff = math.sqrt(2) * sd * math.sqrt(1 - r)
    return (_finite("The score after", post) - _finite("The score before", pre)) / s_diff


def is_reliable_change(rc: float) -> bool:
    """|RC| > 1.96: a change unlikely (p < .05) to be measurement error alone."""
    return abs(_finite("The reliable change index", rc)) > Z_95


# --- cost ---------------------------------------------------------------------------------

PENNY = Decimal("0.01")


def _money(name: str, value: float | Decimal | str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{name} must be an amount of money, not {value!r}.") from None
    if not amount.is_finite():
        raise ValueError(f"{name} must be an amount of money, not {value!r}.")
    if amount < 0:
        raise ValueError(f"{name} cannot be negative: {value}.")
    return amount


def cost_per_pupil(
    hourly_cost: float | Decimal | str,
    hours_per_week: float | Decimal | str,
    weeks: float | Decimal | str,
    group_size: int,
    other_costs: float | Decimal | str = 0,
) -> Decimal:
    """(hourly cost x hours a week x weeks + other costs) ÷ group size, to the penny (half up).

    `other_costs` is the group's total for materials, training and licences, shared equally by
    its pupils. 25 an hour, 2 hours, 10 weeks, 4 pupils: 125.00.
    """
    size = _count("The group size", group_size, 1)
    staff = (
        _money("The hourly cost", hourly_cost)
        * _money("The hours a week", hours_per_week)
        * _money("The number of weeks", weeks)
    )
    total = staff + _money("The other costs", other_costs)
    return (total / size).quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CostBand:
    rating: str
    label: str
    upper: Decimal | None  # inclusive; None for the top band
    below: bool = False  # True when the bound itself belongs to the next band


EEF_COST_RATINGS = (
    CostBand("£", "very low", Decimal(80), below=True),
    CostBand("££", "low", Decimal(200)),
    CostBand("£££", "moderate", Decimal(720)),
    CostBand("££££", "high", Decimal(1200)),
    CostBand("£££££", "very high", None),
)
EEF_COST_SOURCE = (
    "Education Endowment Foundation, Teaching and Learning Toolkit cost rating, per pupil per "
    "year, as METRICS.md gives it"
)


def cost_rating(
    yearly_cost_per_pupil: float | Decimal | str, bands: Sequence[CostBand] = EEF_COST_RATINGS
) -> CostBand:
    """The EEF band: £ below £80, ££ to £200, £££ to £720, ££££ to £1,200, £££££ above."""
    cost = _money("The cost per pupil", yearly_cost_per_pupil)
    for band in bands:
        if band.upper is None or cost < band.upper or (cost == band.upper and not band.below):
            return band
    raise ValueError("The cost bands need a top band with no upper bound.")


MONTH_OF_PROGRESS_UNIT = "£ per month of progress beyond normal"
MONTH_OF_PROGRESS_METHOD = (
    "derived measure: cost per pupil ÷ (months of age gained - months elapsed)"
)


def cost_per_month_of_progress(
    cost: float | Decimal | str, gain_months: int, elapsed_months: int
) -> Figure:
    """Cost per pupil ÷ months gained beyond normal progress; None with the reason when ≤ 0."""
    amount = _money("The cost per pupil", cost)
    gain = _whole("The gain in months", gain_months)
    elapsed = _count("The months elapsed", elapsed_months, 1)
    beyond = gain - elapsed
    if beyond <= 0:
        return _not_computed(
            MONTH_OF_PROGRESS_UNIT,
            MONTH_OF_PROGRESS_METHOD,
            f"no progress beyond normal: {gain} months gained in {elapsed} months elapsed.",
        )
    value = (amount / Decimal(beyond)).quantize(PENNY, rounding=ROUND_HALF_UP)
    return Figure(value, MONTH_OF_PROGRESS_UNIT, MONTH_OF_PROGRESS_METHOD)


ELEMENT_2_THRESHOLD = Decimal(6000)


@dataclass(frozen=True)
class ThresholdCheck:
    yearly_cost: Decimal
    threshold: Decimal
    above: bool
    difference: Decimal  # cost - threshold: positive above, negative below

    def words(self) -> str:
        if self.difference == 0:
            where = "exactly at"
        else:
            where = "above" if self.above else "below"
            where = f"£{abs(self.difference):,.2f} {where}"
        return (
            f"£{self.yearly_cost:,.2f} a year of additional provision: {where} the "
            f"£{self.threshold:,.2f} element 2 threshold."
        )


def against_threshold(
    yearly_cost: float | Decimal | str, threshold: float | Decimal | str = ELEMENT_2_THRESHOLD
) -> ThresholdCheck:
    """A pupil's yearly costed provision against the element 2 threshold (about £6,000)."""
    cost = _money("The yearly cost", yearly_cost)
    line = _money("The threshold", threshold)
    return ThresholdCheck(cost, line, cost > line, cost - line)
