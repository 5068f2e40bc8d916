"""A group's impact: one page for the SEN leads and the head (docs/provision.md)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.views.decorators.http import require_GET

from senco import access
from senco.assessment import metrics
from senco.audit import log
from senco.ids import parse_public_id
from senco.provision import costs, impact
from senco.provision.models import Session


def _group(request, public_id):
    school = access.current_school(request, "provision.costs")
    key = parse_public_id(public_id)
    groups = access.intervention_groups_visible_to(request.user, school)
    group = groups.select_related("provision").filter(public_id=key).first() if key else None
    if group is None:
        raise access.not_visible(request.user, school, f"intervention group {public_id}")
    return school, group


@login_required
@require_GET
def group_impact(request, public_id):
    school, group = _group(request, public_id)
    pupils = access.pupils_visible_to(request.user, school, action="provision.costs")
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
    log.read_list(request.user, "provision.impact_viewed", school, [m.pupil for m in members])
    context = {
        "group": group,
        "impact": measured,
        "cost": cost,
        "per_month": impact.cost_per_month(cost.per_pupil, measured, cost.reason),
        "band": _band(measured.group_ratio_gain),
        "warning": metrics.SINGLE_GROUP_WARNING,
    }
    return render(request, "provision/impact_group.html", context)


def _band(figure: metrics.Figure) -> str:
    return metrics.ratio_gain_band(float(figure.value)) if figure.value is not None else ""
