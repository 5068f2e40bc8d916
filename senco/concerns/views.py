"""Raising a concern, the SEN lead's triage queue and decision, and the monitoring list."""

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from senco import access
from senco.audit import log
from senco.concerns import services
from senco.concerns.forms import (
    ConcernSearchForm,
    EndForm,
    RaiseConcernForm,
    ReviewForm,
    TriageForm,
)
from senco.concerns.models import Concern, ConcernQuerySet, MonitoringQuerySet
from senco.forms import add_errors
from senco.ids import parse_public_id

SEARCH_LIMIT = 20
# Where the service's field names land on the forms.
FIELD_FOR = {"needs": "need_1", "provision": "decision", NON_FIELD_ERRORS: None}


def _field_for(name: str) -> str | None:
    """The form field where a message from the services belongs."""
    return FIELD_FOR.get(name, name)


def _school(request):
    """The school the request works in. A record is looked up within it, so anyone who may not
    see it gets the same 404 whether or not it exists."""
    if getattr(request, "school", None) is None:
        raise Http404(access.NOT_VISIBLE)
    return request.school


def _not_visible(user, school, what: str):
    log.refused(user, "pupil.refused", school=school, detail=what)
    return Http404(access.NOT_VISIBLE)


@login_required
@require_http_methods(["GET", "POST"])
def raise_concern(request):
    """Step one: find the pupil by name. Step two: say what you see. Anyone on the staff may
    raise a concern about any pupil on roll; they see names and year groups, never the file."""
    school = access.current_school(request, "concern.raise")
    choices = access.pupils_for_concerns(request.user, school)
    chosen = request.GET.get("pupil")
    if not chosen:
        return _search_step(request, choices)
    key = parse_public_id(chosen)
    pupil = choices.filter(public_id=key).first() if key else None
    if pupil is None:
        raise _not_visible(request.user, school, f"concern about {chosen}")
    form = RaiseConcernForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concern = services.raise_concern(
                pupil,
                by=request.user,
                area=data["area"],
                seen=data["seen"],
                tried=data["tried"],
                evidence=data["evidence"],
                documents=data["attachments"],
            )
        except ValidationError as e:
            add_errors(form, e, _field_for)
        else:
            messages.success(
                request,
                f"Thank you: your concern about {pupil.full_name} is with the SENCO. You will "
                "see their decision here.",
            )
            return redirect("concerns:detail", public_id=concern.public_id)
    return render(request, "concerns/raise.html", {"pupil": pupil, "form": form})


def _search_step(request, choices):
    form = ConcernSearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    found = []
    if query:
        matches = choices.going_by(query).order_by("legal_last_name", "legal_first_name", "pk")
        found = list(matches[: SEARCH_LIMIT + 1])
        log.read_list(request.user, "pupil.listed", request.school, found[:SEARCH_LIMIT])
    context = {"form": form, "query": query, "found": found[:SEARCH_LIMIT]}
    context["more"] = len(found) > SEARCH_LIMIT
    return render(request, "concerns/search.html", context)


@login_required
def concern_list(request):
    """For SEN leads, the triage queue; for other staff, the concerns they raised."""
    school = access.current_school(request, "concern.raise")
    triages = access.can(request.user, "concern.triage", school)
    concerns = cast(ConcernQuerySet, access.concerns_visible_to(request.user, school))
    shown = request.GET.get("show", "")
    if shown == "open":
        concerns = concerns.open()
    elif shown == "decided":
        concerns = concerns.decided()
    page = Paginator(
        concerns.select_related("pupil", "raised_by").queue_order(), settings.SENCO_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    log.read_list(request.user, "concern.viewed", school, [c.pupil for c in page.object_list])
    context = {"page": page, "triages": triages, "shown": shown}
    return render(request, "concerns/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def concern_detail(request, public_id):
    school = _school(request)
    concern = access.get_concern(request.user, school, public_id)
    triages = access.can(request.user, "concern.triage", school)
    if request.method == "POST":
        access.require(request.user, "concern.triage", school)
    form = None
    if triages and (concern.is_open or request.method == "POST"):
        form = TriageForm(request.POST or None, initial={"starts": access.today()})
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.triage(concern, by=request.user, **_decision(form))
        except ValidationError as e:
            add_errors(form, e, _field_for)
        else:
            messages.success(request, f"Decision recorded: {concern.get_decision_display()}.")
            return redirect("concerns:detail", public_id=concern.public_id)
    log.read(request.user, "concern.viewed", concern.pupil)
    context = {"concern": concern, "form": form, "triages": triages}
    if triages:
        context["attachments"] = concern.attachments.all()
    return render(request, "concerns/detail.html", context)


def _decision(form: TriageForm) -> dict:
    data = form.cleaned_data
    return {
        "decision": data["decision"],
        "reasons": data["reasons"],
        "agency": data["agency"],
        "parents_told": data["parents_told"],
        "parents_told_on": data["parents_told_on"],
        "review_on": data["review_on"],
        "starts": data["starts"],
        "needs": form.needs(),
    }


@login_required
@require_http_methods(["GET"])
def attachment(request, public_id, attachment_id):
    """Evidence attached to a concern, for the SEN leads only; each opening is audited."""
    school = _school(request)
    concern = access.get_concern(request.user, school, public_id)
    found = concern.attachments.filter(public_id=attachment_id).first()
    if found is None or not access.can(request.user, "concern.triage", school):
        raise _not_visible(request.user, school, f"concern attachment {attachment_id}")
    log.read(request.user, "concern.attachment_viewed", concern.pupil, detail=found.filename)
    response = FileResponse(
        found.file.open("rb"),
        content_type=found.content_type,
        as_attachment=True,
        filename=found.filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET"])
def monitoring_list(request):
    """Pupils being watched: kept apart from the register, with how long each has been on it."""
    school = access.current_school(request, "monitoring.view")
    entries = (
        cast(MonitoringQuerySet, access.monitoring_visible_to(request.user, school))
        .open()
        .select_related("pupil", "concern")
        .annotate(cycles=Count("reviews"))
        .order_by("review_on", "starts", "pk")
    )
    page = Paginator(entries, settings.SENCO_PAGE_SIZE).get_page(request.GET.get("page"))
    log.read_list(request.user, "monitoring.listed", school, [m.pupil for m in page.object_list])
    context = {"page": page, "today": access.today(), "areas": dict(Concern.AREAS)}
    return render(request, "concerns/monitoring.html", context)


STEPS = {"review": ReviewForm, "end": EndForm}


@login_required
@require_http_methods(["GET", "POST"])
def monitoring_entry(request, public_id):
    """One pupil's monitoring: its reviews so far; the SEN leads record another or end it."""
    school = _school(request)
    key = parse_public_id(public_id)
    monitoring = (
        access.monitoring_visible_to(request.user, school)
        .select_related("pupil", "concern")
        .filter(public_id=key)
        .first()
    )
    if monitoring is None:
        raise _not_visible(request.user, school, f"monitoring {public_id}")
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if request.method == "POST":
        access.require(request.user, "concern.triage", school)
    today = access.today()
    forms = {
        "review": ReviewForm(request.POST if step == "review" else None, prefix="review",
                             initial={"reviewed_on": today}),
        "end": EndForm(request.POST if step == "end" else None, prefix="end",
                       initial={"ends": today}),
    }  # fmt: skip
    if step in forms and forms[step].is_valid() and _record(monitoring, step, forms[step], request):
        return redirect("concerns:monitoring_entry", public_id=monitoring.public_id)
    log.read(request.user, "monitoring.viewed", monitoring.pupil)
    context = {
        "monitoring": monitoring,
        "reviews": monitoring.reviews.select_related("by"),
        "forms": forms,
        # After a refused change the form stays, to say why (even once the entry has ended).
        "may_change": access.can(request.user, "concern.triage", school)
        and (monitoring.ends is None or step in forms),
        "today": today,
    }
    return render(request, "concerns/monitoring_entry.html", context)


def _record(monitoring, step: str, form, request) -> bool:
    """Apply a review or the end; False (with the reasons on the form) when refused."""
    data = form.cleaned_data
    try:
        if step == "review":
            services.review_monitoring(monitoring, by=request.user, **data)
            messages.success(request, "Review recorded.")
        else:
            services.end_monitoring(monitoring, by=request.user, **data)
            messages.success(request, "The pupil is off the monitoring list.")
    except ValidationError as e:
        add_errors(form, e, _field_for)
        return False
    return True
