"""What the security review of meetings found, each held shut: contacts' names shown only to
those who may see them (never to parents, not even the other parent's; a count to teachers;
never one confidential from the reader), the school lists through the role that may read them,
invitations only to those still invitable, the first record guarded against two saves at once,
every page that shows a record audited, and a stale page answered with a message, not an
error."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from senco.accounts.models import Membership, Role
from senco.audit.models import AuditEntry
from senco.meetings import services
from senco.meetings.models import Meeting
from senco.pupils.models import Contact, Pupil, PupilContact
from tests import targets
from tests.documents.test_documents import docx_text
from tests.meetings.helpers import (
    arrangements,
    contact,
    entry,
    held,
    meeting_url,
    record,
    scheduled,
    url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_meetings_yet():
    for pupil in (targets.taught_pupil(), targets.parents_child()):
        pupil.meetings.all().delete()


def a_parent(pupil: Pupil, first_name: str, **link) -> Contact:
    """A contact with parental responsibility for `pupil` and an email address."""
    found = Contact.objects.create(
        school=pupil.school, first_name=first_name, last_name="Testcarer",
        email=f"{first_name.lower()}@demo.example.org",
    )  # fmt: skip
    values = {"relationship": PupilContact.Relationship.CARER, "parental_responsibility": True}
    PupilContact.objects.create(pupil=pupil, contact=found, **{**values, **link})
    return found


def confidential_to(found: Contact, username: str, persona) -> Contact:
    found.is_confidential = True
    found.save(update_fields=["is_confidential"])
    found.confidential_to.set([persona(username)])
    return found


def the_parents_own_contact(persona, child: Pupil) -> Contact:
    return Contact.objects.get(user=persona("parent"), pupil_links__pupil=child)


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# H2: contacts' names.


def test_a_parent_sees_themselves_invited_and_never_the_other_parent(client_for, persona):
    child = targets.parents_child()
    other = a_parent(child, "Estranged")
    meeting = scheduled(child)
    meeting.invited_contacts.set([the_parents_own_contact(persona, child), other])
    client = client_for("parent")
    page = client.get(meeting_url("detail", meeting)).text
    assert "You" in page and "Estranged" not in page
    assert client.get(meeting_url("pdf", meeting)).context["invited"] == ["You"]
    assert "Estranged" not in docx_text(client.get(meeting_url("docx", meeting)).content)


def test_a_parent_not_invited_reads_nothing_of_who_was(client_for):
    child = targets.parents_child()
    meeting = scheduled(child)
    meeting.invited_contacts.set([a_parent(child, "Estranged")])
    page = client_for("parent").get(meeting_url("detail", meeting)).text
    assert "Estranged" not in page and "Who is invited" not in page


def test_a_teacher_sees_how_many_are_invited_never_their_names(client_for):
    pupil = targets.taught_pupil()
    meeting = held(pupil)
    meeting.invited_contacts.set([a_parent(pupil, "Firstcarer"), a_parent(pupil, "Secondcarer")])
    client = client_for("teacher")
    page = client.get(meeting_url("detail", meeting)).text
    assert "2 parents or carers invited" in page and "Firstcarer" not in page
    assert client.get(meeting_url("pdf", meeting)).context["invited"] == [
        "2 parents or carers invited"
    ]
    document = docx_text(client.get(meeting_url("docx", meeting)).content)
    assert "2 parents or carers invited" in document and "Secondcarer" not in document


def test_a_contact_confidential_to_the_head_is_hidden_from_the_senco(client_for, persona):
    pupil = targets.taught_pupil()
    hidden = confidential_to(a_parent(pupil, "Hiddencarer"), "head", persona)
    shown = a_parent(pupil, "Showncarer")
    meeting = scheduled(pupil, days=-1)
    meeting.invited_contacts.set([hidden, shown])
    senco = client_for("senco")
    for name in ("detail", "record"):
        page = senco.get(meeting_url(name, meeting)).text
        assert "Showncarer" in page and "Hiddencarer" not in page
    assert "Hiddencarer" not in docx_text(senco.get(meeting_url("docx", meeting)).content)
    assert "Hiddencarer" in client_for("head").get(meeting_url("detail", meeting)).text


def test_the_senco_changing_a_meeting_keeps_a_contact_hidden_from_them(client_for, persona):
    pupil = targets.taught_pupil()
    hidden = confidential_to(a_parent(pupil, "Hiddencarer"), "head", persona)
    shown = a_parent(pupil, "Showncarer")
    meeting = scheduled(pupil)
    meeting.invited_contacts.set([hidden, shown])
    response = client_for("senco").post(
        meeting_url("change", meeting), arrangements(contacts=[shown.pk])
    )
    assert response.status_code == 302
    assert set(meeting.invited_contacts.all()) == {hidden, shown}


def test_the_chronology_names_a_contact_only_to_those_who_may_see_them(client_for, persona):
    pupil = targets.taught_pupil()
    hidden = confidential_to(a_parent(pupil, "Hiddencarer"), "head", persona)
    client_for("head").post(
        url("chronology", pupil), contact(who="", contact=hidden.pk, follow_up="Ring back")
    )
    logged = pupil.contact_log.latest("written_at")
    assert logged.who == str(hidden)
    senco = client_for("senco")
    page = senco.get(url("chronology", pupil)).text
    assert "Hiddencarer" not in page and "with a contact" in page and "Phone: a contact" in page
    correcting = senco.get(url("correct", pupil, entry_id=logged.public_id)).text
    assert "Hiddencarer" not in correcting and "Phone with a contact" in correcting
    assert "Hiddencarer" in client_for("head").get(url("chronology", pupil)).text
    audit = AuditEntry.objects.get(action="contact_log.added", object_id=logged.pk)
    assert "Hiddencarer" not in audit.object_label + str(audit.changes)


# M1: the school's list, through the role that reads meetings.


def test_a_parent_who_is_also_data_manager_lists_only_their_childs_meetings(client_for, persona):
    child, other = targets.parents_child(), targets.taught_pupil()
    Membership.objects.create(user=persona("parent"), school=child.school, role=Role.DATA_MANAGER)
    theirs, not_theirs = scheduled(child, days=2), scheduled(other, days=2)
    page = client_for("parent").get(reverse("meetings:list")).text
    assert meeting_url("detail", theirs) in page
    assert meeting_url("detail", not_theirs) not in page


# M2: invitations go only to those still invitable.


def send(client, meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(meeting_url("invite", meeting))


@pytest.mark.parametrize(
    ("link", "why"),
    [
        ({"parental_responsibility": False}, "no longer have parental responsibility"),
        ({"court_order": True}, "a court order limits their access"),
    ],
)
def test_a_parent_no_longer_invitable_is_left_out_and_the_sender_told(
    client_for, django_capture_on_commit_callbacks, link, why
):
    pupil = targets.taught_pupil()
    stays, goes = a_parent(pupil, "Stayingcarer"), a_parent(pupil, "Leavingcarer")
    meeting = scheduled(pupil)
    meeting.invited_contacts.set([stays, goes])
    PupilContact.objects.filter(pupil=pupil, contact=goes).update(**link)
    response = send(client_for("senco"), meeting, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[stays.email]]
    said = texts(response)
    assert any("Leavingcarer" in m and why in m for m in said)
    assert any("Invitation emailed to 1 parent or carer" in m for m in said)


def test_a_contact_hidden_from_the_sender_is_not_emailed_nor_named(
    client_for, persona, django_capture_on_commit_callbacks
):
    pupil = targets.taught_pupil()
    hidden = confidential_to(a_parent(pupil, "Hiddencarer"), "head", persona)
    shown = a_parent(pupil, "Showncarer")
    meeting = scheduled(pupil)
    meeting.invited_contacts.set([hidden, shown])
    response = send(client_for("senco"), meeting, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[shown.email]]
    said = " ".join(texts(response))
    assert "1 parent or carer invited by someone else was not emailed" in said
    assert "Hiddencarer" not in said


def past_compulsory_school_age(pupil: Pupil, shares: bool) -> Pupil:
    pupil.date_of_birth = timezone.localdate() - dt.timedelta(days=17 * 366)
    pupil.shares_with_parents = shares
    pupil.save(update_fields=["date_of_birth", "shares_with_parents"])
    return pupil


def test_a_young_person_who_does_not_share_their_record_has_no_parents_invited(
    client_for, persona, django_capture_on_commit_callbacks
):
    pupil = targets.taught_pupil()
    parent = a_parent(pupil, "Invitedcarer")
    meeting = scheduled(pupil)
    meeting.invited_contacts.set([parent])
    past_compulsory_school_age(pupil, shares=False)
    assert not services.invitable_contacts(persona("senco"), pupil).exists()
    client = client_for("senco")
    assert "has not agreed to share their record" in client.get(url("schedule", pupil)).text
    response = send(client, meeting, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert any("past compulsory school age" in m for m in texts(response))
    meeting.refresh_from_db()
    assert meeting.invitation_sent_at is None


def test_a_young_person_who_shares_their_record_has_their_parents_invited(persona):
    pupil = targets.taught_pupil()
    parent = a_parent(pupil, "Invitedcarer")
    past_compulsory_school_age(pupil, shares=True)
    assert services.invitable_contacts(persona("senco"), pupil).filter(pk=parent.pk).exists()


# M3: the first record of a scheduled meeting, saved by two people at once.


def test_the_second_of_two_first_records_is_refused_and_keeps_its_text(client_for):
    meeting = scheduled(targets.taught_pupil(), days=-1)
    first = client_for("senco").post(
        meeting_url("record", meeting), record(discussed="The SENCO's account.")
    )
    assert first.status_code == 302
    second = client_for("head").post(
        meeting_url("record", meeting), record(discussed="The head's account.")
    )
    assert second.status_code == 200
    assert "after you opened it" in second.text and "The head&#x27;s account." in second.text
    meeting.refresh_from_db()
    assert meeting.discussed == "The SENCO's account."
    assert list(meeting.versions.values_list("number", flat=True)) == [1]


# L1: every page that shows a record is audited; changes say what changed.


@pytest.mark.parametrize("name", ["record", "change", "cancel"])
def test_opening_a_meeting_form_is_audited_as_a_read(client_for, name):
    meeting = scheduled(targets.taught_pupil(), days=-1 if name == "record" else 7)
    reads = AuditEntry.objects.filter(action="meeting.viewed", pupil_id=meeting.pupil_id)
    before = reads.count()
    assert client_for("senco").get(meeting_url(name, meeting)).status_code == 200
    assert reads.count() == before + 1


@pytest.mark.parametrize(("name", "action"), [("schedule", "meeting.viewed"),
                                              ("record_held", "meeting.viewed"),
                                              ("correct", "contact_log.viewed")])  # fmt: skip
def test_opening_a_pupil_form_is_audited_as_a_read(client_for, name, action):
    pupil = targets.taught_pupil()
    kwargs = {"entry_id": entry(pupil).public_id} if name == "correct" else {}
    reads = AuditEntry.objects.filter(action=action, pupil_id=pupil.pk)
    before = reads.count()
    assert client_for("senco").get(url(name, pupil, **kwargs)).status_code == 200
    assert reads.count() == before + 1


def test_a_change_of_purpose_and_place_is_in_the_audit(client_for):
    meeting = scheduled(targets.taught_pupil(), purpose="Old purpose", place="Room 1")
    client_for("senco").post(
        meeting_url("change", meeting), arrangements(purpose="New purpose", place="Room 2")
    )
    changes = AuditEntry.objects.get(action="meeting.rescheduled").changes
    assert (changes["before"]["purpose"], changes["after"]["purpose"]) == (
        "Old purpose",
        "New purpose",
    )
    assert (changes["before"]["place"], changes["after"]["place"]) == ("Room 1", "Room 2")


def test_a_contact_log_entry_is_audited_with_what_was_said_and_the_follow_up(client_for):
    pupil = targets.taught_pupil()
    client_for("senco").post(
        url("chronology", pupil), contact(summary="Said Tuesday.", follow_up="Ring back")
    )
    after = AuditEntry.objects.get(action="contact_log.added", pupil_id=pupil.pk).changes["after"]
    assert after["summary"] == "Said Tuesday." and after["follow_up"] == "Ring back"


# L2: a page for a meeting no longer in that state answers with a message, not an error.


@pytest.mark.parametrize(
    ("status", "name", "message"),
    [
        (Meeting.Status.HELD, "change", "This meeting is held: it cannot be changed."),
        (Meeting.Status.HELD, "cancel", "This meeting is held: it cannot be cancelled."),
        (Meeting.Status.CANCELLED, "record", "This meeting is cancelled: it cannot be recorded."),
    ],
)
def test_a_form_for_a_meeting_no_longer_in_that_state_says_so(client_for, status, name, message):
    pupil = targets.taught_pupil()
    if status == Meeting.Status.HELD:
        meeting = held(pupil)
    else:
        meeting = scheduled(pupil, days=-1, status=status, cancelled_reason="Ill")
    response = client_for("senco").get(meeting_url(name, meeting), follow=True)
    assert response.redirect_chain == [(meeting_url("detail", meeting), 302)]
    assert message in response.text


# L4: the invitation says "a meeting", never what kind.


def test_the_invitation_to_a_plan_review_does_not_say_plan_review(
    client_for, django_capture_on_commit_callbacks
):
    pupil = targets.taught_pupil()
    meeting = scheduled(pupil, kind=Meeting.Kind.PLAN_REVIEW)
    meeting.invited_contacts.set([a_parent(pupil, "Invitedcarer")])
    send(client_for("senco"), meeting, django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    text = (message.subject + message.body).lower()
    assert "a meeting about" in text and pupil.initials.lower() in text
    assert "review" not in text and "plan" not in text
