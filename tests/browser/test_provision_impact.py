"""A group's impact, in Chromium: the SENCO reads the ratio gain, the effect size with its
warning, and each pupil's progress."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.provision.test_impact import impact_url, reading_group


def test_the_senco_reads_the_impact_of_a_reading_group(sign_in):
    group, members = reading_group([84, 90, 96, 100], [93, 96, 99, 100])
    page = sign_in("senco")
    page.goto(impact_url(group))
    expect(page.get_by_role("heading", name=f"Impact: {group.name}")).to_be_visible()
    expect(page.get_by_text("1.50: small impact (modest)")).to_be_visible()
    expect(page.get_by_text("6 months of additional progress", exact=False)).to_be_visible()
    pupil = members[0].pupil
    expect(page.get_by_role("row").filter(has_text=pupil.last_name).first).to_contain_text("3.00")
    assert_accessible(page)
