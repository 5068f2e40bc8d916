"""The school's provision library (list, entry, add and change) and its standard hourly rates.

Costs are shown only to the roles with `provision.costs`, and always from the standard rate of
the role that delivers a provision, so a cost never reveals one person's pay."""

from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods

from senco import access
from senco.audit import log
from senco.forms import add_errors
from senco.provision import costs, services
from senco.provision.library_forms import (
    LibraryFilterForm,
    ProvisionForm,
    RatesForm,
    initial_from,
)
from senco.provision.models import DeliveryRole, Provision


def _posted(request):
    # An empty POST is still a submission: its form answers with what is missing.
    return request.POST if request.method == "POST" else None


def _entry(request, school, public_id) -> Provision:
    found = (
        Provision.objects.filter(school=school, public_id=public_id)
        .select_related("entry_assessment", "exit_assessment")
        .first()
    )
    if found is None:
        log.refused(request.user, "pupil.refused", school=school, detail=f"provision {public_id}")
        raise Http404(access.NOT_VISIBLE)
    return found


def _filtered(school, form: LibraryFilterForm):
    entries = Provision.objects.filter(school=school)
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("q"):
        entries = entries.filter(name__icontains=data["q"].strip())
    if data.get("area"):
        entries = entries.filter(area=data["area"])
    if data.get("wave"):
        entries = entries.filter(wave=int(data["wave"]))
    in_use = data.get("in_use") or "yes"
    if in_use != "all":
        entries = entries.filter(is_active=in_use == "yes")
    return entries


@login_required
@require_GET
def library(request):
    school = access.current_school(request, "provision.library")
    today = access.today()
    form = LibraryFilterForm(request.GET or None)
    running = access.intervention_groups_visible_to(request.user, school).filter(
        starts__lte=today, ends__gte=today
    )
    entries = _filtered(school, form).annotate(
        running=Count("groups", filter=Q(groups__in=running.values("pk")), distinct=True)
    )
    page = Paginator(entries.order_by("name"), settings.SENCO_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rates = costs.rates_of(school)
    rows = [(p, costs.library_costing(p, rates.get(p.staff_role))) for p in page.object_list]
    context = {
        "page": page,
        "rows": rows,
        "form": form,
        "filtered": any(request.GET.get(k) for k in ("q", "area", "wave", "in_use")),
        "sees_costs": access.can(request.user, "provision.costs", school),
        "may_manage": access.can(request.user, "provision.manage", school),
    }
    return render(request, "provision/library_list.html", context)


def _group_link(group) -> str | None:
    # The groups' pages come with another part of issue 8; until then, names only.
    try:
        return reverse("provision:group", args=[group.public_id])
    except NoReverseMatch:
        return None


@login_required
@require_GET
def library_detail(request, public_id):
    school = access.current_school(request, "provision.library")
    provision = _entry(request, school, public_id)
    groups = access.intervention_groups_visible_to(request.user, school).filter(provision=provision)
    sees_costs = access.can(request.user, "provision.costs", school)
    rate = costs.rates_of(school).get(provision.staff_role) if sees_costs else None
    context = {
        "provision": provision,
        "groups": [(g, _group_link(g)) for g in groups.order_by("-starts", "name")],
        "today": access.today(),
        "sees_costs": sees_costs,
        "costing": costs.library_costing(
            provision, rate, show_rate=access.can(request.user, "provision.rates", school)
        )
        if sees_costs
        else None,
        "may_manage": access.can(request.user, "provision.manage", school),
        "may_set_rates": access.can(request.user, "provision.rates", school),
    }
    return render(request, "provision/library_detail.html", context)


def _save(request, form: ProvisionForm, school, provision=None) -> Provision | None:
    """The service's answer: the saved entry, or None with its refusals on the form."""
    try:
        return services.save_provision(
            school, by=request.user, provision=provision, **form.cleaned_data
        )
    except ValidationError as e:
        add_errors(form, e)
    return None


def _edit(request, school, provision: Provision | None):
    initial = initial_from(provision) if provision else None
    form = ProvisionForm(_posted(request), initial=initial, school=school)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, school, provision)
        if saved is not None:
            done = "Saved" if provision else "Added to the library:"
            messages.success(request, f"{done} {saved.name}.")
            return redirect("provision:library_detail", saved.public_id)
    context = {"form": form, "provision": provision}
    return render(request, "provision/library_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def library_new(request):
    school = access.current_school(request, "provision.manage")
    return _edit(request, school, None)


@login_required
@require_http_methods(["GET", "POST"])
def library_edit(request, public_id):
    school = access.current_school(request, "provision.manage")
    return _edit(request, school, _entry(request, school, public_id))


def _at(field: str) -> Callable[[str], str]:
    """Every message of a rate's refusal goes to that rate's box."""
    return lambda _name: field


def _save_rates(request, form: RatesForm, school, current: dict[str, Decimal]) -> int | None:
    """Set every rate changed, or none (with the refusals on the form): how many changed."""
    changed = {r: cost for r, cost in form.rates().items() if cost != current.get(r)}
    with transaction.atomic():
        for role, cost in changed.items():
            try:
                services.set_rate(school, by=request.user, role=role, hourly_cost=cost)
            except ValidationError as e:
                add_errors(form, e, _at(form.field_for(role)))
        if form.errors:
            transaction.set_rollback(True)
            return None
    return len(changed)


@login_required
@require_http_methods(["GET", "POST"])
def rates(request):
    school = access.current_school(request, "provision.rates")
    current = costs.rates_of(school)
    form = RatesForm(_posted(request), current=current)
    if request.method == "POST" and form.is_valid():
        changed = _save_rates(request, form, school, current)
        if changed is not None:
            messages.success(
                request,
                f"Saved {changed} rate{'' if changed == 1 else 's'}."
                if changed
                else "No rate changed.",
            )
            return redirect("provision:rates")
    fields = [(form[RatesForm.field_for(role)], label) for role, label in DeliveryRole.choices]
    context = {
        "form": form,
        "fields": fields,
        "missing": [label for role, label in DeliveryRole.choices if role not in current],
        "sees_library": access.can(request.user, "provision.library", school),
    }
    return render(request, "provision/rates.html", context)
