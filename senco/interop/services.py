"""Imports, step by step: upload, map the columns, check (the dry run), apply.

Checking and applying read the stored file again, so the plan applied is the one made against the
database as it is at that moment; applying a file twice finds nothing left to change.
"""

import hashlib
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from senco.audit import log
from senco.interop import framework, mis, photos, results, transfers  # noqa: F401  (kinds)
from senco.interop.framework import KINDS, Kind, Plan
from senco.interop.models import ImportRun, SavedMapping
from senco.interop.tabular import FileRefused, Table, read_table

REPORT_ROWS = 2000  # rows shown in a report; the counts always cover every row


def max_bytes() -> int:
    return settings.SENCO_IMPORT_MAX_MB * 1_000_000


def layout(headings: list[str]) -> str:
    return hashlib.sha256("\x1f".join(headings).encode()).hexdigest()


def safe_filename(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    return stem.strip(".-")[:100] or "upload"


def upload(by, school, name: str, data: bytes) -> ImportRun:
    """Keep the file and guess its kind and columns; FileRefused (logged) when unreadable."""
    kind = _whole_file_kind(data) if len(data) <= max_bytes() else None
    if kind is not None:
        table = Table(headings=[], rows=[], source=kind.label)
    else:
        try:
            table = read_table(data, max_bytes())
        except FileRefused as e:
            log.refused(by, "import.refused", school=school, detail=f"{name[:80]}: {e}")
            raise
        kind = framework.detect(table.headings)
    mapping = _remembered(school, kind, table.headings) if kind else {}
    return ImportRun.objects.create(
        school=school,
        kind=kind.key if kind else "",
        filename=name[:200],
        file=ContentFile(data, name=safe_filename(name)),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        headings=table.headings,
        mapping=mapping,
        report={"source": table.source, "file_warnings": table.warnings},
        created_by=by,
    )


def _whole_file_kind(data: bytes) -> Kind | None:
    return next((k for k in KINDS.values() if k.whole_file and k.recognises(data)), None)


def _remembered(school, kind: Kind, headings: list[str]) -> dict[str, str]:
    saved = SavedMapping.objects.filter(school=school, kind=kind.key, layout=layout(headings))
    mapping = saved.values_list("mapping", flat=True).first()
    if mapping and all(h in headings for h in mapping.values()):
        return mapping
    return framework.auto_mapping(kind, headings)


def choose_columns(run: ImportRun, kind_key: str, mapping: dict[str, str]) -> None:
    """Record what the columns hold, and remember it for the next file laid out the same way."""
    kind = KINDS.get(kind_key)
    if kind is None:
        raise ValidationError({"kind": "Choose what the file holds."})
    mapping = {key: heading for key, heading in mapping.items() if heading}
    unknown = [h for h in mapping.values() if h not in run.headings]
    if unknown:
        raise ValidationError(f"The file has no column headed {unknown[0]!r}.")
    missing = framework.missing_columns(kind, mapping)
    if missing:
        raise ValidationError(
            {c.key: f"Choose the column that holds {c.label}: every row needs it." for c in missing}
        )
    headings = list(mapping.values())
    twice = {h for h in headings if headings.count(h) > 1}
    if twice:
        raise ValidationError(f"The column {sorted(twice)[0]!r} is chosen for two things.")
    with transaction.atomic():
        run.kind, run.mapping = kind.key, mapping
        run.save(update_fields=["kind", "mapping"])
        SavedMapping.objects.update_or_create(
            school=run.school,
            kind=kind.key,
            layout=layout(run.headings),
            defaults={"mapping": mapping},
        )


def _plan(run: ImportRun) -> tuple[Plan, Table]:
    with run.file.open("rb") as f:
        data = f.read()
    kind = KINDS[run.kind]

    def progress(done: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(progress_done=done)

    if kind.whole_file:
        if not kind.recognises(data):
            raise FileRefused(f"This file is not one {kind.label} can read. {kind.help}")
        plan = kind.plan_file(run.school, data, max_bytes(), progress)
        return plan, Table(headings=[], rows=[], source=kind.label)
    table = read_table(data, max_bytes())
    rows = framework.rows_under(table, run.mapping)
    ImportRun.objects.filter(pk=run.pk).update(progress_done=0, progress_total=len(rows))
    plan = kind.plan(run.school, rows, progress)
    plan.file_warnings = table.warnings + plan.file_warnings
    return plan, table


def _report(plan: Plan, table: Table) -> dict:
    shown = [r for r in plan.results if r.outcome != framework.SAME or r.warnings]
    shown.sort(key=lambda r: (r.outcome != framework.REFUSE, r.line))
    return {
        "source": table.source,
        "file_warnings": plan.file_warnings,
        "counts": plan.counts(),
        "rows": [r.as_dict() for r in shown[:REPORT_ROWS]],
        "more": max(0, len(shown) - REPORT_ROWS),
        **plan.extra,
    }


def check(run_id: int) -> ImportRun:
    """The dry run: what the file would create, change, leave alone or refuse, row by row."""
    run = ImportRun.objects.select_related("school").get(pk=run_id)
    _set_status(run, ImportRun.Status.CHECKING)
    try:
        plan, table = _plan(run)
    except FileRefused as e:
        return _refuse_file(run, str(e))
    run.report = _report(plan, table)
    run.status = ImportRun.Status.REFUSED if plan.refused else ImportRun.Status.CHECKED
    run.checked_at = timezone.now()
    run.progress_done = run.progress_total
    run.save(update_fields=["report", "status", "checked_at", "progress_done"])
    return run


def apply(run_id: int, by) -> ImportRun:
    """Plan again against the database as it is now, then apply in one transaction, or refuse
    the whole file and change nothing."""
    run = ImportRun.objects.select_related("school").get(pk=run_id)
    _set_status(run, ImportRun.Status.APPLYING)
    try:
        plan, table = _plan(run)
    except FileRefused as e:
        return _refuse_file(run, str(e))
    run.report = _report(plan, table)
    run.progress_done = run.progress_total
    if plan.refused:
        run.status = ImportRun.Status.REFUSED
        run.save(update_fields=["report", "status", "progress_done"])
        log.refused(by, "import.refused", school=run.school, detail=run.filename)
        return run
    with transaction.atomic():
        KINDS[run.kind].apply(run.school, plan, by)
        run.status = ImportRun.Status.APPLIED
        run.applied_at = timezone.now()
        run.save(update_fields=["report", "status", "applied_at", "progress_done"])
        log.change(by, "import.applied", run, after={"kind": run.kind, **plan.counts()})
    # The MIS export (and any photo's original data) is not kept once applied.
    run.file.delete(save=False)
    ImportRun.objects.filter(pk=run.pk).update(file="")
    return run


def _refuse_file(run: ImportRun, message: str) -> ImportRun:
    """The file cannot be read as the kind chosen: refused whole, nothing changed."""
    run.report = {
        "source": run.report.get("source", ""),
        "file_warnings": [message],
        "counts": dict.fromkeys([*framework.OUTCOMES, "warnings"], 0) | {"refuse": 1},
        "rows": [],
        "more": 0,
    }
    run.status = ImportRun.Status.REFUSED
    run.save(update_fields=["report", "status"])
    return run


def claim(run: ImportRun, expected: str | None, status: str) -> bool:
    """Move the run to `status` only if no one else has moved it first (two clicks on Apply, a
    change of columns meanwhile): True when this request won."""
    runs = ImportRun.objects.filter(pk=run.pk)
    if expected is None:
        runs = runs.exclude(status__in=[ImportRun.Status.CHECKING, ImportRun.Status.APPLYING])
    else:
        runs = runs.filter(status=expected)
    won = runs.update(status=status, progress_done=0) == 1
    if won:
        run.status, run.progress_done = status, 0
    return won


def stopped(run_id: int, error: Exception) -> None:
    """A check or apply that failed part way: the run says so instead of running for ever."""
    run = ImportRun.objects.get(pk=run_id)
    _refuse_file(run, f"The import stopped ({type(error).__name__}); nothing was changed.")


def _set_status(run: ImportRun, status: str) -> None:
    run.status = status
    ImportRun.objects.filter(pk=run.pk).update(status=status)
