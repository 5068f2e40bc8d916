"""The SENCO reads what provision costs and the provision map, in Chromium, and downloads the
map as a spreadsheet; axe finds nothing on any page."""

import io

import openpyxl
from playwright.sync_api import expect

from senco.provision.models import StaffRate
from tests import targets
from tests.browser.conftest import assert_accessible
from tests.provision.test_costs import YEAR, group, provision, pupils, rate


def test_the_senco_reads_the_costs_and_the_map_and_downloads_it(sign_in):
    rate("ta", "20.00")
    four = pupils(4)
    group(provision(), four)
    StaffRate.objects.filter(school=targets.home_school(), role="specialist").delete()
    speech = provision("Speech therapy (browser)", area="CI", staff_role="specialist")
    group(speech, four[:1], name="Speech therapy, Monday")
    page = sign_in("senco")

    page.goto("/provision/costs/")
    page.get_by_label("School year").select_option(str(YEAR))
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("What provision costs")
    row = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Year 3 reading, Tuesday", exact=True)
    )
    expect(row).to_contain_text("£300.00")
    expect(row).to_contain_text("£75.00")
    expect(page.get_by_role("note").filter(has_text="cannot be costed")).to_contain_text(
        "no standard rate for Specialist teacher or therapist (bought in): the head sets it"
    )
    expect(
        page.get_by_role("heading", name="Per pupil, against the element 2 threshold")
    ).to_be_visible()
    expect(page.get_by_text("element 2 threshold.").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="The provision map").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("The provision map")
    expect(
        page.get_by_role("row").filter(has_text="Reading catch-up (costs test)")
    ).to_contain_text("4 (6 h)")
    assert_accessible(page)
    page.get_by_label("Show").select_option("pupils")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="By pupil")).to_be_visible()
    expect(page.get_by_text(f"{four[0].last_name}, {four[0].first_name}")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download this view as a spreadsheet (XLSX)").click()
    download = info.value
    assert download.suggested_filename.startswith(f"provision-map-990000-{YEAR}-year-pupils-")
    with open(download.path(), "rb") as f:
        sheet = openpyxl.load_workbook(io.BytesIO(f.read())).active
    assert [c.value for c in sheet[1]][:2] == ["Last name", "First name"]
    assert any(r[0] == four[0].last_name for r in sheet.iter_rows(values_only=True))
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
