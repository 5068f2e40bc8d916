"""Meetings with parents and the contact log (Code of Practice 6.65-6.71).

A meeting is scheduled (for the future) or recorded as already held; once held, its record
(who came, what was said, what was agreed, the parents' views) can be changed, and every saved
state is kept as a `MeetingVersion`. A cancelled meeting keeps its reason and changes no more.

The contact log is the school's record of every call, email or conversation about a pupil: an
entry is never edited. A correction is a new entry pointing at the one it corrects; only the
follow-up's done mark changes, and that is audited. All changes go through
`senco.meetings.services`.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from senco.ids import public_id_field


class MeetingQuerySet(models.QuerySet):
    def held(self) -> "MeetingQuerySet":
        return self.filter(status=Meeting.Status.HELD)

    def scheduled(self) -> "MeetingQuerySet":
        return self.filter(status=Meeting.Status.SCHEDULED)


class Meeting(models.Model):
    class Kind(models.TextChoices):
        PLAN_REVIEW = "plan_review", "Plan review"
        PARENTS = "parents", "Parents' meeting"
        OTHER = "other", "Other"

    class Where(models.TextChoices):
        IN_SCHOOL = "in_school", "In school"
        PHONE = "phone", "By phone"
        VIDEO = "video", "By video call"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    public_id = public_id_field()
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField("what kind of meeting", max_length=20, choices=Kind.choices)
    purpose = models.CharField("purpose", max_length=300, blank=True)
    starts_at = models.DateTimeField("date and time")
    where = models.CharField("where or how", max_length=10, choices=Where.choices)
    place = models.CharField("room or link", max_length=200, blank=True)
    # The plan cycle the meeting reviews, if any.
    cycle = models.ForeignKey(
        "plans.Cycle", null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    invited_contacts = models.ManyToManyField(
        "pupils.Contact", blank=True, related_name="+", verbose_name="parents and carers invited"
    )
    invited_staff = models.TextField("staff invited", max_length=1000, blank=True)
    invitation_sent_at = models.DateTimeField(null=True, blank=True)
    invitation_sent_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invitations_sent = models.PositiveSmallIntegerField(default=0)
    # The record, once held.
    attended = models.TextField("who came", max_length=1000, blank=True)
    discussed = models.TextField("what was said", max_length=5000, blank=True)
    agreed = models.TextField("what was agreed", max_length=3000, blank=True)
    parent_views = models.TextField("the parents' views", max_length=3000, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    cancelled_reason = models.TextField("reason", max_length=1000, blank=True)
    cancelled_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["pupil", "status", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="meeting_cancelled_has_reason",
                condition=~Q(status="cancelled") | ~Q(cancelled_reason=""),
            ),
            models.CheckConstraint(
                name="meeting_held_is_recorded",
                condition=~Q(status="held") | Q(recorded_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {timezone.localtime(self.starts_at):%d/%m/%Y}"

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.SCHEDULED

    @property
    def agreed_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.agreed.splitlines() if line.strip(" -•\t")]

    @property
    def staff_list(self) -> list[str]:
        return [line.strip() for line in self.invited_staff.splitlines() if line.strip()]


class MeetingVersion(models.Model):
    """One saved state of a meeting's record, as JSON: a changed record never loses the old."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    saved_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="one_meeting_version_number")
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"


class ContactLogQuerySet(models.QuerySet):
    def open_follow_ups(self) -> "ContactLogQuerySet":
        return self.exclude(follow_up="").filter(follow_up_done_at__isnull=True)


class ContactLogEntry(models.Model):
    """A call, email, letter or conversation with parents or an agency about a pupil."""

    class Method(models.TextChoices):
        PHONE = "phone", "Phone"
        EMAIL = "email", "Email"
        IN_PERSON = "in_person", "In person"
        LETTER = "letter", "Letter"
        VIDEO = "video", "Video call"
        TEXT = "text", "Text message"

    public_id = public_id_field()
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.CASCADE, related_name="contact_log")
    contact = models.ForeignKey(
        "pupils.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who, as written at the time: the contact's name, or free text for an agency.
    who = models.CharField("who", max_length=200)
    method = models.CharField("how", max_length=10, choices=Method.choices)
    happened_at = models.DateTimeField("when", default=timezone.now)
    summary = models.TextField("what was said", max_length=2000)
    follow_up = models.CharField("follow-up", max_length=500, blank=True)
    follow_up_by = models.DateField("follow up by", null=True, blank=True)
    follow_up_done_at = models.DateTimeField(null=True, blank=True)
    follow_up_done_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    written_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)
    # `who`, or "a contact" where the reader may not see that contact: set for display by
    # `services.show_who`, never stored.
    who_shown: str

    objects = ContactLogQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_at", "-pk"]
        verbose_name_plural = "contact log entries"
        indexes = [
            models.Index(fields=["pupil", "-happened_at"]),
            models.Index(fields=["pupil", "written_by", "-happened_at"]),
        ]
        constraints = [
            models.CheckConstraint(name="contact_log_has_summary", condition=~Q(summary="")),
            models.CheckConstraint(name="contact_log_has_who", condition=~Q(who="")),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.happened_at)
        # A contact's name stays out of the label (the audit log's): they may be hidden from
        # those who read it.
        who = self.who[:60] if self.contact_id is None else "a contact"
        return f"{self.get_method_display()} with {who}, {when:%d/%m/%Y}"

    @property
    def follow_up_open(self) -> bool:
        return bool(self.follow_up) and self.follow_up_done_at is None
