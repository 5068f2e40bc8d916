"""The database keeps the plan rules even if a service is bypassed."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.db.models import RestrictedError

from senco.plans.models import Cycle, Note, Outcome, Plan
from senco.pupils.models import Pupil
from tests.plans import helpers

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def pupil() -> Pupil:
    return helpers.without_plan()


@pytest.fixture
def cycle(pupil) -> Cycle:
    plan = Plan.objects.create(pupil=pupil, starts=TODAY)
    return Cycle.objects.create(
        plan=plan, number=1, starts=TODAY, review_on=TODAY.replace(year=TODAY.year + 1)
    )


def refused(**create) -> None:
    model = create.pop("model")
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**create)


def test_a_pupil_has_at_most_one_open_plan_of_a_kind_but_may_have_ended_ones(pupil, cycle):
    refused(model=Plan, pupil=pupil, starts=TODAY)
    Plan.objects.filter(pk=cycle.plan_id).update(ends=TODAY)
    assert Plan.objects.create(pupil=pupil, starts=TODAY).is_open


def test_an_outcome_without_a_measure_is_refused_by_the_database(cycle):
    refused(model=Outcome, cycle=cycle, text="Reads aloud", area="CL", measure="")


def test_a_cycle_must_be_reviewed_after_it_starts_and_numbered_once_a_plan(cycle):
    refused(model=Cycle, plan=cycle.plan, number=2, starts=TODAY, review_on=TODAY)
    refused(model=Cycle, plan=cycle.plan, number=1, starts=TODAY, review_on=cycle.review_on)


def test_a_reviewed_cycle_is_locked_with_its_decision(cycle):
    with pytest.raises(IntegrityError), transaction.atomic():
        Cycle.objects.filter(pk=cycle.pk).update(status="reviewed")


def test_an_outcome_with_notes_is_not_removed_alone_but_goes_with_its_pupil(pupil, cycle):
    outcome = Outcome.objects.create(cycle=cycle, text="Reads", area="CL", measure="40 wpm")
    Note.objects.create(cycle=cycle, outcome=outcome, written_on=TODAY, text="Read well.")
    with pytest.raises(RestrictedError):
        outcome.delete()
    cycle.plan.delete()
    assert not Note.objects.filter(cycle=cycle).exists()


def test_strategies_read_one_a_line(cycle):
    cycle.strategies = "- Sit near the front\n\n• Chunk instructions  \n"
    assert cycle.strategy_list == ["Sit near the front", "Chunk instructions"]
