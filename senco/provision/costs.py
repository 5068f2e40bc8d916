"""What provision costs, and the provision map: computed from the querysets the views pass in
(groups from `access.intervention_groups_visible_to`, pupils from `access.pupils_visible_to`).

Money is Decimal throughout. A group is costed at the school's standard hourly rate for the
role that delivers its provision (never one person's pay); a role with no rate leaves the group
uncosted, with the reason, rather than at £0. The formulas are docs/provision.md's "Costs and
the provision map"; the per-pupil arithmetic is `metrics.cost_per_pupil`.

Each page costs a fixed handful of queries however many groups a school runs: the groups with
their sizes and delivered minutes in one, the pupils' places in another, the rates in a third.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, IntegerField, Max, Min, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from senco.assessment import metrics
from senco.provision.models import DeliveryRole, FundingSource, Group, Provision, Session, StaffRate
from senco.pupils import census
from senco.pupils.models import Pupil, PupilQuerySet
from senco.schools.calendar import academic_year_start, parse_term_dates, year_group_label
from senco.schools.models import School, Term

PENNY = Decimal("0.01")
ZERO = Decimal(0)
YEAR = "year"
TERMS = ("autumn", "spring", "summer")


def element2_threshold() -> Decimal:
    return Decimal(str(getattr(settings, "SENCO_ELEMENT2_THRESHOLD", 6000)))


def pounds(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def money(amount: Decimal | None, reason: str = "") -> str:
    """£1,234.50; or the reason there is no figure, never £0 in its place."""
    return f"£{amount:,.2f}" if amount is not None else f"not costed: {reason}"


def plain(number: Decimal) -> str:
    """3, 1.5, 0.33: as a SENCO writes hours."""
    text = f"{pounds(number):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# Periods: a school year, or one of its terms.


class UnknownPeriod(ValueError):
    """A year or term in the address that the school does not have: the message says so."""


@dataclass(frozen=True)
class Period:
    start_year: int
    key: str  # "year" or a term's name
    label: str
    starts: dt.date
    ends: dt.date


def year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def school_years(school: School, groups: QuerySet, today: dt.date) -> list[int]:
    """The years to choose from, newest first: from the first group's to this year (or the
    last group's, if later), and any year the school has term dates for."""
    span = groups.aggregate(first=Min("starts"), last=Max("ends"))
    this_year = academic_year_start(today)
    first = academic_year_start(span["first"]) if span["first"] else this_year
    last = max(this_year, academic_year_start(span["last"]) if span["last"] else this_year)
    known = set(school.academic_years.values_list("start_year", flat=True))
    # Groups are dated within a few years of today (services.start_group); older data imported
    # from elsewhere must still not offer thousands of years.
    first, last = max(first, this_year - 10), min(last, this_year + 2)
    return sorted(known | set(range(first, last + 1)), reverse=True)


def chosen_year(value: str | None, years: list[int], today: dt.date) -> int:
    if not value:
        return academic_year_start(today)
    if value.isdigit() and len(value) == 4 and int(value) in years:
        return int(value)
    raise UnknownPeriod(
        f"There is no school year “{value[:20]}” to show: choose one of "
        f"{', '.join(year_label(y) for y in years)}."
    )


def periods(school: School, start_year: int) -> list[Period]:
    """The whole year, then its terms: the school's own term dates, or the default ones."""
    year = Period(
        start_year,
        YEAR,
        f"The school year {year_label(start_year)}",
        dt.date(start_year, 9, 1),
        dt.date(start_year + 1, 8, 31),
    )
    terms = Term.objects.filter(academic_year__school=school, academic_year__start_year=start_year)
    dates = [(t.name, t.starts, t.ends) for t in terms] or parse_term_dates(
        settings.SENCO_TERM_DATES, start_year
    )
    return [year] + [
        Period(start_year, name, f"{name.capitalize()} term {year_label(start_year)}", starts, ends)
        for name, starts, ends in dates
    ]


def chosen_period(value: str | None, choices: list[Period]) -> Period:
    key = value or YEAR
    for period in choices:
        if period.key == key:
            return period
    raise UnknownPeriod(
        f"There is no period “{key[:20]}” to show: choose the whole year or the autumn, spring "
        "or summer term."
    )


def year_group_in(pupil: Pupil, start_year: int, today: dt.date) -> int | None:
    """The year group the pupil was in during that school year (their current one, moved back
    a year for each year since)."""
    if pupil.year_group is None:
        return None
    return pupil.year_group - (academic_year_start(today) - start_year)


# The cost of each group.


def weeks_running(group: Group) -> int:
    """Whole weeks between the group's start and end, at least 1."""
    return max(1, (group.ends - group.starts).days // 7)


def no_rate(role: str) -> str:
    return f"no standard rate for {DeliveryRole(role).label}: the head sets it"


@dataclass
class GroupCost:
    group: Group
    members: int
    weeks: int
    hours_per_week: Decimal
    delivered_minutes: int
    rate: Decimal | None
    other_costs: Decimal
    planned: Decimal | None = None
    so_far: Decimal | None = None
    per_pupil: Decimal | None = None
    reason: str = ""  # why there is no figure

    @property
    def delivered_hours(self) -> str:
        return plain(Decimal(self.delivered_minutes) / 60)

    @property
    def shown(self) -> dict[str, str]:
        return {
            "planned": money(self.planned, self.reason),
            "so_far": money(self.so_far, self.reason),
            "per_pupil": money(self.per_pupil, self.reason),
            "hours": plain(self.hours_per_week),
        }


def groups_with_figures(groups: QuerySet) -> QuerySet:
    """Each group with its provision, its number of pupils and its delivered minutes, in one
    query (a subquery for the minutes, so that the two counts do not multiply)."""
    delivered = (
        Session.objects.filter(group=OuterRef("pk"), status=Session.Status.DELIVERED)
        .values("group")
        .annotate(total=Sum("minutes"))
        .values("total")
    )
    return groups.select_related("provision").annotate(
        size=Count("members", distinct=True),
        delivered_minutes=Coalesce(Subquery(delivered, output_field=IntegerField()), 0),
    )


def rates_of(school: School) -> dict[str, Decimal]:
    return dict(StaffRate.objects.filter(school=school).values_list("role", "hourly_cost"))


def cost_of(group: Group, rates: dict[str, Decimal]) -> GroupCost:
    """Planned cost, cost so far and cost per pupil of one group (from `groups_with_figures`)."""
    provision = group.provision
    role = provision.staff_role
    other = provision.materials_cost + provision.licence_cost + provision.training_cost
    cost = GroupCost(
        group=group,
        members=group.size,  # type: ignore[attr-defined]
        weeks=weeks_running(group),
        hours_per_week=provision.hours_per_week,
        delivered_minutes=group.delivered_minutes,  # type: ignore[attr-defined]
        rate=rates.get(role),
        other_costs=other,
    )
    if cost.rate is None:
        cost.reason = no_rate(role)
        return cost
    cost.planned = pounds(cost.rate * cost.hours_per_week * cost.weeks + other)
    cost.so_far = pounds(cost.rate * Decimal(cost.delivered_minutes) / 60 + other)
    if cost.members:
        cost.per_pupil = metrics.cost_per_pupil(
            cost.rate, cost.hours_per_week, cost.weeks, cost.members, other
        )
    else:
        cost.reason = "no pupils in the group"
    return cost


@dataclass
class Total:
    """Money added up over groups (or pupils' shares), counting those that could not be
    costed instead of treating them as £0."""

    label: str
    planned: Decimal = ZERO
    so_far: Decimal = ZERO
    groups: int = 0
    uncosted: int = 0

    def add(self, cost: GroupCost, share: Decimal | None = None) -> None:
        self.groups += 1
        if cost.planned is None or cost.so_far is None:
            self.uncosted += 1
            return
        self.planned += cost.planned if share is None else share
        if share is None:
            self.so_far += cost.so_far

    @property
    def shown(self) -> dict[str, str]:
        return {"planned": money(self.planned), "so_far": money(self.so_far)}


@dataclass
class PupilCost:
    pupil: Pupil
    year_group: int | None
    groups: list[GroupCost] = field(default_factory=list)
    yearly: Decimal = ZERO
    uncosted: int = 0
    check: metrics.ThresholdCheck | None = None

    @property
    def year_group_label(self) -> str:
        return year_group_label(self.year_group)

    @property
    def yearly_shown(self) -> str:
        return money(self.yearly)


@dataclass
class CostReport:
    period: Period
    groups: list[GroupCost]
    by_provision: list[Total]
    by_area: list[Total]
    by_year_group: list[Total]
    by_funding: list[Total]
    pupils: list[PupilCost]
    missing_rates: list[str]
    threshold: Decimal
    total: Total

    @property
    def threshold_shown(self) -> str:
        return money(self.threshold)


def places(pupils: QuerySet, groups: QuerySet) -> list[Pupil]:
    """The pupils' places in these groups: a pupil once per group, with `place_group`,
    `place_joined` and `place_left`, in one query."""
    return list(
        pupils.filter(intervention_places__group__in=groups.values("pk"))
        .annotate(
            place_group=F("intervention_places__group_id"),
            place_joined=F("intervention_places__joined"),
            place_left=F("intervention_places__left"),
        )
        .order_by("legal_last_name", "legal_first_name", "pk")
    )


def _totals(costs: list[GroupCost], key, label) -> list[Total]:
    found: dict = {}
    for cost in costs:
        k = key(cost)
        found.setdefault(k, Total(label(cost)))
        found[k].add(cost)
    return sorted(found.values(), key=lambda t: t.label)


def cost_report(
    school: School, groups: QuerySet, pupils: QuerySet, period: Period, today: dt.date
) -> CostReport:
    """Costs of the groups that start in the school year, totalled every way the issue asks,
    and each visible pupil's share against the element 2 threshold."""
    in_year = groups.filter(starts__gte=period.starts, starts__lte=period.ends)
    chosen = groups_with_figures(in_year).order_by("provision__name", "starts", "name")
    rates = rates_of(school)
    costs = [cost_of(g, rates) for g in chosen]
    threshold = element2_threshold()
    pupil_costs, by_year = _shares(costs, places(pupils, in_year), period, today)
    for pupil_cost in pupil_costs:
        pupil_cost.check = metrics.against_threshold(pupil_cost.yearly, threshold)
    total = Total("All groups")
    for cost in costs:
        total.add(cost)
    areas = dict(census.BROAD_AREAS)
    return CostReport(
        period=period,
        groups=costs,
        by_provision=_totals(
            costs, lambda c: c.group.provision_id, lambda c: c.group.provision.name
        ),
        by_area=_totals(
            costs, lambda c: c.group.provision.area, lambda c: areas[c.group.provision.area]
        ),
        by_year_group=by_year,
        by_funding=_totals(
            costs, lambda c: c.group.funding, lambda c: FundingSource(c.group.funding).label
        ),
        pupils=sorted(pupil_costs, key=lambda p: (-p.yearly, p.pupil.last_name, p.pupil.pk)),
        missing_rates=sorted({c.reason for c in costs if c.rate is None}),
        threshold=threshold,
        total=total,
    )


def _shares(
    costs: list[GroupCost], shown: list[Pupil], period: Period, today: dt.date
) -> tuple[list[PupilCost], list[Total]]:
    """Each pupil's share of every group they were in, and the shares added up by year group;
    the shares of pupils the user cannot see go in a line of their own."""
    by_group = {c.group.pk: c for c in costs}
    pupils: dict[int, PupilCost] = {}
    years: dict[int | None, Total] = {}
    seen: dict[int, int] = defaultdict(int)
    for place in shown:
        cost = by_group[place.place_group]  # type: ignore[attr-defined]
        entry = pupils.setdefault(
            place.pk, PupilCost(place, year_group_in(place, period.start_year, today))
        )
        entry.groups.append(cost)
        seen[cost.group.pk] += 1
        if cost.per_pupil is None:
            entry.uncosted += 1
        else:
            entry.yearly += cost.per_pupil
        years.setdefault(entry.year_group, Total(entry.year_group_label))
        years[entry.year_group].add(cost, share=cost.per_pupil)
    unseen = Total("Pupils not shown to you")
    for cost in costs:
        for _ in range(cost.members - seen[cost.group.pk]):
            unseen.add(cost, share=cost.per_pupil)
    order = sorted(years.items(), key=lambda item: (item[0] is None, item[0] or 0))
    by_year = [total for _, total in order] + ([unseen] if unseen.groups else [])
    return list(pupils.values()), by_year


# The provision map.


@dataclass
class Cell:
    pupils: set[int] = field(default_factory=set)
    hours: Decimal = ZERO

    @property
    def count(self) -> int:
        return len(self.pupils)

    @property
    def hours_shown(self) -> str:
        return plain(self.hours)


@dataclass
class MapRow:
    label: str
    hours_each: Decimal | None  # a provision's hours a week for each pupil; None for totals
    cells: dict[int | None, Cell] = field(default_factory=dict)
    total: Cell = field(default_factory=Cell)
    groups: set[int] = field(default_factory=set)

    def add(self, year_group: int | None, pupil_id: int, hours: Decimal, group_id: int) -> None:
        for cell in (self.cells.setdefault(year_group, Cell()), self.total):
            cell.pupils.add(pupil_id)
            cell.hours += hours
        self.groups.add(group_id)

    def cell(self, year_group: int | None) -> Cell:
        return self.cells.get(year_group) or Cell()

    def in_columns(self, year_groups: list[int | None]) -> list[Cell]:
        return [self.cell(y) for y in year_groups]

    @property
    def hours_each_shown(self) -> str:
        return plain(self.hours_each) if self.hours_each is not None else ""


@dataclass
class PupilProvision:
    pupil: Pupil
    year_group: int | None
    groups: list[Group] = field(default_factory=list)
    hours: Decimal = ZERO

    @property
    def year_group_label(self) -> str:
        return year_group_label(self.year_group)

    @property
    def hours_shown(self) -> str:
        return plain(self.hours)


@dataclass
class ProvisionMap:
    period: Period
    year_groups: list[int | None]
    rows: list[MapRow]
    total: MapRow
    areas: list[MapRow]
    pupils: list[PupilProvision]

    @property
    def columns(self) -> list[tuple[int | None, str]]:
        return [(y, year_group_label(y)) for y in self.year_groups]

    @property
    def grid(self) -> list[tuple[MapRow, list[Cell]]]:
        return [(row, row.in_columns(self.year_groups)) for row in self.rows]

    @property
    def total_cells(self) -> list[Cell]:
        return self.total.in_columns(self.year_groups)


def in_period(place: Pupil, group: Group, period: Period) -> bool:
    joined = place.place_joined  # type: ignore[attr-defined]
    left = place.place_left or group.ends  # type: ignore[attr-defined]
    return joined <= period.ends and left >= period.starts


def provision_map(
    groups: QuerySet, pupils: PupilQuerySet, period: Period, today: dt.date
) -> ProvisionMap:
    """Who had which provision in the period: groups running then, pupils in them then."""
    running = groups.filter(starts__lte=period.ends, ends__gte=period.starts)
    by_group = {g.pk: g for g in running.select_related("provision")}
    rows: dict[int, MapRow] = {}
    areas = {code: MapRow(label, None) for code, label in Provision.AREAS}
    total = MapRow("Pupils with any provision", None)
    people: dict[int, PupilProvision] = {}
    for place in places(pupils, running):
        group = by_group[place.place_group]  # type: ignore[attr-defined]
        if not in_period(place, group, period):
            continue
        provision = group.provision
        year = year_group_in(place, period.start_year, today)
        hours = provision.hours_per_week
        row = rows.setdefault(provision.pk, MapRow(provision.name, hours))
        for line in (row, areas[provision.area], total):
            line.add(year, place.pk, hours, group.pk)
        person = people.setdefault(place.pk, PupilProvision(place, year))
        person.groups.append(group)
        person.hours += hours
    register = pupils.on_roll().filter(sen_provision__in=census.REGISTER_CODES)
    for pupil in register.exclude(pk__in=list(people)):
        people[pupil.pk] = PupilProvision(pupil, year_group_in(pupil, period.start_year, today))
    years = sorted(total.cells, key=lambda y: (y is None, y or 0))
    return ProvisionMap(
        period=period,
        year_groups=years,
        rows=sorted(rows.values(), key=lambda r: r.label.lower()),
        total=total,
        areas=list(areas.values()),
        pupils=sorted(people.values(), key=lambda p: (p.pupil.last_name, p.pupil.first_name)),
    )


# A library entry's cost, before any group runs it.

TIMES = "\N{MULTIPLICATION SIGN}"


@dataclass(frozen=True)
class Costing:
    """A library entry's cost per pupil for one run (its weeks, its usual group size), and
    the sum that gives it, written out."""

    amount: Decimal
    band: metrics.CostBand
    sum: str

    @property
    def shown(self) -> str:
        return money(self.amount)


def library_costing(
    provision: Provision, rate: Decimal | None, *, show_rate: bool = False
) -> Costing | None:
    """None when the school has no standard rate yet for the role that delivers it."""
    if rate is None:
        return None
    size = provision.group_size
    others = [
        (getattr(provision, name), label)
        for name, label in (
            ("materials_cost", "materials"),
            ("licence_cost", "licences"),
            ("training_cost", "training"),
        )
        if getattr(provision, name)
    ]
    amount = metrics.cost_per_pupil(
        rate,
        provision.hours_per_week,
        provision.weeks,
        size,
        other_costs=sum((cost for cost, _ in others), Decimal(0)),
    )
    pupils = "pupil" if size == 1 else "pupils"
    written = (
        f"{_rate_words(provision, rate, show_rate)} {TIMES} "
        f"{plain(provision.hours_per_week)} hours a week {TIMES} "
        f"{provision.weeks} weeks ÷ {size} {pupils}"
    )
    if others:
        shared = " + ".join(f"{money(cost)} {label}" for cost, label in others)
        written += f" + ({shared}) ÷ {size}" if len(others) > 1 else f" + {shared} ÷ {size}"
    return Costing(amount, metrics.cost_rating(amount), f"{written} = {money(amount)}")


def _rate_words(provision: Provision, rate: Decimal, shown: bool) -> str:
    """The rate in a written sum: its amount only to those who set the rates."""
    if shown:
        return f"{money(rate)} an hour"
    return f"the standard rate of a {provision.get_staff_role_display().lower()}"
