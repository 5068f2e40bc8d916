"""Pupil photos from the MIS: a ZIP of JPEG or PNG files, each named by the pupil's UPN
(A123456789012.jpg).

Every picture is opened with Pillow, checked, made at most 400 pixels on its longer side and
saved again as JPEG, so what is stored is a plain picture with no hidden data (EXIF, location,
anything appended). A photo already imported from the same file is left alone.
"""

import hashlib
import io
import warnings
import zipfile
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from senco.audit import log
from senco.interop.framework import (
    CHANGE,
    CREATE,
    REFUSE,
    SAME,
    Kind,
    Plan,
    RowResult,
    register,
)
from senco.interop.mis import pupils_by_upn
from senco.interop.tabular import FileRefused

MAX_PHOTOS = 5000
MAX_PHOTO_BYTES = 10_000_000
MAX_PIXELS = 25_000_000
SIDE = 400
PICTURES = {".jpg", ".jpeg", ".png"}


def is_photo_archive(data: bytes) -> bool:
    """A ZIP holding pictures (an XLSX file is a ZIP too, holding a workbook)."""
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return False
    return "xl/workbook.xml" not in names and any(
        PurePosixPath(n).suffix.lower() in PICTURES for n in names
    )


def picture_entries(data: bytes, max_bytes: int) -> list[zipfile.ZipInfo]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    entries = [
        e for e in archive.infolist()
        if not e.is_dir() and not PurePosixPath(e.filename).name.startswith(".")
    ]  # fmt: skip
    if len(entries) > MAX_PHOTOS:
        raise FileRefused(f"The ZIP holds {len(entries)} files; the most is {MAX_PHOTOS}.")
    if sum(e.file_size for e in entries) > max_bytes * 10:
        raise FileRefused("The ZIP expands to far more than a school's photos take.")
    return entries


def _photo(raw: bytes) -> bytes:
    """The picture re-drawn as a small JPEG; ValueError saying what is wrong with it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw), formats=["JPEG", "PNG"])
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):  # fmt: skip
        raise ValueError("it is not a JPEG or PNG picture that can be read.") from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ValueError(f"it is {width} by {height} pixels; a photo needs far fewer.")
    try:
        with image:
            image.load()
            image.thumbnail((SIDE, SIDE))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=85)
            return out.getvalue()
    except (OSError, Image.DecompressionBombError):
        raise ValueError("it is not a picture that can be read.") from None


class PhotosKind(Kind):
    key = "photos"
    label = "Pupil photos"
    help = "A ZIP of JPEG or PNG photos, each named by the pupil's UPN (A123456789012.jpg)."
    columns = ()
    whole_file = True

    def recognises(self, data: bytes) -> bool:
        return is_photo_archive(data)

    def plan_file(self, school, data: bytes, max_bytes: int, progress) -> Plan:
        entries = picture_entries(data, max_bytes)
        archive = zipfile.ZipFile(io.BytesIO(data))
        pupils = pupils_by_upn(school)
        results, work = [], []
        for number, entry in enumerate(entries, start=1):
            name = entry.filename[:200]
            result = RowResult(number, SAME, label=name)
            results.append(result)
            upn = PurePosixPath(name).stem.upper()
            pupil = pupils.get(upn)
            result.about(pupil)
            if PurePosixPath(name).suffix.lower() not in PICTURES:
                result.refuse(f"{name}: only JPEG and PNG photos are read.")
            elif pupil is None:
                result.refuse(f"{name}: no pupil has the UPN {upn[:20]!r}; name each file by UPN.")
            elif entry.file_size > MAX_PHOTO_BYTES:
                result.refuse(f"{name} is larger than {MAX_PHOTO_BYTES // 1_000_000} MB.")
            if result.outcome == REFUSE or pupil is None:
                continue
            raw = archive.read(entry)
            digest = hashlib.sha256(raw).hexdigest()
            if digest == pupil.photo_sha256:
                continue
            try:
                photo = _photo(raw)
            except ValueError as e:
                result.refuse(f"{name}: {e}")
                continue
            result.outcome = CHANGE if pupil.photo else CREATE
            result.label = f"{pupil.full_name} ({upn})"
            work.append((pupil, photo, digest, result))
            progress(number)
        return Plan(results=results, work=work)

    @transaction.atomic
    def apply(self, school, plan, by) -> None:
        entries: list[tuple] = []
        for pupil, photo, digest, result in plan.work:
            pupil.photo.save(f"{pupil.public_id.hex[:12]}.jpg", ContentFile(photo), save=False)
            pupil.photo_sha256 = digest
            pupil.save(update_fields=["photo", "photo_sha256"])
            entries.append((pupil, "pupil.photo_imported", pupil, {}, {"line": result.line}))
        log.changes(by, entries)


register(PhotosKind())
