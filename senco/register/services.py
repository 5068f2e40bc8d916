"""Changes made to many register entries at once: one transaction, one audit entry per pupil
(written in bulk). A refusal changes nothing."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from senco import access
from senco.audit import log
from senco.plans import services as plans
from senco.pupils.models import Pupil
from senco.register.forms import review_date_problem
from senco.schools.models import School, Staff


def _locked(school: School, pupils: list[Pupil]) -> list[Pupil]:
    """The pupils again, locked for the change, all of this school (or nothing happens)."""
    ids = [p.pk for p in pupils]
    locked = list(
        Pupil.objects.select_for_update().filter(pk__in=ids, school=school).order_by("pk")
    )
    if len(locked) != len(set(ids)):
        raise ValidationError(access.NOT_VISIBLE)
    return locked


def set_review_date(school: School, pupils: list[Pupil], day: dt.date, *, by) -> int:
    """The next review of each pupil's register entry; returns how many were changed."""
    problem = review_date_problem(day, access.today())
    if problem:
        raise ValidationError({"review_on": [problem]})
    with transaction.atomic():
        locked = _locked(school, pupils)
        changed = [p for p in locked if p.review_on != day]
        entries = [
            (p, "register.review_set", p, {"review_on": p.review_on}, {"review_on": day})
            for p in changed
        ]
        Pupil.objects.filter(pk__in=[p.pk for p in changed]).update(review_on=day)
        log.changes(by, entries)
        plans.move_reviews(changed, day, by=by)
    return len(changed)


def assign_key_worker(school: School, pupils: list[Pupil], staff: Staff, *, by) -> int:
    """One member of the school's staff as the key worker of each pupil."""
    if staff.school_id != school.pk:
        raise ValidationError({"key_worker": ["Choose a member of staff of this school."]})
    with transaction.atomic():
        locked = _locked(school, pupils)
        changed = [p for p in locked if p.key_worker_id != staff.pk]
        names = {
            s.pk: str(s) for s in Staff.objects.filter(pk__in=[p.key_worker_id for p in changed])
        }
        # "worker", not "key_worker": the audit log masks any field whose name holds "key".
        entries = [
            (
                p,
                "register.key_worker_set",
                p,
                {"worker": names.get(p.key_worker_id or 0, "")},
                {"worker": str(staff)},
            )
            for p in changed
        ]
        Pupil.objects.filter(pk__in=[p.pk for p in changed]).update(key_worker=staff)
        log.changes(by, entries)
    return len(changed)
