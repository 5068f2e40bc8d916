"""The EHC caseload: every EHC pupil's next deadline across all LAs, overdue first, one line a
child; its filters and counts; an under-five's review prompt is never overdue; the deadlines
as a calendar file with initials and links only; a query count that does not grow."""

import datetime as dt

import icalendar
import pytest
from django.db.models import F
from django.urls import reverse

from senco.accounts.models import User
from senco.audit.models import AuditEntry
from senco.ehcp import caseload, deadlines
from senco.ehcp.models import AnnualReview, EHCPlan
from senco.pupils.models import Pupil
from senco.schools.calendar import academic_year_start
from tests import targets
from tests.ehcp import helpers
from tests.queries import queries_for

pytestmark = pytest.mark.django_db

URL = "/ehcp/"


def today() -> dt.date:
    return dt.date.today()


def plan_reviewed(pupil: Pupil, *, anchor: dt.date, born: dt.date | None = None) -> EHCPlan:
    """The pupil's plan, last reviewed (or issued) on `anchor`, no review open, no transfer."""
    plan = helpers.ehc_plan_for(pupil)
    plan.reviews.all().delete()
    if born is not None:
        Pupil.objects.filter(pk=pupil.pk).update(date_of_birth=born)
    EHCPlan.objects.filter(pk=plan.pk).update(
        issued_on=anchor, last_reviewed_on=None, transferred_in_on=None, phase_transfer_year=None
    )
    plan.refresh_from_db()
    return plan


def long_overdue(pupil: Pupil) -> EHCPlan:
    """A plan whose annual review was due nine years ago: more overdue than any in the demo."""
    return plan_reviewed(
        pupil, anchor=today() - dt.timedelta(days=3650), born=today() - dt.timedelta(days=5500)
    )


def rows(client, **filters) -> list[caseload.Row]:
    response = client.get(URL, filters)
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def items_of(pupil: Pupil) -> list[caseload.Item]:
    found = caseload.deadlines_for(helpers.senco(pupil), pupil.school, today())
    return [i for i in found if i.pupil is not None and i.pupil.pk == pupil.pk]


# The page.


def test_an_overdue_review_heads_the_caseload(client_for):
    pupil = targets.taught_pupil()
    long_overdue(pupil)
    response = client_for("senco").get(URL)
    first = response.context["page"].object_list[0].item
    assert first.pupil.pk == pupil.pk
    assert (first.kind, first.label, first.status) == ("review", "Annual review due", "overdue")
    assert f"{-first.days} days overdue" in response.text
    assert pupil.last_name in response.text


def test_overdue_deadlines_come_first_then_the_soonest(client_for):
    long_overdue(targets.taught_pupil())
    found = [r.item for r in rows(client_for("senco"))]
    overdue = [i for i in found if i.is_overdue]
    assert overdue and found[: len(overdue)] == overdue
    assert [i.due for i in overdue] == sorted(i.due for i in overdue)
    rest = found[len(overdue) :]
    assert [i.due for i in rest] == sorted(i.due for i in rest)


def test_each_child_has_one_line_with_a_count_of_their_other_deadlines(client_for):
    pupil = targets.taught_pupil()
    plan = long_overdue(pupil)
    EHCPlan.objects.filter(pk=plan.pk).update(phase_transfer_year=academic_year_start(today()) + 1)
    mine = [r for r in rows(client_for("senco")) if r.item.pupil and r.item.pupil.pk == pupil.pk]
    assert len(mine) == 1 and mine[0].more == 1
    assert "and 1 more" in client_for("senco").get(URL).text


def test_the_counts_say_how_many_are_overdue_and_the_plans_by_la(client_for):
    pupil = targets.taught_pupil()
    plan = long_overdue(pupil)
    EHCPlan.objects.filter(pk=plan.pk).update(local_authority="Westmoor")
    context = client_for("senco").get(URL).context
    items = caseload.deadlines_for(helpers.senco(), targets.home_school(), today())
    assert context["overdue"] == sum(i.is_overdue for i in items) >= 1
    assert ("Westmoor", 1) in context["plans_by_la"]
    assert context["plans"] == sum(n for _, n in context["plans_by_la"])


def test_the_la_filter_shows_that_las_deadlines_only(client_for):
    pupil = targets.taught_pupil()
    plan = long_overdue(pupil)
    EHCPlan.objects.filter(pk=plan.pk).update(local_authority="Westmoor")
    found = rows(client_for("senco"), la="Westmoor")
    assert [r.item.pupil.pk for r in found] == [pupil.pk]
    page = client_for("senco").get(URL).text
    assert '<option value="Westmoor">Westmoor</option>' in page


def test_the_what_and_status_filters(client_for):
    long_overdue(targets.taught_pupil())
    senco = client_for("senco")
    consultations = rows(senco, what="consultation")
    assert consultations and {r.item.kind for r in consultations} == {"consultation"}
    overdue = rows(senco, status="overdue")
    assert overdue and all(r.item.is_overdue for r in overdue)
    assert all(r.item.status == "due_soon" for r in rows(senco, status="due_soon"))
    requests = rows(senco, what="request")
    assert requests and {r.item.kind for r in requests} == {"request"}


def test_a_filter_the_page_does_not_offer_is_refused_with_a_message(client_for):
    response = client_for("senco").get(URL, {"la": "<b>Nowhere</b>"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text and "<b>Nowhere</b>" not in response.text
    assert len(response.context["page"].object_list) > 0


def test_open_requests_of_pupils_without_a_plan_and_unanswered_consultations_are_listed(
    client_for,
):
    found = rows(client_for("senco"))
    requests = [r.item for r in found if r.item.kind == "request"]
    assert requests and all(i.pupil is not None for i in requests)
    assert all(not i.pupil.ehc_plans.current().exists() for i in requests)
    consultation = helpers.consultation(child_initials="Q.Z.", received_on=today())
    found = [r.item for r in rows(client_for("senco"))]
    mine = [i for i in found if i.initials == "Q.Z."]
    assert [(i.due, i.pupil) for i in mine] == [(consultation.received_on + dt.timedelta(15), None)]
    answered = helpers.consultation(child_initials="R.Y.", answered_on=today(), answer="can_meet")
    assert answered.child_initials not in {r.item.initials for r in rows(client_for("senco"))}


def test_a_consultation_the_school_asked_more_information_about_stays_on_the_caseload(
    client_for,
):
    received = today() - dt.timedelta(days=3)
    helpers.consultation(
        child_initials="M.I.", received_on=received, answered_on=today(), answer="more_information"
    )
    mine = [r.item for r in rows(client_for("senco")) if r.item.initials == "M.I."]
    assert [(i.label, i.due) for i in mine] == [
        ("Answer the LA consultation (more information asked for)", received + dt.timedelta(15))
    ]


def test_the_list_is_logged_naming_its_pupils(client_for):
    pupil = targets.taught_pupil()
    long_overdue(pupil)
    client_for("senco").get(URL)
    entry = AuditEntry.objects.filter(action="ehcp.caseload_listed").latest("pk")
    assert entry.actor_label == "senco" and pupil.pk in entry.pupil_ids


def test_the_head_reads_the_caseload_but_is_not_offered_changes(client_for):
    response = client_for("head").get(URL)
    assert response.status_code == 200 and response.context["page"].object_list
    assert reverse("ehcp:consultation_new") not in response.text


def test_another_schools_senco_sees_none_of_this_schools_pupils(client_for):
    pupil = targets.taught_pupil()
    long_overdue(pupil)
    found = rows(client_for("other_senco"))
    assert all(r.item.pupil is None or r.item.pupil.school_id != pupil.school_id for r in found)


def test_a_pupil_who_has_left_is_not_on_the_caseload(client_for):
    pupil = targets.taught_pupil()
    long_overdue(pupil)
    Pupil.objects.filter(pk=pupil.pk).update(left_on=today() - dt.timedelta(days=1))
    assert pupil.pk not in {r.item.pupil.pk for r in rows(client_for("senco")) if r.item.pupil}


def test_the_page_makes_as_many_queries_for_20_plans_as_for_2(client_for):
    school = targets.home_school()
    EHCPlan.objects.filter(pupil__school=school).update(ceased_on=F("issued_on"))
    pupils = list(Pupil.objects.filter(school=school, left_on__isnull=True).order_by("pk")[:20])
    client = client_for("senco")

    def add(chosen: list[Pupil]) -> None:
        for n, pupil in enumerate(chosen):
            plan = helpers.ehc_plan_for(pupil)
            if n % 2:
                helpers.review_for(plan)

    add(pupils[:2])
    queries_for(client, URL)  # the first visit also loads the session
    two = queries_for(client, URL)
    add(pupils[2:])
    assert len(client.get(URL).context["page"].object_list) >= 20
    assert queries_for(client, URL) == two


# The rules behind the rows.


def test_an_under_fives_review_prompt_is_a_prompt_not_overdue():
    pupil = targets.taught_pupil()
    plan_reviewed(
        pupil, anchor=today() - dt.timedelta(days=120), born=today() - dt.timedelta(days=4 * 365)
    )
    items = items_of(pupil)
    prompts = [i for i in items if i.status == caseload.PROMPT]
    assert len(prompts) == 1 and prompts[0].due == deadlines.add_months(
        today() - dt.timedelta(days=120), 6
    )
    assert not any(i.is_overdue for i in items)
    assert prompts[0].status_label == "Prompt, not a deadline"


def test_a_prompt_that_has_passed_leaves_the_annual_review_as_the_deadline():
    pupil = targets.taught_pupil()
    plan_reviewed(
        pupil, anchor=today() - dt.timedelta(days=200), born=today() - dt.timedelta(days=4 * 365)
    )
    assert [(i.label, i.status) for i in items_of(pupil)] == [("Annual review due", "later")]


def test_a_phase_transfer_deadline_shows_until_a_transfer_review_is_held():
    pupil = targets.taught_pupil()
    plan = plan_reviewed(pupil, anchor=today() - dt.timedelta(days=30))
    year = academic_year_start(today()) + 1
    EHCPlan.objects.filter(pk=plan.pk).update(phase_transfer_year=year)
    transfer = [i for i in items_of(pupil) if i.kind == "transfer"]
    assert [i.due for i in transfer] == [dt.date(year, 2, 15)]
    AnnualReview.objects.create(
        plan=plan,
        status=AnnualReview.Status.DONE,
        due_by=today(),
        meeting_on=today(),
        held_on=today(),
        is_phase_transfer=True,
    )
    assert [i for i in items_of(pupil) if i.kind == "transfer"] == []


def test_into_post16_the_transfer_deadline_is_31_march():
    pupil = targets.taught_pupil()
    plan = plan_reviewed(pupil, anchor=today() - dt.timedelta(days=30))
    year = academic_year_start(today()) + 2
    EHCPlan.objects.filter(pk=plan.pk).update(phase_transfer_year=year, into_post16=True)
    assert [i.due for i in items_of(pupil) if i.kind == "transfer"] == [dt.date(year, 3, 31)]


def test_an_open_review_replaces_the_annual_review_due_with_its_next_step():
    pupil = targets.taught_pupil()
    plan = plan_reviewed(pupil, anchor=today() - dt.timedelta(days=300))
    review = helpers.review_for(plan, meeting_in_days=21)
    items = items_of(pupil)
    assert "Annual review due" not in {i.label for i in items}
    steps = [i for i in items if i.kind == "review"]
    assert len(steps) == 1 and steps[0].due <= review.meeting_on


def test_a_review_meeting_passed_and_not_recorded_is_overdue_and_links_to_the_review():
    pupil = targets.taught_pupil()
    plan = plan_reviewed(pupil, anchor=today() - dt.timedelta(days=300))
    review = helpers.review_for(plan, meeting_in_days=-3)
    (step,) = [i for i in items_of(pupil) if i.kind == "review"]
    assert step.is_overdue and step.due == review.meeting_on
    kwargs = {"public_id": pupil.public_id, "review_id": review.public_id}
    assert step.url == reverse("pupils:ehcp:review", kwargs=kwargs)


def test_an_amendment_awaited_is_due_8_weeks_from_the_proposal():
    pupil = targets.taught_pupil()
    plan = plan_reviewed(pupil, anchor=today() - dt.timedelta(days=60))
    proposed = today() - dt.timedelta(days=10)
    AnnualReview.objects.create(
        plan=plan,
        status=AnnualReview.Status.DONE,
        due_by=today(),
        meeting_on=today() - dt.timedelta(days=60),
        held_on=today() - dt.timedelta(days=60),
        la_decision=AnnualReview.Decision.AMEND,
        la_decided_on=today() - dt.timedelta(days=30),
        amendment_proposed_on=proposed,
    )
    amended = [i for i in items_of(pupil) if i.label == "The final amended plan"]
    assert [i.due for i in amended] == [proposed + dt.timedelta(weeks=8)]


def test_a_plan_from_another_la_is_reviewed_3_months_after_it_arrived_if_later():
    pupil = targets.taught_pupil()
    plan = plan_reviewed(pupil, anchor=today() - dt.timedelta(days=330))
    arrived = today() - dt.timedelta(days=20)
    EHCPlan.objects.filter(pk=plan.pk).update(
        last_reviewed_on=today() - dt.timedelta(days=330), transferred_in_on=arrived
    )
    due = [i.due for i in items_of(pupil) if i.label == "Annual review due"]
    assert due == [deadlines.add_months(arrived, 3)]


def test_a_user_who_does_not_follow_the_caseload_gets_no_deadlines(persona):
    long_overdue(targets.taught_pupil())
    for username in ("teacher", "ta", "parent", "governor"):
        assert caseload.deadlines_for(persona(username), targets.home_school(), today()) == []


# The calendar file.


def test_the_calendar_file_has_an_all_day_event_a_deadline_with_initials_and_no_names(
    client_for,
):
    pupil = targets.taught_pupil()
    long_overdue(pupil)
    response = client_for("senco").get(reverse("ehcp:caseload_ics"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    events = cal.walk("VEVENT")
    items = caseload.deadlines_for(helpers.senco(), targets.home_school(), today())
    assert len(events) == len(items)
    summaries = [str(e["SUMMARY"]) for e in events]
    assert f"{pupil.initials}: Annual review due" in summaries
    starts = [e.decoded("DTSTART") for e in events]
    assert all(type(s) is dt.date for s in starts)
    text = response.content.decode()
    with_plans = Pupil.objects.filter(ehc_plans__isnull=False, school=pupil.school)
    for someone in with_plans:
        assert someone.last_name not in text and someone.full_name not in text
    assert f"http://testserver/pupils/{pupil.public_id}/ehcp/" in text.replace("\r\n ", "")
    entry = AuditEntry.objects.filter(action="ehcp.calendar_downloaded").latest("pk")
    assert pupil.pk in entry.pupil_ids


def test_calendar_events_use_the_site_address_by_default(settings):
    settings.SITE_URL = "https://senco.school.example"
    pupil = targets.taught_pupil()
    long_overdue(pupil)
    user = User.objects.get(username="senco")
    events = caseload.calendar_events(user, pupil.school, today())
    assert events and all(str(e["URL"]).startswith("https://senco.school.example/") for e in events)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
