"""The graduated approach in Chromium: the SENCO writes a plan with three outcomes, a TA records
a note, a parent adds their view, and the SENCO reviews it and starts the next cycle, with the
earlier cycle kept unchanged in the history."""

import datetime as dt
import re

from playwright.sync_api import expect

from senco.plans.models import Plan
from tests import targets
from tests.browser.conftest import assert_accessible, sign_out
from tests.passports.helpers import teachers_class

OUTCOMES = [
    ("Reads 30 common exception words", "Cognition and learning", "30 of 30 read in a check"),
    ("Says when he needs a break", "Social, emotional and mental health", "Uses his card daily"),
    ("Follows a two-step instruction", "Communication and interaction", "4 times in 5, logged"),
]


def a_child_the_ta_supports_with_no_plan():
    """The parent's child, put in the class `ta` supports, with their demo plan ended."""
    child = targets.parents_child()
    Plan.objects.filter(pupil=child, ends__isnull=True).update(ends=dt.date.today())
    teachers_class("ta").pupils.add(child)
    return child


def test_a_plan_is_written_noted_viewed_by_a_parent_and_reviewed(sign_in):
    child = a_child_the_ta_supports_with_no_plan()
    page = sign_in("senco")
    page.get_by_role("link", name="Reviews", exact=True).click()
    expect(page.get_by_role("heading", name="Plan reviews due")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Write a plan for {child.first_name} {child.last_name}").click()
    rows = [page.get_by_role("group", name=f"Outcome {n}", exact=True) for n in (1, 2, 3)]
    rows[0].get_by_label("Outcome", exact=True).fill(OUTCOMES[0][0])
    rows[0].get_by_label("Area of need").select_option(label=OUTCOMES[0][1])
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_role("alert")).to_contain_text("Give a success measure")
    assert_accessible(page)
    for row, (text, area, measure) in zip(rows, OUTCOMES, strict=True):
        row.get_by_label("Outcome", exact=True).fill(text)
        row.get_by_label("Area of need").select_option(label=area)
        row.get_by_label("Success measure").fill(measure)
    page.get_by_label("Strategies for the class teacher").fill("Visual timetable\nWord mat")
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_role("status")).to_contain_text("The plan is started")
    expect(page.get_by_role("cell", name=OUTCOMES[2][0])).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in("ta")
    page.goto(f"/pupils/{child.public_id}/plan/")
    page.get_by_label("About").select_option(label=f"Outcome 1: {OUTCOMES[0][0]}")
    page.get_by_label("What you saw").fill("Read 22 of the 30 words without help.")
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_role("status")).to_contain_text("Your note is saved")
    expect(page.get_by_text("Read 22 of the 30 words without help.")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in("parent")
    page.goto(f"/pupils/{child.public_id}/plan/")
    assert_accessible(page)
    page.get_by_role("textbox", name="Your view").fill("He reads his word cards to us every night.")
    page.get_by_role("button", name="Send your view").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    sign_out(page)

    sign_in("senco")
    page.goto(f"/pupils/{child.public_id}/plan/")
    page.get_by_role("link", name="Review this cycle").click()
    expect(page.get_by_label("The parents' view")).to_have_value(
        re.compile(r"\(\d\d/\d\d/\d{4}\): He reads his word cards to us every night\.$")
    )
    assert_accessible(page)
    for n in (1, 2, 3):
        page.get_by_role("group", name=f"Progress on outcome {n}").get_by_label(
            "Good progress"
        ).check()
    page.get_by_label("Continue: the plan is working").check()
    page.get_by_label("What was agreed").fill("Keep the word cards; add a writing outcome.")
    page.get_by_role("button", name="Save the review and lock the cycle").click()
    expect(page.get_by_role("status")).to_contain_text("Cycle 2 has started")
    page.get_by_role("link", name="Cycle 1", exact=True).click()
    expect(page.get_by_text("Reviewed on")).to_be_visible()
    expect(page.get_by_role("cell", name=OUTCOMES[0][0])).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Version 1", exact=True).click()
    expect(page.get_by_text("it cannot be changed")).to_be_visible()
    expect(page.get_by_role("cell", name=OUTCOMES[1][0])).to_be_visible()
