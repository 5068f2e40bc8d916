"""`{% meetings_pace pupil %}`: the pupil's meetings with parents this school year against the
three the Code of Practice expects, for the pupil's record page (pupils on the register)."""

from django import template

from senco import access
from senco.meetings import services

register = template.Library()


@register.inclusion_tag("meetings/_pace.html")
def meetings_pace(pupil) -> dict:
    today = access.today()
    return {
        "held": services.held_this_year(pupil, today),
        "expected": services.EXPECTED_A_YEAR,
        "expected_by_now": services.terms_begun(pupil.school, today),
    }
