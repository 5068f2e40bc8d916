"""Forms for meetings and the contact log: thin. The services check what the forms cannot
(past and future, who may be invited, records changed since), and their messages come back
onto these forms through `senco.forms.add_errors`."""

import datetime as dt
from typing import cast

from django import forms
from django.utils import timezone

from senco.meetings.models import ContactLogEntry, Meeting
from senco.meetings.services import LIMITS
from senco.pupils.forms import date_field

WHO_CAME = "Say who came to the meeting."
WHAT_SAID = "Say what was said: a few lines is enough."
WHO_MISSING = "Say who it was with: choose a contact, or write who (and their role)."


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self):
        super().__init__(format="%H:%M")


def time_field(label: str, help_text: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        widget=TimeInput(),
        help_text=help_text,
        error_messages={"invalid": "Give the time as hours and minutes, for example 15:30."},
    )


def text(label: str, name: str, help_text: str = "", required: str = "", rows: int = 4):
    """A text box; `required` is the message shown when it is left empty (none: optional)."""
    return forms.CharField(
        label=label,
        max_length=LIMITS[name],
        required=bool(required),
        error_messages={"required": required},
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}) if LIMITS[name] > 300 else None,
    )


def moment(day: dt.date, time: dt.time) -> dt.datetime:
    """A date and time typed in the school, in the school's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, time))


class CycleField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"Cycle {obj.number}, from {obj.starts:%d/%m/%Y}, review by {obj.review_on:%d/%m/%Y}"


class ArrangementsForm(forms.Form):
    """When and where a meeting is, what for, and who is invited (the pupil's contacts with
    parental responsibility, given as `contacts`; the cycles of the pupil's open plan)."""

    kind = forms.ChoiceField(
        label="What kind of meeting",
        choices=Meeting.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of meeting it is."},
    )
    purpose = forms.CharField(
        label="Purpose (optional)",
        max_length=LIMITS["purpose"],
        required=False,
        help_text="For example “Review of the autumn plan” or “Talk about the move to Year 7”.",
    )
    day = date_field("Date", "For example 24/11/2026.")
    time = time_field("Time", "For example 15:30.")
    where = forms.ChoiceField(
        label="Where or how",
        choices=Meeting.Where.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where or how the meeting takes place."},
    )
    place = forms.CharField(
        label="Room, phone number or video link (optional)",
        max_length=LIMITS["place"],
        required=False,
    )
    cycle = CycleField(
        label="Plan cycle it reviews (optional)",
        queryset=None,
        required=False,
        empty_label="None",
        error_messages={"invalid_choice": "Choose a cycle of this pupil's open plan."},
    )
    contacts: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Parents and carers invited",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Those with parental responsibility. Invitations are emailed from the "
        "meeting's page to those with an email address.",
        error_messages={"invalid_choice": "Choose from the parents and carers listed."},
    )
    invited_staff = text(
        "Staff invited (optional)", "invited_staff", "One a line: name and role.", rows=3
    )

    def __init__(self, *args, contacts, cycles, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["contacts"]).queryset = contacts
        cast(forms.ModelChoiceField, self.fields["cycle"]).queryset = cycles

    def starts_at(self) -> dt.datetime:
        return moment(self.cleaned_data["day"], self.cleaned_data["time"])


class HeldForm(ArrangementsForm):
    """A meeting already held, recorded in one step: its arrangements and its record."""

    attended = text("Who came", "attended", "Names and roles, one a line.", WHO_CAME, rows=3)
    discussed = text("What was said", "discussed", required=WHAT_SAID, rows=6)
    agreed = text(
        "What was agreed (optional)",
        "agreed",
        "One action a line, with who does it and by when: for example “Mum: practise spellings "
        "at home, by 12/12/2026”.",
    )
    parent_views = text("The parents' views (optional)", "parent_views", rows=4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].label = "Date it was held"
        self.fields["time"].label = "Time it started"
        self.fields["contacts"].label = "Parents and carers invited or present"
        self.fields["contacts"].help_text = "Those with parental responsibility."


class RecordForm(forms.Form):
    """What happened at a meeting; `version` is the record the form was opened on."""

    day = date_field("Date it was held", "For example 24/11/2026.")
    time = time_field("Time it started", "For example 15:30.")
    attended = text("Who came", "attended", "Names and roles, one a line.", WHO_CAME, rows=3)
    discussed = text("What was said", "discussed", required=WHAT_SAID, rows=6)
    agreed = text(
        "What was agreed (optional)",
        "agreed",
        "One action a line, with who does it and by when: for example “Mum: practise spellings "
        "at home, by 12/12/2026”.",
    )
    parent_views = text("The parents' views (optional)", "parent_views", rows=4)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def held_at(self) -> dt.datetime:
        return moment(self.cleaned_data["day"], self.cleaned_data["time"])


class CancelForm(forms.Form):
    reason = text(
        "Why is it cancelled?",
        "reason",
        "For example “Mum asked to move it: a new date will be offered”.",
        required="Give the reason the meeting is cancelled.",
        rows=3,
    )


class ContactLogForm(forms.Form):
    """The ten-second entry: who, how, when (now unless changed), what, and any follow-up."""

    contact: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Who: one of the pupil's contacts",
        queryset=None,
        required=False,
        empty_label="Someone else (write who below)",
        error_messages={"invalid_choice": "Choose one of the pupil's contacts from the list."},
    )
    who = forms.CharField(
        label="Or who (name and role)",
        max_length=LIMITS["who"],
        required=False,
        help_text="For example “Speech and language therapist, NHS”.",
    )
    method = forms.ChoiceField(
        label="How",
        choices=ContactLogEntry.Method.choices,
        widget=forms.RadioSelect,
        initial=ContactLogEntry.Method.PHONE,
        error_messages={"required": "Choose how: phone, email, in person, letter, video or text."},
    )
    day = date_field("Date", "Today unless you change it.")
    time = time_field("Time", "Now unless you change it.")
    summary = text("What was said", "summary", "A line or two.", "Say briefly what was said.", 3)
    follow_up = forms.CharField(
        label="Follow-up (optional)",
        max_length=LIMITS["follow_up"],
        required=False,
        help_text="What needs doing next, for example “Send the referral form”.",
    )
    follow_up_by = date_field("Follow up by (optional)", "For example 24/11/2026.", False)

    def __init__(self, *args, contacts, **kwargs):
        now = timezone.localtime()
        kwargs.setdefault("initial", {}).update(
            {"day": now.date(), "time": now.time().replace(second=0, microsecond=0)}
        )
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["contact"]).queryset = contacts
        if not contacts.exists():
            self.fields["contact"].widget = forms.HiddenInput()
            self.fields["who"].label = "Who (name and role)"

    def clean(self):
        data = super().clean() or {}
        if not data.get("contact") and not data.get("who", "").strip() and "who" not in self.errors:
            self.add_error("who", WHO_MISSING)
        return data

    def happened_at(self) -> dt.datetime:
        return moment(self.cleaned_data["day"], self.cleaned_data["time"])


class YearGroupFilter(forms.Form):
    year = forms.TypedChoiceField(label="Year group", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = [("", "All year groups"), *years]
