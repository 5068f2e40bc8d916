"""The SENCO works with the register in Chromium: filter, sort, a review date for two pupils,
the census check and the charts."""

import datetime as dt
import io

import openpyxl
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


def test_the_ticked_pupils_download_as_xlsx_with_a_formula_like_surname_kept_as_text(sign_in):
    pupil = Pupil.objects.filter(
        school__urn="990000", sen_provision="K", left_on__isnull=True
    ).order_by("pk")[0]
    Pupil.objects.filter(pk=pupil.pk).update(legal_last_name="=1+1")
    page = sign_in("senco")
    page.goto("/register/?q=%3D1%2B1")
    page.locator(f"input[name=pupils][value='{pupil.public_id}']").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download (XLSX)").click()
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    column = [c.value for c in sheet[1]].index("Legal last name")
    cell = sheet.cell(row=2, column=column + 1)
    assert cell.value == "=1+1" and cell.data_type == "s"
