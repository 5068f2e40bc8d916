from django.shortcuts import render

from senco.accounts.adapter import client_address
from senco.audit import log


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """A form that did not come from this site, or whose page was open too long."""
    log.refused(
        request.user if request.user.is_authenticated else None,
        "request.forged",
        detail=f"{request.method} {request.path[:120]}: {reason}",
        address=client_address(request),
    )
    return render(request, "csrf_failure.html", status=403)
