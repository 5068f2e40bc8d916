import time

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client

from tests.conftest import PASSWORD


def totp_code(secret: str, offset: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


@pytest.fixture
def real_user(persona):
    """A persona turned into a real account: no demo shortcut past the second step."""

    def make(username: str):
        user = persona(username)
        user.is_demo = False
        user.save(update_fields=["is_demo"])
        return user

    return make


@pytest.fixture
def with_totp(real_user):
    def make(username: str) -> str:
        secret = generate_totp_secret()
        TOTP.activate(real_user(username), secret)
        return secret

    return make


@pytest.fixture
def recovery_codes(persona):
    def make(username: str) -> list[str]:
        return RecoveryCodes.activate(persona(username)).generate_codes()

    return make


def sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": username, "password": password})
