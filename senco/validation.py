"""What is wrong with a change, collected before any of it is written (every service)."""

from django.core.exceptions import ValidationError


class Errors(dict[str, list[str]]):
    """Messages by field name; `raise_any` raises them together as one ValidationError, so a
    form shows every problem at once."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self:
            raise ValidationError(dict(self))
