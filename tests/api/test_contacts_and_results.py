"""/api/pupils/{id}/contacts/ (read only, for those who see contacts) and
/api/pupils/{id}/results/ with /api/assessment-types/ (read, and record through the assessment
service)."""

import datetime as dt

import pytest

from senco import access
from senco.accounts.models import User
from senco.assessment.models import AssessmentType
from tests import targets
from tests.api.helpers import api_for, entries, error_of, last_entry
from tests.assessment.helpers import assessment_type

pytestmark = pytest.mark.django_db


def contacts_url(pupil) -> str:
    return f"/api/pupils/{pupil.public_id}/contacts/"


def results_url(pupil) -> str:
    return f"/api/pupils/{pupil.public_id}/results/"


def test_the_senco_reads_a_pupil_s_contacts_and_the_read_is_logged():
    pupil = targets.taught_pupil()
    body = api_for("senco").get(contacts_url(pupil)).json()
    expected = {str(link.contact.public_id) for link in pupil.contact_links.all()}
    assert {c["id"] for c in body["results"]} == expected and body["count"] == len(expected)
    first = body["results"][0]
    assert first["relationship"] and "parental_responsibility" in first
    entry = last_entry(action="api.contacts_viewed")
    assert (entry.actor_label, entry.pupil_id) == ("senco", pupil.pk)


def test_a_confidential_contact_is_hidden_from_those_it_is_not_shown_to():
    pupil = targets.taught_pupil()
    contact = pupil.contact_links.first().contact
    contact.is_confidential = True
    contact.save(update_fields=["is_confidential"])
    contact.confidential_to.set([User.objects.get(username="senco")])
    seen = {
        who: {c["id"] for c in api_for(who).get(contacts_url(pupil)).json()["results"]}
        for who in ("senco", "head")
    }
    assert str(contact.public_id) in seen["senco"] and str(contact.public_id) not in seen["head"]


@pytest.mark.parametrize("who", ["teacher", "ta"])
def test_teachers_and_tas_may_not_read_contacts(who):
    error = error_of(api_for(who).get(contacts_url(targets.taught_pupil())), 403)
    assert error["code"] == "permission_denied"


def test_contacts_cannot_be_changed_through_the_api():
    response = api_for("senco").post(
        contacts_url(targets.taught_pupil()), {"first_name": "X"}, content_type="application/json"
    )
    assert error_of(response, 405)["code"] == "method_not_allowed"


def test_the_school_s_assessment_types_are_listed():
    body = api_for("teacher").get("/api/assessment-types/").json()
    expected = AssessmentType.objects.filter(school=targets.home_school())
    assert {t["id"] for t in body["results"]} == {str(t.public_id) for t in expected}
    assert {"hint", "kind", "scale", "maximum"} <= set(body["results"][0])


def test_a_pupil_s_results_are_listed_newest_first_and_the_read_logged():
    pupil = targets.taught_pupil()
    body = api_for("teacher").get(results_url(pupil)).json()
    assert body["count"] == pupil.results.count()
    days = [r["taken_on"] for r in body["results"]]
    assert days == sorted(days, reverse=True)
    assert last_entry(action="api.results_viewed").pupil_id == pupil.pk


def record(client, pupil, data):
    return client.post(results_url(pupil), data, content_type="application/json")


def test_a_teacher_records_a_result_once_then_corrects_it():
    pupil = targets.taught_pupil()
    reading = assessment_type("reading_age")
    day = access.today() - dt.timedelta(days=1)
    data = {"assessment_type": str(reading.public_id), "taken_on": str(day), "result": "8y 7m"}
    client = api_for("teacher")
    made = record(client, pupil, data)
    assert made.status_code == 201, made.content
    assert (made.json()["months"], made.json()["result"]) == (103, "8y 7m")
    entry = last_entry(action="assessment.result_recorded")
    assert (entry.actor_label, entry.pupil_id) == ("teacher", pupil.pk)
    before = entries(action="assessment.result_recorded")
    again = record(client, pupil, data)
    assert again.status_code == 200 and entries(action="assessment.result_recorded") == before
    corrected = record(client, pupil, {**data, "result": "8.09"})
    assert corrected.status_code == 200 and corrected.json()["months"] == 105
    assert pupil.results.filter(assessment_type=reading, taken_on=day).count() == 1


BAD_RESULTS = {
    "a reading age that is not one": ({"result": "tall"}, "result", "write years and months"),
    "a blank result": ({"result": ""}, "result", "may not be blank"),
    "a number for text": ({"result": 103}, "result", "a JSON string"),
    "a future day": ({"taken_on": "2999-01-01"}, "taken_on", "is in the future"),
    "a day before birth": ({"taken_on": "1990-01-01"}, "result", "before this pupil was born"),
    "no such type": (
        {"assessment_type": "00000000-0000-4000-8000-000000000000"},
        "assessment_type",
        "No assessment type",
    ),
    "an unknown field": ({"score": 104}, "score", "Unknown field"),
    "no day": ({"taken_on": None}, "taken_on", "may not be null"),
}


@pytest.mark.parametrize("what", BAD_RESULTS)
def test_a_wrong_result_says_what_is_wrong_and_records_nothing(what):
    change, field, message = BAD_RESULTS[what]
    pupil, client = targets.taught_pupil(), api_for("senco")
    data = {
        "assessment_type": str(assessment_type("reading_age").public_id),
        "taken_on": str(access.today()),
        "result": "8y 7m",
        **change,
    }
    before = pupil.results.count()
    error = error_of(record(client, pupil, data), 400)
    assert any(message in m for m in error["fields"][field]), error
    assert pupil.results.count() == before


def test_another_school_s_assessment_type_is_refused():
    theirs = AssessmentType.objects.filter(school=targets.other_school())[0]
    data = {
        "assessment_type": str(theirs.public_id),
        "taken_on": str(access.today()),
        "result": "1",
    }
    error = error_of(record(api_for("senco"), targets.taught_pupil(), data), 400)
    assert "No assessment type" in error["fields"]["assessment_type"][0]


def test_results_of_a_pupil_out_of_reach_are_not_found():
    for who, pupil in (("senco", targets.pupil_elsewhere()), ("teacher", targets.parents_child())):
        error_of(api_for(who).get(results_url(pupil)), 404)
        data = {"assessment_type": str(assessment_type().public_id), "taken_on": "2025-01-01"}
        error_of(record(api_for(who), pupil, {**data, "result": "9y"}), 404)
