"""PDF from the same Django templates as the pages, by WeasyPrint, offline.

A document never fetches anything: the only resource it may load is the school's logo, which is
embedded as a data: URI, and `NoFetching` refuses every other scheme (http, https, file, ftp), so
text a user typed can never make the server call out or read a file.
"""

import base64

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from senco.documents import attachment, school_logo

PDF_CONTENT_TYPE = "application/pdf"


class NoFetching(URLFetcher):
    """Only data: URIs (the embedded logo) are read; everything else is refused unopened."""

    def __init__(self):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def letterhead(request, school) -> dict:
    """What every printed document's header and footer show: the school's name and logo,
    that it is confidential, and who printed it when."""
    logo = school_logo(school)
    logo_uri = (
        f"data:{logo.content_type};base64,{base64.b64encode(logo.data).decode('ascii')}"
        if logo
        else ""
    )
    user = request.user
    return {
        "school": school,
        "logo_uri": logo_uri,
        "printed_by": user.get_full_name() or user.username,
        "printed_at": timezone.localtime(),
    }


def render_pdf(request, template: str, context: dict, school) -> bytes:
    html = render_to_string(template, {**letterhead(request, school), **context}, request)
    return HTML(string=html, url_fetcher=NoFetching()).write_pdf()


def pdf_response(request, template: str, context: dict, filename: str, *, school):
    """A PDF download of `template` (which extends documents/base.html)."""
    return attachment(render_pdf(request, template, context, school), PDF_CONTENT_TYPE, filename)
