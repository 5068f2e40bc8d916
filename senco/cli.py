"""The `senco` command: Django's management commands with the project's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "senco.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["senco", *sys.argv[1:]])
