"""The SENCO downloads the pupil list as a spreadsheet from the Pupils page."""

import io

import openpyxl
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def test_the_senco_downloads_the_pupil_list_as_a_spreadsheet(page, sign_in):
    sign_in("senco")
    expect(page.get_by_role("link", name="Download the SEN register (XLSX)")).to_be_visible()
    page.get_by_role("link", name="Pupils", exact=True).click()
    link = page.get_by_role("link", name="Download as spreadsheet (XLSX)")
    expect(link).to_be_visible()
    expect(page.get_by_role("link", name="Download as CSV")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.startswith("pupils-990000-")
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as f:
        sheet = openpyxl.load_workbook(io.BytesIO(f.read())).active
    assert [c.value for c in sheet[1]][:3] == ["UPN", "Legal first name", "Legal last name"]
    assert "Looked after" in [c.value for c in sheet[1]]
    assert sheet.max_row > 1
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
