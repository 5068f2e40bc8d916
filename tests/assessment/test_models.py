import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from senco.assessment.models import AssessmentType, Kind, Result
from tests import targets
from tests.assessment import helpers

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 1)  # a Saturday: never a demo test day


def result(**fields) -> Result:
    defaults = {
        "pupil": targets.taught_pupil(),
        "assessment_type": helpers.assessment_type(),
        "taken_on": DAY,
    }
    return Result(**(defaults | fields))


def refused(record) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        record.save()


def test_one_result_per_pupil_assessment_and_day():
    result(months=103).save()
    refused(result(months=104))
    result(months=104, taken_on=DAY + dt.timedelta(days=1)).save()


def test_a_result_holds_exactly_one_value():
    refused(result())
    refused(result(months=103, score=Decimal(104)))
    refused(result(months=103, label="Secure"))
    result(label="Secure").save()


def test_names_are_unique_in_a_school_whatever_the_capitals():
    school = targets.home_school()
    refused(AssessmentType(school=school, name="SALFORD reading AGE", kind=Kind.READING_AGE))
    AssessmentType.objects.create(
        school=targets.other_school(), name="Salford reading age 2", kind=Kind.READING_AGE
    )


def test_a_raw_score_needs_a_maximum_and_reliability_stays_between_0_and_1():
    school = targets.home_school()
    refused(AssessmentType(school=school, name="Quiz", kind=Kind.RAW))
    refused(
        AssessmentType(
            school=school, name="Odd test", kind=Kind.STANDARDISED, reliability=Decimal("1.2")
        )
    )
    refused(AssessmentType(school=school, name="Flat test", kind=Kind.STANDARDISED, sd=0))


def test_a_pupil_with_results_cannot_be_deleted():
    saved = result(months=103)
    saved.save()
    with pytest.raises(ProtectedError):
        saved.pupil.delete()


@pytest.mark.parametrize(
    ("kind", "value", "shown"),
    [
        ("reading_age", {"months": 103}, "8y 7m"),
        ("standardised", {"score": Decimal("104.00")}, "104"),
        ("raw", {"score": Decimal("17")}, "17/40"),
        ("judgement", {"label": "Expected"}, "Expected"),
        ("engagement", {"label": "Secure"}, "Secure"),
    ],
)
def test_a_result_displays_as_people_read_it(kind, value, shown):
    saved = result(assessment_type=helpers.assessment_type(kind), **value)
    saved.save()
    assert Result.objects.get(pk=saved.pk).display == shown


def test_a_type_parses_with_its_own_maximum_and_scale():
    assert helpers.assessment_type("raw").parse("17/40").score == 17
    with pytest.raises(ValueError, match="out of 40"):
        helpers.assessment_type("raw").parse("17/50")
    assert helpers.assessment_type("pre_key_stage").parse("standard 6").label == "Standard 6"
