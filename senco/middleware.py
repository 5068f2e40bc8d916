import time

from senco import access


def refresh_session_expiry(get_response):
    """Slide the session's expiry, but write the session at most once a minute."""

    def middleware(request):
        response = get_response(request)
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get("refreshed_at", 0) >= 60:
                session["refreshed_at"] = now
        return response

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
