"""What every form in the project shares."""

from collections.abc import Callable

from django.core.exceptions import ValidationError


def add_errors(
    form, error: ValidationError, field_for: Callable[[str], str | None] = lambda name: name
) -> None:
    """A service's refusal onto the form, each message at its field (named by `field_for` when
    the service's names differ from the form's), or at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, problems in error.message_dict.items():
        field = field_for(name)
        form.add_error(field if field in form.fields else None, problems)
