"""`senco import FILE [--school URN] [--kind KIND] [--dry-run]`: an import for nightly jobs.

Prints the same report as the imports page. Exits 0 when the file was applied (or, with
--dry-run, would be), 1 when it was refused, 2 when it could not be read or the command was
wrong.
"""

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from senco.interop import framework, services
from senco.interop.framework import KINDS
from senco.interop.models import ImportRun
from senco.interop.tabular import FileRefused
from senco.schools.models import School


class Command(BaseCommand):
    help = "Import a CSV, XLSX or CTF file: a dry run first, then apply unless refused."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--school", help="The school's URN (needed when there are several).")
        parser.add_argument("--kind", choices=sorted(KINDS), help="What the file holds.")
        parser.add_argument("--dry-run", action="store_true", help="Report; change nothing.")

    def handle(self, *args, **options):
        school = self._school(options["school"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.", returncode=2)
        if path.stat().st_size > services.max_bytes():
            raise CommandError(
                f"{path} is larger than SENCO_IMPORT_MAX_MB ({services.max_bytes() // 1_000_000}"
                " MB).",
                returncode=2,
            )
        try:
            run = services.upload(None, school, path.name, path.read_bytes())
        except FileRefused as e:
            raise CommandError(f"{path.name}: {e}", returncode=2) from None
        kind = options["kind"] or run.kind
        if not kind:
            raise CommandError(
                f"Cannot tell what {path.name} holds from its headings: give --kind "
                f"({', '.join(sorted(KINDS))}).",
                returncode=2,
            )
        mapping = (
            run.mapping if kind == run.kind else framework.auto_mapping(KINDS[kind], run.headings)
        )
        try:
            services.choose_columns(run, kind, mapping)
        except ValidationError as e:
            raise CommandError(" ".join(e.messages), returncode=2) from None
        run = services.check(run.pk) if options["dry_run"] else services.apply(run.pk, None)
        self._print(run)
        if run.status == ImportRun.Status.REFUSED:
            sys.exit(1)

    def _school(self, urn: str | None) -> School:
        if urn:
            school = School.objects.filter(urn=urn).first()
            if school is None:
                raise CommandError(f"No school has the URN {urn!r}.", returncode=2)
            return school
        schools = list(School.objects.all()[:2])
        if len(schools) != 1:
            raise CommandError("There are several schools: give --school URN.", returncode=2)
        return schools[0]

    def _print(self, run: ImportRun) -> None:
        report = run.report
        counts = report["counts"]
        self.stdout.write(
            f"{run.filename} ({report['source']}) as {KINDS[run.kind].label.lower()}: "
            f"{counts['create']} to add, {counts['change']} to change, "
            f"{counts['same']} already up to date, {counts['refuse']} refused, "
            f"{counts['warnings']} with warnings."
        )
        for warning in report["file_warnings"]:
            self.stdout.write(f"  warning: {warning}")
        for row in report["rows"]:
            changes = ", ".join(f"{k}: {v[0]!r} -> {v[1]!r}" for k, v in row["changes"].items())
            notes = " ".join(row["messages"] + row["warnings"])
            self.stdout.write(
                f"  line {row['line']}: {row['label']} {framework.OUTCOMES[row['outcome']]}"
                + (f" ({changes})" if changes else "")
                + (f": {notes}" if notes else "")
            )
        if report["more"]:
            self.stdout.write(f"  ... and {report['more']} more rows.")
        verdict: dict[str, str] = {
            ImportRun.Status.APPLIED: "Applied.",
            ImportRun.Status.CHECKED: "Dry run: nothing was changed.",
            ImportRun.Status.REFUSED: "Refused: nothing was changed. Correct the rows above.",
        }
        self.stdout.write(verdict.get(run.status, run.get_status_display()))
