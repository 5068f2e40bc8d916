"""The gaps in provision: one page for the SEN leads and the head."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from senco import access
from senco.audit import log
from senco.provision import gaps

SHOWN = 100


@login_required
@require_GET
def gap_list(request):
    school = access.current_school(request, gaps.ACTION)
    today = access.today()
    page = Paginator(
        gaps.pupils_without_provision(request.user, school, today), settings.SENCO_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    not_running = gaps.plan_provision_not_running(request.user, school, today)
    named = [g.pupil for g in page.object_list] + [i.cycle.plan.pupil for i in not_running[:SHOWN]]
    log.read_list(request.user, "provision.gaps_listed", school, named)
    context = {
        "page": page,
        "short": gaps.groups_short_of_plan(request.user, school, today),
        "not_running": not_running[:SHOWN],
        "more_not_running": max(0, len(not_running) - SHOWN),
        "short_of_plan": int(gaps.SHORT_OF_PLAN * 100),
    }
    return render(request, "provision/gaps.html", context)
