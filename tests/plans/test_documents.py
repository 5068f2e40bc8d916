"""The plan and each review as PDF and Word documents, and the SENCO's plain-English check."""

import io

import pytest
from django.urls import reverse
from docx import Document

from senco.audit.models import AuditEntry
from senco.plans.models import Cycle
from senco.plans.services import OutcomeText
from tests import targets
from tests.documents.test_documents import docx_text, pdf_content
from tests.plans.helpers import current, plan_for, review, reviewed_cycle

pytestmark = pytest.mark.django_db
NOT_VISIBLE = b"Not found, or you do not have access: ask your SENCO"


def url(name: str, pupil, cycle: Cycle | None = None) -> str:
    kwargs = {"public_id": pupil.public_id}
    if cycle is not None:
        kwargs["cycle_id"] = cycle.public_id
    return reverse(f"pupils:plans:{name}", kwargs=kwargs)


def pdf_text(body: bytes) -> bytes:
    """The PDF's searchable content: its bookmarks are its headings (h1-h3)."""
    return pdf_content(body)


def headings(body: bytes) -> list[str]:
    document = Document(io.BytesIO(body))
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


# The plan.


def test_the_plan_pdf_carries_the_schools_name_and_each_outcome(client_for):
    pupil = targets.taught_pupil()
    cycle = current(pupil)
    response = client_for("teacher").get(url("pdf", pupil))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    content = pdf_text(response.content)
    assert pupil.school.name.encode() in content
    for outcome in cycle.outcomes.all():
        assert f"Outcome {outcome.position}: {outcome.get_area_display()}".encode() in content
    assert b"Strategies for the class teacher" in content and b"Provision" in content
    entry = AuditEntry.objects.get(action="plan.downloaded", pupil_id=pupil.pk)
    assert entry.actor_id == targets.User.objects.get(username="teacher").pk


def test_the_plan_docx_carries_outcomes_measures_strategies_and_provision(client_for):
    pupil = targets.taught_pupil()
    cycle = current(pupil)
    response = client_for("senco").get(url("docx", pupil))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = docx_text(response.content)
    assert pupil.school.name in text and "Confidential. Printed by" in text
    for outcome in cycle.outcomes.all():
        assert outcome.text in text and f"Success measure: {outcome.measure}" in text
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert cycle.strategy_list and set(cycle.strategy_list) <= set(bullets)
    cells = {c.text for table in document.tables for row in table.rows for c in row.cells}
    for item in cycle.provision_items.all():
        assert {item.what, item.who, item.how_often} <= cells
    assert f"To be reviewed by {cycle.review_on:%d/%m/%Y}." in text


def test_a_parent_downloads_their_childs_plan_without_the_schools_working_evidence(client_for):
    pupil = targets.parents_child()
    cycle = current(pupil)
    cycle.observations = "Staff saw the pupil struggle with the register."
    cycle.save(update_fields=["observations"])
    text = docx_text(client_for("parent").get(url("docx", pupil)).content)
    assert cycle.outcomes.first().text in text
    assert "Evidence" not in headings(client_for("parent").get(url("docx", pupil)).content)
    assert "Staff saw the pupil" not in text
    staff = client_for("senco").get(url("docx", pupil)).content
    assert "Evidence" in headings(staff) and "Staff saw the pupil" in docx_text(staff)


def test_file_names_carry_initials_only_and_downloads_are_never_cached(client_for):
    pupil = targets.taught_pupil()
    cycle = reviewed_cycle(pupil)
    client = client_for("senco")
    for address, stem in (
        (url("pdf", pupil), "plan"),
        (url("docx", pupil), "plan"),
        (url("review_pdf", pupil, cycle), f"review-{cycle.number}"),
        (url("review_docx", pupil, cycle), f"review-{cycle.number}"),
    ):
        response = client.get(address)
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert f"{stem}-{pupil.initials}-" in disposition
        assert pupil.last_name not in disposition and pupil.first_name not in disposition
        assert "no-store" in response["Cache-Control"]


def test_a_pupil_without_a_plan_has_no_plan_to_download(client_for):
    pupil = targets.taught_pupil()
    plan = plan_for(pupil)
    plan.ends = plan.starts
    plan.save(update_fields=["ends"])
    for name in ("pdf", "docx"):
        response = client_for("senco").get(url(name, pupil))
        assert response.status_code == 404 and NOT_VISIBLE in response.content
    assert not AuditEntry.objects.filter(action="plan.downloaded", pupil_id=pupil.pk).exists()
    assert AuditEntry.objects.filter(action="pupil.refused", object_label="plan").exists()


# No NUL: the services refuse it (tests/plans/test_services.py), as PostgreSQL would.
HOSTILE = '<script>alert("x")</script><b>bold</b> Reads\x01 \x07aloud\x0b'


def test_hostile_text_in_an_outcome_is_shown_as_text_in_both_documents(client_for):
    pupil = targets.taught_pupil()
    plan = plan_for(pupil)
    cycle = current(pupil)
    from senco.plans import services

    services.revise_cycle(
        cycle,
        by=targets.User.objects.get(username="senco"),
        expected_version=cycle.version,
        outcomes=[
            OutcomeText(HOSTILE, "CL", "<img src=x onerror=alert(1)> 3 times", id=o.pk)
            if n == 0
            else OutcomeText(o.text, o.area, o.measure, id=o.pk)
            for n, o in enumerate(cycle.outcomes.all())
        ],
    )
    client = client_for("senco")
    response = client.get(url("docx", pupil))
    assert response.status_code == 200
    text = docx_text(response.content)
    assert '<script>alert("x")</script><b>bold</b> Reads aloud' in text
    assert "\x00" not in text and "\x07" not in text
    response = client.get(url("pdf", pupil))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert b"/Subtype /Image" not in pdf_content(response.content)
    assert plan.pk == plan_for(pupil).pk


# Reviews.


def test_the_review_docx_carries_progress_evidence_views_decision_and_next_review(client_for):
    pupil = targets.taught_pupil()
    cycle = review(current(pupil), notes="Agreed: reading every day at home.")
    following = cycle.plan.cycles.get(number=cycle.number + 1)
    response = client_for("teacher").get(url("review_docx", pupil, cycle))
    assert response.status_code == 200
    text = docx_text(response.content)
    for outcome in cycle.outcomes.all():
        assert outcome.text in text
        assert f"Progress: {outcome.progress_label}" in text
        assert f"Evidence: {outcome.progress_evidence}" in text
    assert cycle.pupil_view in text and cycle.parent_view in text
    assert cycle.get_decision_display() in text
    assert "Agreed: reading every day at home." in text
    assert f"By {following.review_on:%d/%m/%Y} (cycle {following.number})." in text
    assert AuditEntry.objects.filter(action="plan.review_downloaded", pupil_id=pupil.pk).exists()


def test_the_review_pdf_opens_with_its_headings(client_for):
    pupil = targets.parents_child()
    cycle = reviewed_cycle(pupil)
    response = client_for("parent").get(url("review_pdf", pupil, cycle))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    content = pdf_content(response.content)
    assert b"Progress on each outcome" in content and b"Decision" in content
    for outcome in cycle.outcomes.all():
        assert f"Outcome {outcome.position}".encode() in content


def test_a_review_of_a_plan_that_ended_says_there_is_no_next_review(client_for):
    pupil = targets.taught_pupil()
    cycle = review(current(pupil), decision=Cycle.Decision.LEAVE)
    text = docx_text(client_for("senco").get(url("review_docx", pupil, cycle)).content)
    assert "None: the plan ended at this review." in text


def test_a_cycle_not_yet_reviewed_or_of_another_pupil_is_not_found(client_for):
    pupil = targets.taught_pupil()
    other = reviewed_cycle(targets.parents_child())
    client = client_for("senco")
    for address in (url("review_pdf", pupil, current(pupil)), url("review_docx", pupil, other)):
        response = client.get(address)
        assert response.status_code == 404 and NOT_VISIBLE in response.content
    assert (
        AuditEntry.objects.filter(action="pupil.refused", object_label="plan review").count() == 2
    )


# The plain-English check.


def test_the_check_shows_the_parents_version_its_score_and_the_words_to_simplify(client_for):
    pupil = targets.taught_pupil()
    cycle = current(pupil)
    from senco.plans import services

    services.revise_cycle(
        cycle,
        by=targets.User.objects.get(username="senco"),
        expected_version=cycle.version,
        strategies="Use differentiated phonological activities with the SALT.",
    )
    response = client_for("senco").get(url("plain_english", pupil))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"What we are working on with {pupil.first_name}" in page
    assert "against a target of 60" in page
    assert "differentiated" in page and "changed to suit them" in page
    assert "speech and language therapist" in page
    report = response.context["report"]
    assert report.overall.score is not None
    assert "What school will do" in {w for item in report.to_simplify for w in item.where}
    assert AuditEntry.objects.filter(action="plan.plain_english_viewed", pupil_id=pupil.pk).exists()


def test_the_target_is_a_setting(client_for, settings):
    settings.SENCO_PLAIN_ENGLISH_TARGET = 75
    pupil = targets.taught_pupil()
    plan_for(pupil)
    page = client_for("senco").get(url("plain_english", pupil)).content.decode()
    assert "against a target of 75" in page


def test_hostile_text_is_shown_escaped_on_the_check(client_for):
    pupil = targets.taught_pupil()
    cycle = current(pupil)
    from senco.plans import services

    services.revise_cycle(
        cycle,
        by=targets.User.objects.get(username="senco"),
        expected_version=cycle.version,
        strategies='<script>alert("x")</script>',
    )
    page = client_for("senco").get(url("plain_english", pupil)).content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page


def test_a_pupil_with_no_plan_gets_a_page_saying_so(client_for):
    pupil = targets.taught_pupil()
    plan = plan_for(pupil)
    plan.ends = plan.starts
    plan.save(update_fields=["ends"])
    response = client_for("senco").get(url("plain_english", pupil))
    assert response.status_code == 200
    assert b"has no plan yet" in response.content


def test_the_parents_version_shows_each_review_newest_first(client_for):
    pupil = targets.taught_pupil()
    first = reviewed_cycle(pupil)
    second = review(first.plan.cycles.get(number=first.number + 1), notes="Second review.")
    response = client_for("senco").get(url("plain_english", pupil))
    numbers = [c.number for c in response.context["reviews"]]
    assert numbers[:2] == [second.number, first.number] and numbers == sorted(numbers)[::-1]
    page = response.content.decode()
    assert page.index("Second review.") < page.index(first.review_notes)
