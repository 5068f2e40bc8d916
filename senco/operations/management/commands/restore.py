"""`senco restore FILE`: put back the database and uploaded files from an encrypted backup."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from senco.operations.backup import (
    BackupError,
    UnpackedBackup,
    apply_backup,
    read_key,
    scratch_directory,
    unpack_backup,
)


def confirmed(question: str) -> bool:
    try:
        return input(question).strip() == "yes"
    except EOFError:
        return False


class Command(BaseCommand):
    help = "Replace the database and the uploaded files with those in a backup."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the backup file to restore")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask for confirmation (for scripts)"
        )

    def handle(self, *args: object, **options: object) -> None:
        backup_file = options["file"]
        assert isinstance(backup_file, Path)
        database = settings.DATABASES["default"]
        media_root = Path(settings.MEDIA_ROOT)
        with scratch_directory(media_root.parent) as scratch:
            try:
                key = read_key(
                    Path(settings.SENCO_BACKUP_KEY_FILE), os.environ.get("SENCO_BACKUP_KEY")
                )
                unpacked = unpack_backup(backup_file, key, scratch, database)
            except BackupError as e:
                raise CommandError(f"Restore refused, nothing was changed: {e}") from None
            self.stdout.write(f"{backup_file} is complete and intact (made {unpacked.created}).")
            if not options["yes"]:
                self.ask(unpacked, database["NAME"], media_root)
            connections.close_all()
            try:
                apply_backup(unpacked, database, media_root)
            except BackupError as e:
                raise CommandError(f"Restore failed: {e}") from None
        self.stdout.write(
            self.style.SUCCESS(f"Restored the database and uploads from {backup_file}.")
        )

    def ask(self, unpacked: UnpackedBackup, database_name: str, media_root: Path) -> None:
        question = (
            f"This replaces the database {database_name} and the uploaded files in {media_root} "
            f"with the backup made {unpacked.created}. Stop the web server and task worker first.\n"
            "Type yes to replace them: "
        )
        if not confirmed(question):
            raise CommandError("Restore cancelled: nothing was changed.")
