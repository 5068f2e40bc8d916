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
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from bench.ehcp import deadline_computation, ensure_ehcp  # noqa: E402
from bench.provision import ensure_provision  # noqa: E402
from senco import access  # noqa: E402
from senco.accounts.models import Role, User  # noqa: E402
from senco.api import services as api_services  # noqa: E402
from senco.api.models import ApiToken  # noqa: E402
from senco.audit.models import AuditEntry, AuditPupil  # noqa: E402
from senco.demo import builder  # noqa: E402
from senco.demo import plans as demo_plans  # noqa: E402
from senco.ehcp.models import EHCPlan  # noqa: E402
from senco.interop import calendar  # noqa: E402
from senco.plans.models import Plan  # noqa: E402
from senco.provision.models import Group  # noqa: E402
from senco.pupils.models import Pupil  # noqa: E402
from senco.schools.calendar import academic_year_start  # noqa: E402
from senco.schools.models import School, TeachingGroup  # noqa: E402

SCALES = {
    "school": builder.Options(schools=1, pupils=2000, years=5, seed=1, password="bench-only"),
    "trust": builder.Options(
        schools=40, pupils=2000, other_pupils=974, years=5, seed=1, password="bench-only"
    ),
}
RUNS = int(os.environ.get("BENCH_RUNS", "40"))
# The API's rate limits would refuse the runs: raised so that they never bite, while the
# throttles still count each request in the cache as they do in use.
API_RATES = {"api_burst": "1000000/min", "api_sustained": "1000000/hour"}
BENCH_TOKEN = "Benchmark"
FEED = "/calendar/feed/<token>.ics"
# A year of a busy school's audit log: record reads and list reads naming pupils.
AUDIT_HISTORY = int(os.environ.get("BENCH_AUDIT_ENTRIES", "200000"))


def ensure_built(scale: str) -> float:
    """Build the scale's data unless this database already holds it; seconds taken."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    options = SCALES[scale]
    if Pupil.objects.filter(school__is_demo=True).values("school").distinct().count() == (
        options.schools
    ):
        return ensure_plans(options)
    started = time.perf_counter()
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        builder.build(options)
        add_audit_history(User.objects.get(username="senco").memberships.get().school)
    ensure_plans(options)
    builder.refresh_planner_statistics()
    return time.perf_counter() - started


def ensure_plans(options: builder.Options) -> float:
    """SEN support plans for every school's register: the demo gives the first school its plans,
    the other schools get theirs in bulk here. Data kept from before plans existed get them too,
    without a rebuild. Seconds taken (0 when every school had its plans)."""
    started = time.perf_counter()
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    first = users["senco"].memberships.get().school
    added = 0
    for school in School.objects.filter(is_demo=True).order_by("pk"):
        if Plan.objects.filter(pupil__school=school).exists():
            continue
        with transaction.atomic():
            if school == first:
                demo_plans.build(school, users, options.seed, options.today)
            else:
                senco = User.objects.filter(
                    memberships__school=school, memberships__role=Role.SENCO
                ).first()
                demo_plans.add_plans(school, options.seed, options.today, senco)
        added += 1
    if not added:
        return 0.0
    builder.refresh_planner_statistics()
    return time.perf_counter() - started


def add_audit_history(school) -> None:
    """Bulk-write a year of reads in the measured school, every tenth a list of 20 pupils."""
    pupils = list(Pupil.objects.filter(school=school).values_list("pk", flat=True))
    actors = list(User.objects.filter(is_demo=True).values_list("pk", "username"))
    batch: list[AuditEntry] = []
    for i in range(AUDIT_HISTORY):
        actor_id, actor_label = actors[i % len(actors)]
        listed = [pupils[(i + k) % len(pupils)] for k in range(20)] if i % 10 == 0 else []
        batch.append(
            AuditEntry(
                kind=AuditEntry.Kind.READ,
                action="pupil.listed" if listed else "pupil.viewed",
                actor_id=actor_id,
                actor_label=actor_label,
                school_id=school.pk,
                pupil_id=None if listed else pupils[i % len(pupils)],
                pupil_label="" if listed else f"Pupil {i % len(pupils)}",
                pupil_ids=listed,
            )
        )
        if len(batch) == 5000:
            _write(batch)
            batch = []
    _write(batch)


def _write(entries: list) -> None:
    with transaction.atomic():
        AuditEntry.objects.bulk_create(entries)
        AuditPupil.objects.bulk_create(
            AuditPupil(entry=e, pupil_id=p) for e in entries for p in e.pupil_ids
        )


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


def addresses(wanted: list[tuple[str, str, str, dict, str]]) -> list[tuple[str, str, str]]:
    """(who, label, address) of each page wanted as (who, label, url name, kwargs, query);
    a page that does not exist yet is left out with a word on stderr."""
    pages = []
    for who, page, name, kwargs, query in wanted:
        try:
            url = reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            print(f"bench: no page {name} yet: {page} left out", file=sys.stderr)
            continue
        pages.append((who, page, url + query))
    return pages


def plan_pages(school: School) -> list[tuple[str, str, str]]:
    """The plan of the pupil with the most cycles in the school, and the reviews due for the
    SENCO and a teacher (issue 7); left out, with a word on stderr, until the pages exist."""
    longest = (
        Plan.objects.filter(pupil__school=school, ends__isnull=True)
        .annotate(cycle_count=Count("cycles"))
        .order_by("-cycle_count", "pk")
        .select_related("pupil")
        .first()
    )
    assert longest is not None, "no plans in the measured school"
    pupil = {"public_id": longest.pupil.public_id}
    return addresses(
        [
            ("senco", "/pupils/<id>/plan/", "pupils:plans:detail", pupil, ""),
            ("senco", "/plans/reviews/", "plans:reviews_due", {}, ""),
            ("teacher", "teacher /plans/reviews/", "plans:reviews_due", {}, ""),
        ]
    )


def provision_pages(school: School) -> list[tuple[str, str, str]]:
    """The provision map (grid and per pupil) and the costs of last school year, the fullest;
    the gaps; the impact of the school's largest ended reading group; the groups for the SENCO
    and `ta`; what works here, left out with a word on stderr until its page exists."""
    year = academic_year_start(access.today()) - 1
    group = (
        Group.objects.filter(
            school=school, ends__lt=access.today(), provision__entry_assessment__isnull=False
        )
        .annotate(size=Count("members"))
        .order_by("-size", "pk")
        .first()
    )
    assert group is not None, "no ended reading group in the measured school"
    wanted = [
        ("senco", "/provision/map/", "provision:map", {}, f"?year={year}"),
        ("senco", "/provision/map/?view=pupils", "provision:map", {}, f"?year={year}&view=pupils"),
        ("senco", "/provision/costs/", "provision:costs", {}, f"?year={year}"),
        ("senco", "/provision/gaps/", "provision:gaps", {}, ""),
        ("senco", "/provision/groups/<id>/impact/", "provision:group_impact",
         {"public_id": group.public_id}, ""),
        ("senco", "/provision/groups/", "provision:groups", {}, ""),
        ("ta", "ta /provision/groups/", "provision:groups", {}, ""),
        ("senco", "/provision/works/", "provision:works", {}, f"?year={year}"),
    ]  # fmt: skip
    return addresses(wanted)


def ehcp_pages(school: School) -> list[tuple[str, str, str]]:
    """The caseload (every EHC plan's next deadline, overdue first) and the EHC plan with the
    most versions and reviews (issue 9); left out, with a word on stderr, until they exist."""
    plan = (
        EHCPlan.objects.current()
        .filter(pupil__school=school)
        .annotate(reviews_held=Count("reviews"))
        .order_by("-reviews_held", "pk")
        .select_related("pupil")
        .first()
    )
    assert plan is not None, "no EHC plans in the measured school"
    pupil = {"public_id": plan.pupil.public_id}
    wanted = [
        ("senco", "/ehcp/", "ehcp:caseload", {}, ""),
        ("senco", "/ehcp/?status=overdue", "ehcp:caseload", {}, "?status=overdue"),
        ("senco", "/pupils/<id>/ehcp/", "pupils:ehcp:plan", pupil, ""),
        ("senco", "/pupils/<id>/ehcp/<id>/delivery/", "pupils:ehcp:plan_delivery",
         pupil | {"plan_id": plan.public_id}, ""),
    ]  # fmt: skip
    return addresses(wanted)


def api_pages(pupil: Pupil, clients: dict[str, Client]) -> list[tuple[str, str, str]]:
    """The pupil list a page of 100 at a time, through the API tokens of the SENCO and
    `teacher`, and one pupil; the SENCO's calendar feed (issue 10). Their clients, added to
    `clients`, send the token and no session, as a program or a calendar application does."""
    pages = addresses(
        [
            ("senco", "/api/pupils/?page_size=100", "api:pupils", {}, "?page_size=100"),
            ("teacher", "teacher /api/pupils/?page_size=100", "api:pupils", {}, "?page_size=100"),
            ("senco", "/api/pupils/<id>/", "api:pupil", {"public_id": pupil.public_id}, ""),
        ]
    )
    for who in {who for who, _, _ in chosen(pages)}:
        clients[f"{who} token"] = Client(headers={"authorization": f"Bearer {api_token(who)}"})
    pages = [(f"{who} token", page, url) for who, page, url in pages]
    if chosen([("", FEED, "")]):
        senco = User.objects.get(username="senco")
        token = calendar.make_feed(senco, senco.memberships.get().school)[1]
        clients["calendar"] = Client()
        pages += addresses([("calendar", FEED, "calendar:feed", {"token": token}, "")])
    return pages


def api_token(username: str) -> str:
    """A new API token of the user in their school, in place of the last run's: a token's text
    is never stored, so it cannot be read back."""
    user = User.objects.get(username=username)
    ApiToken.objects.filter(user=user, name=BENCH_TOKEN).delete()
    school = user.memberships.get().school
    return api_services.create_token(user, school, name=BENCH_TOKEN, days=30)[1]


def chosen(pages: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Only the pages whose label holds BENCH_PAGES (and the floor), when it is set."""
    wanted = os.environ.get("BENCH_PAGES", "")
    return [p for p in pages if wanted in p[1] or p[1] == "floor"]


def main(scale: str) -> None:
    built_seconds = ensure_built(scale)
    options = SCALES[scale]
    provision_seconds = ensure_provision(options.seed, options.today)
    ehcp_seconds = ensure_ehcp(options.seed, options.today)
    settings.ALLOWED_HOSTS.append("testserver")
    senco = User.objects.get(username="senco")
    school = senco.memberships.get().school
    assert school is not None, "the SENCO's membership names no school"
    pupil = Pupil.objects.filter(school=school, sen_provision="E", left_on__isnull=True).first()
    assert pupil is not None
    child = Pupil.objects.filter(contact_links__contact__user__username="parent").first()
    assert child is not None
    taught_class = TeachingGroup.objects.filter(
        staffing__staff__user__username="teacher", kind=TeachingGroup.Kind.CLASS
    ).order_by("-academic_year__start_year")[0]
    clients: dict[str, Client] = {}
    pages = [
        ("senco", "home /", "/"),
        ("senco", "/pupils/?q=", f"/pupils/?q={pupil.legal_last_name[:3]}"),
        ("senco", "/pupils/<id>/", f"/pupils/{pupil.public_id}/"),
        ("senco", "/pupils/<id>/access/", f"/pupils/{pupil.public_id}/access/"),
        ("senco", "/audit/", "/audit/"),
        ("senco", "/audit/?pupil=", f"/audit/?pupil={pupil.upn}"),
        ("senco", "/accounts/invitations/", "/accounts/invitations/"),
        ("senco", "/register/", "/register/"),
        ("senco", "/register/?sort=added", "/register/?sort=added&need=SLCN"),
        ("senco", "/register/census/", "/register/census/"),
        ("senco", "/register/charts/", "/register/charts/"),
        ("senco", "/register/charts/need.svg", "/register/charts/need.svg"),
        ("senco", "/concerns/", "/concerns/"),
        ("senco", "/concerns/monitoring/", "/concerns/monitoring/"),
        ("senco", "/pupils/<id>/passport/", f"/pupils/{pupil.public_id}/passport/"),
        ("teacher", "teacher /classes/", "/classes/"),
        ("teacher", "teacher /classes/<id>/", f"/classes/{taught_class.public_id}/"),
        ("teacher", "teacher /pupils/", "/pupils/"),
        ("parent", "parent home /", "/"),
        ("parent", "parent /pupils/<id>/", f"/pupils/{child.public_id}/"),
        ("governor", "governor home /", "/"),
        ("ep", "ep /pupils/", "/pupils/"),
        *plan_pages(school),
        *provision_pages(school),
        *ehcp_pages(school),
        *api_pages(pupil, clients),
        ("senco", "floor", f"/bench/floor/{pupil.public_id}/"),
    ]
    with override_settings(ROOT_URLCONF="bench.urls", DEBUG=False, SENCO_API_RATES=API_RATES):
        for who, page, url in chosen(pages):
            if who not in clients:
                clients[who] = Client()
                clients[who].force_login(User.objects.get(username=who))
            row = {"scale": scale, "page": page, "built_s": round(built_seconds, 1)}
            row["provision_s"] = round(provision_seconds, 1)
            row["ehcp_s"] = round(ehcp_seconds, 1)
            row.update(measure(clients[who], url))
            row["pupils"] = Pupil.objects.count()
            print(json.dumps(row), flush=True)
    if chosen([("", "deadlines of every EHC plan", "")]):
        row = {"scale": scale, "built_s": round(built_seconds, 1)}
        row["provision_s"] = round(provision_seconds, 1)
        row["ehcp_s"] = round(ehcp_seconds, 1)
        row.update(deadline_computation(options.today), pupils=Pupil.objects.count())
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
