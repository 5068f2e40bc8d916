"""The project's own deployment checks, run by `senco check --deploy`."""

import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


def readable_by_others(path: Path) -> bool:
    try:
        return bool(path.stat().st_mode & stat.S_IROTH)
    except OSError:
        return False


def inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


@register(Tags.security, deploy=True)
def check_debug_off(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if not settings.DEBUG:
        return []
    return [
        Error(
            "DEBUG is on: error pages would show pupil data and settings to anyone.",
            hint="Remove SENCO_DEBUG from the environment (or set SENCO_DEBUG=false).",
            id="senco.E001",
        )
    ]


@register(Tags.security, deploy=True)
def check_site_url_https(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if urlsplit(settings.SITE_URL).scheme == "https":
        return []
    return [
        Error(
            f"SENCO_SITE_URL is {settings.SITE_URL}: pupil data would cross the network "
            "unencrypted and the session cookie would not be marked secure.",
            hint="Serve through a TLS proxy and set SENCO_SITE_URL=https://your.school.address.",
            id="senco.E002",
        )
    ]


def private_file_errors(files: Iterable[tuple[Path, str, str]]) -> list[CheckMessage]:
    return [
        Error(
            f"{what} {path} can be read by every user of the server.",
            hint=f"Run: chmod 600 {path}",
            id=check_id,
        )
        for path, what, check_id in files
        if readable_by_others(path)
    ]


@register(Tags.security, deploy=True)
def check_private_files(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    files = [
        (Path(settings.DATA_DIR) / "secret_key", "The secret key file", "senco.E004"),
        (Path(settings.SENCO_BACKUP_KEY_FILE), "The backup key file", "senco.E005"),
    ]
    database = settings.DATABASES["default"]
    if "sqlite3" in database["ENGINE"]:
        name = Path(database["NAME"])
        files += [
            (name, "The SQLite database", "senco.E003"),
            (name.with_name(name.name + "-wal"), "The SQLite write-ahead log", "senco.E003"),
        ]
    return private_file_errors(files)


@register(Tags.security, deploy=True)
def check_uploads_not_public(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if not inside(Path(settings.MEDIA_ROOT), Path(settings.STATIC_ROOT)):
        return []
    return [
        Error(
            f"The uploads folder {settings.MEDIA_ROOT} is inside the static files folder "
            f"{settings.STATIC_ROOT}, so uploaded documents could be downloaded by anyone.",
            hint="Set SENCO_MEDIA_DIR to a folder outside STATIC_ROOT (the default is fine).",
            id="senco.E006",
        )
    ]


@register(Tags.security, deploy=True)
def check_backup_key_apart(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if os.environ.get("SENCO_BACKUP_KEY"):
        return []
    key_file = Path(settings.SENCO_BACKUP_KEY_FILE)
    backups = Path(settings.DATA_DIR) / "backups"
    if not inside(key_file, backups):
        return []
    return [
        Warning(
            f"The backup key {key_file} is kept in the backups folder {backups}: whoever "
            "gets a copy of the backups can open them.",
            hint="Move the key out of the backups folder and set SENCO_BACKUP_KEY_FILE to it; "
            "keep a second copy of the key off the server.",
            id="senco.W001",
        )
    ]


@register(Tags.security, deploy=True)
def check_email_configured(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.EMAIL_HOST:
        return []
    return [
        Warning(
            "No mail server is set: invitations and password resets are written to files in "
            f"{settings.EMAIL_FILE_PATH} instead of being sent.",
            hint="Set SENCO_EMAIL_HOST (and SENCO_EMAIL_USER, SENCO_EMAIL_PASSWORD, "
            "SENCO_EMAIL_TLS) to the school's mail server.",
            id="senco.W002",
        )
    ]
