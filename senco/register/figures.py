"""The register's figures: census-day entries, breakdowns for the charts, entries and exits per
term. Pure: no Django import, so each rule is tested with hand-made histories.

Histories come in as plain tuples, loaded for a whole school in a constant number of queries:
a status is (code, starts, ends) and a need is (code, rank, starts, ends).
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from senco.pupils import census
from senco.register import national
from senco.schools.calendar import year_group_label

Status = tuple[str, dt.date, dt.date | None]
Need = tuple[str, int, dt.date, dt.date | None]
ONE_DAY = dt.timedelta(days=1)


# The census on one day ---------------------------------------------------------------------


@dataclass(frozen=True)
class CensusEntry:
    """What the census takes for one pupil on one day, and the rules the record breaks."""

    provision: str  # N, K or E: legacy codes mapped
    needs: tuple[str, ...]  # at most two, by rank
    breaches: tuple[census.Breach, ...] = ()

    @property
    def on_register(self) -> bool:
        return self.provision in ("K", "E")


def _held_on(day: dt.date, starts: dt.date, ends: dt.date | None) -> tuple[bool, dt.date | None]:
    """Was the period recorded by `day`, and its end as it stood that day (open if later)."""
    return starts <= day, ends if ends is not None and ends < day else None


def census_entry(day: dt.date, statuses: Iterable[Status], needs: Iterable[Need]) -> CensusEntry:
    """The pupil's record as it stood on `day`: periods starting later are left out, periods
    ending later were still open. The census rules are checked on that record."""
    periods = []
    for code, starts, ends in statuses:
        held, ends_then = _held_on(day, starts, ends)
        if held:
            periods.append(census.Period(code, starts, ends_then))
    ranked = []
    for code, rank, starts, ends in needs:
        held, ends_then = _held_on(day, starts, ends)
        if held:
            ranked.append((rank, census.Period(code, starts, ends_then)))
    open_statuses = sorted((p for p in periods if p.ends is None), key=lambda p: p.starts)
    provision = census.census_provision(open_statuses[-1].code) if open_statuses else "N"
    open_needs = sorted((rank, p.code) for rank, p in ranked if p.ends is None)
    taken = tuple(code for _, code in open_needs[: census.CENSUS_MAX_NEEDS])
    return CensusEntry(provision, taken, tuple(census.check_history(periods, ranked)))


@dataclass
class CensusSummary:
    """Counts of pupils on SEN support (K) and with an EHC plan (E), by one field."""

    title: str
    rows: list[tuple[str, int, int]] = field(default_factory=list)  # label, K, E

    @property
    def totals(self) -> tuple[int, int]:
        return sum(r[1] for r in self.rows), sum(r[2] for r in self.rows)


def _summary(title: str, keys: Sequence[tuple[str, str]], found: Counter) -> CensusSummary:
    return CensusSummary(
        title, [(label, found[(key, "K")], found[(key, "E")]) for key, label in keys]
    )


def census_summaries(
    entries: Iterable[tuple[CensusEntry, int | None, str]],
) -> list[CensusSummary]:
    """By primary need, year group and sex, K and E apart: (entry, year group, sex) each."""
    by_need: Counter = Counter()
    by_year: Counter = Counter()
    by_sex: Counter = Counter()
    for entry, year_group, sex in entries:
        if not entry.on_register:
            continue
        by_need[(entry.needs[0] if entry.needs else "", entry.provision)] += 1
        by_year[(year_group, entry.provision)] += 1
        by_sex[(sex, entry.provision)] += 1
    needs = [(code, f"{code}: {census.need_label(code)}") for code in census.NEEDS]
    if any(key == "" for key, _ in by_need):
        needs.append(("", "No primary need recorded"))
    years = sorted({key for key, _ in by_year}, key=lambda y: (y is None, y or 0))
    return [
        _summary("By primary need", needs, by_need),
        _summary("By year group", [(y, year_group_label(y)) for y in years], by_year),
        _summary("By sex", [("F", "Female"), ("M", "Male")], by_sex),
    ]


# The register at a glance --------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    percent: float  # of the register
    national: str = national.NOT_PUBLISHED
    short: str = ""  # for the chart's axis, where the label is long

    @property
    def chart_label(self) -> str:
        return self.short or self.label


@dataclass(frozen=True)
class OnRegister:
    """One pupil on the register now, as the charts need them."""

    provision: str
    primary_need: str
    year_group: int | None
    sex: str


def _rows(
    values: Iterable[object],
    keys: Sequence[tuple[object, str]],
    compare: Callable[[object], str] = lambda _key: national.NOT_PUBLISHED,
) -> list[Row]:
    found = Counter(values)
    total = sum(found.values())
    rows = [
        Row(
            label,
            found[key],
            round(100 * found[key] / total, 1) if total else 0.0,
            compare(key),
            short=str(key) if label.startswith(f"{key}:") else "",
        )
        for key, label in keys
    ]
    unknown = total - sum(found[key] for key, _ in keys)
    if unknown:
        rows.append(Row("Not recorded", unknown, round(100 * unknown / total, 1)))
    return rows


def by_primary_need(pupils: Sequence[OnRegister]) -> list[Row]:
    """England publishes primary needs for EHC plans only, so each published figure is set
    beside this school's EHC plans, like for like, not beside its whole register."""
    keys = [(code, f"{code}: {census.need_label(code)}") for code in census.NEEDS]
    plans = Counter(p.primary_need for p in pupils if p.provision in census.PLAN_CODES)

    def compare(code: object) -> str:
        england = national.by_primary_need(str(code))
        if england == national.NOT_PUBLISHED or not plans:
            return england
        here = round(100 * plans[str(code)] / sum(plans.values()), 1)
        return f"{england} (here: {here}% of EHC plans)"

    return _rows((p.primary_need for p in pupils), keys, compare)


def by_broad_area(pupils: Sequence[OnRegister]) -> list[Row]:
    areas = {label: key for key, label in census.BROAD_AREAS.items()}
    values = (areas.get(census.broad_area(p.primary_need)) for p in pupils)
    return _rows(values, list(census.BROAD_AREAS.items()))


def by_year_group(pupils: Sequence[OnRegister]) -> list[Row]:
    years = sorted({p.year_group for p in pupils if p.year_group is not None})
    return _rows((p.year_group for p in pupils), [(y, year_group_label(y)) for y in years])


def by_sex(pupils: Sequence[OnRegister]) -> list[Row]:
    return _rows(
        (p.sex for p in pupils),
        [("F", "Female"), ("M", "Male")],
        lambda code: national.by_sex(str(code)),
    )


# Entries and exits -----------------------------------------------------------------------------


def register_runs(statuses: Iterable[Status]) -> list[tuple[dt.date, dt.date | None]]:
    """Each unbroken run of register statuses (K, E and legacy S, A, P): when it began, and the
    day it ended (None while it lasts). A status off the register (N) breaks a run; a run whose
    last status ended with nothing after it ended then too."""
    runs: list[tuple[dt.date, dt.date | None]] = []
    began: dt.date | None = None
    last_end: dt.date | None = None
    for code, starts, ends in sorted(statuses, key=lambda s: s[1]):
        if code in census.REGISTER_CODES:
            began = began or starts
            last_end = ends
        elif began is not None:
            runs.append((began, last_end if last_end is not None else starts - ONE_DAY))
            began = None
    if began is not None:
        runs.append((began, last_end))
    return runs


@dataclass(frozen=True)
class TermFlow:
    term: str
    entries: int
    exits: int


def entries_and_exits(
    histories: Iterable[Iterable[Status]], terms: Sequence[tuple[str, dt.date, dt.date]]
) -> list[TermFlow]:
    """Pupils joining and leaving the register in each term. A term here runs from its first day
    to the day before the next term starts, so a change made in a holiday counts in the term
    before it; an exit is counted on the day after the run's last day."""
    ordered = sorted(terms, key=lambda t: t[1])
    entries: Counter = Counter()
    exits: Counter = Counter()

    def term_of(day: dt.date) -> int | None:
        if not ordered or day < ordered[0][1] or day > ordered[-1][2]:
            return None
        return max(i for i, t in enumerate(ordered) if t[1] <= day)

    for history in histories:
        for began, ended in register_runs(history):
            entries[term_of(began)] += 1
            if ended is not None:
                exits[term_of(ended + ONE_DAY)] += 1
    return [TermFlow(label, entries[i], exits[i]) for i, (label, _, _) in enumerate(ordered)]
