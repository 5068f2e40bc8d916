from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q

from senco.ids import public_id_field


class User(AbstractUser):
    public_id = public_id_field()
    is_demo = models.BooleanField(
        default=False, help_text="Made by `senco demo`: shows the demo banner."
    )

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    SENCO = "senco", "SENCO"
    DEPUTY_SENCO = "deputy_senco", "Deputy SENCO"
    HEAD = "head", "Headteacher"
    TEACHER = "teacher", "Teacher"
    TEACHING_ASSISTANT = "ta", "Teaching assistant"
    SAFEGUARDING_LEAD = "dsl", "Designated safeguarding lead"
    DESIGNATED_TEACHER = "designated_teacher", "Designated teacher for looked-after children"
    PASTORAL_LEAD = "pastoral", "Pastoral lead"
    EXAMS_OFFICER = "exams_officer", "Exams officer"
    DATA_MANAGER = "data_manager", "Data manager"
    EXTERNAL = "external", "External professional"
    GOVERNOR = "governor", "Governor"
    PARENT = "parent", "Parent or carer"
    TRUST_SEND_LEAD = "trust_lead", "Trust SEND lead"
    ADMINISTRATOR = "admin", "Administrator"


class MembershipQuerySet(models.QuerySet):
    def in_force(self, day):
        """Roles that have started by `day` and not yet ended."""
        return self.filter(Q(starts__isnull=True) | Q(starts__lte=day)).filter(
            Q(ends__isnull=True) | Q(ends__gte=day)
        )


class Membership(models.Model):
    """A role a user holds in one school, or across a trust (trust SEND lead)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    trust = models.ForeignKey(
        "schools.Trust", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    staff = models.ForeignKey(
        "schools.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts = models.DateField(null=True, blank=True)
    ends = models.DateField(null=True, blank=True, help_text="Time-limited access ends here.")

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="membership_school_or_trust",
                condition=Q(school__isnull=False, trust__isnull=True)
                | Q(school__isnull=True, trust__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "school"], name="membership_unique_school_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} at {self.school or self.trust}"


class Invitation(models.Model):
    """A link that lets a new person set their password and their second sign-in step.

    Only a hash of the link's token is stored; the link itself is only in the email.
    """

    public_id = public_id_field()
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    membership = models.ForeignKey(
        Membership, null=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.user.username}"

    def state(self, now) -> str:
        if self.accepted_at:
            return "accepted"
        if self.withdrawn_at:
            return "withdrawn"
        if self.expires_at <= now:
            return "expired"
        return "waiting"


class PupilGrant(models.Model):
    """Time-limited access to named pupils, for a role that otherwise sees none.

    An invited professional sees the pupils they are invited to; a governors' panel or a trust
    SEND lead sees named pupils only when the head grants it.
    """

    public_id = public_id_field()
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pupil_grants")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    pupils = models.ManyToManyField("pupils.Pupil", related_name="grants")
    reason = models.CharField(max_length=200)
    granted_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="pupil_grants_given"
    )
    starts = models.DateField()
    ends = models.DateField()

    class Meta:
        ordering = ["-ends"]
        constraints = [
            models.CheckConstraint(
                name="grant_ends_after_start", condition=Q(ends__gte=F("starts"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} until {self.ends:%d/%m/%Y}: {self.reason}"
