"""Plans the page tests and the permission matrix ask for, started through the services when
the demo has none."""

import datetime as dt

from senco.accounts.models import User
from senco.plans import services
from senco.plans.models import Cycle, Plan
from senco.plans.services import OutcomeText, Provision
from senco.pupils import census
from senco.pupils.models import Pupil
from tests import targets


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


OUTCOMES = [
    OutcomeText("Reads a page of a picture book aloud", "CL", "Reads 40 words a minute"),
    OutcomeText("Asks for help when stuck", "SEMH", "Asks an adult 3 times a lesson"),
    OutcomeText("Follows two-step instructions", "CI", "4 times out of 5 in class"),
]


def senco(pupil: Pupil | None = None) -> User:
    """The SENCO of the pupil's school (the home school's when no pupil is given)."""
    home = pupil is None or pupil.school_id == targets.home_school().pk
    return User.objects.get(username="senco" if home else "other_senco")


def plan_for(pupil: Pupil, **fields) -> Plan:
    """The pupil's current plan: the demo's when it made one, else one started now (the pupil
    put on SEN support first when not on the register)."""
    plan = services.current_plan(pupil)
    if plan is not None:
        return plan
    if pupil.sen_provision not in census.REGISTER_CODES:
        Pupil.objects.filter(pk=pupil.pk).update(sen_provision="K")
        pupil.sen_provision = "K"
    today = dt.date.today()
    fields.setdefault("starts", today - dt.timedelta(days=30))
    fields.setdefault("review_on", today + dt.timedelta(days=54))
    fields.setdefault("outcomes", OUTCOMES)
    fields.setdefault("strategies", "Sit near the front\nGive one instruction at a time")
    fields.setdefault("provision", [Provision("Reading practice", "Teaching assistant", "Daily")])
    return services.start_plan(pupil, by=senco(pupil), **fields)


def current(pupil: Pupil) -> Cycle:
    cycle = services.current_cycle(plan_for(pupil))
    assert cycle is not None
    return cycle


def review(cycle: Cycle, **fields) -> Cycle:
    """Review the cycle (continue), and return it, locked."""
    fields.setdefault("decision", Cycle.Decision.CONTINUE)
    fields.setdefault("notes", "Keep going with daily reading.")
    fields.setdefault("pupil_view", "I like reading with Miss.")
    fields.setdefault("parent_view", "Reading at home is better.")
    fields.setdefault(
        "progress", {o.pk: ("good", f"Evidence for {o.position}") for o in cycle.outcomes.all()}
    )
    services.review_cycle(
        cycle,
        by=senco(cycle.plan.pupil),
        expected_version=cycle.version,
        reviewed_on=max(cycle.starts, dt.date.today()),
        **fields,
    )
    return Cycle.objects.get(pk=cycle.pk)


def reviewed_cycle(pupil: Pupil) -> Cycle:
    plan = plan_for(pupil)
    done = plan.cycles.filter(status=Cycle.Status.REVIEWED).order_by("-number").first()
    return done or review(current(pupil))


def open_cycle(pupil: Pupil) -> Cycle:
    """The pupil's open cycle, with at least one reviewed cycle before it."""
    reviewed_cycle(pupil)
    return current(pupil)
