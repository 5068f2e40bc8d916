"""The forms of the graduated approach: a plan's cycle (assess and plan), a note (do), the
parents' view and the review. The rules live in `senco.plans.services`; these forms only read
what was typed, and show the services' refusals where they belong."""

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.forms import BoundField

from senco.passports.forms import TOO_LONG
from senco.plans import services
from senco.plans.models import Cycle, Outcome
from senco.provision.models import Provision as LibraryEntry
from senco.pupils.forms import date_field

MAX_OUTCOMES = 8
MAX_PROVISION = 10


def _text(label: str, max_length: int, *, required: bool = False, hint: str = "", rows=3):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": f"Enter {label.lower()}.",
            "max_length": TOO_LONG.format(label=label),
        },
    )


def _date(label: str, *, hint: str = "", required: bool = True) -> forms.DateField:
    field = date_field(label, hint, required=required)
    field.error_messages |= {
        "required": f"Give {label.lower()}.",
        "invalid": f"Give {label.lower()} as a date, such as 17/03/2027.",
    }
    return field


class OutcomeForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = _text(
        "Outcome",
        1000,
        hint="What the pupil will achieve by the review: specific and measurable.",
        rows=2,
    )
    area = forms.ChoiceField(
        label="Area of need", required=False, choices=[("", "Choose an area"), *Outcome.AREAS]
    )
    measure = _text(
        "Success measure",
        1000,
        hint="How everyone will know it is achieved, such as “reads 40 words a minute”.",
        rows=2,
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("text", "").strip() or data.get("measure", "").strip())

    def clean(self):
        data = super().clean()
        if data is None or self.is_blank():
            return data
        if not data.get("text", "").strip():
            self.add_error("text", "Say what the pupil will achieve.")
        if not data.get("measure", "").strip():
            self.add_error(
                "measure",
                "Give a success measure: how everyone will know the outcome is achieved.",
            )
        if not data.get("area"):
            self.add_error("area", "Choose the area of need this outcome is about.")
        return data


class ProvisionForm(forms.Form):
    """A row of provision: an entry of the school's library (which fills what, who and how
    often when they are left empty), or a one-off written in full."""

    library: forms.ModelChoiceField = forms.ModelChoiceField(
        label="From the provision library",
        queryset=None,
        required=False,
        empty_label="Not from the library",
        error_messages={"invalid_choice": "Choose provision from this school's library."},
    )
    what = forms.CharField(label="What", max_length=300, required=False)
    who = forms.CharField(label="Who", max_length=200, required=False, help_text="A role.")
    how_often = forms.CharField(label="How often", max_length=200, required=False)

    def __init__(self, *args, library=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["library"])
        field.queryset = library if library is not None else LibraryEntry.objects.none()

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("library") and not any(
            data.get(k, "").strip() for k in ("what", "who", "how_often")
        )

    def clean(self):
        data = super().clean()
        if data is None or self.is_blank():
            return data
        entry = data.get("library")
        if entry is not None:
            data["what"] = data.get("what", "").strip() or entry.name
            data["who"] = data.get("who", "").strip() or entry.get_staff_role_display()
            data["how_often"] = data.get("how_often", "").strip() or (
                f"{entry.sessions_per_week.normalize():f} sessions of {entry.session_minutes} "
                f"minutes a week, for {entry.weeks} weeks"
            )
        for name, missing in (
            ("what", "Say what the provision is."),
            ("who", "Say who delivers it (a role, such as “TA”)."),
            ("how_often", "Say how often, such as “10 minutes daily”."),
        ):
            if not data.get(name, "").strip():
                self.add_error(name, missing)
        return data


def outcome_formset(extra: int):
    return forms.formset_factory(
        OutcomeForm, extra=extra, max_num=MAX_OUTCOMES, absolute_max=MAX_OUTCOMES, validate_max=True
    )


def provision_formset(extra: int):
    return forms.formset_factory(
        ProvisionForm,
        extra=extra,
        max_num=MAX_PROVISION,
        absolute_max=MAX_PROVISION,
        validate_max=True,
    )


def _result_label(result) -> str:
    return f"{result.assessment_type.name}: {result.display} ({result.taken_on:%d/%m/%Y})"


def _concern_label(concern) -> str:
    return f"Concern raised {concern.raised_at:%d/%m/%Y}: {concern.seen[:80]}"


def _report_label(report) -> str:
    return f"{report.get_kind_display()} by {report.author} ({report.dated:%d/%m/%Y})"


class EvidenceChoice(forms.ModelMultipleChoiceField):
    """Records of the pupil's kept elsewhere, ticked to link them; described by `describe`."""

    def __init__(self, label: str, describe: Callable[[Any], str]):
        super().__init__(
            label=label, queryset=None, required=False, widget=forms.CheckboxSelectMultiple
        )
        self.describe = describe

    def label_from_instance(self, obj) -> str:
        return self.describe(obj)


class CycleForm(forms.Form):
    """The *assess* and *plan* stages of a cycle: when it starts (a new plan only), the review
    date, the evidence linked, and the teacher's strategies. Outcomes and provision are formsets
    beside it; `version` is the saved state the form started from (edit conflicts)."""

    starts = _date("Starts")
    review_on = _date("Review by", hint="The date of the review meeting, about a term from now.")
    observations = _text(
        "Observations",
        5000,
        hint="What staff and parents have seen: the assess stage, in a few lines.",
        rows=4,
    )
    results = EvidenceChoice("Assessment results", _result_label)
    concerns = EvidenceChoice("Concerns raised", _concern_label)
    reports = EvidenceChoice("Reports from outside", _report_label)
    strategies = _text(
        "Strategies for the class teacher",
        3000,
        hint="One strategy a line: what every adult who teaches the pupil will do.",
        rows=5,
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, evidence_choices: dict, new_plan: bool, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in evidence_choices.items():
            cast(EvidenceChoice, self.fields[name]).queryset = queryset
        if not new_plan:
            del self.fields["starts"]

    def evidence(self) -> services.Evidence:
        data = self.cleaned_data
        return services.Evidence(
            results=list(data["results"]),
            concerns=list(data["concerns"]),
            reports=list(data["reports"]),
            observations=data["observations"].strip(),
        )


def outcomes_given(formset) -> list[services.OutcomeText]:
    return [
        services.OutcomeText(
            text=f.cleaned_data["text"],
            area=f.cleaned_data["area"],
            measure=f.cleaned_data["measure"],
            id=f.cleaned_data.get("id"),
        )
        for f in formset.forms
        if f.cleaned_data and not f.is_blank()
    ]


def provision_given(formset) -> list[services.Provision]:
    return [
        services.Provision(
            f.cleaned_data["what"].strip(),
            f.cleaned_data["who"].strip(),
            f.cleaned_data["how_often"].strip(),
            f.cleaned_data["library"].pk if f.cleaned_data.get("library") else None,
        )
        for f in formset.forms
        if f.cleaned_data and not f.is_blank()
    ]


class NoteForm(forms.Form):
    outcome = forms.TypedChoiceField(
        label="About", coerce=int, required=False, empty_value=None, choices=()
    )
    written_on = _date("Date")
    text = _text(
        "What you saw",
        3000,
        required=True,
        hint="What the pupil did, with what help, and what it tells us about the outcome.",
    )

    def __init__(self, *args, cycle: Cycle, **kwargs):
        kwargs.setdefault("initial", {"written_on": dt.date.today()})
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["outcome"]).choices = [("", "The plan as a whole")] + [
            (o.pk, f"Outcome {o.position}: {o.text[:70]}") for o in cycle.outcomes.all()
        ]
        self.fields["text"].error_messages["required"] = "Say what you saw: a note cannot be empty."


class ParentViewForm(forms.Form):
    parent_view = _text(
        "Your view",
        3000,
        required=True,
        hint="How things are going at home, what has helped, and what you would like to change. "
        "The SENCO reads it before the review meeting.",
        rows=6,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent_view"].error_messages["required"] = "Write your view before sending it."


class ReviewForm(forms.Form):
    """The *review*: progress on each outcome (fields made per outcome), the views and the
    decision."""

    reviewed_on = _date("Date of the review")
    pupil_view = _text("The pupil's view", 3000, hint="In the pupil's own words where you can.")
    parent_view = _text("The parents' view", 3000)
    decision = forms.ChoiceField(
        label="Decision",
        choices=Cycle.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision of the review."},
    )
    notes = _text("What was agreed", 5000, required=True, hint="And why.", rows=5)
    next_review_on = _date(
        "Next review by",
        required=False,
        hint="For the next cycle, which starts as a copy of this one. Not needed when the pupil "
        "leaves the register.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, outcomes: list[Outcome], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notes"].error_messages["required"] = (
            "Say what was agreed at the review, and why."
        )
        scale = list(services.progress_scale().items())
        self.outcomes = outcomes
        for outcome in outcomes:
            self.fields[f"progress_{outcome.pk}"] = forms.ChoiceField(
                label=f"Progress on outcome {outcome.position}",
                choices=scale,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose the progress on outcome {outcome.position}.",
                    "invalid_choice": "Choose one of the school's progress levels.",
                },
            )
            self.fields[f"evidence_{outcome.pk}"] = _text(
                f"Evidence for outcome {outcome.position}",
                3000,
                hint="What shows it: a score, an observation, work.",
                rows=2,
            )

    def outcome_rows(self, notes: dict) -> list[tuple[Outcome, BoundField, BoundField, list]]:
        """Each outcome with its two fields and the notes staff wrote against it."""
        return [
            (o, self[f"progress_{o.pk}"], self[f"evidence_{o.pk}"], notes.get(o.pk, []))
            for o in self.outcomes
        ]

    def progress(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {o.pk: (data[f"progress_{o.pk}"], data[f"evidence_{o.pk}"]) for o in self.outcomes}
