import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect

from senco import access
from senco.accounts import second_step
from senco.audit import log

SIGNED_IN_AT = "senco_signed_in_at"


def session_expiry(get_response):
    """End a sign-in that has lasted too long; otherwise slide its expiry, at most once a minute.

    Django ends a session after SESSION_COOKIE_AGE of inactivity; this adds the absolute limit.
    """

    def middleware(request):
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            signed_in_at = session.setdefault(SIGNED_IN_AT, now)
            if now - signed_in_at > settings.SENCO_SESSION_MAX_SECONDS:
                log.account(request.user, "signin.session_ended")
                logout(request)
                messages.info(request, "You were signed out after a long session: sign in again.")
                return redirect(settings.LOGIN_URL)
            if now - session.get("refreshed_at", 0) >= 60:
                session["refreshed_at"] = now
        return get_response(request)

    return middleware


ENROLMENT_PATHS = ("/accounts/2fa/", "/accounts/logout/", "/accounts/reauthenticate/", "/static/")


def require_second_step(get_response):
    """Keep an account that needs a second sign-in step out until it has one."""

    def middleware(request):
        user = request.user
        if not user.is_authenticated or second_step.satisfied(request):
            return get_response(request)
        if request.session.get(second_step.ENROLLING):
            if request.path.startswith(ENROLMENT_PATHS):
                return get_response(request)
            return redirect("mfa_index")
        log.refused(user, "signin.second_step_missing", detail=user.username)
        logout(request)
        messages.error(
            request,
            "Your account has no second sign-in step yet. Set one up through your invitation "
            "link: ask your SENCO or administrator to send it again (Invitations, Send again).",
        )
        return redirect(settings.LOGIN_URL)

    return middleware


def current_school(get_response):
    """Sets request.school: the school the user chose with the switcher, else their first."""

    def middleware(request):
        request.school = None
        if request.user.is_authenticated:
            schools = access.schools_for(request.user)
            chosen = request.session.get("school_id")
            request.school = next((s for s in schools if s.pk == chosen), None) or (
                schools[0] if schools else None
            )
        return get_response(request)

    return middleware
