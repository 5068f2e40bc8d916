"""A missing, malformed or unreadable setting stops start-up with a message naming it."""

import os
import subprocess
import sys

import pytest

START = "import django; django.setup(); print('started')"


def start(tmp_path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SENCO_", "DATABASE"))}
    environment.update(
        {"SENCO_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "senco.settings"}
    )
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", START], env=environment, capture_output=True, text=True, check=False
    )


def test_a_single_server_starts_and_makes_its_secret_key_private(tmp_path):
    assert start(tmp_path).stdout.strip() == "started"
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": "postgres://u@h/db"}, "SENCO_SECRET_KEY must be set"),
        (
            {"DATABASE_URL": "mysql://u@h/db", "SENCO_SECRET_KEY": "k" * 40},
            "must start with postgres",
        ),
        ({"DATABASE_URL": "postgres://u@h", "SENCO_SECRET_KEY": "k" * 40}, "names no database"),
        ({"DATABASE_URL": "postgres://u@h:port/db", "SENCO_SECRET_KEY": "k" * 40}, "port"),
        ({"SENCO_DEBUG": "perhaps"}, "SENCO_DEBUG='perhaps'"),
        ({"SENCO_SESSION_MINUTES": "thirty"}, "SENCO_SESSION_MINUTES='thirty'"),
        ({"SENCO_SITE_URL": "senco.school"}, "give the full address"),
    ],
)
def test_a_bad_setting_stops_start_up_naming_it(tmp_path, env, message):
    result = start(tmp_path, **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_an_unreadable_secret_key_file_is_named(tmp_path):
    key = tmp_path / "secret_key"
    key.mkdir()  # a directory cannot be read as a file, even by root
    result = start(tmp_path)
    assert result.returncode != 0
    assert f"Cannot read the secret key file {key}" in result.stderr


def test_a_too_short_secret_key_file_is_refused(tmp_path):
    (tmp_path / "secret_key").write_text("short")
    assert "too short" in start(tmp_path).stderr
