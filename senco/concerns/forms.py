from django import forms
from django.core.exceptions import ValidationError

from senco.concerns.models import Concern
from senco.concerns.services import MAX_ATTACHMENTS
from senco.pupils import census, uploads
from senco.pupils.forms import date_field

NEED_CHOICES = [("", "Choose a need")] + [
    (code, f"{code}: {label}") for code, (label, _area) in census.NEEDS.items()
]
UNKNOWN_NEED = {"invalid_choice": "%(value)s is not a census need code: choose from the list."}


def text(label: str, help_text: str = "", required: bool = False, max_length: int = 5000):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 5}) if max_length > 200 else None,
    )


class ConcernSearchForm(forms.Form):
    q = forms.CharField(label="Pupil's name", required=False, max_length=100)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to MAX_ATTACHMENTS files from one file input; each is checked in the form's clean."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": uploads.ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(AttachmentsField, self).clean(f, initial) for f in files if f]


class RaiseConcernForm(forms.Form):
    area = forms.ChoiceField(
        label="Area of need",
        choices=[(code, label) for code, label in Concern.AREAS],
        required=False,
        widget=forms.RadioSelect,
        initial="",
        help_text="The SENCO decides the need: choose “Not sure” if you are not.",
    )
    seen = forms.CharField(
        label="What you see",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the pupil does or finds hard, when and how often.",
        error_messages={"required": "Say what you see: this is what the SENCO acts on."},
    )
    tried = text("What you have tried", "Changes you made in class, and what happened.")
    evidence = text("Evidence", "Work samples, scores, observations.")
    attachments = AttachmentsField(
        label="Attach evidence (optional)",
        required=False,
        help_text=f"Up to {MAX_ATTACHMENTS} files: {uploads.ALLOWED_TEXT}, each up to the "
        "size your school allows.",
    )

    def clean_attachments(self) -> list[uploads.Document]:
        files = self.cleaned_data["attachments"]
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                f"You chose {len(files)} files: attach at most {MAX_ATTACHMENTS} to one concern."
            )
        documents, problems = [], []
        for upload in files:
            try:
                documents.append(uploads.check_document(upload, field="attachments"))
            except ValidationError as e:
                problems += e.messages
        if problems:
            raise ValidationError(problems)
        return documents


class TriageForm(forms.Form):
    """The SEN lead's decision. Which fields each decision needs is checked by the service
    (`services.triage`), whose messages come back onto this form."""

    decision = forms.ChoiceField(
        label="Decision", choices=Concern.Decision.choices, widget=forms.RadioSelect, required=False
    )
    reasons = text("Reasons for the decision", "What you weighed up: kept with the concern.")
    agency = forms.CharField(
        label="Agency referred to",
        max_length=200,
        required=False,
        help_text="For a referral: for example the speech and language therapy service.",
    )
    review_on = date_field(
        "Review progress by", "For monitoring: for example 27/02/2027.", required=False
    )
    starts = date_field("SEN support starts on", "For SEN support: for example 24/11/2026.", False)
    need_1 = forms.ChoiceField(
        label="Primary need",
        choices=NEED_CHOICES,
        required=False,
        error_messages=UNKNOWN_NEED,
        help_text="For SEN support. NSA if no specialist has assessed the need yet.",
    )
    need_2 = forms.ChoiceField(
        label="Secondary need (optional)",
        choices=NEED_CHOICES,
        required=False,
        error_messages=UNKNOWN_NEED,
    )
    parents_told = forms.ChoiceField(
        label="How parents were told",
        choices=Concern.ParentsTold.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    parents_told_on = date_field(
        "When parents were told", "For example 24/11/2026. Leave empty if not told yet.", False
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("need_2") and not data.get("need_1"):
            self.add_error("need_1", "Choose the primary need first, then the secondary need.")
        return data

    def needs(self) -> list[str]:
        return [self.cleaned_data[f] for f in ("need_1", "need_2") if self.cleaned_data.get(f)]


class ReviewForm(forms.Form):
    reviewed_on = date_field("Date of the review", "For example 24/11/2026.")
    notes = forms.CharField(
        label="What was seen",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Progress since the last review, and what is planned next.",
        error_messages={"required": "Say what was seen at the review."},
    )
    next_review_on = date_field("Next review by", "For example 27/02/2027.")


class EndForm(forms.Form):
    ends = date_field("Monitoring ends on", "For example 24/11/2026.")
    outcome = forms.CharField(
        label="Outcome",
        max_length=200,
        help_text="Why it ends: for example “Concern resolved” or “Now on SEN support”.",
        error_messages={"required": "Say why the monitoring ends."},
    )
