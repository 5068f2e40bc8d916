from typing import cast

from django import forms

from senco.assessment import values
from senco.assessment.models import Kind
from senco.pupils.forms import date_field
from senco.schools.calendar import year_group_label


def _scale_help() -> str:
    usual = "; ".join(
        f"{values.NAMES[kind]}: {', '.join(labels[:3])}{'…' if len(labels) > 3 else ''}"
        for kind, labels in values.DEFAULT_SCALES.items()
    )
    return (
        "Judgements, pre-key stage standards and the Engagement Model only: the labels, one a "
        f"line, lowest first. Leave it blank to start with the usual ones ({usual})."
    )


class AssessmentTypeForm(forms.Form):
    """An assessment type. The kind is chosen once, when it is added; the service checks the
    fields each kind needs."""

    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="As staff know it, with the test's edition: for example NGRT form A "
        "(standardised) or Salford reading age.",
    )
    kind = forms.ChoiceField(label="What it records", choices=Kind.choices)
    mean = forms.DecimalField(
        label="Mean",
        required=False,
        max_digits=6,
        decimal_places=2,
        help_text="Standardised scores only. Nearly every UK test uses 100.",
    )
    sd = forms.DecimalField(
        label="Standard deviation",
        required=False,
        max_digits=6,
        decimal_places=2,
        help_text="Standardised scores only. Nearly every UK test uses 15.",
    )
    reliability = forms.DecimalField(
        label="Test-retest reliability",
        required=False,
        max_digits=4,
        decimal_places=3,
        help_text="Standardised scores only: a number between 0 and 1 from the test's manual, "
        "such as 0.92. It tells whether one pupil's change is more than chance. Leave it blank "
        "if the manual does not give it.",
    )
    maximum = forms.IntegerField(
        label="Highest mark",
        required=False,
        min_value=1,
        max_value=10_000,
        help_text="Raw scores only: for example 40 for the phonics screening check.",
    )
    scale = forms.CharField(
        label="Scale",
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_scale_help(),
    )

    def __init__(self, *args, changing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if changing:
            del self.fields["kind"]

    def labels(self) -> list[str]:
        return [line for line in self.cleaned_data.get("scale", "").splitlines() if line.strip()]


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        parts = [year_group_label(obj.year_group)] if obj.year_group is not None else []
        if obj.subject:
            parts.append(obj.subject)
        return f"{obj.name} ({', '.join(parts)})" if parts else obj.name


class ChooseForm(forms.Form):
    """Which assessment, which day and which group to record results for."""

    assessment_type: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Assessment",
        queryset=None,
        to_field_name="public_id",
        empty_label="Choose an assessment",
    )
    taken_on = date_field("Date it was taken", "For example 24/11/2026.")
    group: GroupChoiceField = GroupChoiceField(
        label="Class or group",
        queryset=None,
        to_field_name="public_id",
        empty_label="Choose a class or group",
        help_text="The classes and groups you teach or support this year.",
    )

    def __init__(self, *args, types, groups, today, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["assessment_type"]).queryset = types
        cast(forms.ModelChoiceField, self.fields["group"]).queryset = groups
        self.today = today

    def clean_taken_on(self):
        taken_on = self.cleaned_data["taken_on"]
        if taken_on > self.today:
            raise forms.ValidationError(
                f"{taken_on:%d/%m/%Y} is in the future: give the day the assessment was taken."
            )
        return taken_on


class GridForm(forms.Form):
    """One box per pupil; blank means no result for that pupil. The text is read by
    `services.record_results` (values.parse), so the grid and imports accept the same forms."""

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.pupils = list(pupils)
        for pupil in self.pupils:
            self.fields[self.name_for(pupil)] = forms.CharField(
                label=pupil.full_name,
                required=False,
                max_length=values.MAX_TEXT,
                error_messages={
                    "max_length": "This is %(show_value)d characters long: write just the "
                    "result, such as 8.07 or 104."
                },
                widget=forms.TextInput(
                    attrs={"size": 10, "autocomplete": "off", "aria-describedby": "grid-hint"}
                ),
            )

    def add_error(self, field, error):
        """Errors from the form or from the service: each box points at its own message."""
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-error grid-hint"

    @staticmethod
    def name_for(pupil) -> str:
        return f"result-{pupil.public_id}"

    def entries(self) -> dict:
        """Each pupil with a result typed in, and the text."""
        return {
            pupil: self.cleaned_data[self.name_for(pupil)]
            for pupil in self.pupils
            if self.cleaned_data.get(self.name_for(pupil))
        }
