import datetime as dt

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from senco.ids import public_id_field
from senco.schools.calendar import academic_year_start


class Trust(models.Model):
    public_id = public_id_field()
    name = models.CharField(max_length=200)
    is_demo = models.BooleanField(default=False, help_text="Made by `senco demo`.")

    def __str__(self) -> str:
        return self.name


class Phase(models.TextChoices):
    NURSERY = "nursery", "Nursery"
    PRIMARY = "primary", "Primary"
    MIDDLE = "middle", "Middle"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all_through", "All-through"
    SPECIAL = "special", "Special"
    ALTERNATIVE = "alternative", "Alternative provision"
    POST_16 = "post16", "16 plus"


class School(models.Model):
    public_id = public_id_field()
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.PROTECT, related_name="schools"
    )
    name = models.CharField(max_length=200)
    urn = models.CharField(
        "URN",
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", "A URN is six digits.")],
    )
    la_code = models.CharField(
        "LA code", max_length=3, validators=[RegexValidator(r"^\d{3}$", "An LA code is 3 digits.")]
    )
    establishment_number = models.CharField(
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", "An establishment number is 4 digits.")],
    )
    phase = models.CharField(max_length=20, choices=Phase.choices)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    logo = models.ImageField(upload_to="logos/", blank=True)
    is_demo = models.BooleanField(default=False, help_text="Made by `senco demo`.")
    sign_in_provider = models.CharField(
        max_length=100,
        blank=True,
        help_text="The OpenID Connect provider (Microsoft 365, Google Workspace) its staff may "
        "sign in with; blank for none. Set with `senco sign-in`.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def dfe_number(self) -> str:
        return f"{self.la_code}/{self.establishment_number}"


class AcademicYear(models.Model):
    """An English school year, September to August, with the school's own term dates."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="academic_years")
    start_year = models.PositiveSmallIntegerField(help_text="2026 for 2026/27.")

    class Meta:
        ordering = ["-start_year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "start_year"], name="one_year_per_school")
        ]

    def __str__(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def starts(self) -> dt.date:
        return dt.date(self.start_year, 9, 1)

    @property
    def ends(self) -> dt.date:
        return dt.date(self.start_year + 1, 8, 31)

    def contains(self, day: dt.date) -> bool:
        return academic_year_start(day) == self.start_year


class Term(models.Model):
    class Name(models.TextChoices):
        AUTUMN = "autumn", "Autumn"
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"

    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=10, choices=Name.choices)
    starts = models.DateField()
    ends = models.DateField()

    class Meta:
        ordering = ["starts"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "name"], name="one_term_of_each_name"),
            models.CheckConstraint(
                name="term_ends_after_start", condition=Q(ends__gte=models.F("starts"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_name_display()} {self.academic_year}"


class Staff(models.Model):
    public_id = public_id_field()
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="staff"
    )
    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    job_title = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    starts = models.DateField(null=True, blank=True)
    ends = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "staff"

    def __str__(self) -> str:
        return f"{self.title} {self.first_name[:1]} {self.last_name}".strip()


class TeachingGroup(models.Model):
    """A class (registration or form group) or a teaching group (a set for a subject)."""

    class Kind(models.TextChoices):
        CLASS = "class", "Class"
        TEACHING_GROUP = "group", "Teaching group"

    public_id = public_id_field()
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="groups")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="groups")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CLASS)
    name = models.CharField(max_length=60)
    subject = models.CharField(max_length=60, blank=True)
    year_group = models.SmallIntegerField(null=True, blank=True)
    pupils = models.ManyToManyField("pupils.Pupil", related_name="groups", blank=True)

    class Meta:
        ordering = ["year_group", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year", "name"], name="group_name_unique_in_year"
            )
        ]

    def __str__(self) -> str:
        return self.name


class GroupStaff(models.Model):
    """Who teaches or supports a class or teaching group."""

    class Role(models.TextChoices):
        TEACHER = "teacher", "Teacher"
        TEACHING_ASSISTANT = "ta", "Teaching assistant"

    group = models.ForeignKey(TeachingGroup, on_delete=models.CASCADE, related_name="staffing")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="groups")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.TEACHER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "staff", "role"], name="group_staff_unique")
        ]

    def __str__(self) -> str:
        return f"{self.staff} ({self.get_role_display()}, {self.group})"
