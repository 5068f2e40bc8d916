"""The impact of an intervention group (issue 8): each pupil's entry and exit results, gain,
ratio gain and reliable change, and the group's attendance, ratio gains, effect size and EEF
months, as `senco.assessment.metrics` defines them (METRICS.md). Every figure that cannot be
computed carries the reason instead of a number.

The caller gives the group's places with their results and pupils loaded (`measure`), so the
queries stay with the page that reads them through access.py.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from senco.assessment import metrics, values
from senco.assessment.models import Result
from senco.provision.models import Group, Member

MONTHS = "months"


def months_between(first: dt.date, second: dt.date) -> int:
    """Whole calendar months from one date to a later one (a month is counted once its day is
    reached): 10 Sep to 9 Dec is 2, to 10 Dec is 3."""
    months = (second.year - first.year) * 12 + second.month - first.month
    return months - (second.day < first.day)


def _value(result: Result) -> float | None:
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
    before, after = _value(entry), _value(exit_)
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
    measured = [p for p in pupils if p.measured]
    kinds = {p.entry.assessment_type.kind for p in measured if p.entry is not None}
    kind = next(iter(kinds)) if len(kinds) == 1 else ""
    notes = []
    if len(kinds) > 1:
        notes.append("The pupils were measured with different kinds of test: no group figure.")
    age_based = kind in values.AGE_KINDS
    triples = [
        (int(_value(p.entry) or 0), int(_value(p.exit) or 0), p.elapsed_months)
        if age_based and p.entry and p.exit and p.elapsed_months
        else None
        for p in measured
    ]
    effect = metrics.single_group_change(
        [_value(p.entry) if p.entry else None for p in measured],
        [_value(p.exit) if p.exit else None for p in measured],
    )
    attended = sum(p.present for p in pupils)
    possible = delivered * len(pupils)
    return GroupImpact(
        group=group,
        pupils=pupils,
        kind=kind,
        attendance=round(100 * attended / possible) if possible else None,
        group_ratio_gain=metrics.group_ratio_gain_figure(triples, age_based=age_based),
        mean_ratio_gain=metrics.mean_ratio_gain_figure(triples, age_based=age_based),
        effect_size=effect,
        eef=metrics.eef_progress(effect.value) if effect.value is not None else None,
        caution=metrics.caution(len(measured)),
        notes=notes,
    )


def cost_per_month(
    cost_per_pupil: Decimal | None, impact: GroupImpact, why_no_cost: str = "it has no cost."
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
