import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from senco.audit.models import AuditEntry
from senco.pupils.models import Pupil
from senco.pupils.services import change_register_entry

pytestmark = pytest.mark.django_db


def a_pupil(provision: str) -> Pupil:
    return Pupil.objects.filter(sen_provision=provision, left_on__isnull=True).order_by("pk")[0]


def state(pupil: Pupil):
    return (
        list(pupil.sen_statuses.values_list("provision", "starts", "ends").order_by("starts")),
        list(pupil.sen_needs.values_list("need", "rank", "starts", "ends").order_by("pk")),
        Pupil.objects.values_list("sen_provision", "primary_need").get(pk=pupil.pk),
    )


def test_moving_a_pupil_onto_sen_support_keeps_the_history(persona, today):
    pupil = a_pupil("N")
    before = pupil.sen_statuses.count()
    change_register_entry(
        pupil, provision="K", needs=["SLCN", "SPLD"], starts=today, by=persona("senco")
    )
    pupil.refresh_from_db()
    assert (pupil.sen_provision, pupil.primary_need) == ("K", "SLCN")
    assert pupil.sen_statuses.count() == before + 1
    assert list(pupil.sen_needs.filter(ends__isnull=True).values_list("need", "rank")) == [
        ("SLCN", 1),
        ("SPLD", 2),
    ]
    entry = AuditEntry.objects.filter(action="register.status_changed", pupil_id=pupil.pk).get()
    assert entry.changes["after"]["provision"] == "K"
    assert entry.changes["after"]["needs"] == ["SLCN", "SPLD"]
    assert entry.actor_label == "senco"


def test_leaving_the_register_ends_every_need(persona, today):
    pupil = a_pupil("K")
    change_register_entry(pupil, provision="N", needs=[], starts=today, by=persona("senco"))
    assert not pupil.sen_needs.filter(ends__isnull=True).exists()
    assert pupil.sen_statuses.get(ends__isnull=True).provision == "N"
    assert pupil.sen_statuses.get(ends=today - dt.timedelta(days=1)).provision == "K"


def test_a_need_that_carries_on_keeps_its_start(persona, today):
    pupil = a_pupil("K")
    primary = pupil.sen_needs.get(ends__isnull=True, rank=1)
    change_register_entry(
        pupil, provision="E", needs=[primary.need], starts=today, by=persona("senco")
    )
    primary.refresh_from_db()
    assert primary.ends is None
    assert pupil.sen_statuses.get(ends__isnull=True).provision == "E"


@pytest.mark.parametrize(
    ("provision", "needs", "message"),
    [
        ("N", ["SLCN"], "remove the needs"),
        ("E", ["NSA"], "only with SEN support"),
        ("K", [], "primary need"),
        ("K", ["MLD", "MLD"], "listed twice"),
        ("S", ["MLD"], "can no longer be recorded"),
    ],
)
def test_a_change_breaking_the_census_rules_changes_nothing(
    persona, today, provision, needs, message
):
    pupil = a_pupil("K")
    before = state(pupil)
    with pytest.raises(ValidationError, match=message):
        change_register_entry(
            pupil, provision=provision, needs=needs, starts=today, by=persona("senco")
        )
    assert state(pupil) == before
    assert not AuditEntry.objects.filter(
        action="register.status_changed", pupil_id=pupil.pk
    ).exists()


def test_a_change_overlapping_the_current_status_is_refused(persona):
    pupil = a_pupil("K")
    current = pupil.sen_statuses.get(ends__isnull=True)
    before = state(pupil)
    with pytest.raises(ValidationError, match="must start after"):
        change_register_entry(
            pupil, provision="E", needs=["ASD"], starts=current.starts, by=persona("senco")
        )
    assert state(pupil) == before


def test_a_change_dated_before_the_pupil_was_born_is_refused(persona):
    pupil = a_pupil("N")
    before = state(pupil)
    day = pupil.date_of_birth - dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="before the pupil was born"):
        change_register_entry(pupil, provision="K", needs=["SLCN"], starts=day, by=persona("senco"))
    assert state(pupil) == before


def test_a_upn_with_a_wrong_check_letter_is_refused_naming_the_right_letter():
    pupil = a_pupil("N")
    pupil.upn = "A" + pupil.upn[1:] if pupil.upn[0] != "A" else "B" + pupil.upn[1:]
    with pytest.raises(ValidationError, match="check letter does not match"):
        pupil.full_clean()
