import re

from django import forms
from django.core.validators import RegexValidator

from senco.interop import ctf
from senco.interop.framework import KINDS, Kind

NOT_IN_FILE = ""


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File from your MIS",
        help_text="A CSV or XLSX file from your MIS, a Common Transfer File (CTF) from a "
        "pupil's previous school, or a ZIP of photos named by UPN. "
        "Nothing changes until you have seen the check and chosen Apply.",
    )


class KindForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds",
        choices=[("", "Choose")] + [(k.key, k.label) for k in KINDS.values()],
    )


class MappingForm(forms.Form):
    """One choice per column the import knows: which of the file's headings holds it."""

    def __init__(self, *args, kind: Kind, headings: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        choices = [(NOT_IN_FILE, "Not in this file")] + [(h, h) for h in headings]
        for column in kind.columns:
            self.fields[column.key] = forms.ChoiceField(
                label=column.label + (" (needed)" if column.required else ""),
                choices=choices,
                required=False,
            )

    def mapping(self) -> dict[str, str]:
        return {key: heading for key, heading in self.cleaned_data.items() if heading}


class DestinationForm(forms.Form):
    """Where a Common Transfer File is going: the new school's DfE number, or unknown."""

    unknown = forms.BooleanField(
        label="The new school is not known",
        required=False,
        help_text="The file is addressed to the lost pupils database (MMM/MMMM), as the DfE asks.",
    )
    la = forms.CharField(
        label="New school's LA code",
        required=False,
        max_length=3,
        validators=[RegexValidator(r"^\d{3}$", "An LA code is 3 digits, such as 938.")],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    estab = forms.CharField(
        label="New school's establishment number",
        required=False,
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", "An establishment number is 4 digits.")],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    urn = forms.CharField(
        label="New school's URN (if known)",
        required=False,
        max_length=6,
        validators=[RegexValidator(r"^\d{6}$", "A URN is 6 digits.")],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("unknown") and not self.errors:
            for name, what in (("la", "LA code"), ("estab", "establishment number")):
                if not data.get(name):
                    self.add_error(
                        name,
                        f'Give the new school\'s {what}, or tick "The new school is not known".',
                    )
        return data

    def destination(self) -> ctf.Establishment:
        data = self.cleaned_data
        if data["unknown"]:
            return ctf.Establishment(*ctf.UNKNOWN_DESTINATION)
        return ctf.Establishment(la=data["la"], estab=data["estab"], urn=data["urn"])


UPN_LIST_LIMIT = 5000


class TransferChoiceForm(DestinationForm):
    """Which pupils a Common Transfer File carries."""

    WHICH = [
        ("leavers", "Pupils who have left, or are leaving, in the last or next 60 days"),
        ("year_group", "A whole year group (a class moving on to their next school)"),
        ("upns", "Pupils by UPN"),
    ]
    which = forms.ChoiceField(label="Which pupils", choices=WHICH, widget=forms.RadioSelect)
    year_group = forms.TypedChoiceField(
        label="Year group",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Choose"), ("-1", "Nursery"), ("0", "Reception")]
        + [(str(y), f"Year {y}") for y in range(1, 15)],
    )
    upns = forms.CharField(
        label="UPNs",
        required=False,
        max_length=UPN_LIST_LIMIT * 15,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One or more UPNs, on separate lines or separated by commas.",
    )
    field_order = ["which", "year_group", "upns", "unknown", "la", "estab", "urn"]

    def clean(self) -> dict:
        data = super().clean()
        which = data.get("which")
        if which == "year_group" and data.get("year_group") is None:
            self.add_error("year_group", "Choose the year group.")
        if which == "upns":
            upns = [u.upper() for u in re.split(r"[\s,;]+", data.get("upns") or "") if u]
            if not upns:
                self.add_error("upns", "Give at least one UPN.")
            elif len(upns) > UPN_LIST_LIMIT:
                self.add_error("upns", f"Give at most {UPN_LIST_LIMIT} UPNs at a time.")
            data["upn_list"] = upns
        return data
