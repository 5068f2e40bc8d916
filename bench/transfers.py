"""The CTF import benchmark: a Common Transfer File of 2,000 pupils, imported into an empty school
as a user would (upload, dry run, apply), beside lxml parsing the same bytes alone, with peak
memory of both.

Run by bench/run.py against a database measure.py has built. The pupils are made up (Faker, a
fixed seed). Each repeat imports into a new empty school, deleted afterwards with its pupils.
Prints one JSON line. Asserts nothing about time.
"""

import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "senco.settings")
django.setup()

from faker import Faker  # noqa: E402

from senco.accounts.models import Membership, User  # noqa: E402
from senco.interop import ctf, services  # noqa: E402
from senco.interop.models import ImportRun  # noqa: E402
from senco.pupils.census import upn_check_letter  # noqa: E402
from senco.pupils.models import Pupil  # noqa: E402
from senco.schools.models import School  # noqa: E402

PUPILS = int(os.environ.get("BENCH_CTF_PUPILS", "2000"))
REPEATS = int(os.environ.get("BENCH_CTF_REPEATS", "3"))
PARSES = 11
SEED = 26
SCHOOL_NAME = "Bench CTF school"
USERNAME = "bench-ctf"
SOURCE = ctf.Establishment(la="990", estab="2001", urn="990201", name="Bench Sending Academy")
NEEDS = ("SLCN", "SPLD", "ASD", "SEMH", "MLD")
TODAY = dt.date(2026, 11, 24)  # the file's pupils are made as of this day, whatever the clock


def pupils(seed: int = SEED) -> list[ctf.Pupil]:
    """PUPILS made-up pupils: a quarter with free school meals, a fifth with an SEN history."""
    fake, rnd = Faker("en_GB"), random.Random(seed)
    fake.seed_instance(seed)
    made = []
    for n in range(PUPILS):
        year = 7 + n % 5
        body = f"{SOURCE.la}{SOURCE.estab}{20 + n // 1000:02d}{n % 1000:03d}"
        sex = rnd.choice("MF")
        first = fake.first_name_female() if sex == "F" else fake.first_name_male()
        last = fake.last_name()
        born = dt.date(2025 - year - 5, 9, 1) + dt.timedelta(days=rnd.randrange(365))
        address = "\n".join(
            [fake.building_number() + " " + fake.street_name(), fake.city(), fake.county()]
        )
        made.append(
            ctf.Pupil(
                upn=upn_check_letter(body) + body,
                legal_first_name=first,
                legal_last_name=last,
                middle_names=fake.first_name() if rnd.random() < 0.3 else "",
                date_of_birth=born,
                sex=sex,
                year_group=year,
                ethnicity="WBRI",
                first_language="ENG",
                meals=meals(rnd) if rnd.random() < 0.25 else [],
                statuses=None,
                address=address,
                postcode=fake.postcode(),
                contacts=contacts(fake, rnd, last, n),
            )
        )
        if rnd.random() < 0.2:
            made[-1].statuses, made[-1].needs = sen_history(rnd, born)
    return made


def meals(rnd: random.Random) -> list[ctf.Meals]:
    starts = TODAY - dt.timedelta(days=rnd.randrange(30, 1500))
    ends = starts + dt.timedelta(days=rnd.randrange(60, 700)) if rnd.random() < 0.3 else None
    return [ctf.Meals(starts, ends if ends and ends < TODAY else None, "ENG")]


def sen_history(rnd: random.Random, born: dt.date) -> tuple[list[ctf.Status], list[ctf.Need]]:
    """K from a date; sometimes K then N with an end date; sometimes K then E. 1 or 2 needs."""
    starts = born + dt.timedelta(days=365 * 5 + rnd.randrange(365 * 5))
    needs = rnd.sample(NEEDS, rnd.choice((1, 2)))
    shape = rnd.random()
    if shape < 0.5:
        statuses = [ctf.Status("K", starts)]
        return statuses, [ctf.Need(need, rank, starts) for rank, need in enumerate(needs, 1)]
    ends = starts + dt.timedelta(days=rnd.randrange(200, 700))
    after = ends + dt.timedelta(days=1)
    if shape < 0.8:
        statuses = [ctf.Status("K", starts, ends), ctf.Status("N", after)]
        return statuses, [ctf.Need(need, rank, starts, ends) for rank, need in enumerate(needs, 1)]
    statuses = [ctf.Status("K", starts, ends), ctf.Status("E", after)]
    return statuses, [ctf.Need(need, rank, starts) for rank, need in enumerate(needs, 1)]


def contacts(fake: Faker, rnd: random.Random, last: str, n: int) -> list[ctf.Contact]:
    """Mother and father living with the pupil, and for a third of pupils a carer elsewhere."""
    people = [("PAM", "Mrs", fake.first_name_female()), ("PAF", "Mr", fake.first_name_male())]
    if rnd.random() < 0.33:
        people.append(("CAR", "Ms", fake.first_name_female()))
    made = []
    for order, (relationship, title, first) in enumerate(people, start=1):
        carer = relationship == "CAR"
        surname = fake.last_name() if carer else last
        made.append(
            ctf.Contact(
                order=order,
                first_name=first,
                last_name=surname,
                title=title,
                relationship=relationship,
                parental_responsibility=not carer,
                court_order=False,
                lives_with_pupil=not carer,
                email=f"{first}.{surname}.{n}@example.org".lower().replace(" ", ""),
                mobile_phone=f"07700 900{(n * 3 + order) % 1000:03d}",  # Ofcom's drama range
                home_phone="" if carer else f"0113 496 0{n % 1000:03d}",
                address=f"{fake.building_number()} {fake.street_name()}\n{fake.city()}"
                if carer
                else "",
                postcode=fake.postcode() if carer else "",
            )
        )
    return made


def file_for(school: School, made: list[ctf.Pupil]) -> bytes:
    destination = ctf.Establishment(la=school.la_code, estab=school.establishment_number)
    header = ctf.Header(
        created="2026-11-24T09:00:00", academic_year="2026", source=SOURCE, destination=destination
    )
    return ctf.write(ctf.Transfer(header, made))


def bench_user() -> User:
    user, _ = User.objects.get_or_create(
        username=USERNAME, defaults={"first_name": "Bench", "last_name": "Importer"}
    )
    return user


def empty_school(user: User, number: int, dfe: tuple[str, str] | None = None) -> School:
    """A new school with no pupils, whose SENCO is the benchmark's user; `dfe` is its LA code
    and establishment number when they are given."""
    rnd = random.Random(f"{time.time_ns()}-{number}")
    while True:
        urn = f"{rnd.randrange(800000, 900000)}"
        if not School.objects.filter(urn=urn).exists():
            break
    school = School.objects.create(
        name=f"{SCHOOL_NAME} {urn}",
        urn=urn,
        la_code=dfe[0] if dfe else f"{rnd.randrange(800, 900)}",
        establishment_number=dfe[1] if dfe else f"{rnd.randrange(4000, 5000)}",
        phase="secondary",
    )
    Membership.objects.create(user=user, school=school, role="senco")
    return school


def remove(school: School) -> None:
    """The school and everything the import made in it (the audit log keeps its entries)."""
    Pupil.objects.filter(school=school).delete()
    ImportRun.objects.filter(school=school).delete()
    school.delete()


def import_file(user: User, school: School, data: bytes) -> dict:
    """Upload, choose the kind, check, apply: seconds of each step and the counts applied."""
    started = time.perf_counter()
    run = services.upload(user, school, "transfer.xml", data)
    services.choose_columns(run, "ctf", {})
    uploaded = time.perf_counter()
    run = services.check(run.pk)
    checked = time.perf_counter()
    run = services.apply(run.pk, user)
    applied = time.perf_counter()
    if run.status != ImportRun.Status.APPLIED:
        raise SystemExit(f"bench: the CTF was not applied: {run.report.get('file_warnings')}")
    return {
        "upload": uploaded - started,
        "check": checked - uploaded,
        "apply": applied - checked,
        "total": applied - started,
        "counts": run.report["counts"],
    }


def median_ms(function, data: bytes, times: int) -> float:
    taken = []
    for _ in range(times):
        started = time.perf_counter()
        function(data)
        taken.append(time.perf_counter() - started)
    return statistics.median(taken) * 1000


def traced_peak_mb(function) -> float:
    """The peak of Python's own allocations while `function` runs (tracemalloc does not see
    the memory libxml2 takes for the parsed tree)."""
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return round(peak / 1e6, 1)


def rss_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        return int(next(line for line in status if line.startswith(field)).split()[1])


def rss_growth_mb(scale: str, what: str, data: bytes, dfe: tuple[str, str]) -> float | None:
    """How far resident memory grows at its peak while a fresh process parses or imports the
    file, libxml2's memory included: a fresh process, so no memory freed earlier is reused.
    Linux only (None elsewhere)."""
    if not os.path.exists("/proc/self/clear_refs"):
        return None
    with tempfile.NamedTemporaryFile(suffix=".xml") as file:
        file.write(data)
        file.flush()
        child = subprocess.run(
            [sys.executable, __file__, scale, "--rss", what, file.name, *dfe],
            capture_output=True,
            text=True,
            check=False,
        )
    if child.returncode != 0:
        print(child.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"bench: measuring the memory of the CTF {what} failed")
    return json.loads(child.stdout)["rss_growth_mb"]


def measure_rss(what: str, path: str, la: str, estab: str) -> None:
    """In the fresh process: parse or import the file, and print how far resident memory grew."""
    with open(path, "rb") as file:
        data = file.read()
    user = bench_user()
    school = empty_school(user, 0, (la, estab)) if what == "import" else None
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # resets the peak resident size to the present one
    before = rss_kb("VmRSS")
    if school is None:
        ctf.parse(data)
    else:
        import_file(user, school, data)
    grown = (rss_kb("VmHWM") - before) / 1024
    if school is not None:
        remove(school)
    print(json.dumps({"rss_growth_mb": round(grown, 1)}))


def main(scale: str) -> None:
    user = bench_user()
    for leftover in School.objects.filter(name__startswith=SCHOOL_NAME):
        remove(leftover)
    made = pupils()

    steps = []
    for number in range(REPEATS):
        school = empty_school(user, number)
        data = file_for(school, made)
        steps.append(import_file(user, school, data))
        remove(school)
    parse_ms = median_ms(ctf.parse, data, PARSES)
    read_ms = median_ms(ctf.read, data, 3)

    parse_traced = traced_peak_mb(lambda: ctf.parse(data))
    school = empty_school(user, REPEATS)
    traced_data = file_for(school, made)
    dfe = (school.la_code, school.establishment_number)
    import_traced = traced_peak_mb(lambda: import_file(user, school, traced_data))
    remove(school)

    counts = steps[0]["counts"]
    check_ms, apply_ms, upload_ms, total_ms = (
        statistics.median(s[step] for s in steps) * 1000
        for step in ("check", "apply", "upload", "total")
    )
    print(
        json.dumps(
            {
                "scale": scale,
                "pupils": len(made),
                "file_mb": round(len(data) / 1e6, 1),
                "repeats": REPEATS,
                "parse_ms": round(parse_ms, 1),
                "read_ms": round(read_ms, 1),
                "upload_ms": round(upload_ms, 1),
                "check_ms": round(check_ms, 1),
                "apply_ms": round(apply_ms, 1),
                "import_ms": round(total_ms, 1),
                "import_ms_each": [round(s["total"] * 1000, 1) for s in steps],
                "ratio": round(total_ms / parse_ms, 1),
                "parse_peak_traced_mb": parse_traced,
                "parse_rss_growth_mb": rss_growth_mb(scale, "parse", data, dfe),
                "import_peak_traced_mb": import_traced,
                "import_rss_growth_mb": rss_growth_mb(scale, "import", traced_data, dfe),
                "created": counts["create"],
                "refused": counts["refuse"],
                "warnings": counts["warnings"],
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    if "--rss" in sys.argv:
        measure_rss(*sys.argv[sys.argv.index("--rss") + 1 :][:4])
    else:
        main(sys.argv[1])
