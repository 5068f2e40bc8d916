from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from senco import access
from senco.audit import log
from senco.concerns.services import end_monitoring_for_register
from senco.forms import add_errors
from senco.ids import parse_public_id
from senco.pupils import census, services
from senco.pupils.forms import (
    ConfidentialForm,
    GrantForm,
    PupilSearchForm,
    RegisterChangeForm,
    SharingForm,
)
from senco.schools.calendar import academic_year_start, past_compulsory_school_age_if_born_by
from senco.schools.models import TeachingGroup


def _current_classes(school) -> Prefetch:
    return Prefetch(
        "groups",
        queryset=TeachingGroup.objects.filter(
            school=school,
            kind=TeachingGroup.Kind.CLASS,
            academic_year__start_year=academic_year_start(access.today()),
        ),
        to_attr="current_classes",
    )


def search(pupils, query: str):
    query = query.strip()
    if not query:
        return pupils
    if len(query) == 13 and query[0].isalpha() and query[1:12].isdigit():
        return pupils.filter(Q(upn=query.upper()) | Q(former_upn=query.upper()))
    rule = Q()
    for word in query.split()[:4]:
        rule &= (
            Q(legal_first_name__istartswith=word)
            | Q(legal_last_name__istartswith=word)
            | Q(preferred_first_name__istartswith=word)
            | Q(preferred_last_name__istartswith=word)
        )
    return pupils.filter(rule)


@login_required
def pupil_list(request):
    school = request.school
    if school is None:
        return render(request, "pupils/no_school.html", status=404)
    form = PupilSearchForm(request.GET)
    pupils = access.pupils_visible_to(request.user, school)
    joining = form.is_valid() and form.cleaned_data["joining"]
    if form.is_valid():
        pupils = search(pupils, form.cleaned_data["q"])
    pupils = pupils.joining() if joining else pupils.on_roll()
    page = Paginator(
        pupils.prefetch_related(_current_classes(school)).order_by(
            "legal_last_name", "legal_first_name", "pk"
        ),
        settings.SENCO_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    log.read_list(request.user, "pupil.listed", school, page.object_list)
    return render(
        request,
        "pupils/list.html",
        {
            "form": form,
            "page": page,
            "query": form.cleaned_data.get("q", "") if form.is_valid() else "",
            "joining": joining,
            "may_send_ctf": access.can(request.user, "ctf.export", school),
        },
    )


@login_required
def pupil_detail(request, public_id):
    pupil = access.get_pupil(request.user, public_id)
    context: dict = {
        "pupil": pupil,
        "classes": pupil.groups.filter(
            academic_year__start_year=academic_year_start(access.today())
        ).order_by("kind", "name"),
        "statuses": pupil.sen_statuses.all(),
        "current_needs": pupil.sen_needs.filter(ends__isnull=True).order_by("rank"),
        "past_needs": pupil.sen_needs.filter(ends__isnull=False).order_by("-ends", "rank"),
        "see_contacts": access.can(request.user, "pupil.contacts", pupil),
        "see_flags": access.can(request.user, "pupil.sensitive_flags", pupil),
        "see_medical": access.can(request.user, "pupil.medical", pupil),
        "see_history": access.can(request.user, "register.view_history", pupil),
        "can_change_register": access.can(request.user, "register.change", pupil),
        "results": pupil.results.select_related("assessment_type").order_by(
            "-taken_on", "assessment_type__name", "pk"
        ),
    }
    if context["see_flags"]:
        context["attendance"] = pupil.attendance.all()[:3]
        context["suspensions"] = pupil.suspensions.all()
        context["free_meals"] = pupil.free_meals.all()
    if context["see_contacts"]:
        context["contacts"] = pupil.contact_links.select_related("contact__user").filter(
            contact__in=access.contacts_visible_to(request.user, pupil)
        )
        context["may_invite"] = access.can(request.user, "accounts.invite", pupil)
    context.update(_sen_work(request.user, pupil))
    context["may_manage_access"] = access.can(request.user, "pupil.mark_confidential", pupil)
    context["may_send_ctf"] = access.can(request.user, "ctf.export", pupil)
    context["may_view_audit"] = access.can(request.user, "audit.view", pupil)
    return render(request, "pupils/detail.html", context)


def _sen_work(user, pupil) -> dict:
    """The record's links to the SEN work about this pupil, each for those who may follow it."""
    school = pupil.school
    may_read_plan = access.can(user, "plan.read", pupil)
    return {
        "may_read_plan": may_read_plan,
        "plan_cycle": _open_cycle(pupil) if may_read_plan else None,
        "may_read_meetings": access.can(user, "meeting.read", pupil),
        "may_read_ehcp": access.can(user, "ehcp.read", pupil)
        and (pupil.sen_provision == "E" or access.can(user, "ehcp.manage", pupil)),
        "may_follow_meetings": access.can(user, "meeting.behind", pupil),
        "may_log_contact": access.can(user, "contact_log.add", pupil),
        "may_read_passport": access.can(user, "passport.read", pupil),
        "may_read_reports": access.can(user, "reports.read", pupil),
        "may_raise_concern": access.pupils_for_concerns(user, school).filter(pk=pupil.pk).exists(),
        "monitoring": access.monitoring_visible_to(user, school)
        .filter(pupil=pupil, ends__isnull=True)
        .first(),
    }


def _open_cycle(pupil):
    """The current cycle of the pupil's open SEN support plan, for the record's summary."""
    plan = pupil.plans.open().first()
    return plan.cycles.open().first() if plan else None


def _current_entry(pupil) -> dict:
    """The form starts from the pupil's entry as it is, so a change touches only what differs."""
    needs = pupil.sen_needs.filter(ends__isnull=True).order_by("rank")[:3]
    initial = {"provision": pupil.sen_provision, "starts": access.today()}
    initial.update({f"need_{rank}": n.need for rank, n in enumerate(needs, start=1)})
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def register_change(request, public_id):
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="register.change")
    form = RegisterChangeForm(request.POST or None, initial=_current_entry(pupil))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.change_register_entry(
                    pupil,
                    provision=data["provision"],
                    needs=form.needs(),
                    starts=data["starts"],
                    by=request.user,
                )
                if data["provision"] in census.REGISTER_CODES:
                    end_monitoring_for_register(pupil, starts=data["starts"], by=request.user)
        except ValidationError as e:
            add_errors(form, e)
        else:
            return redirect("pupils:detail", public_id=pupil.public_id)
    return render(request, "pupils/register_change.html", {"pupil": pupil, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def record_access(request, public_id):
    """Who may see this record: confidentiality, time-limited grants, a young person's choice."""
    pupil = access.get_pupil(request.user, public_id, requires="pupil.mark_confidential")
    step = request.POST.get("step", "") if request.method == "POST" else ""
    forms = _access_forms(request, pupil, step)
    if step in forms:
        access.require(request.user, ACCESS_STEPS[step], pupil)
        if forms[step].is_valid():
            _apply_access_step(pupil, step, forms[step].cleaned_data, request.user)
            return redirect("pupils:access", public_id=pupil.public_id)
    elif step == "end_grant":
        access.require(request.user, "pupil.grant", pupil)
        grant = get_object_or_404(
            access.grants_on(pupil), public_id=parse_public_id(request.POST.get("grant"))
        )
        services.end_access(grant, pupil, by=request.user)
        return redirect("pupils:access", public_id=pupil.public_id)
    today = access.today()
    context = {
        "pupil": pupil,
        "forms": forms,
        "may_grant": access.can(request.user, "pupil.grant", pupil),
        "may_share": access.can(request.user, "pupil.share_with_parents", pupil),
        "grants": access.grants_on(pupil),
        "past_school_age": pupil.date_of_birth <= past_compulsory_school_age_if_born_by(today),
    }
    return render(request, "pupils/access.html", context)


ACCESS_STEPS = {
    "confidential": "pupil.mark_confidential",
    "grant": "pupil.grant",
    "sharing": "pupil.share_with_parents",
}


def _access_forms(request, pupil, step) -> dict:
    """The page's three forms; only the one submitted is bound to the request."""

    def data(name):
        return request.POST if step == name else None

    school = pupil.school
    return {
        "confidential": ConfidentialForm(
            data("confidential"),
            initial={"confidential": pupil.is_confidential, "people": pupil.confidential_to.all()},
            staff=access.staff_of(school).exclude(pk=request.user.pk),
        ),
        "grant": GrantForm(
            data("grant"),
            people=access.grantable_people(request.user, school),
            today=access.today(),
        ),
        "sharing": SharingForm(data("sharing"), initial={"shares": pupil.shares_with_parents}),
    }


def _apply_access_step(pupil, step: str, data: dict, by) -> None:
    if step == "confidential":
        services.set_confidential(
            pupil, confidential=data["confidential"], people=data["people"], by=by
        )
    elif step == "grant":
        services.grant_access(
            pupil, person=data["person"], reason=data["reason"], ends=data["ends"], by=by
        )
    else:
        services.set_shares_with_parents(pupil, shares=data["shares"], by=by)


@login_required
@require_http_methods(["GET", "POST"])
def contact_confidential(request, public_id, contact_id):
    pupil = access.get_pupil(request.user, public_id, requires="pupil.mark_confidential")
    contact = access.get_contact(request.user, contact_id)
    if not contact.pupil_links.filter(pupil=pupil).exists():
        raise Http404(access.NOT_VISIBLE)
    form = ConfidentialForm(
        request.POST or None,
        initial={"confidential": contact.is_confidential, "people": contact.confidential_to.all()},
        staff=access.staff_of(pupil.school).exclude(pk=request.user.pk),
    )
    if request.method == "POST" and form.is_valid():
        services.set_confidential(
            contact,
            confidential=form.cleaned_data["confidential"],
            people=form.cleaned_data["people"],
            by=request.user,
            pupil=pupil,
        )
        return redirect("pupils:detail", public_id=pupil.public_id)
    context = {"pupil": pupil, "contact": contact, "form": form}
    return render(request, "pupils/contact_confidential.html", context)


@login_required
@require_http_methods(["GET"])
def photo(request, public_id):
    """A pupil's photo, for those who may see the pupil; each look is in the audit log."""
    pupil = access.get_pupil(request.user, public_id, audit_action="pupil.photo_viewed")
    if not pupil.photo:
        raise Http404(access.NOT_VISIBLE)
    response = FileResponse(pupil.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response
