"""Sign-in events into the audit log, and the start of each sign-in for the session limit."""

import time

from allauth.account.signals import password_changed, password_reset
from allauth.mfa.signals import authentication_failed, authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from senco.accounts.adapter import client_address
from senco.audit import log
from senco.middleware import SIGNED_IN_AT


def _address(request) -> str | None:
    return client_address(request) if request is not None else None


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = int(time.time())
    log.account(user, "signin.succeeded", address=_address(request))


@receiver(user_login_failed)
def sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    name = str(credentials.get("username", ""))[:150]
    log.refused(None, "signin.failed", detail=name, address=_address(request))


@receiver(authentication_failed)
def second_step_failed(sender, request, user, **kwargs) -> None:
    log.refused(user, "signin.second_step_failed", detail=user.username, address=_address(request))


@receiver(authenticator_added)
def second_step_added(sender, request, user, authenticator, **kwargs) -> None:
    log.account(user, "account.second_step_added", authenticator.type, _address(request))


@receiver(authenticator_removed)
def second_step_removed(sender, request, user, authenticator, **kwargs) -> None:
    log.account(user, "account.second_step_removed", authenticator.type, _address(request))


@receiver(password_changed)
@receiver(password_reset)
def password_set(sender, request, user, **kwargs) -> None:
    from senco.api.services import revoke_everything_of

    log.account(user, "account.password_changed", address=_address(request))
    revoke_everything_of(user)
