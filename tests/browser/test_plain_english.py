"""The SENCO checks the parents' version of a plan for plain English, in Chromium."""

from playwright.sync_api import expect

from senco.plans import services
from tests import targets
from tests.browser.conftest import assert_accessible
from tests.plans.helpers import current, senco


def test_the_senco_sees_the_reading_ease_and_a_word_to_simplify(sign_in):
    pupil = targets.taught_pupil()
    cycle = current(pupil)
    services.revise_cycle(
        cycle,
        by=senco(),
        expected_version=cycle.version,
        strategies="Give differentiated work.\nCheck in with the ELSA each morning.",
    )
    page = sign_in("senco")
    page.goto(f"/pupils/{pupil.public_id}/plan/plain-english/")
    expect(page.get_by_role("heading", name="How easy it is to read")).to_be_visible()
    expect(page.get_by_text("Reading ease:", exact=False).first).to_contain_text("out of 100")
    expect(page.get_by_text("against a target of 60")).to_be_visible()
    words = page.get_by_role("table", name="Words a parent may not know")
    expect(words.get_by_role("row", name="differentiated")).to_contain_text("changed to suit them")
    expect(words.get_by_role("row", name="ELSA")).to_contain_text("What school will do")
    expect(
        page.get_by_role("heading", name=f"What we are working on with {pupil.first_name}")
    ).to_be_visible()
    assert_accessible(page)
