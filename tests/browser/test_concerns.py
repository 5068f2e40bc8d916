"""A teacher raises a concern; the SENCO triages it to SEN support; in Chromium."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.concerns import helpers


def test_a_teachers_concern_becomes_sen_support_with_slcn(browser, site, sign_in):
    pupil = helpers.without_concern("teacher")
    page = sign_in("teacher")
    page.goto("/concerns/")
    page.get_by_role("link", name="Raise a concern").click()
    page.get_by_label("Step 1 of 2: find the pupil by name").fill(pupil.last_name)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=f"{pupil.last_name}, {pupil.first_name} (").first.click()
    expect(page.get_by_text(f"About {pupil.full_name}")).to_be_visible()
    page.get_by_role("button", name="Send the concern to the SENCO").click()
    expect(page.get_by_role("alert")).to_contain_text("Say what you see")
    assert_accessible(page)
    page.get_by_label("Communication and interaction").check()
    page.get_by_label("What you see").fill(
        "Struggles to follow spoken instructions; speech is hard to understand."
    )
    page.get_by_label("What you have tried").fill("Visual prompts and single-step instructions.")
    page.get_by_role("button", name="Send the concern to the SENCO").click()
    expect(page.get_by_text("is with the SENCO")).to_be_visible()
    assert pupil.upn not in page.content()

    senco_context = browser.new_context(base_url=site)
    senco = senco_context.new_page()
    senco.goto("/accounts/login/")
    senco.get_by_label("Username").fill("senco")
    senco.get_by_label("Password").fill("correct-horse-battery-staple")
    senco.get_by_role("button", name="Sign in").click()
    senco.wait_for_url("**/")
    senco.goto("/concerns/")
    assert_accessible(senco)
    senco.get_by_role("link", name=f"{pupil.last_name}, {pupil.first_name}").first.click()
    expect(senco.get_by_text("Struggles to follow spoken instructions")).to_be_visible()
    senco.get_by_label("Start SEN support: add to the register").check()
    senco.get_by_role("button", name="Record the decision").click()
    expect(senco.get_by_role("alert")).to_contain_text("Give the reasons for the decision")
    assert_accessible(senco)
    senco.get_by_label("Start SEN support: add to the register").check()
    senco.get_by_label("Reasons for the decision").fill("In-school speech screen well below age.")
    senco.get_by_label("Primary need").select_option("SLCN")
    senco.get_by_label("In a meeting").check()
    senco.get_by_label("When parents were told").fill(helpers.days(0).isoformat())
    senco.get_by_role("button", name="Record the decision").click()
    expect(senco.get_by_text("Decision recorded")).to_be_visible()

    senco.goto(f"/pupils/{pupil.public_id}/")
    expect(senco.get_by_role("definition").filter(has_text="K: SEN support")).to_be_visible()
    expect(senco.get_by_role("cell", name="K: SEN support")).to_be_visible()  # the history
    expect(
        senco.get_by_text("SLCN: Speech, language and communication needs").first
    ).to_be_visible()

    senco.goto("/concerns/monitoring/")
    expect(senco.get_by_role("heading", name="Monitoring list")).to_be_visible()
    assert_accessible(senco)
    senco_context.close()


def test_the_senco_reviews_a_pupil_on_the_monitoring_list(sign_in):
    page = sign_in("senco")
    page.goto("/concerns/monitoring/")
    page.get_by_role("main").get_by_role("link", name="Review").first.click()
    page.get_by_label("Next review by").fill(helpers.days(-400).isoformat())
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("alert")).to_contain_text("Say what was seen at the review")
    assert_accessible(page)
    page.get_by_label("What was seen").fill("Settling well; reading improving.")
    page.get_by_label("Next review by").fill(helpers.days(42).isoformat())
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_text("Review recorded")).to_be_visible()
    expect(page.get_by_role("cell", name="Settling well; reading improving.")).to_be_visible()
