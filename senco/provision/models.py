"""Provision and interventions (issue 8): the school's provision library, intervention groups
run by named staff for named pupils, their sessions and attendance, entry and exit results, and
the standard hourly rates that cost them.

A cost never reveals one person's pay: it uses the school's standard hourly rate for the role
that delivers the provision (salary and on-costs), set by the head or an administrator. All
changes go through `senco.provision.services`.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from senco.ids import public_id_field
from senco.pupils import census


def money(label: str, **options) -> models.DecimalField:
    """An amount in pounds and pence, never negative."""
    return models.DecimalField(
        label, max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal(0))], **options
    )


class DeliveryRole(models.TextChoices):
    """Who delivers provision, for its standard hourly rate. Only roles that many people hold:
    a rate for a role one person holds (the SENCO) would be their pay."""

    TEACHER = "teacher", "Teacher"
    TA = "ta", "Teaching assistant"
    HLTA = "hlta", "Higher level teaching assistant"
    SPECIALIST = "specialist", "Specialist teacher or therapist (bought in)"
    MENTOR = "mentor", "Learning mentor"


class StaffRate(models.Model):
    """A school's standard hourly cost of a role: salary and on-costs, divided by the hours
    worked. Set by the head or an administrator; never one person's pay."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="staff_rates"
    )
    role = models.CharField(max_length=12, choices=DeliveryRole.choices)
    hourly_cost = money("hourly cost (£)")
    changed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["school", "role"]
        constraints = [
            models.UniqueConstraint(fields=["school", "role"], name="one_rate_a_role"),
            models.CheckConstraint(name="rate_not_negative", condition=Q(hourly_cost__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: £{self.hourly_cost}/hour"


class Provision(models.Model):
    """An entry of the school's provision library: what it is, who delivers it, how often and
    for how long, what it costs besides staff time, the evidence for it, and the assessment
    used to measure pupils at entry and exit."""

    class Wave(models.IntegerChoices):
        WHOLE_CLASS = 1, "Wave 1: whole class, quality first teaching"
        SMALL_GROUP = 2, "Wave 2: small group"
        INDIVIDUAL = 3, "Wave 3: individual"

    class Delivery(models.TextChoices):
        IN_CLASS = "in_class", "In class"
        WITHDRAWAL = "withdrawal", "Withdrawn from class, in a small group"
        ONE_TO_ONE = "one_to_one", "One to one"
        BEFORE_AFTER = "outside", "Before or after school, or at break"
        ONLINE = "online", "On a computer program"

    AREAS = list(census.BROAD_AREAS.items())

    public_id = public_id_field()
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=150)
    description = models.TextField(max_length=3000, blank=True)
    area = models.CharField("area of need", max_length=4, choices=AREAS)
    wave = models.PositiveSmallIntegerField(choices=Wave.choices)
    delivery = models.CharField("how it is delivered", max_length=12, choices=Delivery.choices)
    staff_role = models.CharField(
        "delivered by", max_length=12, choices=DeliveryRole.choices, default=DeliveryRole.TA
    )
    session_minutes = models.PositiveSmallIntegerField(
        "minutes a session", validators=[MinValueValidator(1), MaxValueValidator(480)]
    )
    sessions_per_week = models.DecimalField(
        "sessions a week",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal(50))],
    )
    weeks = models.PositiveSmallIntegerField(
        "length in weeks", validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    group_size = models.PositiveSmallIntegerField(
        "usual group size", default=4, validators=[MinValueValidator(1), MaxValueValidator(40)]
    )
    materials_cost = money("materials (£, per group)", default=Decimal(0))
    licence_cost = money("licences (£ a year)", default=Decimal(0))
    training_cost = money("training (£, once)", default=Decimal(0))
    evidence = models.TextField(
        "evidence notes",
        max_length=3000,
        blank=True,
        help_text="What the research says, with its source.",
    )
    eef_rating = models.CharField(
        "EEF Toolkit rating", max_length=100, blank=True, help_text="Such as “+5 months”."
    )
    entry_assessment = models.ForeignKey(
        "assessment.AssessmentType",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="assessment at entry",
    )
    exit_assessment = models.ForeignKey(
        "assessment.AssessmentType",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="assessment at exit",
    )
    is_active = models.BooleanField("in use", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="one_provision_a_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def hours_per_week(self) -> Decimal:
        return self.sessions_per_week * self.session_minutes / Decimal(60)


class FundingSource(models.TextChoices):
    NOTIONAL = "notional", "Notional SEN budget"
    TOP_UP = "top_up", "High needs top-up funding"
    PUPIL_PREMIUM = "pupil_premium", "Pupil premium"
    OTHER = "other", "Other"


class Group(models.Model):
    """An intervention group: a provision run by named staff for named pupils, on a
    timetable, from a start to an end date."""

    public_id = public_id_field()
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    provision = models.ForeignKey(Provision, on_delete=models.RESTRICT, related_name="groups")
    name = models.CharField(max_length=150)
    staff = models.ManyToManyField("schools.Staff", related_name="intervention_groups")
    timetable = models.CharField(
        max_length=200, blank=True, help_text="Such as “Mon, Wed, Fri 9:10 to 9:30”."
    )
    starts = models.DateField()
    ends = models.DateField()
    funding = models.CharField(
        "funding source", max_length=14, choices=FundingSource.choices, default="notional"
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts", "name"]
        constraints = [
            models.CheckConstraint(
                name="group_ends_after_start", condition=Q(ends__gte=F("starts"))
            )
        ]
        indexes = [models.Index(fields=["school", "starts", "ends"])]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A pupil in a group, with their entry and exit results (from the assessment module)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    pupil = models.ForeignKey(
        "pupils.Pupil", on_delete=models.CASCADE, related_name="intervention_places"
    )
    joined = models.DateField()
    left = models.DateField(null=True, blank=True)
    entry_result = models.ForeignKey(
        "assessment.Result", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exit_result = models.ForeignKey(
        "assessment.Result", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["group", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "pupil"], name="one_place_a_group"),
            models.CheckConstraint(
                name="member_leaves_after_joining",
                condition=Q(left__isnull=True) | Q(left__gte=F("joined")),
            ),
        ]

    def __str__(self) -> str:
        return f"Place in {self.group_id}"


class Session(models.Model):
    """One session of a group, recorded by the member of staff who ran it (or cancelled, with
    the reason)."""

    class Status(models.TextChoices):
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"

    public_id = public_id_field()
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField("date")
    status = models.CharField(max_length=10, choices=Status.choices)
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(480)]
    )
    cancelled_because = models.CharField(max_length=300, blank=True)
    notes = models.TextField(max_length=3000, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["group", "held_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "held_on"], name="one_session_a_day"),
            models.CheckConstraint(
                name="cancelled_session_has_reason",
                condition=Q(status="delivered") | ~Q(cancelled_because=""),
            ),
        ]
        indexes = [models.Index(fields=["group", "status"])]

    def __str__(self) -> str:
        return f"Session of {self.held_on:%d/%m/%Y}"


class Attendance(models.Model):
    """Whether a pupil in the group came to a delivered session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.CASCADE, related_name="+")
    present = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "pupil"], name="one_mark_a_session")
        ]

    def __str__(self) -> str:
        return "Present" if self.present else "Absent"


def current_places(day, to_attr: str = "current_places") -> models.Prefetch:
    """Prefetch, onto pupils the gate gave, their places in groups running on `day` (with the
    group's provision), as `pupil.current_places`."""
    running = (
        Member.objects.filter(group__starts__lte=day, group__ends__gte=day, joined__lte=day)
        .exclude(left__lt=day)
        .select_related("group__provision")
    )
    return models.Prefetch("intervention_places", queryset=running, to_attr=to_attr)


def running_pairs(pupil_ids, day) -> set[tuple[int, int]]:
    """(pupil, provision) of every place in a group running on `day`, for these pupils."""
    places = (
        Member.objects.filter(
            pupil_id__in=pupil_ids, group__starts__lte=day, group__ends__gte=day, joined__lte=day
        )
        .exclude(left__lt=day)
        .values_list("pupil_id", "group__provision_id")
    )
    return set(places)


def places_in(group_ids, to_attr: str = "places_here") -> models.Prefetch:
    """Prefetch, onto pupils the gate gave, their places in these groups with their entry and
    exit results, as `pupil.places_here`."""
    places = Member.objects.filter(group_id__in=group_ids).select_related(
        "entry_result__assessment_type", "exit_result__assessment_type"
    )
    return models.Prefetch("intervention_places", queryset=places, to_attr=to_attr)


def member_count():
    """A group's number of places, as a subquery: a join and GROUP BY would run the other
    per-group subqueries once per place instead of once per group."""
    places = (
        Member.objects.filter(group=models.OuterRef("pk"))
        .order_by()
        .values("group")
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    return Coalesce(models.Subquery(places), 0)
