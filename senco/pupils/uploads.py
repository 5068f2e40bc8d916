"""Documents people upload (a report from outside, evidence for a concern), by allow-list.

A file is taken for what its first bytes say it is, not for its name or the browser's word:
PDF, Word (DOCX, and the older DOC), OpenDocument text, JPEG and PNG, up to
SENCO_DOCUMENT_MAX_MB. It is stored under a random name outside the web root (MEDIA_ROOT is
never served) and read back only through a view that checks access and writes the read to the
audit log.
"""

import hashlib
import io
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
ACCEPT = ",".join(f".{k}" for k in KINDS) + ",.jpeg"
ALLOWED_TEXT = "a PDF, a Word document (DOCX or DOC), an OpenDocument text (ODT), a JPEG or a PNG"


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

    def as_file(self) -> ContentFile:
        return ContentFile(self.data, name=f"{uuid.uuid4().hex}.{self.kind}")


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "mimetype" in names and archive.read("mimetype").startswith(
                b"application/vnd.oasis.opendocument.text"
            ):
                return "odt"
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, RuntimeError):
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
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return None


def clean_filename(name: str) -> str:
    """The last part of the name the file arrived with, printable, at most 200 characters."""
    name = PurePath(str(name).replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable() and c not in '<>:"|?*')
    return name.strip()[-200:] or "document"


def check_document(upload, field: str = "file") -> Document:
    """A checked document from an uploaded file, or ValidationError saying what is wrong."""
    limit = settings.SENCO_DOCUMENT_MAX_MB * 1024 * 1024
    name = clean_filename(getattr(upload, "name", "") or "")
    if upload is None:
        raise ValidationError({field: ["Choose a file to upload."]})
    if upload.size > limit:
        raise ValidationError(
            {
                field: [
                    f"{name} is {upload.size / 1024 / 1024:.1f} MB: the largest file accepted "
                    f"is {settings.SENCO_DOCUMENT_MAX_MB} MB. Save it smaller (a PDF of the "
                    "report rather than photographs of it)."
                ]
            }
        )
    data = upload.read()
    if not data:
        raise ValidationError({field: [f"{name} is empty: choose the file again."]})
    kind = sniff(data)
    if kind is None:
        raise ValidationError(
            {field: [f"{name} is not {ALLOWED_TEXT}: save it as a PDF and upload that."]}
        )
    return Document(filename=name, kind=kind, data=data)
