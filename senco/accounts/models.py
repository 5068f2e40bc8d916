from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

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
