"""Encrypted backups: a consistent copy of the database and the uploaded files, in one file.

The file is a gzipped tar (manifest.json, the database, uploads/) encrypted with AES-256-GCM in
chunks, so a database of any size streams through in constant memory:

    b"SENCOBK1" + 8-byte random nonce prefix
    then per chunk: 4-byte big-endian length + AESGCM(nonce prefix + 4-byte chunk number,
                    data, associated data b"last" for the final chunk, else b"more")

The chunk number in the nonce catches reordered chunks, the tag catches altered bytes and the
"last" marker catches a file cut short. Nothing here reads Django settings: the commands pass
them in, so the logic can be tested against throwaway files.
"""

import base64
import binascii
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"SENCOBK1"
NONCE_PREFIX_SIZE = 8
CHUNK_SIZE = 1024 * 1024
TAG_SIZE = 16
KEY_SIZE = 32
FORMAT_VERSION = 1
MORE = b"more"
LAST = b"last"

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
DATABASE_FILES = {SQLITE: "database.sqlite3", POSTGRESQL: "database.pgdump"}
UPLOADS = "uploads"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says what is wrong."""


# Keys


def decode_key(text: str, source: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().replace("+", "-").replace("/", "_"))
    except (binascii.Error, ValueError):
        raise BackupError(f"The backup key in {source} is not base64.") from None
    if len(key) != KEY_SIZE:
        raise BackupError(
            f"The backup key in {source} is {len(key)} bytes long; it must be {KEY_SIZE}."
        )
    return key


def read_key(key_file: Path, key_from_env: str | None) -> bytes:
    """The backup key: from SENCO_BACKUP_KEY when set, else from the key file."""
    if key_from_env:
        return decode_key(key_from_env, "SENCO_BACKUP_KEY")
    try:
        text = key_file.read_text()
    except FileNotFoundError:
        raise BackupError(
            f"No backup key: there is no key file at {key_file} and SENCO_BACKUP_KEY is not set. "
            "Put the key the backup was made with in one of them."
        ) from None
    except OSError as e:
        raise BackupError(f"Cannot read the backup key file {key_file}: {e.strerror}.") from None
    return decode_key(text, str(key_file))


def create_key_file(key_file: Path) -> bytes:
    """Make a new random key in key_file (mode 0600); refuses to replace an existing one."""
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_SIZE)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(base64.urlsafe_b64encode(key).decode() + "\n")
    return key


def key_for_backup(key_file: Path, key_from_env: str | None) -> tuple[bytes, bool]:
    """The key to encrypt with, and whether it was created just now."""
    if key_from_env or key_file.exists():
        return read_key(key_file, key_from_env), False
    return create_key_file(key_file), True


# Encryption


def chunk_nonce(prefix: bytes, number: int) -> bytes:
    if number >= 2**32:
        raise BackupError("The backup is too large: more than 2**32 chunks.")
    return prefix + number.to_bytes(4, "big")


class EncryptingWriter:
    """A write-only file object that encrypts what it is given into target, chunk by chunk."""

    def __init__(self, target: BinaryIO, key: bytes) -> None:
        self.target = target
        self.cipher = AESGCM(key)
        self.prefix = secrets.token_bytes(NONCE_PREFIX_SIZE)
        self.buffer = bytearray()
        self.chunks = 0
        self.closed = False
        target.write(MAGIC + self.prefix)

    def write(self, data: bytes) -> int:
        self.buffer += data
        # Keep at least one byte back, so the final chunk is only written (and marked) on close.
        while len(self.buffer) > CHUNK_SIZE:
            self.write_chunk(bytes(self.buffer[:CHUNK_SIZE]), MORE)
            del self.buffer[:CHUNK_SIZE]
        return len(data)

    def write_chunk(self, data: bytes, marker: bytes) -> None:
        sealed = self.cipher.encrypt(chunk_nonce(self.prefix, self.chunks), data, marker)
        self.target.write(len(sealed).to_bytes(4, "big") + sealed)
        self.chunks += 1

    def close(self) -> None:
        if not self.closed:
            self.write_chunk(bytes(self.buffer), LAST)
            self.buffer.clear()
            self.closed = True


def read_exactly(source: BinaryIO, size: int) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise BackupError(
            "The backup file is incomplete: it ends before its last part "
            "(cut short while copying, or the disk filled up while it was written)."
        )
    return data


class DecryptingReader:
    """A read-only file object giving the verified plain text of an encrypted backup."""

    def __init__(self, source: BinaryIO, key: bytes) -> None:
        self.source = source
        self.cipher = AESGCM(key)
        header = source.read(len(MAGIC) + NONCE_PREFIX_SIZE)
        if header[: len(MAGIC)] != MAGIC:
            raise BackupError("This is not an OpenSENCO backup file (its header is wrong).")
        if len(header) != len(MAGIC) + NONCE_PREFIX_SIZE:
            raise BackupError("The backup file is incomplete: it ends inside its header.")
        self.prefix = header[len(MAGIC) :]
        self.current = b""
        self.position = 0
        self.chunks = 0
        self.finished = False

    def read(self, size: int = -1) -> bytes:
        pieces = []
        wanted = size
        while wanted != 0:
            if self.position == len(self.current):
                if self.finished:
                    break
                self.current, self.position = self.next_chunk(), 0
                continue
            end = len(self.current)
            if wanted > 0:
                end = min(end, self.position + wanted)
                wanted -= end - self.position
            pieces.append(self.current[self.position : end])
            self.position = end
        return b"".join(pieces)

    def next_chunk(self) -> bytes:
        length = int.from_bytes(read_exactly(self.source, 4), "big")
        if length < TAG_SIZE or length > CHUNK_SIZE + TAG_SIZE:
            raise BackupError(f"The backup file is damaged: part {self.chunks + 1} is malformed.")
        sealed = read_exactly(self.source, length)
        nonce = chunk_nonce(self.prefix, self.chunks)
        for marker in (MORE, LAST):
            try:
                data = self.cipher.decrypt(nonce, sealed, marker)
            except InvalidTag:
                continue
            self.chunks += 1
            if marker == LAST:
                self.finish()
            return data
        raise BackupError(self.failure_message())

    def failure_message(self) -> str:
        if self.chunks == 0:
            return (
                "The backup cannot be decrypted: the backup key is not the one it was made with "
                "(or the start of the file has been altered)."
            )
        return (
            f"The backup file has been altered or damaged: part {self.chunks + 1} fails its "
            "check (changed, reordered or replaced bytes)."
        )

    def finish(self) -> None:
        if self.source.read(1):
            raise BackupError(
                "The backup file has been altered: there is extra data after its last part."
            )
        self.finished = True

    def read_to_end(self) -> None:
        """Check the rest of the file, so a cut or altered tail is caught too."""
        while not self.finished:
            self.next_chunk()
        self.current, self.position = b"", 0


# Databases


def engine_of(database: Mapping[str, Any]) -> str:
    engine = database["ENGINE"]
    if "sqlite3" in engine:
        return SQLITE
    if "postgresql" in engine:
        return POSTGRESQL
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")


def postgres_environment(database: Mapping[str, Any]) -> dict[str, str]:
    """libpq's environment for the connection: the password never appears on a command line."""
    env = dict(os.environ)
    values = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database.get("NAME"),
        "PGSSLMODE": database.get("OPTIONS", {}).get("sslmode"),
    }
    env.update({name: str(value) for name, value in values.items() if value})
    return env


def run_postgres_tool(arguments: list[str], database: Mapping[str, Any]) -> None:
    program = arguments[0]
    if shutil.which(program) is None:
        raise BackupError(
            f"{program} is not installed: install the PostgreSQL client tools "
            "(Debian: apt install postgresql-client), the same version as the server or newer."
        )
    result = subprocess.run(
        arguments, env=postgres_environment(database), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = result.stderr.strip()[:1000] or f"exit status {result.returncode}"
        raise BackupError(f"{program} failed: {detail}.")


def copy_sqlite(source_path: str | Path, target_path: str | Path) -> None:
    """Copy one SQLite database into another with SQLite's online backup (a consistent copy)."""
    try:
        with (
            closing(sqlite3.connect(source_path, timeout=60)) as source,
            closing(sqlite3.connect(target_path, timeout=60)) as target,
        ):
            source.backup(target)
    except sqlite3.Error as e:
        raise BackupError(f"Copying the SQLite database failed: {e}.") from None


def dump_database(database: Mapping[str, Any], target: Path) -> None:
    if engine_of(database) == SQLITE:
        if not Path(database["NAME"]).is_file():
            raise BackupError(f"There is no database at {database['NAME']} to back up.")
        copy_sqlite(database["NAME"], target)
        with closing(sqlite3.connect(target)) as copy:
            # A standalone file: no -wal beside it for tar to miss.
            copy.execute("PRAGMA journal_mode=DELETE")
    else:
        arguments = ["pg_dump", "--format=custom", "--no-password", f"--file={target}"]
        run_postgres_tool(arguments, database)


def verify_database_copy(engine: str, path: Path, database: Mapping[str, Any]) -> None:
    if engine == SQLITE:
        try:
            with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as copy:
                result = copy.execute("PRAGMA integrity_check").fetchone()
        except sqlite3.DatabaseError as e:
            raise BackupError(f"The database in the backup is damaged: {e}.") from None
        if result != ("ok",):
            raise BackupError(f"The database in the backup is damaged: {result[0]}.")
    else:
        run_postgres_tool(["pg_restore", "--list", str(path)], database)


def load_database(database: Mapping[str, Any], source: Path) -> None:
    """Replace the live database; on failure it is left as it was (both copies are atomic)."""
    try:
        if engine_of(database) == SQLITE:
            Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
            copy_sqlite(source, database["NAME"])
        else:
            load_postgres(database, source)
    except BackupError as e:
        raise BackupError(f"{e} The database and the uploads are unchanged.") from None


def load_postgres(database: Mapping[str, Any], source: Path) -> None:
    try:
        run_postgres_tool(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                f"--dbname={database['NAME']}",
                str(source),
            ],
            database,
        )
    except BackupError as e:
        if "must be owner" not in str(e):
            raise
        raise BackupError(
            f"{e} Run the restore as the role that owns the tables (its DATABASE_URL)."
        ) from None


# Backup


@contextmanager
def scratch_directory(near: Path) -> Iterator[Path]:
    """A private (0700) temporary directory on the same disk as `near` when possible."""
    parent = near if near.is_dir() else None
    with tempfile.TemporaryDirectory(prefix=".senco-backup-", dir=parent) as name:
        yield Path(name)


def open_new_file(path: Path) -> BinaryIO:
    """Open a new file that only its owner can read; refuses to replace an existing file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")


def manifest_bytes(engine: str) -> bytes:
    manifest = {
        "format": FORMAT_VERSION,
        "engine": engine,
        "database": DATABASE_FILES[engine],
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return json.dumps(manifest, indent=2).encode()


def add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    with tempfile.SpooledTemporaryFile() as f:
        f.write(data)
        f.seek(0)
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mtime = int(datetime.now(UTC).timestamp())
        info.mode = 0o600
        archive.addfile(info, f)


def write_archive(target: BinaryIO, key: bytes, members: list[tuple[str, Path | bytes]]) -> None:
    writer = EncryptingWriter(target, key)
    with tarfile.open(fileobj=writer, mode="w|gz") as archive:  # type: ignore[call-overload]
        for name, content in members:
            if isinstance(content, bytes):
                add_bytes(archive, name, content)
            else:
                archive.add(content, arcname=name)
    writer.close()


def make_backup(database: Mapping[str, Any], media_root: Path, output: Path, key: bytes) -> int:
    """Write an encrypted backup of the database and uploads to output; return its size."""
    if output.exists():
        raise BackupError(f"{output} already exists: choose another name.")
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    engine = engine_of(database)
    partial = output.with_name(output.name + ".partial")
    with scratch_directory(output.parent) as scratch:
        database_copy = scratch / DATABASE_FILES[engine]
        dump_database(database, database_copy)
        if not media_root.is_dir():
            (scratch / UPLOADS).mkdir()
        uploads = media_root if media_root.is_dir() else scratch / UPLOADS
        members: list[tuple[str, Path | bytes]] = [
            (MANIFEST, manifest_bytes(engine)),
            (DATABASE_FILES[engine], database_copy),
            (UPLOADS, uploads),
        ]
        try:
            with open_new_file(partial) as target:
                write_archive(target, key, members)
                target.flush()
                os.fsync(target.fileno())
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    os.replace(partial, output)
    return output.stat().st_size


# Restore


@dataclass
class UnpackedBackup:
    engine: str
    created: str
    database_file: Path
    uploads: Path


def extract_verified(backup_file: Path, key: bytes, into: Path) -> None:
    """Decrypt and unpack the whole backup into `into`, checking every byte on the way."""
    try:
        source = backup_file.open("rb")
    except OSError as e:
        raise BackupError(f"Cannot open {backup_file}: {e.strerror}.") from None
    with source:
        reader = DecryptingReader(source, key)
        try:
            with tarfile.open(fileobj=reader, mode="r|gz") as archive:  # type: ignore[call-overload]
                archive.extractall(into, filter="data")
        except (tarfile.TarError, OSError, EOFError) as e:
            raise BackupError(f"The backup decrypts but its contents are damaged: {e}.") from None
        reader.read_to_end()


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError(
            "The backup has no readable manifest: it was not made by senco."
        ) from None
    if manifest.get("format") != FORMAT_VERSION or manifest.get("engine") not in DATABASE_FILES:
        raise BackupError(
            f"The backup is in a format this version does not know ({manifest.get('format')})."
        )
    return manifest


def unpack_backup(
    backup_file: Path, key: bytes, into: Path, database: Mapping[str, Any]
) -> UnpackedBackup:
    """Decrypt, unpack and check a backup in `into`, without touching the live data."""
    extract_verified(backup_file, key, into)
    manifest = read_manifest(into)
    engine = manifest["engine"]
    if engine != engine_of(database):
        raise BackupError(
            f"The backup holds a {engine} database but this server uses {engine_of(database)}: "
            "restore it on a server configured like the one it came from."
        )
    unpacked = UnpackedBackup(
        engine=engine,
        created=str(manifest.get("created", "")),
        database_file=into / DATABASE_FILES[engine],
        uploads=into / UPLOADS,
    )
    if not unpacked.database_file.is_file() or not unpacked.uploads.is_dir():
        raise BackupError("The backup is missing its database or its uploads folder.")
    verify_database_copy(engine, unpacked.database_file, database)
    return unpacked


def replace_directory(target: Path, replacement: Path) -> None:
    """Put a copy of replacement where target is, swapping by rename so it is never half-done."""
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(f".{target.name}.restoring")
    outgoing = target.with_name(f".{target.name}.replaced")
    for leftover in (incoming, outgoing):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(replacement, incoming)
    if target.exists():
        os.replace(target, outgoing)
    os.replace(incoming, target)
    shutil.rmtree(outgoing, ignore_errors=True)


def apply_backup(unpacked: UnpackedBackup, database: Mapping[str, Any], media_root: Path) -> None:
    """Replace the live database and uploads with an unpacked, verified backup."""
    load_database(database, unpacked.database_file)
    try:
        replace_directory(media_root, unpacked.uploads)
    except OSError as e:
        raise BackupError(
            f"The database was restored, but the uploads folder {media_root} could not be "
            f"replaced ({e}). Fix that and run the restore again."
        ) from None
