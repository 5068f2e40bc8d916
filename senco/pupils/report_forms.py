"""The form that drops a report from outside onto a pupil's record."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from senco.pupils import services, uploads
from senco.pupils.forms import date_field
from senco.pupils.models import Report


class ReportForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of report",
        choices=[("", "Choose the kind"), *Report.Kind.choices],
        error_messages={
            "required": "Choose the kind of report from the list.",
            "invalid_choice": "Choose the kind of report from the list.",
        },
    )
    author = forms.CharField(
        label="Who wrote it",
        max_length=200,
        help_text="Their name and service, for example: Dr A. Example, Northfield Educational "
        "Psychology Service.",
        error_messages={"required": "Enter who wrote the report, and their service."},
    )
    dated = date_field("Date on the report", "For example 24/11/2026.")
    file = forms.FileField(
        label="Report file",
        allow_empty_file=True,  # check_document says which file is empty
        widget=forms.FileInput(attrs={"accept": uploads.ACCEPT}),
        error_messages={"required": "Choose the report's file to upload."},
    )

    def __init__(self, *args, pupil, **kwargs):
        super().__init__(*args, **kwargs)
        self.pupil = pupil
        self.fields["dated"].error_messages["required"] = "Enter the date on the report."
        self.fields["file"].help_text = (
            f"{uploads.ALLOWED_TEXT[0].upper()}{uploads.ALLOWED_TEXT[1:]}, up to "
            f"{settings.SENCO_DOCUMENT_MAX_MB} MB: save the email's attachment, then choose it."
        )

    def clean_file(self) -> uploads.Document:
        try:
            return uploads.check_document(self.cleaned_data["file"])
        except ValidationError as e:
            raise ValidationError(e.messages) from None

    def clean(self):
        data = super().clean() or {}
        if {"kind", "author", "dated"} <= data.keys():
            label = {k: data[k] for k in ("kind", "author", "dated")}
            for field, message in services.report_label_problems(self.pupil, **label).items():
                self.add_error(field, message)
        return data
