"""A group's impact, in Chromium: the SENCO reads the ratio gain, the effect size with its
warning, and each pupil's progress; compares the group with similar pupils not in it; and reads
what works here."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.provision.test_impact import group_with_comparison, impact_url, reading_group


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


def test_the_senco_compares_a_group_and_reads_what_works_here(sign_in):
    group, others = group_with_comparison()
    page = sign_in("senco")
    page.goto(impact_url(group))
    comparison = page.get_by_role("region", name="Against a comparison group")
    expect(comparison).to_contain_text("0.41 (95% CI -1.10 to 1.92)")
    expect(comparison.get_by_role("row").filter(has_text=others[0].last_name)).to_have_count(1)
    assert_accessible(page)
    page.get_by_label("Year group").select_option(str(others[0].year_group))
    page.get_by_role("button", name="Compare").click()
    expect(comparison).to_contain_text("too few pupils to compare")
    page.get_by_role("link", name="What works here").first.click()
    expect(page.get_by_role("heading", name="What works here", exact=False).first).to_be_visible()
    ranking = page.get_by_role("table", name="The school's provisions by impact, with their cost")
    expect(ranking).to_contain_text(group.provision.name)
    expect(page.get_by_role("img", name="Scatter chart", exact=False)).to_be_visible()
    assert_accessible(page)
