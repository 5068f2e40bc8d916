"""The import benchmark: 100,000 assessment results from a CSV file, beside a bare bulk insert of
the same rows, with peak memory, and how long a page takes while the import runs.

Run by bench/run.py against a database measure.py has built. Prints one JSON line. Asserts
nothing about time.
"""

import datetime as dt
import json
import os
import resource
import sys
import threading
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "senco.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from senco.accounts.models import User  # noqa: E402
from senco.assessment.models import AssessmentType, Kind, Result  # noqa: E402
from senco.interop import services  # noqa: E402
from senco.pupils.models import Pupil, Source  # noqa: E402

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
TYPES = 5


def bench_types(school) -> list[AssessmentType]:
    return [
        AssessmentType.objects.get_or_create(
            school=school,
            name=f"Bench reading test {n}",
            defaults={"kind": Kind.STANDARDISED, "mean": 100, "sd": 15},
        )[0]
        for n in range(TYPES)
    ]


def rows_for(school, types) -> list[tuple]:
    """(pupil id, UPN, type, date, score): as many as ROWS, one per pupil, type and date."""
    pupils = list(
        Pupil.objects.filter(school=school).exclude(upn="").values_list("pk", "upn")[:2000]
    )
    dates_needed = -(-ROWS // (len(pupils) * len(types)))
    dates = [dt.date(2025, 9, 1) + dt.timedelta(days=7 * d) for d in range(dates_needed)]
    rows = [
        (pk, upn, t, day, 70 + (pk * 7 + i * 13 + d * 3) % 61)
        for d, day in enumerate(dates)
        for i, t in enumerate(types)
        for pk, upn in pupils
    ]
    return rows[:ROWS]


def clear(types) -> None:
    Result.objects.filter(assessment_type__in=types).delete()


def bare_insert(rows) -> float:
    started = time.perf_counter()
    with transaction.atomic():
        results = [
            Result(pupil_id=pk, assessment_type=t, taken_on=day, score=s, source=Source.IMPORTED)
            for pk, _, t, day, s in rows
        ]
        Result.objects.bulk_create(results, batch_size=2000)
    return time.perf_counter() - started


def csv_bytes(rows) -> bytes:
    lines = ["UPN,Assessment,Date,Result"] + [
        f"{upn},{t.name},{day:%d/%m/%Y},{score}" for _, upn, t, day, score in rows
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


class PageWatch(threading.Thread):
    """Requests a page over and over from another connection while the import runs."""

    def __init__(self, user, url: str):
        super().__init__(daemon=True)
        self.user, self.url, self.times, self.stop = user, url, [], threading.Event()

    def run(self) -> None:
        client = Client()
        client.force_login(self.user)
        while not self.stop.is_set():
            started = time.perf_counter()
            client.get(self.url)
            self.times.append((time.perf_counter() - started) * 1000)
        connection.close()


def main(scale: str) -> None:
    settings.ALLOWED_HOSTS.append("testserver")
    senco = User.objects.get(username="senco")
    school = senco.memberships.get().school
    types = bench_types(school)
    rows = rows_for(school, types)
    clear(types)
    data = csv_bytes(rows)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    run = services.upload(senco, school, "results.csv", data)
    services.choose_columns(run, "results", run.mapping)
    uploaded = time.perf_counter()
    run = services.check(run.pk)
    planned = time.perf_counter()
    run = services.apply(run.pk, senco)
    applied = time.perf_counter()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    again = services.apply(services.upload(senco, school, "again.csv", data).pk, senco)
    clear(types)
    bare = bare_insert(rows)
    clear(types)
    # Then once more while another connection reads a page, to see it stay responsive.
    watch = PageWatch(senco, "/pupils/")
    watch.start()
    time.sleep(0.5)
    services.apply(services.upload(senco, school, "watched.csv", data).pk, senco)
    watch.stop.set()
    watch.join()
    counts = run.report["counts"]
    page = sorted(watch.times) or [0.0]
    print(
        json.dumps(
            {
                "scale": scale,
                "rows": len(rows),
                "csv_mb": round(len(data) / 1e6, 1),
                "bare_insert_s": round(bare, 2),
                "upload_s": round(uploaded - started, 2),
                "dry_run_s": round(planned - uploaded, 2),
                "apply_s": round(applied - planned, 2),
                "import_s": round(applied - started, 2),
                "ratio": round((applied - started) / bare, 2),
                "peak_memory_growth_mb": round(rss_growth / 1024),
                "created": counts["create"],
                "second_time_created": again.report["counts"]["create"],
                "page_during_import_median_ms": round(page[len(page) // 2], 1),
                "page_during_import_max_ms": round(page[-1], 1),
                "page_requests": len(watch.times),
            }
        ),
        flush=True,
    )
    clear(types)


if __name__ == "__main__":
    main(sys.argv[1])
