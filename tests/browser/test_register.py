"""The SENCO works with the register in Chromium: filter, sort, a review date for two pupils,
the census check and the charts."""

import datetime as dt

from playwright.sync_api import expect

from senco import access
from senco.pupils.models import Pupil
from tests.browser.conftest import assert_accessible


def test_the_senco_filters_sorts_and_sets_a_review_date_for_two_pupils(sign_in):
    page = sign_in("senco")
    page.goto("/register/")
    expect(page.get_by_role("heading", name="SEN register", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Need (any rank)").select_option("SLCN")
    page.get_by_label("Sort by").select_option("-added")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**need=SLCN**")
    boxes = page.locator("input[name=pupils]")
    assert boxes.count() >= 2
    assert_accessible(page)
    chosen = [boxes.nth(i).get_attribute("value") for i in range(2)]
    boxes.nth(0).check()
    boxes.nth(1).check()
    day = access.today() + dt.timedelta(days=21)
    page.get_by_label("Next review date").fill(day.isoformat())
    page.get_by_role("button", name="Set the review date").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Next review set to {day:%d/%m/%Y} for 2 pupils."
    )
    assert "need=SLCN" in page.url
    assert set(Pupil.objects.filter(public_id__in=chosen).values_list("review_on", flat=True)) == {
        day
    }
    assert_accessible(page)


def test_a_review_date_in_the_past_is_refused_with_a_message(sign_in):
    page = sign_in("senco")
    page.goto("/register/")
    page.locator("input[name=pupils]").first.check()
    page.get_by_label("Next review date").fill("2001-01-01")
    page.get_by_role("button", name="Set the review date").click()
    expect(page.get_by_role("alert")).to_contain_text("has passed")
    assert_accessible(page)


def test_the_senco_opens_the_census_check_and_the_charts(sign_in):
    page = sign_in("senco")
    page.goto("/register/")
    page.get_by_role("link", name="Census check").click()
    expect(page.get_by_role("heading", name="Breaches of the census rules (1)")).to_be_visible()
    expect(page.get_by_text("valid only with SEN support")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the register").click()
    page.get_by_role("link", name="The register at a glance (charts)").click()
    page.wait_for_load_state("load")
    images = page.locator("main img")
    assert images.count() == 5
    for i in range(images.count()):
        assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
    assert_accessible(page)
