"""Section F, provision planned and delivered so far: each item of the current version of a
pupil's EHC plan, the hours it planned so far in the school year (or one term) against the
hours the pupil was present at sessions of the library provision it is linked to.

- Planned: sessions x minutes, for each school week elapsed (an item "a week"), each term's
  share elapsed ("a term"), or the year's share of school weeks elapsed ("a year"). School
  weeks are counted in the school's own terms (or the default ones), from the later of the
  period's start and the plan's issue date, to today: holidays between terms do not count,
  and terms that run the whole year without a gap (the defaults) are scaled to 39 weeks.
- Delivered: the minutes of delivered sessions, in the same days, of the intervention groups
  of the linked library provision, at which the pupil is marked present.
- Short: delivered below `senco.provision.gaps.SHORT_OF_PLAN` (90%) of planned, the same
  threshold as the provision gaps page.

A fixed number of queries, however many items: the items, the terms, the delivered minutes.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import dateformat

from senco.ehcp.models import EHCPlan, PlanProvision, PlanVersion
from senco.ehcp.services.plans import current_version
from senco.provision import costs
from senco.provision.gaps import SHORT_OF_PLAN
from senco.provision.models import Session
from senco.schools.calendar import academic_year_start
from senco.schools.models import School

ZERO = Decimal(0)
WEEK = Decimal(7)
# A school year has 39 weeks of school (190 teaching days and 5 training days). Terms that run
# the whole year without a gap between them (the default SENCO_TERM_DATES, from 1 September to
# 31 August) hold 52: their weeks are scaled to 39, spread evenly over the terms. A school's own
# terms (about 41 weeks with their half-term holidays) are counted as they are.
SCHOOL_WEEKS = Decimal(39)
WHOLE_YEAR = Decimal(45)  # more weeks than this: the terms include the holidays between them


def this_year(school: School, today: dt.date) -> list[costs.Period]:
    """The school year `today` falls in, then its terms (the school's own dates, or the
    default ones): the periods to choose from."""
    return costs.periods(school, academic_year_start(today))


@dataclass(frozen=True)
class SchoolWeeks:
    """School time elapsed in a period, counted in the school's terms."""

    elapsed: Decimal  # school weeks elapsed in the period
    terms: Decimal  # terms elapsed in the period, each counted as its share elapsed
    in_year: Decimal  # school weeks in the whole year


def _days(starts: dt.date, ends: dt.date) -> int:
    """Days from `starts` to `ends`, both counted; 0 when `ends` is before `starts`."""
    return max(0, (ends - starts).days + 1)


def school_weeks(
    terms: Sequence[costs.Period], period: costs.Period, counted_from: dt.date, until: dt.date
) -> SchoolWeeks:
    """School weeks and terms elapsed between `counted_from` and `until` (both counted) in the
    terms of `period`, and the school weeks of the whole year."""
    start, end = max(period.starts, counted_from), min(period.ends, until)
    elapsed_days, terms_elapsed, year_days = 0, ZERO, 0
    for term in terms:
        length = _days(term.starts, term.ends)
        year_days += length
        if term.ends < period.starts or term.starts > period.ends or not length:
            continue
        done = _days(max(term.starts, start), min(term.ends, end))
        elapsed_days += done
        terms_elapsed += Decimal(done) / length
    in_year = Decimal(year_days) / WEEK
    scale = SCHOOL_WEEKS / in_year if in_year > WHOLE_YEAR else Decimal(1)
    return SchoolWeeks(Decimal(elapsed_days) / WEEK * scale, terms_elapsed, in_year * scale)


def planned_minutes(item: PlanProvision, weeks: SchoolWeeks) -> Decimal:
    """The minutes the item planned in the school time elapsed."""
    per_session = Decimal(item.sessions) * item.minutes
    if item.per == PlanProvision.Per.TERM:
        return per_session * weeks.terms
    if item.per == PlanProvision.Per.YEAR:
        return per_session * weeks.elapsed / weeks.in_year if weeks.in_year else ZERO
    return per_session * weeks.elapsed


def _hours(minutes: Decimal | int) -> str:
    return costs.plain(Decimal(minutes) / 60)


def _whole(year: Sequence[costs.Period]) -> SchoolWeeks:
    return school_weeks(year[1:], year[0], year[0].starts, year[0].ends)


def weeks_a_year(year: Sequence[costs.Period]) -> str:
    """The school weeks in the terms of the year (`this_year`'s periods), as shown."""
    return costs.plain(_whole(year).in_year)


def hours_a_year(items: Sequence[PlanProvision], year: Sequence[costs.Period]) -> dict[int, str]:
    """Each item's planned hours over the whole school year (`this_year`'s periods), as
    shown: the planned hours once every term has run."""
    whole = _whole(year)
    return {item.pk: _hours(planned_minutes(item, whole)) for item in items}


@dataclass
class ItemDelivery:
    """One section F item: planned against delivered, so far."""

    item: PlanProvision
    planned: Decimal  # minutes
    delivered: int | None  # minutes; None when the item is not linked to library provision
    threshold: Decimal = SHORT_OF_PLAN

    @property
    def linked(self) -> bool:
        return self.delivered is not None

    @property
    def planned_hours(self) -> str:
        return _hours(self.planned)

    @property
    def delivered_hours(self) -> str:
        return _hours(self.delivered or 0)

    @property
    def share(self) -> int | None:
        """Delivered as a percentage of planned; None when nothing is planned yet or the
        delivery cannot be counted."""
        if self.delivered is None or not self.planned:
            return None
        return round(100 * self.delivered / self.planned)

    @property
    def short(self) -> bool:
        return (
            self.delivered is not None
            and self.planned > 0
            and self.delivered < self.threshold * self.planned
        )


@dataclass
class Delivery:
    """Section F of the current version, item by item, over a period."""

    version: PlanVersion
    period: costs.Period
    counted_from: dt.date
    until: dt.date
    weeks: SchoolWeeks
    items: list[ItemDelivery]
    threshold: Decimal = SHORT_OF_PLAN
    # Why nothing is counted yet (the period starts after today, or the plan ran outside it);
    # "" once counting has started.
    not_started: str = ""

    @property
    def short(self) -> list[ItemDelivery]:
        return [i for i in self.items if i.short]

    @property
    def not_linked(self) -> list[ItemDelivery]:
        return [i for i in self.items if not i.linked]

    @property
    def threshold_percent(self) -> int:
        return int(self.threshold * 100)

    @property
    def weeks_shown(self) -> str:
        return costs.plain(self.weeks.elapsed)

    @property
    def started(self) -> bool:
        return self.counted_from <= self.until


def delivered_minutes(
    plan: EHCPlan, provision_ids: set[int], starts: dt.date, ends: dt.date
) -> dict[int, int]:
    """Library provision -> minutes of its delivered sessions from `starts` to `ends` at which
    the plan's pupil was present, in one query."""
    if not provision_ids or ends < starts:
        return {}
    rows = (
        Session.objects.filter(
            status=Session.Status.DELIVERED,
            held_on__range=(starts, ends),
            group__school_id=plan.pupil.school_id,
            group__provision_id__in=provision_ids,
            attendance__pupil_id=plan.pupil_id,
            attendance__present=True,
        )
        .order_by()
        .values("group__provision_id")
        .annotate(total=Sum("minutes"))
    )
    return {row["group__provision_id"]: row["total"] for row in rows}


def section_f_delivery(
    plan: EHCPlan,
    period: costs.Period,
    today: dt.date,
    terms: Sequence[costs.Period],
) -> Delivery | None:
    """Planned against delivered hours of each section F item of the plan's current version,
    from the later of the period's start and the plan's issue date up to today (or the
    period's end); None when the plan has no version."""
    version = current_version(plan)
    if version is None:
        return None
    items = list(
        version.provision.select_related("provision", "outcome").order_by("position", "pk")
    )
    counted_from = max(period.starts, plan.issued_on)
    until = min(period.ends, today, plan.ceased_on or today)
    not_started = "" if counted_from <= until else _not_started(plan, period, today)
    weeks = school_weeks(terms, period, counted_from, until)
    delivered = delivered_minutes(
        plan, {i.provision_id for i in items if i.provision_id}, counted_from, until
    )
    return Delivery(
        version=version,
        period=period,
        counted_from=counted_from,
        until=until,
        weeks=weeks,
        items=[
            ItemDelivery(
                item=item,
                planned=planned_minutes(item, weeks),
                delivered=delivered.get(item.provision_id, 0) if item.provision_id else None,
            )
            for item in items
        ],
        not_started=not_started,
    )


def _not_started(plan: EHCPlan, period: costs.Period, today: dt.date) -> str:
    """Why a period counts nothing: it has not started yet, or the plan ran outside it."""
    name = period.label[:1].lower() + period.label[1:]
    name = name if name.startswith("the ") else f"the {name}"
    if period.starts > today:
        return f"Not started yet: {name} starts on {_day(period.starts)}."
    if plan.ceased_on is not None and plan.ceased_on < period.starts:
        return f"The plan ceased on {_day(plan.ceased_on)}, before {name} began."
    return f"The plan was issued on {_day(plan.issued_on)}, after {name} ended."


def _day(day: dt.date) -> str:
    return dateformat.format(day, "j F Y")
