"""Who may use the API, and how often (docs/api.md, "Rate limits").

A token works while its user holds a role that may make one (`api.token`) in the token's
school: a leaver's or a moved teacher's tokens stop with their role. Each endpoint then asks
senco/access.py about the pupil or school, as the pages do.
"""

from django.conf import settings
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from senco import access
from senco.api.models import ApiToken
from senco.audit import log


class MayUseApi(BasePermission):
    message = (
        "The token's user no longer holds a staff role at the token's school, so the token "
        "reaches nothing: ask your SENCO or administrator."
    )

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        if access.can(request.user, "api.token", token.school):
            return True
        log.refused(
            request.user,
            "api.token_refused",
            school=token.school,
            detail=f"{token}: no staff role at the school",
        )
        return False


class _PerToken(SimpleRateThrottle):
    """Counted per token (in the database cache, shared by every server)."""

    def get_rate(self) -> str:
        # Read at each request, so that a changed setting (or a test's) applies at once.
        return settings.SENCO_API_RATES[self.scope]

    def get_cache_key(self, request, view) -> str | None:
        token = request.auth
        if not isinstance(token, ApiToken):
            return None
        return f"senco-api-{self.scope}-{token.pk}"


class BurstRate(_PerToken):
    scope = "api_burst"


class SustainedRate(_PerToken):
    scope = "api_sustained"
