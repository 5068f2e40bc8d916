"""The test OpenID Connect provider answers as a real one would, and as allauth expects."""

import base64
import hashlib
import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Client
from allauth.socialaccount.providers.oauth2.utils import generate_code_challenge

from tests.oidc_provider import OidcProvider

CLIENT_ID = "senco-test"
SECRET = "s3cret"
CALLBACK = "http://testserver/accounts/oidc/microsoft/login/callback/"
TIMEOUT = 5


def get(url: str, **kwargs: Any) -> requests.Response:
    return requests.get(url, timeout=TIMEOUT, **kwargs)


def post(url: str, **kwargs: Any) -> requests.Response:
    return requests.post(url, timeout=TIMEOUT, **kwargs)


@pytest.fixture
def provider() -> Iterator[OidcProvider]:
    with OidcProvider(client_id=CLIENT_ID, client_secret=SECRET) as provider:
        provider.add_user(
            "ada-1", "ada@school.example", "Ada Lovelace", tid="tenant-1", preferred_username="ada"
        )
        provider.next_user = "ada-1"
        yield provider


def authorize(provider: OidcProvider, **params: str) -> requests.Response:
    query = {
        "client_id": CLIENT_ID,
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "scope": "openid profile email",
        "state": "st4te",
        **params,
    }
    return get(f"{provider.issuer}/authorize", params=query, allow_redirects=False)


def code_from(response: requests.Response) -> str:
    return parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]


def redeem(provider: OidcProvider, code: str, **form: str) -> requests.Response:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        **form,
    }
    return post(f"{provider.issuer}/token", data=data)


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_discovery_names_the_endpoints_and_what_they_support(provider):
    config = get(f"{provider.issuer}/.well-known/openid-configuration").json()

    assert config["issuer"] == provider.issuer
    assert config["authorization_endpoint"] == f"{provider.issuer}/authorize"
    assert config["token_endpoint"] == f"{provider.issuer}/token"
    assert config["userinfo_endpoint"] == f"{provider.issuer}/userinfo"
    assert config["jwks_uri"] == f"{provider.issuer}/jwks"
    assert config["response_types_supported"] == ["code"]
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert set(config["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic",
        "client_secret_post",
    }


def test_the_code_flow_signs_in_the_next_user_with_a_verifiable_id_token(provider):
    verifier, challenge = pkce()
    answer = authorize(
        provider, nonce="n0nce", code_challenge=challenge, code_challenge_method="S256"
    )

    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    assert parse_qs(location.query)["state"] == ["st4te"]

    tokens = redeem(provider, code_from(answer), code_verifier=verifier).json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] > 0

    jwks = get(f"{provider.issuer}/jwks").json()
    [key] = jwks["keys"]
    assert (key["kty"], key["use"], key["alg"]) == ("RSA", "sig", "RS256")
    assert jwt.get_unverified_header(tokens["id_token"])["kid"] == key["kid"]
    claims = jwt.decode(
        tokens["id_token"],
        jwt.PyJWK(key).key,
        algorithms=["RS256"],
        audience=CLIENT_ID,
        issuer=provider.issuer,
    )
    assert claims["sub"] == "ada-1"
    assert claims["nonce"] == "n0nce"
    assert claims["email"] == "ada@school.example"
    assert claims["email_verified"] is True
    assert (claims["given_name"], claims["family_name"]) == ("Ada", "Lovelace")
    assert claims["tid"] == "tenant-1"
    assert claims["exp"] > claims["iat"]


def test_a_code_can_be_used_only_once(provider):
    code = code_from(authorize(provider))
    assert redeem(provider, code).status_code == 200

    replay = redeem(provider, code)

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"


def test_a_wrong_client_secret_is_refused(provider):
    answer = redeem(provider, code_from(authorize(provider)), client_secret="guess")

    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"


def test_client_secret_basic_is_accepted_as_well_as_the_secret_in_the_body(provider):
    data = {"grant_type": "authorization_code", "code": code_from(authorize(provider))}
    data["redirect_uri"] = CALLBACK

    answer = post(f"{provider.issuer}/token", data=data, auth=(CLIENT_ID, SECRET))

    assert answer.status_code == 200
    assert "id_token" in answer.json()


def test_a_wrong_code_verifier_is_refused(provider):
    _, challenge = pkce()
    code = code_from(authorize(provider, code_challenge=challenge, code_challenge_method="S256"))

    answer = redeem(provider, code, code_verifier="not-the-verifier")

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_a_different_redirect_uri_at_the_token_endpoint_is_refused(provider):
    answer = redeem(provider, code_from(authorize(provider)), redirect_uri="http://evil.example/")

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_an_unknown_client_id_gets_a_short_400_page(provider):
    answer = authorize(provider, client_id="someone-else")

    assert answer.status_code == 400
    assert answer.headers["Content-Type"].startswith("text/plain")
    assert "client_id" in answer.text


def test_without_a_next_user_the_person_declines(provider):
    provider.next_user = None

    answer = authorize(provider)

    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query == {"error": ["access_denied"], "state": ["st4te"]}


def test_userinfo_gives_the_users_claims_for_a_bearer_token(provider):
    access_token = redeem(provider, code_from(authorize(provider))).json()["access_token"]

    answer = get(f"{provider.issuer}/userinfo", headers={"Authorization": f"Bearer {access_token}"})

    assert answer.status_code == 200
    assert answer.json()["sub"] == "ada-1"
    assert answer.json()["email"] == "ada@school.example"


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token"])
def test_userinfo_without_a_valid_token_is_refused(provider, authorization):
    headers = {"Authorization": authorization} if authorization else {}

    answer = get(f"{provider.issuer}/userinfo", headers=headers)

    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_provider_records_what_it_received(provider):
    authorize(provider)

    [received] = provider.requests_to("/authorize")

    assert received.method == "GET"
    assert received.query["redirect_uri"] == CALLBACK


@pytest.mark.parametrize("basic_auth", [False, True])
def test_allauths_own_client_redeems_a_code_and_verifies_the_id_token(provider, basic_auth):
    client = OAuth2Client(
        None, CLIENT_ID, SECRET, "POST", f"{provider.issuer}/token", CALLBACK, basic_auth=basic_auth
    )
    client.state = "st4te"
    pkce_params = generate_code_challenge()
    verifier = pkce_params.pop("code_verifier")
    url = client.get_redirect_url(f"{provider.issuer}/authorize", ["openid", "email"], pkce_params)
    code = code_from(get(url, allow_redirects=False))

    tokens = client.get_access_token(code, pkce_code_verifier=verifier)

    claims = jwtkit.verify_and_decode(
        credential=tokens["id_token"],
        keys_url=f"{provider.issuer}/jwks",
        issuer=provider.issuer,
        audience=CLIENT_ID,
        lookup_kid=jwtkit.lookup_kid_jwk,
    )
    assert claims["sub"] == "ada-1"
    [received] = provider.requests_to("/token")
    assert ("Authorization" in received.headers) is basic_auth
