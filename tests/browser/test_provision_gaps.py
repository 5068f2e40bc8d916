"""The gaps in provision, in Chromium: the SENCO sees a pupil with an SEMH need and no SEMH
provision."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.provision.test_gaps import semh_pupil


def test_the_senco_sees_a_pupil_with_a_need_and_no_provision_for_it(sign_in):
    pupil = semh_pupil()
    page = sign_in("senco")
    page.goto("/provision/gaps/")
    expect(page.get_by_role("heading", name="Gaps in provision", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text=f"{pupil.last_name}, {pupil.first_name}")
    while not row.count() and page.get_by_role("link", name="Next page").count():
        page.get_by_role("link", name="Next page").first.click()
    expect(row).to_contain_text("Social, emotional and mental health")
    assert_accessible(page)
