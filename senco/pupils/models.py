from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from senco.confidential import Confidential
from senco.ids import public_id_field
from senco.pupils import census
from senco.schools.calendar import year_group_label


def validate_upn(value: str) -> None:
    problem = census.check_upn(value)
    if problem:
        raise ValidationError(f"UPN {value}: {problem}")


class Source(models.TextChoices):
    ENTERED = "entered", "Entered by hand"
    IMPORTED = "imported", "Imported"


class PupilQuerySet(models.QuerySet):
    def on_roll(self) -> "PupilQuerySet":
        today = timezone.localdate()
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=today)).filter(
            Q(enrolled_on__isnull=True) | Q(enrolled_on__lte=today)
        )

    def with_open_needs(self) -> "PupilQuerySet":
        """Each pupil's current needs in rank order, as `pupil.open_needs`, in one query."""
        return self.prefetch_related(
            models.Prefetch(
                "sen_needs",
                queryset=SenNeed.objects.filter(ends__isnull=True).order_by("rank"),
                to_attr="open_needs",
            )
        )

    def with_date_added(self) -> "PupilQuerySet":
        """`date_added`: the start of the pupil's current unbroken run of register statuses (the
        earliest register status with no status off the register starting after it), as a
        subquery so that lists sort on it."""
        off_later = SenStatus.objects.filter(
            pupil=models.OuterRef("pupil"), starts__gt=models.OuterRef("starts")
        ).exclude(provision__in=census.REGISTER_CODES)
        run = (
            SenStatus.objects.filter(
                pupil=models.OuterRef("pk"), provision__in=census.REGISTER_CODES
            )
            .filter(~models.Exists(off_later))
            .order_by("starts")
            .values("starts")[:1]
        )
        return self.annotate(date_added=models.Subquery(run))

    def with_current_need(self, code: str) -> "PupilQuerySet":
        """Pupils with this need open now, at any rank."""
        return self.filter(
            models.Exists(
                SenNeed.objects.filter(pupil=models.OuterRef("pk"), ends__isnull=True, need=code)
            )
        )

    def status_history(self) -> dict[int, list[tuple]]:
        """Every SEN status of these pupils as (code, starts, ends), by pupil id: one query."""
        statuses: dict[int, list[tuple]] = {}
        rows = SenStatus.objects.filter(pupil__in=self.values("pk")).values_list(
            "pupil_id", "provision", "starts", "ends"
        )
        for pupil_id, *status in rows:
            statuses.setdefault(pupil_id, []).append(tuple(status))
        return statuses

    def need_history(self) -> dict[int, list[tuple]]:
        """Every need of these pupils as (code, rank, starts, ends), by pupil id: one query."""
        needs: dict[int, list[tuple]] = {}
        rows = SenNeed.objects.filter(pupil__in=self.values("pk")).values_list(
            "pupil_id", "need", "rank", "starts", "ends"
        )
        for pupil_id, *need in rows:
            needs.setdefault(pupil_id, []).append(tuple(need))
        return needs

    def going_by(self, query: str) -> "PupilQuerySet":
        """Pupils whose first or last name, as they go by it (preferred, else legal), starts
        with each word: a search that never links a preferred name to a legal one or a UPN."""
        rule = Q()
        for word in query.split()[:4]:
            rule &= (
                Q(preferred_first_name__istartswith=word)
                | Q(preferred_first_name="", legal_first_name__istartswith=word)
                | Q(preferred_last_name__istartswith=word)
                | Q(preferred_last_name="", legal_last_name__istartswith=word)
            )
        return self.filter(rule)

    def joining(self) -> "PupilQuerySet":
        """Applicants: pupils whose admission date is still to come, so the SENCO can prepare."""
        return self.filter(enrolled_on__gt=timezone.localdate(), left_on__isnull=True)


class Pupil(Confidential):
    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"

    class LookedAfter(models.TextChoices):
        NO = "", "No"
        LOOKED_AFTER = "cla", "Looked after"
        PREVIOUSLY = "pla", "Previously looked after"

    public_id = public_id_field()
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="pupils")
    upn = models.CharField("UPN", max_length=13, blank=True, validators=[validate_upn])
    former_upn = models.CharField(
        "former UPN", max_length=13, blank=True, validators=[validate_upn]
    )
    uln = models.CharField(
        "ULN", max_length=10, blank=True, help_text="Unique learner number, from Year 10."
    )
    legal_first_name = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=100, blank=True)
    legal_last_name = models.CharField(max_length=100)
    preferred_first_name = models.CharField(max_length=100, blank=True)
    preferred_last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    year_group = models.SmallIntegerField(null=True, blank=True, help_text="0 is Reception.")
    enrolled_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    pupil_premium = models.BooleanField(default=False)
    free_school_meals = models.BooleanField(default=False)
    eal = models.BooleanField("English as an additional language", default=False)
    looked_after = models.CharField(
        max_length=3, choices=LookedAfter.choices, blank=True, default=""
    )
    care_authority = models.CharField(
        max_length=3, blank=True, help_text="The LA code of the authority looking after the pupil."
    )
    medical_flag = models.BooleanField(default=False)
    ethnicity = models.CharField(max_length=4, blank=True, help_text="The DfE ethnicity code.")
    first_language = models.CharField(
        max_length=4, blank=True, help_text="The DfE language code (ENG, POL...)."
    )
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    # Outside the web root; served only by the pupil photo view, which checks access and logs.
    photo = models.ImageField(upload_to="photos/%Y/", blank=True)
    photo_sha256 = models.CharField(max_length=64, blank=True, help_text="Of the file imported.")
    shares_with_parents = models.BooleanField(
        "shares their record with their parents",
        default=False,
        help_text="From the end of compulsory school age the young person decides whether "
        "their parents keep seeing their record.",
    )
    # The current SEN status, kept in step with SenStatus by the register services so that
    # lists filter and sort on an indexed column instead of a subquery.
    sen_provision = models.CharField(max_length=1, default="N", db_index=True)
    primary_need = models.CharField(max_length=4, blank=True)
    key_worker = models.ForeignKey(
        "schools.Staff",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_pupils",
        help_text="The member of staff the pupil and parents go to first.",
    )
    review_on = models.DateField(
        "next review",
        null=True,
        blank=True,
        help_text="When the SENCO next reviews the register entry (a plan's review date once "
        "plans exist).",
    )

    objects = PupilQuerySet.as_manager()

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        indexes = [
            models.Index(fields=["school", "legal_last_name", "legal_first_name"]),
            models.Index(fields=["school", "upn"]),
            models.Index(fields=["school", "sen_provision"]),
            models.Index(
                fields=["is_confidential"],
                condition=Q(is_confidential=True),
                name="pupil_confidential",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "upn"], condition=~Q(upn=""), name="upn_unique_in_school"
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def first_name(self) -> str:
        return self.preferred_first_name or self.legal_first_name

    @property
    def last_name(self) -> str:
        return self.preferred_last_name or self.legal_last_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def initials(self) -> str:
        return f"{self.first_name[:1]}{self.last_name[:1]}".upper()

    @property
    def year_group_label(self) -> str:
        return year_group_label(self.year_group)

    @property
    def on_register(self) -> bool:
        return self.sen_provision in census.REGISTER_CODES

    @property
    def sen_provision_label(self) -> str:
        return census.PROVISION.get(self.sen_provision, self.sen_provision)

    @property
    def primary_need_label(self) -> str:
        return census.need_label(self.primary_need) if self.primary_need else ""


class Contact(Confidential):
    """A parent, carer or other contact, as the MIS holds them."""

    public_id = public_id_field()
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="contacts")
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    home_phone = models.CharField(max_length=30, blank=True)
    mobile_phone = models.CharField(max_length=30, blank=True)
    work_phone = models.CharField(max_length=30, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(
                fields=["is_confidential"],
                condition=Q(is_confidential=True),
                name="contact_confidential",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.first_name} {self.last_name}".strip()


class PupilContact(models.Model):
    class Relationship(models.TextChoices):
        MOTHER = "PAM", "Mother"
        FATHER = "PAF", "Father"
        CARER = "CAR", "Carer"
        STEP_MOTHER = "STM", "Step-mother"
        STEP_FATHER = "STF", "Step-father"
        FOSTER_CARER = "FCA", "Foster carer"
        SOCIAL_WORKER = "SWR", "Social worker"
        RELATIVE = "REL", "Other relative"
        OTHER = "OTH", "Other contact"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="contact_links")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="pupil_links")
    relationship = models.CharField(max_length=3, choices=Relationship.choices)
    parental_responsibility = models.BooleanField(default=False)
    court_order = models.BooleanField(
        default=False, help_text="A court order limits this contact's access to the pupil's record."
    )
    lives_with_pupil = models.BooleanField(default=True)
    priority = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["priority"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "contact"], name="pupil_contact_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contact} ({self.get_relationship_display()})"


class SenStatus(models.Model):
    """One period of a pupil's SEN provision status (N, K, E; legacy S, A, P kept as recorded)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="sen_statuses")
    provision = models.CharField(max_length=1, choices=list(census.PROVISION.items()))
    starts = models.DateField()
    ends = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ENTERED)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts"]
        verbose_name_plural = "SEN statuses"
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(ends__isnull=True), name="one_open_sen_status"
            ),
            models.CheckConstraint(
                name="sen_status_ends_after_start",
                condition=Q(ends__isnull=True) | Q(ends__gte=models.F("starts")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provision} from {self.starts}"

    @property
    def label(self) -> str:
        return census.PROVISION.get(self.provision, self.provision)


class SenNeed(models.Model):
    """A ranked need (census type of need) with the dates it applied."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="sen_needs")
    need = models.CharField(max_length=4, choices=[(k, v[0]) for k, v in census.NEEDS.items()])
    rank = models.PositiveSmallIntegerField()
    starts = models.DateField()
    ends = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ENTERED)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ends", "rank", "-starts"]
        constraints = [
            models.CheckConstraint(
                name="sen_need_ends_after_start",
                condition=Q(ends__isnull=True) | Q(ends__gte=models.F("starts")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.need} (rank {self.rank})"

    @property
    def label(self) -> str:
        return census.need_label(self.need)

    @property
    def broad_area(self) -> str:
        return census.broad_area(self.need)


class FreeMealsPeriod(models.Model):
    """A period of eligibility for free school meals, as the MIS or a CTF records it."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="free_meals")
    starts = models.DateField()
    ends = models.DateField(null=True, blank=True)
    country = models.CharField(
        max_length=3, blank=True, help_text="ENG, WLS, SCO or NIR: where the pupil was eligible."
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.IMPORTED)

    class Meta:
        ordering = ["-starts"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "starts"], name="one_meals_period_a_start"),
            models.CheckConstraint(
                name="meals_ends_after_start",
                condition=Q(ends__isnull=True) | Q(ends__gte=models.F("starts")),
            ),
        ]

    def __str__(self) -> str:
        return f"Free school meals from {self.starts}"


class Attendance(models.Model):
    """A pupil's attendance over a period, as the MIS reports it."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="attendance")
    starts = models.DateField()
    ends = models.DateField()
    possible = models.PositiveIntegerField(null=True, blank=True, help_text="Sessions possible.")
    present = models.PositiveIntegerField(
        null=True, blank=True, help_text="Sessions attended (present or an approved activity)."
    )
    percent = models.DecimalField(max_digits=5, decimal_places=1)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.IMPORTED)

    class Meta:
        ordering = ["-ends"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "starts", "ends"], name="one_figure_a_period"),
            models.CheckConstraint(
                name="attendance_ends_after_start", condition=Q(ends__gte=models.F("starts"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.percent}% from {self.starts} to {self.ends}"


class Suspension(models.Model):
    """A suspension or permanent exclusion, as the MIS records it."""

    class Kind(models.TextChoices):
        SUSPENSION = "suspension", "Suspension"
        PERMANENT = "permanent", "Permanent exclusion"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="suspensions")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SUSPENSION)
    starts = models.DateField()
    sessions = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Half-day sessions missed."
    )
    reason = models.CharField(max_length=100, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.IMPORTED)

    class Meta:
        ordering = ["-starts"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "kind", "starts"], name="one_suspension_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.starts}"


class Report(models.Model):
    """A report from outside the school (an educational psychologist's, a speech and language
    therapist's), stored privately and read only through `pupils:report`, which is audited."""

    class Kind(models.TextChoices):
        EP = "ep", "Educational psychologist"
        SALT = "salt", "Speech and language therapy"
        OT = "ot", "Occupational therapy"
        CAMHS = "camhs", "CAMHS (mental health)"
        PAEDIATRIC = "paediatric", "Paediatrician or other medical"
        SENSORY = "sensory", "Sensory support (hearing or vision)"
        ADVISORY = "advisory", "Advisory teacher or outreach"
        SOCIAL_CARE = "social_care", "Social care"
        OTHER = "other", "Other"

    public_id = public_id_field()
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    author = models.CharField(max_length=200, help_text="Who wrote it, and their service.")
    dated = models.DateField(help_text="The date on the report.")
    file = models.FileField(upload_to="reports/%Y/")
    filename = models.CharField(max_length=200, help_text="The name the file arrived with.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-dated", "-uploaded_at"]
        indexes = [models.Index(fields=["pupil", "-dated"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} report, {self.dated:%d/%m/%Y}"
