"""Measure the pages at one scale on one database; run by bench/run.py with the database chosen.

Prints one JSON line per page: median and 95th percentile server time, queries per request.
"""

import json
import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "senco.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from senco.accounts.models import User  # noqa: E402
from senco.demo import builder  # noqa: E402
from senco.pupils.models import Pupil  # noqa: E402

SCALES = {
    "school": builder.Options(schools=1, pupils=2000, years=5, seed=1, password="bench-only"),
    "trust": builder.Options(
        schools=40, pupils=2000, other_pupils=974, years=5, seed=1, password="bench-only"
    ),
}
RUNS = int(os.environ.get("BENCH_RUNS", "40"))


def ensure_built(scale: str) -> float:
    """Build the scale's data unless this database already holds it; seconds taken."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    options = SCALES[scale]
    if Pupil.objects.filter(school__is_demo=True).values("school").distinct().count() == (
        options.schools
    ):
        return 0.0
    started = time.perf_counter()
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        builder.build(options)
    return time.perf_counter() - started


def measure(client: Client, url: str) -> dict:
    client.get(url)  # warm caches and the session
    times, queries = [], []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(captured))
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
        "queries": max(queries),
    }


def main(scale: str) -> None:
    built_seconds = ensure_built(scale)
    settings.ALLOWED_HOSTS.append("testserver")
    senco = User.objects.get(username="senco")
    school = senco.memberships.get().school
    pupil = Pupil.objects.filter(school=school, sen_provision="E", left_on__isnull=True).first()
    assert pupil is not None
    client = Client()
    client.force_login(senco)
    pages = {
        "home /": "/",
        "/pupils/?q=": f"/pupils/?q={pupil.legal_last_name[:3]}",
        "/pupils/<id>/": f"/pupils/{pupil.public_id}/",
        "/audit/": "/audit/",
        "/audit/?pupil=": f"/audit/?pupil={pupil.upn}",
        "floor": f"/bench/floor/{pupil.public_id}/",
    }
    with override_settings(ROOT_URLCONF="bench.urls", DEBUG=False):
        for page, url in pages.items():
            row = {"scale": scale, "page": page, "built_s": round(built_seconds, 1)}
            row.update(measure(client, url))
            row["pupils"] = Pupil.objects.count()
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
