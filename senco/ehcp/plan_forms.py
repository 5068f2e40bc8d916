"""The forms of an EHC plan: its details, its written sections, its outcomes (E) and provision
(F) as numbered rows, a new version, and its end. The rules live in
`senco.ehcp.services.plans`; these forms read what was typed, check each row where it is, and
show the services' refusals where they belong."""

from collections.abc import Sequence
from dataclasses import fields
from decimal import Decimal
from typing import cast

from django import forms
from django.core.exceptions import ValidationError

from senco.ehcp.models import SECTIONS, TEXT_SECTIONS, PlanOutcome, PlanProvision
from senco.ehcp.services import plans
from senco.forms import add_errors
from senco.passports.forms import TOO_LONG
from senco.provision.models import Provision as LibraryEntry
from senco.pupils.forms import date_field

UNQUANTIFIED = "Give how often (sessions) and for how long (minutes): section F must be quantified."
OPENED_WITHOUT_VERSION = (
    "This page was sent without the version it was opened at: open the page again and make "
    "your change again. Nothing was changed."
)


def _text(label: str, max_length: int, *, hint: str = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": TOO_LONG.format(label=label)},
    )


def _line(label: str, max_length: int, *, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=hint,
        error_messages={"max_length": TOO_LONG.format(label=label)},
    )


def _date(label: str, *, hint: str = "", required: bool = True) -> forms.DateField:
    field = date_field(label, hint, required=required)
    field.error_messages |= {
        "required": f"Give {label[:1].lower()}{label[1:]}.",
        "invalid": f"Give {label[:1].lower()}{label[1:]} as a date, such as 17/03/2027.",
    }
    return field


def opened_at() -> forms.IntegerField:
    """The version of what the form changes, as the page showed it: hidden and required, so
    the service can refuse a change started from a version someone has saved over since."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages=dict.fromkeys(("required", "invalid", "min_value"), OPENED_WITHOUT_VERSION),
    )


class HiddenProblemsAtTop(forms.Form):
    """A problem with a hidden field is said at the top of the form: it has no box to show
    it by, and nothing there to correct."""

    def clean(self):
        data = super().clean()
        for field in self.hidden_fields():
            problems = self.errors.pop(field.name, None)
            if problems:
                self.add_error(None, problems.as_data())
        return data


class Versioned(HiddenProblemsAtTop):
    """A form that names the `version` it was opened at."""

    version = opened_at()

    @classmethod
    def as_saved(cls, saved: dict, refusal: ValidationError, **kwargs):
        """The form again after a change from an out-of-date page was refused: it holds what
        is saved now, at the version saved, with the refusal at the top, so saving again is
        a choice."""
        form = cls(saved, **kwargs)
        add_errors(form, refusal)
        return form


class DetailsForm(forms.Form):
    """What the plan row holds: the LA, the caseworker, funding and the phase transfer."""

    local_authority = forms.CharField(
        label="Local authority",
        max_length=100,
        error_messages={
            "required": "Give the local authority that issued the plan.",
            "max_length": TOO_LONG.format(label="Local authority"),
        },
    )
    caseworker = _line("LA caseworker", 200)
    caseworker_email = forms.EmailField(
        label="Caseworker's email",
        required=False,
        error_messages={"invalid": "Give the caseworker's email as name@example.org."},
    )
    la_reference = _line("LA reference", 50)
    top_up_per_year = forms.DecimalField(
        label="Top-up funding a year (£)",
        required=False,
        max_digits=9,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=plans.MOST_TOP_UP,
        help_text="Element 3, paid by the LA on top of the school's £6,000. Only the SEN leads "
        "and the head see it.",
        error_messages={"invalid": "Give the top-up in pounds, such as 7800 or 7800.50."},
    )
    top_up_band = _line("Top-up band", 50, hint="As the LA names it, such as “Band 3”.")
    phase_transfer_year = forms.IntegerField(
        label="Year of the next phase transfer",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="The calendar year of the September the pupil moves to their next school or "
        "phase. The plan must name the next setting by 15 February of that year.",
        error_messages={"invalid": "Give the year as four digits, such as 2027."},
    )
    into_post16 = forms.BooleanField(
        label="The next transfer is into post-16 (the deadline is then 31 March)", required=False
    )
    transferred_in_on = _date(
        "Arrived from another local authority on",
        hint="Only for a plan transferred from another LA: the new LA reviews it within 12 "
        "months of the last review or 3 months of the transfer, whichever is later.",
        required=False,
    )

    def __init__(self, *args, pupil=None, today=None, **kwargs):
        """With the `pupil` (and `today`), the transfer year's hint suggests their next one."""
        super().__init__(*args, **kwargs)
        suggested = plans.transfer_year_suggested(pupil, today) if pupil and today else ""
        if suggested:
            field = self.fields["phase_transfer_year"]
            field.help_text = f"{suggested} {field.help_text}"

    def details(self) -> plans.PlanDetails:
        names = [f.name for f in fields(plans.PlanDetails)]
        return plans.PlanDetails(**{name: self.cleaned_data[name] for name in names})


class ChangeDetailsForm(Versioned, DetailsForm):
    """The details of a plan recorded already, as they were when the page was opened."""


class RecordForm(DetailsForm):
    """The plan's details and issue date, and whether the register records the pupil as E
    (`on_register`: offered only while the pupil is not on E; the view leaves it out then)."""

    issued_on = _date("Date the plan was issued", hint="The date on the final plan.")
    on_register = forms.BooleanField(
        label="Record the pupil as E (EHC plan) on the SEN register from the issue date",
        required=False,
        help_text="Their needs stay as the register has them. Untick to change the register "
        "by hand.",
    )
    field_order = [
        "local_authority",
        "caseworker",
        "caseworker_email",
        "la_reference",
        "issued_on",
        "on_register",
    ]


class VersionForm(HiddenProblemsAtTop):
    """What a new version is, when, and why; `based_on` is the number of the version the form
    started from (required: without it, someone else's version could be overwritten unseen)."""

    kind = forms.ChoiceField(
        label="What the new version is",
        choices=[(k.value, k.label) for k in plans.AMENDMENT_KINDS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the new version is."},
    )
    dated = _date("Date of this version", hint="The date on the amended plan or the order.")
    why = forms.CharField(
        label="What changed and why",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say what changed and why (the review, the tribunal's order, the "
            "transfer).",
            "max_length": TOO_LONG.format(label="What changed and why"),
        },
    )
    based_on = opened_at()


class SectionsForm(forms.Form):
    """Sections A to D and G to K, as the LA wrote them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code in TEXT_SECTIONS:
            self.fields[f"section_{code}"] = _text(
                f"Section {code}: {SECTIONS[code]}", plans.SECTION_LENGTH, rows=4
            )

    def sections(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"section_{code}"] for code in TEXT_SECTIONS}


def sections_initial(sections: dict[str, str]) -> dict[str, str]:
    return {f"section_{code}": text for code, text in sections.items()}


class OutcomeRowForm(forms.Form):
    """A section E row; `id` is the outcome it carries on from the version being amended."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = _text("Outcome", 1000, rows=2)
    area = forms.ChoiceField(
        label="Area of need",
        required=False,
        choices=[("", "Choose an area"), *PlanOutcome.AREAS],
    )
    by_when = _line("By when", 100, hint="The end of a key stage, or a date.")
    steps = _text("Steps towards it", 2000, rows=2)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(data.get(k, "").strip() for k in ("text", "by_when", "steps"))

    def clean(self):
        data = super().clean()
        if data is None or self.is_blank():
            return data
        if not data.get("text", "").strip():
            self.add_error("text", "Write the outcome.")
        if not data.get("area"):
            self.add_error("area", "Choose the area of need the outcome is about.")
        return data

    def row(self) -> plans.OutcomeRow:
        data = self.cleaned_data
        return plans.OutcomeRow(
            text=data["text"],
            area=data["area"],
            by_when=data["by_when"],
            steps=data["steps"],
            carried_from=data.get("id"),
        )


class ProvisionRowForm(forms.Form):
    """A section F row: what, who, how often, for how long, the library provision that delivers
    it and the outcome it serves (by its row number in section E)."""

    what = _text("What", 1000, rows=2)
    who = _line("Delivered by", 200, hint="A role, such as “Teaching assistant”.")
    sessions = forms.DecimalField(
        label="Sessions",
        required=False,
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=plans.MOST_SESSIONS,
        error_messages={"invalid": "Give the number of sessions, such as 5 or 1.5."},
    )
    per = forms.ChoiceField(label="Per", choices=PlanProvision.Per.choices, required=False)
    minutes = forms.IntegerField(
        label="Minutes a session",
        required=False,
        min_value=1,
        max_value=plans.MOST_MINUTES,
        error_messages={"invalid": "Give the minutes as a whole number, such as 20."},
    )
    group_size = _line("Group size", 50, hint="1:1, a small group, the class.")
    library: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Provision in the school's library",
        queryset=None,
        required=False,
        empty_label="Not linked: delivery cannot be counted",
        help_text="Sessions of its intervention groups count as delivered.",
        error_messages={"invalid_choice": "Choose provision in use in this school's library."},
    )
    outcome = forms.TypedChoiceField(
        label="The outcome it serves", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, library=None, outcomes: Sequence[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["library"])
        field.queryset = library if library is not None else LibraryEntry.objects.none()
        cast(forms.TypedChoiceField, self.fields["outcome"]).choices = [
            ("", "None chosen"),
            *outcomes,
        ]

    def is_blank(self) -> bool:
        data = self.cleaned_data
        filled = any(data.get(k, "").strip() for k in ("what", "who", "group_size"))
        return not (filled or data.get("sessions") or data.get("minutes") or data.get("library"))

    def clean(self):
        data = super().clean()
        if data is None or self.is_blank():
            return data
        if not data.get("what", "").strip():
            self.add_error("what", "Say what the provision is.")
        if not data.get("who", "").strip():
            self.add_error("who", "Say who delivers it (a role).")
        for name in ("sessions", "minutes"):
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, UNQUANTIFIED)
        if not data.get("per"):
            data["per"] = PlanProvision.Per.WEEK
        return data

    def row(self, outcome_index: int | None) -> plans.ProvisionRow:
        data = self.cleaned_data
        library = data.get("library")
        return plans.ProvisionRow(
            what=data["what"],
            who=data["who"],
            sessions=data["sessions"],
            per=data["per"],
            minutes=data["minutes"],
            group_size=data["group_size"],
            library=library.pk if library else None,
            outcome=outcome_index,
        )


def _row_formset(form_class, rows: int, filled: int, most: int):
    return forms.formset_factory(
        form_class, extra=max(0, rows - filled), max_num=most, absolute_max=most, validate_max=True
    )


def outcome_formset(rows: int, filled: int = 0):
    """Section E: `rows` rows in all, `filled` of them from the version amended."""
    return _row_formset(OutcomeRowForm, rows, filled, plans.MAX_OUTCOMES)


def provision_formset(rows: int, filled: int = 0):
    """Section F: `rows` rows in all, `filled` of them from the version amended."""
    return _row_formset(ProvisionRowForm, rows, filled, plans.MAX_PROVISION)


def filled(formset) -> list:
    """The rows of a valid formset that are not blank, with their row numbers (from 1)."""
    return [
        (n, form)
        for n, form in enumerate(formset.forms, start=1)
        if form.cleaned_data and not form.is_blank()
    ]


def rows_given(outcomes, provision) -> tuple[list[plans.OutcomeRow], list[plans.ProvisionRow]]:
    """The rows written in valid formsets, each F row's outcome turned from its row number on
    the form into its place among the outcomes written. An F row naming an empty outcome row
    gets an error on the form (check `provision.is_valid()` again)."""
    written = filled(outcomes)
    place = {number: index for index, (number, _) in enumerate(written, start=1)}
    rows = []
    for _, form in filled(provision):
        number = form.cleaned_data.get("outcome")
        if number is not None and number not in place:
            form.add_error("outcome", f"Outcome {number} of section E is empty: choose another.")
        rows.append(form.row(place.get(number) if number is not None else None))
    return [form.row() for _, form in written], rows


class CeaseForm(forms.Form):
    ceased_on = _date("The plan ceased on")
    why = forms.CharField(
        label="Why it ceased",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The LA's decision after a review, or the pupil left for another LA or for "
        "work or training.",
        error_messages={
            "required": "Say why the plan ceased.",
            "max_length": TOO_LONG.format(label="Why it ceased"),
        },
    )
