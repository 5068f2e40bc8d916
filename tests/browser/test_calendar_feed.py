"""The calendar feed in Chromium: a teacher signed in a while ago makes an address (giving their
password again), sees it once, a calendar application reads it, and the teacher stops it."""

from importlib import import_module

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from django.conf import settings
from playwright.sync_api import expect

from tests import targets
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD
from tests.plans import helpers as plans


def as_if_signed_in_an_hour_ago(page) -> None:
    """Move the browser's sign-in back an hour, so sensitive acts ask for the password."""
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] -= 3600
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()


def test_a_teacher_makes_a_feed_sees_its_address_once_and_stops_it(sign_in):
    pupil = targets.taught_pupil()
    plans.current(pupil)
    page = sign_in("teacher")
    as_if_signed_in_an_hour_ago(page)
    page.get_by_role("link", name="Calendar feed").click()
    expect(page.get_by_role("heading", name="Calendar feed", exact=True)).to_be_visible()
    expect(page.get_by_text("You have no calendar feed.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Make a new address").click()
    expect(page.get_by_role("heading", name="Confirm Access")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your new calendar feed address")).to_be_visible()
    assert_accessible(page)
    address = page.get_by_label("Feed address").input_value()
    path = "/calendar/feed/" + address.split("/calendar/feed/", 1)[1]
    token = path.rsplit("/", 1)[1]

    feed = page.request.get(path)
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    body = feed.text().replace("\r\n ", "")
    assert f"{pupil.initials}: Plan review due" in body
    assert pupil.last_name not in body

    page.get_by_role("link", name="Back to your calendar feed").click()
    expect(page.get_by_text("You have a calendar feed, made on")).to_be_visible()
    assert token not in page.content()
    page.get_by_role("button", name="Stop this feed").click()
    expect(page.get_by_role("status")).to_contain_text("Your calendar feed is stopped")
    expect(page.get_by_text("You have no calendar feed.")).to_be_visible()
    assert_accessible(page)
    assert page.request.get(path).status == 404
