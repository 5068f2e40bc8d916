"""Counting a page's queries, for the tests that pin them (DESIGN.md: the count of a list page
must not grow with its rows)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for(client, url: str, data: dict | None = None) -> int:
    """How many queries one GET of `url` makes (it must answer 200)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, data or {}).status_code == 200
    return len(captured)
