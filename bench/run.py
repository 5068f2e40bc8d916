"""`make bench`: build school and trust scale on SQLite and PostgreSQL, and print page figures.

Benchmarks print; they assert nothing about time. Data are kept between runs in var/bench/
(SQLite) and the senco_bench_* databases (PostgreSQL): pass --rebuild to make them anew.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
AIMS = "Aims: trust within 1.5x of school; within 5x of the floor; equal queries at both scales."


def postgres_available() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode == 0


def environment(database: str, scale: str, rebuild: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SENCO_DATA_DIR"] = str(ROOT / "var" / "bench")
    env["PYTHONPATH"] = str(ROOT)
    if database == "sqlite":
        path = ROOT / "var" / "bench" / f"{scale}.sqlite3"
        if rebuild:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["SENCO_SQLITE_PATH"] = str(path)
    else:
        name = f"senco_bench_{scale}"
        if rebuild:
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name])
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True)
        env["DATABASE_URL"] = f"{PG}/{name}"
        env["SENCO_SECRET_KEY"] = "bench-only-secret-key-not-for-production-use-0123456789"
    return env


def run(
    database: str, scale: str, rebuild: bool, script: str = "measure.py", pages: str = ""
) -> list[dict]:
    env = environment(database, scale, rebuild)
    if pages:
        env["BENCH_PAGES"] = pages
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), scale],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        print(result.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"bench: {database} {scale} failed")
    return [dict(json.loads(line), database=database) for line in result.stdout.splitlines()]


def table(rows: list[dict]) -> None:
    header = (
        f"{'database':9} {'scale':6} {'page':32} {'median ms':>10} {'p95 ms':>8} {'queries':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['database']:9} {r['scale']:6} {r['page']:32} {r['median_ms']:>10} "
            f"{r['p95_ms']:>8} {r['queries']:>8}"
        )


def ratios(rows: list[dict]) -> None:
    print()
    print(AIMS)
    index = {(r["database"], r["scale"], r["page"]): r for r in rows}
    for (database, scale, page), r in index.items():
        # A computation over every plan grows with the plans by design: no page aim.
        if scale != "trust" or page == "floor" or "plans" in r:
            continue
        school = index[(database, "school", page)]
        floor = index[(database, "trust", "floor")]
        print(
            f"{database:9} {page:32} trust/school {r['median_ms'] / school['median_ms']:.2f}x, "
            f"trust/floor {r['median_ms'] / floor['median_ms']:.2f}x, "
            f"queries {school['queries']} -> {r['queries']}"
        )


def main() -> None:
    """`--rebuild` makes the data anew; `--pages=TEXT` measures only the pages whose label holds
    TEXT (such as `--pages=/provision/`), and not the imports."""
    rebuild = "--rebuild" in sys.argv
    pages = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--pages=")), "")
    databases = ["sqlite"] + (["postgresql"] if postgres_available() else [])
    if "postgresql" not in databases:
        print("PostgreSQL is not answering on 127.0.0.1:5432: measuring SQLite only.")
    rows, imports, transfers = [], [], []
    for database in databases:
        for scale in ("school", "trust"):
            print(f"... {database} {scale}", file=sys.stderr, flush=True)
            rows += run(database, scale, rebuild, pages=pages)
            if not pages:
                imports += run(database, scale, False, "imports.py")
                transfers += run(database, scale, False, "transfers.py")
    built = {(r["database"], r["scale"]): r for r in rows}
    for (database, scale), r in built.items():
        note = f"built in {r['built_s']} s" if r["built_s"] else "kept from an earlier run"
        if r.get("provision_s"):
            note += f", provision added in {r['provision_s']} s"
        if r.get("ehcp_s"):
            note += f", EHC plans added in {r['ehcp_s']} s"
        if r.get("plans"):
            note += f"; {r['plans']} EHC plans ({r['overdue']} reviews overdue)"
        print(f"{database} {scale}: {r['pupils']} pupils (with 5 years of leavers), {note}")
    print()
    table(rows)
    ratios(rows)
    if not pages:
        import_table(imports)
        transfer_table(transfers)


def import_table(rows: list[dict]) -> None:
    print()
    print(
        "Import of 100,000 assessment results from CSV (aim: within 3x of a bare bulk insert); "
        "a page requested from another connection meanwhile."
    )
    for r in rows:
        print(
            f"{r['database']:9} {r['scale']:6} bare insert {r['bare_insert_s']} s, import "
            f"{r['import_s']} s (dry run {r['dry_run_s']} s, apply {r['apply_s']} s): "
            f"{r['ratio']}x; memory +{r['peak_memory_growth_mb']} MB; second time adds "
            f"{r['second_time_created']}; page median {r['page_during_import_median_ms']} ms, "
            f"max {r['page_during_import_max_ms']} ms"
        )


def transfer_table(rows: list[dict]) -> None:
    print()
    print(
        "CTF import into an empty school: upload, dry run and apply, as a user would (aim: "
        "within 5x of lxml parsing alone). ctf.read is parse plus reading each pupil; peak MB "
        "is Python's (tracemalloc) / resident growth, lxml's tree included."
    )
    header = (
        f"{'database':10} {'scale':6} {'pupils':>6} {'file MB':>7} {'parse ms':>8} "
        f"{'read ms':>7} {'check ms':>8} {'apply ms':>8} {'import ms':>9} {'import/parse':>12} "
        f"{'import peak MB':>14} {'parse peak MB':>13}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        import_peak = f"{r['import_peak_traced_mb']} / {r['import_rss_growth_mb']}"
        parse_peak = f"{r['parse_peak_traced_mb']} / {r['parse_rss_growth_mb']}"
        print(
            f"{r['database']:10} {r['scale']:6} {r['pupils']:>6} {r['file_mb']:>7} "
            f"{r['parse_ms']:>8} {r['read_ms']:>7} {r['check_ms']:>8} {r['apply_ms']:>8} "
            f"{r['import_ms']:>9} {str(r['ratio']) + 'x':>12} {import_peak:>14} {parse_peak:>13}"
        )


if __name__ == "__main__":
    main()
