"""Passports and class views as PDF and Word documents, with the school's letterhead."""

import contextlib
import io
import re
import zlib

import pytest
from django.core.files.base import ContentFile
from docx import Document
from PIL import Image

from senco.audit.models import AuditEntry
from senco.documents import pdf, school_logo
from tests import targets
from tests.passports.helpers import class_url, current, teachers_class, url, write

pytestmark = pytest.mark.django_db


def pdf_content(body: bytes) -> bytes:
    """The PDF with its compressed streams opened: metadata, bookmarks (the headings) and the
    page tree can be searched; the text itself is drawn in glyphs and cannot."""
    out = body
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S):
        with contextlib.suppress(zlib.error):
            out += zlib.decompress(stream.group(1))
    return out


def pages(body: bytes) -> int:
    found = re.search(rb"<</Type /Pages/Kids \[[^\]]*\]/Count (\d+)>>", pdf_content(body))
    assert found, "no page tree"
    return int(found.group(1))


def docx_text(body: bytes) -> str:
    document = Document(io.BytesIO(body))
    return "\n".join(p.text for p in document.paragraphs)


def with_logo(school) -> None:
    out = io.BytesIO()
    Image.new("RGB", (120, 60), (0, 94, 165)).save(out, "PNG")
    school.logo.save("logo.png", ContentFile(out.getvalue()))


def test_the_passport_pdf_is_one_page_with_the_schools_name_and_headings(client_for):
    pupil = targets.taught_pupil()
    response = client_for("teacher").get(url("pdf", pupil))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    content = pdf_content(response.content)
    assert pupil.school.name.encode() in content
    assert b"Strategies for staff" in content and b"About me" in content
    assert pages(response.content) == 1
    assert AuditEntry.objects.filter(action="passport.downloaded", pupil_id=pupil.pk).count() == 1


def test_a_download_is_an_attachment_never_cached_and_its_name_carries_no_pupil_name(
    client_for,
):
    pupil = targets.taught_pupil()
    for name in ("pdf", "docx"):
        response = client_for("teacher").get(url(name, pupil))
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert f"passport-{pupil.initials}-" in disposition
        assert pupil.last_name not in disposition and pupil.first_name not in disposition
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_passport_docx_has_the_school_name_headings_and_strategies_as_bullets(client_for):
    pupil = targets.taught_pupil()
    version = write(pupil, strategies="Seat near the door.\nUse a timer for tasks.")
    response = client_for("senco").get(url("docx", pupil))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = docx_text(response.content)
    assert pupil.school.name in text and "Confidential. Printed by" in text
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "About me" in headings and "Strategies for staff" in headings
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets == version.strategy_list
    assert not document.inline_shapes


def test_the_schools_logo_is_in_both_documents(client_for):
    pupil = targets.taught_pupil()
    with_logo(pupil.school)
    client = client_for("senco")
    document = Document(io.BytesIO(client.get(url("docx", pupil)).content))
    assert len(document.inline_shapes) == 1
    assert b"/Subtype /Image" in pdf_content(client.get(url("pdf", pupil)).content)


def test_a_logo_that_is_not_an_image_is_left_off_and_the_document_still_made(client_for):
    pupil = targets.taught_pupil()
    pupil.school.logo.save("logo.png", ContentFile(b"<svg onload=alert(1)>not a picture"))
    assert school_logo(pupil.school) is None
    response = client_for("senco").get(url("docx", pupil))
    assert response.status_code == 200
    assert not Document(io.BytesIO(response.content)).inline_shapes


def test_a_pdf_never_fetches_anything_but_the_embedded_logo():
    fetcher = pdf.NoFetching()
    for address in ("http://example.org/a.png", "https://x.test/", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(address)
    assert fetcher.fetch("data:text/plain;base64,aGk=") is not None


def test_text_a_user_typed_cannot_load_a_remote_picture_into_the_pdf(client_for):
    pupil = targets.taught_pupil()
    write(pupil, about_me='<img src="http://127.0.0.1:9/tracker.png"> I like trains.')
    response = client_for("senco").get(url("pdf", pupil))
    assert response.status_code == 200
    assert b"/Subtype /Image" not in pdf_content(response.content)


def test_a_control_character_pasted_into_a_passport_or_a_name_still_makes_the_word_documents(
    client_for,
):
    pupil = targets.taught_pupil()
    type(pupil).objects.filter(pk=pupil.pk).update(preferred_first_name="Al\x1bex")
    write(pupil, about_me="I like\x08 trains.", strategies="Sit\x0c near the front.")
    senco = client_for("senco")
    passport = senco.get(url("docx", pupil))
    assert passport.status_code == 200 and "I like trains." in docx_text(passport.content)
    group = teachers_class()
    assert senco.get(class_url("docx", group)).status_code == 200


def test_a_very_long_passport_still_makes_a_pdf(client_for):
    pupil = targets.taught_pupil()
    write(pupil, about_me="word " * 600, strategies="\n".join(f"Strategy {n}" for n in range(80)))
    response = client_for("senco").get(url("pdf", pupil))
    assert response.status_code == 200 and pages(response.content) >= 1


def test_the_class_view_pdf_and_docx_list_each_pupil_with_sen_and_their_strategies(
    client_for,
):
    group = teachers_class()
    client = client_for("teacher")
    response = client.get(class_url("pdf", group))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert group.school.name.encode() in pdf_content(response.content)
    assert f"class-{group.name.lower()}-" in response["Content-Disposition"]
    document = client.get(class_url("docx", group))
    assert document.status_code == 200
    text = docx_text(document.content)
    assert group.school.name in text
    with_passport = [
        p for p in group.pupils.filter(sen_provision__in=["K", "E"]) if p.passports.exists()
    ]
    for pupil in with_passport:
        assert pupil.full_name in text and current(pupil).strategy_list[0] in text
    downloads = AuditEntry.objects.filter(action="class.downloaded", actor_label="teacher")
    assert downloads.count() == 2
