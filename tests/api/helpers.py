"""Tokens and clients for the API tests."""

import datetime as dt

from django.test import Client
from django.utils import timezone

from senco import access
from senco.accounts.models import User
from senco.api import services
from senco.api.models import ApiToken
from senco.audit.models import AuditEntry


def token_for(username: str, school=None, days: int = 90) -> str:
    """A new token of the persona, in their first school unless another is named."""
    user = User.objects.get(username=username)
    school = school or access.schools_for(user)[0]
    return services.create_token(user, school, name=f"{username}'s tool", days=days)[1]


def api(text: str) -> Client:
    """A client that sends the token with every request (and no session)."""
    return Client(headers={"Authorization": f"Bearer {text}"})


def api_for(username: str, school=None) -> Client:
    return api(token_for(username, school))


def token_of(text: str) -> ApiToken:
    return ApiToken.objects.get(lookup=text.split("_")[1])


def expire(text: str) -> None:
    ApiToken.objects.filter(lookup=text.split("_")[1]).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )


def error_of(response, status: int) -> dict:
    """The error the API answered, after checking its status and its format."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["status"] == status and error["code"] and error["message"]
    assert set(error) <= {"status", "code", "message", "fields"}
    return error


def last_entry(**filters) -> AuditEntry:
    return AuditEntry.objects.filter(**filters).latest("id")


def entries(**filters) -> int:
    return AuditEntry.objects.filter(**filters).count()
