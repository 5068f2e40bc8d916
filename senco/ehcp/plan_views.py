"""A pupil's EHC plan: the plan as it stands, recording one the LA issued, a new version, its
details, its end, any earlier version, and section F planned against delivered.

Every view reaches the pupil through `access.get_pupil` (404 when not visible, 403 when the
action is not allowed) and a plan through that pupil's plans.
"""

import datetime as dt
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from senco import access
from senco.audit import log
from senco.ehcp import deadlines, delivery
from senco.ehcp.models import AnnualReview, EHCPlan, PlanVersion
from senco.ehcp.plan_forms import (
    CeaseForm,
    ChangeDetailsForm,
    RecordForm,
    SectionsForm,
    VersionForm,
    outcome_formset,
    provision_formset,
    rows_given,
    sections_initial,
)
from senco.ehcp.services import plans as services
from senco.ehcp.services import requests as request_services
from senco.ehcp.services import reviews as review_services
from senco.forms import add_errors
from senco.ids import parse_public_id
from senco.provision import costs
from senco.provision.models import Provision as LibraryEntry

# Blank rows a form shows; `?rows=all` shows as many as a plan may hold.
BLANK_OUTCOMES = 4
BLANK_PROVISION = 6
BLANK_WHEN_AMENDING = 2


def _plan_url(pupil) -> str:
    return reverse("pupils:ehcp:plan", kwargs={"public_id": pupil.public_id})


def _pupil_and_plan(request, public_id, plan_id, requires: str):
    """The pupil, if the user may do `requires` to them, and one of the pupil's EHC plans;
    404 (logged) otherwise."""
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires=requires)
    plan = pupil.ehc_plans.filter(public_id=plan_id).first()
    if plan is None:
        raise access.not_visible(request.user, pupil.school, f"ehc plan {plan_id}")
    plan.pupil = pupil
    return pupil, plan


def _perms(user, pupil) -> dict[str, bool]:
    """What the user may do with the pupil's EHC work: the panels of the plan page use it."""
    return {
        "read": True,
        "manage": access.can(user, "ehcp.manage", pupil),
        "caseload": access.can(user, "ehcp.caseload", pupil),
    }


# The plan page.


@dataclass(frozen=True)
class ReviewDue:
    """The next annual review: its date, how near, the under-fives' prompts, and whether the
    rule for a plan transferred from another LA gave it."""

    due: dt.date
    status: str
    prompts: tuple[dt.date, ...] = ()
    transferred: bool = False


def review_due(plan: EHCPlan, today: dt.date) -> ReviewDue:
    due = review_services.review_due(plan)
    transferred = review_services.not_reviewed_since_transfer(plan)
    return ReviewDue(due, deadlines.status(due, today), due.prompts, transferred=transferred)


@dataclass(frozen=True)
class AmendmentAwaited:
    """The LA decided, after a review, to amend the plan: the final amended plan is awaited."""

    decided_on: dt.date | None
    due: dt.date
    status: str


def amendment_awaited(plan: EHCPlan, today: dt.date) -> AmendmentAwaited | None:
    """The final amended plan the LA decided on after the latest such review and has not
    issued yet, by when (the review's next step, `services.reviews.next_step`)."""
    review = (
        plan.reviews.filter(
            status=AnnualReview.Status.DONE,
            la_decision=AnnualReview.Decision.AMEND,
            amended_plan_on__isnull=True,
        )
        .order_by("-meeting_on", "-pk")
        .first()
    )
    if review is None:
        return None
    _, due, status = review_services.next_step(review, today)
    if due is None:
        return None
    return AmendmentAwaited(review.la_decided_on, due, status)


def _content(pupil, version: PlanVersion, today: dt.date) -> services.Content:
    """The version's sections and rows, each F item with its hours a year in this school
    year's terms."""
    found = services.content(version)
    year = delivery.this_year(pupil.school, today)
    found.hours_a_year = delivery.hours_a_year(found.provision, year)
    found.weeks_a_year = delivery.weeks_a_year(year)
    return found


def _render_plan(request, pupil, *, cease_form=None, status=200):
    user = request.user
    log.read(user, "ehcp.plan_viewed", pupil)
    today = access.today()
    every_plan = list(pupil.ehc_plans.prefetch_related("versions").order_by("-issued_on", "-pk"))
    plan = next((p for p in every_plan if p.is_current), None)
    perms = _perms(user, pupil)
    context: dict = {
        "pupil": pupil,
        "plan": plan,
        "ceased_plans": [p for p in every_plan if not p.is_current],
        "perms_ehcp": perms,
        "today": today,
    }
    if perms["caseload"]:
        context["ehcp_requests"] = request_services.for_pupil(pupil, today)
    if plan is not None:
        plan.pupil = pupil
        versions = list(plan.versions.all())
        context |= {
            "versions": versions,
            "content": _content(pupil, versions[-1], today) if versions else None,
            "review": review_due(plan, today),
            "amendment": amendment_awaited(plan, today),
        }
        if plan.phase_transfer_year:
            context["transfer_by"] = deadlines.phase_transfer_deadline(
                plan.phase_transfer_year, plan.into_post16
            )
        if perms["manage"]:
            context["cease_form"] = cease_form or CeaseForm(initial={"ceased_on": today})
    return render(request, "ehcp/plan.html", context, status=status)


@login_required
@require_GET
def plan(request, public_id):
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="ehcp.read")
    return _render_plan(request, pupil)


# Recording and amending: the details (when recording), sections, rows and what the version is.


def _library(pupil, keep: AbstractSet[int] = frozenset()):
    """The school's provision library in use (and any entry a row is linked to already)."""
    return LibraryEntry.objects.filter(
        Q(is_active=True) | Q(pk__in=keep), school=pupil.school_id
    ).order_by("name")


def _rows_wanted(request, default: int, most: int) -> int:
    return most if request.GET.get("rows") == "all" else default


def _outcome_choices(outcome_rows: int, initial: list[dict]) -> list[tuple[int, str]]:
    return [
        (n, f"Outcome {n}: {initial[n - 1]['text'][:60]}" if n <= len(initial) else f"Outcome {n}")
        for n in range(1, outcome_rows + 1)
    ]


def _formsets(request, pupil, data, outcome_rows: list[dict], provision_rows: list[dict]):
    """The section E and F formsets, `outcome_rows` and `provision_rows` filled in."""
    blank_e, blank_f = (
        (BLANK_WHEN_AMENDING, BLANK_WHEN_AMENDING)
        if outcome_rows or provision_rows
        else (BLANK_OUTCOMES, BLANK_PROVISION)
    )
    e_count = _rows_wanted(request, len(outcome_rows) + blank_e, services.MAX_OUTCOMES)
    f_count = _rows_wanted(request, len(provision_rows) + blank_f, services.MAX_PROVISION)
    e_count, f_count = min(e_count, services.MAX_OUTCOMES), min(f_count, services.MAX_PROVISION)
    outcomes = outcome_formset(e_count, len(outcome_rows))(
        data, prefix="outcomes", initial=outcome_rows
    )
    linked = {row["library"] for row in provision_rows if row.get("library")}
    provision = provision_formset(f_count, len(provision_rows))(
        data,
        prefix="provision",
        initial=provision_rows,
        form_kwargs={
            "library": _library(pupil, linked),
            "outcomes": _outcome_choices(outcomes.total_form_count(), outcome_rows),
        },
    )
    return outcomes, provision


def _problems(main, *others, formsets=()) -> list[tuple[str, str]]:
    """Every problem on the page, each linking to its field, for the summary at the top."""
    found: list[tuple[str, str]] = []
    for form in (main, *others):
        if form is None:
            continue
        found += [("", e) for e in form.non_field_errors()]
        for name, errors in form.errors.items():
            if name != NON_FIELD_ERRORS:
                found += [(form[name].id_for_label, f"{form[name].label}: {e}") for e in errors]
    for formset, what in formsets:
        found += [("", e) for e in formset.non_form_errors()]
        for n, row in enumerate(formset.forms, start=1):
            for name, errors in row.errors.items():
                anchor = row[name].id_for_label if name in row.fields else ""
                found += [(anchor, f"{what}, row {n}: {row[name].label}: {e}") for e in errors]
    return found


def _show_refusal(error: ValidationError, main, *others) -> None:
    """A service's refusal: each message at the field of whichever form holds it, the rest
    (rows, the plan as a whole) at the top of the main form."""
    if not hasattr(error, "error_dict"):
        main.add_error(None, error.messages)
        return
    for name, problems in error.message_dict.items():
        holder = next((f for f in (main, *others) if name in f.fields), main)
        holder.add_error(name if name in holder.fields else None, problems)


def _render_form(request, pupil, template_context: dict, forms: dict, outcomes, provision):
    """The record or amend form: shown (first, or again with its problems), it is a read of
    the pupil's plan."""
    log.read(request.user, "ehcp.plan_viewed", pupil)
    context = {
        "pupil": pupil,
        **template_context,
        **forms,
        "outcomes": outcomes,
        "provision": provision,
        "more_rows": request.GET.get("rows") != "all",
        "problems": _problems(
            *forms.values(),
            formsets=[(outcomes, "Section E"), (provision, "Section F")],
        ),
    }
    return render(request, "ehcp/plan_form.html", context)


def _needs_assessment_request(request, pupil):
    """The request named by `?request=`, of this pupil; 404 (logged) otherwise."""
    given = request.GET.get("request")
    if not given:
        return None
    key = parse_public_id(given)
    found = pupil.needs_assessment_requests.filter(public_id=key).first() if key else None
    if found is None:
        raise access.not_visible(request.user, pupil.school, f"needs assessment request {given}")
    return found


def _saved(request, forms: list, outcomes, provision, save: Callable) -> bool:
    """A POST whose forms and rows are all valid is handed to `save(outcome_rows,
    provision_rows)`, which returns the message to show: True once saved; False (a GET, or
    every problem on the forms) when the form is to be shown."""
    if request.method != "POST":
        return False
    if not all([thing.is_valid() for thing in (*forms, outcomes, provision)]):
        return False
    e_rows, f_rows = rows_given(outcomes, provision)
    if not provision.is_valid():
        return False
    try:
        said = save(e_rows, f_rows)
    except ValidationError as error:
        _show_refusal(error, *forms)
        return False
    messages.success(request, said)
    return True


@login_required
@require_http_methods(["GET", "POST"])
def plan_record(request, public_id):
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="ehcp.manage")
    if pupil.ehc_plans.current().exists():
        messages.info(
            request,
            f"{pupil.first_name} has a current EHC plan already: record a new version of it.",
        )
        return redirect(_plan_url(pupil))
    needs_request = _needs_assessment_request(request, pupil)
    data = request.POST or None
    initial = {}
    if needs_request is not None:
        initial = {
            "local_authority": needs_request.local_authority,
            "caseworker": needs_request.caseworker,
            "la_reference": needs_request.la_reference,
            "issued_on": needs_request.decided_on,
        }
    on_e = pupil.sen_provision == "E"
    form = RecordForm(
        data, initial=initial | {"on_register": True}, pupil=pupil, today=access.today()
    )
    if on_e or not access.can(request.user, "register.change", pupil):
        del form.fields["on_register"]
    sections = SectionsForm(data)
    outcomes, provision = _formsets(request, pupil, data, [], [])

    def record(e_rows, f_rows) -> str:
        on_register = form.cleaned_data.get("on_register", False)
        services.record_plan(
            pupil,
            by=request.user,
            details=form.details(),
            issued_on=form.cleaned_data["issued_on"],
            sections=sections.sections(),
            outcomes=e_rows,
            provision=f_rows,
            request=needs_request,
            on_register=on_register,
        )
        said = "The EHC plan is recorded as version 1."
        if on_register:
            issued = form.cleaned_data["issued_on"]
            since = dateformat.format(issued, "j F Y")
            said += f" The SEN register records {pupil.first_name} as E from {since}."
        return said

    if _saved(request, [form, sections], outcomes, provision, record):
        return redirect(_plan_url(pupil))
    context = {
        "needs_request": needs_request,
        "on_e": on_e,
        "offers_register": "on_register" in form.fields,
    }
    return _render_form(
        request, pupil, context, {"form": form, "sections": sections}, outcomes, provision
    )


def _version_rows(found: services.Content) -> tuple[list[dict], list[dict]]:
    """The rows of a version, as the initial rows of the form of the next one."""
    row_of = {o.pk: n for n, o in enumerate(found.outcomes, start=1)}
    outcomes = [
        {"id": o.pk, "text": o.text, "area": o.area, "by_when": o.by_when, "steps": o.steps}
        for o in found.outcomes
    ]
    provision = [
        {
            "what": p.what,
            "who": p.who,
            "sessions": p.sessions,
            "per": p.per,
            "minutes": p.minutes,
            "group_size": p.group_size,
            "library": p.provision_id,
            "outcome": row_of.get(p.outcome_id) if p.outcome_id else None,
        }
        for p in found.provision
    ]
    return outcomes, provision


@login_required
@require_http_methods(["GET", "POST"])
def plan_amend(request, public_id, plan_id):
    pupil, plan = _pupil_and_plan(request, public_id, plan_id, "ehcp.manage")
    latest = services.current_version(plan)
    if plan.ceased_on is not None or latest is None:
        messages.error(
            request,
            f"This plan ceased on {plan.ceased_on:%d/%m/%Y}: it takes no new version."
            if plan.ceased_on
            else "This plan has no version to amend.",
        )
        return redirect(_plan_url(pupil))
    found = services.content(latest)
    outcome_rows, provision_rows = _version_rows(found)
    data = request.POST or None
    version_form = VersionForm(
        data,
        initial={
            "kind": PlanVersion.Kind.AMENDED,
            "dated": access.today(),
            "based_on": latest.number,
        },
    )
    sections = SectionsForm(data, initial=sections_initial(latest.sections))
    outcomes, provision = _formsets(request, pupil, data, outcome_rows, provision_rows)

    def amend(e_rows, f_rows) -> str:
        given = version_form.cleaned_data
        version = services.amend_plan(
            plan,
            by=request.user,
            kind=given["kind"],
            dated=given["dated"],
            why=given["why"],
            sections=sections.sections(),
            outcomes=e_rows,
            provision=f_rows,
            based_on=given["based_on"],
        )
        return (
            f"Version {version.number} is recorded; version {latest.number} stays readable in "
            "the list of versions."
        )

    if _saved(request, [version_form, sections], outcomes, provision, amend):
        return redirect(_plan_url(pupil))
    context = {"plan": plan, "latest": latest}
    return _render_form(
        request,
        pupil,
        context,
        {"version_form": version_form, "sections": sections},
        outcomes,
        provision,
    )


# The plan's details, its end, its versions and its delivery.


def _details_initial(plan: EHCPlan) -> dict:
    """The plan's details as saved, with the `version` they are at."""
    return {name: getattr(plan, name) for name in ChangeDetailsForm.base_fields}


@login_required
@require_http_methods(["GET", "POST"])
def plan_details(request, public_id, plan_id):
    pupil, plan = _pupil_and_plan(request, public_id, plan_id, "ehcp.manage")
    if plan.ceased_on is not None:
        messages.error(
            request,
            f"This plan ceased on {plan.ceased_on:%d/%m/%Y}: its details are kept as they were.",
        )
        return redirect(_plan_url(pupil))
    hint = {"pupil": pupil, "today": access.today()}
    form = ChangeDetailsForm(request.POST or None, initial=_details_initial(plan), **hint)
    if request.method == "POST" and form.is_valid():
        opened_at = form.cleaned_data["version"]
        try:
            services.change_details(
                plan, by=request.user, expected_version=opened_at, details=form.details()
            )
        except ValidationError as error:
            plan.refresh_from_db()
            if plan.version != opened_at:  # someone saved since: show what is saved now
                form = ChangeDetailsForm.as_saved(_details_initial(plan), error, **hint)
            else:
                add_errors(form, error)
        else:
            messages.success(request, "The plan's details are saved.")
            return redirect(_plan_url(pupil))
    log.read(request.user, "ehcp.plan_viewed", pupil)
    context = {"pupil": pupil, "plan": plan, "form": form}
    return render(request, "ehcp/plan_details.html", context)


@login_required
@require_POST
def plan_cease(request, public_id, plan_id):
    pupil, plan = _pupil_and_plan(request, public_id, plan_id, "ehcp.manage")
    if plan.ceased_on is not None:
        messages.error(request, f"This plan ceased on {plan.ceased_on:%d/%m/%Y} already.")
        return redirect(_plan_url(pupil))
    form = CeaseForm(request.POST)
    if form.is_valid():
        try:
            services.cease_plan(
                plan,
                by=request.user,
                on=form.cleaned_data["ceased_on"],
                why=form.cleaned_data["why"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                f"The plan is recorded as ceased on {form.cleaned_data['ceased_on']:%d/%m/%Y}; "
                "everything in it is kept. Change the pupil's SEN status on the register if "
                "it changes.",
            )
            return redirect(_plan_url(pupil))
    return _render_plan(request, pupil, cease_form=form)


@login_required
@require_GET
def plan_version(request, public_id, plan_id, number: int):
    pupil, plan = _pupil_and_plan(request, public_id, plan_id, "ehcp.read")
    versions = list(services.versions_of(plan))
    version = next((v for v in versions if v.number == number), None)
    if version is None:
        raise access.not_visible(request.user, pupil.school, f"ehc plan version {number}")
    log.read(request.user, "ehcp.version_viewed", pupil, detail=f"version {number}")
    context = {
        "pupil": pupil,
        "plan": plan,
        "content": _content(pupil, version, access.today()),
        "latest": versions[-1],
        "versions": versions,
        "perms_ehcp": _perms(request.user, pupil),
    }
    return render(request, "ehcp/plan_version.html", context)


@login_required
@require_GET
def plan_delivery(request, public_id, plan_id):
    pupil, plan = _pupil_and_plan(request, public_id, plan_id, "ehcp.caseload")
    today = access.today()
    choices = delivery.this_year(pupil.school, today)
    context: dict = {
        "pupil": pupil,
        "plan": plan,
        "periods": choices,
        "may_manage": access.can(request.user, "ehcp.manage", pupil),
    }
    # Logged before the period is checked: the page refusing it names the pupil too.
    log.read(request.user, "ehcp.delivery_viewed", pupil)
    try:
        period = costs.chosen_period(request.GET.get("period"), choices)
    except costs.UnknownPeriod as problem:
        context["problem"] = str(problem)
        return render(request, "ehcp/plan_delivery.html", context, status=400)
    context |= {
        "period": period,
        "report": delivery.section_f_delivery(plan, period, today, choices[1:]),
    }
    return render(request, "ehcp/plan_delivery.html", context)
