"""The provision library in Chromium: the SENCO adds a provision (a negative cost is refused
first) and finds it in the library with its cost band; the head sets the TA's standard rate."""

from decimal import Decimal

from playwright.sync_api import expect

from senco.accounts.models import User
from senco.provision import services
from senco.provision.models import StaffRate
from tests import targets
from tests.browser.conftest import assert_accessible

NAME = "Toe by Toe (browser test)"


def test_the_senco_adds_a_provision_and_sees_its_cost_band_in_the_library(sign_in):
    head = User.objects.get(username="head")
    services.set_rate(targets.home_school(), by=head, role="ta", hourly_cost=Decimal("18.40"))
    page = sign_in("senco")
    page.goto("/provision/")  # the "Provision" navigation link is added with the shared files
    assert_accessible(page)
    page.get_by_role("link", name="Add a provision").click()
    page.get_by_label("Name", exact=True).fill(NAME)
    page.get_by_label("Area of need").select_option("CL")
    page.get_by_label("Wave 2: small group").check()
    page.get_by_label("How it is delivered").select_option("withdrawal")
    page.get_by_label("Delivered by").select_option("ta")
    page.get_by_label("Minutes a session").fill("30")
    page.get_by_label("Sessions a week").fill("3")
    page.get_by_label("Length in weeks").fill("10")
    page.get_by_label("Usual group size").fill("4")
    page.get_by_label("Materials (£, per group)").fill("-45.50")
    page.get_by_role("button", name="Add to the library").click()
    expect(page.get_by_role("alert")).to_contain_text("A cost cannot be negative")
    assert_accessible(page)
    page.get_by_label("Materials (£, per group)").fill("45.50")
    page.get_by_role("button", name="Add to the library").click()
    expect(page.get_by_role("status")).to_contain_text(f"Added to the library: {NAME}")
    expect(page.get_by_text("= £80.38")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the provision library").click()
    page.get_by_label("Name").fill("browser test")
    page.get_by_role("button", name="Show").click()
    row = page.get_by_role("row").filter(has_text=NAME)
    expect(row).to_contain_text("£80.38")
    expect(row).to_contain_text("££ (low)")
    assert_accessible(page)


def test_the_head_sets_the_standard_rate_of_a_teaching_assistant(sign_in):
    page = sign_in("head")
    page.goto("/provision/rates/")
    expect(page.get_by_text("never with one person's pay")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Teaching assistant (£ an hour)", exact=True).fill("1500")
    page.get_by_role("button", name="Save the rates").click()
    expect(page.get_by_role("alert")).to_contain_text("under £1,000")
    assert_accessible(page)
    page.get_by_label("Teaching assistant (£ an hour)", exact=True).fill("19.25")
    page.get_by_role("button", name="Save the rates").click()
    expect(page.get_by_role("status")).to_contain_text("Saved 1 rate.")
    expect(page.get_by_label("Teaching assistant (£ an hour)", exact=True)).to_have_value("19.25")
    assert_accessible(page)
    rate = StaffRate.objects.get(school=targets.home_school(), role="ta")
    assert rate.hourly_cost == Decimal("19.25")
