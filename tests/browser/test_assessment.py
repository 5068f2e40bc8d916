"""Assessment results in Chromium: a teacher records reading ages for their class in the grid."""

import datetime as dt

from playwright.sync_api import expect

from senco import access
from tests import targets
from tests.assessment import helpers
from tests.browser.conftest import assert_accessible


def last_saturday() -> dt.date:
    """A day no demo test fell on (they are weekdays), so the grid starts empty."""
    today = access.today()
    return today - dt.timedelta(days=(today.weekday() - 5) % 7 or 7)


def test_the_teacher_records_reading_ages_for_their_class(sign_in):
    group = helpers.class_of("teacher")
    first, second = (
        targets.visible("teacher", targets.home_school())
        .filter(groups=group)
        .order_by("legal_last_name", "legal_first_name", "pk")[:2]
    )
    page = sign_in("teacher")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Assessment").click()
    assert_accessible(page)
    page.get_by_role("link", name="Record results").click()
    page.get_by_label("Assessment", exact=True).select_option(label="Salford reading age")
    page.get_by_label("Date it was taken").fill(last_saturday().isoformat())
    page.get_by_label("Class or group").select_option(value=str(group.public_id))
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Salford reading age: {group.name}")
    assert_accessible(page)

    first_box = page.get_by_label(f"{first.last_name}, {first.first_name}")
    second_box = page.get_by_label(f"{second.last_name}, {second.first_name}")
    first_box.fill("8.13")
    second_box.fill("9y 2m")
    page.get_by_role("button", name="Save results").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("months go from 0 to 11; write 8.11 or 9.01")
    expect(alert).to_contain_text("Nothing was saved")
    assert_accessible(page)
    alert.get_by_role("link", name=first.full_name).click()
    expect(first_box).to_be_focused()

    first_box.fill("8.11")
    page.get_by_role("button", name="Save results").click()
    expect(page.get_by_role("status")).to_contain_text("Saved: 2 results recorded")
    expect(first_box).to_have_value("8y 11m")
    expect(second_box).to_have_value("9y 2m")
    assert_accessible(page)

    page.goto(f"/pupils/{first.public_id}/")
    results = page.get_by_role("region", name="Assessment results")
    expect(results.get_by_role("cell", name="8y 11m")).to_be_visible()


def test_the_senco_adds_an_assessment_type(sign_in):
    page = sign_in("senco")
    page.goto("/assessment/")
    page.get_by_role("link", name="Add an assessment type").click()
    page.get_by_label("Name").fill("Phonics check practice")
    page.get_by_label("What it records").select_option(label="Raw score out of a maximum")
    page.get_by_role("button", name="Add the assessment type").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the highest mark")
    assert_accessible(page)
    page.get_by_label("Highest mark").fill("40")
    page.get_by_role("button", name="Add the assessment type").click()
    expect(page.get_by_role("status")).to_contain_text("Added Phonics check practice")
    expect(page.get_by_role("row", name="Phonics check practice")).to_contain_text("Out of 40")
    assert_accessible(page)
