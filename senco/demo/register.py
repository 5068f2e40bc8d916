"""The demo's register: key workers, next review dates, and one record imported with a census
breach (an EHC plan with an NSA need), so the census check has something to show."""

import datetime as dt
import random

from django.db.models import Q

from senco import access
from senco.pupils.models import Pupil, SenNeed, SenStatus, Source
from senco.schools.models import School, Staff

KEY_WORKERS = 4
PERSONAS_WITH_PUPILS = ("parent", "other_parent", "teacher", "other_teacher", "ta")


def build(school: School, users: dict, seed: int, today: dt.date) -> None:
    rng = random.Random(seed * 31 + 6)
    register = list(
        Pupil.objects.filter(school=school, sen_provision__in=["K", "E"])
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
        .order_by("pk")
    )
    workers = _key_workers(school, rng)
    for pupil in register:
        pupil.key_worker = rng.choice(workers) if workers and rng.random() < 0.8 else None
        # Reviews spread over the next two terms; a few already overdue.
        pupil.review_on = today + dt.timedelta(days=rng.randint(-20, 150))
    Pupil.objects.bulk_update(register, ["key_worker", "review_on"], batch_size=500)
    _imported_breach(school, users, today)


def _key_workers(school: School, rng: random.Random) -> list[Staff]:
    """A few teaching assistants and teachers without another role in the demo."""
    staff = list(
        Staff.objects.filter(school=school, user__isnull=True, ends__isnull=True)
        .filter(job_title__in=["Teaching assistant", "Teacher"])
        .order_by("pk")
    )
    return rng.sample(staff, min(KEY_WORKERS, len(staff)))


def _imported_breach(school: School, users: dict, today: dt.date) -> None:
    """An EHC-plan pupil given an NSA need by an import: the census check lists it with the fix.
    Chosen away from the personas' pupils, so their pages stay as the tests expect."""
    plans = Pupil.objects.filter(school=school, sen_provision="E", left_on__isnull=True)
    for username in PERSONAS_WITH_PUPILS:
        if username in users:
            plans = plans.exclude(pk__in=access.pupils_visible_to(users[username], school))
    pupil = plans.order_by("-pk").first()
    if pupil is None:
        return
    plan = SenStatus.objects.filter(pupil=pupil, ends__isnull=True).first()
    open_ranks = SenNeed.objects.filter(pupil=pupil, ends__isnull=True).values_list(
        "rank", flat=True
    )
    SenNeed.objects.create(
        pupil=pupil,
        need="NSA",
        rank=max(open_ranks, default=0) + 1,
        starts=plan.starts if plan else today,
        source=Source.IMPORTED,
    )
