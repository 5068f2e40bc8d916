"""Documents people upload (a report from outside, evidence for a concern), by allow-list.

A file is taken for what its bytes say it is, not for its name or the browser's word: PDF,
Word (DOCX, and the older DOC), OpenDocument text, JPEG and PNG, up to SENCO_DOCUMENT_MAX_MB.
It is stored under a random name outside the web root (MEDIA_ROOT is never served) and read
back only through a view that checks access and writes the read to the audit log, as an
attachment whose name ends in the extension of what the file really is.
"""

import contextlib
import hashlib
import io
import math
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

KINDS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "odt": "application/vnd.oasis.opendocument.text",
    "jpg": "image/jpeg",
    "png": "image/png",
}
# The extensions a downloaded file may keep for each kind; any other gets the kind's added, so
# an OLE file named setup.msi is saved as setup.msi.doc and never runs as an installer.
EXTENSIONS = {kind: {f".{kind}"} for kind in KINDS} | {"jpg": {".jpg", ".jpeg"}}
ACCEPT = ",".join(f".{k}" for k in KINDS) + ",.jpeg"
ALLOWED_TEXT = "a PDF, a Word document (DOCX or DOC), an OpenDocument text (ODT), a JPEG or a PNG"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream every Word 97-2003 file holds, as its name is written in the OLE directory. Other
# OLE files (Excel, PowerPoint, MSI installers) do not have it.
WORD_STREAM = "WordDocument".encode("utf-16-le")
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class Document:
    """A checked upload, ready to store."""

    filename: str
    kind: str
    data: bytes

    @property
    def content_type(self) -> str:
        return KINDS[self.kind]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)

    def as_file(self) -> ContentFile:
        """The bytes under a new random name: the name it arrived with never reaches the disk."""
        return ContentFile(self.data, name=f"{uuid.uuid4().hex}.{self.kind}")


def _zip_kind(data: bytes) -> str | None:
    """DOCX or ODT from the names inside the archive; nothing is decompressed but the few bytes
    of an ODT's `mimetype` entry, so a ZIP bomb costs nothing."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                # Macros: Word refuses them in a .docx, and nobody needs them in a report.
                return None if "word/vbaProject.bin" in names else "docx"
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    if entry.read(len(ODT_MIMETYPE)) == ODT_MIMETYPE:
                        return "odt"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, ValueError, RuntimeError):
        return None
    return None


def sniff(data: bytes) -> str | None:
    """The allowed kind the bytes are, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(OLE):
        return "doc" if WORD_STREAM in data else None
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return None


def clean_filename(name: str) -> str:
    """The last part of the name the file arrived with, printable, at most 200 characters."""
    name = PurePath(str(name).replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable() and c not in '<>:"|?*/')
    return name.strip().lstrip(".").strip()[-200:] or "document"


def with_extension(name: str, kind: str) -> str:
    """The name, ending in an extension of the kind the file really is."""
    if PurePath(name).suffix.lower() in EXTENSIONS[kind]:
        return name
    return f"{name[: 199 - len(kind)]}.{kind}"


def _megabytes(size: int) -> str:
    """Rounded up, so a file just over the limit never reads as equal to it."""
    return f"{math.ceil(size * 10 / 1024 / 1024) / 10:.1f} MB"


def check_document(upload, field: str = "file") -> Document:
    """A checked document from an uploaded file, or ValidationError saying what is wrong."""
    if upload is None:
        raise ValidationError({field: ["Choose a file to upload."]})
    limit = settings.SENCO_DOCUMENT_MAX_MB * 1024 * 1024
    name = clean_filename(getattr(upload, "name", "") or "")
    too_big = (
        f"{name} is {{}}: the largest file accepted is {settings.SENCO_DOCUMENT_MAX_MB} MB. "
        "Save it smaller (a PDF of the report rather than photographs of it)."
    )
    if (upload.size or 0) > limit:
        raise ValidationError({field: [too_big.format(_megabytes(upload.size))]})
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)  # never more than the limit, whatever the size claimed
    if len(data) > limit:
        raise ValidationError({field: [too_big.format(f"over {_megabytes(limit)}")]})
    if not data:
        raise ValidationError({field: [f"{name} is empty: choose the file again."]})
    kind = sniff(data)
    if kind is None:
        raise ValidationError(
            {field: [f"{name} is not {ALLOWED_TEXT}: save it as a PDF and upload that."]}
        )
    return Document(filename=with_extension(name, kind), kind=kind, data=data)


def store(record, document: Document) -> None:
    """Write a checked document's file for `record` (a model with file, filename, content_type,
    size and sha256) under a random name, before the record's row is saved: the file is
    written outside the transaction, so SQLite's one writer is held only briefly."""
    record.filename, record.content_type = document.filename, document.content_type
    record.size, record.sha256 = document.size, document.sha256
    upload = document.as_file()
    record.file.save(upload.name, upload, save=False)


@contextlib.contextmanager
def removed_if_unsaved(records):
    """Delete the files stored for these records if the block fails: no file without its row."""
    try:
        yield
    except BaseException:
        for record in records:
            record.file.delete(save=False)
        raise
