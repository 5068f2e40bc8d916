"""An annual review in Chromium, from dating the meeting to the LA's decision: the SENCO dates
the meeting, invites people (one by hand: no email address), takes someone invited off the
list, asks for contributions and records one, circulates the paperwork, records the meeting
(held a day after it was dated; progress on every outcome, an amendment to section F; the form
fits an iPad's width), sends the report and records the LA's decision to amend. Each page
passes axe-core."""

import datetime as dt

from playwright.sync_api import expect

from senco.ehcp.models import AnnualReview
from senco.ehcp.services import reviews
from tests import targets
from tests.browser.conftest import assert_accessible
from tests.ehcp.review_matrix import fresh_plan


def test_an_annual_review_runs_from_invitation_to_the_las_decision(sign_in):
    pupil = targets.taught_pupil()
    plan = fresh_plan(pupil)
    today = dt.date.today()
    page = sign_in("senco")
    page.goto(f"/pupils/{pupil.public_id}/ehcp/")
    expect(page.get_by_role("heading", name="Annual reviews")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Date the annual review").click()
    assert_accessible(page)
    page.get_by_label("Date of the meeting").fill(
        (plan.issued_on - dt.timedelta(days=1)).isoformat()
    )
    page.get_by_label("Time").fill("15:30")
    page.get_by_role("button", name="Date the review").click()
    expect(page.get_by_role("alert")).to_contain_text("A review dated before the plan")
    assert_accessible(page)
    page.get_by_label("Date of the meeting").fill((today + dt.timedelta(days=30)).isoformat())
    page.get_by_label("Where (optional)").fill("The SENCO's office")
    page.get_by_role("button", name="Date the review").click()
    expect(page.get_by_role("status")).to_contain_text("Annual review dated")
    expect(page.get_by_role("row", name="Invitations sent")).to_contain_text("To do")
    assert_accessible(page)
    page.get_by_role("link", name="Move the meeting").click()
    expect(page.get_by_label("Where (optional)")).to_have_value("The SENCO's office")
    assert_accessible(page)
    page.get_by_role("link", name="Back to the review").click()

    page.get_by_role("link", name="Invite people").click()
    expect(page.get_by_role("group", name="Person 1")).to_be_visible()
    assert_accessible(page)
    blank = page.get_by_role("group", name="Person", exact=False).last
    blank.get_by_label("Who they are").select_option(label="Health")
    blank.get_by_label("Name or role").fill("Speech and language therapist")
    blank.get_by_label("Email (optional)").fill("slt@nhs.example.org")
    # The pupil has no email address: the invitation goes by hand.
    pupil_row = page.get_by_role("group", name=pupil.full_name)
    expect(pupil_row.get_by_label("Email (optional)")).to_have_value("")
    pupil_row.get_by_label("Invitation sent by letter or by hand").check()
    page.get_by_role("button", name="Save the list and send the invitations").click()
    expect(page.get_by_role("status")).to_contain_text("by email (it names the pupil by")
    expect(page.get_by_role("status")).to_contain_text("1 by letter or by hand")
    expect(page.get_by_role("row", name="Invitations sent")).to_contain_text("Done on time")
    expect(page.get_by_role("heading", name="Steps late or at short notice")).to_have_count(0)
    assert_accessible(page)
    # Someone invited and then taken off the list stays on the page, with the day.
    page.get_by_role("link", name="Change who is invited, or invite more").click()
    page.get_by_role("group", name=pupil.full_name).get_by_label("Name or role").fill("")
    page.get_by_role("button", name="Save the list and send the invitations").click()
    expect(page.get_by_role("status")).to_contain_text("nobody was emailed")
    expect(page.get_by_role("heading", name="Taken off the list")).to_be_visible()
    taken_off = f"{pupil.full_name} (The pupil or young person): invited on {today:%-d %B %Y}"
    expect(page.get_by_text(taken_off)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Contributions").click()
    assert_accessible(page)
    page.get_by_label("Speech and language therapist (Health)").check()
    page.get_by_role("button", name="Ask for contributions").click()
    expect(page.get_by_role("status")).to_contain_text("Contributions requested")
    page.get_by_label("From").select_option(label="Speech and language therapist (Health)")
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_role("status")).to_contain_text("Contribution from Speech and language")
    assert_accessible(page)

    page.get_by_role("link", name="Back to the review").click()
    page.get_by_label("Paperwork circulated on").fill(today.isoformat())
    page.get_by_role("button", name="Mark the paperwork circulated").click()
    expect(page.get_by_role("status")).to_contain_text("The paperwork is marked circulated")
    assert_accessible(page)

    # The meeting then takes place (moved to two days ago, as if the month had passed).
    AnnualReview.objects.filter(plan=plan).update(meeting_on=today - dt.timedelta(days=2))
    page.reload()
    page.get_by_role("link", name="Record the meeting").click()
    assert_accessible(page)
    # On an iPad the record fits the screen's width: no sideways scrolling.
    page.set_viewport_size({"width": 768, "height": 1024})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    expect(page.get_by_role("group", name="Amendment 3")).to_be_visible()
    page.get_by_role("link", name="Show more rows").click()
    expect(page.get_by_role("group", name="Amendment 12")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Save the meeting record").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the progress made")
    assert_accessible(page)
    for outcome in reviews.outcomes_of(plan):
        progress = page.get_by_role("group", name=f"Progress on outcome {outcome.position}")
        progress.get_by_label("Good progress").check()
        page.get_by_label(f"Evidence for outcome {outcome.position}").fill(
            "Reads 40 words a minute"
        )
    page.get_by_label("Date it was held").fill((today - dt.timedelta(days=1)).isoformat())
    page.get_by_label("The pupil's view").fill("I like reading with Miss T.")
    if reviews.takes_adulthood(pupil):
        page.get_by_label("Preparing for adulthood").fill("Travel training next term.")
    amendment = page.get_by_role("group", name="Amendment 1", exact=True)
    amendment.get_by_label("Section").select_option("F")
    amendment.get_by_label("Recommended change").fill("Speech therapy twice a week")
    page.get_by_role("group", name="The school recommends").get_by_label("Amend the plan").check()
    page.get_by_label("What was agreed").fill("Ask the LA to add speech therapy to section F.")
    page.get_by_role("button", name="Save the meeting record").click()
    expect(page.get_by_role("status")).to_contain_text("The meeting record is saved")
    # Held the day after it was dated: the meeting's date follows.
    held = today - dt.timedelta(days=1)
    expect(page.get_by_role("status")).to_contain_text(f"its date is now {held:%-d %B}")
    expect(page.get_by_text(f"Meeting {held:%A %-d %B %Y}")).to_be_visible()
    expect(page.get_by_text("Section F: Speech therapy twice a week")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Report sent to the LA and everyone invited on").fill(today.isoformat())
    page.get_by_role("button", name="Mark the report sent to the LA").click()
    expect(page.get_by_role("status")).to_contain_text("The report is marked sent to the LA")
    page.get_by_role("link", name="Record the LA's decision").click()
    assert_accessible(page)
    page.get_by_role("group", name="The LA decided to").get_by_label("Amend the plan").check()
    page.get_by_label("Date of the LA's decision").fill(today.isoformat())
    page.get_by_role("button", name="Save the LA's decision").click()
    expect(page.get_by_role("status")).to_contain_text("The LA's decision is recorded")
    expect(page.get_by_role("link", name="Record the amended plan")).to_be_visible()
    assert_accessible(page)
    review = AnnualReview.objects.get(plan=plan)
    assert review.status == AnnualReview.Status.DONE and review.la_decision == "amend"
