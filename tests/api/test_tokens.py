"""API tokens: made after signing in again, shown once, stored hashed, revocable, expiring, bound
to one user and one school."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from senco.accounts.models import Membership, Role, User
from senco.api import services
from senco.api.models import ApiToken
from tests import targets
from tests.api.helpers import api, entries, error_of, expire, last_entry, token_for, token_of
from tests.conftest import PASSWORD
from tests.pupils.test_exports import signed_in, signed_in_long_ago

pytestmark = pytest.mark.django_db

PUPILS = "/api/pupils/"


def make_token(client: Client, name: str = "MIS sync", days: str = "90"):
    return client.post(reverse("api:token_create"), {"name": name, "days": days})


def text_shown(response) -> str:
    page = response.content.decode()
    start = page.index('value="senco_') + len('value="')
    return page[start : page.index('"', start)]


def test_a_senco_makes_a_token_that_is_shown_once_and_works():
    client = signed_in("senco")
    response = make_token(client)
    assert response.status_code == 200 and b"it is not shown again" in response.content
    assert response["Cache-Control"].startswith("max-age=0")
    text = text_shown(response)
    assert len(text) == 62
    token = token_of(text)
    assert (token.name, token.school, token.user.username) == (
        "MIS sync",
        targets.home_school(),
        "senco",
    )
    assert dt.timedelta(days=89) < token.expires_at - timezone.now() <= dt.timedelta(days=90)
    assert api(text).get(PUPILS).status_code == 200
    listed = client.get(reverse("api:tokens")).content.decode()
    assert f"senco_{token.lookup}_" in listed and text not in listed
    entry = last_entry(action="api.token_created")
    assert entry.actor_label == "senco" and entry.school_id == targets.home_school().pk
    assert text.split("_", 2)[2] not in str(entry.changes)


def test_the_secret_is_not_in_the_database_only_its_sha256():
    text = token_for("senco")
    secret = text.split("_", 2)[2]
    token = token_of(text)
    assert token.secret_sha256 != secret and len(token.secret_sha256) == 64
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        rows = cursor.fetchall()
        cursor.execute("SELECT changes, object_label FROM audit_auditentry")
        audit = cursor.fetchall()
    assert secret not in repr(rows) and secret not in repr(audit)


def test_making_a_token_asks_for_the_password_again_first(client_for):
    client = client_for("senco")  # signed in, with no recent sign-in on record
    for response in (client.get(reverse("api:token_create")), make_token(client)):
        assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not ApiToken.objects.exists()


def test_after_the_password_the_token_is_made_and_shown():
    client = signed_in_long_ago("senco")
    asked = make_token(client, name="Dashboard")
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    replayed = client.post(asked["Location"], {"password": PASSWORD}, follow=True)
    assert b"Your new API token" in replayed.content
    assert token_of(text_shown(replayed)).name == "Dashboard"


@pytest.mark.parametrize("who", ["parent", "governor", "trustlead", "admin"])
def test_only_staff_may_make_a_token(who):
    client = signed_in(who)
    assert client.get(reverse("api:tokens")).status_code == 403
    assert make_token(client).status_code == 403
    assert not ApiToken.objects.exists()


BAD_FORMS = {
    "no name": ({"name": "  "}, "name", "This field is required"),
    "a huge name": ({"name": "x" * 5000}, "name", "at most 100 characters"),
    "a null character": ({"name": "MIS\x00sync"}, "name", "Null characters are not allowed"),
    "a control character": ({"name": "MIS\x01sync"}, "name", "no control characters"),
    "no lifetime": ({"days": ""}, "days", "This field is required"),
    "more than a year": ({"days": "3650"}, "days", "Select a valid choice"),
    "a lifetime not a number": ({"days": "forever"}, "days", "Select a valid choice"),
}


@pytest.mark.parametrize("what", BAD_FORMS)
def test_a_wrong_form_says_what_is_wrong_and_makes_no_token(what):
    change, field, message = BAD_FORMS[what]
    before = entries(action="api.token_created")
    response = signed_in("teacher").post(
        reverse("api:token_create"), {"name": "MIS sync", "days": "90", **change}
    )
    page = response.content.decode()
    assert response.status_code == 200 and escape(message) in page, page[:3000]
    assert f'href="#id_{field}"' in page or field == "days"  # radios: the error is by them
    assert not ApiToken.objects.exists() and entries(action="api.token_created") == before


def test_twenty_tokens_in_force_are_the_most(persona):
    senco, school = persona("senco"), targets.home_school()
    for n in range(services.MOST_IN_FORCE):
        services.create_token(senco, school, name=f"Tool {n}", days=30)
    response = make_token(signed_in("senco"))
    assert b"You have 20 tokens in force" in response.content
    assert ApiToken.objects.filter(user=senco).count() == services.MOST_IN_FORCE


def test_revoking_a_token_stops_it_at_once_and_is_in_the_audit_log():
    text = token_for("senco")
    client = signed_in("senco")
    response = client.post(reverse("api:token_revoke", args=[token_of(text).public_id]))
    assert response.status_code == 302
    error = error_of(api(text).get(PUPILS), 401)
    assert error["message"].startswith("This token was revoked on")
    assert last_entry(action="api.token_revoked").actor_label == "senco"
    page = client.get(reverse("api:tokens")).content.decode()
    assert "Revoked" in page and "Revoke<span" not in page
    again = client.post(reverse("api:token_revoke", args=[token_of(text).public_id]), follow=True)
    assert b"was already revoked" in again.content


def test_nobody_revokes_another_persons_token():
    text = token_for("senco")
    response = signed_in("head").post(reverse("api:token_revoke", args=[token_of(text).public_id]))
    assert response.status_code == 404
    assert token_of(text).revoked_at is None
    assert api(text).get(PUPILS).status_code == 200


def test_an_expired_token_is_refused_saying_when_it_expired():
    text = token_for("senco")
    expire(text)
    error = error_of(api(text).get(PUPILS), 401)
    assert error["code"] == "authentication_failed"
    assert error["message"].startswith("This token expired on")
    refusal = last_entry(action="api.token_refused")
    assert refusal.actor_label == "senco" and refusal.object_label.endswith("expired")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "Send your API token"),
        ("Basic c2VuY286cGFzc3dvcmQ=", "Send your API token"),
        ("Bearer", "not an OpenSENCO API token"),
        ("Bearer senco_short", "not an OpenSENCO API token"),
        ("Bearer senco_0123456789ab_" + "A" * 43, "not recognised"),
    ],
)
def test_a_missing_or_wrong_token_is_refused_with_401(header, message):
    client = Client(headers={"Authorization": header} if header else {})
    response = client.get(PUPILS)
    error = error_of(response, 401)
    assert message in error["message"]
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_token_with_a_wrong_secret_is_refused_and_the_attempt_logged():
    text = token_for("senco")
    wrong = text[:-4] + ("AAAA" if not text.endswith("AAAA") else "BBBB")
    error = error_of(api(wrong).get(PUPILS), 401)
    assert "not recognised" in error["message"]
    assert last_entry(action="api.token_refused").object_label.endswith("wrong secret")


def test_a_closed_account_s_token_is_refused():
    text = token_for("teacher")
    User.objects.filter(username="teacher").update(is_active=False)
    assert "closed" in error_of(api(text).get(PUPILS), 401)["message"]


def test_a_token_stops_reaching_anything_when_its_user_leaves_the_school(persona):
    text = token_for("teacher")
    Membership.objects.filter(user=persona("teacher")).update(ends=dt.date(2000, 1, 1))
    before = entries(action="api.token_refused")
    error = error_of(api(text).get(PUPILS), 403)
    assert "no longer holds a staff role" in error["message"]
    assert entries(action="api.token_refused") == before + 1
    refusal = last_entry(action="api.token_refused")
    assert refusal.actor_label == "teacher" and refusal.kind == "refused"
    assert refusal.object_label.endswith("no staff role at the school")


def test_a_role_in_another_school_gives_nothing_through_this_school_s_token(persona):
    senco = persona("senco")
    Membership.objects.create(user=senco, school=targets.other_school(), role=Role.SENCO)
    elsewhere = targets.pupil_elsewhere()
    home = api(token_for("senco", targets.home_school()))
    assert home.get(f"{PUPILS}{elsewhere.public_id}/").status_code == 404
    listed = {p["id"] for p in home.get(PUPILS, {"page_size": 100}).json()["results"]}
    assert str(elsewhere.public_id) not in listed
    other = api(token_for("senco", targets.other_school()))
    assert other.get(f"{PUPILS}{elsewhere.public_id}/").status_code == 200
    taught = targets.taught_pupil()
    assert other.get(f"{PUPILS}{taught.public_id}/").status_code == 404


def test_last_used_is_written_at_most_once_a_minute():
    text = token_for("senco")
    client = api(text)
    client.get(PUPILS)
    first = token_of(text).last_used_at
    assert first is not None
    client.get(PUPILS)
    assert token_of(text).last_used_at == first
    ApiToken.objects.filter(pk=token_of(text).pk).update(
        last_used_at=first - dt.timedelta(minutes=2)
    )
    client.get(PUPILS)
    assert token_of(text).last_used_at > first


def test_a_signed_in_browser_gets_nothing_from_the_api_without_a_token(client_for):
    client = client_for("senco")
    assert client.get("/pupils/").status_code == 200
    error = error_of(client.get(PUPILS), 401)
    assert error["code"] == "not_authenticated" and "Authorization: Bearer" in error["message"]
    pupil = targets.taught_pupil()
    response = client.post(
        f"{PUPILS}{pupil.public_id}/sen/", {"status": "N"}, content_type="application/json"
    )
    error_of(response, 401)


def test_a_changed_or_reset_password_stops_every_token_and_calendar_feed(persona):
    """Whoever had the password may have made a token or a feed: a new password stops them."""
    from allauth.account.signals import password_changed, password_reset

    from senco.interop import calendar
    from tests import targets

    senco = persona("senco")
    first, second = token_for("senco"), token_for("senco")
    calendar.make_feed(senco, targets.home_school())
    password_changed.send(sender=type(senco), request=None, user=senco)
    for text in (first, second):
        assert token_of(text).revoked_at is not None
        assert error_of(api(text).get("/api/pupils/"), 401)
    assert calendar.feeds_in_force(senco) == []
    third = token_for("senco")
    password_reset.send(sender=type(senco), request=None, user=senco)
    assert token_of(third).revoked_at is not None
