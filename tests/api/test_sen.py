"""/api/pupils/{id}/sen/: SEN status and needs with their history, and a change of them through
the register's service under the census rules."""

import datetime as dt

import pytest

from senco import access
from senco.accounts.models import User
from senco.concerns.models import Monitoring
from senco.pupils.models import Pupil
from tests import targets
from tests.api.helpers import api_for, entries, error_of, last_entry

pytestmark = pytest.mark.django_db


def url(pupil) -> str:
    return f"/api/pupils/{pupil.public_id}/sen/"


def post(client, pupil, data):
    return client.post(url(pupil), data, content_type="application/json")


def no_sen_pupil() -> Pupil:
    """On roll, with no SEN, seen by the SENCO."""
    pupils = access.pupils_visible_to(User.objects.get(username="senco"), targets.home_school())
    return pupils.on_roll().filter(sen_provision="N").order_by("pk")[0]


def test_the_senco_reads_status_needs_and_their_history():
    pupil = targets.taught_pupil()
    body = api_for("senco").get(url(pupil)).json()
    assert body["status"] == pupil.sen_provision and body["status_label"]
    assert body["needs"][0]["need"] == pupil.primary_need
    assert body["history"]["statuses"][0]["ends"] is None
    entry = last_entry(action="api.sen_viewed")
    assert (entry.actor_label, entry.pupil_id) == ("senco", pupil.pk)


def test_a_teacher_reads_status_and_needs_but_not_the_history():
    body = api_for("teacher").get(url(targets.taught_pupil())).json()
    assert body["needs"] and body["history"] is None


def test_the_senco_puts_a_pupil_on_the_register_and_off_the_monitoring_list():
    pupil = no_sen_pupil()
    monitoring = Monitoring.objects.create(
        pupil=pupil, starts=access.today() - dt.timedelta(days=40), reason="Reading."
    )
    response = post(api_for("senco"), pupil, {"status": "K", "needs": ["SPLD", "SLCN"]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "K" and [n["need"] for n in body["needs"]] == ["SPLD", "SLCN"]
    pupil.refresh_from_db()
    assert (pupil.sen_provision, pupil.primary_need) == ("K", "SPLD")
    entry = last_entry(action="register.status_changed")
    assert entry.actor_label == "senco" and entry.changes["after"]["needs"] == ["SPLD", "SLCN"]
    monitoring.refresh_from_db()
    assert monitoring.ends == access.today() - dt.timedelta(days=1)


def test_a_change_answers_the_sen_record_and_its_history_and_logs_the_read():
    pupil = no_sen_pupil()
    before = entries(action="api.sen_viewed", pupil_id=pupil.pk)
    response = post(api_for("senco"), pupil, {"status": "K", "needs": ["MLD"]})
    assert response.status_code == 200, response.content
    assert response.json()["history"]["statuses"]
    assert entries(action="api.sen_viewed", pupil_id=pupil.pk) == before + 1
    entry = last_entry(action="api.sen_viewed")
    assert (entry.actor_label, entry.pupil_id) == ("senco", pupil.pk)


def test_a_refused_change_reads_nothing():
    pupil = no_sen_pupil()
    before = entries(action="api.sen_viewed")
    error_of(post(api_for("senco"), pupil, {"status": "K"}), 400)
    assert entries(action="api.sen_viewed") == before


def test_a_change_from_a_day_in_the_past_starts_that_day():
    pupil = no_sen_pupil()
    day = access.today() - dt.timedelta(days=10)
    response = post(api_for("senco"), pupil, {"status": "E", "needs": ["ASD"], "starts": str(day)})
    assert response.status_code == 200, response.content
    assert response.json()["needs"][0]["starts"] == day.isoformat()


BAD_CHANGES = {
    "K with no need": ({"status": "K"}, "needs", "needs a primary need"),
    "E with no need": ({"status": "E", "needs": []}, "needs", "needs a primary need"),
    "N with a need": ({"status": "N", "needs": ["MLD"]}, "needs", "has no need"),
    "a legacy status": ({"status": "S", "needs": ["MLD"]}, "status", "is not an SEN status"),
    "an unknown status": ({"status": "X"}, "status", "is not an SEN status"),
    "no status": ({"needs": ["MLD"]}, "status", "This field is required"),
    "an unknown need": ({"status": "K", "needs": ["ADHD"]}, "needs.0", "is not a need code"),
    "a need twice": ({"status": "K", "needs": ["MLD", "MLD"]}, "needs", "listed twice"),
    "four needs": ({"status": "K", "needs": ["MLD", "SLCN", "HI", "VI"]}, "needs", "At most"),
    "NSA with a plan": ({"status": "E", "needs": ["NSA"]}, "needs", "only with SEN support"),
    "needs as text": ({"status": "K", "needs": "MLD"}, "needs", "Expected a list"),
    "a status as a number": ({"status": 1, "needs": []}, "status", "is not an SEN status"),
    "a future day": (
        {"status": "K", "needs": ["MLD"], "starts": "2999-01-01"},
        "starts",
        "is in the future",
    ),
    "a day before birth": (
        {"status": "K", "needs": ["MLD"], "starts": "1990-01-01"},
        "starts",
        "before the pupil was born",
    ),
    "a day that is not one": (
        {"status": "K", "needs": ["MLD"], "starts": "2025-02-30"},
        "starts",
        "wrong format",
    ),
    "an unknown field": ({"status": "K", "needs": ["MLD"], "rank": 1}, "rank", "Unknown field"),
}


@pytest.mark.parametrize("what", BAD_CHANGES)
def test_a_change_against_the_rules_says_what_is_wrong_and_changes_nothing(what):
    data, field, message = BAD_CHANGES[what]
    pupil, client = no_sen_pupil(), api_for("senco")
    before = entries(kind="change")
    error = error_of(post(client, pupil, data), 400)
    assert any(message in m for m in error["fields"][field]), error
    assert entries(kind="change") == before
    assert Pupil.objects.get(pk=pupil.pk).sen_provision == "N"


@pytest.mark.parametrize("who", ["head", "teacher", "ta"])
def test_only_the_sen_leads_change_the_register(who):
    pupil = targets.taught_pupil()
    error = error_of(post(api_for(who), pupil, {"status": "N"}), 403)
    assert error["code"] == "permission_denied"
    assert Pupil.objects.get(pk=pupil.pk).sen_provision == pupil.sen_provision


def test_another_school_s_pupil_is_not_found_and_not_changed():
    pupil = targets.pupil_elsewhere()
    error_of(post(api_for("senco"), pupil, {"status": "N"}), 404)
    assert Pupil.objects.get(pk=pupil.pk).sen_provision == pupil.sen_provision
