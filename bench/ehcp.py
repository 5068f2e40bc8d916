"""EHC plans at the issue's scale (issue 9): 5,000 EHC plans across the trust, each with its
versions, outcomes, section F provision and past annual reviews. Imported by bench/measure.py
after `django.setup()`.

The first school gets the demo's EHC work first (the caseload's overdue review, the review
under way, requests and consultations); every school's pupils on E then get a plan in bulk.
A trust has about 2,400 pupils on E (6%, DOMAIN.md): to reach 5,000 plans, pupils on SEN
support of the other schools are moved to E for the benchmark (their status history is not
rewritten: the data are for measuring, not reading). Data kept from an earlier run get their
plans without a rebuild.
"""

import datetime as dt
import statistics
import time

from django.db import transaction

from senco.accounts.models import Role, User
from senco.demo import builder
from senco.demo import ehcp as demo_ehcp
from senco.ehcp import deadlines
from senco.ehcp.models import EHCPlan
from senco.pupils.models import Pupil
from senco.schools.models import School

PLANS = 5000


def ensure_ehcp(seed: int, today: dt.date, plans: int = PLANS) -> float:
    """EHC plans for every school's pupils on E, to `plans` in all at trust scale (as many as
    the school has at school scale); seconds taken (0 when none were needed)."""
    started = time.perf_counter()
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    first = users["senco"].memberships.get().school
    schools = list(School.objects.filter(is_demo=True).order_by("pk"))
    added = 0
    if len(schools) > 1:
        _more_on_e(schools[1:], plans)
    for school in schools:
        waiting = Pupil.objects.filter(school=school, left_on__isnull=True, sen_provision="E")
        if not waiting.exclude(pk__in=EHCPlan.objects.current().values("pupil")).exists():
            continue
        with transaction.atomic():
            if school == first and not EHCPlan.objects.filter(pupil__school=school).exists():
                demo_ehcp.build(school, users, seed, today)
            else:
                senco = User.objects.filter(
                    memberships__school=school, memberships__role=Role.SENCO
                ).first()
                demo_ehcp.add_plans(school, seed, today, senco)
        added += 1
    if not added:
        return 0.0
    builder.refresh_planner_statistics()
    return time.perf_counter() - started


def _more_on_e(schools: list[School], plans: int) -> None:
    """Move pupils on SEN support of these schools to E until the trust has `plans` on E."""
    on_e = Pupil.objects.filter(school__is_demo=True, left_on__isnull=True, sen_provision="E")
    short = plans - on_e.count()
    if short <= 0:
        return
    chosen = Pupil.objects.filter(
        school__in=schools, left_on__isnull=True, sen_provision="K"
    ).order_by("pk")[:short]
    Pupil.objects.filter(pk__in=list(chosen.values_list("pk", flat=True))).update(sen_provision="E")


def deadline_computation(today: dt.date, runs: int = 5) -> dict:
    """Every current plan's next annual review and its status, computed with the pure
    deadlines module from one query: the work the caseload and `senco remind` do, for the
    whole trust at once."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        rows = EHCPlan.objects.current().values_list(
            "issued_on", "last_reviewed_on", "pupil__date_of_birth"
        )
        statuses = [
            deadlines.status(deadlines.annual_review_due(reviewed or issued, born), today)
            for issued, reviewed, born in rows
        ]
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "page": "deadlines of every EHC plan",
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[-1], 2),
        "queries": 1,
        "plans": len(statuses),
        "overdue": statuses.count(deadlines.OVERDUE),
    }
