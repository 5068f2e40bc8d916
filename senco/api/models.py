"""API tokens: bound to a user and a school, shown once, stored hashed (docs/api.md, "Tokens").

A token reads `senco_<lookup>_<secret>`. The lookup (12 hex characters) is public: it finds the
row and is shown on the tokens page. The secret (32 random bytes) is never stored: only its
SHA-256, compared in constant time. A secret of 256 random bits needs no slow hash or salt.
"""

import datetime as dt
import hmac
import re
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from senco.ids import public_id_field, secret_digest

TOKEN_FORMAT = re.compile(r"senco_(?P<lookup>[0-9a-f]{12})_(?P<secret>[A-Za-z0-9_-]{43})")
# last_used_at is written at most this often, so reads do not each write a row.
LAST_USED_EVERY = dt.timedelta(minutes=1)


class ApiTokenQuerySet(models.QuerySet):
    def in_force(self, now: dt.datetime) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    public_id = public_id_field()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100, help_text="What uses it, such as 'MIS sync'.")
    lookup = models.CharField(max_length=12, unique=True, editable=False)
    secret_sha256 = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "school", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} (senco_{self.lookup}_…)"

    @classmethod
    def issue(cls, *, user, school, name: str, expires_at: dt.datetime) -> tuple["ApiToken", str]:
        """A new token and its full text, which is never stored and cannot be shown again."""
        lookup = secrets.token_hex(6)
        while cls.objects.filter(lookup=lookup).exists():
            lookup = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            school=school,
            name=name,
            lookup=lookup,
            secret_sha256=secret_digest(secret),
            expires_at=expires_at,
        )
        return token, f"senco_{lookup}_{secret}"

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret_sha256, secret_digest(secret))

    def state(self, now: dt.datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "in force"

    def mark_used(self, now: dt.datetime) -> None:
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
