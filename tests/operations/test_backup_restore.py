"""Backups: a round trip puts everything back; a wrong key or a damaged file changes nothing."""

import base64
import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from senco.operations import backup
from senco.operations.backup import BackupError

ORIGINAL_NAMES = ["Ada", "Ben", "Cleo"]


def sqlite_settings(path: Path) -> dict:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}


def names_in(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as db:
        return [row[0] for row in db.execute("SELECT name FROM pupil ORDER BY name")]


def rename_everyone(path: Path) -> None:
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE pupil SET name = 'changed'")
        db.execute("INSERT INTO pupil (name) VALUES ('added after the backup')")


@pytest.fixture
def live(tmp_path: Path) -> dict:
    """A throwaway SQLite database in WAL mode and an uploads folder, like a real server's."""
    database = tmp_path / "live" / "senco.sqlite3"
    database.parent.mkdir()
    with closing(sqlite3.connect(database)) as db, db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE pupil (id INTEGER PRIMARY KEY, name TEXT)")
        db.executemany("INSERT INTO pupil (name) VALUES (?)", [(n,) for n in ORIGINAL_NAMES])
    uploads = tmp_path / "live" / "uploads"
    (uploads / "plans").mkdir(parents=True)
    (uploads / "plans" / "plan.pdf").write_bytes(b"%PDF-1.7 the plan")
    (uploads / "report.docx").write_bytes(b"a report")
    return {"database": sqlite_settings(database), "path": database, "uploads": uploads}


@pytest.fixture
def key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def backup_file(live: dict, key: bytes, tmp_path: Path) -> Path:
    output = tmp_path / "backups" / "senco.backup"
    backup.make_backup(live["database"], live["uploads"], output, key)
    return output


def restore(backup_path: Path, key: bytes, live: dict, scratch: Path) -> None:
    scratch.mkdir(exist_ok=True)
    unpacked = backup.unpack_backup(backup_path, key, scratch, live["database"])
    backup.apply_backup(unpacked, live["database"], live["uploads"])


def chunks_of(data: bytes) -> tuple[bytes, list[bytes]]:
    """The header and the length-prefixed chunks of an encrypted backup."""
    header_size = len(backup.MAGIC) + backup.NONCE_PREFIX_SIZE
    header, rest, chunks = data[:header_size], data[header_size:], []
    while rest:
        length = int.from_bytes(rest[:4], "big")
        chunks.append(rest[: 4 + length])
        rest = rest[4 + length :]
    return header, chunks


def test_restore_puts_back_the_rows_and_uploaded_files(live, key, backup_file, tmp_path):
    rename_everyone(live["path"])
    (live["uploads"] / "plans" / "plan.pdf").write_bytes(b"overwritten")
    (live["uploads"] / "new since the backup.txt").write_text("new")
    (live["uploads"] / "report.docx").unlink()

    restore(backup_file, key, live, tmp_path / "scratch")

    assert names_in(live["path"]) == ORIGINAL_NAMES
    files = sorted(p.relative_to(live["uploads"]).as_posix() for p in live["uploads"].rglob("*"))
    assert files == ["plans", "plans/plan.pdf", "report.docx"]
    assert (live["uploads"] / "plans" / "plan.pdf").read_bytes() == b"%PDF-1.7 the plan"


def test_the_backup_file_is_private_and_does_not_contain_the_data_in_clear(backup_file):
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600
    content = backup_file.read_bytes()
    assert content.startswith(b"SENCOBK1")
    assert b"the plan" not in content and b"CREATE TABLE" not in content


def test_a_backup_larger_than_one_chunk_round_trips(live, key, tmp_path):
    big = os.urandom(backup.CHUNK_SIZE * 2 + 123)  # random, so gzip cannot shrink it
    (live["uploads"] / "scan.jpg").write_bytes(big)
    output = tmp_path / "big.backup"
    backup.make_backup(live["database"], live["uploads"], output, key)
    assert len(chunks_of(output.read_bytes())[1]) == 3
    (live["uploads"] / "scan.jpg").unlink()

    restore(output, key, live, tmp_path / "scratch")

    assert (live["uploads"] / "scan.jpg").read_bytes() == big


def test_a_missing_uploads_folder_is_backed_up_as_empty(live, key, tmp_path):
    missing = tmp_path / "no uploads yet"
    output = tmp_path / "empty.backup"
    backup.make_backup(live["database"], missing, output, key)

    restore(output, key, live, tmp_path / "scratch")

    assert list(live["uploads"].iterdir()) == []


def test_backup_refuses_to_overwrite_an_existing_file(live, key, backup_file):
    with pytest.raises(BackupError, match="already exists"):
        backup.make_backup(live["database"], live["uploads"], backup_file, key)


def assert_refused_and_unchanged(backup_path, key, live, tmp_path, message):
    rename_everyone(live["path"])
    before = live["path"].read_bytes()
    with pytest.raises(BackupError, match=message):
        restore(backup_path, key, live, tmp_path / "scratch")
    assert live["path"].read_bytes() == before
    assert (live["uploads"] / "plans" / "plan.pdf").read_bytes() == b"%PDF-1.7 the plan"


def test_a_wrong_key_is_named_as_the_problem(live, backup_file, tmp_path):
    assert_refused_and_unchanged(backup_file, os.urandom(32), live, tmp_path, "backup key")


def test_a_file_that_is_not_a_backup_is_refused(live, key, tmp_path):
    not_a_backup = tmp_path / "holiday.jpg"
    not_a_backup.write_bytes(b"\xff\xd8\xff\xe0 a photo")
    assert_refused_and_unchanged(not_a_backup, key, live, tmp_path, "not an OpenSENCO backup")


def test_a_changed_byte_is_caught(live, key, tmp_path):
    (live["uploads"] / "scan.jpg").write_bytes(os.urandom(backup.CHUNK_SIZE + 10))
    output = tmp_path / "two-chunks.backup"
    backup.make_backup(live["database"], live["uploads"], output, key)
    (live["uploads"] / "scan.jpg").unlink()
    data = bytearray(output.read_bytes())
    data[-100] ^= 1  # inside the second chunk
    output.write_bytes(bytes(data))
    assert_refused_and_unchanged(output, key, live, tmp_path, "altered or damaged: part 2")


def test_a_file_cut_short_is_caught(live, key, backup_file, tmp_path):
    header, chunks = chunks_of(backup_file.read_bytes())
    backup_file.write_bytes(header + b"".join(chunks)[:-50])
    assert_refused_and_unchanged(backup_file, key, live, tmp_path, "incomplete")


def test_a_file_missing_its_last_chunk_is_caught(live, key, tmp_path):
    (live["uploads"] / "scan.jpg").write_bytes(os.urandom(backup.CHUNK_SIZE + 10))
    output = tmp_path / "two-chunks.backup"
    backup.make_backup(live["database"], live["uploads"], output, key)
    header, chunks = chunks_of(output.read_bytes())
    output.write_bytes(header + chunks[0])
    assert_refused_and_unchanged(output, key, live, tmp_path, "incomplete")


def test_reordered_chunks_are_caught(live, key, tmp_path):
    (live["uploads"] / "scan.jpg").write_bytes(os.urandom(backup.CHUNK_SIZE * 2 + 10))
    output = tmp_path / "three-chunks.backup"
    backup.make_backup(live["database"], live["uploads"], output, key)
    header, chunks = chunks_of(output.read_bytes())
    output.write_bytes(header + chunks[0] + chunks[2] + chunks[1])
    assert_refused_and_unchanged(output, key, live, tmp_path, "altered or damaged")


def test_data_added_after_the_last_chunk_is_caught(live, key, backup_file, tmp_path):
    with backup_file.open("ab") as f:
        f.write(b"\x00\x00\x00\x20" + b"x" * 32)
    assert_refused_and_unchanged(backup_file, key, live, tmp_path, "extra data")


def test_a_backup_of_another_database_engine_is_refused(live, key, backup_file, tmp_path):
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "senco"}
    with pytest.raises(BackupError, match="holds a sqlite database but this server uses"):
        backup.unpack_backup(backup_file, key, tmp_path, postgres)


def test_the_first_backup_creates_a_private_key_file(tmp_path):
    key_file = tmp_path / "keys" / "backup.key"
    key, created = backup.key_for_backup(key_file, None)
    assert created and len(key) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert backup.key_for_backup(key_file, None) == (key, False)


def test_a_key_in_the_environment_wins_over_the_key_file(tmp_path):
    key = os.urandom(32)
    from_env = base64.urlsafe_b64encode(key).decode()
    assert backup.key_for_backup(tmp_path / "backup.key", from_env) == (key, False)
    assert not (tmp_path / "backup.key").exists()


def test_a_malformed_key_is_explained():
    with pytest.raises(BackupError, match="SENCO_BACKUP_KEY is 16 bytes long; it must be 32"):
        backup.read_key(Path("unused"), base64.urlsafe_b64encode(b"x" * 16).decode())


def test_restore_without_a_key_says_where_to_put_it(tmp_path):
    with pytest.raises(BackupError, match="No backup key"):
        backup.read_key(tmp_path / "backup.key", None)


# The commands, on the throwaway database rather than the test database.


@pytest.fixture
def configured(live, tmp_path, monkeypatch, settings):
    monkeypatch.delenv("SENCO_BACKUP_KEY", raising=False)
    # Only the default entry is swapped: open connections keep the test database's settings.
    monkeypatch.setitem(settings.DATABASES, "default", live["database"])
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = live["uploads"]
    settings.SENCO_BACKUP_KEY_FILE = tmp_path / "key" / "backup.key"
    return live


def only_backup_in(folder: Path) -> Path:
    (found,) = folder.glob("senco-*.backup")
    return found


def test_backup_and_restore_commands_round_trip(configured, tmp_path, capsys):
    call_command("backup")
    out, err = capsys.readouterr()
    written = only_backup_in(tmp_path / "data" / "backups")
    assert f"Backup written to {written}" in out
    assert "3-2-1" in err
    rename_everyone(configured["path"])

    call_command("restore", str(written), yes=True)

    assert names_in(configured["path"]) == ORIGINAL_NAMES


def test_restore_asks_first_and_stops_unless_told_yes(configured, tmp_path, monkeypatch):
    output = tmp_path / "manual.backup"
    call_command("backup", output=output)
    rename_everyone(configured["path"])
    monkeypatch.setattr("builtins.input", lambda question: "y")

    with pytest.raises(CommandError, match="cancelled: nothing was changed"):
        call_command("restore", str(output))

    assert "changed" in names_in(configured["path"])
    monkeypatch.setattr("builtins.input", lambda question: "yes")
    call_command("restore", str(output))
    assert names_in(configured["path"]) == ORIGINAL_NAMES


def test_restore_command_reports_a_damaged_file_as_a_command_error(configured, tmp_path):
    output = tmp_path / "manual.backup"
    call_command("backup", output=output)
    output.write_bytes(output.read_bytes()[:-5])
    with pytest.raises(CommandError, match="nothing was changed: The backup file is incomplete"):
        call_command("restore", str(output), yes=True)
