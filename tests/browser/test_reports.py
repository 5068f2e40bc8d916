"""The SENCO drops a report that came by email onto a pupil's record, in Chromium."""

from pathlib import Path

from playwright.sync_api import expect

from senco import access
from tests import targets
from tests.browser.conftest import assert_accessible
from tests.pupils import report_files

AUTHOR = "Dr B. Tester, Southfield Educational Psychology Service"


def test_the_senco_adds_an_ep_report_and_downloads_it_again(sign_in):
    pupil = targets.taught_pupil()
    pdf = report_files.pdf()
    page = sign_in("senco")
    page.goto(f"/pupils/{pupil.public_id}/")
    page.get_by_role("link", name="Reports from outside").click()
    expect(page.get_by_role("heading", name="Reports from outside", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Kind of report").select_option(label="Educational psychologist")
    page.get_by_role("button", name="Add the report").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Who wrote it: Enter who wrote the report")
    expect(summary).to_contain_text("Report file: Choose the report's file to upload.")
    assert_accessible(page)

    page.get_by_label("Kind of report").select_option(label="Educational psychologist")
    page.get_by_label("Who wrote it").fill(AUTHOR)
    page.get_by_label("Date on the report").fill(access.today().replace(day=1).isoformat())
    page.get_by_label("Report file").set_input_files(
        {"name": "EP report.pdf", "mimeType": "application/pdf", "buffer": pdf}
    )
    page.get_by_role("button", name="Add the report").click()
    expect(page.get_by_text("Added the educational psychologist report.")).to_be_visible()
    expect(page.get_by_role("cell", name=AUTHOR)).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="EP report.pdf").click()
    assert download.value.suggested_filename == "EP report.pdf"
    assert Path(download.value.path()).read_bytes() == pdf
