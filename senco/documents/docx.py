"""Editable Word documents (python-docx) with the school's letterhead: staff change them."""

import contextlib
import io
import re

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.exceptions import UnrecognizedImageError
from docx.shared import Cm, Pt

from senco.documents import attachment, school_logo

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Characters XML cannot hold: one pasted into a passport or imported in a name would stop Word
# documents being made at all.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def paragraph(document, text: str, style: str | None = None):
    return document.add_paragraph(NOT_XML.sub("", text), style=style)


def heading(document, text: str, level: int = 2):
    return document.add_heading(NOT_XML.sub("", text), level=level)


def letterhead(request, school, title: str):
    """A new document headed with the school's logo and name, the title, and a line saying it
    is confidential and who printed it when (in the page footer too)."""
    document = Document()
    section = document.sections[0]
    section.top_margin = section.bottom_margin = Cm(1.5)
    section.left_margin = section.right_margin = Cm(1.8)
    document.styles["Normal"].font.size = Pt(11)
    logo = school_logo(school)
    if logo:
        # A logo Word cannot take is left off rather than failing the document.
        with contextlib.suppress(UnrecognizedImageError):
            document.add_picture(io.BytesIO(logo.data), height=Cm(2))
    paragraph(document, school.name, style="Title")
    heading(document, title, level=1)
    printed = NOT_XML.sub("", printed_line(request))
    document.add_paragraph().add_run(printed).italic = True
    footer = section.footer.paragraphs[0]
    footer.text = printed
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return document


def printed_line(request) -> str:
    user = request.user
    when = timezone.localtime()
    name = user.get_full_name() or user.username
    return f"Confidential. Printed by {name} on {when:%d/%m/%Y at %H:%M}."


def add_section(document, title: str, text: str, *, level: int = 2) -> None:
    """A heading and its text, one paragraph a line; nothing when the text is empty."""
    if not text.strip():
        return
    heading(document, title, level=level)
    for line in text.splitlines():
        if line.strip():
            paragraph(document, line.strip())


def add_bullets(document, items: list[str]) -> None:
    for item in items:
        paragraph(document, item, style="List Bullet")


def docx_response(document, filename: str):
    out = io.BytesIO()
    document.save(out)
    return attachment(out.getvalue(), DOCX_CONTENT_TYPE, filename)
