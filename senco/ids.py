"""Public ids: the random, unguessable id that every URL carries instead of the primary key."""

import uuid

from django.db import models


def public_id_field() -> models.UUIDField:
    return models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
