"""An import: the uploaded file, its mapping, the dry run's report, and what was applied."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from senco.ids import public_id_field


class ImportRun(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded: choose what the columns hold"
        CHECKING = "checking", "Checking (dry run)"
        CHECKED = "checked", "Checked: ready to apply"
        APPLYING = "applying", "Applying"
        APPLIED = "applied", "Applied"
        REFUSED = "refused", "Refused: nothing was changed"

    public_id = public_id_field()
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, blank=True)
    filename = models.CharField(max_length=200)
    # Outside the web root (MEDIA_ROOT), read only by the import; never served.
    file = models.FileField(upload_to="imports/%Y/%m/")
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    headings = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "-created_at"])]

    def __str__(self) -> str:
        return f"Import of {self.filename}"

    @property
    def kind_label(self) -> str:
        from senco.interop.framework import KINDS  # the kinds register after the models load

        kind = KINDS.get(self.kind)
        return kind.label if kind else "Not chosen"

    @property
    def running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.APPLYING)


class SavedMapping(models.Model):
    """A school's choice of columns for a file layout, offered again for the next such file."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    layout = models.CharField(max_length=64, help_text="A hash of the file's headings.")
    mapping = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "layout"], name="one_mapping_a_layout"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} mapping"


class CalendarFeed(models.Model):
    """A person's private calendar feed in one school (docs/calendar.md).

    The feed's address carries a random token; only its SHA-256 hash is kept, so the address
    cannot be read back from the database, a backup or the audit log: it is shown once, when
    made. A person has at most one feed in force in a school; a new one stops the old."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # When a calendar application last read it, to the hour (written at most once an hour).
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "school"],
                condition=Q(revoked_at__isnull=True),
                name="one_calendar_feed_in_force",
            )
        ]

    def __str__(self) -> str:
        return f"Calendar feed made {timezone.localtime(self.created_at):%d/%m/%Y %H:%M}"

    @property
    def in_force(self) -> bool:
        return self.revoked_at is None
