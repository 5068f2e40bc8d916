"""`Authorization: Bearer <token>`: the request acts as the token's user, in the token's school
only (a role the user holds elsewhere gives nothing through it)."""

from django.utils import timezone
from django.utils.formats import date_format
from rest_framework import authentication, exceptions

from senco import access
from senco.api.models import TOKEN_FORMAT, ApiToken
from senco.audit import log

TOKENS_PAGE = "/api/tokens/"
NO_TOKEN = f"Send your API token as 'Authorization: Bearer <token>'. Make one at {TOKENS_PAGE}."
MALFORMED = (
    "This is not an OpenSENCO API token (they start senco_ and have 62 characters): "
    "check it was copied whole."
)
UNKNOWN = f"This token is not recognised: check it was copied whole, or make one at {TOKENS_PAGE}."


class BearerTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _, text = header.strip().partition(" ")
        if scheme.lower() != "bearer":
            raise exceptions.AuthenticationFailed(NO_TOKEN)
        match = TOKEN_FORMAT.fullmatch(text.strip())
        if match is None:
            raise exceptions.AuthenticationFailed(MALFORMED)
        token = (
            ApiToken.objects.select_related("user", "school").filter(lookup=match["lookup"]).first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(UNKNOWN)
        now = timezone.now()
        why, refusal = self._refusal(token, match["secret"], now)
        if refusal:
            log.refused(
                token.user, "api.token_refused", school=token.school, detail=f"{token}: {why}"
            )
            raise exceptions.AuthenticationFailed(refusal)
        token.mark_used(now)
        access.confine_to_school(token.user, token.school)
        request._request.school = token.school
        return token.user, token

    def _refusal(self, token: ApiToken, secret: str, now) -> tuple[str, str]:
        """Why the token cannot be used (for the audit log, and for the caller), if it cannot."""
        if not token.matches(secret):
            return "wrong secret", UNKNOWN
        if token.revoked_at is not None:
            day = date_format(timezone.localtime(token.revoked_at), "j F Y")
            return "revoked", f"This token was revoked on {day}: make a new one at {TOKENS_PAGE}."
        if token.expires_at <= now:
            day = date_format(timezone.localtime(token.expires_at), "j F Y")
            return "expired", f"This token expired on {day}: make a new one at {TOKENS_PAGE}."
        if not token.user.is_active:
            return "account closed", "The account this token belongs to is closed."
        return "", ""

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
