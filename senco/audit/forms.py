import datetime as dt
import uuid

from django import forms

from senco.audit import log
from senco.audit.models import AuditEntry
from senco.pupils.forms import date_field

EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
# The filters an audit.viewed entry describes in words (the pupil is its pupil_id).
DESCRIBED = {"person": "person", "action": "action", "kind": "kind", "starts": "from", "ends": "to"}
NO_PUPIL = "No pupil with that UPN in this school. Give a whole UPN, such as A123456789012."


class AuditFilterForm(forms.Form):
    """The audit log's filters; every one may be left empty. The pupil is looked up only among
    the pupils the viewer may see (`pupils`, from access.pupils_visible_to)."""

    pupil = forms.CharField(
        label="Pupil",
        required=False,
        max_length=40,
        help_text="Their UPN. Entries about the pupil and lists that showed them.",
    )
    person = forms.CharField(
        label="Person", required=False, max_length=150, help_text="Their user name."
    )
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[
            ("", "Any action"),
            *((name, f"{label} ({name})") for name, label in log.ACTIONS.items()),
        ],
    )
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *AuditEntry.Kind.choices]
    )
    starts = date_field("From", "For example 1/9/2026.", required=False)
    ends = date_field("To", "For example 24/11/2026.", required=False)

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.pupils = pupils

    def clean_pupil(self):
        given = self.cleaned_data["pupil"].strip()
        if not given:
            return None
        try:
            rule = {"public_id": uuid.UUID(given)}
        except ValueError:
            rule = {"upn": given.upper()}
        pupil = self.pupils.filter(**rule).first()
        if pupil is None:
            raise forms.ValidationError(NO_PUPIL)
        return pupil

    def clean_person(self):
        return self.cleaned_data["person"].strip()

    def _in_range(self, name: str) -> dt.date | None:
        day = self.cleaned_data[name]
        if day and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError("Give a date from 1/1/2000 to 31/12/2099.")
        return day

    def clean_starts(self):
        return self._in_range("starts")

    def clean_ends(self):
        return self._in_range("ends")

    def clean(self):
        data = super().clean() or {}
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and starts > ends:
            self.add_error("ends", "The end date is before the start date: give a later one.")
        return data

    def described(self) -> str:
        """The filters used, in words, for the audit entry that records this reading."""
        parts = [
            f"{words} {value.isoformat() if isinstance(value, dt.date) else value}"
            for name, words in DESCRIBED.items()
            if (value := self.cleaned_data.get(name))
        ]
        return "Filters: " + ", ".join(parts) if parts else "No filters"
