"""Small real files of each kind, and hostile ones, for the upload and report tests."""

import functools
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile


@functools.cache
def pdf() -> bytes:
    import weasyprint

    return weasyprint.HTML(string="<h1>Speech and language therapy report (test)</h1>").write_pdf()


def docx(macros: bool = False) -> bytes:
    import docx as python_docx

    out = io.BytesIO()
    document = python_docx.Document()
    document.add_paragraph("Educational psychology report (test)")
    document.save(out)
    if not macros:
        return out.getvalue()
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("word/vbaProject.bin", b"macro")
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def zip_of_photos() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photo.txt", "not a document")
    return out.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def doc() -> bytes:
    """The start of a Word 97-2003 file: the OLE signature and a WordDocument stream's name."""
    return OLE + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 100


def msi() -> bytes:
    """An OLE file without a WordDocument stream, as an installer is."""
    return OLE + b"\x00" * 504 + "SummaryInformation".encode("utf-16-le") + b"\x00" * 100


def image(fmt: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format=fmt)
    return out.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


def upload(data: bytes, name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")
