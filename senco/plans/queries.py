"""What the reviews-due dashboard and the home pages ask of plans, through access.py."""

import datetime as dt

from django.db.models import Count, Q, QuerySet

from senco import access
from senco.pupils import census
from senco.pupils.models import PupilQuerySet

DUE_WITHIN = dt.timedelta(weeks=4)


def reviews_due(user, school, *, every_open: bool = False) -> QuerySet:
    """Open cycles overdue or due within four weeks (every open cycle if asked), soonest
    first, of the pupils the user follows."""
    cycles = access.open_cycles_visible_to(user, school)
    if not every_open:
        cycles = cycles.filter(review_on__lte=access.today() + DUE_WITHIN)
    return cycles.select_related("plan__pupil").order_by(
        "review_on", "plan__pupil__legal_last_name", "pk"
    )


def due_counts(user, school) -> dict[str, int]:
    today = access.today()
    counts = reviews_due(user, school).aggregate(
        overdue=Count("pk", filter=Q(review_on__lt=today)), due=Count("pk")
    )
    return {"overdue": counts["overdue"], "due_soon": counts["due"] - counts["overdue"]}


def without_plan(user, school) -> PupilQuerySet:
    """Pupils on the register, on roll, with no open plan: each needs one written."""
    return (
        access.pupils_visible_to(user, school, action="plan.write")
        .on_roll()
        .filter(sen_provision__in=census.REGISTER_CODES)
        .annotate(open_plans=Count("plans", filter=Q(plans__ends__isnull=True)))
        .filter(open_plans=0)
        .order_by("year_group", "legal_last_name", "pk")
    )


def evidence(user, pupil, cycle) -> dict:
    """The evidence linked to a cycle, each kind only to those who may read it where it is
    kept: results and observations to staff who follow the plan, concerns to those who decide
    them (a concern is never read by the staff who did not raise it), reports from outside to
    their readers. Parents get the plan without the school's working evidence."""
    found: dict = {"results": [], "concerns": [], "reports": [], "observations": ""}
    if access.can(user, "plan.history", pupil):
        found["results"] = cycle.results.select_related("assessment_type").order_by("-taken_on")
        found["observations"] = cycle.observations.strip()
    if access.can(user, "concern.triage", pupil):
        found["concerns"] = cycle.concerns.order_by("-raised_at")
    if access.can(user, "reports.read", pupil):
        found["reports"] = cycle.reports.order_by("-dated")
    return found
