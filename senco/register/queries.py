"""The register as queries: who is on it, the date each pupil was added, and the whole school's
SEN history loaded in a constant number of queries for the census check and the charts.

Pupils are always reached through `access.pupils_visible_to`.
"""

import datetime as dt

from django.db.models import Count, Q, QuerySet

from senco import access
from senco.pupils import census
from senco.pupils.models import PupilQuerySet
from senco.pupils.views import _current_classes
from senco.schools.models import School, Staff


def on_register(user, school: School) -> PupilQuerySet:
    """Everyone the user may see who is on roll with SEN support or an EHC plan (legacy codes as
    the census counts them)."""
    return (
        access.pupils_visible_to(user, school)
        .on_roll()
        .filter(sen_provision__in=census.REGISTER_CODES)
    )


def with_details(pupils: PupilQuerySet, school: School) -> PupilQuerySet:
    """What each row of the register shows, in a fixed number of queries."""
    return (
        pupils.with_date_added()
        .with_open_needs()
        .select_related("key_worker")
        .prefetch_related(_current_classes(school))
    )


def status_counts(user, school: School) -> dict:
    """K, E, the register's total and its share of the roll, among the pupils the user sees."""
    visible = access.pupils_visible_to(user, school).on_roll()
    counted = visible.aggregate(
        roll=Count("pk"),
        support=Count("pk", filter=Q(sen_provision__in=census.SUPPORT_CODES)),
        plans=Count("pk", filter=Q(sen_provision__in=census.PLAN_CODES)),
    )
    total = counted["support"] + counted["plans"]
    share = round(100 * total / counted["roll"], 1) if counted["roll"] else 0.0
    return {**counted, "total": total, "share": share}


def key_workers(school: School) -> QuerySet:
    """Staff of the school today, who may be a pupil's key worker."""
    today = access.today()
    return (
        Staff.objects.filter(school=school)
        .filter(Q(ends__isnull=True) | Q(ends__gte=today))
        .order_by("last_name", "first_name")
    )


def on_roll_on(pupils: PupilQuerySet, day: dt.date) -> PupilQuerySet:
    """The pupils on roll on `day` (a census day past or to come), as `on_roll` is for today."""
    return pupils.filter(Q(left_on__isnull=True) | Q(left_on__gt=day)).filter(
        Q(enrolled_on__isnull=True) | Q(enrolled_on__lte=day)
    )
