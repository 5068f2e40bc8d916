"""Signing in with a second step, and joining through an invitation, in Chromium."""

import re

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from senco.accounts import services
from senco.accounts.models import Role, User
from senco.schools.models import School
from tests.accounts.conftest import totp_code
from tests.browser.conftest import assert_accessible
from tests.conftest import DEMO


def test_the_senco_signs_in_with_an_authenticator_app_and_trusts_the_browser(page):
    senco = User.objects.get(username="senco")
    senco.is_demo = False
    senco.save()
    secret = generate_totp_secret()
    TOTP.activate(senco, secret)
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Username").fill("senco")
    page.get_by_label("Password").fill(DEMO.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/2fa/authenticate/")
    assert_accessible(page)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Incorrect code")).to_be_visible()
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/2fa/trust/")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("^Trust for")).click()
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    page.get_by_label("Username").fill("senco")
    page.get_by_label("Password").fill(DEMO.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")  # trusted: no code asked for thirty days


def test_a_new_teacher_joins_from_the_invitation_and_sets_up_an_authenticator(page):
    school = School.objects.get(urn="990000")
    senco = User.objects.get(username="senco")
    invitation = services.invite(
        senco, school=school, role=Role.TEACHER, first_name="Tomos",
        last_name="Newteacher", email="tomos@school.example",
    )  # fmt: skip
    token = "browser-test-token"
    invitation.token_hash = services.token_hash(token)
    invitation.save()
    page.goto(f"/accounts/invitation/{token}/")
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill("tomos-long-password-2026")
    page.get_by_label("New password confirmation").fill("tomos-long-password-2026")
    page.get_by_role("button", name="Set my password").click()
    page.wait_for_url("**/accounts/2fa/")
    assert_accessible(page)
    page.goto("/pupils/")
    page.wait_for_url("**/accounts/2fa/")  # nothing else until the second step is set up
    page.goto("/accounts/2fa/totp/activate/")
    assert_accessible(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url("**/recovery-codes/**")
    assert_accessible(page)
    page.goto("/pupils/")
    expect(page.get_by_role("heading", name="Pupils")).to_be_visible()


def test_a_security_key_is_added_and_then_signs_in(page):
    """Chromium's virtual authenticator stands in for a USB security key (WebAuthn)."""
    senco = User.objects.get(username="senco")
    senco.is_demo = False
    senco.save()
    TOTP.activate(senco, secret := generate_totp_secret())
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("senco")
    page.get_by_label("Password").fill(DEMO.password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name="Don't Trust").click()
    page.wait_for_url("**/")
    page.goto("/accounts/2fa/webauthn/add/")
    assert_accessible(page)
    page.get_by_label("Name").fill("Blue key")
    page.get_by_role("button", name="Add").click()
    page.wait_for_url(re.compile(r".*/accounts/2fa/(webauthn/|recovery-codes/)$"))
    assert Authenticator.objects.filter(user=senco, type=Authenticator.Type.WEBAUTHN).exists()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    page.get_by_label("Username").fill("senco")
    page.get_by_label("Password").fill(DEMO.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/2fa/authenticate/")
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url("**/2fa/trust/")
    page.get_by_role("button", name="Don't Trust").click()
    page.wait_for_url("**/")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Pupils")
    ).to_be_visible()
