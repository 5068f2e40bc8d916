"""The OpenAPI schema: generated without a warning, equal to the snapshot in docs/api/, served at
/api/schema/, with its docs at /api/docs/ from local files only.

After changing the API, regenerate the snapshot (docs/api.md, "The schema"):
    .venv/bin/senco spectacular --file docs/api/openapi.yaml --validate --fail-on-warn
"""

import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

SNAPSHOT = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"


def test_the_schema_matches_the_snapshot_in_the_repository(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")
    assert generated.read_text() == SNAPSHOT.read_text(), (
        "The API changed: regenerate docs/api/openapi.yaml (see this file's docstring) and "
        "review the difference."
    )


def test_every_operation_needs_a_token_and_documents_its_errors():
    schema = yaml.safe_load(SNAPSHOT.read_text())
    assert schema["openapi"] == "3.1.0"
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) == 9
    for operation in operations:
        assert operation["security"] == [{"token": []}], operation["operationId"]
        assert {"400", "401", "403", "404", "429"} <= set(operation["responses"])


@pytest.mark.django_db
def test_the_schema_is_served_to_anyone():
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    assert yaml.safe_load(response.content)["openapi"] == "3.1.0"
    assert Client().get("/api/schema/?format=json").json()["info"]["title"] == "OpenSENCO API"


@pytest.mark.django_db
def test_the_docs_load_swagger_ui_from_this_server_with_no_inline_script():
    client = Client()
    response = client.get("/api/docs/")
    page = response.content.decode()
    assert response.status_code == 200 and "<title>OpenSENCO API</title>" in page
    scripts = re.findall(r"<script([^>]*)>", page)
    assert len(scripts) == 3 and all('src="/' in attributes for attributes in scripts)
    assert "http://" not in page and "https://" not in page and "<style" not in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    setup = client.get("/api/docs/?script=")
    assert setup.status_code == 200 and b"SwaggerUIBundle" in setup.content
    assert b"/api/schema/" in setup.content
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_index_says_where_the_parts_are():
    body = Client().get("/api/").json()
    assert body["docs"].endswith("/api/docs/") and body["tokens"].endswith("/api/tokens/")
