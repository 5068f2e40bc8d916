"""The audit log: append-only; no foreign key cascades into it (DESIGN.md, "The audit log")."""

from typing import Any

from django.db import models


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit entry."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted (only the retention purge may).")

    def _raw_delete(self, using):
        raise AppendOnlyError("Audit entries cannot be deleted (only the retention purge may).")


class AppendOnly(models.Model):
    """Rows that are written once: saving again or deleting raises, one row or many."""

    objects = AuditQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted (only the retention purge may).")


class AuditEntry(AppendOnly):
    class Kind(models.TextChoices):
        CHANGE = "change", "Change"
        READ = "read", "Read"
        REFUSED = "refused", "Refused"
        ACCOUNT = "account", "Sign-in and account"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    action = models.CharField(max_length=60, db_index=True)
    actor_id = models.BigIntegerField(null=True, db_index=True)
    actor_label = models.CharField(max_length=200, blank=True)
    school_id = models.BigIntegerField(null=True, db_index=True)
    pupil_id = models.BigIntegerField(null=True, db_index=True)
    pupil_label = models.CharField(max_length=200, blank=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.BigIntegerField(null=True)
    object_label = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    pupil_ids = models.JSONField(
        default=list, blank=True, help_text="For list reads: every pupil shown."
    )
    address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["pupil_id", "-at"]),
            models.Index(fields=["actor_id", "-at"]),
            models.Index(fields=["school_id", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def changed_fields(self) -> list[tuple[str, Any, Any]]:
        """For a change: each field whose value differs, with its value before and after."""
        before, after = self.changes.get("before", {}), self.changes.get("after", {})
        return [
            (name, before.get(name), after.get(name))
            for name in dict.fromkeys([*before, *after])
            if before.get(name) != after.get(name)
        ]


class AuditPupil(AppendOnly):
    """A pupil a list read named, one row each, written with the entry: the log filters by
    pupil through this indexed table on both databases (SQLite has no JSON `contains`)."""

    entry = models.ForeignKey(AuditEntry, on_delete=models.CASCADE, related_name="named_pupils")
    pupil_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["pupil_id", "entry"])]

    def __str__(self) -> str:
        return f"pupil {self.pupil_id} in entry {self.entry_id}"
