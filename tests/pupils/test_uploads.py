"""The allow-list for uploaded documents: what the bytes are decides, never the name."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from senco.pupils.uploads import KINDS, check_document, clean_filename, sniff
from tests.pupils import report_files as files


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (files.pdf, "pdf"),
        (files.docx, "docx"),
        (files.odt, "odt"),
        (files.doc, "doc"),
        (lambda: files.image("JPEG"), "jpg"),
        (lambda: files.image("PNG"), "png"),
    ],
)
def test_each_kind_of_document_is_known_by_its_bytes(make, kind):
    assert sniff(make()) == kind


@pytest.mark.parametrize(
    "data",
    [
        files.EXE,
        files.HTML,
        files.zip_of_photos(),
        files.docx(macros=True),
        files.msi(),
        b"PK\x03\x04 broken zip",
        b"%PD",
        b"",
    ],
    ids=["exe", "html", "zip", "docx-with-macros", "ole-not-word", "broken-zip", "short", "empty"],
)
def test_anything_else_is_not_a_document(data):
    assert sniff(data) is None


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("EP report.pdf", "EP report.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\senco\\Downloads\\SALT.docx", "SALT.docx"),
        ("report\x00\r\n.pdf", "report.pdf"),
        ("report\u202efdp.exe", "reportfdp.exe"),
        ('a<b>"c".pdf', "abc.pdf"),
        ("..", "document"),
        (".hidden.pdf", "hidden.pdf"),
        ("", "document"),
    ],
)
def test_a_filename_keeps_only_its_last_printable_part(name, cleaned):
    assert clean_filename(name) == cleaned


def test_a_very_long_filename_keeps_its_end():
    assert clean_filename("a" * 500 + ".pdf") == "a" * 196 + ".pdf"


def test_a_checked_document_knows_its_type_hash_and_size():
    data = files.pdf()
    document = check_document(files.upload(data, "EP report.pdf"))
    assert (document.filename, document.kind, document.content_type) == (
        "EP report.pdf",
        "pdf",
        KINDS["pdf"],
    )
    assert document.size == len(data) and len(document.sha256) == 64
    assert document.as_file().name.endswith(".pdf")
    assert document.as_file().name != document.as_file().name  # a new random name each time


def test_the_download_name_ends_in_what_the_file_really_is():
    assert check_document(files.upload(files.doc(), "setup.msi")).filename == "setup.msi.doc"
    assert check_document(files.upload(files.pdf(), "report.pdf.exe")).filename == (
        "report.pdf.exe.pdf"
    )
    assert check_document(files.upload(files.image("JPEG"), "scan.JPEG")).filename == "scan.JPEG"
    assert check_document(files.upload(files.docx(), "../../x")).filename == "x.docx"


def messages(upload) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        check_document(upload)
    return refused.value.message_dict["file"]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (files.EXE, "report.exe"),
        (files.HTML, "report.pdf"),
        (files.zip_of_photos(), "report.docx"),
        (files.docx(macros=True), "report.docx"),
        (files.msi(), "report.doc"),
    ],
    ids=["exe", "html-named-pdf", "zip-not-docx", "docx-with-macros", "ole-not-word"],
)
def test_a_file_that_is_not_a_document_is_refused_by_name(data, name):
    assert messages(files.upload(data, name)) == [
        f"{name} is not a PDF, a Word document (DOCX or DOC), an OpenDocument text (ODT), a JPEG "
        "or a PNG: save it as a PDF and upload that."
    ]


def test_no_file_and_an_empty_file_are_refused():
    assert messages(None) == ["Choose a file to upload."]
    empty = files.upload(b"", "blank.pdf")
    assert messages(empty) == ["blank.pdf is empty: choose the file again."]


@override_settings(SENCO_DOCUMENT_MAX_MB=1)
def test_a_file_over_the_limit_is_refused_before_it_is_read():
    big = files.upload(b"%PDF-" + b"0" * 1024 * 1024, "scan.pdf")
    assert messages(big) == [
        "scan.pdf is 1.1 MB: the largest file accepted is 1 MB. Save it smaller (a PDF of the "
        "report rather than photographs of it)."
    ]
    assert big.tell() == 0


@override_settings(SENCO_DOCUMENT_MAX_MB=1)
def test_a_file_whose_size_is_understated_is_still_refused():
    lying = files.upload(b"%PDF-" + b"0" * 1024 * 1024, "scan.pdf")
    lying.size = 10
    assert messages(lying)[0].startswith("scan.pdf is over 1.0 MB")


@override_settings(SENCO_DOCUMENT_MAX_MB=1)
def test_a_file_exactly_at_the_limit_is_taken():
    exact = files.upload(b"%PDF-" + b"0" * (1024 * 1024 - 5), "scan.pdf")
    assert check_document(exact).size == 1024 * 1024


def test_a_file_already_read_is_read_from_its_start():
    upload = files.upload(files.pdf())
    upload.read()
    assert check_document(upload).kind == "pdf"
