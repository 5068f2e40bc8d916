"""The evidence pack for a needs assessment request: what the LA needs to decide whether to
assess, assembled from what is already recorded, never retyped.

`context` gathers the pupil's details, SEN history, assess-plan-do-review cycles, provision with
its cost and impact (`senco.provision.costs` and `impact`), assessment results, reports from
outside agencies and the pupil's and parents' views; `documents/evidence_pack.html` lays them
out as a PDF with a cover, contents and appendices. It costs a fixed number of queries however
long the pupil's history is: every list is read once, with what it needs prefetched.
"""

import datetime as dt
import string
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q

from senco import access
from senco.assessment import metrics
from senco.ehcp.models import NeedsAssessmentRequest
from senco.ehcp.services import requests
from senco.plans.models import Cycle
from senco.provision import costs, impact
from senco.provision.models import Member, Session
from senco.pupils.models import Pupil, Report

SECTIONS = [
    ("details", "Pupil details"),
    ("history", "SEN history"),
    ("cycles", "Assess, plan, do, review"),
    ("provision", "Provision, its cost and impact"),
    ("results", "Assessment results"),
    ("reports", "Reports from outside agencies"),
    ("views", "The pupil's and parents' views"),
    ("appendices", "Appendices"),
]


@dataclass
class Place:
    """The pupil's place in an intervention group, with the group's cost per pupil and the
    pupil's own attendance and results before and after."""

    member: Member
    cost: costs.GroupCost
    figures: impact.PupilImpact
    per_month: metrics.Figure

    @property
    def group(self):
        return self.cost.group


@dataclass(frozen=True)
class View:
    said_on: dt.date
    who: str
    text: str
    where: str


@dataclass(frozen=True)
class Appendix:
    letter: str
    report: Report

    @property
    def title(self) -> str:
        return (
            f"{self.report.get_kind_display()} report by {self.report.author}, "
            f"{self.report.dated:%d/%m/%Y}"
        )


def _cycles() -> Prefetch:
    cycles = Cycle.objects.select_related("reviewed_by").prefetch_related(
        "outcomes", "provision_items", "parent_views"
    )
    return Prefetch("cycles", queryset=cycles.order_by("number"))


def _places(user, pupil: Pupil) -> list[Place]:
    """Every group the pupil had a place in, oldest first, costed and measured."""
    members = list(
        pupil.intervention_places.select_related(
            "entry_result__assessment_type", "exit_result__assessment_type"
        ).order_by("joined", "pk")
    )
    ids = [m.group_id for m in members]
    groups = access.intervention_groups_visible_to(user, pupil.school).filter(pk__in=ids)
    by_group = {g.pk: g for g in costs.groups_with_figures(groups)}
    rates = costs.rates_of(pupil.school)
    delivered = Session.objects.filter(status=Session.Status.DELIVERED, group__in=ids)
    # The sessions held while the pupil was in the group: one who joined late missed none.
    while_member = delivered.filter(
        Q(group__members__left__isnull=True) | Q(held_on__lte=F("group__members__left")),
        group__members__pupil=pupil,
        held_on__gte=F("group__members__joined"),
    )
    held = _count_by_group(while_member)
    present = _count_by_group(delivered.filter(attendance__pupil=pupil, attendance__present=True))
    found = []
    for member in members:
        group = by_group.get(member.group_id)
        if group is None:
            continue
        cost = costs.cost_of(group, rates)
        measured = impact.measure(
            group, [member], {pupil.pk: present.get(group.pk, 0)}, held.get(group.pk, 0)
        )
        per_month = impact.cost_per_month(cost.per_pupil, measured, cost.reason)
        found.append(Place(member, cost, measured.pupils[0], per_month))
    return found


def _count_by_group(sessions) -> dict[int, int]:
    counted = sessions.values("group").annotate(n=Count("pk", distinct=True))
    return {row["group"]: row["n"] for row in counted}


def _views(plans) -> list[View]:
    """What the pupil and their parents said, from each cycle's review and each parent's own
    view before it, oldest first."""
    views = []
    for plan in plans:
        for cycle in plan.cycles.all():
            where = f"{plan.get_kind_display()}, cycle {cycle.number}"
            if cycle.reviewed_on and cycle.pupil_view:
                views.append(View(cycle.reviewed_on, "The pupil", cycle.pupil_view, where))
            if cycle.reviewed_on and cycle.parent_view:
                views.append(View(cycle.reviewed_on, "The parents", cycle.parent_view, where))
            for view in cycle.parent_views.all():
                if view.text in cycle.parent_view:  # already in the view recorded at the review
                    continue
                said = view.written_at.date()
                views.append(View(said, "A parent, before the review", view.text, where))
    return sorted(views, key=lambda v: v.said_on)


def _total(places: list[Place]) -> tuple[Decimal, int]:
    """The pupil's share of every group's cost, and how many groups could not be costed."""
    shares = [p.cost.per_pupil for p in places]
    return sum((s for s in shares if s is not None), Decimal(0)), shares.count(None)


def context(user, pupil: Pupil, request: NeedsAssessmentRequest, today: dt.date) -> dict:
    """What `documents/evidence_pack.html` shows, for a pupil the gate gave and one of their
    requests."""
    plans = list(pupil.plans.order_by("starts", "pk").prefetch_related(_cycles()))
    places = _places(user, pupil)
    reports = list(pupil.reports.order_by("dated", "pk"))
    appendices = [Appendix(_letter(n), r) for n, r in enumerate(reports)]
    total, uncosted = _total(places)
    return {
        "pupil": pupil,
        "needs_request": request,
        "today": today,
        "sections": SECTIONS,
        "attendance": pupil.attendance.order_by("-ends").first(),
        "statuses": list(pupil.sen_statuses.order_by("starts", "pk")),
        "needs": list(pupil.sen_needs.order_by("starts", "rank", "pk")),
        "plans": plans,
        "places": places,
        "provision_total": costs.money(total),
        "uncosted": uncosted,
        "results": list(pupil.results.select_related("assessment_type").order_by("taken_on")),
        "appendices": appendices,
        "views": _views(plans),
        "stages": requests.stages(request, today),
    }


def _letter(n: int) -> str:
    """A, B, ... Z, then AA, AB: appendix letters."""
    letters = string.ascii_uppercase
    return letters[n] if n < len(letters) else letters[n // 26 - 1] + letters[n % 26]


def filename(pupil: Pupil, today: dt.date) -> str:
    """No name in a file name: the pack is emailed to the LA and left in download folders."""
    return f"ehc-evidence-{pupil.initials}-{today.isoformat()}.pdf"
