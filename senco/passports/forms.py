from django import forms

from senco.passports.models import PassportSuggestion, PassportVersion

TOO_LONG = "{label} must be %(limit_value)d characters or fewer (it has %(show_value)d)."


def _text(label: str, max_length: int, *, required: bool, hint: str = "", missing: str = ""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": missing or f"Enter {label.lower()}.",
            "max_length": TOO_LONG.format(label=label),
        },
    )


def _limit(model, name: str) -> int:
    return model._meta.get_field(name).max_length


class PassportForm(forms.Form):
    """A new version of a passport, starting from a copy of the current one."""

    about_me = _text(
        "About me",
        _limit(PassportVersion, "about_me"),
        required=True,
        hint="In the pupil's own words where you can: 'I like...', 'I am good at...'.",
        missing="Write something in About me: it is the heart of the passport.",
    )
    important_to_me = _text(
        "What is important to me", _limit(PassportVersion, "important_to_me"), required=False
    )
    find_hard = _text("What I find hard", _limit(PassportVersion, "find_hard"), required=False)
    helps_me = _text("What helps me", _limit(PassportVersion, "helps_me"), required=False)
    strategies = _text(
        "Strategies for staff",
        _limit(PassportVersion, "strategies"),
        required=True,
        hint="One strategy a line: these go on the class view for every teacher and TA.",
        missing="Give at least one strategy for staff, one a line.",
    )
    in_own_words = forms.BooleanField(
        label="Written in the pupil's own words (where it could be)", required=False
    )


class SuggestionForm(forms.Form):
    text = _text(
        "Your suggestion",
        _limit(PassportSuggestion, "text"),
        required=True,
        hint="What you would change or add, and why. The SENCO will answer here.",
        missing="Write your suggestion before sending it.",
    )


class AnswerForm(forms.Form):
    answer = _text(
        "Your answer",
        _limit(PassportSuggestion, "answer"),
        required=True,
        hint="The parent sees this answer beside their suggestion.",
        missing="Write an answer before sending it.",
    )
