"""Headers and cookies (issue 3, "Headers and cookies")."""

import subprocess
import sys

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_every_page_carries_a_strict_content_security_policy(client_for):
    response = client_for("senco").get("/pupils/")
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "object-src 'none'" in policy


def test_pages_cannot_be_framed_or_sniffed_and_send_no_full_referrer(client):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_session_and_csrf_cookies_are_http_only_and_same_site(client):
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"login": "senco", "password": PASSWORD})
    assert response.status_code == 302
    for name in ("sessionid", "csrftoken"):
        cookie = client.cookies[name]
        assert cookie["httponly"] and cookie["samesite"] == "Lax", name


def test_no_page_carries_inline_script_or_style(client_for):
    for url in ["/", "/pupils/", "/accounts/2fa/", "/accounts/login/"]:
        html = client_for("senco").get(url, follow=True).content.decode()
        assert "<script>" not in html and " style=" not in html and " onclick=" not in html, url


SETTINGS = (
    "import django, os; django.setup(); from django.conf import settings as s; "
    "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.MFA_TRUST_COOKIE_SECURE, "
    "s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)"
)


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        ("https://senco.school.example", "True True True 31536000 True"),
        ("http://127.0.0.1:8000", "False False False 0 False"),
    ],
)
def test_cookies_are_secure_and_hsts_is_sent_whenever_served_over_https(tmp_path, site, expected):
    env = {
        "PATH": "/usr/bin:/bin",
        "SENCO_DATA_DIR": str(tmp_path),
        "SENCO_SITE_URL": site,
        "DJANGO_SETTINGS_MODULE": "senco.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", SETTINGS], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == expected
