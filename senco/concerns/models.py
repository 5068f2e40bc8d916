"""Concerns staff raise about a pupil, the SENCO's decision on each, and the monitoring list."""

from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from senco.ids import public_id_field
from senco.pupils import census


class ConcernQuerySet(models.QuerySet):
    def open(self) -> "ConcernQuerySet":
        return self.filter(decision="")

    def decided(self) -> "ConcernQuerySet":
        return self.exclude(decision="")

    def queue_order(self) -> "ConcernQuerySet":
        """Open concerns first, the longest waiting at the top; then the latest decisions."""
        return self.annotate(
            decided_rank=Case(When(decision="", then=Value(0)), default=Value(1))
        ).order_by("decided_rank", F("triaged_at").desc(nulls_last=True), "raised_at", "pk")


class Concern(models.Model):
    """A member of staff's concern about a pupil. Whoever raises it need not see the pupil's
    file (write-only, as safeguarding systems work); the SEN leads triage it."""

    class Decision(models.TextChoices):
        MONITOR = "monitor", "Monitor: put on the monitoring list"
        SEN_SUPPORT = "support", "Start SEN support: add to the register"
        REFER = "refer", "Refer to an outside agency"
        NO_ACTION = "none", "No further action"

    class ParentsTold(models.TextChoices):
        MEETING = "meeting", "In a meeting"
        PHONE = "phone", "By telephone"
        EMAIL = "email", "By email"
        LETTER = "letter", "By letter"
        NOT_YET = "not_yet", "Not told yet"

    AREAS = [*census.BROAD_AREAS.items(), ("", "Not sure")]

    public_id = public_id_field()
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.CASCADE, related_name="concerns")
    raised_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="concerns_raised"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    area = models.CharField("area of need", max_length=4, choices=AREAS, blank=True)
    seen = models.TextField("what you see", max_length=5000)
    tried = models.TextField("what you have tried", max_length=5000, blank=True)
    evidence = models.TextField(
        "evidence", max_length=5000, blank=True, help_text="Work samples, scores, observations."
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    reasons = models.TextField(max_length=5000, blank=True)
    agency = models.CharField(
        "agency referred to", max_length=200, blank=True, help_text="For a referral."
    )
    parents_told = models.CharField(
        "how parents were told", max_length=10, choices=ParentsTold.choices, blank=True
    )
    parents_told_on = models.DateField("when parents were told", null=True, blank=True)
    triaged_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        indexes = [
            models.Index(fields=["school", "decision", "-raised_at"]),
            models.Index(fields=["raised_by", "-raised_at"]),
        ]

    def __str__(self) -> str:
        return f"Concern raised {self.raised_at:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return not self.decision


class ConcernAttachment(models.Model):
    """Evidence attached to a concern, checked by `senco.pupils.uploads` and stored privately."""

    public_id = public_id_field()
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="concerns/%Y/")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.filename


class MonitoringQuerySet(models.QuerySet):
    def open(self) -> "MonitoringQuerySet":
        return self.filter(ends__isnull=True)


class Monitoring(models.Model):
    """A pupil on the monitoring list: a concern is being watched, not (yet) SEN provision.
    Kept apart from the register; a pupil has at most one open period."""

    public_id = public_id_field()
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.CASCADE, related_name="monitoring")
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts = models.DateField()
    ends = models.DateField(null=True, blank=True)
    reason = models.TextField(max_length=5000)
    review_on = models.DateField("review by", null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True, help_text="Why it ended.")
    started_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MonitoringQuerySet.as_manager()

    class Meta:
        ordering = ["starts"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(ends__isnull=True), name="one_open_monitoring"
            ),
            models.CheckConstraint(
                name="monitoring_ends_after_start",
                condition=Q(ends__isnull=True) | Q(ends__gte=models.F("starts")),
            ),
        ]

    def __str__(self) -> str:
        return f"Monitoring from {self.starts:%d/%m/%Y}"

    @property
    def weeks_on_list(self) -> int:
        """Whole weeks from the start to the end, or to today while it is open."""
        return ((self.ends or timezone.localdate()) - self.starts).days // 7


class MonitoringReview(models.Model):
    """One assess-plan-do-review cycle of a pupil on the monitoring list: what was seen at the
    review and when to look again. Plans (issue 7) will count their own cycles."""

    monitoring = models.ForeignKey(Monitoring, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField("date of the review")
    notes = models.TextField("what was seen", max_length=5000)
    next_review_on = models.DateField("next review by")
    by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["reviewed_on", "pk"]

    def __str__(self) -> str:
        return f"Monitoring review {self.reviewed_on:%d/%m/%Y}"
