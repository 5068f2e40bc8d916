"""The SENCO decides who may see a record, and invites people, in Chromium."""

from playwright.sync_api import expect

from tests import targets
from tests.browser.conftest import assert_accessible


def test_the_senco_makes_a_record_confidential_and_a_teacher_loses_it(browser, site, sign_in):
    pupil = targets.taught_pupil()
    page = sign_in("senco")
    page.goto(f"/pupils/{pupil.public_id}/")
    page.get_by_role("link", name="Who may see this record").click()
    assert_accessible(page)
    page.get_by_label("Only the people ticked below may see this record").check()
    page.locator("input[name=people]").first.check()
    page.get_by_role("button", name="Save who may see it").click()
    expect(page.get_by_text("This record is confidential")).to_be_visible()

    teacher_context = browser.new_context(base_url=site)
    teacher = teacher_context.new_page()
    teacher.goto("/accounts/login/")
    teacher.get_by_label("Username").fill("teacher")
    teacher.get_by_label("Password").fill("correct-horse-battery-staple")
    teacher.get_by_role("button", name="Sign in").click()
    teacher.wait_for_url("**/")
    response = teacher.goto(f"/pupils/{pupil.public_id}/")
    assert response is not None and response.status == 404
    expect(teacher.get_by_text("Not found, or you do not have access")).to_be_visible()
    teacher_context.close()


def test_the_senco_gives_a_professional_access_until_a_date(sign_in):
    pupil = targets.taught_pupil()
    page = sign_in("senco")
    page.goto(f"/pupils/{pupil.public_id}/access/")
    page.get_by_label("Person").select_option(label="Eleanor Psychologist")
    page.get_by_label("Why they need to see this record").fill("Speech and language assessment")
    page.get_by_label("Access ends").fill("2000-01-01")
    page.get_by_role("button", name="Give access").click()
    expect(page.get_by_role("alert")).to_contain_text("The end date has passed")
    assert_accessible(page)
    page.get_by_label("Access ends").fill(targets.in_days(30).isoformat())
    page.get_by_role("button", name="Give access").click()
    expect(page.get_by_role("cell", name="Speech and language assessment")).to_be_visible()


def test_the_senco_invites_a_teaching_assistant(sign_in):
    page = sign_in("senco")
    page.get_by_role("link", name="Invitations").click()
    assert_accessible(page)
    page.get_by_role("link", name="Invite a person").click()
    page.get_by_label("First name").fill("Tam")
    page.get_by_label("Last name").fill("Assistant")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Role").select_option(label="Teaching assistant")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a valid email address")
    assert_accessible(page)
    page.get_by_label("Email").fill("tam@school.example")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to tam@school.example")).to_be_visible()
    expect(page.get_by_role("cell", name="Tam Assistant")).to_be_visible()


def test_the_senco_keeps_a_contacts_address_to_named_staff(sign_in):
    pupil = targets.taught_pupil()
    contact = targets.contact_without_account()
    page = sign_in("senco")
    page.goto(f"/pupils/{pupil.public_id}/")
    page.get_by_role("link", name=f"Who may see {contact.first_name}'s details").click()
    assert_accessible(page)
    page.get_by_label("Only the people ticked below may see this record").check()
    page.get_by_role("button", name="Save who may see it").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick at least one other person")
    page.locator("input[name=people]").first.check()
    page.get_by_role("button", name="Save who may see it").click()
    page.wait_for_url(f"**/pupils/{pupil.public_id}/")
    expect(page.get_by_text("only named staff see this contact")).to_be_visible()
