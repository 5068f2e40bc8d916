"""The SENCO's first task: sign in, find a pupil, read their record with its SEN history."""

import datetime as dt

from playwright.sync_api import expect

from senco.pupils.models import Pupil
from tests import targets
from tests.browser.conftest import assert_accessible


def test_the_senco_finds_a_pupil_and_reads_their_sen_history(page, sign_in):
    sign_in("senco")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Meadowbank")
    assert_accessible(page)
    pupil = targets.taught_pupil()
    page.get_by_role("link", name="Pupils", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Search by name or UPN").fill(pupil.upn)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=f"{pupil.last_name}, {pupil.first_name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(pupil.full_name)
    expect(page.get_by_role("heading", name="History of SEN status")).to_be_visible()
    expect(page).not_to_have_title(pupil.full_name)
    assert_accessible(page)


def test_the_senco_records_a_change_of_status_and_sees_errors_first(page, sign_in):
    sign_in("senco")
    pupil = targets.taught_pupil()
    page.goto(f"/pupils/{pupil.public_id}/")
    page.get_by_role("link", name="Change SEN status or needs").click()
    page.get_by_label("SEN status").select_option("E")
    page.get_by_label("Primary need (rank 1)").select_option("NSA")
    page.get_by_label("Date the change starts").fill(dt.date.today().isoformat())
    page.get_by_role("button", name="Save the change").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("only with SEN support")
    assert_accessible(page)
    page.get_by_label("Primary need (rank 1)").select_option("ASD")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(pupil.full_name)
    assert Pupil.objects.get(pk=pupil.pk).sen_provision == "E"


def test_a_parent_sees_their_children_and_not_another_child(page, sign_in):
    sign_in("parent")
    expect(page.get_by_role("heading", name="Your children")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/pupils/{targets.taught_pupil().public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    assert_accessible(page)


def test_a_teacher_on_an_ipad_reads_their_class(page, sign_in):
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in("teacher")
    expect(
        page.get_by_role("heading", name="Your pupils with special educational needs")
    ).to_be_visible()
    assert_accessible(page)


def test_the_hide_screen_key_covers_the_page(page, sign_in):
    sign_in("senco")
    page.goto("/pupils/")
    page.get_by_label("Search by name or UPN").press("Escape")
    expect(page.get_by_text("Screen hidden.")).to_be_hidden()  # Escape while typing is the field's
    page.get_by_role("heading", level=1).click()
    page.keyboard.press("Escape")
    expect(page.get_by_text("Screen hidden.")).to_be_visible()
    page.get_by_role("button", name="Show screen").click()
    expect(page.get_by_text("Screen hidden.")).to_be_hidden()
