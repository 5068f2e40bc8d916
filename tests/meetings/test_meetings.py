"""Meetings with parents: scheduled for the future, recorded once held (every version kept),
cancelled with a reason, invitations emailed with initials only; the pace of three a year; the
SENCO's list of pupils behind; parents read them in plain words."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from senco.audit.models import AuditEntry
from senco.meetings import services
from senco.meetings.models import Meeting, MeetingVersion
from senco.pupils.models import Pupil
from tests import targets
from tests.meetings.helpers import arrangements, held, meeting_url, record, scheduled, url

pytestmark = pytest.mark.django_db

HUGE = "x" * 6000
HOSTILE = '<script>alert("x")</script>'


def count(pupil: Pupil) -> int:
    return pupil.meetings.count()


def parent_of(pupil: Pupil):
    return services.invitable_contacts(targets_user("senco"), pupil).first()


def targets_user(username: str):
    from senco.accounts.models import User

    return User.objects.get(username=username)


@pytest.fixture(autouse=True)
def no_meetings_yet():
    """The demo gives pupils meetings: these tests start from none for the pupils they use."""
    for pupil in (targets.taught_pupil(), targets.parents_child()):
        pupil.meetings.all().delete()


# Scheduling.


def test_the_senco_schedules_a_meeting_and_it_is_audited(client_for):
    pupil = targets.taught_pupil()
    contact = parent_of(pupil)
    data = arrangements(contacts=[contact.pk]) if contact else arrangements()
    response = client_for("senco").post(url("schedule", pupil), data)
    meeting = pupil.meetings.get()
    assert response.status_code == 302
    assert response["Location"] == meeting_url("detail", meeting)
    assert meeting.is_scheduled and meeting.invited_staff == "Ms Class Teacher, Year 4"
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "15:30"
    if contact:
        assert list(meeting.invited_contacts.all()) == [contact]
    assert AuditEntry.objects.filter(action="meeting.scheduled", pupil_id=pupil.pk).count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": None, "where": None, "day": None, "time": None}, "Choose what kind of meeting"),
        ({"kind": "party"}, "Select a valid choice"),
        ({"day": "31/02/2027"}, "Enter a valid date"),
        ({"time": "25:99"}, "Give the time as hours and minutes"),
        ({"purpose": HUGE}, "at most 300 characters"),
        ({"invited_staff": HUGE}, "at most 1000 characters"),
        ({"cycle": "999999"}, "Choose a cycle of this pupil"),
        ({"contacts": ["999999"]}, "Choose from the parents and carers listed"),
        ({"day": (dt.date.today() - dt.timedelta(days=2)).isoformat()}, "is in the past"),
    ],
)
def test_a_bad_meeting_is_refused_with_a_message_and_nothing_changes(client_for, changes, message):
    pupil = targets.taught_pupil()
    before = count(pupil)
    response = client_for("senco").post(url("schedule", pupil), arrangements(**changes))
    assert response.status_code == 200
    assert message in response.text and "There is a problem" in response.text
    assert count(pupil) == before


def test_a_meeting_in_the_past_scheduled_as_future_says_to_record_it_instead(client_for):
    pupil = targets.taught_pupil()
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    page = client_for("senco").post(url("schedule", pupil), arrangements(day=yesterday)).text
    assert "is in the past" in page and "Record a meeting already held" in page
    assert count(pupil) == 0


def test_a_contact_of_another_pupil_cannot_be_invited(client_for):
    pupil = targets.taught_pupil()
    other = parent_of(targets.parents_child())
    response = client_for("senco").post(url("schedule", pupil), arrangements(contacts=[other.pk]))
    assert "Choose from the parents and carers listed" in response.text
    assert count(pupil) == 0


def test_hostile_text_is_kept_as_written_and_shown_escaped(client_for):
    pupil = targets.taught_pupil()
    client = client_for("senco")
    client.post(url("schedule", pupil), arrangements(purpose=HOSTILE))
    page = client.get(meeting_url("detail", pupil.meetings.get())).text
    assert HOSTILE not in page and "&lt;script&gt;" in page


def test_a_scheduled_meeting_is_changed_and_the_change_audited(client_for):
    meeting = scheduled(targets.taught_pupil())
    later = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    response = client_for("senco").post(meeting_url("change", meeting), arrangements(day=later))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.starts_at).date().isoformat() == later
    assert AuditEntry.objects.filter(action="meeting.rescheduled").count() == 1


# Recording.


def test_a_meeting_already_held_is_recorded_in_one_step_and_counts_this_year(client_for):
    pupil = targets.taught_pupil()
    data = {**arrangements(day=(timezone.localdate() - dt.timedelta(days=1)).isoformat()),
            **record()}  # fmt: skip
    response = client_for("senco").post(url("record_held", pupil), data)
    assert response.status_code == 302
    meeting = pupil.meetings.get()
    assert meeting.is_held and meeting.versions.count() == 1
    assert meeting.agreed_list[1].startswith("SENCO: ask for an EP visit")
    assert services.held_this_year(pupil) == 1


def test_a_meeting_in_the_future_cannot_be_recorded_as_held(client_for):
    pupil = targets.taught_pupil()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    data = {**arrangements(day=tomorrow), **record(day=tomorrow)}
    page = client_for("senco").post(url("record_held", pupil), data).text
    assert "is still to come: record the meeting once it has been held" in page
    assert count(pupil) == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"attended": "", "discussed": " "}, "Say who came to the meeting"),
        ({"discussed": HUGE}, "at most 5000 characters"),
        ({"agreed": HUGE}, "at most 3000 characters"),
        ({"day": "yesterday"}, "Enter a valid date"),
    ],
)
def test_a_bad_record_is_refused_and_the_meeting_stays_scheduled(client_for, changes, message):
    meeting = scheduled(targets.taught_pupil(), days=-1)
    response = client_for("senco").post(meeting_url("record", meeting), record(**changes))
    assert message in response.text
    meeting.refresh_from_db()
    assert meeting.is_scheduled and not meeting.versions.exists()


def test_a_scheduled_meeting_still_to_come_cannot_be_recorded(client_for):
    meeting = scheduled(targets.taught_pupil(), days=3)
    tomorrow = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    page = client_for("senco").post(meeting_url("record", meeting), record(day=tomorrow)).text
    assert "is still to come" in page
    meeting.refresh_from_db()
    assert meeting.is_scheduled


def test_a_scheduled_meeting_is_recorded_once_held(client_for):
    meeting = scheduled(targets.taught_pupil(), days=-1)
    response = client_for("senco").post(meeting_url("record", meeting), record())
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_held and meeting.recorded_at and meeting.versions.count() == 1
    assert AuditEntry.objects.filter(action="meeting.recorded").count() == 1


def test_a_change_to_a_held_record_keeps_the_earlier_version(client_for):
    meeting = held(targets.taught_pupil())
    client = client_for("senco")
    client.post(meeting_url("record", meeting), record(discussed="Now a fuller account."))
    meeting.refresh_from_db()
    assert meeting.version == 2 and meeting.discussed == "Now a fuller account."
    assert list(meeting.versions.values_list("number", flat=True)) == [2, 1]
    entry = AuditEntry.objects.get(action="meeting.record_changed")
    assert entry.changes["before"]["discussed"] == "Reading is coming on."
    assert "Earlier versions of the record" in client.get(meeting_url("detail", meeting)).text


def test_a_record_changed_since_the_form_was_opened_is_refused_and_nothing_lost(client_for):
    meeting = held(targets.taught_pupil(), version=2)
    page = (
        client_for("head")
        .post(meeting_url("record", meeting), record(discussed="My late change.", version="1"))
        .text
    )
    assert "after you opened it" in page and "My late change." in page
    meeting.refresh_from_db()
    assert meeting.discussed == "Reading is coming on."


def test_a_cancelled_meeting_cannot_be_recorded_changed_or_cancelled_again(client_for):
    meeting = scheduled(
        targets.taught_pupil(), days=-1, status=Meeting.Status.CANCELLED, cancelled_reason="Ill"
    )
    client = client_for("senco")
    for name, data, message in (
        ("record", record(), "cannot be recorded"),
        ("change", arrangements(), "cannot be changed"),
        ("cancel", {"reason": "x"}, "cannot be cancelled"),
    ):
        response = client.post(meeting_url(name, meeting), data, follow=True)
        assert f"This meeting is cancelled: it {message}." in response.text
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.cancelled_reason == "Ill"
    assert not MeetingVersion.objects.filter(meeting=meeting).exists()


def test_a_meeting_is_cancelled_only_with_a_reason(client_for):
    meeting = scheduled(targets.taught_pupil())
    client = client_for("senco")
    assert "Give the reason" in client.post(meeting_url("cancel", meeting), {"reason": " "}).text
    assert "at most 1000" in client.post(meeting_url("cancel", meeting), {"reason": HUGE}).text
    meeting.refresh_from_db()
    assert meeting.is_scheduled
    client.post(meeting_url("cancel", meeting), {"reason": "Mum asked to move it."})
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.cancelled_reason == "Mum asked to move it."


def test_a_held_meeting_cannot_be_cancelled_by_the_service():
    meeting = held(targets.taught_pupil())
    with pytest.raises(Exception, match="has been held"):
        services.cancel_meeting(meeting, by=targets_user("senco"), reason="Oops")


# Invitations.


def test_the_invitation_email_carries_initials_and_a_link_never_the_name(
    client_for, django_capture_on_commit_callbacks
):
    pupil = targets.taught_pupil()
    contact = parent_of(pupil)
    contact.email = "carer@demo.example.org"
    contact.save(update_fields=["email"])
    meeting = scheduled(pupil)
    meeting.invited_contacts.set([contact])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("senco").post(meeting_url("invite", meeting))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    text = message.subject + message.body
    assert pupil.initials in text and meeting_url("detail", meeting) in text
    for word in (pupil.first_name, pupil.last_name, pupil.primary_need_label or "zzz"):
        assert word not in text
    meeting.refresh_from_db()
    assert meeting.invitation_sent_at and meeting.invitations_sent == 1


def test_invitations_with_no_email_address_say_so_and_send_nothing(client_for):
    meeting = scheduled(targets.taught_pupil())
    response = client_for("senco").post(meeting_url("invite", meeting), follow=True)
    assert "nobody invited can be emailed" in response.text
    assert mail.outbox == []
    meeting.refresh_from_db()
    assert meeting.invitation_sent_at is None


# Parents and teachers.


def test_a_parent_reads_a_held_meeting_in_plain_words(client_for):
    meeting = held(targets.parents_child())
    page = client_for("parent").get(meeting_url("detail", meeting)).text
    assert "What we talked about" in page and "Reading is coming on." in page
    assert "Mum: read each evening" in page and "Change the record" not in page
    listing = client_for("parent").get(url("list", meeting.pupil)).text
    assert "Schedule a meeting" not in listing and "Chronology" not in listing


def test_a_parent_never_reads_the_contact_log(client_for):
    child = targets.parents_child()
    assert client_for("parent").get(url("chronology", child)).status_code == 403


def test_a_teacher_lists_upcoming_meetings_of_taught_pupils_only(client_for):
    taught = scheduled(targets.taught_pupil(), days=3)
    other = scheduled(targets.parents_child(), days=3)
    far = scheduled(targets.taught_pupil(), days=40)
    page = client_for("teacher").get(reverse("meetings:list")).text
    assert meeting_url("detail", taught) in page
    assert meeting_url("detail", other) not in page and meeting_url("detail", far) not in page
    assert meeting_url("detail", other) in client_for("senco").get(reverse("meetings:list")).text


# The pace of three a year, and the list of those behind.


def test_a_pupil_with_one_meeting_this_year_shows_as_behind(client_for):
    pupil = targets.taught_pupil()
    Meeting.objects.filter(pupil=pupil).delete()
    held(pupil, days=-1)
    page = client_for("senco").get(reverse("meetings:behind"), {"year": pupil.year_group}).text
    assert url("list", pupil) in page and "1 / 3" in page
    assert "1 / 3" in client_for("senco").get(url("list", pupil)).text


def test_a_pupil_with_three_meetings_this_year_is_not_behind(client_for):
    pupil = targets.taught_pupil()
    for days in (-1, -2, -3):
        held(pupil, days=days)
    page = client_for("senco").get(reverse("meetings:behind")).text
    assert url("list", pupil) not in page


def test_meetings_before_this_school_year_and_cancelled_ones_do_not_count():
    pupil = targets.taught_pupil()
    Meeting.objects.filter(pupil=pupil).delete()
    start = services.year_started(timezone.localdate())
    held(pupil, starts_at=start - dt.timedelta(days=1))
    scheduled(pupil, days=-1, status=Meeting.Status.CANCELLED, cancelled_reason="Ill")
    assert services.held_this_year(pupil) == 0


def test_expected_by_now_counts_the_terms_begun_up_to_three():
    school = targets.home_school()
    year = services.academic_year_start(timezone.localdate())
    assert services.terms_begun(school, dt.date(year, 9, 1)) == 1
    assert services.terms_begun(school, dt.date(year + 1, 8, 1)) == 3


def test_the_behind_list_sorts_the_fewest_held_first_and_filters_by_year(client_for):
    pupil = targets.taught_pupil()
    Meeting.objects.filter(pupil=pupil).delete()
    for days in (-1, -2):
        held(pupil, days=days)
    response = client_for("senco").get(reverse("meetings:behind"))
    helds = [p.held for p in response.context["page"].object_list]
    assert helds == sorted(helds)
    filtered = client_for("senco").get(reverse("meetings:behind"), {"year": pupil.year_group})
    assert {p.year_group for p in filtered.context["page"].object_list} == {pupil.year_group}
    assert client_for("senco").get(reverse("meetings:behind"), {"year": "x"}).status_code == 200


def queries(client, address: str) -> int:
    client.get(address)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_the_behind_list_costs_the_same_queries_at_2_and_20_pupils(client_for, settings):
    client = client_for("senco")
    settings.SENCO_PAGE_SIZE = 2
    small = queries(client, reverse("meetings:behind"))
    settings.SENCO_PAGE_SIZE = 20
    assert queries(client, reverse("meetings:behind")) == small


def test_the_upcoming_list_costs_the_same_queries_at_2_and_20_meetings(
    client_for, django_assert_max_num_queries
):
    client = client_for("senco")
    pupils = list(targets.visible("senco", targets.home_school()).order_by("pk")[:20])
    for pupil in pupils[:2]:
        scheduled(pupil, days=2)
    small = queries(client, reverse("meetings:list"))
    for pupil in pupils[2:]:
        scheduled(pupil, days=2)
    with django_assert_max_num_queries(small):
        client.get(reverse("meetings:list"))


# Documents.


def test_the_record_downloads_as_pdf_and_docx_with_initials_only(client_for):
    meeting = held(targets.taught_pupil())
    client = client_for("senco")
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    for kind, content_type in (("pdf", "application/pdf"), ("docx", "officedocument")):
        response = client.get(meeting_url(kind, meeting))
        assert response.status_code == 200 and content_type in response["Content-Type"]
        name = f"meeting-{meeting.pupil.initials}-{day}.{kind}"
        assert name in response["Content-Disposition"]
        assert meeting.pupil.last_name not in response["Content-Disposition"]
    assert AuditEntry.objects.filter(action="meeting.downloaded").count() == 2


# The demo.


def test_the_demo_gives_register_pupils_meetings_and_contact_logs():
    from senco.meetings.models import ContactLogEntry
    from senco.pupils import census

    on_register = Pupil.objects.filter(
        school=targets.home_school(), sen_provision__in=census.REGISTER_CODES
    ).on_roll()
    this_year = [services.held_this_year(p) for p in on_register]
    assert max(this_year) <= 3 and 1 in this_year
    start = services.year_started(timezone.localdate())
    earlier = Meeting.objects.held().filter(pupil__in=on_register, starts_at__lt=start)
    assert earlier.exists()
    assert Meeting.objects.scheduled().filter(pupil__in=on_register).exists()
    assert ContactLogEntry.objects.open_follow_ups().filter(pupil__in=on_register).exists()
