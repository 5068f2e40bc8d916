"""Public ids: the random, unguessable id that every URL carries instead of the primary key."""

import hashlib
import uuid

from django.db import models


def public_id_field() -> models.UUIDField:
    return models.UUIDField(default=uuid.uuid4, unique=True, editable=False)


def parse_public_id(value) -> uuid.UUID | None:
    """A public id from a URL or a form, or None when it is not one (never an error page)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def secret_digest(secret: str) -> str:
    """What is stored of an API token's or calendar feed's secret: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()
