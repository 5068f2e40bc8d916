"""The impact of an intervention group (issue 8): each pupil's entry and exit results, gain,
ratio gain and reliable change, and the group's attendance, ratio gains, effect size and EEF
months, as `senco.assessment.metrics` defines them (METRICS.md). Every figure that cannot be
computed carries the reason instead of a number.

The caller gives the group's places with their results and pupils loaded (`measure`), so the
queries stay with the page that reads them through access.py.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from senco.assessment import metrics, values
from senco.assessment.models import AssessmentType, Result
from senco.provision.costs import GroupCost
from senco.provision.models import Group, Member, Provision
from senco.pupils.models import Pupil
from senco.schools.calendar import year_group_label

MONTHS = "months"
PENNY = Decimal("0.01")


def months_between(first: dt.date, second: dt.date) -> int:
    """Whole calendar months from one date to a later one (a month is counted once its day is
    reached): 10 Sep to 9 Dec is 2, to 10 Dec is 3."""
    months = (second.year - first.year) * 12 + second.month - first.month
    return months - (second.day < first.day)


def value_of(result: Result) -> float | None:
    """What a result measures, as a number: months for an age, the score otherwise."""
    if result.assessment_type.kind in values.AGE_KINDS:
        return float(result.months) if result.months is not None else None
    return float(result.score) if result.score is not None else None


@dataclass
class PupilImpact:
    member: Member
    present: int
    delivered: int
    entry: Result | None
    exit: Result | None
    gain: float | None = None
    elapsed_months: int | None = None
    ratio_gain: metrics.Figure | None = None
    reliable_change: metrics.Figure | None = None

    @property
    def attendance(self) -> int | None:
        return round(100 * self.present / self.delivered) if self.delivered else None

    @property
    def measured(self) -> bool:
        return self.gain is not None


@dataclass
class GroupImpact:
    group: Group
    pupils: list[PupilImpact]
    kind: str
    attendance: int | None
    group_ratio_gain: metrics.Figure
    mean_ratio_gain: metrics.Figure
    effect_size: metrics.Figure
    eef: metrics.Progress | None
    caution: str
    notes: list[str] = field(default_factory=list)

    @property
    def measured(self) -> list[PupilImpact]:
        return [p for p in self.pupils if p.measured]


def _pupil(member: Member, present: int, delivered: int) -> PupilImpact:
    entry, exit_ = member.entry_result, member.exit_result
    impact = PupilImpact(member, present, delivered, entry, exit_)
    if entry is None or exit_ is None:
        return impact
    before, after = value_of(entry), value_of(exit_)
    if before is None or after is None:
        return impact
    impact.gain = after - before
    impact.elapsed_months = months_between(entry.taken_on, exit_.taken_on)
    kind = entry.assessment_type.kind
    if kind in values.AGE_KINDS:
        impact.ratio_gain = _ratio_gain(impact.gain, impact.elapsed_months)
    elif kind == values.STANDARDISED:
        impact.reliable_change = _reliable_change(entry, before, after)
    return impact


def _ratio_gain(gain: float, elapsed: int) -> metrics.Figure:
    method = "ratio gain: months of age gained ÷ calendar months between the two tests"
    if elapsed < 1:
        return metrics.Figure(
            None, "ratio gain", method, reason="the two tests are less than a month apart."
        )
    return metrics.Figure(metrics.ratio_gain(gain, elapsed), "ratio gain", method)


def _reliable_change(result: Result, before: float, after: float) -> metrics.Figure:
    kind = result.assessment_type
    method = "reliable change index (Jacobson and Truax 1991): |RC| above 1.96 is reliable"
    if kind.reliability is None:
        return metrics.Figure(
            None,
            "reliable change index",
            method,
            reason=f"{kind.name} has no test-retest reliability recorded: add it from the manual.",
        )
    rc = metrics.reliable_change(before, after, float(kind.sd), float(kind.reliability))
    note = "a reliable change" if metrics.is_reliable_change(rc) else "within measurement error"
    return metrics.Figure(rc, "reliable change index", method, notes=(note,))


def measure(
    group: Group, members: Sequence[Member], present: Mapping[int, int], delivered: int
) -> GroupImpact:
    """The group's impact from its places (entry and exit results loaded), each pupil's count
    of sessions attended (`present`, by pupil id) and the sessions delivered."""
    pupils = [_pupil(m, present.get(m.pupil_id, 0), delivered) for m in members]
    attended = sum(p.present for p in pupils)
    possible = delivered * len(pupils)
    summary = _summary(pupils)
    return GroupImpact(
        group=group,
        pupils=pupils,
        attendance=round(100 * attended / possible) if possible else None,
        **summary,
    )


def _summary(pupils: Sequence[PupilImpact]) -> dict:
    """The figures shared by a group and a provision's pooled pupils: kind of test, ratio gains,
    the single group effect size, EEF months, caution and notes."""
    measured = [p for p in pupils if p.measured]
    kinds = {p.entry.assessment_type.kind for p in measured if p.entry is not None}
    kind = next(iter(kinds)) if len(kinds) == 1 else ""
    notes = []
    if len(kinds) > 1:
        notes.append("The pupils were measured with different kinds of test: no group figure.")
    age_based = kind in values.AGE_KINDS
    triples = [
        (int(value_of(p.entry) or 0), int(value_of(p.exit) or 0), p.elapsed_months)
        if age_based and p.entry and p.exit and p.elapsed_months
        else None
        for p in measured
    ]
    effect = metrics.single_group_change(
        [value_of(p.entry) if p.entry else None for p in measured],
        [value_of(p.exit) if p.exit else None for p in measured],
    )
    if len(kinds) > 1:
        effect = metrics.Figure(
            None, effect.unit, effect.method, reason="the pupils took different kinds of test."
        )
    return {
        "kind": kind,
        "group_ratio_gain": metrics.group_ratio_gain_figure(triples, age_based=age_based),
        "mean_ratio_gain": metrics.mean_ratio_gain_figure(triples, age_based=age_based),
        "effect_size": effect,
        "eef": metrics.eef_progress(effect.value) if effect.value is not None else None,
        "caution": metrics.caution(len(measured)),
        "notes": notes,
    }


def cost_per_month(
    cost_per_pupil: Decimal | None, impact: "Measured", why_no_cost: str = "it has no cost."
) -> metrics.Figure:
    """The group's cost per pupil ÷ the mean months gained beyond normal progress (age tests)."""
    method = metrics.MONTH_OF_PROGRESS_METHOD
    unit = metrics.MONTH_OF_PROGRESS_UNIT
    if cost_per_pupil is None:
        return metrics.Figure(None, unit, method, reason=why_no_cost)
    ages = [p for p in impact.measured if p.ratio_gain is not None and p.elapsed_months]
    if impact.kind not in values.AGE_KINDS or not ages:
        return metrics.Figure(
            None, unit, method, reason="it needs reading or spelling ages before and after."
        )
    gain = _whole(sum(p.gain or 0 for p in ages) / len(ages))
    elapsed = max(1, _whole(sum(p.elapsed_months or 0 for p in ages) / len(ages)))
    return metrics.cost_per_month_of_progress(cost_per_pupil, gain, elapsed)


def _whole(months: float) -> int:
    """Months as whole months, half up (4.5 is 5), as METRICS.md computes in whole months."""
    return int(Decimal(str(months)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class Measured(Protocol):
    kind: str

    @property
    def measured(self) -> list[PupilImpact]: ...


# A comparison group: similar pupils not in the group, tested in the same windows.

WINDOW = dt.timedelta(days=60)
TOO_FEW = 2


@dataclass(frozen=True)
class Window:
    """When a comparison pupil's two results must fall: the members' entry dates ± 60 days, and
    their exit dates likewise."""

    entry_from: dt.date
    entry_to: dt.date
    exit_from: dt.date
    exit_to: dt.date


@dataclass
class ComparedPupil:
    pupil: Pupil
    before: Result
    after: Result

    @property
    def gain(self) -> float:
        return (value_of(self.after) or 0) - (value_of(self.before) or 0)


@dataclass
class Comparison:
    window: Window
    assessment: AssessmentType
    treated: list[float]
    pupils: list[ComparedPupil]
    effect_size: metrics.Figure
    eef: metrics.Progress | None

    def by_year(self) -> list[tuple[str, int]]:
        years = Counter(c.pupil.year_group for c in self.pupils)
        order = sorted(years, key=lambda y: (y is None, y or 0))
        return [(year_group_label(y), years[y]) for y in order]


def comparable(impact: GroupImpact) -> tuple[list[PupilImpact], str]:
    """The members a comparison can use (both results of one assessment), or why there are none."""
    measured = impact.measured
    types = {p.entry.assessment_type_id for p in measured if p.entry is not None}
    if not measured:
        return [], "no pupil in the group has both results yet."
    if len(types) > 1:
        return [], "the pupils in the group took different assessments."
    exits = {p.exit.assessment_type_id for p in measured if p.exit is not None}
    if exits != types:
        return [], "the pupils' entry and exit results are from different assessments."
    if value_of(measured[0].entry) is None:  # type: ignore[arg-type]
        return [], "the assessment gives labels, not numbers."
    return measured, ""


def window_of(members: Sequence[PupilImpact]) -> Window:
    entries = [p.entry.taken_on for p in members if p.entry is not None]
    exits = [p.exit.taken_on for p in members if p.exit is not None]
    return Window(min(entries) - WINDOW, max(entries) + WINDOW, min(exits) - WINDOW,
                  max(exits) + WINDOW)  # fmt: skip


def pairs(results: Iterable[Result], window: Window) -> list[ComparedPupil]:
    """Each pupil's earliest result in the entry window and latest in the exit window (the
    second after the first): a pupil with only one of them is left out."""
    by_pupil: dict[int, list[Result]] = {}
    for result in results:
        if value_of(result) is not None:
            by_pupil.setdefault(result.pupil_id, []).append(result)
    found = []
    for taken in by_pupil.values():
        taken.sort(key=lambda r: (r.taken_on, r.pk))
        before = [r for r in taken if window.entry_from <= r.taken_on <= window.entry_to]
        after = [r for r in taken if window.exit_from <= r.taken_on <= window.exit_to]
        if before and after and after[-1].taken_on > before[0].taken_on:
            found.append(ComparedPupil(before[0].pupil, before[0], after[-1]))
    return sorted(found, key=lambda c: (c.pupil.last_name, c.pupil.first_name, c.pupil.pk))


def compare(
    members: Sequence[PupilImpact], window: Window, others: Sequence[ComparedPupil]
) -> Comparison:
    """Hedges' g of the members' gains against the comparison pupils' gains, with its 95% CI;
    fewer than 2 on a side says so instead of a number."""
    treated = [p.gain for p in members if p.gain is not None]
    assessment = members[0].entry.assessment_type  # type: ignore[union-attr]
    gains = [c.gain for c in others]
    if len(treated) < TOO_FEW or len(gains) < TOO_FEW:
        figure = metrics.Figure(
            None,
            metrics.EFFECT_SIZE_UNIT,
            COMPARISON_METHOD,
            reason=(
                f"too few pupils to compare: {len(treated)} in the group and {len(gains)} in the "
                f"comparison group have both results; each side needs at least {TOO_FEW}."
            ),
        )
    else:
        figure = metrics.hedges_g_figure(treated, gains)
    eef = metrics.eef_progress(figure.value) if figure.value is not None else None
    return Comparison(window, assessment, treated, list(others), figure, eef)


COMPARISON_METHOD = "Hedges' g of the gains, the group against the comparison group"


# A provision across its groups.


@dataclass
class ProvisionImpact:
    provision: Provision
    groups: list[GroupImpact]
    costs: list[GroupCost]
    pupils: list[PupilImpact]
    kind: str
    attendance: int | None
    group_ratio_gain: metrics.Figure
    mean_ratio_gain: metrics.Figure
    effect_size: metrics.Figure
    eef: metrics.Progress | None
    caution: str
    notes: list[str]
    cost_per_pupil: Decimal | None
    cost_reason: str
    per_month: metrics.Figure | None = None

    @property
    def measured(self) -> list[PupilImpact]:
        return [p for p in self.pupils if p.measured]

    @property
    def cost_shown(self) -> str:
        if self.cost_per_pupil is None:
            return f"not costed: {self.cost_reason}"
        return f"£{self.cost_per_pupil:,.2f}"

    @property
    def rank_key(self) -> tuple:
        """Most EEF months first, then the highest group ratio gain, then by name."""
        months = self.eef.months if self.eef else None
        ratio = self.group_ratio_gain.value
        return (months is None, -(months or 0), ratio is None, -float(ratio or 0),
                self.provision.name.lower())  # fmt: skip


def pool(
    provision: Provision, groups: Sequence[GroupImpact], costs: Sequence[GroupCost]
) -> ProvisionImpact:
    """The pupils of every group of one provision taken together; the cost per pupil is the
    mean of the groups' costs per pupil (those that could be costed)."""
    pupils = [p for g in groups for p in g.pupils]
    attended = sum(p.present for p in pupils)
    possible = sum(p.delivered for p in pupils)
    costed = [c.per_pupil for c in costs if c.per_pupil is not None]
    notes = []
    uncosted = len(costs) - len(costed)
    if costed and uncosted:
        notes.append(
            f"{uncosted} of {len(costs)} groups could not be costed; the cost per pupil is the "
            "mean of the others."
        )
    reasons = sorted({c.reason for c in costs if c.per_pupil is None})
    result = ProvisionImpact(
        provision=provision,
        groups=list(groups),
        costs=list(costs),
        pupils=pupils,
        attendance=round(100 * attended / possible) if possible else None,
        cost_per_pupil=_mean_money(costed),
        cost_reason="" if costed else ("; ".join(reasons) or "no group has run yet."),
        **_summary(pupils),
    )
    result.notes = notes + result.notes
    result.per_month = cost_per_month(result.cost_per_pupil, result, result.cost_reason)
    return result


def _mean_money(amounts: Sequence[Decimal]) -> Decimal | None:
    if not amounts:
        return None
    return (sum(amounts, Decimal(0)) / len(amounts)).quantize(PENNY, rounding=ROUND_HALF_UP)


def ranked(provisions: Iterable[ProvisionImpact]) -> list[ProvisionImpact]:
    """The provisions with measured pupils, most impact first (see `rank_key`)."""
    return sorted((p for p in provisions if p.measured), key=lambda p: p.rank_key)
