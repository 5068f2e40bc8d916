"""Forms for needs assessment requests: thin. The services check what the forms cannot (dates
against the request and its stages, stages out of order, a stale page), and their messages
come back onto these forms through `senco.forms.add_errors`."""

from typing import cast

from django import forms

from senco.ehcp.models import DeadlineException, NeedsAssessmentRequest
from senco.ehcp.services.requests import LIMITS, STAGE_CHOICES
from senco.pupils.forms import date_field

LA_CHOICES_ID = "la-choices"


def _text(label: str, name: str, *, required: str = "", help_text: str = "", rows: int = 0):
    """A text box; `required` is the message shown when it is left empty (none: optional)."""
    return forms.CharField(
        label=label,
        max_length=LIMITS[name],
        required=bool(required),
        error_messages={"required": required},
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else None,
    )


class RequestForm(forms.Form):
    """Who asked, when the LA received the request, and which LA (with the LAs the school
    already works with offered as a list)."""

    requested_by = forms.ChoiceField(
        label="Who asked for the assessment",
        choices=NeedsAssessmentRequest.RequestedBy.choices,
        widget=forms.RadioSelect,
        initial=NeedsAssessmentRequest.RequestedBy.SCHOOL,
        error_messages={"required": "Choose who asked for the assessment."},
    )
    requested_by_name = _text(
        "Their name or role (optional for the school)",
        "requested_by_name",
        help_text="For example “Mrs A. Parent” or “Community paediatrician”.",
    )
    requested_on = date_field(
        "Date the LA received the request",
        "The 6, 16 and 20 week limits count from this day. For example 05/01/2026.",
    )
    local_authority = _text(
        "Local authority",
        "local_authority",
        required="Say which local authority received the request.",
    )
    caseworker = _text("LA caseworker (optional)", "caseworker")
    la_reference = _text("LA reference (optional)", "la_reference")

    def __init__(self, *args, local_authorities: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.local_authorities = local_authorities
        if local_authorities:
            self.fields["local_authority"].widget.attrs["list"] = LA_CHOICES_ID
            self.fields["local_authority"].help_text = "Choose one the school works with, or type."


class StageForm(forms.Form):
    """The next stage of a request, on the day it happened."""

    stage = forms.ChoiceField(
        label="What happened",
        choices=STAGE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the stage to record."},
    )
    on = date_field("On", "The date it happened, for example 16/02/2026.")
    reason = _text(
        "Reason (when the LA refused, decided not to issue, or the request was withdrawn)",
        "reason",
        help_text="The LA's reason in its own words, or why the request was withdrawn.",
        rows=3,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, offered: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        # Every stage is accepted (the service says why one is out of order); the next ones
        # are offered.
        stage = cast(forms.ChoiceField, self.fields["stage"])
        stage.widget.choices = [(k, v) for k, v in STAGE_CHOICES if k in offered]


class ExceptionForm(forms.Form):
    """Why the LA need not meet its time limits, and for how long."""

    reason = forms.ChoiceField(
        label="Why",
        choices=DeadlineException.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the reason the LA need not meet the time limit."},
    )
    starts = date_field("From", "The first day, for example 06/04/2026.")
    ends = date_field("To", "The last day, for example 04/05/2026.")
    note = _text("Note (optional)", "note", rows=2)
