"""Annual reviews, service by service: an annual review runs from invitation to the LA's
decision; its dates are the regulations'; every bad input is refused with a clear message and
changes nothing; invitations by email carry the pupil's initials only; each step is audited.

The services take `today`, so a whole review is walked through on fixed dates around a meeting
on 20 May 2026."""

import datetime as dt
import inspect
import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from senco.audit.models import AuditEntry
from senco.ehcp import deadlines
from senco.ehcp.models import AnnualReview, EHCPlan, OutcomeProgress, ReviewInvitee
from senco.ehcp.services import reviews
from senco.pupils.models import Pupil
from tests import targets
from tests.ehcp import helpers
from tests.ehcp.review_matrix import a_parent, record_for

pytestmark = pytest.mark.django_db

MEETING = dt.date(2026, 5, 20)
ISSUED = dt.date(2025, 6, 1)
DATED_ON = dt.date(2026, 4, 1)
INVITED_ON = dt.date(2026, 5, 1)
Status = AnnualReview.Status


def on(day: int, month: int = 5) -> dt.date:
    return dt.date(2026, month, day)


@pytest.fixture
def pupil() -> Pupil:
    return targets.taught_pupil()


@pytest.fixture
def plan(pupil) -> EHCPlan:
    """The pupil's plan, issued on 1 June 2025, never reviewed."""
    found = helpers.ehc_plan_for(pupil)
    found.reviews.all().delete()
    EHCPlan.objects.filter(pk=found.pk).update(
        issued_on=ISSUED, last_reviewed_on=None, transferred_in_on=None, phase_transfer_year=None
    )
    found.refresh_from_db()
    return found


@pytest.fixture
def senco(pupil):
    return helpers.senco(pupil)


def arrangements(day: dt.date = MEETING, **fields) -> reviews.Arrangements:
    fields.setdefault("meeting_time", dt.time(15, 30))
    fields.setdefault("place", "Room 4")
    return reviews.Arrangements(day, **fields)


def dated(plan, senco, day: dt.date = MEETING, today: dt.date = DATED_ON) -> AnnualReview:
    return reviews.date_review(plan, by=senco, arrangements=arrangements(day), today=today)


INVITEES = [
    # No email address: the invitation went by letter.
    reviews.Invitee(ReviewInvitee.Kind.PARENT, "Mrs Parent", by_letter=True),
    reviews.Invitee(ReviewInvitee.Kind.LA, "A. Caseworker", "caseworker@la.example.org"),
    reviews.Invitee(ReviewInvitee.Kind.HEALTH, "Speech therapist", "slt@nhs.example.org"),
]


def invited(review, senco, today: dt.date = INVITED_ON, reason: str = "") -> AnnualReview:
    return reviews.send_invitations(
        review,
        by=senco,
        expected_version=review.version,
        invitees=INVITEES,
        short_notice_reason=reason,
        today=today,
    ).review


def ask(review, senco, invitees, due_on: dt.date, today: dt.date) -> AnnualReview:
    """Ask for contributions, from the review as it stands."""
    return reviews.request_contributions(
        review, by=senco, invitees=invitees, due_on=due_on, expected_version=review.version,
        today=today,
    )  # fmt: skip


def came_in(review, senco, invitee, received_on: dt.date, today: dt.date) -> AnnualReview:
    """A contribution received, from the review as it stands."""
    return reviews.record_contribution(
        review, by=senco, invitee=invitee, received_on=received_on,
        expected_version=review.version, today=today,
    )  # fmt: skip


def record(review, senco, *, version: int | None = None, **fields) -> AnnualReview:
    """Record the meeting of 20 May 2026, the day after."""
    return reviews.record_meeting(
        review,
        by=senco,
        record=record_for(review, **fields),
        expected_version=review.version if version is None else version,
        today=on(21),
    )


def actions(review: AnnualReview) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="ehcp.AnnualReview", object_id=review.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )


def refused(call, field: str, words: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    messages = caught.value.message_dict.get(field, [])
    assert any(words in m for m in messages), caught.value.message_dict
    return caught.value


# The dates.


def test_the_dates_of_a_meeting_on_20_may_2026_are_the_regulations():
    dates = deadlines.review_dates(MEETING)
    assert dates["invitations_by"] == on(6)
    assert dates["paperwork_by"] == on(6)
    assert dates["school_report_by"] == on(3, 6)
    assert dates["la_decision_by"] == on(17, 6)


def test_a_review_dated_on_20_may_2026_shows_those_dates_beside_its_steps(plan, senco):
    review = dated(plan, senco)
    due = {s.name: s.due for s in reviews.steps(review, on(1, 4), [])}
    assert due["invitations"] == on(6)
    assert due["paperwork"] == on(6)
    assert due["contributions"] <= on(6)
    assert due["report"] == on(3, 6)
    assert due["decision"] == on(17, 6)
    assert review.due_by == dt.date(2026, 6, 1)  # 12 months from the plan's issue


def test_the_steps_say_met_due_soon_and_overdue(plan, senco):
    review = invited(dated(plan, senco), senco, today=on(1))
    states = {s.name: s.state for s in reviews.steps(review, on(10), review.invitees.all())}
    assert states["invitations"] == reviews.MET
    assert states["paperwork"] == deadlines.OVERDUE
    assert states["meeting"] == deadlines.DUE_SOON
    assert states["report"] == deadlines.LATER


def test_the_review_is_due_12_months_from_the_plan_then_from_the_last_review(plan, pupil):
    assert reviews.review_due(plan) == dt.date(2026, 6, 1)
    plan.last_reviewed_on = dt.date(2026, 5, 20)
    assert reviews.review_due(plan) == dt.date(2027, 5, 20)


def test_a_plan_from_another_la_is_reviewed_by_the_later_of_12_and_3_months(plan):
    plan.last_reviewed_on = dt.date(2025, 9, 1)
    plan.transferred_in_on = dt.date(2026, 7, 1)
    assert reviews.review_due(plan) == dt.date(2026, 10, 1)


# The whole review.


def test_an_annual_review_runs_from_invitation_to_the_las_decision(
    plan, senco, pupil, django_capture_on_commit_callbacks
):
    review = dated(plan, senco)
    assert review.status == Status.PLANNED and review.due_by == dt.date(2026, 6, 1)

    with django_capture_on_commit_callbacks(execute=True):
        done = reviews.send_invitations(
            review, by=senco, expected_version=review.version, invitees=INVITEES, today=on(1)
        )
    review = done.review
    assert (done.invited, done.emailed, done.by_letter) == (3, 2, 1)
    assert done.not_invited == []
    assert review.status == Status.INVITED and review.invitations_sent_on == on(1)
    assert set(review.invitees.values_list("invited_on", flat=True)) == {on(1)}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "caseworker@la.example.org",
        "slt@nhs.example.org",
    ]

    asked = list(review.invitees.exclude(kind=ReviewInvitee.Kind.PARENT))
    review = ask(review, senco, asked, on(4), on(1))
    assert review.contributions_due_on == on(4)
    health = review.invitees.get(kind=ReviewInvitee.Kind.HEALTH)
    review = came_in(review, senco, health, on(4), on(5))
    review = reviews.circulate_paperwork(
        review, by=senco, expected_version=review.version, sent_on=on(6), today=on(6)
    )
    assert review.status == Status.PAPERWORK

    amend = reviews.Amendment("F", "Add a social communication group, twice a week.")
    record = record_for(
        review,
        held_on=MEETING,
        attended=list(review.invitees.values_list("pk", flat=True)[:2]),
        pupil_view="I like reading with Miss T.",
        parent_view="Reading is better at home.",
        recommendation=AnnualReview.Decision.AMEND,
        amendments=[amend],
    )
    review = reviews.record_meeting(
        review, by=senco, record=record, expected_version=review.version, today=on(21)
    )
    assert review.status == Status.HELD and review.held_on == MEETING
    plan.refresh_from_db()
    assert plan.last_reviewed_on == MEETING
    assert reviews.review_due(plan) == dt.date(2027, 5, 20)
    assert review.progress.count() == len(reviews.outcomes_of(plan))
    assert list(review.amendments.values_list("section", flat=True)) == ["F"]
    assert review.invitees.filter(attended=True).count() == 2

    review = reviews.send_report(
        review, by=senco, expected_version=review.version, sent_on=on(28), today=on(28)
    )
    assert review.status == Status.REPORTED
    assert reviews.next_step(review, on(28)) == ("The LA's decision", on(17, 6), "later")

    decided = reviews.LADecision(AnnualReview.Decision.AMEND, on(10, 6), on(12, 6))
    review = reviews.record_la_decision(
        review, by=senco, expected_version=review.version, decided=decided, today=on(15, 6)
    )
    assert review.status == Status.DONE and not review.is_open
    assert reviews.amendment_dates(review) == {
        "comments_by": on(27, 6),
        "final_by": on(7, 8),
        "final_by_case_law": on(12, 8),
    }
    assert reviews.next_step(review, on(15, 6))[:2] == ("The final amended plan", on(7, 8))
    decided = reviews.LADecision(AnnualReview.Decision.AMEND, on(10, 6), on(12, 6), on(30, 7))
    review = reviews.record_la_decision(
        review, by=senco, expected_version=review.version, decided=decided, today=on(31, 7)
    )
    assert reviews.next_step(review, on(31, 7)) == ("Review done", None, "done")
    assert reviews.warnings(review) == {}

    assert actions(review) == [
        "ehcp.review_dated",
        "ehcp.invitations_sent",
        "ehcp.contributions_requested",
        "ehcp.contribution_received",
        "ehcp.paperwork_circulated",
        "ehcp.review_recorded",
        "ehcp.report_sent",
        "ehcp.la_decision_recorded",
        "ehcp.la_decision_recorded",
    ]
    entries = AuditEntry.objects.filter(object_type="ehcp.AnnualReview", object_id=review.pk)
    assert set(entries.values_list("pupil_id", flat=True)) == {pupil.pk}


def test_the_invitation_email_names_the_pupil_by_initials_only(
    plan, senco, pupil, django_capture_on_commit_callbacks
):
    review = dated(plan, senco)
    with django_capture_on_commit_callbacks(execute=True):
        invited(review, senco)
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert pupil.initials in message.subject
        assert "20 May 2026" in message.body and "15:30" in message.body
        assert "Room 4" in message.body and pupil.school.name in message.body
        for name in {pupil.first_name, pupil.last_name, pupil.legal_first_name,
                     pupil.legal_last_name}:  # fmt: skip
            assert name not in message.subject and name not in message.body
        assert "EHC" not in message.body and len(message.to) == 1


def test_sending_again_invites_only_those_added_and_a_move_invites_everyone_again(
    plan, senco, django_capture_on_commit_callbacks
):
    review = invited(dated(plan, senco), senco, today=on(1))
    rows = [reviews.Invitee(i.kind, i.name, i.email, i.pk) for i in review.invitees.all()] + [
        reviews.Invitee(ReviewInvitee.Kind.STAFF, "Class teacher", "ct@school.example.org")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        done = reviews.send_invitations(
            review, by=senco, expected_version=review.version, invitees=rows, today=on(2)
        )
    assert (done.invited, done.emailed) == (1, 1)
    assert mail.outbox[-1].to == ["ct@school.example.org"]

    moved = reviews.move_review(
        done.review,
        by=senco,
        expected_version=done.review.version,
        arrangements=arrangements(on(27)),
        today=on(3),
    )
    assert moved.meeting_on == on(27)
    assert actions(moved)[-1] == "ehcp.review_changed"
    rows = [reviews.Invitee(i.kind, i.name, i.email, i.pk) for i in moved.invitees.all()]
    with django_capture_on_commit_callbacks(execute=True):
        again = reviews.send_invitations(
            moved, by=senco, expected_version=moved.version, invitees=rows, today=on(4)
        )
    # Everyone with an email address again; the parent (a letter last time) is not invited
    # to the new date until their letter goes.
    assert (again.invited, again.emailed, again.not_invited) == (
        3,
        3,
        ["Mrs Parent (Parent or carer)"],
    )
    assert sorted(m.to[0] for m in mail.outbox[-3:]) == [
        "caseworker@la.example.org", "ct@school.example.org", "slt@nhs.example.org",
    ]  # fmt: skip
    assert again.review.invitees.get(kind=ReviewInvitee.Kind.PARENT).invited_on is None
    assert again.review.status == Status.INVITED and again.review.invitations_sent_on == on(4)


def test_a_move_clears_the_invitations_step_so_they_go_again(plan, senco):
    reason = "The caseworker could only come that week."
    review = invited(dated(plan, senco), senco, today=on(10), reason=reason)
    assert reviews.warnings(review, on(10))["invitations"]
    moved = reviews.move_review(
        review, by=senco, expected_version=review.version, arrangements=arrangements(on(30, 6)),
        today=on(11),
    )  # fmt: skip
    assert moved.status == Status.PLANNED and moved.invitations_sent_on is None
    assert moved.short_notice_reason == ""
    listed = list(moved.invitees.all())
    # Each keeps the day they were invited: who was invited stays known.
    assert {i.invited_on for i in listed} == {on(10)}
    assert reviews.next_step(moved, on(11), listed)[0] == "Send the invitations again"
    assert reviews.next_step(moved, on(11))[0] == "Send the invitations"
    states = {s.name: s.state_label for s in reviews.steps(moved, on(11), listed)}
    assert states["invitations"] == "To do"
    assert "invitations" not in reviews.warnings(moved, on(11))
    changes = last_entry(moved, "ehcp.review_changed")
    assert changes["before"]["status"] == "invited" and changes["after"]["status"] == "planned"
    assert changes["before"]["invitations_sent_on"] == "2026-05-10"
    assert changes["before"]["short_notice_reason"] == reason
    assert changes["after"]["invitations_sent_on"] is None
    # Sent again with short notice: the reason is asked for again.
    rows = [reviews.Invitee(i.kind, i.name, i.email, i.pk) for i in listed]
    refused(
        lambda: send(moved, senco, rows, today=on(20, 6)),
        "short_notice_reason",
        "Less than two weeks' notice",
    )
    sent = send(moved, senco, rows, today=on(1, 6)).review
    assert sent.status == Status.INVITED and sent.invitations_sent_on == on(1, 6)
    assert reviews.next_step(sent, on(1, 6))[0] == "Circulate the paperwork"


def test_moving_the_meeting_after_the_paperwork_keeps_the_paperwork_step(plan, senco):
    review = invited(dated(plan, senco), senco, today=on(1))
    review = reviews.circulate_paperwork(
        review, by=senco, expected_version=review.version, sent_on=on(5), today=on(5)
    )
    moved = reviews.move_review(
        review, by=senco, expected_version=review.version, arrangements=arrangements(on(27)),
        today=on(6),
    )  # fmt: skip
    assert moved.status == Status.PLANNED and moved.paperwork_sent_on == on(5)
    rows = [reviews.Invitee(i.kind, i.name, i.email, i.pk, by_letter=True)
            for i in moved.invitees.all()]  # fmt: skip
    assert send(moved, senco, rows, today=on(7)).review.status == Status.PAPERWORK


def test_changing_only_the_phase_transfer_tick_keeps_the_invitations(plan, senco):
    review = invited(dated(plan, senco), senco, today=on(1))
    changed = reviews.move_review(
        review, by=senco, expected_version=review.version,
        arrangements=arrangements(is_phase_transfer=True), today=on(2),
    )  # fmt: skip
    assert changed.status == Status.INVITED and changed.invitations_sent_on == on(1)


# Bad input: refused with a clear message, and nothing changed.


def test_a_review_dated_before_the_plan_is_refused(plan, senco):
    refused(
        lambda: dated(plan, senco, day=dt.date(2025, 5, 1)),
        "meeting_on",
        "A review dated before the plan: the meeting on 1 May 2025 is before the plan was issued "
        "on 1 June 2025",
    )
    assert not plan.reviews.exists()


def test_a_second_open_review_and_a_meeting_more_than_a_year_ahead_are_refused(plan, senco):
    review = dated(plan, senco)
    refused(lambda: dated(plan, senco, day=on(21)), "__all__", "already has an open annual review")
    assert list(plan.reviews.all()) == [review]
    review.delete()
    refused(
        lambda: dated(plan, senco, day=dt.date(2027, 4, 2), today=on(1, 4)),
        "meeting_on",
        "more than a year ahead",
    )
    assert not plan.reviews.exists()


def test_a_meeting_after_the_due_date_is_allowed_with_the_warning_kept(plan, senco):
    review = dated(plan, senco, day=on(15, 6))
    warning = reviews.warnings(review, today=DATED_ON)["meeting"]
    assert "after the review is due (1 June 2026): the LA's deadline will be missed" in warning
    warning = reviews.warnings(review, today=on(2, 6))["meeting"]
    assert "after the review is due (1 June 2026): the LA's deadline has passed" in warning
    entry = AuditEntry.objects.get(action="ehcp.review_dated", object_id=review.pk)
    assert entry.changes["after"]["late"] is True


def test_a_short_notice_invitation_without_a_reason_is_refused_and_nothing_changes(
    plan, senco, django_capture_on_commit_callbacks
):
    review = dated(plan, senco)
    with django_capture_on_commit_callbacks(execute=True):
        refused(
            lambda: invited(review, senco, today=on(10)),
            "short_notice_reason",
            "Less than two weeks' notice: invitations were due by 6 May 2026",
        )
    review.refresh_from_db()
    assert review.status == Status.PLANNED and review.invitations_sent_on is None
    assert not review.invitees.exists() and mail.outbox == []
    assert actions(review) == ["ehcp.review_dated"]


def test_a_short_notice_invitation_with_a_reason_is_sent_and_the_warning_kept(plan, senco):
    review = dated(plan, senco)
    reason = "The LA caseworker could only come this week; parents agreed."
    review = invited(review, senco, today=on(10), reason=reason)
    assert review.status == Status.INVITED and review.short_notice_reason == reason
    warning = reviews.warnings(review)["invitations"]
    assert "less than two weeks' notice" in warning and reason in warning
    entry = AuditEntry.objects.get(action="ehcp.invitations_sent", object_id=review.pk)
    assert entry.changes["after"]["short_notice"] is True


def test_invitations_for_a_meeting_that_has_passed_are_refused(plan, senco):
    review = dated(plan, senco)
    refused(lambda: invited(review, senco, today=on(21), reason="x"), "__all__", "has passed")


def test_an_invitee_without_a_name_or_with_a_bad_email_is_refused(plan, senco):
    review = dated(plan, senco)
    rows = [
        reviews.Invitee(ReviewInvitee.Kind.LA, "  "),
        reviews.Invitee("friend", "Someone", "not-an-address"),
    ]
    error = refused(
        lambda: reviews.send_invitations(
            review, by=senco, expected_version=review.version, invitees=rows, today=on(1)
        ),
        "invitees",
        "Row 1: give a name or a role.",
    )
    assert "Row 2: choose who they are (parent, pupil, LA...)." in error.message_dict["invitees"]
    assert any("is not an email address" in m for m in error.message_dict["invitees"])
    assert not review.invitees.exists()


def test_contributions_due_after_the_paperwork_date_are_refused(plan, senco):
    review = invited(dated(plan, senco), senco)
    asked = list(review.invitees.all())
    refused(
        lambda: ask(review, senco, asked, on(7), on(1)),
        "due_on",
        "Contributions due on 7 May 2026 come after the paperwork must be circulated (6 May 2026",
    )
    review.refresh_from_db()
    assert review.contributions_due_on is None
    assert not review.invitees.filter(contribution_requested_on__isnull=False).exists()


def test_contributions_from_another_reviews_list_are_refused(plan, senco):
    review = invited(dated(plan, senco), senco)
    other = helpers.review_for(helpers.ehc_plan_for(targets.parents_child()))
    stranger = ReviewInvitee.objects.create(review=other, kind="la", name="Another LA")
    refused(
        lambda: ask(review, senco, [stranger], on(4), on(1)),
        "invitees",
        "Choose people on this review's list.",
    )


def test_a_record_missing_an_outcomes_progress_is_refused_and_nothing_changes(plan, senco):
    review = invited(dated(plan, senco), senco)
    outcomes = reviews.outcomes_of(plan)
    progress = [reviews.Progress(o.pk, "good", "Seen in class") for o in outcomes[1:]]
    refused(
        lambda: record(review, senco, progress=progress),
        f"progress_{outcomes[0].pk}",
        f"Outcome {outcomes[0].position}: choose the progress made.",
    )
    review.refresh_from_db()
    assert review.status == Status.INVITED and review.held_on is None
    assert not OutcomeProgress.objects.filter(review=review).exists()
    plan.refresh_from_db()
    assert plan.last_reviewed_on is None


def test_an_outcome_without_evidence_or_off_the_scale_is_refused(plan, senco):
    review = dated(plan, senco)
    first, *rest = reviews.outcomes_of(plan)
    progress = [reviews.Progress(first.pk, "brilliant", "")] + [
        reviews.Progress(o.pk, "good", "Seen") for o in rest
    ]
    error = refused(
        lambda: record(review, senco, progress=progress),
        f"evidence_{first.pk}",
        "give the evidence of progress",
    )
    assert f"progress_{first.pk}" in error.message_dict


def in_year(review: AnnualReview, year_group: int) -> AnnualReview:
    Pupil.objects.filter(pk=review.plan.pupil_id).update(year_group=year_group)
    review.plan.pupil.refresh_from_db()
    return review


def test_preparing_for_adulthood_is_required_from_year_9_only(plan, senco):
    review = in_year(dated(plan, senco), 9)
    assert reviews.takes_adulthood(review.plan.pupil)
    refused(
        lambda: record(review, senco, preparing_for_adulthood=""),
        "preparing_for_adulthood",
        "Say how the plan prepares for adulthood (from Year 9).",
    )
    review = in_year(review, 8)
    recorded = record(review, senco, preparing_for_adulthood="")
    assert recorded.status == Status.HELD and not reviews.takes_adulthood(review.plan.pupil)


def test_amending_without_saying_which_section_is_refused(plan, senco):
    review = dated(plan, senco)
    refused(
        lambda: record(review, senco, recommendation=AnnualReview.Decision.AMEND, amendments=[]),
        "amendments",
        "say which sections should change",
    )
    refused(
        lambda: record(review, senco, amendments=[reviews.Amendment("Z", "Change it")]),
        "amendments",
        "Amendment 1: choose the section it changes (A to K).",
    )


def test_a_meeting_recorded_before_the_plan_or_in_the_future_is_refused(plan, senco):
    review = dated(plan, senco)
    for day, words in ((dt.date(2025, 5, 1), "A review dated before the plan"),
                       (on(22), "is still to come")):  # fmt: skip
        refused(
            lambda day=day: record(review, senco, held_on=day),
            "held_on",
            words,
        )
    review.refresh_from_db()
    assert review.held_on is None


def test_a_stale_record_is_refused(plan, senco):
    review = dated(plan, senco)
    stale = review.version
    record(review, senco, version=stale)
    refused(
        lambda: record(review, senco, version=stale, agreed="Something else"),
        "__all__",
        "Someone else changed this review after you opened the page",
    )
    review.refresh_from_db()
    assert review.agreed == "Keep the reading programme daily."


def test_a_report_before_the_meeting_is_refused(plan, senco):
    review = invited(dated(plan, senco), senco)
    refused(
        lambda: reviews.send_report(
            review, by=senco, expected_version=review.version, sent_on=on(21), today=on(21)
        ),
        "__all__",
        "This review cannot send its report: the meeting has not been recorded yet",
    )
    review = record(review, senco)
    refused(
        lambda: reviews.send_report(
            review, by=senco, expected_version=review.version, sent_on=on(19), today=on(21)
        ),
        "sent_on",
        "19 May 2026 is before the meeting, held on 20 May 2026",
    )
    review.refresh_from_db()
    assert review.status == Status.HELD and review.report_sent_on is None


def test_a_late_report_is_allowed_with_a_warning(plan, senco):
    review = dated(plan, senco)
    review = record(review, senco)
    review = reviews.send_report(
        review, by=senco, expected_version=review.version, sent_on=on(5, 6), today=on(5, 6)
    )
    assert "more than two weeks after the meeting" in reviews.warnings(review)["report"]


def test_a_decision_before_the_report_is_refused(plan, senco):
    review = dated(plan, senco)
    decided = reviews.LADecision(AnnualReview.Decision.KEEP, on(1, 6))
    refused(
        lambda: reviews.record_la_decision(
            review, by=senco, expected_version=review.version, decided=decided, today=on(2, 6)
        ),
        "__all__",
        "its report has not gone to the LA yet: send the report first",
    )
    review.refresh_from_db()
    assert review.la_decision == "" and review.status == Status.PLANNED


def test_amendment_dates_without_a_decision_to_amend_are_refused(plan, senco):
    review = dated(plan, senco)
    review = record(review, senco)
    review = reviews.send_report(
        review, by=senco, expected_version=review.version, sent_on=on(22), today=on(22)
    )
    decided = reviews.LADecision(AnnualReview.Decision.KEEP, on(1, 6), on(2, 6))
    refused(
        lambda: reviews.record_la_decision(
            review, by=senco, expected_version=review.version, decided=decided, today=on(3, 6)
        ),
        "amendment_proposed_on",
        "Amendment dates go with a decision to amend the plan",
    )
    decided = reviews.LADecision(AnnualReview.Decision.AMEND, on(19))
    refused(
        lambda: reviews.record_la_decision(
            review, by=senco, expected_version=review.version, decided=decided, today=on(3, 6)
        ),
        "la_decided_on",
        "19 May 2026 is before the meeting, held on 20 May 2026.",
    )
    review.refresh_from_db()
    assert review.status == Status.REPORTED


def test_over_long_text_and_a_null_character_are_refused(plan, senco):
    long_place = arrangements(place="x" * 201)
    refused(
        lambda: reviews.date_review(plan, by=senco, arrangements=long_place, today=on(1, 4)),
        "place",
        "Where is 201 characters long: shorten it to 200.",
    )
    review = dated(plan, senco)
    error = refused(
        lambda: record(review, senco, agreed="x" * 5001, pupil_view="Likes\x00reading"),
        "agreed",
        "What was agreed is 5,001 characters long: shorten it to 5,000.",
    )
    assert "Remove the null character from the pupil's view." in error.message_dict["pupil_view"]
    rows = [reviews.Invitee(ReviewInvitee.Kind.LA, "x" * 201)]
    refused(
        lambda: reviews.send_invitations(
            review, by=senco, expected_version=review.version, invitees=rows, today=on(1)
        ),
        "invitees",
        "Row 1's name is 201 characters long",
    )
    review.refresh_from_db()
    assert review.held_on is None and not review.invitees.exists()


def test_steps_on_a_review_past_them_are_refused(plan, senco):
    review = dated(plan, senco)
    review = record(review, senco)
    for call, words in (
        (lambda: reviews.move_review(review, by=senco, arrangements=arrangements(on(27)),
                                     expected_version=review.version, today=on(21)),
         "cannot be moved: the meeting was held"),
        (lambda: reviews.circulate_paperwork(review, by=senco, sent_on=on(19),
                                             expected_version=review.version, today=on(21)),
         "cannot circulate paperwork"),
        (lambda: invited(review, senco, today=on(1)), "cannot send invitations"),
    ):  # fmt: skip
        refused(call, "__all__", words)


def test_paperwork_after_the_paperwork_date_is_allowed_with_a_warning(plan, senco):
    review = invited(dated(plan, senco), senco)
    review = reviews.circulate_paperwork(
        review, by=senco, expected_version=review.version, sent_on=on(12), today=on(12)
    )
    assert "less than two weeks before the meeting" in reviews.warnings(review)["paperwork"]
    refused(
        lambda: reviews.circulate_paperwork(
            review, by=senco, expected_version=review.version, sent_on=on(13), today=on(12)
        ),
        "sent_on",
        "13 May 2026 is still to come",
    )


def test_a_phase_transfer_review_too_close_to_15_february_is_warned(plan, senco):
    plan.phase_transfer_year = 2027
    plan.save(update_fields=["phase_transfer_year"])
    late = reviews.date_review(
        plan, by=senco, arrangements=arrangements(dt.date(2027, 1, 20), is_phase_transfer=True),
        today=dt.date(2026, 11, 1),
    )  # fmt: skip
    assert "15 February 2027" in reviews.warnings(late)["meeting"]
    assert reviews.names_next_school(plan, dt.date(2026, 11, 1))
    assert reviews.phase_transfer_warning(plan, dt.date(2026, 11, 20), True) is None


def test_steps_not_done_before_the_meeting_show_as_not_done_once_it_is_held(plan, senco):
    review = dated(plan, senco)
    review = record(review, senco)
    states = {s.name: s.state_label for s in reviews.steps(review, on(21), [])}
    assert states["invitations"] == states["paperwork"] == "Not done"
    assert states["meeting"] == "Done on time" and states["report"] == "Due soon"


def test_clearing_a_row_takes_someone_invited_off_the_list_unless_their_advice_came_in(plan, senco):
    review = invited(dated(plan, senco), senco)
    health = review.invitees.get(kind=ReviewInvitee.Kind.HEALTH)
    review = came_in(review, senco, health, on(3), on(3))
    parent = review.invitees.get(kind=ReviewInvitee.Kind.PARENT)
    keep = [reviews.Invitee(parent.kind, parent.name, id=parent.pk)]
    refused(
        lambda: reviews.send_invitations(
            review, by=senco, expected_version=review.version, invitees=keep, today=on(3)
        ),
        "invitees",
        "Speech therapist's contribution came in: they stay on the list.",
    )
    assert review.invitees.count() == 3
    keep.append(reviews.Invitee(health.kind, health.name, health.email, id=health.pk))
    done = reviews.send_invitations(
        review, by=senco, expected_version=review.version, invitees=keep, today=on(3)
    )
    assert done.invited == 0
    assert set(done.review.invitees.filter(removed_on__isnull=True)) == {parent, health}
    caseworker = review.invitees.get(kind=ReviewInvitee.Kind.LA)
    assert (caseworker.invited_on, caseworker.removed_on) == (INVITED_ON, on(3))


# Who is invited: a parent from the pupil's contacts shows only to those who may see them.


def send(review, senco, rows, today: dt.date = INVITED_ON) -> reviews.Invited:
    return reviews.send_invitations(
        review, by=senco, invitees=rows, expected_version=review.version, today=today
    )


def from_contact(parent) -> reviews.Invitee:
    return reviews.Invitee(ReviewInvitee.Kind.PARENT, str(parent), parent.email, contact=parent.pk)


def test_a_parent_offered_from_the_contacts_is_invited_with_their_contact(plan, senco, pupil):
    parent = a_parent(pupil, "Offeredcarer")
    offered = [i for i in reviews.suggested_invitees(senco, plan) if i.contact == parent.pk]
    assert [i.name for i in offered] == [str(parent)]
    review = send(dated(plan, senco), senco, offered).review
    invitee = review.invitees.get()
    assert (invitee.contact, invitee.name) == (parent, str(parent))


def test_a_parent_confidential_to_the_senco_shows_to_the_head_as_a_parent_or_carer(
    plan, senco, pupil, persona
):
    parent = a_parent(pupil, "Refugecarer", confidential_to="senco")
    caseworker = reviews.Invitee(ReviewInvitee.Kind.LA, "A. Caseworker", "cw@la.example.org")
    review = send(dated(plan, senco), senco, [from_contact(parent), caseworker]).review
    as_senco = {(s.name, s.email) for s in reviews.invitees_as_seen_by(senco, review)}
    assert (str(parent), parent.email) in as_senco
    as_head = reviews.invitees_as_seen_by(persona("head"), review)
    assert {(s.name, s.email, s.label) for s in as_head} == {
        ("A parent or carer", "", "A parent or carer"),
        ("A. Caseworker", "cw@la.example.org", "A. Caseworker (Local authority)"),
    }


def test_a_contact_the_user_may_not_see_cannot_be_attached_to_an_invitee(plan, senco, pupil):
    hidden = a_parent(pupil, "Headonlycarer", confidential_to="head")
    elsewhere = a_parent(targets.parents_child(), "Othercarer")
    review = dated(plan, senco)
    for contact in (hidden, elsewhere):
        refused(
            lambda contact=contact: send(review, senco, [from_contact(contact)]),
            "invitees",
            "Row 1: the parent or carer chosen is not one of this pupil's contacts you may see",
        )
    assert not review.invitees.exists()


def test_a_contact_is_invited_as_a_parent_or_carer(plan, senco, pupil):
    parent = a_parent(pupil, "Kindcarer")
    row = reviews.Invitee(ReviewInvitee.Kind.HEALTH, "Dr Kind", contact=parent.pk)
    review = dated(plan, senco)
    refused(lambda: send(review, senco, [row]), "invitees", "choose “Parent or carer”")
    assert not review.invitees.exists()


def test_a_parent_hidden_from_the_senco_stays_as_they_are_when_the_senco_saves_the_list(
    plan, senco, pupil
):
    hidden = a_parent(pupil, "Headonlycarer", confidential_to="head")
    review = dated(plan, senco)
    theirs = review.invitees.create(
        kind=ReviewInvitee.Kind.PARENT, contact=hidden, name=str(hidden), email=hidden.email
    )
    (seen,) = reviews.invitees_as_seen_by(senco, review)
    assert (seen.name, seen.email, seen.hidden) == ("A parent or carer", "", True)
    masked = reviews.Invitee(ReviewInvitee.Kind.PARENT, "A parent or carer", id=theirs.pk)
    done = send(review, senco, [masked, INVITEES[1]])
    assert (done.invited, done.emailed, done.not_invited) == (2, 2, [])
    theirs.refresh_from_db()
    assert (theirs.name, theirs.email, theirs.invited_on) == (str(hidden), hidden.email, INVITED_ON)
    send(done.review, senco, [INVITEES[2]], today=on(2))  # the row left out
    theirs.refresh_from_db()
    assert theirs.removed_on is None


# Taking someone off the list: kept once invited, and the audit names who changed.


def last_entry(review: AnnualReview, action: str) -> dict:
    return AuditEntry.objects.filter(action=action, object_id=review.pk).latest("pk").changes


def by_id(views: list[dict]) -> dict[int, dict]:
    return {v["id"]: v for v in views}


def test_taking_someone_invited_off_the_list_keeps_them_and_the_audit_names_them(plan, senco):
    review = invited(dated(plan, senco), senco)
    parent, la, health = (review.invitees.get(kind=k) for k in ("parent", "la", "health"))
    rows = [
        reviews.Invitee(parent.kind, parent.name, id=parent.pk),
        reviews.Invitee(la.kind, la.name, "new.caseworker@la.example.org", id=la.pk),
    ]
    review = send(review, senco, rows, today=on(2)).review
    health.refresh_from_db()
    assert (health.invited_on, health.removed_on) == (INVITED_ON, on(2))
    assert {s.invitee for s in reviews.invitees_as_seen_by(senco, review)} == {parent, la}
    assert [s.invitee for s in reviews.invitees_as_seen_by(senco, review, removed=True)] == [health]
    changes = last_entry(review, "ehcp.invitations_sent")
    before, after = by_id(changes["before"]["invitees"]), by_id(changes["after"]["invitees"])
    assert set(before) == set(after) == {la.pk, health.pk}
    assert before[health.pk] | after[health.pk] == {
        "id": health.pk, "kind": "health", "name": "Speech therapist",
        "email": "s***@nhs.example.org", "invited_on": "2026-05-01", "removed_on": "2026-05-02",
        "changed": ["removed_on"],
    }  # fmt: skip
    assert after[la.pk]["changed"] == ["email"] and after[la.pk]["name"] == "A. Caseworker"
    assert after[la.pk]["email"] == "n***@la.example.org"
    text = json.dumps(changes)
    assert "caseworker@la.example.org" not in text and "slt@nhs.example.org" not in text


def test_someone_never_invited_is_deleted_and_the_audit_names_them(plan, senco):
    review = dated(plan, senco)
    never = review.invitees.create(kind=ReviewInvitee.Kind.OTHER, name="Added by mistake")
    review = send(review, senco, [INVITEES[1]]).review
    assert not review.invitees.filter(pk=never.pk).exists()
    changes = last_entry(review, "ehcp.invitations_sent")
    assert by_id(changes["before"]["invitees"])[never.pk]["name"] == "Added by mistake"
    assert by_id(changes["after"]["invitees"])[never.pk] == {"id": never.pk, "deleted": True}
    (added,) = [v for v in changes["after"]["invitees"] if v.get("added")]
    assert (added["name"], added["invited_on"]) == ("A. Caseworker", "2026-05-01")


def test_the_audit_names_a_parent_from_the_contacts_as_a_parent_or_carer(plan, senco, pupil):
    parent = a_parent(pupil, "Refugecarer", confidential_to="senco")
    review = send(dated(plan, senco), senco, [from_contact(parent)]).review
    changes = last_entry(review, "ehcp.invitations_sent")
    (view,) = changes["after"]["invitees"]
    assert (view["name"], view["contact"], view["email"]) == ("a parent or carer", parent.pk, "***")
    assert "Refugecarer" not in json.dumps(changes) and parent.email not in json.dumps(changes)


def test_moving_the_meeting_keeps_who_was_invited_when_in_the_audit(plan, senco):
    review = invited(dated(plan, senco), senco)
    moved = reviews.move_review(
        review, by=senco, arrangements=arrangements(on(27)), expected_version=review.version,
        today=on(3),
    )  # fmt: skip
    changes = last_entry(moved, "ehcp.review_changed")
    assert {(v["name"], v["invited_on"]) for v in changes["before"]["invitees"]} == {
        ("Mrs Parent", "2026-05-01"), ("A. Caseworker", "2026-05-01"),
        ("Speech therapist", "2026-05-01"),
    }  # fmt: skip
    # Taken off the list before the new invitation: still someone who was invited.
    health = moved.invitees.get(kind=ReviewInvitee.Kind.HEALTH)
    send(moved, senco, INVITEES[:2], today=on(4))
    health.refresh_from_db()
    assert (health.invited_on, health.removed_on) == (INVITED_ON, on(4))


def test_someone_taken_off_the_list_cannot_be_asked_for_a_contribution_or_tick_attended(
    plan, senco
):
    review = invited(dated(plan, senco), senco)
    review = send(review, senco, INVITEES[:2], today=on(2)).review
    health = review.invitees.get(kind=ReviewInvitee.Kind.HEALTH)
    refused(
        lambda: ask(review, senco, [health], on(4), on(2)),
        "invitees",
        "Choose people on this review's list.",
    )
    refused(lambda: record(review, senco, attended=[health.pk]), "attended", "Tick only")


# Stale pages: every change names the version of the review it started from.

CHANGES = [
    reviews.move_review, reviews.send_invitations, reviews.request_contributions,
    reviews.record_contribution, reviews.circulate_paperwork, reviews.record_meeting,
    reviews.send_report, reviews.record_la_decision,
]  # fmt: skip


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.__name__)
def test_every_change_to_a_review_names_the_version_it_started_from(change):
    parameter = inspect.signature(change).parameters["expected_version"]
    assert parameter.default is inspect.Parameter.empty


def test_a_stale_move_or_paperwork_date_is_refused_and_nothing_changes(plan, senco):
    review = dated(plan, senco)
    stale = review.version - 1
    stale_message = "Someone else changed this review after you opened the page"
    refused(
        lambda: reviews.move_review(
            review, by=senco, arrangements=arrangements(on(27)), expected_version=stale,
            today=on(3),
        ),
        "__all__",
        stale_message,
    )  # fmt: skip
    refused(
        lambda: reviews.circulate_paperwork(
            review, by=senco, sent_on=on(3), expected_version=stale, today=on(3)
        ),
        "__all__",
        stale_message,
    )
    review.refresh_from_db()
    assert review.meeting_on == MEETING and review.paperwork_sent_on is None


# A parent from the contacts whose contact is deleted: nobody may see their name any more.


def test_a_parent_whose_contact_is_deleted_shows_to_everyone_as_a_parent_or_carer(
    plan, senco, pupil, persona
):
    parent = a_parent(pupil, "Deletedcarer")
    review = send(dated(plan, senco), senco, [from_contact(parent)]).review
    invitee = review.invitees.get()
    assert invitee.from_contacts and invitee.contact == parent
    parent.delete()
    invitee.refresh_from_db()
    assert invitee.contact is None and invitee.name == str(parent)
    for user in (senco, persona("head")):
        (seen,) = reviews.invitees_as_seen_by(user, review)
        assert (seen.name, seen.email, seen.label, seen.hidden) == (
            "A parent or carer", "", "A parent or carer", True,
        )  # fmt: skip
    # Saving the list keeps the row as it is; the audit never names them.
    la = reviews.Invitee(ReviewInvitee.Kind.LA, "A. Caseworker", "cw@la.example.org")
    masked = reviews.Invitee(ReviewInvitee.Kind.PARENT, "A parent or carer", id=invitee.pk)
    send(review, senco, [masked, la], today=on(2))
    invitee.refresh_from_db()
    assert (invitee.name, invitee.removed_on) == (str(parent), None)
    assert "Deletedcarer" not in json.dumps(last_entry(review, "ehcp.invitations_sent"))


def test_a_name_typed_by_hand_is_not_marked_as_from_the_contacts(plan, senco):
    review = invited(dated(plan, senco), senco)
    assert not review.invitees.filter(from_contacts=True).exists()


# Invitations by email, or by letter.


def test_the_parents_are_offered_with_their_email_address(plan, senco, pupil):
    parent = a_parent(pupil, "Emailcarer")
    (offered,) = [i for i in reviews.suggested_invitees(senco, plan) if i.contact == parent.pk]
    assert (offered.name, offered.email) == (str(parent), parent.email)


def test_someone_without_an_email_address_is_not_invited_until_their_letter_goes(
    plan, senco, django_capture_on_commit_callbacks
):
    review = dated(plan, senco)
    rows = [reviews.Invitee(ReviewInvitee.Kind.PARENT, "Mrs Parent"), INVITEES[1]]
    with django_capture_on_commit_callbacks(execute=True):
        done = send(review, senco, rows, today=on(1))
    assert (done.invited, done.emailed, done.by_letter) == (1, 1, 0)
    assert done.not_invited == ["Mrs Parent (Parent or carer)"]
    parent = done.review.invitees.get(kind=ReviewInvitee.Kind.PARENT)
    assert parent.invited_on is None
    rows = [reviews.Invitee(i.kind, i.name, i.email, i.pk, by_letter=i.pk == parent.pk)
            for i in done.review.invitees.all()]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        done = send(done.review, senco, rows, today=on(2))
    assert (done.invited, done.emailed, done.by_letter, done.not_invited) == (1, 0, 1, [])
    parent.refresh_from_db()
    assert parent.invited_on == on(2)
    assert len(mail.outbox) == 1  # the caseworker, the first time only
    after = last_entry(done.review, "ehcp.invitations_sent")["after"]
    assert (after["invited"], after["emailed"], after["by_letter"]) == (1, 0, 1)


def test_a_letter_ticked_for_someone_with_an_email_address_is_not_emailed_too(
    plan, senco, django_capture_on_commit_callbacks
):
    row = reviews.Invitee(ReviewInvitee.Kind.LA, "A. Caseworker", "cw@la.example.org",
                          by_letter=True)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        done = send(dated(plan, senco), senco, [row], today=on(1))
    assert (done.invited, done.emailed, done.by_letter) == (1, 0, 1) and mail.outbox == []


def test_a_list_with_nobody_to_invite_yet_needs_no_reason_and_sends_nothing(plan, senco):
    review = dated(plan, senco)
    done = send(review, senco, [reviews.Invitee(ReviewInvitee.Kind.PARENT, "Mrs Parent")],
                today=on(10))  # fmt: skip
    assert done.invited == 0 and done.review.status == Status.PLANNED
    assert done.review.invitations_sent_on is None


# Contributions at short notice.


def test_contributions_at_short_notice_are_allowed_up_to_the_day_before_the_meeting(plan, senco):
    reason = "The LA asked for this date."
    review = invited(dated(plan, senco), senco, today=on(10), reason=reason)
    asked = list(review.invitees.exclude(kind=ReviewInvitee.Kind.PARENT))
    assert reviews.contributions_at_short_notice(review, on(12))
    assert reviews.latest_contributions_due(review, on(12)) == on(19)
    refused(lambda: ask(review, senco, asked, on(11), on(12)), "due_on", "11 May 2026 has passed")
    refused(
        lambda: ask(review, senco, asked, on(20), on(12)),
        "due_on",
        "Give a date by 19 May 2026, the day before it.",
    )
    review.refresh_from_db()
    assert review.contributions_due_on is None
    review = ask(review, senco, asked, on(12), on(12))  # today itself is allowed
    review = ask(review, senco, asked, on(19), on(12))
    assert review.contributions_due_on == on(19)
    warning = reviews.warnings(review, on(12))["contributions"]
    assert "they will arrive after the paperwork should have been circulated (6 May 2026" in (
        warning
    )
    entry = last_entry(review, "ehcp.contributions_requested")
    assert entry["after"]["short_notice"] is True


def test_the_due_date_offered_at_short_notice_is_soon_and_before_the_meeting(plan, senco):
    review = invited(dated(plan, senco), senco, today=on(10), reason="The LA asked.")
    # The earlier of two days before the meeting (18 May) and five days from today.
    assert reviews.contributions_due_default(review, on(12)) == on(17)
    assert reviews.contributions_due_default(review, on(15)) == on(18)
    assert reviews.contributions_due_default(review, on(19)) == on(19)  # never a past day
    # In good time: the school's target, a week before the paperwork date.
    assert reviews.contributions_due_default(review, on(20, 4)) == on(29, 4)
    assert reviews.contributions_due_default(review, on(5)) == on(5)


def test_contributions_cannot_be_asked_for_on_the_day_of_the_meeting(plan, senco):
    review = invited(dated(plan, senco), senco, today=on(10), reason="The LA asked.")
    asked = list(review.invitees.all())
    refused(lambda: ask(review, senco, asked, on(20), on(20)), "due_on", "too late to ask")


# A meeting held on another day than dated.


def test_a_meeting_held_on_another_day_takes_that_date(plan, senco):
    review = invited(dated(plan, senco), senco, today=on(1))
    recorded = record(review, senco, held_on=on(15))
    assert (recorded.meeting_on, recorded.held_on) == (on(15), on(15))
    recorded.refresh_from_db()
    assert recorded.meeting_on == on(15)
    # Its dates follow: the invitations of 1 May gave two weeks' notice of 15 May.
    assert reviews.dates(recorded)["invitations_by"] == on(1)
    assert reviews.steps(recorded, on(21), [])[0].state_label == "Done on time"
    entry = last_entry(recorded, "ehcp.review_recorded")
    assert entry["before"]["meeting_on"] == "2026-05-20"
    assert entry["after"]["meeting_on"] == "2026-05-15"


def test_a_meeting_held_later_than_dated_makes_late_steps_show_as_late(plan, senco):
    review = invited(dated(plan, senco, day=on(15)), senco, today=on(1))
    recorded = record(review, senco, held_on=on(20))
    assert recorded.meeting_on == on(20)
    assert "less than two weeks' notice" not in reviews.warnings(recorded, on(21)).get(
        "invitations", ""
    )
    recorded = reviews.record_meeting(
        recorded, by=senco, record=record_for(recorded, held_on=on(10)),
        expected_version=recorded.version, today=on(21),
    )  # fmt: skip
    assert recorded.meeting_on == on(10)
    assert (
        "Invitations sent with less than two weeks' notice"
        in reviews.warnings(recorded, on(21))["invitations"]
    )


# The short-notice warning shows only when the invitations were late.


def test_invitations_on_time_show_no_short_notice_warning(plan, senco):
    review = invited(dated(plan, senco), senco, today=on(6))
    AnnualReview.objects.filter(pk=review.pk).update(short_notice_reason="Kept from before.")
    review.refresh_from_db()
    assert "invitations" not in reviews.warnings(review, on(6))
    assert reviews.steps(review, on(6), [])[0].state_label == "Done on time"


def test_the_steps_name_the_report_to_the_la_and_everyone_invited(plan, senco):
    labels = [s.label for s in reviews.steps(dated(plan, senco), on(1), [])]
    assert "Report sent to the LA and everyone invited" in labels


def test_at_most_12_amendments_are_recommended(plan, senco):
    review = dated(plan, senco)
    many = [reviews.Amendment("F", f"Change {n}") for n in range(13)]
    refused(lambda: record(review, senco, amendments=many), "amendments", "at most 12")
