import datetime as dt
from typing import cast

from django import forms

from senco.pupils import census

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
NEED_CHOICES = [("", "None")] + [(k, f"{k}: {v[0]}") for k, v in census.NEEDS.items()]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


def date_field(label: str, help_text: str, required: bool = True) -> forms.DateField:
    """A date as schools write it (24/11/2026) or as the browser's date picker sends it."""
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        help_text=help_text,
    )


class PupilSearchForm(forms.Form):
    q = forms.CharField(label="Name or UPN", required=False, max_length=100)
    joining = forms.BooleanField(label="Pupils joining (applicants)", required=False)


class RegisterChangeForm(forms.Form):
    """A change of SEN status and ranked needs from a date, checked against the census rules."""

    provision = forms.ChoiceField(
        label="SEN status",
        choices=[(c, f"{c}: {census.PROVISION[c]}") for c in census.CURRENT_PROVISION],
    )
    need_1 = forms.ChoiceField(label="Primary need (rank 1)", choices=NEED_CHOICES, required=False)
    need_2 = forms.ChoiceField(
        label="Secondary need (rank 2)", choices=NEED_CHOICES, required=False
    )
    need_3 = forms.ChoiceField(label="Further need (rank 3)", choices=NEED_CHOICES, required=False)
    starts = date_field("Date the change starts", "For example 24/11/2026.")

    def needs(self) -> list[str]:
        return [
            self.cleaned_data[f] for f in ("need_1", "need_2", "need_3") if self.cleaned_data.get(f)
        ]

    def clean(self):
        data = super().clean() or {}
        ranks = [data.get(f, "") for f in ("need_1", "need_2", "need_3")]
        if "" in ranks and any(ranks[ranks.index("") :]):
            self.add_error(
                "need_1" if not ranks[0] else "need_2",
                "Fill the ranks in order: rank 1 first, with no gaps.",
            )
        if "provision" in data and not self.errors:
            for breach in census.check_entry(data["provision"], self.needs()):
                self.add_error(
                    "need_1" if breach.field == "needs" else breach.field, breach.message
                )
        return data


class ConfidentialForm(forms.Form):
    confidential = forms.BooleanField(
        label="Only the people ticked below may see this record", required=False
    )
    people: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Who may see it",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="You stay on the list. Everyone else stops seeing the record, in lists and "
        "searches too.",
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["people"]).queryset = staff

    def clean(self):
        data = super().clean() or {}
        if data.get("confidential") and not data.get("people"):
            self.add_error("people", "Tick at least one other person, or untick confidential.")
        return data


class GrantForm(forms.Form):
    person: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Person",
        queryset=None,
        empty_label="Choose a person",
        help_text="The people you may give access to. Invite a professional first, from "
        "Invitations.",
    )
    reason = forms.CharField(label="Why they need to see this record", max_length=200)
    ends = date_field("Access ends", "For example 31/03/2027. At most a year from today.")

    def __init__(self, *args, people, today, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["person"]).queryset = people
        self.today = today

    def clean_ends(self):
        ends = self.cleaned_data["ends"]
        if ends < self.today:
            raise forms.ValidationError("The end date has passed: give a date from today on.")
        if ends > self.today + dt.timedelta(days=366):
            raise forms.ValidationError("Access can be given for a year at most.")
        return ends


class SharingForm(forms.Form):
    shares = forms.BooleanField(
        label="The young person agrees that their parents keep seeing their record",
        required=False,
    )
