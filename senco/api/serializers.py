"""What the API reads and writes. Input is strict: a key it does not know is refused (named, with
what to send instead), and JSON types are not coerced (`"true"` is not a boolean)."""

import datetime as dt
from collections.abc import Mapping

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from senco.access import today
from senco.pupils import census

UNKNOWN_FIELD = "Unknown field: it is not part of this request (see /api/docs/)."
FROM_THE_MIS = (
    "Identity comes from the school's MIS (names, date of birth, UPN, sex, year group, dates "
    "of joining and leaving, flags): change it there, and the next import brings it here."
)
READ_ONLY = "Read only: it cannot be changed."
SEN_FIELDS = "Change the SEN status and needs with POST /api/pupils/{id}/sen/."
STATUS_CHOICES = [(code, census.PROVISION[code]) for code in census.CURRENT_PROVISION]
NEED_CHOICES = [(code, label) for code, (label, _area) in census.NEEDS.items()]


def _strict(field_class, json_type: type, message: str):
    """`field_class` taking only values of `json_type`, as JSON gives them: no coercion."""

    class Strict(field_class):
        default_error_messages = {"type": message}

        def to_internal_value(self, data):
            if not isinstance(data, json_type):
                self.fail("type")
            return super().to_internal_value(data)

    Strict.__name__ = f"Strict{field_class.__name__}"
    return Strict


StrictCharField = _strict(serializers.CharField, str, "Must be text (a JSON string).")
StrictBooleanField = _strict(
    serializers.BooleanField, bool, "Must be true or false (a JSON boolean, not text)."
)
StrictUUIDField = _strict(
    serializers.UUIDField, str, "Must be an id (a JSON string such as 7c0e5a4e-...)."
)


class StrictSerializer(serializers.Serializer):
    """Refuses keys it does not know instead of ignoring them (a typo would otherwise change
    nothing and answer as if it had). `refused` says why for keys that are known elsewhere."""

    refused: Mapping[str, str] = {}

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = [key for key in data if key not in self.fields]
            if unknown:
                raise serializers.ValidationError(
                    {str(key)[:100]: [self.refused.get(key, UNKNOWN_FIELD)] for key in unknown}
                )
        return super().to_internal_value(data)


# Queries ----------------------------------------------------------------------------------


class PageQuery(StrictSerializer):
    page = serializers.IntegerField(min_value=1, max_value=100_000, default=1)
    page_size = serializers.IntegerField(
        min_value=1, max_value=100, default=50, help_text="At most 100."
    )


class PupilQuery(PageQuery):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="A name, or a UPN."
    )
    year_group = serializers.IntegerField(
        required=False, min_value=-2, max_value=14, help_text="0 is Reception."
    )
    sen_status = serializers.ChoiceField(
        choices=STATUS_CHOICES,
        required=False,
        help_text="N, K (with legacy A and P) or E (with legacy S).",
    )
    need = serializers.ChoiceField(
        choices=NEED_CHOICES, required=False, help_text="A current need, at any rank."
    )
    on_roll = serializers.ChoiceField(
        choices=[("true", "On roll today"), ("false", "Not on roll"), ("all", "Everyone")],
        default="true",
        help_text="true (the default): on roll today; false: left or not yet joined.",
    )
    ordering = serializers.ChoiceField(
        choices=[
            ("name", "Last name, then first name"),
            ("-name", "Last name, then first name, Z to A"),
            ("year_group", "Year group, then name"),
            ("-year_group", "Year group, highest first, then name"),
        ],
        default="name",
    )


def page_of(item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The page of a list: `results`, and where the next and previous pages are."""
    return type(
        f"{item.__name__.removesuffix('Serializer')}PageSerializer",
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(help_text="Across every page."),
            "page": serializers.IntegerField(),
            "pages": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )


# Pupils -----------------------------------------------------------------------------------


class StaffSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="__str__")


class FlagsSerializer(serializers.Serializer):
    pupil_premium = serializers.BooleanField()
    free_school_meals = serializers.BooleanField()
    eal = serializers.BooleanField(help_text="English as an additional language.")
    looked_after = serializers.CharField(help_text="'' (no), cla (looked after) or pla.")


def on_roll(pupil, day: dt.date) -> bool:
    return (pupil.enrolled_on is None or pupil.enrolled_on <= day) and (
        pupil.left_on is None or pupil.left_on > day
    )


class PupilSerializer(serializers.Serializer):
    """A pupil: identity (from the MIS) and the SEN record (OpenSENCO's). `flags` is null for
    those who may not see them (docs/security-model.md)."""

    id = serializers.UUIDField(source="public_id")
    upn = serializers.CharField()
    legal_first_name = serializers.CharField()
    middle_names = serializers.CharField()
    legal_last_name = serializers.CharField()
    preferred_first_name = serializers.CharField()
    preferred_last_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    sex = serializers.CharField()
    year_group = serializers.IntegerField(allow_null=True, help_text="0 is Reception.")
    enrolled_on = serializers.DateField(allow_null=True)
    left_on = serializers.DateField(allow_null=True)
    on_roll = serializers.SerializerMethodField()
    sen_status = serializers.CharField(source="sen_provision", help_text="N, K or E.")
    primary_need = serializers.CharField()
    needs = serializers.SerializerMethodField()
    review_on = serializers.DateField(allow_null=True, help_text="The next register review.")
    key_worker = StaffSerializer(allow_null=True)
    shares_with_parents = serializers.BooleanField()
    confidential = serializers.BooleanField(source="is_confidential")
    flags = serializers.SerializerMethodField()

    def get_on_roll(self, pupil) -> bool:
        return on_roll(pupil, today())

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_needs(self, pupil) -> list[str]:
        """Current needs' codes, by rank (the first is the primary need)."""
        return [n.need for n in pupil.open_needs]

    @extend_schema_field(FlagsSerializer(allow_null=True))
    def get_flags(self, pupil) -> dict | None:
        # The views decide pupil by pupil: `flags_shown` holds the ids whose flags may show.
        if pupil.pk not in self.context.get("flags_shown", ()):
            return None
        return FlagsSerializer(pupil).data


IDENTITY = [
    "upn", "legal_first_name", "middle_names", "legal_last_name", "preferred_first_name",
    "preferred_last_name", "date_of_birth", "sex", "year_group", "enrolled_on", "left_on",
    "flags",
]  # fmt: skip


class PupilChangeSerializer(StrictSerializer):
    """What OpenSENCO owns on the pupil itself; at least one field."""

    refused = {
        **dict.fromkeys(IDENTITY, FROM_THE_MIS),
        **dict.fromkeys(["sen_status", "primary_need", "needs"], SEN_FIELDS),
        **dict.fromkeys(["id", "on_roll", "confidential"], READ_ONLY),
    }
    review_on = serializers.DateField(
        required=False, help_text="The next register review: today or later, within two years."
    )
    key_worker = StrictUUIDField(required=False, help_text="The id of a member of staff.")
    shares_with_parents = StrictBooleanField(
        required=False,
        help_text="Past compulsory school age: the young person agrees that their parents keep "
        "seeing their record.",
    )

    def validate(self, data):
        if not data:
            raise serializers.ValidationError(
                "Send at least one of review_on, key_worker and shares_with_parents."
            )
        return data


# SEN status and needs ---------------------------------------------------------------------


class NeedSerializer(serializers.Serializer):
    need = serializers.CharField()
    label = serializers.CharField()
    rank = serializers.IntegerField()
    starts = serializers.DateField()
    ends = serializers.DateField(allow_null=True)
    source = serializers.CharField()


class StatusSerializer(serializers.Serializer):
    status = serializers.CharField(source="provision")
    label = serializers.CharField()
    starts = serializers.DateField()
    ends = serializers.DateField(allow_null=True)
    source = serializers.CharField()


class SenHistorySerializer(serializers.Serializer):
    statuses = StatusSerializer(many=True)
    needs = NeedSerializer(many=True, help_text="Needs that have ended.")


class SenSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="N, K or E (legacy S, A, P as recorded).")
    status_label = serializers.CharField()
    needs = NeedSerializer(many=True, help_text="Current needs, by rank.")
    history = SenHistorySerializer(
        allow_null=True, help_text="Null for those who may not see the history."
    )


class SenChangeSerializer(StrictSerializer):
    """A change of SEN status and ranked needs from a day, under the census rules."""

    status = serializers.ChoiceField(
        choices=STATUS_CHOICES,
        error_messages={
            "invalid_choice": '"{input}" is not an SEN status: give N (no SEN), K (SEN support) '
            "or E (EHC plan)."
        },
    )
    needs = serializers.ListField(
        child=serializers.ChoiceField(
            choices=NEED_CHOICES,
            error_messages={
                "invalid_choice": f'"{{input}}" is not a need code: use {", ".join(census.NEEDS)}.'
            },
        ),
        max_length=3,
        default=list,
        error_messages={"max_length": "At most three needs: rank 1, 2 and 3."},
        help_text="Need codes by rank; the first is the primary need. N has none; K and E one "
        "at least.",
    )
    starts = serializers.DateField(required=False, help_text="The day the change starts (today).")


# Contacts ---------------------------------------------------------------------------------


class ContactSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="contact.public_id")
    title = serializers.CharField(source="contact.title")
    first_name = serializers.CharField(source="contact.first_name")
    last_name = serializers.CharField(source="contact.last_name")
    relationship = serializers.CharField(help_text="The CBDS code: PAM, PAF, CAR...")
    relationship_label = serializers.CharField(source="get_relationship_display")
    parental_responsibility = serializers.BooleanField()
    court_order = serializers.BooleanField()
    lives_with_pupil = serializers.BooleanField()
    priority = serializers.IntegerField()
    email = serializers.CharField(source="contact.email")
    home_phone = serializers.CharField(source="contact.home_phone")
    mobile_phone = serializers.CharField(source="contact.mobile_phone")
    work_phone = serializers.CharField(source="contact.work_phone")
    address = serializers.CharField(source="contact.address")
    postcode = serializers.CharField(source="contact.postcode")
    confidential = serializers.BooleanField(source="contact.is_confidential")


# Assessment -------------------------------------------------------------------------------


def _number(digits: int, places: int, **kwargs) -> serializers.DecimalField:
    """A decimal as a JSON number, with the model field's digits."""
    return serializers.DecimalField(
        max_digits=digits, decimal_places=places, coerce_to_string=False, **kwargs
    )


class AssessmentTypeSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    hint = serializers.CharField(help_text="What a result of this type looks like.")
    maximum = serializers.IntegerField(allow_null=True, help_text="Raw scores.")
    scale = serializers.ListField(child=serializers.CharField(), help_text="Labels, lowest first.")
    mean = _number(6, 2, help_text="Standardised scores.")
    sd = _number(6, 2, help_text="Standardised scores.")
    reliability = _number(4, 3, allow_null=True, help_text="Standardised scores.")


class ResultTypeSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    kind = serializers.CharField()


class ResultSerializer(serializers.Serializer):
    assessment_type = ResultTypeSerializer()
    taken_on = serializers.DateField()
    result = serializers.CharField(source="display", help_text='As shown: "8y 7m", "104".')
    score = _number(8, 2, allow_null=True)
    months = serializers.IntegerField(allow_null=True, help_text="Reading and spelling ages.")
    label = serializers.CharField()
    source = serializers.CharField(help_text="entered or imported.")
    updated_at = serializers.DateTimeField()


class ResultCreateSerializer(StrictSerializer):
    """One result, typed as a person would on the grid; the same result again changes nothing,
    a different one on the same day corrects it."""

    assessment_type = StrictUUIDField(help_text="From GET /api/assessment-types/.")
    taken_on = serializers.DateField()
    result = StrictCharField(max_length=100, help_text='Such as "104", "8y 7m", "17", "Secure".')
