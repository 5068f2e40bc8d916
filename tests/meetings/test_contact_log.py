"""The contact log and the pupil's chronology: a ten-second entry, never edited (corrections
are entries of their own), follow-ups still open first; teachers and TAs see only what they
wrote; parents never see it."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from senco.audit.models import AuditEntry
from senco.meetings.models import ContactLogEntry
from tests import targets
from tests.meetings.helpers import contact, entry, held, url

pytestmark = pytest.mark.django_db

HUGE = "x" * 2500
HOSTILE = '<img src=x onerror="alert(1)">'


def log_size(pupil) -> int:
    return pupil.contact_log.count()


def test_an_entry_is_added_in_one_post_with_now_as_the_default_time(client_for):
    pupil = targets.taught_pupil()
    before = log_size(pupil)
    client = client_for("senco")
    form = client.get(url("chronology", pupil)).context["form"]
    assert form.initial["day"] == timezone.localdate()
    response = client.post(url("chronology", pupil), contact(follow_up="Send the form"))
    assert response.status_code == 302
    assert log_size(pupil) == before + 1
    added = pupil.contact_log.latest("written_at")
    assert added.who == "Educational psychologist, local authority" and added.follow_up_open
    assert AuditEntry.objects.filter(action="contact_log.added", pupil_id=pupil.pk).count() == 1


def test_an_entry_with_one_of_the_pupils_contacts_keeps_their_name(client_for, persona):
    pupil = targets.taught_pupil()
    from senco import access

    parent = access.contacts_visible_to(persona("senco"), pupil).first()
    client_for("senco").post(url("chronology", pupil), contact(who="", contact=parent.pk))
    assert pupil.contact_log.latest("written_at").who == str(parent)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"who": "", "summary": "", "method": None}, "Say who it was with"),
        ({"summary": "  "}, "Say briefly what was said"),
        ({"method": "carrier pigeon"}, "Select a valid choice"),
        ({"contact": "999999"}, "contacts from the list"),
        ({"day": "32/13/2026"}, "Enter a valid date"),
        ({"time": "noon"}, "Give the time as hours and minutes"),
        ({"summary": HUGE}, "at most 2000 characters"),
        ({"who": HUGE}, "at most 200 characters"),
        ({"day": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "is in the future"),
        ({"follow_up_by": "2030-01-01"}, "Say what the follow-up is"),
        ({"follow_up": "Ring back", "follow_up_by": "2001-01-01"}, "is before the contact"),
    ],
)
def test_a_bad_entry_is_refused_with_a_message_and_nothing_changes(client_for, changes, message):
    pupil = targets.taught_pupil()
    before = log_size(pupil)
    response = client_for("senco").post(url("chronology", pupil), contact(**changes))
    assert response.status_code == 200
    assert message in response.text and "There is a problem" in response.text
    assert log_size(pupil) == before


def test_hostile_text_is_kept_and_shown_escaped(client_for):
    pupil = targets.taught_pupil()
    client = client_for("senco")
    client.post(url("chronology", pupil), contact(summary=HOSTILE))
    page = client.get(url("chronology", pupil)).text
    assert HOSTILE not in page and "&lt;img src=x" in page


def test_a_teacher_adds_an_entry_and_sees_only_the_entries_they_wrote(client_for):
    pupil = targets.taught_pupil()
    theirs = entry(pupil, by="senco", summary="The SENCO's private call.")
    client = client_for("teacher")
    client.post(url("chronology", pupil), contact(summary="Spoke to dad at pick-up."))
    page = client.get(url("chronology", pupil)).text
    assert "Spoke to dad at pick-up." in page and theirs.summary not in page
    assert "The entries you wrote" in page
    assert client.get(url("correct", pupil, entry_id=theirs.public_id)).status_code == 404


def test_a_correction_is_a_new_entry_and_the_original_stays_as_written(client_for):
    pupil = targets.taught_pupil()
    original = entry(pupil, summary="Mum said Tuesday.")
    client = client_for("senco")
    address = url("correct", pupil, entry_id=original.public_id)
    assert "Mum said Tuesday." in client.get(address).text
    client.post(address, contact(summary="Mum said Thursday, not Tuesday."))
    original.refresh_from_db()
    assert original.summary == "Mum said Tuesday."
    correction = original.corrections.get()
    assert correction.summary == "Mum said Thursday, not Tuesday."
    page = client.get(url("chronology", pupil)).text
    assert "Corrected later" in page and "Correction" in page
    assert AuditEntry.objects.filter(action="contact_log.corrected").count() == 1


def test_a_follow_up_is_marked_done_once_and_audited(client_for):
    pupil = targets.taught_pupil()
    open_one = entry(pupil, follow_up="Send the referral form")
    client = client_for("senco")
    assert "Follow-ups still open" in client.get(url("chronology", pupil)).text
    client.post(url("follow_up_done", pupil, entry_id=open_one.public_id))
    client.post(url("follow_up_done", pupil, entry_id=open_one.public_id))
    open_one.refresh_from_db()
    assert open_one.follow_up_done_at is not None
    assert AuditEntry.objects.filter(action="contact_log.follow_up_done").count() == 1


def test_open_follow_ups_come_first_soonest_due_at_the_top(client_for):
    pupil = targets.taught_pupil()
    ContactLogEntry.objects.filter(pupil=pupil).delete()
    today = timezone.localdate()
    later = entry(pupil, follow_up="Later", follow_up_by=today + dt.timedelta(days=9))
    sooner = entry(pupil, follow_up="Sooner", follow_up_by=today + dt.timedelta(days=1))
    entry(pupil, follow_up="Done", follow_up_done_at=timezone.now())
    shown = client_for("senco").get(url("chronology", pupil)).context["follow_ups"]
    assert shown == [sooner, later]


def test_the_chronology_holds_meetings_and_status_history_newest_first(client_for):
    pupil = targets.taught_pupil()
    meeting = held(pupil, days=-2)
    entry(pupil, summary="Yesterday's call.", happened_at=timezone.now() - dt.timedelta(days=1))
    response = client_for("senco").get(url("chronology", pupil))
    events = list(response.context["page"].object_list)
    kinds = {e.kind for e in events}
    assert {"Contact", "Meeting", "SEN status"} <= kinds
    assert [e.at for e in events] == sorted((e.at for e in events), reverse=True)
    assert any(e.meeting == meeting for e in events)
    assert AuditEntry.objects.filter(action="contact_log.viewed", pupil_id=pupil.pk).exists()


def queries(client, address: str) -> int:
    client.get(address)
    with CaptureQueriesContext(connection) as captured:
        client.get(address)
    return len(captured)


def test_the_chronology_costs_the_same_queries_at_2_and_20_entries(client_for):
    pupil = targets.taught_pupil()
    client = client_for("senco")
    for n in range(2):
        entry(pupil, follow_up=f"Follow up {n}")
    small = queries(client, url("chronology", pupil))
    for n in range(18):
        entry(pupil, follow_up=f"Follow up {n}")
        held(pupil, days=-n - 1)
    assert queries(client, url("chronology", pupil)) == small
