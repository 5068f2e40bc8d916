"""Forms for intervention groups: starting one, recording a session, linking entry and exit
results. Each asks only what a person types; the rules are the services' (their refusals come
back onto these forms with `senco.forms.add_errors`)."""

from django import forms

from senco.provision.models import FundingSource, Provision
from senco.pupils.forms import date_field
from senco.schools.calendar import year_group_label
from senco.schools.models import Staff

SHOW_CHOICES = [
    ("", "All: running now first"),
    ("running", "Running now"),
    ("ended", "Ended"),
]
NOT_IN_LIST = "One of the pupils chosen is not one you can add: choose from the list shown."


class GroupListForm(forms.Form):
    show = forms.ChoiceField(label="Show", choices=SHOW_CHOICES, required=False)


class PupilFilterForm(forms.Form):
    """Narrows the pupils offered for a new group: at scale a school has thousands."""

    year = forms.TypedChoiceField(
        label="Year group", required=False, coerce=int, empty_value=None, choices=[]
    )
    q = forms.CharField(label="Pupil's name", required=False, max_length=100)
    everyone = forms.BooleanField(label="Include pupils not on the SEN register", required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.ChoiceField)
        year.choices = [("", "Every year group")] + [(y, year_group_label(y)) for y in years]


class GroupForm(forms.Form):
    provision = forms.ModelChoiceField(
        label="Provision",
        queryset=Provision.objects.none(),
        empty_label="Choose from the library",
        error_messages={
            "required": "Choose the provision the group runs.",
            "invalid_choice": "Choose a provision from this school's library.",
        },
    )
    name = forms.CharField(
        label="Name of the group",
        max_length=150,
        help_text="Such as “Year 3 phonics, Tuesday”.",
        error_messages={"required": "Give the group a name, such as “Year 3 phonics, Tuesday”."},
    )
    staff = forms.ModelMultipleChoiceField(
        label="Run by",
        queryset=Staff.objects.none(),  # this school's, set in __init__
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Hold Ctrl (or Cmd) to choose more than one.",
        error_messages={
            "required": "Name who runs the group.",
            "invalid_choice": "Choose staff of this school from the list.",
            "invalid_pk_value": "Choose staff of this school from the list.",
        },
    )
    pupils = forms.ModelMultipleChoiceField(
        label="Pupils",
        queryset=Provision.objects.none(),  # the pupils the user may add, set in __init__
        to_field_name="public_id",
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": "Choose the pupils in the group.",
            "invalid_choice": NOT_IN_LIST,
            "invalid_pk_value": NOT_IN_LIST,
        },
    )
    starts = date_field("Starts on", "For example 06/01/2027.")
    ends = date_field("Ends on", "For example 28/03/2027.")
    timetable = forms.CharField(
        label="Timetable",
        max_length=200,
        required=False,
        help_text="Such as “Mon, Wed, Fri 9:10 to 9:30”.",
    )
    funding = forms.ChoiceField(
        label="Funding source", choices=FundingSource.choices, initial=FundingSource.NOTIONAL
    )

    def __init__(self, *args, provisions, staff, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in (("provision", provisions), ("staff", staff), ("pupils", pupils)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset


class SessionForm(forms.Form):
    held_on = date_field("Date", "For example 24/11/2026.")
    status = forms.ChoiceField(
        label="Did the session happen?",
        choices=[("delivered", "Yes, it was delivered"), ("cancelled", "No, it was cancelled")],
        widget=forms.RadioSelect,
        initial="delivered",
        error_messages={"required": "Say whether the session was delivered or cancelled."},
    )
    cancelled_because = forms.CharField(
        label="Why it was cancelled",
        max_length=300,
        required=False,
        help_text="Only for a cancelled session: such as “TA covering a class”.",
    )
    minutes = forms.IntegerField(
        label="Length in minutes",
        min_value=1,
        max_value=480,
        error_messages={
            "required": "Give the session's length in minutes.",
            "invalid": "Give the length as a whole number of minutes, such as 30.",
            "min_value": "Give the session's length in minutes, from 1 to 480.",
            "max_value": "Give the session's length in minutes, from 1 to 480.",
        },
    )
    present = forms.MultipleChoiceField(
        label="Who came",
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick anyone absent.",
        error_messages={"invalid_choice": "Mark only pupils who are in this group."},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What went well, what to do next time.",
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        present = self.fields["present"]
        assert isinstance(present, forms.ChoiceField)
        present.choices = [(str(p.public_id), p.full_name) for p in members]


def results_form(rows, data=None) -> forms.Form:
    """One entry and one exit choice per member (`rows`: (member, entry results, exit
    results)), each among that pupil's own results of the provision's assessment."""
    form = forms.Form(data)
    for member, entries, exits in rows:
        key = member.pupil.public_id.hex
        for side, results, current in (
            ("entry", entries, member.entry_result_id),
            ("exit", exits, member.exit_result_id),
        ):
            form.fields[f"{side}_{key}"] = forms.TypedChoiceField(
                label=f"{side.capitalize()} result for {member.pupil.full_name}",
                choices=[("", "None")]
                + [(r.pk, f"{r.display} on {r.taken_on:%d/%m/%Y}") for r in results],
                coerce=int,
                empty_value=None,
                required=False,
                initial=current,
                error_messages={"invalid_choice": "Choose one of this pupil's results listed."},
            )
    return form
