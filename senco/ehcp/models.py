"""EHC needs assessments, EHC plans and their annual reviews (issue 9).

- A `NeedsAssessmentRequest` follows a request to the local authority through its statutory
  stages, each with its due date (from `senco.ehcp.deadlines`) and the date it happened;
  `DeadlineException` records why the LA need not meet a limit, keeping the original date.
- An `EHCPlan` is the pupil's plan as the LA issued it. Its content lives in `PlanVersion`s
  (issued, amended, changed by a tribunal): sections A to K, with E (`PlanOutcome`) and F
  (`PlanProvision`, each item quantified) as rows. A version is never changed once saved.
- An `AnnualReview` runs from the date of the meeting to the LA's decision: invitations
  (`ReviewInvitee`), contributions, the paperwork, the meeting record (`OutcomeProgress`,
  `RecommendedAmendment`), the report to the LA and the LA's decision.
- An `LAConsultation` is an LA asking the school whether it can be named in a child's plan.

All changes go through `senco.ehcp.services`.
"""

import datetime as dt
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from senco.ids import public_id_field
from senco.pupils import census

SECTIONS = {
    "A": "The views, interests and aspirations of the child and their parents",
    "B": "Special educational needs",
    "C": "Health needs related to their SEN",
    "D": "Social care needs related to their SEN",
    "E": "Outcomes",
    "F": "Special educational provision",
    "G": "Health provision",
    "H1": "Social care provision under the Chronically Sick and Disabled Persons Act",
    "H2": "Other social care provision",
    "I": "Placement: the school or other institution named",
    "J": "Personal budget",
    "K": "Advice and information (appendices)",
}
# The sections written as text; E and F are rows of their own.
TEXT_SECTIONS = [s for s in SECTIONS if s not in {"E", "F"}]
SECTION_CHOICES = [(code, f"{code}: {name}") for code, name in SECTIONS.items()]


def _user(related_name: str = "+") -> models.ForeignKey:
    return models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
    )


class NeedsAssessmentRequest(models.Model):
    """A request to the LA for an EHC needs assessment, followed stage by stage.

    Due dates come from `deadlines.needs_assessment_deadlines` on `requested_on` and the
    recorded exceptions; each stage's actual date is recorded beside it."""

    class RequestedBy(models.TextChoices):
        SCHOOL = "school", "The school"
        PARENT = "parent", "A parent"
        YOUNG_PERSON = "young_person", "The young person"
        OTHER = "other", "Someone else (health, social care, early years)"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for the LA's decision to assess"
        REFUSED = "refused", "The LA refused to assess"
        ASSESSING = "assessing", "Being assessed"
        NOT_ISSUING = "not_issuing", "The LA decided not to issue a plan"
        DRAFT = "draft", "Draft plan sent"
        ISSUED = "issued", "Plan issued"
        WITHDRAWN = "withdrawn", "Withdrawn"

    CLOSED = {Status.REFUSED, Status.NOT_ISSUING, Status.ISSUED, Status.WITHDRAWN}

    public_id = public_id_field()
    pupil = models.ForeignKey(
        "pupils.Pupil", on_delete=models.CASCADE, related_name="needs_assessment_requests"
    )
    requested_by = models.CharField(
        "who asked", max_length=12, choices=RequestedBy.choices, default=RequestedBy.SCHOOL
    )
    requested_by_name = models.CharField("their name or role", max_length=200, blank=True)
    requested_on = models.DateField("date the LA received the request")
    local_authority = models.CharField("local authority", max_length=100)
    caseworker = models.CharField("LA caseworker", max_length=200, blank=True)
    la_reference = models.CharField("LA reference", max_length=50, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.WAITING)
    # Each stage's actual date; empty until it happens.
    decided_to_assess_on = models.DateField(
        "LA decided whether to assess on", null=True, blank=True
    )
    advice_requested_on = models.DateField(
        "LA asked the school for advice on", null=True, blank=True
    )
    advice_sent_on = models.DateField("school sent its advice on", null=True, blank=True)
    draft_received_on = models.DateField("draft plan received on", null=True, blank=True)
    comments_sent_on = models.DateField("comments on the draft sent on", null=True, blank=True)
    decided_on = models.DateField(
        "final plan issued, decision not to issue, or withdrawn, on", null=True, blank=True
    )
    closed_because = models.TextField(
        "why it closed (refusal, withdrawal)", max_length=2000, blank=True
    )
    plan = models.OneToOneField(
        "EHCPlan", null=True, blank=True, on_delete=models.SET_NULL, related_name="request"
    )
    created_by = _user()
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-requested_on", "-pk"]
        indexes = [models.Index(fields=["status", "requested_on"])]

    def __str__(self) -> str:
        return f"Request for an EHC needs assessment of {self.requested_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED


class DeadlineException(models.Model):
    """Why the LA need not meet a limit (regulation 10(4), 13(3)): the school closed four
    weeks or more, exceptional personal circumstances, the family away four weeks or more.
    The original date stays visible beside the revised one."""

    class Reason(models.TextChoices):
        SCHOOL_CLOSED = "school_closed", "The school was closed for 4 or more continuous weeks"
        EXCEPTIONAL_CIRCUMSTANCES = (
            "exceptional_circumstances",
            "Exceptional personal circumstances of the child or their parent",
        )
        FAMILY_AWAY = "family_away", "The family was away for 4 or more continuous weeks"

    request = models.ForeignKey(
        NeedsAssessmentRequest, on_delete=models.CASCADE, related_name="exceptions"
    )
    reason = models.CharField(max_length=30, choices=Reason.choices)
    starts = models.DateField()
    ends = models.DateField()
    note = models.TextField(max_length=1000, blank=True)
    recorded_by = _user()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["request", "starts", "pk"]
        constraints = [
            models.CheckConstraint(
                name="exception_ends_after_start", condition=Q(ends__gte=F("starts"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.starts:%d/%m/%Y} to {self.ends:%d/%m/%Y})"


class EHCPlanQuerySet(models.QuerySet):
    def current(self) -> "EHCPlanQuerySet":
        return self.filter(ceased_on__isnull=True)


class EHCPlan(models.Model):
    """A pupil's EHC plan, issued by a local authority. Its content is in its versions; the
    plan row holds what does not change with an amendment (the LA, the dates, funding)."""

    public_id = public_id_field()
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.CASCADE, related_name="ehc_plans")
    local_authority = models.CharField("local authority", max_length=100)
    caseworker = models.CharField("LA caseworker", max_length=200, blank=True)
    caseworker_email = models.EmailField("caseworker's email", blank=True)
    la_reference = models.CharField("LA reference", max_length=50, blank=True)
    issued_on = models.DateField("date the plan was first issued")
    # The anchor of the next annual review: the issue date, then each review's meeting date;
    # for a pupil arriving from another LA, the transfer rule (deadlines.transfer_in_review_due).
    last_reviewed_on = models.DateField("last annual review", null=True, blank=True)
    transferred_in_on = models.DateField(
        "arrived from another local authority on", null=True, blank=True
    )
    phase_transfer_year = models.PositiveSmallIntegerField(
        "year of the next phase transfer",
        null=True,
        blank=True,
        help_text="The calendar year the pupil moves to their next school or phase.",
    )
    into_post16 = models.BooleanField("the next transfer is into post-16", default=False)
    top_up_per_year = models.DecimalField(
        "top-up funding a year (£)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Element 3, paid by the LA on top of the school's £6,000.",
    )
    top_up_band = models.CharField("top-up band", max_length=50, blank=True)
    ceased_on = models.DateField("plan ceased on", null=True, blank=True)
    ceased_because = models.TextField("why the plan ceased", max_length=2000, blank=True)
    created_by = _user()
    created_at = models.DateTimeField(default=timezone.now)
    # Counts the saved states of the plan's details: a change names the one it started from.
    version = models.PositiveIntegerField(default=1)

    objects = EHCPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(ceased_on__isnull=True), name="one_current_ehc_plan"
            ),
            models.CheckConstraint(
                name="ehc_plan_ceases_after_issue",
                condition=Q(ceased_on__isnull=True) | Q(ceased_on__gte=F("issued_on")),
            ),
            models.CheckConstraint(
                name="ehc_top_up_not_negative",
                condition=Q(top_up_per_year__isnull=True) | Q(top_up_per_year__gte=Decimal(0)),
            ),
        ]

    def __str__(self) -> str:
        return f"EHC plan issued {self.issued_on:%d/%m/%Y} by {self.local_authority}"

    @property
    def is_current(self) -> bool:
        return self.ceased_on is None

    @property
    def review_anchor(self) -> dt.date:
        return self.last_reviewed_on or self.issued_on


class PlanVersion(models.Model):
    """One version of an EHC plan's content, as issued: never changed once saved. An
    amendment or a tribunal's order is a new version; the earlier ones stay readable."""

    class Kind(models.TextChoices):
        ISSUED = "issued", "Issued"
        AMENDED = "amended", "Amended after a review"
        TRIBUNAL = "tribunal", "Changed by a tribunal"
        TRANSFERRED = "transferred", "Transferred from another LA"

    public_id = public_id_field()
    plan = models.ForeignKey(EHCPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ISSUED)
    dated = models.DateField("date of this version")
    # Sections A-D and G-K as text, keyed by section code (TEXT_SECTIONS).
    sections = models.JSONField(default=dict)
    why = models.TextField("what changed and why", max_length=3000, blank=True)
    saved_by = _user()
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_ehc_version_number")
        ]

    def __str__(self) -> str:
        return f"Version {self.number} ({self.get_kind_display().lower()}, {self.dated:%d/%m/%Y})"

    def section(self, code: str) -> str:
        return str(self.sections.get(code, ""))


class PlanOutcome(models.Model):
    """Section E: an outcome of the plan, with the steps towards it."""

    AREAS = list(census.BROAD_AREAS.items())

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField(default=1)
    text = models.TextField("outcome", max_length=1000)
    area = models.CharField("area of need", max_length=4, choices=AREAS)
    by_when = models.CharField(
        "by when", max_length=100, blank=True, help_text="The end of a key stage, or a date."
    )
    steps = models.TextField("steps towards it", max_length=2000, blank=True)
    # The same outcome in the version before, so progress can be followed across amendments.
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [models.CheckConstraint(name="ehc_outcome_has_text", condition=~Q(text=""))]

    def __str__(self) -> str:
        return f"Outcome {self.position}"


class PlanProvision(models.Model):
    """Section F: one item of special educational provision, quantified (what, how often, for
    how long, by whom), and linked to the school's provision library so delivery can be
    counted against it."""

    class Per(models.TextChoices):
        WEEK = "week", "a week"
        TERM = "term", "a term"
        YEAR = "year", "a year"

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="provision")
    position = models.PositiveSmallIntegerField(default=1)
    what = models.TextField(max_length=1000)
    who = models.CharField("delivered by", max_length=200)
    sessions = models.DecimalField("sessions", max_digits=5, decimal_places=1)
    per = models.CharField(max_length=4, choices=Per.choices, default=Per.WEEK)
    minutes = models.PositiveSmallIntegerField("minutes a session")
    group_size = models.CharField(
        "group size", max_length=50, blank=True, help_text="1:1, a small group, the class."
    )
    provision = models.ForeignKey(
        "provision.Provision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ehc_items",
        verbose_name="provision in the library",
    )
    outcome = models.ForeignKey(
        PlanOutcome,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="provision",
        verbose_name="the outcome it serves",
    )

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [
            models.CheckConstraint(name="ehc_provision_has_what", condition=~Q(what="")),
            models.CheckConstraint(name="ehc_provision_has_sessions", condition=Q(sessions__gt=0)),
            models.CheckConstraint(name="ehc_provision_has_minutes", condition=Q(minutes__gt=0)),
        ]

    def __str__(self) -> str:
        return str(self.what)[:80]


class AnnualReviewQuerySet(models.QuerySet):
    def open(self) -> "AnnualReviewQuerySet":
        return self.exclude(status=AnnualReview.Status.DONE)


class AnnualReview(models.Model):
    """One annual review of an EHC plan (regulations 18 to 22), from the date of the meeting
    to the LA's decision and any amendment."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Meeting dated"
        INVITED = "invited", "Invitations sent"
        PAPERWORK = "paperwork", "Paperwork circulated"
        HELD = "held", "Meeting held"
        REPORTED = "reported", "Report sent to the LA and everyone invited"
        DONE = "done", "LA decision recorded"

    class Decision(models.TextChoices):
        KEEP = "keep", "Keep the plan as it is"
        AMEND = "amend", "Amend the plan"
        CEASE = "cease", "Cease the plan"

    public_id = public_id_field()
    plan = models.ForeignKey(EHCPlan, on_delete=models.CASCADE, related_name="reviews")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    due_by = models.DateField("review due by")
    meeting_on = models.DateField("date of the meeting")
    meeting_time = models.TimeField("time", null=True, blank=True)
    place = models.CharField("where", max_length=200, blank=True)
    is_phase_transfer = models.BooleanField("this review names the next school", default=False)
    invitations_sent_on = models.DateField(null=True, blank=True)
    # Fewer than two weeks' notice is allowed, with the reason recorded.
    short_notice_reason = models.TextField(
        "why fewer than two weeks' notice", max_length=1000, blank=True
    )
    contributions_due_on = models.DateField("contributions due by", null=True, blank=True)
    paperwork_sent_on = models.DateField("paperwork circulated on", null=True, blank=True)
    # The meeting record.
    held_on = models.DateField("date held", null=True, blank=True)
    pupil_view = models.TextField("the pupil's view", max_length=5000, blank=True)
    parent_view = models.TextField("the parents' view", max_length=5000, blank=True)
    others_views = models.TextField("the views of others present", max_length=5000, blank=True)
    preparing_for_adulthood = models.TextField(
        "preparing for adulthood",
        max_length=5000,
        blank=True,
        help_text="From Year 9: employment, independent living, friends and community, health.",
    )
    recommendation = models.CharField(
        "the school recommends", max_length=5, choices=Decision.choices, blank=True
    )
    agreed = models.TextField("what was agreed", max_length=5000, blank=True)
    report_sent_on = models.DateField("report sent to the LA on", null=True, blank=True)
    # The LA's side.
    la_decision = models.CharField(
        "the LA decided to", max_length=5, choices=Decision.choices, blank=True
    )
    la_decided_on = models.DateField("LA decision received on", null=True, blank=True)
    amendment_proposed_on = models.DateField(
        "proposed amendments received on", null=True, blank=True
    )
    amended_plan_on = models.DateField("final amended plan issued on", null=True, blank=True)
    recorded_by = _user()
    created_by = _user()
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = AnnualReviewQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-meeting_on", "-pk"]
        indexes = [models.Index(fields=["status", "meeting_on"])]

    def __str__(self) -> str:
        return f"Annual review of {self.meeting_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.DONE


class ReviewInvitee(models.Model):
    """Who is invited to an annual review, and their contribution (advice) before it."""

    class Kind(models.TextChoices):
        PARENT = "parent", "Parent or carer"
        PUPIL = "pupil", "The pupil or young person"
        LA = "la", "Local authority"
        HEALTH = "health", "Health"
        SOCIAL_CARE = "social_care", "Social care"
        STAFF = "staff", "School staff"
        OTHER = "other", "Other professional"

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="invitees")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # A parent invited from the pupil's contacts: their name shows only to those who may see
    # that contact (a contact can be confidential), as on meetings with parents.
    contact = models.ForeignKey(
        "pupils.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Invited from the contacts: once the contact is deleted, nobody may see whose name this is.
    from_contacts = models.BooleanField(default=False)
    name = models.CharField("name or role", max_length=200)
    email = models.EmailField(blank=True)
    invited_on = models.DateField(null=True, blank=True)
    contribution_requested_on = models.DateField(null=True, blank=True)
    contribution_received_on = models.DateField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True)
    # Taken off the list after being invited: kept, not deleted, so who was invited stays known.
    removed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["review", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class OutcomeProgress(models.Model):
    """Progress on one section E outcome, recorded at the review meeting."""

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="progress")
    outcome = models.ForeignKey(PlanOutcome, on_delete=models.CASCADE, related_name="+")
    progress = models.CharField(max_length=20)
    progress_label = models.CharField(max_length=100)
    evidence = models.TextField(max_length=3000, blank=True)

    class Meta:
        ordering = ["review", "outcome__position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "outcome"], name="one_progress_an_outcome")
        ]

    def __str__(self) -> str:
        return f"Progress on outcome {self.outcome_id}: {self.progress_label}"


class RecommendedAmendment(models.Model):
    """A change to one section the review recommends to the LA."""

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="amendments")
    section = models.CharField(max_length=2, choices=SECTION_CHOICES)
    text = models.TextField("recommended change", max_length=3000)

    class Meta:
        ordering = ["review", "section", "pk"]

    def __str__(self) -> str:
        return f"Section {self.section}: {self.text[:60]}"


class LAConsultation(models.Model):
    """An LA asking the school whether it can be named in a child's plan (Code 9.83): the
    school answers within 15 days. The child may not be a pupil yet, so only initials and
    the LA's reference are kept."""

    class Answer(models.TextChoices):
        CAN_MEET = "can_meet", "The school can meet the child's needs"
        CANNOT_MEET = "cannot_meet", "The school cannot meet the child's needs"
        MORE_INFORMATION = "more_information", "The school asked for more information"

    public_id = public_id_field()
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    local_authority = models.CharField("local authority", max_length=100)
    la_reference = models.CharField("LA reference", max_length=50, blank=True)
    child_initials = models.CharField("the child's initials", max_length=5)
    year_group = models.SmallIntegerField(
        "year group they would join", null=True, blank=True, help_text="0 is Reception."
    )
    starting = models.DateField("would start on", null=True, blank=True)
    received_on = models.DateField("consultation received on")
    answered_on = models.DateField("answered on", null=True, blank=True)
    answer = models.CharField(max_length=20, choices=Answer.choices, blank=True)
    reasons = models.TextField("the school's reasons", max_length=5000, blank=True)
    pupil = models.ForeignKey(
        "pupils.Pupil",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="la_consultations",
        help_text="When the child is, or becomes, a pupil here.",
    )
    created_by = _user()
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["school", "answered_on", "received_on"])]
        constraints = [
            models.CheckConstraint(
                name="consultation_answer_with_date",
                condition=Q(answered_on__isnull=True, answer="")
                | (Q(answered_on__isnull=False) & ~Q(answer="")),
            )
        ]

    def __str__(self) -> str:
        return f"Consultation from {self.local_authority} of {self.received_on:%d/%m/%Y}"
