"""The EHC caseload: every EHC pupil's next deadline across all LAs, overdue first, and the same
deadlines as a calendar file. For the SEN leads and the head (`ehcp.caseload`); the deadlines
are worked out in `senco.ehcp.caseload`."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from senco import access
from senco.audit import log
from senco.ehcp import caseload, deadlines
from senco.ehcp.consultation_forms import CaseloadFilter


def _pupils(items) -> list:
    """The pupils the items name, each once (consultations name none)."""
    return list({i.pupil.pk: i.pupil for i in items if i.pupil is not None}.values())


def _chosen(items: list[caseload.Item], filters: CaseloadFilter) -> list[caseload.Item]:
    if not filters.is_valid():
        return items
    la, what, status = (filters.cleaned_data[k] for k in ("la", "what", "status"))
    return [
        i
        for i in items
        if (not la or i.la == la) and (not what or i.kind == what)
        and (not status or i.status == status)
    ]  # fmt: skip


@login_required
@require_GET
def caseload_page(request):
    school = access.current_school(request, "ehcp.caseload")
    today = access.today()
    found = caseload.caseload_for(request.user, school, today)
    filters = CaseloadFilter(
        request.GET or None, las=found.local_authorities(), kinds=caseload.KINDS
    )
    rows = caseload.next_per_pupil(_chosen(found.items, filters))
    page = Paginator(rows, settings.SENCO_PAGE_SIZE).get_page(request.GET.get("page"))
    log.read_list(
        request.user, "ehcp.caseload_listed", school, _pupils(r.item for r in page.object_list)
    )
    context = {
        "page": page,
        "filters": filters,
        "filtered": filters.is_bound,
        "overdue": sum(i.status == deadlines.OVERDUE for i in found.items),
        "due_soon": sum(i.status == deadlines.DUE_SOON for i in found.items),
        "plans": len(found.plans),
        "plans_by_la": found.plans_by_la(),
        "soon_days": caseload.SOON_DAYS,
        "may_manage": access.can(request.user, "ehcp.manage", school),
    }
    return render(request, "ehcp/caseload.html", context)


@never_cache
@login_required
@require_GET
def caseload_ics(request):
    """The user's EHC deadlines as an iCalendar file: initials and links only."""
    school = access.current_school(request, "ehcp.caseload")
    items = caseload.deadlines_for(request.user, school, access.today())
    log.read_list(request.user, "ehcp.calendar_downloaded", school, _pupils(items))
    site = request.build_absolute_uri("/")
    body = caseload.calendar(caseload.events_for(items, site))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ehc-deadlines.ics"'
    return response
