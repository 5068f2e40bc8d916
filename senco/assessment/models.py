"""Assessment types (a school's tests and judgements) and each pupil's results on them.

How a result is written and read is `values.py` (pure); every change is `services.py`.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from senco.assessment import values
from senco.ids import public_id_field
from senco.pupils.models import Source


class Kind(models.TextChoices):
    STANDARDISED = values.STANDARDISED, "Standardised score"
    READING_AGE = values.READING_AGE, "Reading age"
    SPELLING_AGE = values.SPELLING_AGE, "Spelling age"
    KS_SCALED = values.KS_SCALED, "Key stage scaled score (80 to 120)"
    RAW = values.RAW, "Raw score out of a maximum"
    JUDGEMENT = values.JUDGEMENT, "Teacher judgement on a named scale"
    PRE_KEY_STAGE = values.PRE_KEY_STAGE, "Pre-key stage standards"
    ENGAGEMENT = values.ENGAGEMENT, "Engagement Model"


class AssessmentType(models.Model):
    """A test or judgement the school records, and how its results are read.

    - `mean` and `sd` are a standardised test's norms (100 and 15 for nearly every UK test),
      `reliability` its test-retest reliability from the manual: reliable change for one pupil
      (METRICS.md) needs it, so it is left blank rather than guessed.
    - `maximum` is a raw score's maximum (40 for the phonics screening check).
    - `scale` lists the labels of a judgement, the pre-key stage standards or the Engagement
      Model, lowest first (`values.DEFAULT_SCALES` gives each kind's starting scale).

    The Engagement Model is not a scale of attainment: the DfE describes five areas of
    engagement (exploration, realisation, anticipation, persistence, initiation) to observe, not
    to score. OpenSENCO keeps it simple and honest: an engagement result is a label on a scale
    the school names (by default Emerging, Developing, Secure), one type per area where a
    school records the areas apart. Nothing computes progress from those labels as if they
    were numbers.
    """

    Kind = Kind

    public_id = public_id_field()
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="assessment_types"
    )
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    mean = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal(100), help_text="Standardised scores."
    )
    sd = models.DecimalField(
        "standard deviation",
        max_digits=6,
        decimal_places=2,
        default=Decimal(15),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Standardised scores.",
    )
    reliability = models.DecimalField(
        "test-retest reliability",
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text="Standardised scores: from the test's manual, between 0 and 1.",
    )
    maximum = models.PositiveIntegerField(null=True, blank=True, help_text="Raw scores.")
    scale = models.JSONField(
        default=list, blank=True, help_text="Labels, lowest first: judgements and standards."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "school", Lower("name"), name="assessment_type_name_unique_in_school"
            ),
            models.CheckConstraint(
                name="assessment_type_raw_has_maximum",
                condition=~Q(kind=values.RAW) | Q(maximum__isnull=False, maximum__gt=0),
            ),
            models.CheckConstraint(name="assessment_type_sd_positive", condition=Q(sd__gt=0)),
            models.CheckConstraint(
                name="assessment_type_reliability_0_to_1",
                condition=Q(reliability__isnull=True) | Q(reliability__gte=0, reliability__lte=1),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_age(self) -> bool:
        return self.kind in values.AGE_KINDS

    @property
    def is_labelled(self) -> bool:
        return self.kind in values.LABEL_KINDS

    def parse(self, text: str) -> values.Parsed:
        """`values.parse` with this type's maximum, scale and norms: what imports should call."""
        return values.parse(
            self.kind,
            text,
            maximum=self.maximum,
            scale=self.scale or (),
            mean=self.mean,
            sd=self.sd,
        )

    @property
    def hint(self) -> str:
        """What to type, for the grid."""
        if self.is_age:
            return "Years and months, such as 8.07 or 8y 7m."
        if self.is_labelled:
            return "One of: " + ", ".join(self.scale) + "."
        if self.kind == values.RAW:
            return f"A mark from 0 to {self.maximum}."
        if self.kind == values.STANDARDISED:
            low, high = values.standardised_range(self.mean, self.sd)
            return f"A whole number from {low} to {high}."
        low, high = values.KS_SCALED_RANGE
        return f"A whole number from {low} to {high}."


class Result(models.Model):
    """One pupil's result on one assessment on one day: a score, an age in months or a label.

    (pupil, assessment type, date) is unique, so recording or importing the same result twice
    changes nothing. Exactly one of `score`, `months` and `label` is set, by the type's kind.
    """

    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="results")
    assessment_type = models.ForeignKey(
        AssessmentType, on_delete=models.PROTECT, related_name="results"
    )
    taken_on = models.DateField()
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Reading and spelling ages in whole months: 8y 7m is 103."
    )
    label = models.CharField(max_length=values.MAX_LABEL_LENGTH, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ENTERED)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-taken_on", "-pk"]
        constraints = [
            # Its unique index is also the index for a pupil's results (of one type) by date.
            models.UniqueConstraint(
                fields=["pupil", "assessment_type", "taken_on"], name="one_result_per_day"
            ),
            models.CheckConstraint(
                name="result_has_one_value",
                condition=Q(score__isnull=False, months__isnull=True, label="")
                | Q(score__isnull=True, months__isnull=False, label="")
                | (Q(score__isnull=True, months__isnull=True) & ~Q(label="")),
            ),
        ]
        indexes = [
            # Reports read one assessment across the school, by date.
            models.Index(fields=["assessment_type", "taken_on"], name="result_type_date"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_type} on {self.taken_on:%d/%m/%Y}: {self.display}"

    @property
    def parsed(self) -> values.Parsed:
        return values.Parsed(score=self.score, months=self.months, label=self.label or None)

    @property
    def display(self) -> str:
        """ "8y 7m", "104", "17/40", "Secure"."""
        kind = self.assessment_type.kind
        return values.show(
            kind,
            score=self.score,
            months=self.months,
            label=self.label,
            maximum=self.assessment_type.maximum,
        )


def latest_results(assessment_type: AssessmentType, to_attr: str = "assessment_results"):
    """Prefetch, onto pupils the gate gave (`access.pupils_visible_to`), their results of one
    type newest first: the grid reads each pupil's latest in one query for the page."""
    return models.Prefetch(
        "results",
        queryset=Result.objects.filter(assessment_type=assessment_type)
        .select_related("assessment_type")
        .order_by("-taken_on", "-pk"),
        to_attr=to_attr,
    )
