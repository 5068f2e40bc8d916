"""Meetings with parents and the contact log, in Chromium: the SENCO schedules a meeting,
records it once held, sees a pupil with one meeting this year on the list of those behind, and
adds a contact log entry in a few seconds; a parent reads the record in plain words."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from senco.meetings.models import Meeting
from tests import targets
from tests.browser.conftest import assert_accessible, sign_out
from tests.meetings import helpers as meetings


def test_the_senco_schedules_records_and_sees_a_pupil_behind(sign_in):
    pupil = targets.taught_pupil()
    Meeting.objects.filter(pupil=pupil).delete()
    page = sign_in("senco")
    page.goto(f"/pupils/{pupil.public_id}/meetings/")
    expect(page.get_by_text("0 / 3")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Schedule a meeting").click()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    page.get_by_label("Date", exact=True).fill(yesterday.isoformat())
    page.get_by_label("Time", exact=True).fill("15:30")
    page.get_by_role("button", name="Schedule the meeting").click()
    expect(page.get_by_role("alert")).to_contain_text("is in the past")
    assert_accessible(page)
    soon = timezone.localdate() + dt.timedelta(days=5)
    page.get_by_label("Date", exact=True).fill(soon.isoformat())
    page.get_by_label("Purpose (optional)").fill("Talk about the spring term")
    page.get_by_role("button", name="Schedule the meeting").click()
    expect(page.get_by_role("status")).to_contain_text("Meeting scheduled")
    assert_accessible(page)

    # The meeting then takes place (moved to this morning, as if the week had passed).
    meeting = pupil.meetings.get()
    meeting.starts_at = timezone.now() - dt.timedelta(hours=2)
    meeting.save(update_fields=["starts_at"])
    page.reload()
    page.get_by_role("link", name="Record what happened").click()
    assert_accessible(page)
    page.get_by_label("What was said").fill("Reading is better; writing is still hard.")
    page.get_by_label("What was agreed (optional)").fill("Mum: read each evening")
    page.get_by_role("button", name="Save the record").click()
    expect(page.get_by_role("status")).to_contain_text("Meeting record saved")
    expect(page.get_by_text("Mum: read each evening")).to_be_visible()

    page.goto("/meetings/behind/")
    expect(page.get_by_role("heading", name="Pupils behind on meetings")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=pupil.last_name)
    expect(row.first).to_contain_text("1 / 3")
    assert_accessible(page)


def test_a_contact_log_entry_is_added_in_seconds_and_a_parent_reads_the_record(sign_in):
    pupil = targets.parents_child()
    page = sign_in("senco")
    page.goto(f"/pupils/{pupil.public_id}/meetings/chronology/")
    assert_accessible(page)
    page.get_by_label("Or who (name and role)").fill("Speech and language therapist, NHS")
    page.get_by_label("What was said").fill("Report on its way next week.")
    page.get_by_label("Follow-up (optional)").fill("Share the report with the class teacher")
    page.get_by_role("button", name="Add to the log").click()
    expect(page.get_by_role("status")).to_contain_text("Added to the contact log")
    expect(page.get_by_role("heading", name="Follow-ups still open")).to_be_visible()
    expect(page.get_by_text("Report on its way next week.")).to_be_visible()
    assert_accessible(page)

    held = meetings.held(pupil, discussed="We talked about reading at home.")
    sign_out(page)
    page = sign_in("parent")
    page.goto(f"/pupils/{pupil.public_id}/meetings/{held.public_id}/")
    expect(page.get_by_role("heading", name="What we talked about")).to_be_visible()
    expect(page.get_by_text("We talked about reading at home.")).to_be_visible()
    assert_accessible(page)
