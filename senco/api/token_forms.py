"""The form that makes an API token."""

from django import forms

from senco.api.services import DEFAULT_DAYS, LIFETIMES


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What will use it, so you know which to revoke: such as MIS sync or Trust "
        "dashboard.",
    )
    days = forms.TypedChoiceField(
        label="Expires after",
        choices=list(LIFETIMES.items()),
        coerce=int,
        initial=DEFAULT_DAYS,
        widget=forms.RadioSelect,
        help_text="A token stops working then; make a new one before.",
    )
