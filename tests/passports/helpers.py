"""Records the passport and class tests ask for."""

from django.urls import reverse

from senco.accounts.models import User
from senco.passports.models import PassportSuggestion, PassportVersion
from senco.pupils.models import Pupil
from senco.schools.models import TeachingGroup
from tests import targets


def url(name: str, pupil: Pupil, **kwargs) -> str:
    return reverse(f"pupils:passports:{name}", kwargs={"public_id": pupil.public_id, **kwargs})


def class_url(name: str, group: TeachingGroup) -> str:
    return reverse(f"classes:{name}", kwargs={"public_id": group.public_id})


def current(pupil: Pupil) -> PassportVersion:
    return pupil.passports.order_by("-number")[0]


def teachers_class(username: str = "teacher") -> TeachingGroup:
    """The class the persona teaches this year (the demo's class with most SEN for `teacher`)."""
    user = User.objects.get(username=username)
    groups = TeachingGroup.objects.filter(staffing__staff__user=user).order_by(
        "-academic_year__start_year", "pk"
    )
    return groups[0]


def write(pupil: Pupil, by: str = "senco", **sections) -> PassportVersion:
    """A new version straight into the database (the service is tested on its own)."""
    latest = pupil.passports.order_by("-number").first()
    values = {"about_me": "I like trains.", "strategies": "Sit me near the front.\nCheck in."}
    values.update(sections)
    return PassportVersion.objects.create(
        pupil=pupil,
        number=(latest.number + 1) if latest else 1,
        written_by=User.objects.get(username=by),
        **values,
    )


def waiting_suggestion() -> PassportSuggestion:
    """A suggestion from `parent` about their child, waiting for an answer."""
    child = targets.parents_child()
    return PassportSuggestion.objects.create(
        pupil=child, suggested_by=User.objects.get(username="parent"), text="Add: likes Lego."
    )


def form(**changes) -> dict:
    data = {
        "about_me": "I like drawing.",
        "important_to_me": "My cat.",
        "find_hard": "Noise.",
        "helps_me": "Quiet corner.",
        "strategies": "Give one instruction at a time.\nUse a visual timetable.",
        "in_own_words": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}
