"""How django-allauth fits OpenSENCO: no self sign-up, recent sign-ins count as re-authentication,
sign-in through a school's own provider only for accounts that already exist there, and TOTP
secrets encrypted at rest."""

import base64
import hashlib
import os
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core.exceptions import ImmediateHttpResponse, ReauthenticationRequired
from allauth.core.internal.httpkit import get_client_ip
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone

from senco.accounts import second_step
from senco.accounts.models import Membership, User
from senco.audit import log


def client_address(request) -> str | None:
    """The person's address, through the trusted proxy (ALLAUTH_TRUSTED_PROXY_COUNT)."""
    return get_client_ip(request) or None


def signed_in_recently(request) -> bool:
    """A sign-in (or re-authentication) within the last ten minutes counts for sensitive acts."""
    records = get_authentication_records(request, request.user)
    latest = max((r.get("at", 0) for r in records), default=0)
    return time.time() - latest < settings.SENCO_REAUTHENTICATION_SECONDS


def require_recent_sign_in(request) -> None:
    """Re-authentication ("sudo mode") before role grants, whole-register exports and tokens.

    Called after the permission check, so a person who may not act gets 403, not a password
    prompt; allauth's middleware asks for the password (or second step) and replays the request.
    """
    if not signed_in_recently(request):
        raise ReauthenticationRequired()


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def is_reauthentication_required(self, *, app: str = "", **kwargs) -> bool:
        request = self.request
        return request is None or not signed_in_recently(request)

    def pre_authenticate(self, request, **credentials) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            log.refused(
                None,
                "signin.locked",
                detail=credentials.get("username", "")[:150],
                address=client_address(request),
            )
            raise


class SecondStepAdapter(DefaultMFAAdapter):
    """TOTP secrets are stored encrypted with a key derived from SECRET_KEY."""

    def _cipher(self) -> AESGCM:
        key = hashlib.sha256(f"senco.totp:{settings.SECRET_KEY}".encode()).digest()
        return AESGCM(key)

    def encrypt(self, text: str) -> str:
        nonce = os.urandom(12)
        sealed = self._cipher().encrypt(nonce, text.encode(), None)
        return "v1:" + base64.b64encode(nonce + sealed).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith("v1:"):
            return encrypted_text
        raw = base64.b64decode(encrypted_text[3:])
        return self._cipher().decrypt(raw[:12], raw[12:], None).decode()

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Never leave an account that needs a second step without one."""
        user = authenticator.user
        if not second_step.required(user):
            return True
        others = Authenticator.objects.filter(
            user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).exclude(pk=authenticator.pk)
        return authenticator.type == Authenticator.Type.RECOVERY_CODES or others.exists()


SCHOOL_SIGN_IN_REFUSED = (
    "That account is not set up for this school's sign-in. Use your OpenSENCO user name and "
    "password, or ask your administrator."
)


class SchoolSignInAdapter(DefaultSocialAccountAdapter):
    """Sign-in with Microsoft 365 or Google Workspace, for schools that switched it on.

    It never creates an account: it finds the one whose email the provider has verified, among
    the members of the schools that use this provider.
    """

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def pre_social_login(self, request, sociallogin) -> None:
        provider_id = sociallogin.account.provider
        user = sociallogin.user if sociallogin.is_existing else self._member_by_email(sociallogin)
        if user is None or not _school_uses(user, provider_id):
            log.refused(
                None,
                "signin.provider_refused",
                detail=f"{provider_id}: {sociallogin.user.email if sociallogin.user else ''}",
                address=client_address(request),
            )
            messages.error(request, SCHOOL_SIGN_IN_REFUSED)
            raise ImmediateHttpResponse(redirect(settings.LOGIN_URL))
        if not sociallogin.is_existing:
            sociallogin.connect(request, user)

    def _member_by_email(self, sociallogin) -> User | None:
        app = sociallogin.account.get_provider().app
        trusted = bool(app and (app.settings or {}).get("senco_trust_emails"))
        verified = [a.email for a in sociallogin.email_addresses if a.verified or trusted]
        if not verified:
            return None
        matches = list(User.objects.filter(email__iexact=verified[0], is_active=True)[:2])
        return matches[0] if len(matches) == 1 else None


def _school_uses(user, provider_id: str) -> bool:
    """Does the user hold a role in force at a school that signs in with this provider?"""
    return (
        Membership.objects.filter(user=user, school__sign_in_provider=provider_id)
        .in_force(timezone.localdate())
        .exists()
    )
