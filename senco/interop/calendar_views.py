"""The calendar feed pages (docs/calendar.md): a person's feed page, where they make a new
address (after re-authentication; shown once) or stop the feed, and the feed itself, read by
calendar applications without signing in: the token in its address is the only key."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe

from senco import access
from senco.accounts.adapter import client_address, require_recent_sign_in
from senco.audit import log
from senco.interop import calendar

CACHE_CONTROL = "private, max-age=900"


def _page_context(request, school) -> dict:
    """What the person's feed would hold, by what they may follow in the school."""
    return {
        "school": school,
        "holds_reviews": access.can(request.user, "plan.reviews_due", school),
        "holds_meetings": access.can(request.user, "meeting.read", school),
        "holds_ehc": access.can(request.user, "ehcp.caseload", school),
        "days_before": calendar.DAYS_BEFORE,
    }


@login_required
@require_GET
@never_cache
def page(request):
    school = access.current_school(request, "calendar.feed")
    context = _page_context(request, school)
    context["feed"] = calendar.feed_in_force(request.user, school)
    return render(request, "interop/calendar.html", context)


@login_required
@require_POST
@never_cache
def make(request):
    """A new address, stopping the old one; the answer shows it, once (never stored in clear,
    never redirected to, so it is not kept in the session or the browser's history)."""
    school = access.current_school(request, "calendar.feed")
    require_recent_sign_in(request)
    feed, token = calendar.make_feed(request.user, school)
    path = reverse("calendar:feed", kwargs={"token": token})
    context = _page_context(request, school)
    context |= {"feed": feed, "address": settings.SITE_URL + path}
    return render(request, "interop/calendar_made.html", context)


@login_required
@require_POST
def stop(request):
    school = access.current_school(request, "calendar.feed")
    if calendar.stop_feed(request.user, school) is None:
        messages.info(request, "You have no calendar feed to stop.")
    else:
        messages.success(
            request,
            "Your calendar feed is stopped: its address no longer works. Remove the calendar "
            "from your calendar application too.",
        )
    return redirect("calendar:page")


REFUSALS_LOGGED_EVERY = 60  # seconds


@require_safe
def feed(request, token: str):
    """The feed, for calendar applications (no sign-in): 404 for an unknown or stopped address
    or a person who may no longer have one, written to the audit log as a refusal."""
    found = calendar.feed_for(token)
    why = calendar.refusal(found)
    if why:
        address = client_address(request)
        # Anyone may ask for addresses: one refusal a minute from each address is logged, so a
        # flood of guesses cannot fill the append-only audit log.
        if cache.add(f"calendar-refused:{address}", 1, timeout=REFUSALS_LOGGED_EVERY):
            log.refused(
                found.user if found else None,
                "calendar.feed_refused",
                school=found.school if found else None,
                detail=why,
                address=address,
            )
        refused = HttpResponseNotFound(access.NOT_VISIBLE, content_type="text/plain")
        # The address carries a secret: keep it out of the server's own log.
        refused._has_been_logged = True  # type: ignore[attr-defined]
        return refused
    assert found is not None
    response = HttpResponse(
        calendar.read(found, settings.SITE_URL), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = CACHE_CONTROL
    response["Content-Disposition"] = 'inline; filename="opensenco.ics"'
    return response
