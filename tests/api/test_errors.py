"""Bad input, answered in the API's one error format with the right status, nothing changed:
malformed JSON, wrong types, unknown fields and parameters, huge bodies, wrong media types,
unknown addresses and methods, too many requests."""

import json

import pytest

from senco.audit.models import AuditEntry
from senco.pupils.models import Pupil
from tests import targets
from tests.api.helpers import api_for, error_of

pytestmark = pytest.mark.django_db

PUPILS = "/api/pupils/"


def sen_url() -> str:
    return f"/api/pupils/{targets.taught_pupil().public_id}/sen/"


@pytest.fixture
def unchanged():
    """Checks after the test that no pupil's SEN status and no audit change entry moved."""
    statuses = list(Pupil.objects.order_by("pk").values_list("sen_provision", flat=True))
    changes = AuditEntry.objects.filter(kind="change").exclude(action="api.token_created")
    before = changes.count()
    yield
    assert list(Pupil.objects.order_by("pk").values_list("sen_provision", flat=True)) == statuses
    assert changes.count() == before


BAD_BODIES = {
    "malformed JSON": (b'{"status": "N",', "application/json", 400, "not valid JSON"),
    "a list, not an object": (b'["N"]', "application/json", 400, "Expected a dictionary"),
    "NaN": (b'{"status": NaN}', "application/json", 400, "NaN is not a number JSON allows"),
    "an infinite number": (b'{"status": 1e999}', "application/json", 400, "too large a number"),
    "too deeply nested": (b"[" * 5000 + b"]" * 5000, "application/json", 400, "cannot be read"),
    "not UTF-8": ('{"status": "é"}'.encode("latin-1"), "application/json", 400, "not UTF-8"),
    "a huge body": (
        json.dumps({"status": "N", "needs": ["x" * 70_000]}).encode(),
        "application/json",
        413,
        "larger than 64 KB",
    ),
    "a form": (b"status=N", "application/x-www-form-urlencoded", 415, "Unsupported media type"),
    "no content type": (b'{"status": "N"}', "", 415, "Content-Type: application/json"),
    "a null character": (b'{"status": "N\\u0000"}', "application/json", 400, "not an SEN status"),
}


@pytest.mark.parametrize("what", BAD_BODIES)
def test_a_body_that_cannot_be_read_is_refused_in_the_error_format(what, unchanged):
    body, content_type, status, message = BAD_BODIES[what]
    client = api_for("senco")
    response = client.generic("POST", sen_url(), body, content_type=content_type)
    error = error_of(response, status)
    assert message in error["message"] + json.dumps(error.get("fields", {})), error


def test_text_with_a_null_or_a_lone_surrogate_is_refused(unchanged):
    pupil = targets.taught_pupil()
    client = api_for("senco")
    for text in ('"8y\\u0000"', '"\\ud800"'):
        body = f'{{"assessment_type": "{pupil.public_id}", "taken_on": "2025-01-01", "result": '
        response = client.generic(
            "POST", f"/api/pupils/{pupil.public_id}/results/", body + text + "}",
            content_type="application/json",
        )  # fmt: skip
        error = error_of(response, 400)
        assert "result" in error["fields"]


BAD_QUERIES = {
    "an unknown parameter": ({"yeargroup": "7"}, "yeargroup", "Unknown field"),
    "a year that is not a number": ({"year_group": "seven"}, "year_group", "valid integer"),
    "a year out of range": ({"year_group": "99"}, "year_group", "less than or equal to 14"),
    "a status that is not one": ({"sen_status": "S"}, "sen_status", "not a valid choice"),
    "a need that is not one": ({"need": "ADHD"}, "need", "not a valid choice"),
    "too large a page": ({"page_size": "101"}, "page_size", "less than or equal to 100"),
    "page nought": ({"page": "0"}, "page", "greater than or equal to 1"),
    "a huge search": ({"q": "x" * 5000}, "q", "no more than 100 characters"),
    "a null in the search": ({"q": "Smi\x00th"}, "q", "Null characters are not allowed"),
    "an ordering that is not one": ({"ordering": "dob"}, "ordering", "not a valid choice"),
}


@pytest.mark.parametrize("what", BAD_QUERIES)
def test_a_wrong_filter_is_refused_naming_the_parameter(what):
    query, field, message = BAD_QUERIES[what]
    before = AuditEntry.objects.filter(action="pupil.listed").count()
    error = error_of(api_for("senco").get(PUPILS, query), 400)
    assert any(message in m for m in error["fields"][field]), error
    assert AuditEntry.objects.filter(action="pupil.listed").count() == before


def test_a_page_past_the_last_is_not_found():
    error = error_of(api_for("senco").get(PUPILS, {"page": "999"}), 404)
    assert "the last is" in error["message"]


def test_only_json_is_served():
    response = api_for("senco").get(PUPILS, headers={"Accept": "text/html"})
    assert error_of(response, 406)["code"] == "not_acceptable"


def test_a_method_the_address_does_not_have_is_refused(unchanged):
    response = api_for("senco").delete(f"{PUPILS}{targets.taught_pupil().public_id}/")
    assert error_of(response, 405)["code"] == "method_not_allowed"


@pytest.mark.parametrize("address", ["/api/nothing/", "/api/pupils", "/api/pupils/x/y/z/"])
def test_an_address_the_api_does_not_have_is_a_404_in_its_format(address):
    assert "/api/docs/" in error_of(api_for("senco").get(address), 404)["message"]


def test_too_many_requests_are_refused_with_the_seconds_to_wait(settings, unchanged):
    settings.SENCO_API_RATES = {"api_burst": "2/min", "api_sustained": "600/hour"}
    client = api_for("senco")
    assert [client.get(PUPILS).status_code for _ in range(2)] == [200, 200]
    response = client.post(sen_url(), {"status": "N"}, content_type="application/json")
    error = error_of(response, 429)
    assert error["code"] == "throttled" and "wait" in error["message"]
    assert 0 < int(response["Retry-After"]) <= 60
    other = api_for("teacher")  # another token has its own count
    assert other.get(PUPILS).status_code == 200


def test_the_hourly_limit_holds_too(settings):
    settings.SENCO_API_RATES = {"api_burst": "60/min", "api_sustained": "3/hour"}
    client = api_for("senco")
    statuses = [client.get(PUPILS, {"page_size": 1}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
