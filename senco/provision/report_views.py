"""The provision reports: what provision costs (per group, provision, area of need, year group,
funding source, and each pupil against the element 2 threshold) and the provision map (the
grid of provision by year group, per pupil and per area of need, printable and as XLSX).

Both are for `provision.costs` (the SEN leads and the head). Pupils come from
`access.pupils_visible_to`, groups from `access.intervention_groups_visible_to`; every page or
file that names pupils writes one audit entry naming them.
"""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from senco import access
from senco.audit import log
from senco.interop.spreadsheets import Column
from senco.provision import costs
from senco.pupils.exports import download

MAP_VIEWS = {
    "grid": "By year group",
    "pupils": "By pupil",
    "areas": "By area of need",
}


def _choices(request, school):
    """The groups and pupils the user may see, the years to choose from and the chosen year
    (or `UnknownPeriod` with the message)."""
    groups = access.intervention_groups_visible_to(request.user, school)
    pupils = access.pupils_visible_to(request.user, school, action="provision.costs")
    today = access.today()
    years = costs.school_years(school, groups, today)
    return groups, pupils, today, years


def _refused(request, template: str, context: dict, problem: costs.UnknownPeriod) -> HttpResponse:
    context["problem"] = str(problem)
    return render(request, template, context, status=400)


@login_required
@require_GET
@never_cache
def cost_page(request):
    school = access.current_school(request, "provision.costs")
    groups, pupils, today, years = _choices(request, school)
    context: dict = {"years": [(y, costs.year_label(y)) for y in years]}
    try:
        year = costs.chosen_year(request.GET.get("year"), years, today)
    except costs.UnknownPeriod as problem:
        return _refused(request, "provision/report_costs.html", context, problem)
    period = costs.periods(school, year)[0]
    report = costs.cost_report(school, groups, pupils, period, today)
    log.read_list(request.user, "provision.costs_viewed", school, [p.pupil for p in report.pupils])
    context |= {"year": year, "report": report}
    return render(request, "provision/report_costs.html", context)


def _map(request, school):
    """The provision map for the chosen year, period and view; `UnknownPeriod` otherwise."""
    groups, pupils, today, years = _choices(request, school)
    context: dict = {"years": [(y, costs.year_label(y)) for y in years], "views": MAP_VIEWS}
    year = costs.chosen_year(request.GET.get("year"), years, today)
    choices = costs.periods(school, year)
    context |= {"year": year, "periods": choices}
    period = costs.chosen_period(request.GET.get("period"), choices)
    view = request.GET.get("view") or "grid"
    if view not in MAP_VIEWS:
        raise costs.UnknownPeriod(
            f"There is no view “{view[:20]}”: choose by year group, by pupil or by area of need."
        )
    context |= {"period": period, "view": view}
    context["map"] = costs.provision_map(groups, pupils, period, today)
    return context


@login_required
@require_GET
@never_cache
def map_page(request):
    school = access.current_school(request, "provision.costs")
    try:
        context = _map(request, school)
    except costs.UnknownPeriod as problem:
        context = {"views": MAP_VIEWS}
        return _refused(request, "provision/report_map.html", context, problem)
    if context["view"] == "pupils":
        shown = [p.pupil for p in context["map"].pupils]
        log.read_list(request.user, "provision.map_viewed", school, shown)
    return render(request, "provision/report_map.html", context)


@login_required
@require_GET
@never_cache
def map_xlsx(request):
    """The map as shown on the page (same year, period and view), as one sheet."""
    school = access.current_school(request, "provision.costs")
    try:
        context = _map(request, school)
    except costs.UnknownPeriod as problem:
        return render(request, "provision/report_map.html", {"problem": str(problem)}, status=400)
    provision_map, view, period = context["map"], context["view"], context["period"]
    columns, rows = SHEETS[view](provision_map)
    stem = f"provision-map-{school.urn}-{period.start_year}-{period.key}-{view}"
    response = download("xlsx", stem, f"Provision map {MAP_VIEWS[view]}", columns, rows)
    if view == "pupils":
        log.read_list(
            request.user, "provision.map_exported", school, [p.pupil for p in provision_map.pupils]
        )
    return response


def _in_year(year: int | None, figure: str) -> Callable[[costs.MapRow], object]:
    """A row's pupils or hours in one year group's column."""
    return lambda row: getattr(row.cell(year), figure)


def _grid_sheet(provision_map: costs.ProvisionMap):
    columns: list[Column] = [
        Column("Provision", lambda r: r.label),
        Column("Hours a week for each pupil", lambda r: r.hours_each),
    ]
    for year, label in provision_map.columns:
        columns += [
            Column(f"{label}: pupils", _in_year(year, "count")),
            Column(f"{label}: hours a week", _in_year(year, "hours")),
        ]
    columns += [
        Column("All year groups: pupils", lambda r: r.total.count),
        Column("All year groups: hours a week", lambda r: r.total.hours),
    ]
    return columns, [*provision_map.rows, provision_map.total]


def _areas_sheet(provision_map: costs.ProvisionMap):
    columns: list[Column] = [
        Column("Area of need", lambda r: r.label),
        Column("Groups", lambda r: len(r.groups)),
        Column("Pupils", lambda r: r.total.count),
        Column("Hours a week", lambda r: r.total.hours),
    ]
    return columns, provision_map.areas


def _pupils_sheet(provision_map: costs.ProvisionMap):
    columns: list[Column] = [
        Column("Last name", lambda p: p.pupil.last_name),
        Column("First name", lambda p: p.pupil.first_name),
        Column("UPN", lambda p: p.pupil.upn),
        Column("Year group", lambda p: p.year_group_label),
        Column("SEN status", lambda p: p.pupil.sen_provision_label),
        Column("Primary need", lambda p: p.pupil.primary_need_label),
        Column("Provision", lambda p: "; ".join(f"{g.provision} ({g})" for g in p.groups)),
        Column("Hours a week", lambda p: p.hours),
    ]
    return columns, provision_map.pupils


SHEETS = {"grid": _grid_sheet, "areas": _areas_sheet, "pupils": _pupils_sheet}
