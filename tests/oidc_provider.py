"""A small OpenID Connect provider for tests: sign-in end to end without the network.

It runs on 127.0.0.1 in a daemon thread and has no login page: /authorize approves at once
as `next_user` (or answers access_denied when that is None, as if the person declined).

    with OidcProvider(client_id="senco-test", client_secret="s3cret") as provider:
        provider.add_user("u1", "ada@example.org", "Ada Lovelace")
        provider.next_user = "u1"
        ...  # point allauth at provider.issuer
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

TOKEN_LIFETIME = 300
SCOPES = ["openid", "profile", "email"]
NAME_CLAIMS = ["given_name", "family_name"]


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as the provider saw it; `form` is the parsed body of a POST."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    form: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Grant:
    """What an authorization code stands for until /token redeems it."""

    sub: str
    client_id: str
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None


class OidcError(Exception):
    def __init__(self, status: HTTPStatus, error: str, description: str = "") -> None:
        super().__init__(description or error)
        self.status = status
        self.error = error
        self.description = description


class OidcProvider:
    def __init__(self, client_id: str = "senco-test", client_secret: str | None = None) -> None:
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(16)
        self.users: dict[str, dict[str, Any]] = {}
        self.next_user: str | None = None
        self.requests: list[ReceivedRequest] = []
        self.kid = secrets.token_hex(8)
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._codes: dict[str, Grant] = {}
        self._access_tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def add_user(
        self,
        sub: str,
        email: str,
        name: str,
        *,
        given_name: str = "",
        family_name: str = "",
        email_verified: bool = True,
        **extra: Any,
    ) -> None:
        """Register a person; `extra` claims (e.g. tid, preferred_username) are passed on."""
        first, _, last = name.partition(" ")
        self.users[sub] = {
            "sub": sub,
            "email": email,
            "email_verified": email_verified,
            "name": name,
            "given_name": given_name or first,
            "family_name": family_name or last,
            **extra,
        }

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> OidcProvider:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def requests_to(self, path: str) -> list[ReceivedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    # What the endpoints answer; the handler below only moves bytes.

    def discovery(self) -> dict[str, Any]:
        issuer = self.issuer
        return {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "jwks_uri": f"{issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": SCOPES,
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "email_verified", "name", *NAME_CLAIMS],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def authorize(self, query: dict[str, str]) -> str:
        """Returns where to redirect the browser; raises OidcError for a 400 page."""
        if query.get("client_id") != self.client_id:
            raise OidcError(HTTPStatus.BAD_REQUEST, "invalid_client", "unknown client_id")
        redirect_uri = query.get("redirect_uri")
        if not redirect_uri:
            raise OidcError(HTTPStatus.BAD_REQUEST, "invalid_request", "redirect_uri missing")
        if query.get("response_type") != "code":
            raise OidcError(HTTPStatus.BAD_REQUEST, "unsupported_response_type")
        challenge = query.get("code_challenge")
        if challenge and query.get("code_challenge_method", "plain") != "S256":
            raise OidcError(HTTPStatus.BAD_REQUEST, "invalid_request", "only S256 is supported")
        state = {"state": query["state"]} if "state" in query else {}
        if self.next_user is None:
            return _with_query(redirect_uri, {"error": "access_denied", **state})
        if self.next_user not in self.users:
            raise OidcError(HTTPStatus.BAD_REQUEST, "invalid_request", "next_user is unknown")
        code = secrets.token_urlsafe(24)
        grant = Grant(self.next_user, self.client_id, redirect_uri, query.get("nonce"), challenge)
        with self._lock:
            self._codes[code] = grant
        return _with_query(redirect_uri, {"code": code, **state})

    def token(self, form: dict[str, str], authorization: str | None) -> dict[str, Any]:
        client_id = self._authenticate_client(form, authorization)
        if form.get("grant_type") != "authorization_code":
            raise OidcError(HTTPStatus.BAD_REQUEST, "unsupported_grant_type")
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)
        if grant is None or grant.client_id != client_id:
            raise OidcError(HTTPStatus.BAD_REQUEST, "invalid_grant", "unknown or used code")
        if form.get("redirect_uri") != grant.redirect_uri:
            raise OidcError(HTTPStatus.BAD_REQUEST, "invalid_grant", "redirect_uri differs")
        _check_pkce(grant.code_challenge, form.get("code_verifier"))
        return self._issue_tokens(grant)

    def userinfo(self, authorization: str | None) -> dict[str, Any]:
        scheme, _, token = (authorization or "").partition(" ")
        with self._lock:
            sub, expires = self._access_tokens.get(token, ("", 0.0))
        if scheme.lower() != "bearer" or not sub or expires < time.time():
            raise OidcError(HTTPStatus.UNAUTHORIZED, "invalid_token")
        return self.users[sub]

    def _authenticate_client(self, form: dict[str, str], authorization: str | None) -> str:
        candidates = _basic_credentials(authorization) or [
            (form.get("client_id", ""), form.get("client_secret", ""))
        ]
        for client_id, secret in candidates:
            known = hmac.compare_digest(client_id, self.client_id)
            if known and hmac.compare_digest(secret, self.client_secret):
                return client_id
        raise OidcError(HTTPStatus.UNAUTHORIZED, "invalid_client")

    def _issue_tokens(self, grant: Grant) -> dict[str, Any]:
        access_token = secrets.token_urlsafe(32)
        with self._lock:
            self._access_tokens[access_token] = (grant.sub, time.time() + TOKEN_LIFETIME)
        return {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME,
            "scope": " ".join(SCOPES),
            "id_token": self.id_token(grant.sub, nonce=grant.nonce),
        }

    def id_token(self, sub: str, *, nonce: str | None = None, **overrides: Any) -> str:
        """Signed as /token signs it; `overrides` let a test forge a bad one (exp, aud, iss)."""
        now = int(time.time())
        claims = {
            **self.users[sub],
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + TOKEN_LIFETIME,
        }
        if nonce is not None:
            claims["nonce"] = nonce
        claims.update(overrides)
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})

    def _record(self, request: ReceivedRequest) -> None:
        with self._lock:
            self.requests.append(request)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, provider: OidcProvider) -> None:
        self.provider = provider
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read `provider.requests` instead."""

    def do_GET(self) -> None:
        request = self._received({})
        routes = {
            "/.well-known/openid-configuration": lambda: self.provider.discovery(),
            "/jwks": lambda: self.provider.jwks(),
            "/userinfo": lambda: self.provider.userinfo(self.headers.get("Authorization")),
        }
        try:
            if request.path == "/authorize":
                self._redirect(self.provider.authorize(request.query))
            elif request.path in routes:
                self._json(HTTPStatus.OK, routes[request.path]())
            else:
                self._text(HTTPStatus.NOT_FOUND, "not found")
        except OidcError as e:
            self._error(request.path, e)

    def do_POST(self) -> None:
        request = self._received(self._form())
        try:
            if request.path != "/token":
                raise OidcError(HTTPStatus.NOT_FOUND, "not_found")
            tokens = self.provider.token(request.form, self.headers.get("Authorization"))
            self._json(HTTPStatus.OK, tokens)
        except OidcError as e:
            self._error(request.path, e)

    @property
    def provider(self) -> OidcProvider:
        return self.server.provider

    def _received(self, form: dict[str, str]) -> ReceivedRequest:
        url = urlsplit(self.path)
        request = ReceivedRequest(
            method=self.command,
            path=url.path,
            query=_single_values(url.query),
            headers=dict(self.headers.items()),
            form=form,
        )
        self.provider._record(request)
        return request

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip()
        if content_type != "application/x-www-form-urlencoded":
            return {}
        return _single_values(body)

    def _error(self, path: str, error: OidcError) -> None:
        if path == "/authorize" or error.status == HTTPStatus.NOT_FOUND:
            self._text(error.status, error.description or error.error)
            return
        body = {"error": error.error}
        if error.description:
            body["error_description"] = error.description
        headers = {}
        if path == "/userinfo":
            headers["WWW-Authenticate"] = f'Bearer error="{error.error}"'
        self._json(error.status, body, headers)

    def _redirect(self, location: str) -> None:
        self._send(HTTPStatus.FOUND, b"", "text/plain", {"Location": location})

    def _text(self, status: HTTPStatus, text: str) -> None:
        self._send(status, text.encode(), "text/plain; charset=utf-8")

    def _json(self, status: HTTPStatus, body: Any, headers: dict[str, str] | None = None) -> None:
        extra = {"Cache-Control": "no-store", **(headers or {})}
        self._send(status, json.dumps(body).encode(), "application/json", extra)

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def _single_values(query: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}


def _with_query(url: str, params: dict[str, str]) -> str:
    separator = "&" if urlsplit(url).query else "?"
    return f"{url}{separator}{urlencode(params)}"


def _basic_credentials(authorization: str | None) -> list[tuple[str, str]]:
    """RFC 6749 form-encodes id and secret before Basic; requests does not, so try both."""
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return []
    try:
        decoded = base64.b64decode(encoded, validate=True).decode()
    except ValueError:
        return [("", "")]
    client_id, _, secret = decoded.partition(":")
    return [(client_id, secret), (unquote_plus(client_id), unquote_plus(secret))]


def _check_pkce(challenge: str | None, verifier: str | None) -> None:
    if challenge is None and verifier is None:
        return
    if challenge is None or verifier is None:
        raise OidcError(HTTPStatus.BAD_REQUEST, "invalid_grant", "PKCE mismatch")
    digest = hashlib.sha256(verifier.encode()).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    if not hmac.compare_digest(expected, challenge):
        raise OidcError(HTTPStatus.BAD_REQUEST, "invalid_grant", "code_verifier does not match")
