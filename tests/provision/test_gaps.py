"""The gaps in provision: a pupil with a need and no provision for its area, groups short of
their planned sessions, and provision named in plans that is not running."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from senco.provision import services
from senco.pupils.models import Pupil, SenNeed
from tests import targets
from tests.provision import helpers
from tests.queries import queries_for

pytestmark = pytest.mark.django_db
URL = reverse("provision:gaps")
TODAY = helpers.TODAY


def semh_pupil() -> Pupil:
    """A pupil on the register whose only current need is SEMH."""
    pupil = helpers.pupils(1)[0]
    pupil.sen_needs.filter(ends__isnull=True).update(ends=TODAY - dt.timedelta(days=1))
    SenNeed.objects.create(pupil=pupil, need="SEMH", rank=1, starts=TODAY)
    return pupil


def names(response) -> list[str]:
    return [g.pupil.full_name for g in response.context["page"]]


def test_a_pupil_with_semh_need_and_no_semh_provision_is_a_gap(client_for):
    pupil = semh_pupil()
    response = client_for("senco").get(URL)
    gap = next(g for g in response.context["page"].paginator.object_list if g.pupil == pupil)
    assert gap.areas == ["Social, emotional and mental health"]
    # A reading group does not cover it; an SEMH group does.
    helpers.group(members=[pupil])
    elsa = helpers.library_entry(name="ELSA (gap test)", area="SEMH", entry_assessment=None)
    helpers.group(elsa, members=[pupil])
    response = client_for("senco").get(URL)
    assert pupil not in [g.pupil for g in response.context["page"].paginator.object_list]


def test_a_group_short_of_its_planned_sessions_is_listed(client_for):
    group = helpers.group()  # 3 sessions a week, running for ten weeks: 30 planned so far
    for days_ago in (7, 14):
        services.record_session(
            group, by=helpers.senco(), held_on=TODAY - dt.timedelta(days=days_ago),
            delivered=True, minutes=30,
        )  # fmt: skip
    response = client_for("senco").get(URL)
    gap = next(g for g in response.context["short"] if g.group == group)
    assert (gap.delivered, gap.planned, gap.share) == (2, 30, 7)
    assert b"Groups short of their planned sessions" in response.content


def test_provision_named_in_a_plan_and_not_running_is_listed(client_for):
    from tests.plans import helpers as plans

    pupil = targets.taught_pupil()
    cycle = plans.open_cycle(pupil)
    entry = helpers.library_entry(
        name="Talk Boost (gap test)", area="CI", sessions_per_week=Decimal(2)
    )
    cycle.provision_items.create(
        position=9, what="Talk Boost", who="TA", how_often="Twice a week", provision=entry
    )
    response = client_for("senco").get(URL)
    assert any(i.provision == entry for i in response.context["not_running"])
    helpers.group(entry, members=[pupil])
    response = client_for("senco").get(URL)
    assert not any(i.provision == entry for i in response.context["not_running"])


def test_the_gaps_page_costs_the_same_however_many_groups(client_for):
    client = client_for("senco")
    queries_for(client, URL)  # the first visit also loads the session
    before = queries_for(client, URL)
    for n in range(5):
        helpers.group(helpers.library_entry(name=f"Group test {n}"))
    assert queries_for(client, URL) == before
