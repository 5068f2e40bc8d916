"""A backup and restore round trip with pg_dump and pg_restore, when the tests use PostgreSQL."""

import os
import secrets
import shutil
from collections.abc import Iterator

import psycopg
import pytest
from django.conf import settings

from senco.operations import backup

DATABASE = settings.DATABASES["default"]
ON_POSTGRES = "postgresql" in DATABASE["ENGINE"]

pytestmark = pytest.mark.skipif(
    not (ON_POSTGRES and shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="needs the tests to run on PostgreSQL (DATABASE_URL) and pg_dump/pg_restore installed",
)


def connect(dbname: str) -> psycopg.Connection:
    return psycopg.connect(
        host=DATABASE["HOST"] or None,
        port=DATABASE["PORT"] or None,
        user=DATABASE["USER"] or None,
        password=DATABASE["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


@pytest.fixture
def scratch_database() -> Iterator[dict]:
    """A database of its own, so pg_restore --clean never touches the test database."""
    name = f"senco_backup_test_{secrets.token_hex(4)}"
    with connect("postgres") as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with connect(name) as db:
            db.execute("CREATE TABLE pupil (id serial PRIMARY KEY, name text)")
            db.execute("INSERT INTO pupil (name) VALUES ('Ada'), ('Ben')")
        yield {**DATABASE, "NAME": name}
    finally:
        with connect("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def names_in(database: dict) -> list[str]:
    with connect(database["NAME"]) as db:
        return [row[0] for row in db.execute("SELECT name FROM pupil ORDER BY name")]


def test_a_postgres_backup_restores_the_rows(scratch_database, tmp_path):
    key = os.urandom(32)
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "plan.pdf").write_bytes(b"the plan")
    output = tmp_path / "pg.backup"
    backup.make_backup(scratch_database, uploads, output, key)
    with connect(scratch_database["NAME"]) as db:
        db.execute("UPDATE pupil SET name = 'changed'")
        db.execute("CREATE TABLE added_after (id int)")
    (uploads / "plan.pdf").unlink()

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    unpacked = backup.unpack_backup(output, key, scratch, scratch_database)
    backup.apply_backup(unpacked, scratch_database, uploads)

    assert names_in(scratch_database) == ["Ada", "Ben"]
    assert (uploads / "plan.pdf").read_bytes() == b"the plan"
