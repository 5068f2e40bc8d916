"""The forms of the provision library and the standard hourly rates. Thin: the services decide
what may be saved (senco.provision.services); these only read the fields and say plainly what
cannot be read."""

from decimal import Decimal
from typing import Any

from django import forms

from senco.provision.models import DeliveryRole, Provision

TOO_LONG = "{label} must be %(limit_value)d characters or fewer (it has %(show_value)d)."
NOT_MONEY = "Give an amount in pounds and pence, such as 45.50 (0 when there is none)."
OTHER_SCHOOLS_TYPE = "Choose one of this school's assessments from the list."
ANY = [("", "Any")]
DECIMAL_ERRORS = (
    "required", "invalid", "min_value", "max_value", "max_digits", "max_whole_digits",
    "max_decimal_places",
)  # fmt: skip


def _limit(name: str) -> int:
    field: Any = Provision._meta.get_field(name)
    return field.max_length


def _text(label: str, name: str, *, hint: str = "", rows: int = 0, required: bool = False):
    return forms.CharField(
        label=label,
        required=required,
        max_length=_limit(name),
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else None,
        error_messages={
            "required": f"Give the provision {label.lower()}.",
            "max_length": TOO_LONG.format(label=label),
        },
    )


def _whole(label: str, least: int, most: int, what: str, **options):
    message = f"Give {what} as a whole number from {least} to {most}."
    return forms.IntegerField(
        label=label,
        min_value=least,
        max_value=most,
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
        **options,
    )


def _money(label: str, hint: str):
    # No lower bound here: the service refuses a negative cost, with its own message.
    return forms.DecimalField(
        label=label,
        max_digits=9,
        decimal_places=2,
        initial=Decimal(0),
        help_text=hint,
        error_messages={
            "required": NOT_MONEY,
            "invalid": NOT_MONEY,
            "max_digits": "Give an amount under £10,000,000.",
            "max_whole_digits": "Give an amount under £10,000,000.",
            "max_decimal_places": "Give pounds and pence: at most 2 decimal places.",
        },
    )


class ProvisionForm(forms.Form):
    """Every field of a library entry, named as the service names them."""

    name = _text("Name", "name", required=True, hint="Such as “Precision teaching: reading”.")
    description = _text("Description", "description", rows=4)
    area = forms.ChoiceField(
        label="Area of need",
        choices=[("", "Choose an area"), *Provision.AREAS],
        error_messages={"required": "Choose the area of need it meets."},
    )
    wave = forms.TypedChoiceField(
        label="Wave",
        choices=Provision.Wave.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the wave: 1, 2 or 3."},
    )
    delivery = forms.ChoiceField(
        label="How it is delivered",
        choices=[("", "Choose how"), *Provision.Delivery.choices],
        error_messages={"required": "Choose how it is delivered."},
    )
    staff_role = forms.ChoiceField(
        label="Delivered by",
        choices=[("", "Choose a role"), *DeliveryRole.choices],
        help_text="Costs use the school's standard hourly rate for this role.",
        error_messages={"required": "Choose who delivers it."},
    )
    session_minutes = _whole("Minutes a session", 1, 480, "the minutes a session")
    sessions_per_week = forms.DecimalField(
        label="Sessions a week",
        min_value=Decimal("0.1"),
        max_value=Decimal(50),
        max_digits=4,
        decimal_places=1,
        help_text="0.5 for once a fortnight.",
        error_messages=dict.fromkeys(
            DECIMAL_ERRORS, "Give the sessions a week as a number from 0.1 to 50, such as 3 or 0.5."
        ),
    )
    weeks = _whole("Length in weeks", 1, 52, "the length in weeks")
    group_size = _whole(
        "Usual group size", 1, 40, "the usual group size", initial=4,
        help_text="The cost per pupil shares the group's cost among this many pupils.",
    )  # fmt: skip
    materials_cost = _money("Materials (£, per group)", "Books, games and resources for a group.")
    licence_cost = _money("Licences (£ a year)", "Software or programme licences.")
    training_cost = _money("Training (£, once)", "Training for the staff who deliver it.")
    evidence = _text(
        "Evidence notes", "evidence", rows=4, hint="What the research says, with its source."
    )
    eef_rating = _text("EEF Toolkit rating", "eef_rating", hint="Such as “+5 months”.")
    entry_assessment: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Assessment at entry",
        queryset=None,
        required=False,
        to_field_name="public_id",
        empty_label="None",
        error_messages={"invalid_choice": OTHER_SCHOOLS_TYPE},
    )
    exit_assessment: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Assessment at exit",
        queryset=None,
        required=False,
        to_field_name="public_id",
        empty_label="None",
        error_messages={"invalid_choice": OTHER_SCHOOLS_TYPE},
    )
    is_active = forms.BooleanField(label="In use", required=False, initial=True)

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        types = school.assessment_types.order_by("name")
        for name in ("entry_assessment", "exit_assessment"):
            self.fields[name].queryset = types  # type: ignore[attr-defined]


def initial_from(provision: Provision) -> dict:
    values = {name: getattr(provision, name) for name in ProvisionForm.base_fields}
    for name in ("entry_assessment", "exit_assessment"):
        chosen = getattr(provision, name)
        values[name] = chosen.public_id if chosen else None
    return values


class LibraryFilterForm(forms.Form):
    """The list's filters and search; anything it cannot read is ignored."""

    q = forms.CharField(label="Name", required=False, max_length=100)
    area = forms.ChoiceField(label="Area of need", required=False, choices=ANY + Provision.AREAS)
    wave = forms.ChoiceField(
        label="Wave", required=False, choices=ANY + [(str(v), f"Wave {v}") for v in (1, 2, 3)]
    )
    in_use = forms.ChoiceField(
        label="In use",
        required=False,
        choices=[("yes", "In use"), ("no", "Not in use"), ("all", "Either")],
    )


RATE_MESSAGE = "Give the cost of one hour in pounds and pence, such as 18.40."


class RatesForm(forms.Form):
    """One standard hourly cost a delivery role; a blank box leaves that rate as it is."""

    def __init__(self, *args, current: dict[str, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        for role, label in DeliveryRole.choices:
            self.fields[self.field_for(role)] = forms.DecimalField(
                label=f"{label} (£ an hour)",
                required=False,
                max_digits=9,
                decimal_places=2,
                initial=current.get(role),
                error_messages={
                    "invalid": RATE_MESSAGE,
                    "max_digits": "Give the cost of one hour, under £1,000.",
                    "max_whole_digits": "Give the cost of one hour, under £1,000.",
                    "max_decimal_places": "Give pounds and pence: at most 2 decimal places.",
                },
            )

    @staticmethod
    def field_for(role: str) -> str:
        return f"rate_{role}"

    def rates(self) -> dict[str, Decimal]:
        """The roles given a cost, with it."""
        found = {}
        for role in DeliveryRole.values:
            value = self.cleaned_data.get(self.field_for(role))
            if value is not None:
                found[role] = value
        return found
