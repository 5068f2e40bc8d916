"""The forms of an annual review: thin. They read what was typed; the rules (dates, states,
who may be invited, what the record needs) live in `senco.ehcp.services.reviews`, whose
refusals come back onto these forms through `senco.forms.add_errors`."""

import datetime as dt
from collections.abc import Sequence

from django import forms
from django.forms import BoundField

from senco.ehcp.models import AnnualReview, PlanOutcome, ReviewInvitee
from senco.ehcp.services import reviews
from senco.meetings.forms import time_field
from senco.passports.forms import TOO_LONG
from senco.plans.services import progress_scale
from senco.pupils.forms import date_field

LIMITS = reviews.LIMITS


def _text(label: str, limit: str, *, hint: str = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=LIMITS[limit],
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": TOO_LONG.format(label=label)},
    )


def _date(label: str, *, hint: str = "For example 20/05/2026.", required: bool = True):
    field = date_field(label, hint, required=required)
    field.error_messages |= {
        "required": f"Give {label.lower()}.",
        "invalid": f"Give {label.lower()} as a date, such as 20/05/2026.",
    }
    return field


WITHOUT_VERSION = (
    "This form came without the version of the review it was opened on, so a change made by "
    "someone else since cannot be told apart: open the page again, then make your change."
)


class VersionedForm(forms.Form):
    """A form that changes a review names the version of the review it was opened on (a hidden
    field, required): the service refuses the change if someone else changed the review since.
    A form sent without it is refused, and its message shows at the top of the form."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={key: WITHOUT_VERSION for key in ("required", "invalid", "min_value")},
    )

    def clean(self):
        data = super().clean()
        if "version" in self.errors:  # a hidden field: nothing to link its error to
            self.add_error(None, list(self.errors.pop("version")))
        return data


class ArrangementsForm(forms.Form):
    """When and where the meeting is."""

    meeting_on = _date("Date of the meeting")
    meeting_time = time_field("Time", "For example 15:30.")
    place = forms.CharField(
        label="Where (optional)",
        max_length=LIMITS["place"],
        required=False,
        help_text="A room, or a video call.",
        error_messages={"max_length": TOO_LONG.format(label="Where")},
    )
    is_phase_transfer = forms.BooleanField(
        label="This review names the next school (a phase transfer review)", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting_time"].error_messages["required"] = "Give the time of the meeting."

    def arrangements(self) -> reviews.Arrangements:
        data = self.cleaned_data
        return reviews.Arrangements(
            meeting_on=data["meeting_on"],
            meeting_time=data["meeting_time"],
            place=data["place"],
            is_phase_transfer=data["is_phase_transfer"],
        )


class MoveForm(ArrangementsForm, VersionedForm):
    """New arrangements for a review's meeting."""


class InviteeForm(forms.Form):
    """One person invited; a row left blank is no one, and clearing a row removes them."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # A parent offered from the pupil's contacts (the service checks the user may see them).
    contact = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label="Who they are",
        required=False,
        choices=[("", "Choose"), *ReviewInvitee.Kind.choices],
    )
    name = forms.CharField(
        label="Name or role",
        required=False,
        max_length=LIMITS["name"],
        error_messages={"max_length": TOO_LONG.format(label="The name")},
    )
    email = forms.EmailField(
        label="Email (optional)",
        required=False,
        max_length=LIMITS["email"],
        error_messages={"invalid": "Give an email address such as name@example.org, or none."},
    )
    # Ticked once the letter has gone: marked invited today, and not emailed.
    by_letter = forms.BooleanField(label="Invitation sent by letter or by hand", required=False)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("name", "").strip() or data.get("email", "").strip())

    def clean(self):
        data = super().clean() or {}
        if self.is_blank():
            return data
        if not data.get("name", "").strip() and "name" not in self.errors:
            self.add_error("name", "Give their name or role.")
        if not data.get("kind"):
            self.add_error("kind", "Choose who they are: parent, pupil, LA, health...")
        return data


def invitee_formset(data=None, *, initial: list[dict], blank_rows: int = 3):
    formset = forms.formset_factory(
        InviteeForm,
        extra=blank_rows,
        max_num=reviews.MAX_INVITEES,
        absolute_max=reviews.MAX_INVITEES,
        validate_max=True,
    )
    return formset(data, initial=initial, prefix="invitees")


def invitees_given(formset) -> list[reviews.Invitee]:
    return [
        reviews.Invitee(
            kind=f.cleaned_data["kind"],
            name=f.cleaned_data["name"],
            email=f.cleaned_data["email"],
            id=f.cleaned_data.get("id"),
            contact=f.cleaned_data.get("contact"),
            by_letter=f.cleaned_data.get("by_letter", False),
        )
        for f in formset.forms
        if f.cleaned_data and not f.is_blank()
    ]


class InviteForm(VersionedForm):
    short_notice_reason = _text(
        "Why fewer than two weeks' notice",
        "short_notice_reason",
        hint="Kept with the review: for example “the LA caseworker could only come this week; "
        "parents agreed”.",
        rows=3,
    )


class SeenLabels:
    """Invitees to choose from, each labelled as the user may see them
    (`reviews.invitees_as_seen_by`)."""

    labels: dict[int, str]

    def label_from_instance(self, obj) -> str:
        return self.labels.get(obj.pk, reviews.HIDDEN_NAME)


def _choose_from(field, review: AnnualReview, seen: Sequence[reviews.SeenInvitee]) -> None:
    field.queryset = review.invitees.filter(pk__in=[s.invitee.pk for s in seen])
    field.labels = {s.invitee.pk: s.label for s in seen}


class InviteeChoice(SeenLabels, forms.ModelMultipleChoiceField):
    pass


class InviteeField(SeenLabels, forms.ModelChoiceField):
    pass


class ContributionsForm(VersionedForm):
    """Ask the chosen invitees for their contribution, due by a date."""

    invitees = InviteeChoice(
        label="Who is asked",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose who is asked for a contribution.",
            "invalid_choice": "Choose people on this review's list.",
        },
    )
    due_on = _date("Contributions due by")

    def __init__(
        self,
        *args,
        review: AnnualReview,
        seen: Sequence[reviews.SeenInvitee],
        latest: dt.date,
        short_notice: bool,
        **kw,
    ):
        kw["prefix"] = "request"
        super().__init__(*args, **kw)
        _choose_from(self.fields["invitees"], review, seen)
        why = (
            "the day before the meeting (short notice)"
            if short_notice
            else "the date the paperwork must be circulated, two weeks before the meeting"
        )
        self.fields[
            "due_on"
        ].help_text = f"From today to {reviews.long_date(latest)} at the latest: {why}."


class ContributionReceivedForm(VersionedForm):
    invitee = InviteeField(
        label="From",
        queryset=None,
        empty_label="Choose",
        error_messages={
            "required": "Choose whose contribution came in.",
            "invalid_choice": "Choose someone on this review's list.",
        },
    )
    received_on = _date("Received on")

    def __init__(self, *args, review: AnnualReview, seen: Sequence[reviews.SeenInvitee], **kw):
        kw["prefix"] = "received"
        super().__init__(*args, **kw)
        _choose_from(self.fields["invitee"], review, seen)


class SentOnForm(VersionedForm):
    """The day something went out: the paperwork pack, or the report."""

    sent_on = _date("Sent on")

    def __init__(self, *args, label: str, prefix: str, **kwargs):
        kwargs["prefix"] = prefix
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].label = label
        self.fields["sent_on"].error_messages |= {
            "required": f"Give the date: {label.lower()}.",
            "invalid": f"Give the date ({label.lower()}) such as 20/05/2026.",
        }


# The sections by short names, so the list fits a narrow screen; the full names are listed
# above the rows.
SHORT_SECTIONS = {
    "A": "Views and aspirations",
    "B": "Special educational needs",
    "C": "Health needs",
    "D": "Social care needs",
    "E": "Outcomes",
    "F": "Special educational provision",
    "G": "Health provision",
    "H1": "Social care (CSDPA)",
    "H2": "Other social care",
    "I": "Placement",
    "J": "Personal budget",
    "K": "Advice and information",
}


class AmendmentForm(forms.Form):
    section = forms.ChoiceField(
        label="Section",
        required=False,
        choices=[
            ("", "Choose"),
            *((code, f"{code}: {name}") for code, name in SHORT_SECTIONS.items()),
        ],
    )
    text = _text("Recommended change", "amendment", rows=2)

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("text", "").strip()

    def clean(self):
        data = super().clean() or {}
        if not self.is_blank() and not data.get("section"):
            self.add_error("section", "Choose the section it changes.")
        return data


BLANK_AMENDMENTS = 3


def amendment_formset(data=None, *, initial: list[dict], every_row: bool = False):
    """The recommended amendments: those recorded and 3 blank rows; `every_row` offers as many
    as a record may hold."""
    most = reviews.MAX_AMENDMENTS
    formset = forms.formset_factory(
        AmendmentForm,
        extra=max(most - len(initial), 0) if every_row else BLANK_AMENDMENTS,
        max_num=most,
        absolute_max=most,
        validate_max=True,
    )
    return formset(data, initial=initial, prefix="amendments")


class RecordForm(VersionedForm):
    """The meeting record: progress fields are made per outcome; preparing for adulthood only
    from Year 9."""

    held_on = _date(
        "Date it was held",
        hint="If it was held on another day than dated, give that day: the meeting's date "
        "becomes it.",
    )
    attended = InviteeChoice(
        label="Who came",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Tick only the people on this review's list."},
    )
    pupil_view = _text("The pupil's view", "pupil_view", hint="In their own words where you can.")
    parent_view = _text("The parents' view", "parent_view")
    others_views = _text("The views of others", "others_views", hint="LA, health, social care.")
    preparing_for_adulthood = _text(
        "Preparing for adulthood",
        "preparing_for_adulthood",
        hint="Employment, independent living, friends and community, and health.",
    )
    recommendation = forms.ChoiceField(
        label="The school recommends",
        choices=AnnualReview.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the school recommends: keep, amend or cease."},
    )
    agreed = _text("What was agreed", "agreed", rows=5)

    def __init__(
        self,
        *args,
        review: AnnualReview,
        seen: Sequence[reviews.SeenInvitee],
        outcomes: list[PlanOutcome],
        adulthood: bool,
        **kw,
    ):
        super().__init__(*args, **kw)
        _choose_from(self.fields["attended"], review, seen)
        if not adulthood:
            del self.fields["preparing_for_adulthood"]
        self.outcomes = outcomes
        scale = list(progress_scale().items())
        for outcome in outcomes:
            self.fields[f"progress_{outcome.pk}"] = forms.ChoiceField(
                label=f"Progress on outcome {outcome.position}",
                choices=scale,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Choose the progress made.",
                    "invalid_choice": "Choose one of the school's progress levels.",
                },
            )
            self.fields[f"evidence_{outcome.pk}"] = _text(
                f"Evidence for outcome {outcome.position}",
                "evidence",
                hint="What shows it: a score, an observation, work.",
                rows=2,
            )

    def outcome_rows(self) -> list[tuple[PlanOutcome, BoundField, BoundField]]:
        return [(o, self[f"progress_{o.pk}"], self[f"evidence_{o.pk}"]) for o in self.outcomes]

    def record(self, amendments) -> reviews.MeetingRecord:
        data = self.cleaned_data
        return reviews.MeetingRecord(
            held_on=data["held_on"],
            attended=[i.pk for i in data["attended"]],
            pupil_view=data["pupil_view"],
            parent_view=data["parent_view"],
            others_views=data["others_views"],
            progress=[
                reviews.Progress(o.pk, data[f"progress_{o.pk}"], data.get(f"evidence_{o.pk}", ""))
                for o in self.outcomes
            ],
            amendments=[
                reviews.Amendment(f.cleaned_data["section"], f.cleaned_data["text"])
                for f in amendments.forms
                if f.cleaned_data and not f.is_blank()
            ],
            preparing_for_adulthood=data.get("preparing_for_adulthood", ""),
            recommendation=data["recommendation"],
            agreed=data["agreed"],
        )


class DecisionForm(VersionedForm):
    la_decision = forms.ChoiceField(
        label="The LA decided to",
        choices=AnnualReview.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the LA decided: keep, amend or cease."},
    )
    la_decided_on = _date("Date of the LA's decision")
    amendment_proposed_on = _date(
        "Proposed amendments received on (optional)",
        hint="When the LA decided to amend: the date its proposed amendments came.",
        required=False,
    )
    amended_plan_on = _date(
        "Final amended plan issued on (optional)",
        hint="Record the amended plan itself from the plan's page.",
        required=False,
    )

    def decided(self) -> reviews.LADecision:
        data = self.cleaned_data
        return reviews.LADecision(
            decision=data["la_decision"],
            decided_on=data["la_decided_on"],
            amendment_proposed_on=data["amendment_proposed_on"],
            amended_plan_on=data["amended_plan_on"],
        )
