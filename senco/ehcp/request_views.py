"""A pupil's needs assessment requests: recording one, its page of stages and due dates, the
forms to record the next stage and an exception, and the evidence pack PDF.

Every view reaches the pupil through `access.get_pupil` (404 when not visible, 403 when the
action is not allowed); a request is then looked up through that pupil, so another pupil's
request id answers 404.
"""

import datetime as dt
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from senco import access
from senco.audit import log
from senco.documents import pdf
from senco.ehcp import evidence_pack
from senco.ehcp.models import NeedsAssessmentRequest
from senco.ehcp.request_forms import LA_CHOICES_ID, ExceptionForm, RequestForm, StageForm
from senco.ehcp.services import requests as services
from senco.forms import add_errors


def _needs_request(request, public_id, request_id, action: str):
    """The pupil (for `action`) and one of their requests; 404 (logged) otherwise."""
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires=action)
    found = (
        pupil.needs_assessment_requests.select_related("plan").filter(public_id=request_id).first()
    )
    if found is None:
        raise access.not_visible(request.user, pupil.school, f"needs assessment {request_id}")
    found.pupil = pupil
    return pupil, found


def _url(pupil, needs_request: NeedsAssessmentRequest) -> str:
    kwargs = {"public_id": pupil.public_id, "request_id": needs_request.public_id}
    return reverse("pupils:ehcp:request", kwargs=kwargs)


ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _long_date(found: re.Match) -> str:
    try:
        day = dt.date(*(int(part) for part in found.groups()))
    except ValueError:  # not a date after all: leave it as it was
        return found.group(0)
    return dateformat.format(day, "j F Y")


def readable_dates(refusal: ValidationError) -> ValidationError:
    """The refusal with its ISO dates ("2026-12-10", as the deadlines module writes them)
    written as people read them ("10 December 2026"), field by field."""

    def said(lines: list[str]) -> list[str]:
        return [ISO_DATE.sub(_long_date, line) for line in lines]

    if hasattr(refusal, "error_dict"):
        return ValidationError({f: said(m) for f, m in refusal.message_dict.items()})
    return ValidationError(said(refusal.messages))


def who_asked(needs_request: NeedsAssessmentRequest) -> str:
    """Who asked for the assessment: "A parent (Mrs Smith)", or "A parent" alone when the
    name only repeats who they are ("Parent")."""
    kind = needs_request.get_requested_by_display()
    name = needs_request.requested_by_name.strip()

    def bare(text: str) -> str:
        return re.sub(r"^(a|an|the)\s+", "", text.strip().lower())

    if not name or bare(name) == bare(kind):
        return kind
    return f"{kind} ({name})"


def _local_authorities(user, pupil) -> list[str]:
    """The LAs already named in the school, to choose from."""
    return services.la_names(
        access.ehc_plans_visible_to(user, pupil.school),
        access.needs_assessment_requests_visible_to(user, pupil.school),
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request, public_id):
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="ehcp.manage")
    existing = services.open_request(pupil)
    form = RequestForm(
        request.POST if request.method == "POST" and existing is None else None,
        local_authorities=_local_authorities(request.user, pupil),
    )
    if form.is_bound and form.is_valid():
        try:
            made = services.record_request(
                pupil, by=request.user, today=access.today(), **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, readable_dates(error))
        else:
            messages.success(
                request, "The request is recorded. Its deadlines count from the day the LA got it."
            )
            return redirect(_url(pupil, made))
    # Whenever the page is shown (first, or again with its problems): it names the pupil.
    log.read(request.user, "pupil.viewed", pupil)
    context = {"pupil": pupil, "form": form, "existing": existing, "la_list_id": LA_CHOICES_ID}
    return render(request, "ehcp/request_new.html", context)


def _render(request, pupil, needs_request, *, stage_form=None, exception_form=None):
    user = request.user
    today = access.today()
    context = {
        "pupil": pupil,
        "needs_request": needs_request,
        "who_asked": who_asked(needs_request),
        "stages": services.stages(needs_request, today),
        "exceptions": needs_request.exceptions.select_related("recorded_by"),
        "may_manage": access.can(user, "ehcp.manage", pupil),
        "today": today,
    }
    if context["may_manage"] and needs_request.is_open:
        context["stage_form"] = stage_form or StageForm(
            offered=services.offered_stages(needs_request),
            initial={"version": needs_request.version, "on": today},
            prefix="stage",
        )
        context["exception_form"] = exception_form or ExceptionForm(prefix="exception")
    return render(request, "ehcp/request.html", context)


@login_required
@require_GET
def request_detail(request, public_id, request_id):
    pupil, needs_request = _needs_request(request, public_id, request_id, "ehcp.caseload")
    log.read(request.user, "ehcp.request_viewed", pupil)
    return _render(request, pupil, needs_request)


@login_required
@require_POST
def request_stage(request, public_id, request_id):
    pupil, needs_request = _needs_request(request, public_id, request_id, "ehcp.manage")
    form = StageForm(request.POST, offered=services.offered_stages(needs_request), prefix="stage")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_stage(
                needs_request,
                by=request.user,
                stage=data["stage"],
                on=data["on"],
                reason=data["reason"],
                expected_version=data["version"],
                today=access.today(),
            )
        except ValidationError as error:
            add_errors(form, readable_dates(error))
        else:
            label = dict(services.STAGE_CHOICES)[data["stage"]]
            messages.success(request, f"Recorded: {label[:1].lower()}{label[1:]}.")
            return redirect(_url(pupil, needs_request))
    log.read(request.user, "ehcp.request_viewed", pupil)
    needs_request.refresh_from_db()
    # A stale form is shown again with the version now current, so saving again is a choice.
    posted = request.POST.copy()
    posted[form.add_prefix("version")] = str(needs_request.version)
    form.data = posted
    return _render(request, pupil, needs_request, stage_form=form)


@login_required
@require_POST
def request_exception(request, public_id, request_id):
    pupil, needs_request = _needs_request(request, public_id, request_id, "ehcp.manage")
    form = ExceptionForm(request.POST, prefix="exception")
    if form.is_valid():
        try:
            services.record_exception(needs_request, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, readable_dates(error))
        else:
            messages.success(
                request, "The exception is recorded: the due dates it moves show the original too."
            )
            return redirect(_url(pupil, needs_request))
    log.read(request.user, "ehcp.request_viewed", pupil)
    return _render(request, pupil, needs_request, exception_form=form)


@login_required
@require_GET
def request_evidence(request, public_id, request_id):
    pupil, needs_request = _needs_request(request, public_id, request_id, "ehcp.caseload")
    today = access.today()
    context = evidence_pack.context(request.user, pupil, needs_request, today)
    log.read(request.user, "ehcp.evidence_pack_downloaded", pupil)
    return pdf.pdf_response(
        request,
        "documents/evidence_pack.html",
        context,
        evidence_pack.filename(pupil, today),
        school=pupil.school,
    )
