"""An annual review's documents: the invitation, the contribution request, the paperwork pack
and the review report open as Word (python-docx reads them) and as PDF, hold what the review
recorded, carry the school's letterhead and no LA's, name their files by initials, and strip
what XML cannot hold."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from docx import Document

from senco.accounts.models import User
from senco.audit.models import AuditEntry
from senco.ehcp.models import AnnualReview
from senco.ehcp.services import reviews
from senco.schools.models import School
from tests import targets
from tests.ehcp.review_matrix import a_parent, held, planned, record_for, senco_of

pytestmark = pytest.mark.django_db
DOCUMENTS = ["invitation", "contribution-request", "paperwork-pack", "review-report"]
RECORDED = [
    "I like the reading club.",
    "Mornings are calmer.",
    "Section F: Speech therapy twice a week",
    "Amend the plan",
    "Ask the LA to amend section F.",
    "Reads 40 words a minute",
    "Speech therapist",
]


def address(review: AnnualReview, document: str, fmt: str) -> str:
    return reverse(
        "pupils:ehcp:review_document",
        kwargs={"public_id": review.plan.pupil.public_id, "review_id": review.public_id,
                "document": document, "fmt": fmt},
    )  # fmt: skip


def text_of(response) -> str:
    document = Document(io.BytesIO(response.content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture
def review() -> AnnualReview:
    """A review of the taught pupil, held and recorded: amendments, views, an invitee."""
    pupil = targets.taught_pupil()
    review = planned(pupil, meeting_in_days=-1)
    by = senco_of(pupil)
    review = reviews.send_invitations(
        review, by=by, invitees=[reviews.Invitee("health", "Speech therapist", by_letter=True)],
        expected_version=review.version,
        short_notice_reason="Held already: recorded afterwards.", today=review.meeting_on,
    ).review  # fmt: skip
    record = record_for(
        review,
        pupil_view="I like the reading club.",
        parent_view="Mornings are calmer.",
        recommendation=AnnualReview.Decision.AMEND,
        amendments=[reviews.Amendment("F", "Speech therapy twice a week")],
        agreed="Ask the LA to amend section F.\x0b",
    )
    return reviews.record_meeting(review, by=by, record=record, expected_version=review.version)


@pytest.mark.parametrize("document", DOCUMENTS)
def test_each_document_opens_as_word_with_the_schools_letterhead(client_for, review, document):
    response = client_for("senco").get(address(review, document, "docx"))
    assert response.status_code == 200
    text = text_of(response)
    pupil = review.plan.pupil
    assert pupil.school.name in text and pupil.full_name in text
    assert "Northshire" not in text.split("\n")[0]  # headed by the school, not the LA
    name = f"annual-review-{document}-{pupil.initials}-{review.meeting_on.isoformat()}.docx"
    assert name in response["Content-Disposition"]
    assert pupil.last_name not in response["Content-Disposition"]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_each_document_opens_as_pdf(client_for, review, document):
    response = client_for("head").get(address(review, document, "pdf"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"


def test_the_review_report_holds_the_record(client_for, review):
    text = text_of(client_for("senco").get(address(review, "review-report", "docx")))
    for said in RECORDED:
        assert said in text
    for outcome in reviews.outcomes_of(review.plan):
        assert outcome.text in text
    assert "\x0b" not in text


def test_the_paperwork_pack_holds_the_plan_views_contributions_and_progress_so_far(
    client_for, review
):
    therapist = review.invitees.get()
    reviews.record_contribution(
        review,
        by=senco_of(review.plan.pupil),
        expected_version=review.version,
        invitee=therapist,
        received_on=review.meeting_on,
    )
    text = text_of(client_for("senco").get(address(review, "paperwork-pack", "docx")))
    version = reviews.current_version(review.plan)
    assert "Section A: The views, interests and aspirations" in text
    assert version.section("A") in text
    for outcome in reviews.outcomes_of(review.plan):
        assert outcome.text in text
    assert version.provision.first().what in text
    assert "I like the reading club." in text and "Mornings are calmer." in text
    assert f"Speech therapist (Health), received {review.meeting_on:%-d %B %Y}" in text
    assert "No review yet." in text


def test_the_pack_shows_progress_at_the_last_review(client_for):
    first = held(targets.taught_pupil())
    second = AnnualReview.objects.create(
        plan=first.plan,
        due_by=reviews.review_due(first.plan),
        meeting_on=first.meeting_on.replace(year=first.meeting_on.year + 1),
    )
    text = text_of(client_for("senco").get(address(second, "paperwork-pack", "docx")))
    assert f"At the review held on {first.held_on:%-d %B %Y}." in text
    assert "Good progress" in text


def test_the_invitation_and_the_request_name_the_meeting_and_the_outcomes(client_for, review):
    text = text_of(client_for("senco").get(address(review, "invitation", "docx")))
    assert f"Date: {review.meeting_on:%A %-d %B %Y}" in text and "Time: 15:30" in text
    assert "Place: The SENCO's office" in text
    text = text_of(client_for("senco").get(address(review, "contribution-request", "docx")))
    for outcome in reviews.outcomes_of(review.plan):
        assert outcome.text in text


def test_a_download_is_audited_and_an_unknown_document_is_not_found(client_for, review):
    client = client_for("senco")
    client.get(address(review, "review-report", "pdf"))
    entry = AuditEntry.objects.filter(action="ehcp.review_document_downloaded").latest("pk")
    assert entry.pupil_id == review.plan.pupil_id and entry.object_label == "review-report.pdf"
    assert client.get(address(review, "statement", "pdf")).status_code == 404
    assert client.get(address(review, "invitation", "odt")).status_code == 404


def test_a_parent_confidential_to_the_senco_is_a_parent_or_carer_in_the_heads_documents(
    client_for,
):
    pupil = targets.taught_pupil()
    parent = a_parent(pupil, "Refugecarer", confidential_to="senco")
    review = planned(pupil)
    rows = [
        reviews.Invitee("parent", str(parent), parent.email, contact=parent.pk),
        reviews.Invitee("health", "Speech therapist"),
    ]
    by = senco_of(pupil)
    review = reviews.send_invitations(
        review, by=by, invitees=rows, expected_version=review.version
    ).review
    therapist = review.invitees.get(kind="health")
    review = reviews.request_contributions(
        review, by=by, invitees=list(review.invitees.all()), expected_version=review.version,
        due_on=reviews.dates(review)["contributions_by"],
    )  # fmt: skip
    text = text_of(client_for("head").get(address(review, "review-report", "docx")))
    assert "Refugecarer" not in text and parent.email not in text
    assert "A parent or carer" in text and "Speech therapist (Health)" in text
    text = text_of(client_for("senco").get(address(review, "review-report", "docx")))
    assert f"{parent} (Parent or carer)" in text
    # The letters go outside the school: nobody by name, even to those who may see them.
    for document in ("invitation", "contribution-request"):
        text = text_of(client_for("senco").get(address(review, document, "docx")))
        assert "Refugecarer" not in text and "Speech therapist" not in text, document
    # Taken off the list: left out of the documents.
    keep = [reviews.Invitee("parent", str(parent), id=review.invitees.get(kind="parent").pk)]
    reviews.send_invitations(review, by=by, invitees=keep, expected_version=review.version)
    text = text_of(client_for("senco").get(address(review, "review-report", "docx")))
    assert "Speech therapist" not in text
    therapist.refresh_from_db()
    assert therapist.removed_on is not None


def _letter(client, review: AnnualReview, document: str) -> str:
    return text_of(client.get(address(review, document, "docx")))


def test_the_letters_give_the_reviews_real_dates_and_never_a_day_past(client_for):
    pupil = targets.taught_pupil()
    review = planned(pupil, meeting_in_days=10)  # the paperwork date has passed
    client = client_for("senco")
    for document in ("invitation", "contribution-request"):
        text = _letter(client, review, document)
        assert (
            f"as soon as you can, and before the meeting on {review.meeting_on:%-d %B %Y}" in text
        ), document
    review = planned(pupil, meeting_in_days=30)
    paperwork_by = reviews.dates(review)["paperwork_by"]
    assert f"views or advice by {paperwork_by:%-d %B %Y}" in _letter(client, review, "invitation")
    AnnualReview.objects.filter(pk=review.pk).update(
        contributions_due_on=paperwork_by - dt.timedelta(days=3)
    )
    due = paperwork_by - dt.timedelta(days=3)
    for document in ("invitation", "contribution-request"):
        assert f"by {due:%-d %B %Y}" in _letter(client, review, document), document


def test_the_letters_keep_the_schools_lists_out_and_give_a_contact(client_for):
    pupil = targets.taught_pupil()
    review = planned(pupil)
    by = senco_of(pupil)
    school = pupil.school
    School.objects.filter(pk=school.pk).update(
        address="1 School Lane\nNorthtown", postcode="NT1 1AA"
    )
    User.objects.filter(pk=by.pk).update(first_name="Sam", last_name="Senco",
                                         email="senco@school.example.org")  # fmt: skip
    rows = [reviews.Invitee("health", "Speech therapist", "slt@nhs.example.org")]
    review = reviews.send_invitations(
        review, by=by, invitees=rows, expected_version=review.version
    ).review
    reviews.request_contributions(
        review, by=by, invitees=list(review.invitees.all()), expected_version=review.version,
        due_on=reviews.dates(review)["contributions_by"],
    )  # fmt: skip
    client = client_for("senco")
    for document in ("invitation", "contribution-request"):
        text = _letter(client, review, document)
        assert "Asked for a contribution" not in text and "Nobody yet" not in text, document
        assert "slt@nhs.example.org" not in text, document
        for line in ("Sam Senco", school.name, "1 School Lane", "Northtown", "NT1 1AA",
                     "Email: senco@school.example.org"):  # fmt: skip
            assert line in text.split("Contact", 1)[1], (document, line)
    assert "Health" in _letter(client, review, "invitation")


def test_every_line_of_the_documents_ends_its_sentences(client_for, review):
    client = client_for("senco")
    for outcome in reviews.outcomes_of(review.plan):
        line = f"{outcome.text}. By when: {outcome.by_when}."
        for document in ("contribution-request", "paperwork-pack"):
            assert line in _letter(client, review, document), document
    text = _letter(client, review, "review-report")
    assert "Amend the plan." in text
    for document in DOCUMENTS:
        for line in _letter(client, review, document).splitlines():
            assert not re.search(r"[a-z] By when:", line), (document, line)
