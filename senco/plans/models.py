"""SEN support plans in assess-plan-do-review cycles (Code of Practice 6.44-6.56).

A plan belongs to a pupil and is made of cycles. Each cycle holds the *assess* stage (evidence
linked, not retyped), the *plan* (outcomes, strategies, provision, the review date), the *do*
stage (notes by teachers and TAs) and the *review* (progress on each outcome, the pupil's and
the parents' views, the decision). A reviewed cycle is locked; every saved state of a cycle is
kept as a `CycleVersion`. All changes go through `senco.plans.services`.
"""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from senco.ids import public_id_field
from senco.pupils import census


class PlanQuerySet(models.QuerySet):
    def open(self) -> "PlanQuerySet":
        return self.filter(ends__isnull=True)


class Plan(models.Model):
    """A pupil's plan of one kind. A pupil has at most one open plan of each kind; an ended
    plan stays in their history."""

    class Kind(models.TextChoices):
        SEN_SUPPORT = "sen_support", "SEN support plan"
        # Later kinds (an EHC plan's section E outcomes, an individual support plan) go here.

    public_id = public_id_field()
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.CASCADE, related_name="plans")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SEN_SUPPORT)
    starts = models.DateField()
    ends = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-starts", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "kind"], condition=Q(ends__isnull=True), name="one_open_plan"
            ),
            models.CheckConstraint(
                name="plan_ends_after_start",
                condition=Q(ends__isnull=True) | Q(ends__gte=F("starts")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.starts:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.ends is None


class CycleQuerySet(models.QuerySet):
    def open(self) -> "CycleQuerySet":
        return self.filter(status=Cycle.Status.OPEN)


class Cycle(models.Model):
    """One assess-plan-do-review cycle of a plan. Open until it is reviewed, then locked.

    `version` counts the saved states of the cycle (each kept as a `CycleVersion`): a change
    names the version it started from, and is refused when someone saved another since.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        REVIEWED = "reviewed", "Reviewed"

    class Decision(models.TextChoices):
        CONTINUE = "continue", "Continue: the plan is working"
        CHANGE = "change", "Change the outcomes or the provision"
        STEP_UP = "step_up", "Step up: request an EHC needs assessment"
        STEP_DOWN = "step_down", "Step down: less support is needed"
        LEAVE = "leave", "Leave the SEN register"

    public_id = public_id_field()
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveSmallIntegerField()
    starts = models.DateField()
    review_on = models.DateField("review by")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    locked_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    # Assess: the evidence, linked to where it is kept.
    results = models.ManyToManyField(
        "assessment.Result", blank=True, related_name="+", verbose_name="assessment results"
    )
    concerns = models.ManyToManyField("concerns.Concern", blank=True, related_name="+")
    reports = models.ManyToManyField(
        "pupils.Report", blank=True, related_name="+", verbose_name="reports from outside"
    )
    observations = models.TextField(
        "observations", max_length=5000, blank=True, help_text="What staff and parents have seen."
    )
    # Plan: outcomes and provision are rows of their own.
    strategies = models.TextField(
        "strategies for the class teacher",
        max_length=3000,
        blank=True,
        help_text="One strategy a line.",
    )
    # Review.
    pupil_view = models.TextField("the pupil's view", max_length=3000, blank=True)
    # The parents' view as recorded at the review; before it, each parent's own `ParentView`.
    parent_view = models.TextField("the parents' view", max_length=3000, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    review_notes = models.TextField("what was agreed", max_length=5000, blank=True)
    reviewed_on = models.DateField("date of the review", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_cycle_number"),
            models.CheckConstraint(
                name="cycle_review_after_start", condition=Q(review_on__gt=F("starts"))
            ),
            models.CheckConstraint(
                name="cycle_reviewed_is_locked",
                condition=Q(status="open", locked_at__isnull=True, decision="")
                | (
                    Q(status="reviewed", locked_at__isnull=False, reviewed_on__isnull=False)
                    & ~Q(decision="")
                ),
            ),
        ]
        indexes = [models.Index(fields=["status", "review_on"])]

    def __str__(self) -> str:
        return f"Cycle {self.number}, from {self.starts:%d/%m/%Y}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.REVIEWED

    @property
    def strategy_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.strategies.splitlines() if line.strip(" -•\t")]


class Outcome(models.Model):
    """What the pupil should achieve by the review: specific, with a success measure."""

    AREAS = list(census.BROAD_AREAS.items())

    public_id = public_id_field()
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField(default=1)
    text = models.TextField("outcome", max_length=1000)
    area = models.CharField("area of need", max_length=4, choices=AREAS)
    measure = models.TextField(
        "success measure", max_length=1000, help_text="How everyone will know it is achieved."
    )
    # The same outcome in the cycle before, when it was carried over at a review.
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set at the review, on the school's scale (SENCO_PROGRESS_SCALE). The label is kept as it
    # was then, so a later change of scale leaves past reviews as they were recorded.
    progress = models.CharField(max_length=20, blank=True)
    progress_label = models.CharField(max_length=100, blank=True)
    progress_evidence = models.TextField("evidence of progress", max_length=3000, blank=True)

    class Meta:
        ordering = ["cycle", "position", "pk"]
        constraints = [
            models.CheckConstraint(name="outcome_has_measure", condition=~Q(measure="")),
            models.CheckConstraint(name="outcome_has_text", condition=~Q(text="")),
        ]

    def __str__(self) -> str:
        return f"Outcome {self.position}"


class ProvisionItem(models.Model):
    """Who does what and how often: an entry of the school's provision library (`provision`),
    or a one-off described in `what` alone."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="provision_items")
    provision = models.ForeignKey(
        "provision.Provision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_items",
    )
    position = models.PositiveSmallIntegerField(default=1)
    what = models.CharField(max_length=300)
    who = models.CharField(max_length=200, help_text="A role or a person.")
    how_often = models.CharField(max_length=200)

    class Meta:
        ordering = ["cycle", "position", "pk"]

    def __str__(self) -> str:
        return self.what[:80]


class Note(models.Model):
    """The *do* stage: what a teacher or TA saw, against an outcome or the cycle as a whole."""

    public_id = public_id_field()
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="notes")
    # RESTRICT: an outcome with notes cannot be removed on its own (it can with its cycle).
    outcome = models.ForeignKey(
        Outcome, null=True, blank=True, on_delete=models.RESTRICT, related_name="notes"
    )
    written_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_on = models.DateField("date")
    written_at = models.DateTimeField(default=timezone.now)
    text = models.TextField("what you saw", max_length=3000)

    class Meta:
        ordering = ["cycle", "written_on", "pk"]

    def __str__(self) -> str:
        return f"Note of {self.written_on:%d/%m/%Y}"


class ParentView(models.Model):
    """One parent's view before a review, in their own words. Each parent has their own, which
    only they and staff read: separated parents do not read or overwrite each other's."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="parent_views")
    written_by = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    text = models.TextField("your view", max_length=3000)
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cycle", "written_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "written_by"], name="one_view_a_parent")
        ]

    def __str__(self) -> str:
        return f"A parent's view of {self.written_at:%d/%m/%Y}"


class CycleVersion(models.Model):
    """One saved state of a cycle, as JSON: every version stays viewable."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    what = models.CharField(max_length=100)
    snapshot = models.JSONField()
    saved_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cycle", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="one_cycle_version_number")
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"
