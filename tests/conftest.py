"""Shared fixtures: the demo trust, built once per session, with the personas of DESIGN.md.

Tests read personas fresh from the database (`persona("teacher")`), never from objects kept
across tests, because each test's changes are rolled back.
"""

import datetime as dt

import pytest
from django.test import Client, override_settings

from senco.accounts.models import User
from senco.demo import builder

PASSWORD = "correct-horse-battery-staple"
PERSONAS = [*builder.PERSONAS, "other_senco"]
DEMO = builder.Options(schools=2, pupils=60, other_pupils=40, years=2, seed=7, password=PASSWORD)


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    # The demo stores files (reports from outside): in a temporary folder, never in var/.
    uploads = tmp_path_factory.mktemp("demo-uploads")
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=uploads),
    ):
        builder.build(DEMO)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def uploads_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Background tasks (imports) run inside the request in tests; `senco serve` runs a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def persona(db):
    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def client_for(persona):
    def make(username: str) -> Client:
        client = Client()
        client.force_login(persona(username))
        return client

    return make


@pytest.fixture
def today() -> dt.date:
    return dt.date.today()
