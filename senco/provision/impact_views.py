"""Impact pages for the SEN leads and the head (docs/provision.md, "Impact and what works here"):
one group's impact against a comparison group, a provision's impact across its groups, and
"what works here", ranking the school's provisions by impact beside their cost, with charts and
a PDF.

Each page loads its groups, places, results and attendance in a fixed number of queries however
many groups or pupils there are; pupils come only from `access.pupils_visible_to`.
"""

import base64
import io
from collections import defaultdict

import matplotlib
from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from matplotlib.figure import Figure

from senco import access
from senco.assessment import metrics, values
from senco.audit import log
from senco.documents import charts, pdf
from senco.ids import parse_public_id
from senco.provision import costs, impact
from senco.provision.models import Group, Provision, Session, places_in
from senco.pupils import census
from senco.schools.calendar import year_group_label

matplotlib.use("Agg")


def _group(request, public_id):
    school = access.current_school(request, "provision.costs")
    key = parse_public_id(public_id)
    groups = access.intervention_groups_visible_to(request.user, school)
    group = groups.select_related("provision").filter(public_id=key).first() if key else None
    if group is None:
        raise access.not_visible(request.user, school, f"intervention group {public_id}")
    return school, group


def _pupils(request, school):
    return access.pupils_visible_to(request.user, school, action="provision.costs")


# One group, and a comparison group.


class ComparisonForm(forms.Form):
    """Narrow the comparison group: one of the members' year groups, one primary need."""

    year = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    need = forms.ChoiceField(required=False)

    def __init__(self, data, years: list[int | None]):
        super().__init__(data)
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.ChoiceField)
        year_field.choices = [("", "All their year groups")] + [
            (y, year_group_label(y)) for y in years if y is not None
        ]
        need_field = self.fields["need"]
        assert isinstance(need_field, forms.ChoiceField)
        need_field.choices = [("", "Any need")] + [
            (code, census.need_label(code)) for code in census.NEEDS
        ]
        year_field.label, need_field.label = "Year group", "Primary need"


def _comparison(request, school, group: Group, measured: impact.GroupImpact):
    """The form, the comparison (or None) and why there is none."""
    members, reason = impact.comparable(measured)
    years = sorted({p.member.pupil.year_group for p in members}, key=lambda y: (y is None, y or 0))
    form = ComparisonForm(request.GET or None, years)
    if reason:
        return form, None, f"No comparison: {reason}"
    if form.is_bound and not form.is_valid():
        return form, None, "No comparison: choose a year group and a need from the lists."
    chosen = form.cleaned_data if form.is_bound else {}
    window = impact.window_of(members)
    candidates = (
        _pupils(request, school)
        .on_roll()
        .filter(sen_provision__in=census.REGISTER_CODES, year_group__in=years)
        .exclude(intervention_places__group=group)
    )
    if chosen.get("year") is not None:
        candidates = candidates.filter(year_group=chosen["year"])
    if chosen.get("need"):
        candidates = candidates.filter(primary_need=chosen["need"])
    assessment = members[0].entry.assessment_type  # type: ignore[union-attr]
    results = (
        access.results_visible_to(request.user, school, assessment)
        .filter(pupil__in=candidates)
        .filter(
            Q(taken_on__range=(window.entry_from, window.entry_to))
            | Q(taken_on__range=(window.exit_from, window.exit_to))
        )
        .select_related("pupil", "assessment_type")
    )
    return form, impact.compare(members, window, impact.pairs(results, window)), ""


@login_required
@require_GET
@never_cache
def group_impact(request, public_id):
    school, group = _group(request, public_id)
    pupils = _pupils(request, school)
    members = list(
        group.members.filter(pupil__in=pupils)
        .select_related("pupil", "entry_result__assessment_type", "exit_result__assessment_type")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )
    delivered = group.sessions.filter(status=Session.Status.DELIVERED)
    present = dict(
        delivered.filter(attendance__present=True)
        .values_list("attendance__pupil")
        .annotate(n=Count("pk"))
        .values_list("attendance__pupil", "n")
    )
    measured = impact.measure(group, members, present, delivered.count())
    cost = costs.cost_of(
        costs.groups_with_figures(type(group).objects.filter(pk=group.pk)).get(),
        costs.rates_of(school),
    )
    form, comparison, no_comparison = _comparison(request, school, group, measured)
    compared = comparison.pupils if comparison else []
    named = [m.pupil for m in members] + [c.pupil for c in compared]
    log.read_list(request.user, "provision.impact_viewed", school, named)
    context = {
        "group": group,
        "impact": measured,
        "cost": cost,
        "per_month": impact.cost_per_month(cost.per_pupil, measured, cost.reason),
        "band": _band(measured.group_ratio_gain),
        "warning": metrics.SINGLE_GROUP_WARNING,
        "form": form,
        "comparison": comparison,
        "no_comparison": no_comparison,
    }
    return render(request, "provision/impact_group.html", context)


def _band(figure: metrics.Figure) -> str:
    return metrics.ratio_gain_band(float(figure.value)) if figure.value is not None else ""


# Many groups at once: a provision's, or a school year's.


def measure_groups(
    user, school, groups: QuerySet
) -> list[tuple[impact.GroupImpact, costs.GroupCost]]:
    """Each group's impact and cost, in a fixed number of queries: the groups with their
    figures, the rates, the sessions delivered, each pupil's attendance, and the pupils with
    their places and results."""
    chosen = list(costs.groups_with_figures(groups).order_by("provision__name", "starts", "name"))
    ids = {g.pk for g in chosen}
    rates = costs.rates_of(school)
    sessions = Session.objects.filter(group__in=ids, status=Session.Status.DELIVERED)
    delivered = dict(
        sessions.values_list("group").annotate(n=Count("pk")).values_list("group", "n")
    )
    pupils = access.pupils_visible_to(user, school, action="provision.costs")
    present = (
        sessions.filter(attendance__present=True, attendance__pupil__in=pupils)
        .values_list("group", "attendance__pupil")
        .annotate(n=Count("pk"))
    )
    attended = {(g, p): n for g, p, n in present}
    places = defaultdict(list)
    visible = (
        pupils.filter(intervention_places__group__in=ids)
        .distinct()
        .prefetch_related(places_in(ids))
    )
    for pupil in visible:
        for place in pupil.places_here:
            place.pupil = pupil
            places[place.group_id].append(place)
    found = []
    for group in chosen:
        members = sorted(places[group.pk], key=lambda m: (m.pupil.last_name, m.pupil.first_name))
        counts = {m.pupil_id: attended.get((group.pk, m.pupil_id), 0) for m in members}
        found.append(
            (
                impact.measure(group, members, counts, delivered.get(group.pk, 0)),
                costs.cost_of(group, rates),
            )
        )
    return found


def pooled(
    provision: Provision, measured: list[tuple[impact.GroupImpact, costs.GroupCost]]
) -> impact.ProvisionImpact:
    return impact.pool(provision, [g for g, _ in measured], [c for _, c in measured])


def _entry(request, public_id) -> tuple:
    school = access.current_school(request, "provision.costs")
    provision = Provision.objects.filter(school=school, public_id=public_id).first()
    if provision is None:
        raise access.not_visible(request.user, school, f"provision {public_id}")
    return school, provision


@login_required
@require_GET
@never_cache
def provision_impact(request, public_id):
    school, provision = _entry(request, public_id)
    groups = access.intervention_groups_visible_to(request.user, school).filter(provision=provision)
    result = pooled(provision, measure_groups(request.user, school, groups))
    log.read_list(
        request.user, "provision.impact_viewed", school, [p.member.pupil for p in result.pupils]
    )
    context = {
        "provision": provision,
        "impact": result,
        "band": _band(result.group_ratio_gain),
        "warning": metrics.SINGLE_GROUP_WARNING,
    }
    return render(request, "provision/impact_provision.html", context)


# What works here.


class WorksRefused(Exception):
    """A year or provision in the address that cannot be shown: the message says why."""


def _works(request) -> dict:
    """The report for the chosen school year: each provision measured then, ranked; the chosen
    provision's pupils before and after (the top one unless the address names another)."""
    school = access.current_school(request, "provision.costs")
    groups = access.intervention_groups_visible_to(request.user, school)
    today = access.today()
    years = costs.school_years(school, groups, today)
    context: dict = {
        "school": school,
        "years": [(y, costs.year_label(y)) for y in years],
        "warning": metrics.SINGLE_GROUP_WARNING,
    }
    try:
        year = costs.chosen_year(request.GET.get("year"), years, today)
    except costs.UnknownPeriod as problem:
        context["problem"] = str(problem)
        raise WorksRefused(context) from None
    period = costs.periods(school, year)[0]
    in_year = groups.filter(starts__gte=period.starts, starts__lte=period.ends)
    by_provision = defaultdict(list)
    for measured in measure_groups(request.user, school, in_year):
        by_provision[measured[0].group.provision].append(measured)
    rows = impact.ranked(pooled(p, found) for p, found in by_provision.items())
    chosen = _chosen(request.GET.get("provision"), rows)
    context |= {"year": year, "period": period, "rows": rows, "chosen": chosen}
    # Early in a year few groups have finished: offer the year before.
    context["year_before"] = year - 1 if not rows and year - 1 in years else None
    context["before_after"] = _before_after(chosen) if chosen else []
    return context


def _chosen(value: str | None, rows: list[impact.ProvisionImpact]):
    if not value:
        return rows[0] if rows else None
    key = parse_public_id(value)
    for row in rows:
        if row.provision.public_id == key:
            return row
    raise Http404(access.NOT_VISIBLE)


def _before_after(row: impact.ProvisionImpact) -> list[dict]:
    """The chosen provision's measured pupils, numbered as the chart labels them."""
    measured = [(g.group, p) for g in row.groups for p in g.measured]
    return [
        {
            "number": number,
            "label": f"{number}. {p.member.pupil.initials}",
            "pupil": p.member.pupil,
            "group": group,
            "before": p.entry,
            "after": p.exit,
            "gain": p.gain,
        }
        for number, (group, p) in enumerate(measured, start=1)
    ]


def _logged(request, context: dict) -> None:
    shown = [line["pupil"] for line in context["before_after"]]
    log.read_list(request.user, "provision.impact_viewed", context["school"], shown)


@login_required
@require_GET
@never_cache
def works(request):
    try:
        context = _works(request)
    except WorksRefused as refused:
        return render(request, "provision/impact_works.html", refused.args[0], status=400)
    _logged(request, context)
    return render(request, "provision/impact_works.html", context | {"links": True})


CHART_TITLES = {
    "gain": "Months of additional progress against cost per pupil",
    "before-after": "Each pupil before and after",
}


@login_required
@require_GET
def works_chart(request, name: str):
    """One chart as SVG, from the same figures as the table beside it."""
    if name not in CHART_TITLES:
        access.current_school(request, "provision.costs")
        raise Http404(access.NOT_VISIBLE)
    try:
        context = _works(request)
    except WorksRefused:
        raise Http404(access.NOT_VISIBLE) from None
    response = HttpResponse(_chart(name, context), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


def _chart(name: str, context: dict) -> bytes:
    if name == "gain":
        return gain_against_cost(context["rows"])
    chosen = context["chosen"]
    lines = context["before_after"]
    unit = "Age (months)" if chosen and chosen.kind in values.AGE_KINDS else "Score"
    return charts.bar_chart(
        f"{CHART_TITLES[name]}: {chosen.provision.name}" if chosen else CHART_TITLES[name],
        [line["label"] for line in lines],
        {
            "Before": [impact.value_of(line["before"]) or 0 for line in lines],
            "After": [impact.value_of(line["after"]) or 0 for line in lines],
        },
        value_label=unit,
    )


def gain_against_cost(rows: list[impact.ProvisionImpact]) -> bytes:
    """A scatter, one point per provision with both figures, labelled with its rank."""
    plotted = [
        (number, row)
        for number, row in enumerate(rows, start=1)
        if row.eef is not None and row.cost_per_pupil is not None
    ]
    with matplotlib.rc_context(charts.STYLE):
        figure = Figure(figsize=(7, 4.5))
        axes = figure.subplots()
        xs = [float(row.cost_per_pupil or 0) for _, row in plotted]
        ys = [row.eef.months if row.eef else 0 for _, row in plotted]
        axes.scatter(xs, ys, color=charts.COLOURS[0])
        for (number, row), x, y in zip(plotted, xs, ys, strict=True):
            axes.annotate(f"{number}. {row.provision.name[:30]}", (x, y), xytext=(5, 4),
                          textcoords="offset points")  # fmt: skip
        axes.set_xlabel("Cost per pupil (£)")
        axes.set_ylabel("EEF months of additional progress")
        axes.set_title(CHART_TITLES["gain"])
        axes.set_xlim(left=0)
        axes.spines[["top", "right"]].set_visible(False)
        out = io.BytesIO()
        figure.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    return out.getvalue()


def _data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


@login_required
@require_GET
def works_pdf(request):
    try:
        context = _works(request)
    except WorksRefused as refused:
        return render(request, "provision/impact_works.html", refused.args[0], status=400)
    _logged(request, context)
    context["charts"] = {
        name.replace("-", "_"): _data_uri(_chart(name, context)) for name in CHART_TITLES
    }
    school = context["school"]
    filename = f"what-works-{costs.year_label(context['year']).replace('/', '-')}.pdf"
    return pdf.pdf_response(request, "documents/works.html", context, filename, school=school)
