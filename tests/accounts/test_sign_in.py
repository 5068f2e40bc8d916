"""Signing in: passwords, the second step, lockout and session limits."""

import time

import pytest
from django.core import mail
from django.test import Client

from senco.audit.models import AuditEntry
from senco.middleware import SIGNED_IN_AT
from tests.accounts.conftest import sign_in, totp_code
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def actions(*names: str) -> list[str]:
    return list(
        AuditEntry.objects.filter(action__in=names).order_by("id").values_list("action", flat=True)
    )


def test_ten_wrong_passwords_lock_out_that_user_name_and_no_other(client, persona):
    for _ in range(10):
        response = sign_in(client, "admin", "wrong password")
        assert response.status_code == 200
        assert b"not correct" in response.content
    locked = sign_in(client, "admin", PASSWORD)
    assert locked.status_code == 200 and b"Too many failed login attempts" in locked.content
    assert "_auth_user_id" not in client.session
    assert sign_in(Client(), "senco").status_code == 302  # same address, other user name
    assert actions("signin.failed").count("signin.failed") == 10
    assert actions("signin.locked") == ["signin.locked"]


def test_a_wrong_password_is_told_without_saying_which_part_was_wrong(client):
    response = sign_in(client, "nobody-by-this-name", "x")
    assert b"The username and/or password you specified are not correct" in response.content
    entry = AuditEntry.objects.filter(action="signin.failed").latest("id")
    assert entry.object_label == "nobody-by-this-name" and entry.address == "127.0.0.1"


def second_step(client: Client, code: str) -> None:
    """Give the code, then decline to trust the browser."""
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response["Location"] == "/accounts/2fa/trust/"
    client.post("/accounts/2fa/trust/", {"action": "skip"})


def test_staff_with_a_second_step_must_give_its_code(client, with_totp):
    secret = with_totp("senco")
    response = sign_in(client, "senco")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/").status_code == 302  # not signed in yet
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert b"Incorrect code" in wrong.content
    assert actions("signin.second_step_failed") == ["signin.second_step_failed"]
    second_step(client, totp_code(secret))
    assert client.get("/").status_code == 200


def test_a_second_step_code_cannot_be_used_twice(with_totp):
    secret = with_totp("senco")
    code = totp_code(secret)
    first, second = Client(), Client()
    sign_in(first, "senco")
    second_step(first, code)
    assert first.get("/").status_code == 200
    sign_in(second, "senco")
    replay = second.post("/accounts/2fa/authenticate/", {"code": code})
    assert b"Incorrect code" in replay.content
    assert second.get("/").status_code == 302


def test_a_recovery_code_signs_in_once(client, with_totp, recovery_codes):
    with_totp("head")
    code = recovery_codes("head")[0]
    sign_in(client, "head")
    second_step(client, code)
    assert client.get("/").status_code == 200
    again = Client()
    sign_in(again, "head")
    assert b"Incorrect code" in again.post("/accounts/2fa/authenticate/", {"code": code}).content


def test_a_trusted_browser_skips_the_second_step_for_thirty_days(client, with_totp):
    secret = with_totp("senco")
    sign_in(client, "senco")
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response["Location"] == "/accounts/2fa/trust/"
    client.post("/accounts/2fa/trust/", {"action": "trust"})
    cookie = client.cookies["mfa_trusted"]
    assert int(cookie["max-age"]) == 30 * 24 * 3600 and cookie["httponly"]
    client.post("/accounts/logout/")
    assert sign_in(client, "senco")["Location"] == "/"
    assert client.get("/").status_code == 200


def test_staff_without_a_second_step_are_turned_away_after_their_password(client, real_user):
    real_user("teacher")
    response = sign_in(client, "teacher")
    assert response.status_code == 302
    turned_away = client.get("/", follow=True)
    assert b"no second sign-in step yet" in turned_away.content
    assert client.get("/pupils/").status_code == 302
    assert actions("signin.second_step_missing") == ["signin.second_step_missing"]


def test_a_parent_signs_in_with_a_password_alone(client, real_user):
    real_user("parent")
    sign_in(client, "parent")
    assert client.get("/").status_code == 200


def test_demo_accounts_skip_the_second_step(client):
    sign_in(client, "teacher")
    assert client.get("/pupils/").status_code == 200


def test_a_session_ends_after_inactivity_and_after_the_longest_sign_in(client, settings):
    sign_in(client, "senco")
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 30 * 60
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - settings.SENCO_SESSION_MAX_SECONDS - 1
    session.save()
    response = client.get("/pupils/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302
    assert actions("signin.session_ended") == ["signin.session_ended"]


def test_a_forged_form_without_its_csrf_token_is_refused_said_and_logged(client_for):
    client = Client(enforce_csrf_checks=True)
    response = sign_in(client, "senco")
    assert response.status_code == 403
    assert b"That form was not accepted" in response.content
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.filter(action="request.forged").latest("id")
    assert entry.kind == "refused" and "POST /accounts/login/" in entry.object_label


def test_a_forgotten_password_is_reset_by_email(client, persona):
    client.post("/accounts/password/reset/", {"email": persona("senco").email})
    assert len(mail.outbox) == 1
    link = next(w for w in mail.outbox[0].body.split() if "/password/reset/key/" in w)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new = "a-new-long-password-4-senco"
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": new, "password2": new},
    )
    assert sign_in(Client(), "senco", new).status_code == 302
    assert actions("account.password_changed") == ["account.password_changed"]


def test_a_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_every_sign_in_is_in_the_audit_log(client):
    sign_in(client, "parent")
    entry = AuditEntry.objects.filter(action="signin.succeeded").latest("id")
    assert entry.actor_label == "parent" and entry.kind == "account"


def test_ten_wrong_second_step_codes_lock_the_second_step(client, with_totp):
    secret = with_totp("senco")
    sign_in(client, "senco")
    for _ in range(10):
        client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    locked = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert b"Too many failed login attempts" in locked.content
    assert client.get("/").status_code == 302


def test_behind_the_proxy_the_address_recorded_is_the_persons(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client.post(
        "/accounts/login/",
        {"login": "senco", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert AuditEntry.objects.filter(action="signin.failed").latest("id").address == "203.0.113.9"
