"""A token reaches its own school's pupils only, shows each pupil's flags only where that pupil's
detail would, and an address that is not a pupil id never reaches the audit log as it was sent
(security review of issue 10)."""

import datetime as dt

import pytest
from django.http import Http404

from senco import access
from senco.accounts.models import Membership, PupilGrant, Role, User
from senco.audit.models import AuditEntry
from senco.pupils.models import Pupil
from tests import targets
from tests.api.helpers import api, api_for, entries, error_of, last_entry, token_for
from tests.queries import queries_for

pytestmark = pytest.mark.django_db

PUPILS = "/api/pupils/"


def url(pupil, part: str = "") -> str:
    return f"{PUPILS}{pupil.public_id}/{part}"


# One school per token -----------------------------------------------------------------------


def trust_lead_granted(pupil: Pupil) -> User:
    """The trust SEND lead, also SENCO of the other school, granted `pupil` for a panel."""
    lead = User.objects.get(username="trustlead")
    Membership.objects.create(user=lead, school=targets.other_school(), role=Role.SENCO)
    day = access.today()
    grant = PupilGrant.objects.create(
        user=lead,
        school=pupil.school,
        reason="Panel",
        granted_by=User.objects.get(username="head"),
        starts=day,
        ends=day + dt.timedelta(days=30),
    )
    grant.pupils.set([pupil])
    return lead


def test_a_token_for_one_school_reads_no_pupil_of_another_through_a_trust_role():
    pupil = targets.taught_pupil()
    trust_lead_granted(pupil)
    client = api(token_for("trustlead", targets.other_school()))
    reads = entries(kind=AuditEntry.Kind.READ, pupil_id=pupil.pk)
    refusals = entries(action="pupil.refused")
    for part in ("", "sen/", "contacts/", "results/"):
        assert error_of(client.get(url(pupil, part)), 404)["message"] == access.NOT_VISIBLE
    listed = client.get(PUPILS, {"q": pupil.upn, "on_roll": "all"}).json()["results"]
    assert str(pupil.public_id) not in {p["id"] for p in listed}
    assert entries(kind=AuditEntry.Kind.READ, pupil_id=pupil.pk) == reads
    assert entries(action="pupil.refused") == refusals + 4


def test_the_token_s_school_bounds_every_lookup_even_if_a_role_reached_further(
    monkeypatch, persona
):
    # Were the user's roles not confined to the token's school, the lookup still would be.
    monkeypatch.setattr(access, "confine_to_school", lambda user, school: None)
    senco = persona("senco")
    Membership.objects.create(user=senco, school=targets.other_school(), role=Role.SENCO)
    elsewhere = targets.pupil_elsewhere()
    client = api(token_for("senco", targets.home_school()))
    reads = entries(kind=AuditEntry.Kind.READ, pupil_id=elsewhere.pk)
    for part in ("", "sen/", "contacts/", "results/"):
        error_of(client.get(url(elsewhere, part)), 404)
    change = {"shares_with_parents": not elsewhere.shares_with_parents}
    error_of(client.patch(url(elsewhere), change, content_type="application/json"), 404)
    assert entries(kind=AuditEntry.Kind.READ, pupil_id=elsewhere.pk) == reads
    elsewhere.refresh_from_db()
    assert elsewhere.shares_with_parents != change["shares_with_parents"]


def test_a_trust_role_confined_to_a_school_counts_in_that_school_alone():
    home, other = targets.home_school(), targets.other_school()
    lead = User.objects.get(username="trustlead")
    assert Role.TRUST_SEND_LEAD in access.roles_in(lead, home)
    access.confine_to_school(lead, other)
    assert access.roles_in(lead, home) == set()
    assert access.roles_in(lead, other) == {Role.TRUST_SEND_LEAD}
    assert access.schools_for(lead) == [other]


def test_a_pupil_of_another_school_is_refused_before_any_read_is_logged(persona):
    # A SENCO of both schools sees both schools' pupils; asked for in one school, the other's
    # pupil is not found, and only the refusal is logged.
    senco = persona("senco")
    Membership.objects.create(user=senco, school=targets.other_school(), role=Role.SENCO)
    elsewhere = targets.pupil_elsewhere()
    assert access.get_pupil(senco, elsewhere.public_id, audit_action=None) == elsewhere
    reads = entries(kind=AuditEntry.Kind.READ, pupil_id=elsewhere.pk)
    with pytest.raises(Http404):
        access.get_pupil(senco, elsewhere.public_id, school=targets.home_school())
    assert entries(kind=AuditEntry.Kind.READ, pupil_id=elsewhere.pk) == reads
    refusal = last_entry(action="pupil.refused")
    assert refusal.school_id == targets.home_school().pk
    assert refusal.object_label == str(elsewhere.public_id)


# Flags, pupil by pupil ----------------------------------------------------------------------


@pytest.fixture
def designated_teacher(persona):
    """`teacher`, also the designated teacher for looked-after children, and one of the pupils
    they teach looked after."""
    teacher = persona("teacher")
    Membership.objects.create(
        user=teacher, school=targets.home_school(), role=Role.DESIGNATED_TEACHER
    )
    taught = access.pupils_visible_to(teacher, targets.home_school()).on_roll().order_by("pk")
    looked_after = taught.exclude(pk=targets.taught_pupil().pk)[0]
    Pupil.objects.filter(pk=looked_after.pk).update(looked_after=Pupil.LookedAfter.LOOKED_AFTER)
    return looked_after


def test_the_list_shows_flags_only_of_the_pupils_whose_detail_shows_them(designated_teacher):
    client = api_for("teacher")
    listed = client.get(PUPILS, {"page_size": 100}).json()["results"]
    flagged = {p["id"] for p in listed if p["flags"] is not None}
    assert flagged == {str(designated_teacher.public_id)}
    assert len(listed) > 1
    for pupil in listed[:5] + [p for p in listed if p["id"] in flagged]:
        detail = client.get(f"{PUPILS}{pupil['id']}/").json()
        assert detail["flags"] == pupil["flags"]
    assert detail["flags"]["looked_after"] == Pupil.LookedAfter.LOOKED_AFTER


def test_flags_pupil_by_pupil_take_the_same_queries_for_two_pupils_or_all(designated_teacher):
    client = api_for("teacher")
    # The token's last use is written once a minute: not in the counts.
    seen = client.get(PUPILS).json()["count"]
    assert seen > 2
    two = queries_for(client, PUPILS, {"page_size": 2})
    assert queries_for(client, PUPILS, {"page_size": seen}) == two


# Addresses that are not ids -----------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    ["%00/", "a%00b/sen/", "%00%01%1b[31m/results/", f"{'x' * 300}%00/contacts/"],
)
def test_an_address_with_control_characters_is_not_found_and_logged_without_them(address):
    client = api_for("senco")
    client.raise_request_exception = False
    reads = entries(kind=AuditEntry.Kind.READ)
    error = error_of(client.get(PUPILS + address), 404)
    assert error["message"] == access.NOT_VISIBLE
    refusal = last_entry(action="pupil.refused")
    assert refusal.object_label.isprintable() and len(refusal.object_label) <= 60
    assert refusal.actor_label == "senco" and refusal.school_id == targets.home_school().pk
    assert entries(kind=AuditEntry.Kind.READ) == reads


def test_a_malformed_id_is_refused_in_the_token_s_school_with_what_was_sent():
    error_of(api_for("senco").get(PUPILS + "not-an-id/"), 404)
    refusal = last_entry(action="pupil.refused")
    assert "not-an-id" in refusal.object_label and refusal.school_id == targets.home_school().pk
