"""Permission-matrix rows for the EHC review pages (merged by tests/ehcp/matrix.py), and the
reviews the matrix and the review tests ask for, in the state each page is for.

Reviews are `ehcp.caseload` pages (the SEN leads and the head) and `ehcp.manage` changes (the
SEN leads): a teacher or TA who teaches the pupil, and a parent of the child, see the pupil but
are refused (403); everyone else is answered 404. A POST without data gets the page back with
the form's errors (200); a page for a later step redirects (302) while the review is not there.
"""

import datetime as dt
from collections.abc import Callable

from senco.accounts.models import User
from senco.ehcp.models import AnnualReview, EHCPlan
from senco.ehcp.services import reviews
from senco.pupils.models import Contact, Pupil, PupilContact
from tests import targets
from tests.ehcp import helpers
from tests.matrix import answers

CASELOAD_TAUGHT = {"senco": 200, "head": 200, "teacher": 403, "ta": 403}
MANAGE_TAUGHT = {"senco": 200, "head": 403, "teacher": 403, "ta": 403}
CASELOAD_CHILD = {"senco": 200, "head": 200, "parent": 403}
MANAGE_CHILD = {"senco": 200, "head": 403, "parent": 403}
# A record of the taught pupil asked for through the parent's child: readers find nothing
# (404); those refused the action on the child are refused first (403).
CASELOAD_OF_ANOTHER = answers(404, parent=403)
MANAGE_OF_ANOTHER = answers(404, head=403, parent=403)
ELSEWHERE = answers(404, other_senco=200)
PAGES = ["review_change", "review_invite", "review_contributions", "review_record"]


def _rows() -> dict[tuple[str, str, str], dict[str, int]]:
    rows = {
        ("pupils:ehcp:review_new", "ar_plan_taught", "GET"): answers(404, **MANAGE_TAUGHT),
        ("pupils:ehcp:review_new", "ar_plan_taught", "POST"): answers(404, **MANAGE_TAUGHT),
        ("pupils:ehcp:review_new", "ar_plan_child", "GET"): answers(404, **MANAGE_CHILD),
        ("pupils:ehcp:review_new", "ar_plan_child", "POST"): answers(404, **MANAGE_CHILD),
        ("pupils:ehcp:review_new", "ar_plan_elsewhere", "GET"): ELSEWHERE,
        ("pupils:ehcp:review_new", "ar_plan_of_another", "GET"): MANAGE_OF_ANOTHER,
        ("pupils:ehcp:review", "ar_review_taught", "GET"): answers(404, **CASELOAD_TAUGHT),
        ("pupils:ehcp:review", "ar_review_child", "GET"): answers(404, **CASELOAD_CHILD),
        ("pupils:ehcp:review", "ar_review_elsewhere", "GET"): ELSEWHERE,
        ("pupils:ehcp:review", "ar_review_of_another", "GET"): CASELOAD_OF_ANOTHER,
        ("pupils:ehcp:review_decision", "ar_reported_taught", "GET"): answers(404, **MANAGE_TAUGHT),
        ("pupils:ehcp:review_decision", "ar_reported_taught", "POST"): answers(
            404, **MANAGE_TAUGHT
        ),
        ("pupils:ehcp:review_decision", "ar_reported_child", "POST"): answers(404, **MANAGE_CHILD),
        # Before the report has gone, the decision page sends the SENCO back to the review.
        ("pupils:ehcp:review_decision", "ar_review_taught", "GET"): answers(
            404, **MANAGE_TAUGHT | {"senco": 302}
        ),
        ("pupils:ehcp:review_decision", "ar_review_of_another", "GET"): MANAGE_OF_ANOTHER,
        ("pupils:ehcp:review_document", "ar_report_pdf_taught", "GET"): answers(
            404, **CASELOAD_TAUGHT
        ),
        ("pupils:ehcp:review_document", "ar_invitation_docx_child", "GET"): answers(
            404, **CASELOAD_CHILD
        ),
        ("pupils:ehcp:review_document", "ar_pack_docx_elsewhere", "GET"): ELSEWHERE,
        ("pupils:ehcp:review_document", "ar_document_of_another", "GET"): CASELOAD_OF_ANOTHER,
        # An unknown document or format: not found, once the pupil's gate has let them in.
        ("pupils:ehcp:review_document", "ar_unknown_document", "GET"): answers(
            404, teacher=403, ta=403
        ),
        ("pupils:ehcp:review_document", "ar_unknown_format", "GET"): answers(
            404, teacher=403, ta=403
        ),
    }
    for name in PAGES:
        url = f"pupils:ehcp:{name}"
        rows[(url, "ar_review_taught", "GET")] = answers(404, **MANAGE_TAUGHT)
        rows[(url, "ar_review_taught", "POST")] = answers(404, **MANAGE_TAUGHT)
        rows[(url, "ar_review_child", "GET")] = answers(404, **MANAGE_CHILD)
        rows[(url, "ar_review_elsewhere", "POST")] = ELSEWHERE
        rows[(url, "ar_review_of_another", "POST")] = MANAGE_OF_ANOTHER
    for name in ("review_paperwork", "review_report"):
        url = f"pupils:ehcp:{name}"
        rows[(url, "ar_review_taught", "GET")] = answers(405)
        rows[(url, "ar_review_taught", "POST")] = answers(404, **MANAGE_TAUGHT)
        rows[(url, "ar_review_child", "POST")] = answers(404, **MANAGE_CHILD)
        rows[(url, "ar_review_of_another", "POST")] = MANAGE_OF_ANOTHER
    return rows


ROWS: dict[tuple[str, str, str], dict[str, int]] = _rows()


# The reviews asked for.


def senco_of(pupil: Pupil):
    return helpers.senco(pupil)


def fresh_plan(pupil: Pupil) -> EHCPlan:
    """The pupil's current plan with no review yet: issued about ten months ago, reviewed
    never, no transfer."""
    plan = helpers.ehc_plan_for(pupil)
    plan.reviews.all().delete()
    EHCPlan.objects.filter(pk=plan.pk).update(
        issued_on=helpers.days_ago(300),
        last_reviewed_on=None,
        transferred_in_on=None,
        phase_transfer_year=None,
    )
    plan.refresh_from_db()
    return plan


def planned(pupil: Pupil, meeting_in_days: int = 21) -> AnnualReview:
    """A review of the pupil's plan just dated, its meeting `meeting_in_days` from today."""
    plan = fresh_plan(pupil)
    meeting = dt.date.today() + dt.timedelta(days=meeting_in_days)
    arrangements = reviews.Arrangements(meeting, dt.time(15, 30), "The SENCO's office")
    return reviews.date_review(plan, by=senco_of(pupil), arrangements=arrangements)


def record_for(review: AnnualReview, **fields) -> reviews.MeetingRecord:
    """A complete meeting record: progress and evidence on every outcome."""
    outcomes = reviews.outcomes_of(review.plan)
    fields.setdefault("held_on", review.meeting_on)
    fields.setdefault(
        "progress", [reviews.Progress(o.pk, "good", "Reads 40 words a minute") for o in outcomes]
    )
    fields.setdefault("recommendation", AnnualReview.Decision.KEEP)
    fields.setdefault("agreed", "Keep the reading programme daily.")
    fields.setdefault("preparing_for_adulthood", "Travel training next term.")
    return reviews.MeetingRecord(**fields)


def held(pupil: Pupil) -> AnnualReview:
    """A review whose meeting was held yesterday and recorded."""
    review = planned(pupil, meeting_in_days=-1)
    return reviews.record_meeting(
        review, by=senco_of(pupil), record=record_for(review), expected_version=review.version
    )


def reported(pupil: Pupil) -> AnnualReview:
    """A review held yesterday, its report sent to the LA today."""
    review = held(pupil)
    return reviews.send_report(
        review, by=senco_of(pupil), expected_version=review.version, sent_on=dt.date.today()
    )


def a_parent(pupil: Pupil, last_name: str, *, confidential_to: str = "") -> Contact:
    """A contact with parental responsibility for the pupil, with an email address; when
    `confidential_to` names a user, confidential to them alone (a parent in a refuge)."""
    found = Contact.objects.create(
        school=pupil.school, first_name="Sam", last_name=last_name,
        email=f"{last_name.lower()}@family.example.org", is_confidential=bool(confidential_to),
    )  # fmt: skip
    PupilContact.objects.create(
        pupil=pupil, contact=found, relationship=PupilContact.Relationship.CARER,
        parental_responsibility=True,
    )  # fmt: skip
    if confidential_to:
        found.confidential_to.set([User.objects.get(username=confidential_to)])
    return found


def _kwargs(review: AnnualReview, **more) -> dict:
    return {"public_id": review.plan.pupil.public_id, "review_id": review.public_id, **more}


def _of_another(make: Callable[[Pupil], AnnualReview], **more) -> Callable[[], dict]:
    """A real review of the taught pupil, asked for through the parent's child."""

    def kwargs() -> dict:
        found = make(targets.taught_pupil())
        return _kwargs(found, **more) | {"public_id": targets.parents_child().public_id}

    return kwargs


def _plan(pupil: Pupil) -> dict:
    return {"public_id": pupil.public_id, "plan_id": fresh_plan(pupil).public_id}


def _plan_of_another() -> dict:
    plan = fresh_plan(targets.taught_pupil())
    return {"public_id": targets.parents_child().public_id, "plan_id": plan.public_id}


def _document(pupil: Pupil, document: str, fmt: str) -> dict:
    return _kwargs(held(pupil), document=document, fmt=fmt)


TARGETS: dict[str, Callable[[], dict]] = {
    "ar_plan_taught": lambda: _plan(targets.taught_pupil()),
    "ar_plan_child": lambda: _plan(targets.parents_child()),
    "ar_plan_elsewhere": lambda: _plan(targets.pupil_elsewhere()),
    "ar_plan_of_another": _plan_of_another,
    "ar_review_taught": lambda: _kwargs(planned(targets.taught_pupil())),
    "ar_review_child": lambda: _kwargs(planned(targets.parents_child())),
    "ar_review_elsewhere": lambda: _kwargs(planned(targets.pupil_elsewhere())),
    "ar_review_of_another": _of_another(planned),
    "ar_reported_taught": lambda: _kwargs(reported(targets.taught_pupil())),
    "ar_reported_child": lambda: _kwargs(reported(targets.parents_child())),
    "ar_report_pdf_taught": lambda: _document(targets.taught_pupil(), "review-report", "pdf"),
    "ar_invitation_docx_child": lambda: _document(targets.parents_child(), "invitation", "docx"),
    "ar_pack_docx_elsewhere": lambda: _document(
        targets.pupil_elsewhere(), "paperwork-pack", "docx"
    ),
    "ar_document_of_another": _of_another(held, document="review-report", fmt="docx"),
    "ar_unknown_document": lambda: _document(targets.taught_pupil(), "statement", "pdf"),
    "ar_unknown_format": lambda: _document(targets.taught_pupil(), "review-report", "odt"),
}
