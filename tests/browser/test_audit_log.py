"""The SENCO asks who has looked at a child's record, and finds their own reading of it."""

from playwright.sync_api import expect

from tests import targets
from tests.browser.conftest import assert_accessible


def test_the_senco_sees_who_has_looked_at_a_record(page, sign_in):
    sign_in("senco")
    pupil = targets.taught_pupil()
    page.goto(f"/pupils/{pupil.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(pupil.full_name)
    page.get_by_role("link", name="Who has looked at this record?").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    expect(page).not_to_have_title(pupil.full_name)
    expect(page.get_by_label("Pupil", exact=True)).to_have_value(str(pupil.public_id))
    entries = page.get_by_role("table", name="Entries")
    own_read = entries.get_by_role("row").filter(has_text="Read a pupil's record")
    expect(own_read).to_have_count(1)
    expect(own_read).to_contain_text("senco")
    expect(own_read.get_by_role("link", name=f"{pupil.full_name} ({pupil.upn})")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Kind", exact=True).select_option("refused")
    page.get_by_role("button", name="Filter the log").click()
    expect(entries).to_contain_text("No entries match these filters.")
    page.get_by_label("From", exact=True).fill("2026-05-01")
    page.get_by_label("To", exact=True).fill("2026-04-01")
    page.get_by_role("button", name="Filter the log").click()
    expect(page.get_by_role("alert")).to_contain_text("before the start date")
    assert_accessible(page)
