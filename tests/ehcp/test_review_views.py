"""The annual review pages, as the SENCO uses them: dating the meeting, inviting, asking for
contributions, the paperwork, the record, the report and the LA's decision; every bad input
answered on the page with what is wrong and where, nothing changed; the review page's queries
do not grow with its people and outcomes; the panel on the pupil's EHC page."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from senco.audit.models import AuditEntry
from senco.ehcp.models import AnnualReview, OutcomeProgress, PlanOutcome, ReviewInvitee
from senco.ehcp.services import reviews
from senco.pupils.models import Pupil
from tests import targets
from tests.ehcp.review_matrix import a_parent, fresh_plan, held, planned, reported
from tests.queries import queries_for

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def url(review: AnnualReview, name: str = "review", **more) -> str:
    kwargs = {"public_id": review.plan.pupil.public_id, "review_id": review.public_id, **more}
    return reverse(f"pupils:ehcp:{name}", kwargs=kwargs)


def new_url(plan) -> str:
    return reverse(
        "pupils:ehcp:review_new",
        kwargs={"public_id": plan.pupil.public_id, "plan_id": plan.public_id},
    )


@pytest.fixture
def pupil() -> Pupil:
    return targets.taught_pupil()


@pytest.fixture
def senco(client_for):
    return client_for("senco")


def invite_data(rows: list[tuple[str, str, str]], reason: str = "", version: int = 1) -> dict:
    data = {
        "invitees-TOTAL_FORMS": str(len(rows)),
        "invitees-INITIAL_FORMS": "0",
        "version": str(version),
        "short_notice_reason": reason,
    }
    for n, (kind, name, email) in enumerate(rows):
        data |= {f"invitees-{n}-kind": kind, f"invitees-{n}-name": name,
                 f"invitees-{n}-email": email}  # fmt: skip
    return data


def version_of(review: AnnualReview, prefix: str) -> dict:
    """The hidden field of a form on a review's pages: the version it was opened on."""
    review.refresh_from_db()
    return {f"{prefix}-version": str(review.version)}


ROWS = [("parent", "Mrs Parent", ""), ("la", "A. Caseworker", "caseworker@la.example.org")]


def record_data(review: AnnualReview, **fields) -> dict:
    data = {
        "held_on": review.meeting_on.isoformat(),
        "recommendation": "keep",
        "agreed": "Keep the reading programme daily.",
        "preparing_for_adulthood": "Travel training next term.",
        "version": str(review.version),
        "amendments-TOTAL_FORMS": "1",
        "amendments-INITIAL_FORMS": "0",
        "amendments-0-section": "",
        "amendments-0-text": "",
    }
    for outcome in reviews.outcomes_of(review.plan):
        data[f"progress_{outcome.pk}"] = "good"
        data[f"evidence_{outcome.pk}"] = "Reads 40 words a minute"
    return data | fields


# Dating the meeting.


def test_the_senco_dates_a_review_and_sees_its_steps_and_due_dates(senco, pupil):
    plan = fresh_plan(pupil)
    page = senco.get(new_url(plan))
    assert b"Date the annual review" in page.content
    due = reviews.review_due(plan)
    assert f"{due:%-d %B %Y}".encode() in page.content
    meeting = days(30)
    response = senco.post(
        new_url(plan), {"meeting_on": meeting.isoformat(), "meeting_time": "15:30", "place": "Hall"}
    )
    review = plan.reviews.get()
    assert response.status_code == 302 and response["Location"] == url(review)
    page = senco.get(url(review))
    content = page.content.decode()
    for step in ("Invitations sent", "Paperwork circulated", "Meeting held",
                 "Report sent to the LA", "The LA's decision"):  # fmt: skip
        assert step in content
    dates = reviews.dates(review)
    assert f"{dates['invitations_by']:%-d %B %Y}" in content
    assert f"{dates['la_decision_by']:%-d %B %Y}" in content
    assert AuditEntry.objects.filter(action="ehcp.review_viewed", pupil_id=pupil.pk).exists()


def test_a_review_dated_before_the_plan_is_refused_on_the_page(senco, pupil):
    plan = fresh_plan(pupil)
    before = plan.issued_on - dt.timedelta(days=1)
    response = senco.post(
        new_url(plan), {"meeting_on": before.isoformat(), "meeting_time": "15:30"}
    )
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"A review dated before the plan" in response.content
    assert b'href="#id_meeting_on"' in response.content
    assert not plan.reviews.exists()


def test_a_late_meeting_is_dated_with_a_warning_on_the_review_page(senco, pupil):
    plan = fresh_plan(pupil)
    late = reviews.review_due(plan) + dt.timedelta(days=10)
    response = senco.post(
        new_url(plan), {"meeting_on": late.isoformat(), "meeting_time": "09:00"}, follow=True
    )
    assert b"the LA&#x27;s deadline will be missed" in response.content
    assert b"Steps late or at short notice" in response.content


def test_moving_a_meeting_once_held_sends_the_senco_back_to_the_review(senco, pupil):
    review = held(pupil)
    response = senco.get(url(review, "review_change"))
    assert response.status_code == 302 and response["Location"] == url(review)


# Invitations.


def test_the_invitation_list_is_offered_from_the_parents_the_pupil_and_the_caseworker(senco, pupil):
    review = planned(pupil)
    page = senco.get(url(review, "review_invite")).content.decode()
    assert pupil.full_name in page and review.plan.caseworker in page
    parents = reviews.suggested_invitees(targets.User.objects.get(username="senco"), review.plan)
    for parent in [p for p in parents if p.kind == ReviewInvitee.Kind.PARENT]:
        assert parent.name in page


def test_invitations_are_sent_from_the_page(senco, pupil, django_capture_on_commit_callbacks):
    review = planned(pupil)
    with django_capture_on_commit_callbacks(execute=True):
        response = senco.post(url(review, "review_invite"), invite_data(ROWS), follow=True)
    content = response.content.decode()
    assert "1 invited: 1 by email (it names the pupil by initials only), 0 by letter" in content
    assert "Not invited yet, with no email address: Mrs Parent (Parent or carer)." in content
    assert "No email: send the invitation letter (download it below) and" in content
    review.refresh_from_db()
    assert review.status == AnnualReview.Status.INVITED
    assert review.invitees.get(kind="parent").invited_on is None


def test_a_short_notice_invitation_needs_a_reason_on_the_page(senco, pupil):
    review = planned(pupil, meeting_in_days=10)
    page = senco.get(url(review, "review_invite"))
    assert b"Less than two weeks' notice." in page.content
    response = senco.post(url(review, "review_invite"), invite_data(ROWS))
    assert response.status_code == 200
    assert b"Give the reason they go out late" in response.content
    review.refresh_from_db()
    assert review.status == AnnualReview.Status.PLANNED and not review.invitees.exists()

    response = senco.post(
        url(review, "review_invite"), invite_data(ROWS, reason="Parents asked for this date"),
        follow=True,
    )  # fmt: skip
    assert b"Reason given: Parents asked for this date" in response.content
    review.refresh_from_db()
    assert review.status == AnnualReview.Status.INVITED


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("la", "x" * 201, ""), b"The name must be 200 characters or fewer"),
        (("la", "Bad\x00name", ""), b"Null characters are not allowed."),
        (("la", "Caseworker", "not-an-address"), b"Give an email address such as"),
        (("", "Someone", ""), b"Choose who they are"),
    ],
)
def test_a_bad_invitee_is_refused_on_the_page(senco, pupil, row, message):
    review = planned(pupil)
    response = senco.post(url(review, "review_invite"), invite_data([row]))
    assert response.status_code == 200 and message in response.content
    assert not review.invitees.exists()


def test_hostile_text_is_escaped_on_the_review_page(senco, pupil):
    review = planned(pupil)
    senco.post(url(review, "review_invite"), invite_data([("la", "<script>x()</script>", "")]))
    page = senco.get(url(review)).content
    assert b"<script>x()</script>" not in page and b"&lt;script&gt;x()&lt;/script&gt;" in page


# Contributions and the paperwork.


def test_contributions_due_after_the_paperwork_date_are_refused_on_the_page(senco, pupil):
    review = planned(pupil)
    senco.post(url(review, "review_invite"), invite_data(ROWS))
    la = review.invitees.get(kind="la")
    late = reviews.dates(review)["paperwork_by"] + dt.timedelta(days=1)
    response = senco.post(
        url(review, "review_contributions"),
        {"step": "request", "request-invitees": [la.pk], "request-due_on": late.isoformat()}
        | version_of(review, "request"),
    )
    assert response.status_code == 200
    assert b"come after the paperwork must be circulated" in response.content
    la.refresh_from_db()
    assert la.contribution_requested_on is None

    due = reviews.dates(review)["contributions_by"]
    response = senco.post(
        url(review, "review_contributions"),
        {"step": "request", "request-invitees": [la.pk], "request-due_on": due.isoformat()}
        | version_of(review, "request"),
    )
    assert response.status_code == 302
    response = senco.post(
        url(review, "review_contributions"),
        {"step": "received", "received-invitee": la.pk, "received-received_on": TODAY}
        | version_of(review, "received"),
    )
    la.refresh_from_db()
    assert (la.contribution_requested_on, la.contribution_received_on) == (TODAY, TODAY)


def test_the_paperwork_is_marked_circulated_on_the_review_page(senco, pupil):
    review = planned(pupil)
    response = senco.post(
        url(review, "review_paperwork"), {"paperwork-sent_on": ""} | version_of(review, "paperwork")
    )
    assert response.status_code == 200 and b"Give the date: paperwork circulated on" in (
        response.content
    )
    response = senco.post(
        url(review, "review_paperwork"),
        {"paperwork-sent_on": TODAY} | version_of(review, "paperwork"),
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.paperwork_sent_on == TODAY


# The record, the report and the decision.


def test_the_record_asks_for_preparing_for_adulthood_from_year_9_only(senco, pupil):
    review = planned(pupil, meeting_in_days=-1)
    Pupil.objects.filter(pk=pupil.pk).update(year_group=8)
    assert b"Preparing for adulthood" not in senco.get(url(review, "review_record")).content
    Pupil.objects.filter(pk=pupil.pk).update(year_group=9)
    assert b"Preparing for adulthood" in senco.get(url(review, "review_record")).content
    data = record_data(review, preparing_for_adulthood="")
    response = senco.post(url(review, "review_record"), data)
    assert response.status_code == 200
    assert b"Say how the plan prepares for adulthood (from Year 9)." in response.content
    review.refresh_from_db()
    assert review.status == AnnualReview.Status.PLANNED


def test_a_record_missing_an_outcomes_progress_is_refused_at_that_outcome(senco, pupil):
    review = planned(pupil, meeting_in_days=-1)
    first = reviews.outcomes_of(review.plan)[0]
    data = record_data(review)
    del data[f"progress_{first.pk}"]
    response = senco.post(url(review, "review_record"), data)
    assert response.status_code == 200
    assert (
        f'<a href="#id_progress_{first.pk}">Progress on outcome {first.position}: Choose the '
        "progress made.</a>".encode()
        in response.content
    )
    assert not OutcomeProgress.objects.filter(review=review).exists()


def test_the_record_refuses_over_long_text_and_a_null_character(senco, pupil):
    review = planned(pupil, meeting_in_days=-1)
    data = record_data(review, agreed="x" * 5001, pupil_view="A\x00B")
    response = senco.post(url(review, "review_record"), data)
    assert b"What was agreed must be 5000 characters or fewer (it has 5001)." in response.content
    assert b"Null characters are not allowed." in response.content
    review.refresh_from_db()
    assert review.held_on is None


def test_a_stale_record_form_is_refused(senco, pupil):
    review = planned(pupil, meeting_in_days=-1)
    stale = record_data(review)
    assert senco.post(url(review, "review_record"), stale).status_code == 302
    response = senco.post(url(review, "review_record"), stale | {"agreed": "Changed"})
    assert b"Someone else changed this review after you opened the page" in response.content
    review.refresh_from_db()
    assert review.agreed == "Keep the reading programme daily."


def test_a_report_before_the_meeting_is_refused_on_the_review_page(senco, pupil):
    review = planned(pupil)
    response = senco.post(
        url(review, "review_report"), {"report-sent_on": TODAY} | version_of(review, "report")
    )
    assert response.status_code == 200
    assert b"the meeting has not been recorded yet" in response.content
    review.refresh_from_db()
    assert review.report_sent_on is None and review.status == AnnualReview.Status.PLANNED


def test_the_las_decision_is_recorded_after_the_report(senco, pupil):
    review = held(pupil)
    assert senco.get(url(review, "review_decision")).status_code == 302
    senco.post(
        url(review, "review_report"), {"report-sent_on": TODAY} | version_of(review, "report")
    )
    review.refresh_from_db()
    data = {"la_decision": "amend", "la_decided_on": TODAY, "version": review.version}
    response = senco.post(url(review, "review_decision"), data, follow=True)
    assert b"The LA&#x27;s decision is recorded." in response.content
    assert b"Record the amended plan" in response.content
    review.refresh_from_db()
    assert review.status == AnnualReview.Status.DONE and review.la_decision == "amend"


def test_another_pupils_review_under_this_pupils_address_is_not_found(senco, pupil):
    review = planned(pupil)
    child = targets.parents_child()
    for name in ("review", "review_record", "review_invite"):
        address = reverse(
            f"pupils:ehcp:{name}",
            kwargs={"public_id": child.public_id, "review_id": review.public_id},
        )
        assert senco.get(address).status_code == 404


# The review page's queries, and the panel.


def _grow(review: AnnualReview, n: int) -> None:
    """n invitees and n outcomes, each with its progress recorded."""
    version = reviews.outcomes_of(review.plan)[0].version
    for k in range(n):
        ReviewInvitee.objects.create(review=review, kind="staff", name=f"Teacher {k}")
        outcome = PlanOutcome.objects.create(
            version=version, position=10 + k, text=f"Outcome {k}", area="CL"
        )
        OutcomeProgress.objects.create(
            review=review, outcome=outcome, progress="good", progress_label="Good progress"
        )
    review.amendments.create(section="F", text="More speech therapy")


def test_the_review_pages_queries_do_not_grow_with_people_and_outcomes(senco, pupil):
    review = reported(pupil)
    review.progress.all().delete()
    review.invitees.all().delete()
    _grow(review, 2)
    queries_for(senco, url(review))  # the first visit loads the session
    few = queries_for(senco, url(review))
    _grow(review, 10)
    assert queries_for(senco, url(review)) == few


def test_the_panel_offers_the_senco_a_review_and_shows_parents_the_dates_only(client_for):
    child = targets.parents_child()
    plan = fresh_plan(child)
    address = reverse("pupils:ehcp:plan", kwargs={"public_id": child.public_id})
    page = client_for("senco").get(address).content
    assert b"Date the annual review" in page and b"No annual review is under way." in page
    review = planned(child)
    page = client_for("senco").get(address).content.decode()
    assert url(review) in page and "Meeting dated" in page
    page = client_for("parent").get(address).content.decode()
    assert f"{review.meeting_on:%-d %B %Y}" in page
    assert url(review) not in page and "Date the annual review" not in page
    assert plan.reviews.count() == 1


# Who is invited, as each user may see them.


def test_a_parent_confidential_to_the_senco_shows_to_the_head_as_a_parent_or_carer(
    client_for, pupil
):
    parent = a_parent(pupil, "Refugecarer", confidential_to="senco")
    review = planned(pupil)
    senco = client_for("senco")
    assert "Refugecarer" in senco.get(url(review, "review_invite")).content.decode()
    row = invite_data([("parent", str(parent), parent.email)])
    response = senco.post(url(review, "review_invite"), row | {"invitees-0-contact": parent.pk})
    assert response.status_code == 302
    assert review.invitees.get().contact == parent
    assert "Refugecarer" in senco.get(url(review)).content.decode()
    page = client_for("head").get(url(review)).content.decode()
    assert "Refugecarer" not in page and parent.email not in page
    assert "A parent or carer" in page


def test_the_invite_form_refuses_a_contact_the_senco_may_not_see(senco, pupil):
    hidden = a_parent(pupil, "Headonlycarer", confidential_to="head")
    review = planned(pupil)
    data = invite_data([("parent", "Anyone", "")]) | {"invitees-0-contact": hidden.pk}
    response = senco.post(url(review, "review_invite"), data)
    assert response.status_code == 200
    assert b"the parent or carer chosen is not one of this pupil" in response.content
    assert not review.invitees.exists()


def test_a_parent_hidden_from_the_senco_is_shown_but_not_changed_on_the_senco_pages(senco, pupil):
    hidden = a_parent(pupil, "Headonlycarer", confidential_to="head")
    review = planned(pupil)
    theirs = review.invitees.create(
        kind="parent", contact=hidden, name=str(hidden), email=hidden.email, invited_on=TODAY
    )
    for name in ("review", "review_invite", "review_contributions", "review_record"):
        page = senco.get(url(review, name)).content.decode()
        assert "Headonlycarer" not in page and hidden.email not in page, name
        assert "A parent or carer" in page, name
    page = senco.get(url(review, "review_invite")).content.decode()
    assert 'type="hidden" name="invitees-0-name" value="A parent or carer"' in page
    data = invite_data([("parent", "A parent or carer", "")], version=review.version)
    data |= {"invitees-0-id": theirs.pk, "invitees-INITIAL_FORMS": "1"}
    assert senco.post(url(review, "review_invite"), data).status_code == 302
    theirs.refresh_from_db()
    assert (theirs.name, theirs.email, theirs.removed_on) == (str(hidden), hidden.email, None)


def test_someone_taken_off_the_list_shows_on_the_review_page_with_the_day(senco, pupil):
    review = planned(pupil)
    senco.post(url(review, "review_invite"), invite_data(ROWS))
    review.refresh_from_db()
    la = review.invitees.get(kind="la")
    parent = review.invitees.get(kind="parent")
    data = invite_data(ROWS[:1], version=review.version)
    data |= {"invitees-0-id": parent.pk, "invitees-INITIAL_FORMS": "1"}
    assert senco.post(url(review, "review_invite"), data).status_code == 302
    la.refresh_from_db()
    assert la.removed_on == TODAY
    page = senco.get(url(review)).content.decode()
    assert "Taken off the list" in page
    assert f"A. Caseworker (Local authority): invited on {TODAY:%-d %B %Y}, taken off" in page
    page = senco.get(url(review, "review_invite")).content.decode()
    assert "A. Caseworker" not in page


# A form without its version: refused, nothing changed.


def _move(review):
    return {"meeting_on": days(40).isoformat(), "meeting_time": "10:00"}


def _invite(review):
    data = invite_data(ROWS)
    del data["version"]
    return data


def _contributions(review):
    la = review.invitees.create(kind="la", name="A. Caseworker", invited_on=TODAY)
    due = reviews.dates(review)["contributions_by"]
    return {"step": "request", "request-invitees": [la.pk], "request-due_on": due.isoformat()}


def _received(review):
    la = review.invitees.create(kind="la", name="A. Caseworker", invited_on=TODAY)
    return {"step": "received", "received-invitee": la.pk, "received-received_on": TODAY}


def _record(review):
    data = record_data(review)
    del data["version"]
    return data


def _paperwork(review):
    return {"paperwork-sent_on": TODAY}


def _report(review):
    return {"report-sent_on": TODAY}


def _decision(review):
    return {"la_decision": "keep", "la_decided_on": TODAY}


WITHOUT_VERSION = [
    ("review_change", planned, _move),
    ("review_invite", planned, _invite),
    ("review_contributions", planned, _contributions),
    ("review_contributions", planned, _received),
    ("review_paperwork", planned, _paperwork),
    ("review_record", lambda p: planned(p, meeting_in_days=-1), _record),
    ("review_report", held, _report),
    ("review_decision", reported, _decision),
]


def _state(review: AnnualReview) -> tuple:
    review.refresh_from_db()
    invitees = review.invitees.values_list(
        "invited_on", "contribution_requested_on", "contribution_received_on"
    )
    return (review.version, review.status, review.meeting_on, review.paperwork_sent_on,
            review.held_on, review.report_sent_on, review.la_decision,
            list(invitees))  # fmt: skip


@pytest.mark.parametrize(
    ("name", "make", "data"),
    WITHOUT_VERSION,
    ids=[d.__name__.strip("_") for _, _, d in WITHOUT_VERSION],
)
def test_a_form_sent_without_its_version_is_refused_and_nothing_changes(
    senco, pupil, name, make, data
):
    review = make(pupil)
    posted = data(review)
    before = _state(review)
    response = senco.post(url(review, name), posted)
    assert response.status_code == 200
    assert b"This form came without the version of the review it was opened on" in (
        response.content
    )
    assert _state(review) == before


# What a new SENCO found (the usability trial): each fixed, and shown here.


def _messages(content: str) -> str:
    """The site's one banner of flashed messages."""
    found = re.search(r'<div class="messages" role="status">(.*?)</div>', content, re.S)
    return found.group(1) if found else ""


def test_a_parent_whose_contact_was_deleted_is_a_parent_or_carer_on_every_page(senco, pupil):
    parent = a_parent(pupil, "Deletedcarer")
    review = planned(pupil)
    row = invite_data([("parent", str(parent), parent.email)]) | {"invitees-0-contact": parent.pk}
    assert senco.post(url(review, "review_invite"), row).status_code == 302
    parent.delete()
    for name in ("review", "review_invite", "review_contributions"):
        page = senco.get(url(review, name)).content.decode()
        assert "Deletedcarer" not in page and parent.email not in page, name
        assert "A parent or carer" in page, name


def test_the_invite_page_offers_the_parents_email_and_a_tick_for_a_letter(senco, pupil):
    parent = a_parent(pupil, "Lettercarer")
    review = planned(pupil)
    page = senco.get(url(review, "review_invite")).content.decode()
    assert f'value="{parent.email}"' in page
    assert "Invitation sent by letter or by hand" in page
    data = invite_data([("parent", "Mr Letter", "")]) | {"invitees-0-by_letter": "on"}
    response = senco.post(url(review, "review_invite"), data, follow=True)
    assert "1 invited: 0 by email (it names the pupil by initials only), 1 by letter" in (
        response.content.decode()
    )
    assert review.invitees.get().invited_on == TODAY


def test_contributions_can_be_asked_for_at_short_notice_from_the_page(senco, pupil):
    review = planned(pupil, meeting_in_days=10)
    senco.post(url(review, "review_invite"), invite_data(ROWS, reason="The LA asked."))
    page = senco.get(url(review, "review_contributions")).content.decode()
    assert "Short notice." in page
    offered = min(days(8), days(5))  # two days before the meeting, or five days from today
    assert f'value="{offered.isoformat()}"' in page
    la = review.invitees.get(kind="la")
    response = senco.post(
        url(review, "review_contributions"),
        {"step": "request", "request-invitees": [la.pk], "request-due_on": offered.isoformat()}
        | version_of(review, "request"),
        follow=True,
    )
    content = response.content.decode()
    assert "Contributions requested." in _messages(content)
    assert "they will arrive after the paperwork should have been circulated" in content
    la.refresh_from_db()
    assert la.contribution_requested_on == TODAY
    review.refresh_from_db()
    assert review.contributions_due_on == offered


def test_recording_the_meeting_on_another_day_moves_its_date(senco, pupil):
    review = planned(pupil, meeting_in_days=-1)
    dated, held_on = review.meeting_on, days(-3)
    data = record_data(review, held_on=held_on.isoformat())
    response = senco.post(url(review, "review_record"), data, follow=True)
    content = response.content.decode()
    assert (
        f"The meeting was dated {dated:%-d %B %Y} and held on {held_on:%-d %B %Y}: its date is "
        f"now {held_on:%-d %B}" in _messages(content)
    )
    assert f"Meeting {held_on:%A %-d %B %Y}" in content
    review.refresh_from_db()
    assert review.meeting_on == review.held_on == held_on


def test_after_a_move_the_review_page_asks_for_the_invitations_again(senco, pupil):
    review = planned(pupil)
    senco.post(url(review, "review_invite"), invite_data(ROWS))
    review.refresh_from_db()
    move = {"meeting_on": days(40).isoformat(), "meeting_time": "10:00", "version": review.version}
    response = senco.post(url(review, "review_change"), move, follow=True)
    content = response.content.decode()
    assert "Send the invitations again" in _messages(content)
    assert "<strong>Next:</strong> Send the invitations again" in content
    assert f'href="{url(review, "review_invite")}">Send the invitations again</a>' in content
    assert "Meeting dated." in content and "Invitations sent." not in content
    assert f"{TODAY:%-d %B %Y}, before the meeting moved: not yet to the new date" in content
    assert "Reason given" not in content
    page = senco.get(url(review, "review_invite")).content.decode()
    assert "The meeting moved" in page and "before the meeting moved: invited again" in page


def test_late_steps_are_not_in_the_green_banner(senco, pupil):
    review = planned(pupil, meeting_in_days=10)
    response = senco.post(
        url(review, "review_paperwork"),
        {"paperwork-sent_on": TODAY} | version_of(review, "paperwork"),
        follow=True,
    )
    content = response.content.decode()
    banner = _messages(content)
    assert "The paperwork is marked circulated." in banner
    assert "less than two weeks before the meeting" not in banner
    assert "less than two weeks before the meeting" in content  # in its own box


def test_the_panel_says_when_and_where_the_meeting_is_in_a_sentence(client_for):
    child = targets.parents_child()
    review = planned(child)
    address = reverse("pupils:ehcp:plan", kwargs={"public_id": child.public_id})
    meeting = f"The annual review meeting is on <strong>{review.meeting_on:%A %-d %B %Y}</strong>"
    where = " at 15:30, The SENCO&#x27;s office."
    page = client_for("parent").get(address).content.decode()
    assert meeting + where in page
    page = client_for("senco").get(address).content.decode()
    assert "An annual review is under way. " + meeting + where in page


def test_the_record_offers_three_blank_amendments_and_up_to_twelve(senco, pupil):
    review = planned(pupil, meeting_in_days=-1)
    page = senco.get(url(review, "review_record")).content.decode()
    assert 'name="amendments-TOTAL_FORMS" value="3"' in page
    assert 'href="?rows=all"' in page
    page = senco.get(url(review, "review_record") + "?rows=all").content.decode()
    assert 'name="amendments-TOTAL_FORMS" value="12"' in page
    assert 'href="?rows=all"' not in page
    options = re.findall(r"<option[^>]*>([^<]*)</option>", page)
    assert "H1: Social care (CSDPA)" in options
    assert max(len(o) for o in options) <= len("F: Special educational provision")
    assert "Social care provision under the Chronically Sick and Disabled Persons Act" in page
    data = record_data(review) | {"amendments-TOTAL_FORMS": "12"}
    for n in range(12):
        data |= {f"amendments-{n}-section": "F", f"amendments-{n}-text": f"Change {n}"}
    assert senco.post(url(review, "review_record") + "?rows=all", data).status_code == 302
    assert review.amendments.count() == 12


SHORT_DATE = re.compile(
    r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{1,2} (Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}"
)


def _dates_written_short(page: str) -> list[str]:
    """Dates not written as "4 December 2026"; the date fields' hint ("For example
    20/05/2026") says how to type one, and is left out."""
    return [m.group(0) for m in SHORT_DATE.finditer(page.replace("20/05/2026", ""))]


def test_the_review_pages_write_dates_one_way(senco, pupil):
    review = reported(pupil)
    for name in ("review", "review_decision"):
        assert _dates_written_short(senco.get(url(review, name)).content.decode()) == [], name
    review = planned(pupil, meeting_in_days=-1)
    for name in ("review", "review_invite", "review_contributions", "review_record"):
        assert _dates_written_short(senco.get(url(review, name)).content.decode()) == [], name


def test_the_report_is_sent_to_the_la_and_everyone_invited(senco, pupil):
    review = held(pupil)
    page = senco.get(url(review)).content.decode()
    assert "Report sent to the LA and everyone invited on" in page
    assert "Mark the report sent to the LA and everyone invited" in page
