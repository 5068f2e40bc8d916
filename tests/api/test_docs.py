"""docs/api.md's Python examples run, as they are and in order, against the demo school.

requests' transport is swapped for Django's test client, so the examples' own code (requests, the
addresses, the JSON) is what runs, with no server to start."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from requests.structures import CaseInsensitiveDict

from senco.api.models import ApiToken
from tests.api.helpers import token_for

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"
SERVER = "http://testserver"


class ThroughTestClient(requests.adapters.BaseAdapter):
    """A requests transport that hands each request to Django's test client."""

    def __init__(self):
        super().__init__()
        self.client = Client()

    def send(self, request, **kwargs):
        address = urlsplit(request.url)
        headers = {
            k: v for k, v in request.headers.items() if k not in ("Content-Type", "Content-Length")
        }
        answer = self.client.generic(
            request.method,
            f"{address.path}?{address.query}" if address.query else address.path,
            request.body or b"",
            content_type=request.headers.get("Content-Type", ""),
            headers=headers,
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.content
        response.headers = CaseInsensitiveDict(answer.headers)
        response.url, response.request = request.url, request
        return response

    def close(self):
        pass


@pytest.mark.django_db
def test_the_python_examples_in_the_guide_run_against_the_demo_school(monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(), re.DOTALL)
    assert len(blocks) == 5
    monkeypatch.setenv("OPENSENCO_URL", SERVER)
    monkeypatch.setenv("OPENSENCO_TOKEN", token_for("senco"))
    transport = ThroughTestClient()
    monkeypatch.setattr(requests.Session, "get_adapter", lambda session, url: transport)
    exec("\n".join(blocks), {})  # noqa: S102 - our own documentation
    printed = capsys.readouterr().out
    assert "pupils with SEN support" in printed
    assert "needs a primary need" in printed
    assert "201 200 103" in printed
    assert ApiToken.objects.get().last_used_at is not None
