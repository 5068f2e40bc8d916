from django import forms

from senco.interop.framework import KINDS, Kind

NOT_IN_FILE = ""


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File from your MIS",
        help_text="A CSV or XLSX file from your MIS, or a ZIP of photos named by UPN. "
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
