"""Documents for people outside the screen: PDF (`pdf.py`) and DOCX (`docx.py`) with the
school's letterhead, and charts. Each download is an attachment never kept by a browser cache."""

import io
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from PIL import Image, UnidentifiedImageError

# A logo larger than this is left off rather than slowing every document down.
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}


@dataclass(frozen=True)
class Logo:
    data: bytes
    content_type: str


def school_logo(school) -> Logo | None:
    """The school's logo read from storage, when it is a small PNG, JPEG or GIF; else None."""
    if not school.logo:
        return None
    try:
        with school.logo.open("rb") as f:
            data = f.read(LOGO_MAX_BYTES + 1)
        if len(data) > LOGO_MAX_BYTES:
            return None
        with Image.open(io.BytesIO(data)) as image:
            content_type = LOGO_TYPES.get(image.format or "")
    except (OSError, UnidentifiedImageError, ValueError):
        return None
    return Logo(data, content_type) if content_type else None


def attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    """A download: saved, not shown, and not kept by the browser or a proxy."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response
