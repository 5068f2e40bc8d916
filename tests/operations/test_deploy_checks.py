"""`senco check --deploy` names each unsafe setting with the project's own check ids."""

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

OUR_IDS = ["senco.E001", "senco.E002", "senco.E003", "senco.E004", "senco.E005", "senco.E006"]


def make_file(path: Path, mode: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("secret")
    path.chmod(mode)
    return path


def our_issues() -> list[str]:
    return sorted(
        m.id for m in run_checks(include_deployment_checks=True) if m.id.startswith("senco.")
    )


@pytest.fixture
def server(tmp_path, monkeypatch):
    """A data folder holding a SQLite database; the files are made readable or private by tests."""
    database = tmp_path / "senco.sqlite3"
    with closing(sqlite3.connect(database)):
        pass
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(database)}
    monkeypatch.setitem(settings.DATABASES, "default", sqlite)
    monkeypatch.delenv("SENCO_BACKUP_KEY", raising=False)
    return {"data": tmp_path, "database": database}


def test_unsafe_settings_are_each_reported_with_a_hint(server):
    data = server["data"]
    server["database"].chmod(0o644)
    make_file(data / "secret_key", 0o644)
    key_file = make_file(data / "backups" / "backup.key", 0o644)
    unsafe = override_settings(
        DEBUG=True,
        SITE_URL="http://senco.school.example",
        DATA_DIR=data,
        STATIC_ROOT=data / "static",
        MEDIA_ROOT=data / "static" / "uploads",
        SENCO_BACKUP_KEY_FILE=key_file,
        EMAIL_HOST="",
    )

    with unsafe, pytest.raises(SystemCheckError) as raised:
        call_command("check", deploy=True)

    report = str(raised.value)
    for check_id in [*OUR_IDS, "senco.W001", "senco.W002"]:
        assert check_id in report
    assert f"HINT: Run: chmod 600 {server['database']}" in report


def test_a_safe_server_passes_the_project_checks(server):
    data = server["data"]
    server["database"].chmod(0o600)
    make_file(data / "secret_key", 0o600)
    safe = override_settings(
        DEBUG=False,
        SITE_URL="https://senco.school.example",
        DATA_DIR=data,
        STATIC_ROOT=data / "static",
        MEDIA_ROOT=data / "uploads",
        SENCO_BACKUP_KEY_FILE=make_file(data / "backup.key", 0o600),
        EMAIL_HOST="mail.school.example",
    )

    with safe:
        assert our_issues() == []


def test_a_key_given_in_the_environment_is_not_reported_as_beside_the_backups(server, monkeypatch):
    monkeypatch.setenv("SENCO_BACKUP_KEY", "set")
    data = server["data"]
    with override_settings(DATA_DIR=data, SENCO_BACKUP_KEY_FILE=data / "backups" / "backup.key"):
        assert "senco.W001" not in our_issues()
