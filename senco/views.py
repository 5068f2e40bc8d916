from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from senco import access
from senco.audit import log
from senco.ehcp import caseload, deadlines
from senco.meetings import services as meetings
from senco.passports import services as passports
from senco.plans import queries as plans
from senco.pupils import census
from senco.schools.calendar import year_group_label


@never_cache
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def _register_counts(pupils) -> dict[str, int]:
    return pupils.on_roll().aggregate(
        total=Count("pk"),
        support=Count("pk", filter=Q(sen_provision__in=census.SUPPORT_CODES)),
        ehcp=Count("pk", filter=Q(sen_provision__in=census.PLAN_CODES)),
        no_need=Count("pk", filter=Q(sen_provision__in=census.REGISTER_CODES, primary_need="")),
    )


@login_required
def home(request):
    school = request.school
    if school is None:
        return render(request, "home/no_school.html")
    roles = access.roles_in(request.user, school)
    kind = access.home_kind(roles)
    context: dict = {"kind": kind, "school": school}
    context["may_export_register"] = access.can(request.user, "register.export", school)
    pupils = access.pupils_visible_to(request.user, school)
    if kind == "sen_lead":
        context["counts"] = _register_counts(pupils)
        context["joining"] = pupils.joining().count()
        context["missing_need"] = list(
            pupils.on_roll().filter(sen_provision__in=census.REGISTER_CODES, primary_need="")[:10]
        )
        context.update(_sen_lead_work(request.user, school, pupils))
        named = {p.pk: p for p in context["missing_need"] + context["suggestions_waiting"]}
        log.read_list(request.user, "pupil.listed", school, named.values())
    elif kind in ("staff", "parent", "granted"):
        shown = pupils.on_roll().order_by("legal_last_name", "legal_first_name")
        if kind == "staff":
            shown = shown.filter(sen_provision__in=census.REGISTER_CODES)
            if access.can(request.user, "passport.acknowledge", school):
                context["unread_passports"] = passports.unread_by(request.user, shown)
            context["may_view_classes"] = access.can(request.user, "classes.view", school)
            if access.can(request.user, "plan.reviews_due", school):
                context["reviews"] = plans.due_counts(request.user, school)
        context["pupils"] = list(shown[:50])
        log.read_list(request.user, "pupil.listed", school, context["pupils"])
    elif kind == "governance" and access.can(request.user, "school.aggregates", school):
        context.update(_figures(request.user, school))
    return render(request, "home/home.html", context)


def _sen_lead_work(user, school, pupils) -> dict:
    """What waits for the SEN leads: concerns to decide, monitoring reviews due, parents'
    suggestions about passports."""
    today = access.today()
    monitoring = access.monitoring_visible_to(user, school).filter(ends__isnull=True)
    return {
        "concerns_waiting": access.concerns_visible_to(user, school).filter(decision="").count(),
        "monitoring": monitoring.count(),
        "monitoring_due": monitoring.filter(review_on__lte=today).count(),
        "suggestions_waiting": list(
            pupils.filter(passport_suggestions__answer="")
            .distinct()
            .order_by("legal_last_name", "legal_first_name")[:10]
        ),
        "may_view_register": access.can(user, "register.view", school),
        "may_triage": access.can(user, "concern.triage", school),
        "may_view_monitoring": access.can(user, "monitoring.view", school),
        "reviews": plans.due_counts(user, school),
        "meetings_behind": meetings.behind(
            access.pupils_visible_to(user, school, action="meeting.behind"), access.today()
        ).count()
        if access.can(user, "meeting.behind", school)
        else None,
        "without_plan": plans.without_plan(user, school).count()
        if access.can(user, "plan.write", school)
        else None,
        "ehc_deadlines": _ehc_deadlines(user, school, today),
    }


def _ehc_deadlines(user, school, today) -> dict | None:
    """How many EHC deadlines are overdue and due soon, for those who follow the caseload."""
    if not access.can(user, "ehcp.caseload", school):
        return None
    items = caseload.deadlines_for(user, school, today)
    return {
        "overdue": sum(item.is_overdue for item in items),
        "due_soon": sum(item.status == deadlines.DUE_SOON for item in items),
    }


def _figures(user, school) -> dict:
    """Totals by SEN status, and the register by year group with small numbers suppressed."""
    totals = {
        row["sen_provision"]: row["pupils"]
        for row in access.counts(user, school, ["sen_provision"])
    }
    support = sum(totals.get(c, 0) for c in census.SUPPORT_CODES)
    ehcp = sum(totals.get(c, 0) for c in census.PLAN_CODES)
    grid: dict[int | None, dict[str, int | None]] = {}
    on_register = Q(sen_provision__in=census.REGISTER_CODES)
    # Only the totals by status are shown (above), so only columns need a second hidden cell.
    by_year_and_status = access.counts(
        user, school, ["year_group", "sen_provision"], on_register, totals_shown=["columns"]
    )
    for row in by_year_and_status:
        grid.setdefault(row["year_group"], {})[row["sen_provision"]] = row["pupils"]
    by_year = [
        (year_group_label(year), cells.get("K", 0), cells.get("E", 0))
        for year, cells in sorted(grid.items(), key=lambda item: (item[0] is None, item[0] or 0))
    ]
    return {
        "counts": {"support": support, "ehcp": ehcp, "total": sum(totals.values())},
        "by_year": by_year,
        "suppress_below": settings.SENCO_SUPPRESS_BELOW,
    }


@login_required
@require_POST
def switch_school(request):
    wanted = request.POST.get("school", "")
    school = next((s for s in access.schools_for(request.user) if str(s.public_id) == wanted), None)
    if school is None:
        log.refused(request.user, "school.refused", detail=wanted[:60])
        return render(request, "404.html", status=404)
    request.session["school_id"] = school.pk
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)
