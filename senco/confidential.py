"""Records marked confidential to named people (DESIGN.md, "Who may see what").

A model that mixes in `Confidential` can be marked; `access.py` then hides the record from
everyone not named, in lists and searches as on its own page.
"""

from django.db import models


class Confidential(models.Model):
    is_confidential = models.BooleanField(
        "confidential", default=False, help_text="Only the named people may see it."
    )
    confidential_to = models.ManyToManyField(
        "accounts.User", blank=True, related_name="+", verbose_name="who may see it"
    )

    class Meta:
        abstract = True
