"""The private calendar feed: made after re-authentication and shown once, stored as a hash,
stopped at will; read without signing in, with each person's own dates worked out at the read
(initials and links only), and a plain 404 for any address that does not work."""

import datetime as dt
import hashlib
import re

import icalendar
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from senco import access
from senco.accounts.models import Membership, User
from senco.audit.models import AuditEntry, AuditPupil
from senco.interop import calendar
from senco.interop.models import CalendarFeed
from senco.meetings.models import Meeting
from senco.plans.models import Cycle
from senco.pupils.models import Pupil
from tests import targets
from tests.conftest import PASSWORD
from tests.ehcp import helpers as ehcp
from tests.meetings import helpers as meetings
from tests.plans import helpers as plans
from tests.pupils.test_exports import signed_in, signed_in_long_ago
from tests.queries import queries_for

pytestmark = pytest.mark.django_db

SITE = "https://senco.school.example"
NOT_FOUND = access.NOT_VISIBLE.encode()


@pytest.fixture(autouse=True)
def site_address(settings):
    settings.SITE_URL = SITE


def today() -> dt.date:
    return access.today()


def token_for(username: str, school=None) -> str:
    user = User.objects.get(username=username)
    return calendar.make_feed(user, school or targets.home_school())[1]


def feed_url(token: str) -> str:
    return reverse("calendar:feed", kwargs={"token": token})


def read(token: str):
    """The feed as a calendar application gets it: no sign-in, no cookie."""
    response = Client().get(feed_url(token))
    assert response.status_code == 200, response.content
    return response


def events_of(response) -> list:
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def review_due(pupil: Pupil, days: int = 20) -> Cycle:
    """The pupil's open plan cycle, with its review `days` from today."""
    cycle = plans.current(pupil)
    Cycle.objects.filter(pk=cycle.pk).update(review_on=today() + dt.timedelta(days=days))
    return cycle


def pupil_ids_linked(events) -> set[str]:
    """The pupils the events link to, by the public id in their address."""
    found = set()
    for event in events:
        match = re.search(r"/pupils/([0-9a-f-]{36})/", str(event["URL"]))
        if match:
            found.add(match.group(1))
    return found


def followed(username: str, action: str) -> set[str]:
    user = User.objects.get(username=username)
    pupils = access.pupils_visible_to(user, targets.home_school(), action=action)
    return {str(p) for p in pupils.values_list("public_id", flat=True)}


# What the feed holds.


def test_the_feed_is_a_calendar_of_the_users_dates_with_initials_and_links():
    pupil = targets.taught_pupil()
    review_due(pupil, days=20)
    response = read(token_for("senco"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=900"
    assert response.cookies == {}
    events = events_of(response)
    plan_page = f"{SITE}/pupils/{pupil.public_id}/plan/"
    [review] = [e for e in events if str(e["URL"]) == plan_page]
    assert str(review["SUMMARY"]) == f"{pupil.initials}: Plan review due"
    assert review.decoded("DTSTART") == today() + dt.timedelta(days=20)
    assert str(review["DESCRIPTION"]) == f"Open in OpenSENCO: {plan_page}"
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    assert all(re.fullmatch(r"[0-9a-f]{32}@opensenco", uid) for uid in uids)
    assert str(pupil.public_id) not in str(review["UID"])


def test_the_same_review_keeps_its_uid_when_its_date_moves():
    pupil = targets.taught_pupil()
    review_due(pupil, days=20)
    token = token_for("senco")
    plan_page = f"{SITE}/pupils/{pupil.public_id}/plan/"

    def uid_and_day():
        [event] = [e for e in events_of(read(token)) if str(e["URL"]) == plan_page]
        return str(event["UID"]), event.decoded("DTSTART")

    first = uid_and_day()
    review_due(pupil, days=40)
    second = uid_and_day()
    assert first[0] == second[0] and first[1] != second[1]


def test_a_teachers_feed_holds_only_their_pupils_reviews_and_meetings_and_no_ehc_deadline():
    taught, other = targets.taught_pupil(), targets.parents_child()
    for pupil in (taught, other):
        review_due(pupil)
        meetings.scheduled(pupil, days=5)
        ehcp.ehc_plan_for(pupil)
    events = events_of(read(token_for("teacher")))
    linked = pupil_ids_linked(events)
    assert str(taught.public_id) in linked and str(other.public_id) not in linked
    assert linked <= followed("teacher", "plan.reviews_due") | followed("teacher", "meeting.read")
    summaries = [str(e["SUMMARY"]) for e in events]
    assert f"{taught.initials}: Plan review due" in summaries
    assert f"{taught.initials}: Meeting with parents" in summaries
    kinds = {s.split(": ", 1)[1] for s in summaries}
    assert kinds <= {"Plan review due", "Meeting with parents", "Plan review meeting with parents"}
    assert "/ehcp/" not in read(token_for("teacher")).content.decode().replace("\r\n ", "")


def test_the_senco_feed_holds_ehc_deadlines_without_the_la_or_caseworker():
    pupil = targets.taught_pupil()
    plan = ehcp.ehc_plan_for(pupil, issued_on=today() - dt.timedelta(days=330))
    body = read(token_for("senco")).content.decode().replace("\r\n ", "")
    assert f"{pupil.initials}: Annual review due" in body
    assert f"{SITE}/pupils/{pupil.public_id}/ehcp/" in body
    assert plan.local_authority not in body and plan.caseworker not in body
    assert plan.la_reference not in body


def test_a_ta_has_the_reviews_of_their_pupils_but_no_meetings():
    pupil = targets.taught_pupil()
    review_due(pupil)
    meetings.scheduled(pupil, days=5)
    summaries = [str(e["SUMMARY"]) for e in events_of(read(token_for("ta")))]
    assert f"{pupil.initials}: Plan review due" in summaries
    assert not [s for s in summaries if "Meeting" in s]


def test_a_meeting_is_at_its_time_and_a_cancelled_one_drops_out():
    pupil = targets.taught_pupil()
    coming = meetings.scheduled(pupil, days=3, kind=Meeting.Kind.PLAN_REVIEW)
    cancelled = meetings.scheduled(pupil, days=4)
    token = token_for("senco")
    Meeting.objects.filter(pk=cancelled.pk).update(
        status=Meeting.Status.CANCELLED, cancelled_reason="Mum is unwell."
    )
    by_url = {str(e["URL"]): e for e in events_of(read(token))}
    page = f"{SITE}/pupils/{pupil.public_id}/meetings/"
    event = by_url[f"{page}{coming.public_id}/"]
    assert event.decoded("DTSTART") == coming.starts_at
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(hours=1)
    assert str(event["SUMMARY"]) == f"{pupil.initials}: Plan review meeting with parents"
    assert f"{page}{cancelled.public_id}/" not in by_url


def test_the_feed_holds_30_days_back_to_a_year_ahead():
    taught = targets.taught_pupil()
    token = token_for("senco")
    for days, shown in ((-31, False), (-30, True), (365, True), (366, False)):
        meeting = meetings.scheduled(taught, days=days)
        urls = {str(e["URL"]) for e in events_of(read(token))}
        assert (f"{SITE}/pupils/{taught.public_id}/meetings/{meeting.public_id}/" in urls) is shown


def test_another_schools_pupils_are_never_in_a_feed():
    home, other = targets.home_school(), targets.other_school()
    elsewhere = targets.pupil_elsewhere()
    review_due(elsewhere)
    home_ids = {
        str(p) for p in Pupil.objects.filter(school=home).values_list("public_id", flat=True)
    }
    other_ids = {
        str(p) for p in Pupil.objects.filter(school=other).values_list("public_id", flat=True)
    }
    senco_linked = pupil_ids_linked(events_of(read(token_for("senco"))))
    other_linked = pupil_ids_linked(events_of(read(token_for("other_senco", other))))
    assert senco_linked and senco_linked <= home_ids
    assert str(elsewhere.public_id) in other_linked and other_linked <= other_ids


def test_no_pupils_name_is_ever_in_a_feed():
    school = targets.home_school()
    for pupil in (targets.taught_pupil(), targets.parents_child()):
        review_due(pupil)
        meetings.scheduled(pupil, days=2)
        ehcp.ehc_plan_for(pupil)
    for username in ("senco", "teacher"):
        body = read(token_for(username)).content.decode().replace("\r\n ", "")
        for pupil in Pupil.objects.filter(school=school):
            for name in (
                pupil.legal_first_name,
                pupil.legal_last_name,
                pupil.preferred_first_name,
                pupil.preferred_last_name,
            ):
                if name:
                    assert not re.search(rf"\b{re.escape(name)}\b", body), (username, name)


def test_a_pupil_made_confidential_drops_out_at_the_next_read():
    pupil = targets.taught_pupil()
    review_due(pupil)
    token = token_for("teacher")
    assert str(pupil.public_id) in pupil_ids_linked(events_of(read(token)))
    Pupil.objects.filter(pk=pupil.pk).update(is_confidential=True)
    assert str(pupil.public_id) not in pupil_ids_linked(events_of(read(token)))


# Addresses that do not work.


def refused_read(token: str):
    cache.clear()  # one refusal a minute is logged from each address
    before = AuditEntry.objects.filter(action="calendar.feed_read").count()
    response = Client().get(feed_url(token))
    assert response.status_code == 404
    assert response.content == NOT_FOUND
    assert response["Content-Type"].startswith("text/plain")
    assert AuditEntry.objects.filter(action="calendar.feed_read").count() == before
    return AuditEntry.objects.filter(action="calendar.feed_refused").latest("pk")


def test_an_unknown_address_is_a_plain_404_logged_as_a_refusal():
    entry = refused_read("a-made-up-token-of-the-right-sort-0123456789abcdefgh")
    assert entry.kind == AuditEntry.Kind.REFUSED
    assert entry.actor_id is None and entry.school_id is None
    assert entry.object_label == "Unknown calendar feed address"


def test_a_stopped_feed_is_a_plain_404_logged_against_its_owner(persona):
    token = token_for("teacher")
    calendar.stop_feed(persona("teacher"), targets.home_school())
    entry = refused_read(token)
    assert entry.actor_id == persona("teacher").pk
    assert entry.school_id == targets.home_school().pk
    assert entry.object_label.startswith("Calendar feed stopped on ")
    assert token not in entry.object_label


def test_a_person_whose_role_ended_or_whose_account_is_off_gets_a_404(persona):
    token = token_for("teacher")
    Membership.objects.filter(user=persona("teacher")).update(ends=today() - dt.timedelta(days=1))
    assert "without a staff role" in refused_read(token).object_label
    token = token_for("ta")
    User.objects.filter(username="ta").update(is_active=False)
    assert "switched off" in refused_read(token).object_label


@pytest.mark.parametrize(
    "token", ["x" * 5000, "<script>alert(1)", "nul%00byte", "%2e%2e", "é-not-ascii"]
)
def test_a_malformed_address_is_the_same_plain_404(token):
    entry = refused_read(token)
    assert entry.object_label == "Unknown calendar feed address"


def test_signed_in_staff_asking_for_a_bad_address_get_the_same_404(client_for):
    response = client_for("senco").get(feed_url("not-a-real-calendar-feed-token"))
    assert response.status_code == 404 and response.content == NOT_FOUND


# Making and stopping an address.


def test_the_token_is_stored_only_as_its_hash(persona):
    token = token_for("senco")
    feed = CalendarFeed.objects.get(user=persona("senco"), revoked_at__isnull=True)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) >= 43  # 32 random bytes, URL-safe
    row = CalendarFeed.objects.filter(pk=feed.pk).values().get()
    assert token not in repr(row)
    entry = AuditEntry.objects.filter(action="calendar.feed_created").latest("pk")
    assert token not in repr(entry.changes) + entry.object_label


def test_a_new_address_stops_the_old_one(persona):
    old = token_for("senco")
    new = token_for("senco")
    refused_read(old)
    read(new)
    in_force = CalendarFeed.objects.filter(user=persona("senco"), revoked_at__isnull=True)
    assert in_force.count() == 1


def test_making_an_address_asks_a_senco_signed_in_long_ago_for_the_password_first(
    client_for, persona
):
    for client in (signed_in_long_ago("senco"), client_for("senco")):
        response = client.post(reverse("calendar:make"))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not CalendarFeed.objects.filter(user=persona("senco")).exists()


def test_after_the_password_the_address_is_made_and_shown_once(persona):
    client = signed_in_long_ago("teacher")
    asked = client.post(reverse("calendar:make"))
    response = client.post(asked["Location"], {"password": PASSWORD}, follow=True)
    assert response.status_code == 200
    address = re.search(rf'value="({re.escape(SITE)}/calendar/feed/[^"]+\.ics)"', response.text)
    assert address, response.text
    token = address.group(1).rsplit("/", 1)[1].removesuffix(".ics")
    read(token)
    page = client.get(reverse("calendar:page"))
    assert token not in page.text
    assert "You have a calendar feed, made on" in page.text
    assert page["Cache-Control"].startswith("max-age=0")


def test_the_address_page_is_not_cached_and_holds_subscribing_instructions():
    response = signed_in("senco").post(reverse("calendar:make"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    for words in ("Outlook", "Google Calendar", "Apple Calendar", "shows it only this once"):
        assert words in response.text
    # No webcal:// link: calendar applications may fetch it over plain http, secret and all.
    assert "webcal:" not in response.text


def test_stopping_the_feed_says_so_and_a_second_stop_changes_nothing(client_for, persona):
    token = token_for("teacher")
    client = client_for("teacher")
    response = client.post(reverse("calendar:stop"), follow=True)
    assert "Your calendar feed is stopped" in response.text
    assert "You have no calendar feed." in response.text
    refused_read(token)
    stops = AuditEntry.objects.filter(action="calendar.feed_revoked").count()
    response = client.post(reverse("calendar:stop"), follow=True)
    assert "You have no calendar feed to stop." in response.text
    assert AuditEntry.objects.filter(action="calendar.feed_revoked").count() == stops


def test_the_page_says_what_each_person_s_feed_holds(client_for):
    senco = client_for("senco").get(reverse("calendar:page")).text
    ta = client_for("ta").get(reverse("calendar:page")).text
    assert "EHC plan deadlines" in senco and "meetings with parents" in senco
    assert "SEN support plans" in ta
    assert "EHC plan deadlines" not in ta and "meetings with parents" not in ta


def test_the_account_menu_links_to_the_feed_for_staff_only(client_for):
    link = reverse("calendar:page")
    assert link in client_for("teacher").get(reverse("home")).text
    assert link not in client_for("parent").get(reverse("home")).text


# The audit log.


def test_making_stopping_and_reading_are_audited(persona):
    senco, school = persona("senco"), targets.home_school()
    pupil = targets.taught_pupil()
    review_due(pupil)
    token = token_for("senco")
    made = AuditEntry.objects.filter(action="calendar.feed_created").latest("pk")
    assert (made.kind, made.actor_id, made.school_id) == ("change", senco.pk, school.pk)
    events = events_of(read(token))
    entry = AuditEntry.objects.filter(action="calendar.feed_read").latest("pk")
    assert (entry.kind, entry.actor_id, entry.school_id) == ("read", senco.pk, school.pk)
    named = Pupil.objects.filter(pk__in=entry.pupil_ids)
    assert {str(p.public_id) for p in named} == pupil_ids_linked(events)
    assert pupil.pk in entry.pupil_ids
    assert set(AuditPupil.objects.filter(entry=entry).values_list("pupil_id", flat=True)) == set(
        entry.pupil_ids
    )
    calendar.stop_feed(senco, school)
    stopped = AuditEntry.objects.filter(action="calendar.feed_revoked").latest("pk")
    assert (stopped.kind, stopped.actor_id) == ("change", senco.pk)


def test_the_read_time_is_noted_at_most_once_an_hour(persona):
    token = token_for("senco")
    read(token)
    feed = CalendarFeed.objects.get(user=persona("senco"), revoked_at__isnull=True)
    first = feed.last_read_at
    assert first is not None
    read(token)
    feed.refresh_from_db()
    assert feed.last_read_at == first
    CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=first - dt.timedelta(hours=2))
    read(token)
    feed.refresh_from_db()
    assert feed.last_read_at > first


# Scale.


def test_the_feed_costs_the_same_queries_at_2_and_20_pupils_with_reviews():
    school = targets.home_school()
    pupils = list(Pupil.objects.filter(school=school, left_on__isnull=True).order_by("pk")[:20])
    cycles = [plans.current(p) for p in pupils]
    far = today() + dt.timedelta(days=500)
    Cycle.objects.filter(plan__pupil__school=school, status=Cycle.Status.OPEN).update(review_on=far)
    token = token_for("senco")
    client = Client()
    client.get(feed_url(token))  # the first read notes its time: not what is counted

    def count(n: int) -> int:
        soon = today() + dt.timedelta(days=10)
        Cycle.objects.filter(pk__in=[c.pk for c in cycles[:n]]).update(review_on=soon)
        return queries_for(client, feed_url(token))

    at_2 = count(2)
    assert count(20) == at_2
    entry = AuditEntry.objects.filter(action="calendar.feed_read").latest("pk")
    assert {p.pk for p in pupils} <= set(entry.pupil_ids)


def test_the_feed_of_a_stopped_address_answers_before_any_pupil_is_read():
    token = token_for("senco")
    calendar.stop_feed(User.objects.get(username="senco"), targets.home_school())
    # The feed's row and its user, the cache's note of this address's refusal, the refusal.
    assert queries_for_refusal(token) <= 7


def test_a_flood_of_guessed_addresses_logs_one_refusal_a_minute():
    cache.clear()
    for n in range(20):
        assert Client().get(feed_url(f"guess-{n}")).status_code == 404
    assert AuditEntry.objects.filter(action="calendar.feed_refused").count() == 1


def queries_for_refusal(token: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(feed_url(token)).status_code == 404
    return len(captured)
