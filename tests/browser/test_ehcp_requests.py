"""A needs assessment request in Chromium: the SENCO records a request from the pupil's EHC page,
sees its statutory deadlines, records the LA's decision to assess, is told clearly when an
exception does not count, downloads the evidence pack for the LA, and finds the request with
its next deadline on the pupil's EHC page."""

import datetime as dt

from playwright.sync_api import expect

from tests import targets
from tests.browser.conftest import assert_accessible


def test_the_senco_records_a_request_and_the_decision_and_downloads_the_evidence_pack(sign_in):
    pupil = targets.taught_pupil()
    today = dt.date.today()
    received = today - dt.timedelta(days=50)
    page = sign_in("senco")
    page.goto(f"/pupils/{pupil.public_id}/ehcp/")
    page.get_by_role("link", name="Request an EHC needs assessment").click()
    expect(page.get_by_role("heading", name="Request an EHC needs assessment")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Date the LA received the request").fill(
        (today + dt.timedelta(1)).isoformat()
    )
    page.get_by_label("Local authority").fill("Northshire")
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_role("alert")).to_contain_text("is in the future")
    assert_accessible(page)
    page.get_by_label("Date the LA received the request").fill(received.isoformat())
    page.get_by_label("LA caseworker (optional)").fill("A. Caseworker")
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_role("status")).to_contain_text("The request is recorded")

    decision_due = received + dt.timedelta(weeks=6)
    final_due = received + dt.timedelta(weeks=20)
    stages = page.get_by_role("table").first
    expect(stages.get_by_role("row", name="Decision to assess")).to_contain_text(
        f"{decision_due:%-d %B %Y}"
    )
    expect(stages.get_by_role("row", name="Final plan issued")).to_contain_text(
        f"{final_due:%-d %B %Y}"
    )
    assert_accessible(page)

    page.get_by_label("The LA agreed to assess").check()
    page.get_by_label("On", exact=True).fill((received + dt.timedelta(weeks=5)).isoformat())
    page.get_by_role("button", name="Record the stage").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded: the LA agreed to assess.")
    row = page.get_by_role("row", name="Decision to assess")
    expect(row).to_contain_text("Agreed to assess")
    expect(row).to_contain_text("Met")
    assert_accessible(page)

    page.get_by_label("The school was closed for 4 or more continuous weeks").check()
    page.get_by_label("From", exact=True).fill((received + dt.timedelta(days=1)).isoformat())
    page.get_by_label("To", exact=True).fill((received + dt.timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Record the exception").click()
    expect(page.get_by_role("alert")).to_contain_text("at least 4 continuous weeks")
    assert_accessible(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the evidence pack (PDF)").click()
    download = info.value
    assert download.suggested_filename.startswith(f"ehc-evidence-{pupil.initials}-")
    with open(download.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"

    page.goto(f"/pupils/{pupil.public_id}/ehcp/")
    panel = page.get_by_role("region", name="EHC needs assessment requests")
    expect(panel).to_contain_text("Being assessed")
    not_issuing_by = received + dt.timedelta(weeks=16)
    expect(panel).to_contain_text(f"Decision whether to issue a plan: {not_issuing_by:%-d %B %Y}")
    assert_accessible(page)

    page.goto(f"/pupils/{pupil.public_id}/ehcp/requests/new/")
    expect(page.get_by_text("has an open request")).to_be_visible()
    assert_accessible(page)
