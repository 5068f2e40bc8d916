"""Sign-in with the school's Microsoft 365 or Google Workspace, against a local OpenID Connect
provider the test starts (tests/oidc_provider.py)."""

from urllib.parse import urlsplit

import pytest
import requests
from django.core.management import CommandError, call_command
from django.test import Client

from senco.audit.models import AuditEntry
from tests import targets
from tests.oidc_provider import OidcProvider

pytestmark = pytest.mark.django_db


@pytest.fixture
def microsoft(monkeypatch):
    with OidcProvider(client_id="senco-test", client_secret="s3cret") as provider:
        monkeypatch.setenv("SENCO_OIDC_SECRET", provider.client_secret)
        call_command(
            "school_sign_in", "on", "--school", targets.home_school().urn,
            "--name", "Microsoft 365", "--server-url", provider.issuer,
            "--client-id", provider.client_id, "--provider-id", "microsoft",
        )  # fmt: skip
        yield provider


def sign_in_with(provider: OidcProvider, client: Client, sub: str | None):
    provider.next_user = sub
    start = client.post("/accounts/oidc/microsoft/login/")
    assert start.status_code == 302
    back = requests.get(start["Location"], allow_redirects=False, timeout=10)
    callback = urlsplit(back.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}", follow=True)


def test_the_login_page_offers_the_schools_sign_in(microsoft, client):
    assert b"Sign in with Microsoft 365" in client.get("/accounts/login/").content


def test_a_member_signs_in_with_the_school_account_and_needs_no_second_step_here(
    microsoft, persona
):
    teacher = persona("teacher")
    teacher.is_demo = False
    teacher.save()
    microsoft.add_user("ms-1", teacher.email, "Tess Teacher")
    client = Client()
    sign_in_with(microsoft, client, "ms-1")
    assert client.get("/pupils/").status_code == 200
    assert microsoft.requests_to("/token")[0].form["code_verifier"]  # PKCE
    assert AuditEntry.objects.filter(action="signin.succeeded", actor_label="teacher").exists()


def test_an_unknown_school_account_is_turned_away_and_no_account_is_made(microsoft, persona):
    microsoft.add_user("ms-2", "stranger@elsewhere.example", "A Stranger")
    client = Client()
    page = sign_in_with(microsoft, client, "ms-2")
    assert b"not set up for this school" in page.content
    assert client.get("/").status_code == 302
    assert AuditEntry.objects.filter(action="signin.provider_refused").exists()


def test_a_member_of_a_school_without_the_sign_in_is_turned_away(microsoft, persona):
    other = persona("other_senco")
    microsoft.add_user("ms-3", other.email, "Other Senco")
    client = Client()
    page = sign_in_with(microsoft, client, "ms-3")
    assert b"not set up for this school" in page.content
    assert client.get("/").status_code == 302


def test_an_unverified_email_is_not_trusted(microsoft, persona):
    microsoft.add_user("ms-4", persona("teacher").email, "Tess", email_verified=False)
    client = Client()
    sign_in_with(microsoft, client, "ms-4")
    assert client.get("/").status_code == 302


def test_declining_at_the_provider_signs_nobody_in(microsoft):
    client = Client()
    page = sign_in_with(microsoft, client, None)
    assert page.status_code in (200, 401) and client.get("/").status_code == 302


def test_switching_it_off_removes_the_button_and_the_sign_in(microsoft, client):
    call_command("school_sign_in", "off", "--school", targets.home_school().urn)
    assert b"Sign in with Microsoft 365" not in client.get("/accounts/login/").content
    assert client.post("/accounts/oidc/microsoft/login/").status_code == 404


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["off", "--school", "999999"], "No school has the URN"),
        (
            ["on", "--school", "990000", "--name", "M", "--server-url", "http://idp.example",
             "--client-id", "x"],
            "must be an https:// address",
        ),
        (
            ["on", "--school", "990000", "--name", "M", "--server-url", "https://idp.example",
             "--client-id", "x", "--provider-id", "Bad Id!"],
            "use letters, digits and -",
        ),
    ],
)  # fmt: skip
def test_the_command_refuses_bad_input_naming_it(args, message, monkeypatch):
    monkeypatch.setenv("SENCO_OIDC_SECRET", "s")
    with pytest.raises(CommandError, match=message):
        call_command("school_sign_in", *args)


def test_the_command_wants_the_secret_from_the_environment(monkeypatch):
    monkeypatch.delenv("SENCO_OIDC_SECRET", raising=False)
    with pytest.raises(CommandError, match="SENCO_OIDC_SECRET"):
        call_command(
            "school_sign_in", "on", "--school", "990000", "--name", "M",
            "--server-url", "https://idp.example", "--client-id", "x",
        )  # fmt: skip


def test_a_provider_that_does_not_verify_emails_can_be_trusted_for_its_own_tenant(
    microsoft, persona
):
    call_command(
        "school_sign_in", "on", "--school", targets.home_school().urn, "--name", "Microsoft 365",
        "--server-url", microsoft.issuer, "--client-id", microsoft.client_id,
        "--provider-id", "microsoft", "--trust-emails",
    )  # fmt: skip
    microsoft.add_user("ms-6", persona("teacher").email, "Tess", email_verified=False)
    client = Client()
    sign_in_with(microsoft, client, "ms-6")
    assert client.get("/pupils/").status_code == 200


def test_two_schools_cannot_share_a_provider_name_with_different_tenants(microsoft):
    with pytest.raises(CommandError, match="give this school its own --provider-id"):
        call_command(
            "school_sign_in", "on", "--school", targets.other_school().urn,
            "--name", "Microsoft 365", "--server-url", "https://login.example/other-tenant",
            "--client-id", "another-app", "--provider-id", "microsoft",
        )  # fmt: skip
