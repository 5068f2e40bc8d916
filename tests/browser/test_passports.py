"""Passports reach the classroom, in Chromium: the teacher reads and acknowledges a class, the
SENCO sees who has read a passport and writes a new version, a parent suggests a change."""

from playwright.sync_api import expect

from tests import targets
from tests.browser.conftest import assert_accessible
from tests.passports.helpers import current, teachers_class


def test_the_teacher_opens_their_class_and_acknowledges_its_passports(sign_in):
    group = teachers_class()
    pupil = targets.taught_pupil()
    strategy = current(pupil).strategy_list[0]
    page = sign_in("teacher")
    page.goto("/classes/")  # the "Classes" navigation link is added with the shared files
    assert_accessible(page)
    page.get_by_role("link", name=group.name, exact=True).click()
    expect(page.get_by_role("heading", name=pupil.full_name)).to_be_visible()
    expect(page.get_by_text(strategy).first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="I have read all these passports").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded: you have read")
    expect(page.get_by_text("You have read every passport in this class")).to_be_visible()


def test_the_senco_sees_who_has_read_a_passport_and_writes_a_new_version(sign_in):
    pupil = targets.taught_pupil()
    page = sign_in("senco")
    page.goto(f"/pupils/{pupil.public_id}/passport/")
    expect(page.get_by_role("heading", name="Who has read version")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Write a new version").click()
    page.get_by_label("About me").fill("")
    page.get_by_role("button", name="Save the new version").click()
    expect(page.get_by_role("alert")).to_contain_text("Write something in About me")
    assert_accessible(page)
    page.get_by_label("About me").fill("I like building dens and reading about sharks.")
    page.get_by_role("button", name="Save the new version").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    expect(page.get_by_text("I like building dens and reading about sharks.")).to_be_visible()


def test_a_parent_reads_their_childs_passport_and_suggests_a_change(sign_in):
    child = targets.parents_child()
    page = sign_in("parent")
    page.goto(f"/pupils/{child.public_id}/passport/")
    expect(page.get_by_role("heading", name="Suggest a change")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send the suggestion").click()
    expect(page.get_by_role("alert")).to_contain_text("Write your suggestion before sending it")
    page.get_by_label("Your suggestion").fill("He now walks to school on his own.")
    page.get_by_role("button", name="Send the suggestion").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    expect(page.get_by_text("He now walks to school on his own.")).to_be_visible()
    assert_accessible(page)
