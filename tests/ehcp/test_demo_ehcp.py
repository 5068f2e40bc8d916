"""The demo's EHC work: what `make run` shows a SENCO (senco/demo/ehcp.py). The tests' own
demo school is small (a handful of pupils on E, none with a plan old enough to be overdue), so
the caseload's cases are checked on a demo of `make run`'s size, built here."""

import pytest

from senco import access
from senco.accounts.models import User
from senco.demo import builder
from senco.ehcp import caseload, deadlines, services
from senco.ehcp.models import AnnualReview, EHCPlan, LAConsultation, NeedsAssessmentRequest
from senco.pupils.models import Pupil
from tests import targets

pytestmark = pytest.mark.django_db


def test_every_pupil_on_e_has_one_current_plan_with_quantified_provision():
    school = targets.home_school()
    on_e = Pupil.objects.filter(school=school, left_on__isnull=True, sen_provision="E")
    plans = EHCPlan.objects.current().filter(pupil__in=on_e)
    assert on_e.count() >= 2 and plans.count() == on_e.count()
    for plan in plans:
        version = services.plans.current_version(plan)
        assert version is not None
        assert set(version.sections) >= {"A", "B", "I", "K"}
        assert version.outcomes.count() >= 3
        assert all(item.sessions > 0 and item.minutes > 0 for item in version.provision.all())


@pytest.fixture
def full_demo():
    """A demo of `make run`'s size (rolled back with the test)."""
    builder.build(builder.Options(password="x" * 12))
    return targets.home_school()


def test_the_demo_caseload_is_headed_by_an_overdue_annual_review(full_demo):
    senco = User.objects.get(username="senco")
    items = caseload.deadlines_for(senco, full_demo, access.today())
    assert items[0].status == deadlines.OVERDUE
    assert "annual review" in items[0].label.lower()


def test_the_demo_has_reviews_done_and_under_way_requests_and_consultations(full_demo):
    school = full_demo
    reviews = AnnualReview.objects.filter(plan__pupil__school=school)
    assert reviews.filter(status=AnnualReview.Status.DONE).exists()
    assert reviews.exclude(status=AnnualReview.Status.DONE).count() >= 1
    requests = NeedsAssessmentRequest.objects.filter(pupil__school=school)
    assert requests.count() == 2
    assert requests.filter(exceptions__isnull=False).exists()
    consultations = LAConsultation.objects.filter(school=school)
    assert consultations.filter(answered_on__isnull=True).count() == 1
