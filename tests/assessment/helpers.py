"""The assessment records tests ask for, chosen by relationship (as tests/targets.py does)."""

from senco import access
from senco.assessment.models import AssessmentType
from senco.schools.calendar import academic_year_start
from senco.schools.models import TeachingGroup
from tests import targets


def assessment_type(kind: str = "reading_age") -> AssessmentType:
    """The demo home school's assessment of that kind (Salford reading age by default)."""
    return AssessmentType.objects.get(school=targets.home_school(), kind=kind)


def class_of(username: str) -> TeachingGroup:
    """This year's class that the persona teaches (teacher, other_teacher) or supports (ta)."""
    return TeachingGroup.objects.get(
        school=targets.home_school(),
        academic_year__start_year=academic_year_start(access.today()),
        staffing__staff__user__username=username,
    )


def grid_kwargs(username: str, kind: str = "reading_age") -> dict:
    return {"type_id": assessment_type(kind).public_id, "group_id": class_of(username).public_id}
