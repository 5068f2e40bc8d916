"""Gaps in provision (issue 8): pupils on the register with a need and no current provision for
its area; groups whose sessions fall short of plan; provision named in plans that is not
running. Read through access.py; each list is of what the user may see."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from senco import access
from senco.plans.models import ProvisionItem
from senco.provision.models import Group, Session, current_places, running_pairs
from senco.pupils import census
from senco.pupils.models import Pupil

# A group is short when it has delivered less than this share of the sessions planned so far.
SHORT_OF_PLAN = Decimal("0.9")
ACTION = "provision.costs"


@dataclass
class PupilGap:
    pupil: Pupil
    areas: list[str]


def pupils_without_provision(user, school, day: dt.date) -> list[PupilGap]:
    """Pupils on the register, on roll, with a need in an area no group they are in covers."""
    pupils = (
        access.pupils_visible_to(user, school, action=ACTION)
        .on_roll()
        .filter(sen_provision__in=census.REGISTER_CODES)
        .with_open_needs()
        .prefetch_related(current_places(day))
        .order_by("year_group", "legal_last_name", "legal_first_name", "pk")
    )
    gaps = []
    for pupil in pupils:
        needed = {census.NEEDS[n.need][1] for n in pupil.open_needs if n.need in census.NEEDS}
        covered = {place.group.provision.area for place in pupil.current_places}
        # "Other" needs say nothing about which provision would meet them.
        missing = sorted(needed - covered - {"OTH"})
        if missing:
            gaps.append(PupilGap(pupil, [census.BROAD_AREAS[a] for a in missing]))
    return gaps


@dataclass
class GroupGap:
    group: Group
    planned: int
    delivered: int

    @property
    def share(self) -> int:
        return round(100 * self.delivered / self.planned) if self.planned else 100


def groups_short_of_plan(user, school, day: dt.date) -> list[GroupGap]:
    """Groups running now, or ended in the last term, that have delivered fewer sessions than
    planned so far (sessions a week times weeks run)."""
    groups = (
        access.intervention_groups_visible_to(user, school)
        .filter(starts__lte=day, ends__gte=day - dt.timedelta(weeks=13))
        .select_related("provision")
        .annotate(delivered=Count("sessions", filter=Q(sessions__status=Session.Status.DELIVERED)))
        .order_by("starts", "pk")
    )
    short = []
    for group in groups:
        weeks = Decimal((min(day, group.ends) - group.starts).days) / 7
        planned = int(group.provision.sessions_per_week * weeks)
        if planned and group.delivered < SHORT_OF_PLAN * planned:
            short.append(GroupGap(group, planned, group.delivered))
    return sorted(short, key=lambda g: g.share)


def plan_provision_not_running(user, school, day: dt.date) -> list[ProvisionItem]:
    """Library provision named in pupils' current plans with no running group of it that the
    pupil is in."""
    pupils = access.pupils_visible_to(user, school, action=ACTION)
    items = list(
        ProvisionItem.objects.filter(
            provision__isnull=False,
            cycle__status="open",
            cycle__plan__ends__isnull=True,
            cycle__plan__pupil__in=pupils,
        )
        .select_related("provision", "cycle__plan__pupil")
        .order_by("provision__name", "cycle__plan__pupil__legal_last_name", "pk")
    )
    running = running_pairs({i.cycle.plan.pupil_id for i in items}, day)
    return [i for i in items if (i.cycle.plan.pupil_id, i.provision_id) not in running]
