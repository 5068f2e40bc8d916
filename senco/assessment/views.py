"""Assessment types, and recording results for a class or group in one grid."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from senco import access
from senco.assessment import services
from senco.assessment.forms import AssessmentTypeForm, ChooseForm, GridForm
from senco.assessment.models import AssessmentType, latest_results
from senco.audit import log
from senco.forms import add_errors
from senco.pupils.forms import DATE_FORMATS


def _not_found(user, school, detail: str):
    log.refused(user, "pupil.refused", school=school, detail=detail)
    return Http404(access.NOT_VISIBLE)


def _type_of(request, school, public_id) -> AssessmentType:
    found = school.assessment_types.filter(public_id=public_id).first()
    if found is None:
        raise _not_found(request.user, school, f"assessment type {public_id}")
    return found


@login_required
@require_GET
def type_list(request):
    school = getattr(request, "school", None)
    if school is None:
        raise Http404(access.NOT_VISIBLE)
    may_record = access.can(request.user, "assessment.record", school)
    may_manage = access.can(request.user, "assessment.manage_types", school)
    if not (may_record or may_manage):
        access.require(request.user, "assessment.record", school)
    context = {
        "types": school.assessment_types.order_by("name"),
        "may_record": may_record,
        "may_manage": may_manage,
    }
    return render(request, "assessment/types.html", context)


def _save_type(request, form: AssessmentTypeForm, school, assessment_type=None):
    """The service's answer: the saved type, or None with its refusals on the form."""
    data = {**form.cleaned_data, "scale": form.labels()}
    try:
        if assessment_type is None:
            return services.create_assessment_type(school=school, by=request.user, **data)
        data.pop("kind", None)
        return services.change_assessment_type(assessment_type, by=request.user, **data)
    except ValidationError as e:
        add_errors(form, e)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def type_create(request):
    school = access.current_school(request, "assessment.manage_types")
    form = AssessmentTypeForm(request.POST or None, initial={"mean": 100, "sd": 15})
    if request.method == "POST" and form.is_valid():
        saved = _save_type(request, form, school)
        if saved is not None:
            messages.success(request, f"Added {saved.name}.")
            return redirect("assessment:types")
    return render(request, "assessment/type_form.html", {"form": form, "assessment_type": None})


@login_required
@require_http_methods(["GET", "POST"])
def type_change(request, public_id):
    school = access.current_school(request, "assessment.manage_types")
    assessment_type = _type_of(request, school, public_id)
    initial = {
        "name": assessment_type.name,
        "mean": assessment_type.mean,
        "sd": assessment_type.sd,
        "reliability": assessment_type.reliability,
        "maximum": assessment_type.maximum,
        "scale": "\n".join(assessment_type.scale),
    }
    form = AssessmentTypeForm(request.POST or None, initial=initial, changing=True)
    if request.method == "POST" and form.is_valid():
        saved = _save_type(request, form, school, assessment_type)
        if saved is not None:
            messages.success(request, f"Saved {saved.name}.")
            return redirect("assessment:types")
    context = {"form": form, "assessment_type": assessment_type}
    return render(request, "assessment/type_form.html", context)


@login_required
@require_GET
def record_choose(request):
    """Choose the assessment, the day and the group; then the grid."""
    school = access.current_school(request, "assessment.record")
    groups = access.groups_visible_to(request.user, school).order_by("year_group", "name")
    types = school.assessment_types.order_by("name")
    submitted = any(name in request.GET for name in ChooseForm.base_fields)
    # The grid's "Change" link starts the form from its choices (for_*), without submitting it.
    initial = {
        "assessment_type": request.GET.get("for_type", "")[:40],
        "group": request.GET.get("for_group", "")[:40],
        "taken_on": request.GET.get("for_date", "")[:20] or access.today(),
    }
    form = ChooseForm(
        request.GET if submitted else None,
        initial=initial,
        types=types,
        groups=groups,
        today=access.today(),
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return redirect(
            _grid_url(data["assessment_type"], data["group"], data["taken_on"]),
        )
    context = {
        "form": form,
        "has_types": types.exists(),
        "has_groups": groups.exists(),
        "may_manage": access.can(request.user, "assessment.manage_types", school),
    }
    return render(request, "assessment/record.html", context)


def _grid_url(assessment_type, group, taken_on: dt.date) -> str:
    url = reverse("assessment:grid", args=[assessment_type.public_id, group.public_id])
    return f"{url}?{urlencode({'date': taken_on.isoformat()})}"


def _date_from(text: str | None) -> tuple[dt.date | None, str]:
    """The grid's date from its address (today when not given), or why it cannot be used."""
    if not text:
        return access.today(), ""
    for fmt in DATE_FORMATS:
        try:
            day = dt.datetime.strptime(text[:20], fmt).date()
        except ValueError:
            continue
        if day > access.today():
            return day, f"{day:%d/%m/%Y} is in the future: choose the day it was taken."
        return day, ""
    return None, "The date could not be read: choose it again."


def _rows(pupils, taken_on: dt.date | None, form: GridForm) -> list[dict]:
    rows = []
    for pupil in pupils:
        results = pupil.assessment_results
        rows.append(
            {
                "pupil": pupil,
                "field": form[GridForm.name_for(pupil)],
                "previous": next(
                    (r for r in results if taken_on is None or r.taken_on < taken_on), None
                ),
            }
        )
    return rows


def _refused_before_saving(form: GridForm, initial: dict, date_problem: str) -> bool:
    """The grid's own refusals, before the service reads the results."""
    for name in initial:
        if not form.cleaned_data.get(name):
            form.add_error(
                name,
                "A result is saved for this pupil on this day: type the right one to correct it "
                "(an empty box does not remove it).",
            )
    if date_problem:
        form.add_error(None, date_problem)
    elif not form.errors and not form.entries():
        form.add_error(None, "Nothing to save: type a result for at least one pupil.")
    return bool(form.errors)


def _save(request, form: GridForm, assessment_type, taken_on: dt.date) -> list | None:
    """The results created or changed, or None with the service's refusals on their rows."""
    try:
        return services.record_results(
            assessment_type=assessment_type,
            taken_on=taken_on,
            entries=form.entries(),
            by=request.user,
        )
    except ValidationError as e:
        add_errors(form, e, lambda key: f"result-{key}")
    return None


@login_required
@require_http_methods(["GET", "POST"])
def record_grid(request, type_id, group_id):
    """One row per pupil of the group the user may see, their previous result and a box for
    this one. Saving is all or nothing: any problem is shown on its row and nothing changes."""
    school = access.current_school(request, "assessment.record")
    assessment_type = _type_of(request, school, type_id)
    group = access.groups_visible_to(request.user, school).filter(public_id=group_id).first()
    if group is None:
        raise _not_found(request.user, school, f"assessment grid for group {group_id}")
    taken_on, date_problem = _date_from(request.GET.get("date"))
    in_group = access.pupils_visible_to(request.user, school).filter(groups=group)
    if taken_on is not None:
        in_group = in_group.filter(Q(left_on__isnull=True) | Q(left_on__gte=taken_on))
    pupils = list(
        in_group.prefetch_related(latest_results(assessment_type, "assessment_results")).order_by(
            "legal_last_name", "legal_first_name", "pk"
        )
    )
    initial = {
        GridForm.name_for(p): r.display
        for p in pupils
        for r in p.assessment_results
        if r.taken_on == taken_on
    }
    form = GridForm(
        request.POST if request.method == "POST" else None, pupils=pupils, initial=initial
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and not _refused_before_saving(form, initial, date_problem)
    ):
        assert taken_on is not None  # a date that could not be read is refused above
        changed = _save(request, form, assessment_type, taken_on)
        if changed is not None:
            messages.success(
                request,
                f"Saved: {len(changed)} result{'s' if len(changed) != 1 else ''} recorded "
                f"or corrected for {taken_on.day} {taken_on:%B %Y}."
                if changed
                else "Nothing changed: these results were already recorded.",
            )
            return redirect(_grid_url(assessment_type, group, taken_on))
    log.read_list(request.user, "assessment.results_listed", school, pupils)
    context = {
        "assessment_type": assessment_type,
        "group": group,
        "taken_on": taken_on,
        "date_problem": date_problem if request.method == "GET" else "",
        "form": form,
        "rows": _rows(pupils, taken_on, form),
        "choose_url": reverse("assessment:record")
        + "?"
        + urlencode(
            {
                "for_type": assessment_type.public_id,
                "for_group": group.public_id,
                "for_date": taken_on.isoformat() if taken_on else "",
            }
        ),
    }
    return render(request, "assessment/grid.html", context)
