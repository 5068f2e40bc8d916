from typing import cast

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from senco.accounts.models import Role
from senco.pupils.forms import date_field


class InviteForm(forms.Form):
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    email = forms.EmailField(
        max_length=254, help_text="The invitation link is sent here. It works once, for a week."
    )
    role = forms.ChoiceField()
    ends = date_field(
        "Access ends", "Needed for an external professional; leave blank for staff.", required=False
    )

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["role"])
        field.choices = [("", "Choose a role")] + [(r, Role(r).label) for r in roles]

    def clean(self):
        data = super().clean() or {}
        if data.get("role") == Role.EXTERNAL and not data.get("ends"):
            self.add_error("ends", "Give the date an external professional's access ends.")
        return data


class AcceptInvitationForm(SetPasswordForm):
    """Choose a password: Django's checks (length, common, similar to the name)."""
