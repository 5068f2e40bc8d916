"""A pupil's plan: the current cycle, its notes, the parents' view, the review, and every
cycle and version before it.

Every view reaches the pupil through `access.get_pupil` (404 when not visible, 403 when the
action is not allowed) and a cycle through that pupil's plans.
"""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from senco import access
from senco.audit import log
from senco.forms import add_errors
from senco.ids import parse_public_id
from senco.plans import documents, queries, services
from senco.plans.forms import (
    CycleForm,
    NoteForm,
    ParentViewForm,
    ReviewForm,
    outcome_formset,
    outcomes_given,
    provision_formset,
    provision_given,
)
from senco.plans.models import Cycle, Outcome, Plan
from senco.provision.models import Provision as LibraryEntry

BLANK_OUTCOMES = 3
BLANK_PROVISION = 2


def _cycle(user, pupil, cycle_id) -> Cycle:
    """One cycle of one of the pupil's plans; 404 (logged) otherwise."""
    key = parse_public_id(cycle_id)
    cycle = (
        Cycle.objects.none()
        if key is None
        else Cycle.objects.filter(plan__in=pupil.plans.all(), public_id=key)
    ).first()
    if cycle is None:
        raise access.not_visible(user, pupil.school, f"plan cycle {cycle_id}")
    return cycle


def _plan_url(pupil, anchor: str = "") -> str:
    return reverse("pupils:plans:detail", kwargs={"public_id": pupil.public_id}) + anchor


def _shown_plan(pupil) -> Plan | None:
    """The open plan, or the last one when none is open."""
    return pupil.plans.order_by("ends", "-starts", "-pk").first()


def _render_plan(request, pupil, *, note_form=None, parent_form=None, status=200):
    user = request.user
    log.read(user, "plan.viewed", pupil)
    plan = _shown_plan(pupil)
    cycles = list(plan.cycles.order_by("-number")) if plan else []
    cycle = cycles[0] if cycles else None
    context: dict = {
        "pupil": pupil,
        "plan": plan,
        "cycle": cycle,
        "reviews": [c for c in cycles if c.is_locked],
        "ended_plans": pupil.plans.exclude(pk=plan.pk) if plan else [],
        "staff_view": access.can(user, "plan.history", pupil),
        "may_write": access.can(user, "plan.write", pupil),
        "on_register": pupil.on_register,
        "today": access.today(),
    }
    if not context["staff_view"]:
        context.update(documents.parent_context(pupil))
    if cycle is not None:
        context["outcomes"] = list(cycle.outcomes.all())
        context["provision"] = list(cycle.provision_items.all())
        if context["staff_view"]:
            context["notes"] = cycle.notes.select_related("written_by", "outcome").order_by(
                "-written_on", "-pk"
            )
            context["evidence"] = queries.evidence(user, pupil, cycle)
        if cycle.status == Cycle.Status.OPEN:
            if access.can(user, "plan.note", pupil):
                context["note_form"] = note_form or NoteForm(cycle=cycle)
            if access.can(user, "plan.parent_view", pupil):
                # A parent starts from their own view only, never another parent's.
                own = cycle.parent_views.filter(written_by=user).first()
                context["own_view"] = own
                context["parent_form"] = parent_form or ParentViewForm(
                    initial={"parent_view": own.text if own else ""}
                )
            elif context["staff_view"]:
                context["parent_views"] = cycle.parent_views.select_related("written_by")
    return render(request, "plans/detail.html", context, status=status)


@login_required
@require_GET
def detail(request, public_id):
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="plan.read")
    return _render_plan(request, pupil)


@login_required
@require_POST
def add_note(request, public_id, cycle_id):
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="plan.note")
    cycle = _cycle(request.user, pupil, cycle_id)
    form = NoteForm(request.POST, cycle=cycle)
    if form.is_valid():
        outcome = cycle.outcomes.filter(pk=form.cleaned_data["outcome"]).first()
        try:
            services.add_note(
                cycle,
                by=request.user,
                text=form.cleaned_data["text"],
                outcome=outcome,
                written_on=form.cleaned_data["written_on"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Your note is saved with the plan.")
            return redirect(_plan_url(pupil, "#notes"))
    return _render_plan(request, pupil, note_form=form)


@login_required
@require_POST
def parent_view(request, public_id, cycle_id):
    pupil = access.get_pupil(
        request.user, public_id, audit_action=None, requires="plan.parent_view"
    )
    cycle = _cycle(request.user, pupil, cycle_id)
    form = ParentViewForm(request.POST)
    if form.is_valid():
        try:
            services.record_parent_view(
                cycle, by=request.user, text=form.cleaned_data["parent_view"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                "Thank you: your view is saved, and the SENCO will read it before the review.",
            )
            return redirect(_plan_url(pupil, "#your-view"))
    return _render_plan(request, pupil, parent_form=form)


def _library(pupil):
    """The school's provision library in use, to choose a plan's provision from."""
    return LibraryEntry.objects.filter(school=pupil.school_id, is_active=True).order_by("name")


def _evidence_choices(user, pupil) -> dict:
    concerns = access.concerns_visible_to(user, pupil.school).filter(pupil=pupil)
    return {
        # The last two years' results: older ones belong to an earlier picture of the pupil.
        "results": pupil.results.select_related("assessment_type")
        .filter(taken_on__gte=access.today() - dt.timedelta(days=731))
        .order_by("-taken_on"),
        "concerns": concerns.order_by("-raised_at"),
        "reports": pupil.reports.order_by("-dated"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def start(request, public_id):
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="plan.write")
    if services.current_plan(pupil) is not None:
        messages.info(request, f"{pupil.first_name} has a plan already: change its current cycle.")
        return redirect(_plan_url(pupil))
    if not pupil.on_register:
        messages.info(
            request,
            f"{pupil.first_name} is not on the SEN register: add them on the register form first, "
            "then write a plan.",
        )
        return redirect(_plan_url(pupil))
    today = access.today()
    data = request.POST or None
    form = CycleForm(
        data,
        evidence_choices=_evidence_choices(request.user, pupil),
        new_plan=True,
        initial={"starts": today, "review_on": today + services.review_interval()},
    )
    outcomes = outcome_formset(BLANK_OUTCOMES)(data, prefix="outcomes")
    provision = provision_formset(BLANK_PROVISION)(
        data, prefix="provision", form_kwargs={"library": _library(pupil)}
    )
    if request.method == "GET":
        log.read(request.user, "plan.viewed", pupil)
    elif all([form.is_valid(), outcomes.is_valid(), provision.is_valid()]):
        try:
            services.start_plan(
                pupil,
                by=request.user,
                starts=form.cleaned_data["starts"],
                review_on=form.cleaned_data["review_on"],
                outcomes=outcomes_given(outcomes),
                strategies=form.cleaned_data["strategies"],
                provision=provision_given(provision),
                evidence=form.evidence(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "The plan is started. Staff who teach the pupil can see it.")
            return redirect(_plan_url(pupil))
    return _render_cycle_form(request, pupil, None, form, outcomes, provision)


def _render_cycle_form(request, pupil, cycle, form, outcomes, provision, saved_now=None):
    context = {
        "pupil": pupil,
        "cycle": cycle,
        "form": form,
        "outcomes": outcomes,
        "provision": provision,
        "saved_now": saved_now,
        "formset_errors": [
            *_formset_errors(outcomes, "Outcome"),
            *_formset_errors(provision, "Provision"),
        ],
    }
    return render(request, "plans/cycle_form.html", context)


def _formset_errors(formset, what: str) -> list[tuple[str, str]]:
    """Each problem in a row of a formset, named by its row, for the summary at the top."""
    found = [("", e) for e in formset.non_form_errors()]
    for n, row in enumerate(formset.forms, start=1):
        for name, errors in row.errors.items():
            anchor = row[name].id_for_label if name in row.fields else ""
            found += [(anchor, f"{what} {n}: {e}") for e in errors]
    return found


def _cycle_initial(cycle: Cycle) -> tuple[dict, list[dict], list[dict]]:
    main = {
        "review_on": cycle.review_on,
        "observations": cycle.observations,
        "strategies": cycle.strategies,
        "results": list(cycle.results.values_list("pk", flat=True)),
        "concerns": list(cycle.concerns.values_list("pk", flat=True)),
        "reports": list(cycle.reports.values_list("pk", flat=True)),
        "version": cycle.version,
    }
    outcomes = [
        {"id": o.pk, "text": o.text, "area": o.area, "measure": o.measure}
        for o in cycle.outcomes.all()
    ]
    provision = [
        {"library": p.provision_id, "what": p.what, "who": p.who, "how_often": p.how_often}
        for p in cycle.provision_items.all()
    ]
    return main, outcomes, provision


def _open_cycle(request, pupil, cycle_id) -> Cycle | None:
    """The cycle, when it is still open; None (with a message saying why) when it is locked."""
    cycle = _cycle(request.user, pupil, cycle_id)
    if cycle.is_locked:
        messages.error(
            request,
            f"Cycle {cycle.number} was reviewed on {cycle.reviewed_on:%d/%m/%Y} and is locked: "
            "nothing was changed. Work in the current cycle.",
        )
        return None
    return cycle


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, public_id, cycle_id):
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="plan.write")
    cycle = _open_cycle(request, pupil, cycle_id)
    if cycle is None:
        return redirect(_plan_url(pupil))
    main, outcome_rows, provision_rows = _cycle_initial(cycle)
    data = request.POST.copy() if request.method == "POST" else None
    form = CycleForm(
        data,
        evidence_choices=_evidence_choices(request.user, pupil),
        new_plan=False,
        initial=main,
    )
    outcomes = outcome_formset(2)(data, prefix="outcomes", initial=outcome_rows)
    provision = provision_formset(BLANK_PROVISION)(
        data,
        prefix="provision",
        initial=provision_rows,
        form_kwargs={"library": _library(pupil)},
    )
    saved_now = None
    if request.method == "GET":
        log.read(request.user, "plan.viewed", pupil)
    elif all([form.is_valid(), outcomes.is_valid(), provision.is_valid()]):
        try:
            services.revise_cycle(
                cycle,
                by=request.user,
                expected_version=form.cleaned_data["version"] or 0,
                outcomes=outcomes_given(outcomes),
                strategies=form.cleaned_data["strategies"],
                review_on=form.cleaned_data["review_on"],
                provision=provision_given(provision),
                evidence=form.evidence(),
            )
        except services.EditConflict as conflict:
            add_errors(form, conflict)
            # Saving again now writes over the other change on purpose: the form says so.
            assert data is not None
            data["version"] = str(conflict.version)
            saved_now = cycle.versions.order_by("-number").first()
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "The plan is saved; the version before is kept.")
            return redirect(_plan_url(pupil))
    return _render_cycle_form(request, pupil, cycle, form, outcomes, provision, saved_now)


@login_required
@require_http_methods(["GET", "POST"])
def review(request, public_id, cycle_id):
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="plan.write")
    cycle = _open_cycle(request, pupil, cycle_id)
    if cycle is None:
        return redirect(_plan_url(pupil))
    outcomes = list(cycle.outcomes.all())
    today = access.today()
    form = ReviewForm(
        request.POST or None,
        outcomes=outcomes,
        initial={
            "reviewed_on": today,
            "parent_view": services.parent_views_text(cycle),
            "pupil_view": cycle.pupil_view,
            "next_review_on": today + services.review_interval(),
            "version": cycle.version,
        },
    )
    if request.method == "GET":
        log.read(request.user, "plan.viewed", pupil)
    elif form.is_valid():
        data = form.cleaned_data
        try:
            following = services.review_cycle(
                cycle,
                by=request.user,
                expected_version=data["version"],
                progress=form.progress(),
                decision=data["decision"],
                notes=data["notes"],
                reviewed_on=data["reviewed_on"],
                pupil_view=data["pupil_view"],
                parent_view=data["parent_view"],
                next_review_on=data["next_review_on"],
            )
        except ValidationError as error:
            add_errors(form, error, lambda name: "decision" if name == "progress" else name)
        else:
            messages.success(request, _reviewed_message(cycle, following))
            return redirect(_plan_url(pupil))
    notes = _notes_by_outcome(cycle)
    context = {
        "pupil": pupil,
        "cycle": cycle,
        "form": form,
        "rows": form.outcome_rows(notes),
        "general_notes": notes.get(None),
    }
    return render(request, "plans/review.html", context)


def _reviewed_message(cycle: Cycle, following: Cycle | None) -> str:
    if following is None:
        return f"Cycle {cycle.number} is reviewed and locked, and the plan has ended."
    return (
        f"Cycle {cycle.number} is reviewed and locked. Cycle {following.number} has started "
        f"from a copy of it, to be reviewed by {following.review_on:%d/%m/%Y}: change what "
        "the review decided."
    )


def _notes_by_outcome(cycle: Cycle) -> dict[int | None, list]:
    """The *do* stage's notes, grouped by outcome, for the person writing the review."""
    grouped: dict[int | None, list] = {}
    for note in cycle.notes.select_related("written_by").order_by("written_on", "pk"):
        grouped.setdefault(note.outcome_id, []).append(note)
    return grouped


@login_required
@require_GET
def cycle_detail(request, public_id, cycle_id):
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="plan.history")
    cycle = _cycle(request.user, pupil, cycle_id)
    log.read(request.user, "plan.viewed", pupil)
    context = {
        "pupil": pupil,
        "cycle": cycle,
        "outcomes": cycle.outcomes.all(),
        "provision": cycle.provision_items.all(),
        "notes": cycle.notes.select_related("written_by", "outcome").order_by("written_on", "pk"),
        "evidence": queries.evidence(request.user, pupil, cycle),
        "versions": cycle.versions.select_related("saved_by").order_by("-number"),
        "may_write": access.can(request.user, "plan.write", pupil),
    }
    return render(request, "plans/cycle.html", context)


@login_required
@require_GET
def version(request, public_id, cycle_id, number: int):
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="plan.history")
    cycle = _cycle(request.user, pupil, cycle_id)
    kept = cycle.versions.select_related("saved_by").filter(number=number).first()
    if kept is None:
        raise access.not_visible(request.user, pupil.school, f"plan version {number}")
    log.read(request.user, "plan.viewed", pupil)
    snapshot = kept.snapshot
    context = {
        "pupil": pupil,
        "cycle": cycle,
        "kept": kept,
        "snapshot": snapshot,
        "starts": dt.date.fromisoformat(snapshot["starts"]),
        "review_on": dt.date.fromisoformat(snapshot["review_on"]),
        "outcomes": [
            {**o, "area_label": dict(Outcome.AREAS).get(o["area"], o["area"])}
            for o in snapshot["outcomes"]
        ],
        "decision": Cycle.Decision(snapshot["decision"]).label if snapshot["decision"] else "",
    }
    return render(request, "plans/version.html", context)


WITHOUT_PLAN_SHOWN = 50


@login_required
@require_GET
def reviews_due(request):
    """Reviews overdue and due in the next four weeks (or every open cycle), soonest first; for
    the SEN leads, the pupils on the register still without a plan."""
    school = access.current_school(request, "plan.reviews_due")
    today = access.today()
    shown = request.GET.get("show", "")
    cycles = queries.reviews_due(request.user, school, every_open=shown == "all")
    page = Paginator(cycles, settings.SENCO_PAGE_SIZE).get_page(request.GET.get("page"))
    named = [c.plan.pupil for c in page.object_list]
    context = {"page": page, "shown": shown, "today": today, "due_by": today + queries.DUE_WITHIN}
    if access.can(request.user, "plan.write", school):
        context["without_plan"] = list(
            queries.without_plan(request.user, school)[: WITHOUT_PLAN_SHOWN + 1]
        )
        named += context["without_plan"]
    log.read_list(request.user, "plan.reviews_listed", school, named)
    return render(request, "plans/reviews_due.html", context)
