"""`senco backup`: one encrypted file holding the database and the uploaded files."""

import os
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from senco.operations.backup import BackupError, key_for_backup, make_backup

NEW_KEY_WARNING = """\
A new backup key was made at {key_file}.
Copy it now to somewhere apart from the backups (a password manager, or a printed copy in the
school safe). Without this key no backup can be restored; kept beside the backups, it opens them
all. Follow the 3-2-1 rule: 3 copies of the backups, on 2 different devices, 1 of them off-site,
and the key stored separately from every one of them."""


def default_output() -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.DATA_DIR) / "backups" / f"senco-{stamp}.backup"


def readable_size(size: int) -> str:
    if size < 1000:
        return f"{size} bytes"
    amount = float(size)
    for unit in ("KB", "MB", "GB"):
        amount /= 1000
        if amount < 1000 or unit == "GB":
            break
    return f"{amount:.1f} {unit}"


class Command(BaseCommand):
    help = "Write an encrypted backup of the database and the uploaded files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="the file to write (default: DATA_DIR/backups/senco-DATE-TIME.backup)",
        )

    def handle(self, *args: object, **options: object) -> None:
        output = options["output"] or default_output()
        assert isinstance(output, Path)
        key_file = Path(settings.SENCO_BACKUP_KEY_FILE)
        try:
            key, created = key_for_backup(key_file, os.environ.get("SENCO_BACKUP_KEY"))
            if created:
                self.stderr.write(self.style.WARNING(NEW_KEY_WARNING.format(key_file=key_file)))
            size = make_backup(
                settings.DATABASES["default"], Path(settings.MEDIA_ROOT), output, key
            )
        except BackupError as e:
            raise CommandError(f"Backup failed: {e}") from None
        self.stdout.write(f"Backup written to {output} ({readable_size(size)}).")
