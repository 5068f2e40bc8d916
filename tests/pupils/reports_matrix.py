"""Permission-matrix rows for reports from outside (merged into tests/test_permissions.py).

Targets "taught", "child", "elsewhere" and "missing" name pupils (see `address` there); any
other target is a key of TARGETS, a function returning the URL's keyword arguments.

Reports are read and added by the SEN leads, the head, and an invited professional for the
pupils granted to them (`ep`, tested in tests/pupils/test_reports.py: not a matrix persona).
Teachers, TAs and parents see the pupil but not the reports: 403. A refused form answers 200
with its errors (the POST rows send an empty form).
"""

import datetime as dt
from collections.abc import Callable

from tests.matrix import answers

READERS = {"senco": 200, "head": 200}

ROWS: dict[tuple[str, str, str], dict[str, int]] = {
    ("pupils:reports", "taught", "GET"): answers(404, **READERS, teacher=403, ta=403),
    ("pupils:reports", "taught", "POST"): answers(404, **READERS, teacher=403, ta=403),
    ("pupils:reports", "child", "GET"): answers(404, **READERS, parent=403),
    ("pupils:reports", "child", "POST"): answers(404, **READERS, parent=403),
    ("pupils:reports", "elsewhere", "GET"): answers(404, other_senco=200),
    ("pupils:reports", "elsewhere", "POST"): answers(404, other_senco=200),
    ("pupils:reports", "missing", "GET"): answers(404),
    ("pupils:reports", "missing", "POST"): answers(404),
    ("pupils:report", "taught_report", "GET"): answers(404, **READERS, teacher=403, ta=403),
    # A real report asked for through another pupil's address: never found; the parent of
    # that other pupil sees the child but not reports.
    ("pupils:report", "report_of_another", "GET"): answers(404, parent=403),
    ("pupils:report", "missing_report", "GET"): answers(404, senco=404, teacher=403, ta=403),
}


def _report_on_taught_pupil():
    from senco import access
    from senco.accounts.models import User
    from senco.pupils import services
    from senco.pupils.uploads import check_document
    from tests import targets
    from tests.pupils import report_files

    pupil = targets.taught_pupil()
    document = check_document(report_files.upload(report_files.pdf(), "EP report.pdf"))
    return services.add_report(
        pupil,
        kind="ep",
        author="Dr A. Example, Northfield Educational Psychology Service",
        dated=access.today() - dt.timedelta(days=30),
        document=document,
        by=User.objects.get(username="senco"),
    )


def _taught_report() -> dict:
    report = _report_on_taught_pupil()
    return {"public_id": report.pupil.public_id, "report_id": report.public_id}


def _report_of_another() -> dict:
    from tests import targets

    report = _report_on_taught_pupil()
    return {"public_id": targets.parents_child().public_id, "report_id": report.public_id}


def _missing_report() -> dict:
    from tests import targets

    return {
        "public_id": targets.taught_pupil().public_id,
        "report_id": "00000000-0000-4000-8000-000000000000",
    }


TARGETS: dict[str, Callable[[], dict]] = {
    "taught_report": _taught_report,
    "report_of_another": _report_of_another,
    "missing_report": _missing_report,
}
