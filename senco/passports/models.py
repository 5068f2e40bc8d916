"""Pupil passports (one-page profiles): every version kept, each read acknowledged by the staff
who teach the pupil, and changes suggested by parents."""

from django.db import models
from django.utils import timezone

from senco.ids import public_id_field


class PassportVersion(models.Model):
    """One version of a pupil's passport. The newest is the passport; earlier ones stay."""

    public_id = public_id_field()
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.CASCADE, related_name="passports")
    number = models.PositiveIntegerField()
    about_me = models.TextField("about me", max_length=3000)
    important_to_me = models.TextField("what is important to me", max_length=3000, blank=True)
    find_hard = models.TextField("what I find hard", max_length=3000, blank=True)
    helps_me = models.TextField("what helps me", max_length=3000, blank=True)
    strategies = models.TextField(
        "strategies for staff",
        max_length=3000,
        help_text="One strategy a line: these go on the class view.",
    )
    in_own_words = models.BooleanField(
        "written in the pupil's own words", default=False, help_text="Where it could be."
    )
    written_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pupil", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "number"], name="one_passport_version_number")
        ]

    def __str__(self) -> str:
        return f"Passport version {self.number}"

    @property
    def sections(self) -> list[tuple[str, str]]:
        """The pupil's sections with their headings, in the order a passport reads."""
        return [
            ("About me", self.about_me),
            ("What is important to me", self.important_to_me),
            ("What I find hard", self.find_hard),
            ("What helps me", self.helps_me),
        ]

    @property
    def strategy_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.strategies.splitlines() if line.strip(" -•\t")]


class PassportReading(models.Model):
    """A member of staff's acknowledgement that they have read a version."""

    version = models.ForeignKey(PassportVersion, on_delete=models.CASCADE, related_name="readings")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="one_reading_a_version")
        ]

    def __str__(self) -> str:
        return f"Read {self.read_at:%d/%m/%Y}"


class PassportSuggestion(models.Model):
    """A parent's suggested change to their child's passport, answered by the SEN leads."""

    public_id = public_id_field()
    pupil = models.ForeignKey(
        "pupils.Pupil", on_delete=models.CASCADE, related_name="passport_suggestions"
    )
    version = models.ForeignKey(
        PassportVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggested_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggested_at = models.DateTimeField(default=timezone.now)
    text = models.TextField("your suggestion", max_length=3000)
    answer = models.TextField(max_length=3000, blank=True)
    answered_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-suggested_at"]

    def __str__(self) -> str:
        return f"Suggestion of {self.suggested_at:%d/%m/%Y}"
