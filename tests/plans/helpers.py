"""Plans the page tests and the permission matrix ask for, started through the services when
the demo has none."""

import datetime as dt

from senco.accounts.models import User
from senco.plans import services
from senco.plans.models import Cycle, Plan
from senco.plans.services import OutcomeText, Provision
from senco.pupils.models import Pupil
from tests import targets

OUTCOMES = [
    OutcomeText("Reads a page of a level 6 book aloud", "CL", "95% of words right, twice"),
    OutcomeText("Asks an adult for help in lessons", "SEMH", "Three times a week, logged"),
    OutcomeText("Writes three sentences with full stops", "CL", "In two pieces of work"),
]


def without_plan() -> Pupil:
    """A pupil of the demo school on SEN support (K) with no open plan: the demo leaves one;
    failing that, the last such pupil's plan is ended here."""
    pupils = Pupil.objects.filter(
        school=targets.home_school(), sen_provision="K", left_on__isnull=True
    ).order_by("pk")
    waiting = pupils.exclude(pk__in=Plan.objects.open().values("pupil")).first()
    if waiting is not None:
        return waiting
    pupil = pupils.exclude(pk__in=[targets.taught_pupil().pk, targets.parents_child().pk]).last()
    assert pupil is not None
    Plan.objects.filter(pupil=pupil, ends__isnull=True).update(ends=dt.date.today())
    return pupil


def open_cycle(pupil: Pupil) -> Cycle:
    """The pupil's open cycle, after one reviewed cycle: started here when the demo has none."""
    plan = services.current_plan(pupil)
    if plan is None:
        senco = User.objects.get(username="senco")
        today = dt.date.today()
        plan = services.start_plan(
            pupil,
            by=senco,
            starts=today - dt.timedelta(days=90),
            review_on=today - dt.timedelta(days=5),
            outcomes=OUTCOMES,
            strategies="Sit near the front\nInstructions one at a time",
            provision=[Provision("Precision teaching", "TA", "10 minutes daily")],
        )
        first = plan.cycles.get()
        services.review_cycle(
            first,
            by=senco,
            expected_version=first.version,
            progress={o.pk: ("some", "Reads 80% of words") for o in first.outcomes.all()},
            decision=Cycle.Decision.CONTINUE,
            notes="Keep going: good progress in reading.",
            reviewed_on=today - dt.timedelta(days=10),
        )
    cycle = services.current_cycle(plan)
    assert cycle is not None and not cycle.is_locked
    return cycle


def reviewed_cycle(pupil: Pupil) -> Cycle:
    open_cycle(pupil)
    plan = services.current_plan(pupil)
    assert plan is not None
    return plan.cycles.filter(status=Cycle.Status.REVIEWED).order_by("-number")[0]
