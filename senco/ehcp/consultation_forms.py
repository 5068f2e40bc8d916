"""Forms for LA consultations and the caseload's filters: thin. The consultation service checks
the initials, the dates and the reasons, and its messages come back onto these forms through
`senco.forms.add_errors`."""

from typing import cast

from django import forms

from senco.ehcp.plan_forms import Versioned
from senco.ehcp.services.consultations import ANSWER_CHOICES, YEAR_GROUPS
from senco.pupils.forms import date_field
from senco.schools.calendar import year_group_label

YEAR_GROUP_CHOICES = [("", "Not known"), *((y, year_group_label(y)) for y in YEAR_GROUPS)]


def _text(label: str, help_text: str = "", *, required: str = "", rows: int = 0):
    """A text box; `required` is the message shown when it is left empty (none: optional).
    Lengths are the service's to check, with a message saying by how much."""
    return forms.CharField(
        label=label,
        required=bool(required),
        strip=False,
        error_messages={"required": required},
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else None,
    )


class ConsultationForm(forms.Form):
    """A consultation as the LA sent it: never the child's name."""

    local_authority = _text(
        "Local authority", required="Give the local authority that sent the consultation."
    )
    la_reference = _text("LA reference (optional)")
    child_initials = _text(
        "The child's initials",
        "Initials only, such as J.B.: never the child's name (this list may be projected).",
        required="Give the child's initials, such as J.B.",
    )
    year_group = forms.TypedChoiceField(
        label="Year group they would join",
        choices=YEAR_GROUP_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Choose a year group from the list, or “Not known”."},
    )
    starting = date_field("Would start on (optional)", "For example 01/09/2027.", required=False)
    received_on = date_field(
        "Consultation received on", "The day it arrived: the 15 days count from it."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].error_messages["required"] = (
            "Give the date the LA's consultation arrived."
        )


class AnswerForm(Versioned):
    """The school's answer; `version` is the consultation's as the page showed it."""

    answer = forms.ChoiceField(
        label="The school's answer",
        choices=ANSWER_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the school's answer.",
            "invalid_choice": "Choose one of the answers listed.",
        },
    )
    answered_on = date_field("Answered on", "The day the school sent its answer to the LA.")
    reasons = _text(
        "The school's reasons",
        "Required when the school objects: say why the placement would be unsuitable for the "
        "child's age, ability, aptitude or SEN, or incompatible with the efficient education "
        "of others or the efficient use of resources (SEND Code of Practice 9.79).",
        rows=5,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answered_on"].error_messages["required"] = "Give the date the school answered."


class CaseloadFilter(forms.Form):
    """The caseload page's filters: the LA, what the deadline is about, how pressing."""

    la = forms.ChoiceField(label="Local authority", required=False)
    what = forms.ChoiceField(label="What", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any"), ("overdue", "Overdue"), ("due_soon", "Due within 14 days")],
    )

    def __init__(self, *args, las: list[str], kinds: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["la"]).choices = [
            ("", "All"),
            *((la, la) for la in las),
        ]
        cast(forms.ChoiceField, self.fields["what"]).choices = [("", "All"), *kinds.items()]
