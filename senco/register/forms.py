import datetime as dt
from typing import cast

from django import forms
from django.conf import settings

from senco import access
from senco.pupils import census
from senco.pupils.forms import DATE_FORMATS, DateInput, date_field
from senco.schools.calendar import year_group_label

ANY = [("", "Any")]
SORTS = {
    "name": ("Name (A to Z)", ("legal_last_name", "legal_first_name", "pk")),
    "year": ("Year group", ("year_group", "legal_last_name", "legal_first_name", "pk")),
    "status": ("SEN status", ("sen_provision", "legal_last_name", "legal_first_name", "pk")),
    "need": ("Primary need", ("primary_need", "legal_last_name", "legal_first_name", "pk")),
    "added": ("Date added (earliest first)", ("date_added", "legal_last_name", "pk")),
    "-added": ("Date added (latest first)", ("-date_added", "legal_last_name", "pk")),
    "review": ("Next review (soonest first)", ("review_on", "legal_last_name", "pk")),
}
FLAGS = {
    "looked_after": "Looked after, now or before",
    "pupil_premium": "Pupil premium",
    "free_school_meals": "Free school meals",
    "eal": "English as an additional language",
}
LATEST_REVIEW_YEARS = 2


class RegisterFilterForm(forms.Form):
    """The register's filters, search and sort (GET): every field optional."""

    q = forms.CharField(label="Name or UPN", required=False, max_length=100)
    status = forms.ChoiceField(
        label="SEN status",
        required=False,
        choices=[*ANY, ("K", "K: SEN support"), ("E", "E: EHC plan")],
    )
    need = forms.ChoiceField(
        label="Need (any rank)",
        required=False,
        choices=[*ANY, *((k, f"{k}: {v[0]}") for k, v in census.NEEDS.items())],
    )
    area = forms.ChoiceField(
        label="Broad area of primary need",
        required=False,
        choices=[*ANY, *census.BROAD_AREAS.items()],
    )
    year = forms.TypedChoiceField(label="Year group", required=False, coerce=int, empty_value=None)
    group = forms.ChoiceField(label="Class", required=False)
    key_worker = forms.ChoiceField(label="Key worker", required=False)
    looked_after = forms.BooleanField(label=FLAGS["looked_after"], required=False)
    pupil_premium = forms.BooleanField(label=FLAGS["pupil_premium"], required=False)
    free_school_meals = forms.BooleanField(label=FLAGS["free_school_meals"], required=False)
    eal = forms.BooleanField(label=FLAGS["eal"], required=False)
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=[(k, v[0]) for k, v in SORTS.items()]
    )

    def __init__(self, *args, years, groups, staff, see_flags: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choice_fields = {
            n: cast(forms.ChoiceField, self.fields[n]) for n in ("year", "group", "key_worker")
        }
        choice_fields["year"].choices = [*ANY, *((y, year_group_label(y)) for y in years)]
        choice_fields["group"].choices = [*ANY, *((str(g.public_id), g.name) for g in groups)]
        choice_fields["key_worker"].choices = (
            ANY
            + [("none", "No key worker")]
            + [(str(s.public_id), f"{s.first_name} {s.last_name}") for s in staff]
        )
        if not see_flags:
            for name in FLAGS:
                del self.fields[name]

    def flag_fields(self):
        return [self[name] for name in FLAGS if name in self.fields]


class BulkForm(forms.Form):
    """An action on the pupils ticked on the register page."""

    ACTIONS = {
        "review": "Set the next review date",
        "key_worker": "Assign a key worker",
        "xlsx": "Download the selection as a spreadsheet (XLSX)",
        "csv": "Download the selection as CSV",
        "print": "Print the selection",
    }
    action = forms.ChoiceField(choices=list(ACTIONS.items()))
    pupils = forms.Field(label="Pupils ticked", required=False, widget=forms.MultipleHiddenInput)
    review_on = forms.DateField(
        label="Next review date",
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        help_text="For example 20/03/2027.",
    )
    key_worker: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Key worker",
        queryset=None,
        required=False,
        to_field_name="public_id",
        error_messages={"invalid_choice": "Choose a member of staff of this school from the list."},
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["key_worker"]).queryset = staff

    def clean_pupils(self) -> list[str]:
        """The public ids ticked, each cut short: at most one page of them, so a selection can
        never be the whole register (whose download asks for the password again)."""
        ticked = list(dict.fromkeys(str(p)[:40] for p in self.cleaned_data["pupils"] or []))
        if len(ticked) > settings.SENCO_PAGE_SIZE:
            raise forms.ValidationError(
                f"{len(ticked)} pupils are ticked: an action takes at most one page "
                f"({settings.SENCO_PAGE_SIZE}). To download the whole register, use the "
                "register downloads below the table."
            )
        return ticked

    def clean(self):
        data = super().clean() or {}
        action = data.get("action")
        if action and not data.get("pupils"):
            self.add_error(None, "Tick at least one pupil on this page, then choose again.")
        if action == "review":
            self._check_review_date(data.get("review_on"))
        if (
            action == "key_worker"
            and not data.get("key_worker")
            and "key_worker" not in self.errors
        ):
            self.add_error("key_worker", "Choose the key worker from the list.")
        return data

    def _check_review_date(self, day: dt.date | None) -> None:
        if "review_on" in self.errors:
            return
        problem = review_date_problem(day, access.today())
        if problem:
            self.add_error("review_on", problem)


def review_date_problem(day: dt.date | None, today: dt.date) -> str | None:
    if day is None:
        return "Enter the next review date, for example 20/03/2027."
    if day < today:
        return f"{day:%d/%m/%Y} has passed: a next review is today or later."
    if day > today + dt.timedelta(days=365 * LATEST_REVIEW_YEARS):
        return f"{day:%d/%m/%Y} is more than two years away: give a date within two years."
    return None


class CensusDayForm(forms.Form):
    day = date_field("Census day or another date", "For example 21/05/2026.", required=False)

    def clean_day(self) -> dt.date | None:
        """A day within the school records' reach: from 2000 to two years ahead."""
        day = self.cleaned_data["day"]
        latest = access.today().replace(month=12, day=31) + dt.timedelta(days=730)
        if day is not None and not dt.date(2000, 1, 1) <= day <= latest:
            raise forms.ValidationError(
                f"{day:%d/%m/%Y} is outside the years a census check covers: give a date from "
                f"2000 to {latest.year}."
            )
        return day
