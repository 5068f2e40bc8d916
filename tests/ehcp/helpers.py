"""EHC plans, requests, reviews and consultations the page tests and the permission matrix ask
for: the demo's when it made them, else written here, row by row, as the services would.
(Service tests call the services themselves; these are only the records to ask for.)"""

import datetime as dt

from senco.accounts.models import User
from senco.ehcp import models
from senco.pupils.models import Pupil
from tests import targets

OUTCOMES = [
    ("Reads and understands a short text at home and at school", "CL"),
    ("Manages a change of routine with a visual timetable and one adult", "SEMH"),
    ("Takes part in group work with two classmates for 20 minutes", "CI"),
]
PROVISION = [
    # what, who, sessions, per, minutes
    ("Daily structured reading programme, 1:1", "Teaching assistant", "5", "week", 20),
    ("Speech and language therapy programme", "Speech and language therapist", "1", "week", 30),
    ("Social communication group", "Teaching assistant", "2", "week", 30),
]


def senco(pupil: Pupil | None = None) -> User:
    home = pupil is None or pupil.school_id == targets.home_school().pk
    return User.objects.get(username="senco" if home else "other_senco")


def days_ago(days: int) -> dt.date:
    return dt.date.today() - dt.timedelta(days=days)


def ehc_plan_for(pupil: Pupil, *, issued_on: dt.date | None = None) -> models.EHCPlan:
    """The pupil's current EHC plan; one issued about ten months ago when there is none (the
    pupil put on E first)."""
    plan = models.EHCPlan.objects.current().filter(pupil=pupil).first()
    if plan is not None:
        return plan
    Pupil.objects.filter(pk=pupil.pk).update(sen_provision="E")
    pupil.sen_provision = "E"
    issued = issued_on or days_ago(300)
    plan = models.EHCPlan.objects.create(
        pupil=pupil,
        local_authority="Northshire",
        caseworker="A. Caseworker",
        la_reference="NS-1234",
        issued_on=issued,
        top_up_per_year=7500,
        created_by=senco(pupil),
    )
    version = models.PlanVersion.objects.create(
        plan=plan,
        number=1,
        dated=issued,
        sections={code: f"Section {code} as issued." for code in models.TEXT_SECTIONS},
        saved_by=senco(pupil),
    )
    outcomes = [
        models.PlanOutcome.objects.create(
            version=version, position=n, text=text, area=area, by_when="End of key stage 2"
        )
        for n, (text, area) in enumerate(OUTCOMES, 1)
    ]
    for n, (what, who, sessions, per, minutes) in enumerate(PROVISION, 1):
        models.PlanProvision.objects.create(
            version=version,
            position=n,
            what=what,
            who=who,
            sessions=sessions,
            per=per,
            minutes=minutes,
            outcome=outcomes[n - 1],
        )
    return plan


def current_version(plan: models.EHCPlan) -> models.PlanVersion:
    return plan.versions.order_by("-number")[0]


def review_for(plan: models.EHCPlan, *, meeting_in_days: int = 21) -> models.AnnualReview:
    """An open annual review of the plan, its meeting dated `meeting_in_days` from today."""
    review = plan.reviews.open().first()
    if review is not None:
        return review
    meeting = dt.date.today() + dt.timedelta(days=meeting_in_days)
    return models.AnnualReview.objects.create(
        plan=plan,
        due_by=plan.issued_on.replace(year=plan.issued_on.year + 1)
        if not (plan.issued_on.month == 2 and plan.issued_on.day == 29)
        else dt.date(plan.issued_on.year + 1, 2, 28),
        meeting_on=meeting,
        created_by=senco(plan.pupil),
    )


def request_for(pupil: Pupil) -> models.NeedsAssessmentRequest:
    """An open needs assessment request for the pupil, made five weeks ago."""
    found = models.NeedsAssessmentRequest.objects.filter(pupil=pupil).first()
    if found is not None:
        return found
    return models.NeedsAssessmentRequest.objects.create(
        pupil=pupil,
        requested_on=days_ago(35),
        local_authority="Northshire",
        requested_by=models.NeedsAssessmentRequest.RequestedBy.SCHOOL,
        created_by=senco(pupil),
    )


def consultation(school=None, **fields) -> models.LAConsultation:
    """An unanswered LA consultation received ten days ago."""
    school = school or targets.home_school()
    fields.setdefault("local_authority", "Northshire")
    fields.setdefault("child_initials", "J.B.")
    fields.setdefault("year_group", 7)
    fields.setdefault("received_on", days_ago(10))
    return models.LAConsultation.objects.create(school=school, **fields)
