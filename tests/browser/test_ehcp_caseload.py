"""The EHC caseload in Chromium: the SENCO opens it and sees the overdue review first, filters by
local authority, then records an LA consultation (a name for initials is refused), asks the LA
for more information (the consultation stays to answer) and answers it within the 15 days."""

import datetime as dt

from playwright.sync_api import expect

from senco.ehcp.models import EHCPlan
from tests import targets
from tests.browser.conftest import assert_accessible
from tests.ehcp import helpers


def overdue_in_westmoor(pupil) -> EHCPlan:
    plan = helpers.ehc_plan_for(pupil)
    plan.reviews.all().delete()
    today = dt.date.today()
    EHCPlan.objects.filter(pk=plan.pk).update(
        issued_on=today - dt.timedelta(days=3650),
        last_reviewed_on=None,
        local_authority="Westmoor",
    )
    type(pupil).objects.filter(pk=pupil.pk).update(date_of_birth=today - dt.timedelta(days=5500))
    return plan


def test_the_senco_finds_the_overdue_review_first_and_filters_by_la(sign_in):
    pupil = targets.taught_pupil()
    overdue_in_westmoor(pupil)
    page = sign_in("senco")
    page.goto("/ehcp/")
    expect(page.get_by_role("heading", name="EHC caseload")).to_be_visible()
    rows = page.get_by_role("table", name="Each child's next EHC deadline").get_by_role("row")
    first = rows.nth(1)
    expect(first).to_contain_text(pupil.last_name)
    expect(first).to_contain_text("Annual review due")
    expect(first).to_contain_text("days overdue")
    assert_accessible(page)

    page.get_by_label("Local authority").select_option("Westmoor")
    page.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("Westmoor")
    assert_accessible(page)
    page.get_by_role("link", name=f"{pupil.last_name}, {pupil.first_name}").click()
    expect(page).to_have_url(f"/pupils/{pupil.public_id}/ehcp/")


def test_the_senco_records_an_la_consultation_and_answers_it(sign_in):
    page = sign_in("senco")
    page.goto("/ehcp/")
    page.get_by_role("link", name="Record an LA consultation").click()
    assert_accessible(page)
    page.get_by_label("Local authority").fill("Northshire")
    page.get_by_label("LA reference (optional)").fill("NS-C-0777")
    page.get_by_label("The child's initials").fill("Jamie Brown")
    page.get_by_label("Year group they would join").select_option("Year 7")
    received = dt.date.today() - dt.timedelta(days=3)
    page.get_by_label("Consultation received on").fill(received.isoformat())
    page.get_by_role("button", name="Record the consultation").click()
    expect(page.get_by_role("alert")).to_contain_text("never their name")
    assert_accessible(page)
    page.get_by_label("The child's initials").fill("J.B.")
    page.get_by_role("button", name="Record the consultation").click()
    expect(page.get_by_role("status")).to_contain_text("Consultation recorded")
    expect(page.get_by_role("heading", name="LA consultation: J.B.")).to_be_visible()
    answer_by = received + dt.timedelta(days=15)
    expect(page.get_by_text(f"{answer_by:%-d %B %Y} (15 days")).to_be_visible()
    expect(page.get_by_text("12 days left")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("The school asked the LA for more information").check()
    page.get_by_role("button", name="Record the answer").click()
    expect(page.get_by_role("status")).to_contain_text("Answer recorded")
    expect(page.get_by_text("still to answer, 12 days left")).to_be_visible()
    expect(page.get_by_text("unless the LA agrees a new date")).to_be_visible()
    expect(page.get_by_role("heading", name="Record the school's answer")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("The school objects: unsuitable, or incompatible").check()
    page.get_by_role("button", name="Record the answer").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the school's reasons")
    assert_accessible(page)
    page.get_by_label("The school's reasons").fill("No place in Year 7 this September.")
    page.get_by_role("button", name="Record the answer").click()
    expect(page.get_by_role("status")).to_contain_text("Answer recorded")
    expect(page.get_by_text("(in time)")).to_be_visible()

    page.get_by_role("link", name="LA consultations").click()
    expect(page.get_by_role("heading", name="LA consultations")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="J.B.")
    expect(row).to_contain_text("Objects to being named")
    expect(row).to_contain_text("in time")
    expect(row).to_contain_text(f"{answer_by:%-d %b %Y}")
    assert_accessible(page)
