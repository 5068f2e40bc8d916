"""Intervention groups in Chromium: the SENCO starts a group of four, `ta` records a session
with one pupil absent, the SENCO links entry and exit reading ages (after a refusal of an exit
before the entry); axe finds nothing on any page."""

import datetime as dt

from playwright.sync_api import expect

from senco.assessment.models import Result
from senco.schools.models import Staff
from tests import targets
from tests.browser.conftest import assert_accessible, sign_out


def four_pupils():
    """Four pupils `ta` can see, the first with two reading ages to link."""
    seen = list(targets.visible("ta", targets.home_school()).on_roll().order_by("pk"))

    def readings(pupil):
        return list(
            Result.objects.filter(pupil=pupil, assessment_type__kind="reading_age").order_by(
                "taken_on"
            )
        )

    measured = [p for p in seen if len(readings(p)) >= 2]
    pupils = measured[:1] + [p for p in seen if p not in measured[:1]][:3]
    return pupils, readings(pupils[0])


def label(pupil) -> str:
    return f"{pupil.last_name}, {pupil.first_name} ({pupil.year_group_label})"


def test_a_group_is_started_a_session_recorded_and_results_linked(sign_in):
    pupils, readings = four_pupils()
    ta = Staff.objects.get(user__username="ta")
    page = sign_in("senco")
    page.goto("/provision/groups/")
    assert_accessible(page)
    page.get_by_role("link", name="Start a group").click()
    assert_accessible(page)
    page.get_by_label("Provision").select_option(label="Toe by Toe")
    page.get_by_label("Name of the group").fill("Reading boost, Year group")
    page.get_by_label("Run by").select_option(label=str(ta))
    page.get_by_label("Year group").select_option(label=pupils[0].year_group_label)
    page.get_by_label("Include pupils not on the SEN register").check()
    page.get_by_role("button", name="Show these pupils").click()
    for pupil in pupils:
        if pupil.year_group != pupils[0].year_group:
            page.get_by_label("Year group").select_option(label=pupil.year_group_label)
            page.get_by_role("button", name="Show these pupils").click()
        page.get_by_label(label(pupil)).check()
    expect(page.get_by_label("Name of the group")).to_have_value("Reading boost, Year group")
    page.get_by_label("Starts on").fill((dt.date.today() - dt.timedelta(days=56)).isoformat())
    page.get_by_label("Ends on").fill((dt.date.today() + dt.timedelta(days=28)).isoformat())
    page.get_by_role("button", name="Start the group").click()
    expect(page.get_by_role("status")).to_contain_text("Group started")
    expect(page.get_by_role("heading", name="Reading boost, Year group")).to_be_visible()
    assert_accessible(page)
    address = page.url
    sign_out(page)

    page = sign_in("ta")
    page.goto(address)
    page.get_by_role("link", name="Record a session").click()
    assert_accessible(page)
    page.get_by_label(pupils[1].full_name).uncheck()
    page.get_by_role("button", name="Save the session").click()
    expect(page.get_by_role("status")).to_contain_text("3 of 4 present")
    assert_accessible(page)
    sign_out(page)

    page = sign_in("senco")
    page.goto(address)
    page.get_by_role("link", name="Entry and exit results").click()
    assert_accessible(page)
    entry, exit_ = readings[0], readings[-1]
    shown = {r.pk: f"{r.display} on {r.taken_on:%d/%m/%Y}" for r in readings}
    first = pupils[0].full_name
    page.get_by_label(f"Entry result for {first}").select_option(label=shown[exit_.pk])
    page.get_by_label(f"Exit result for {first}").select_option(label=shown[entry.pk])
    page.get_by_role("button", name="Save the results").click()
    expect(page.get_by_role("alert")).to_contain_text("is not after the entry result")
    assert_accessible(page)
    page.get_by_label(f"Entry result for {first}").select_option(label=shown[entry.pk])
    page.get_by_label(f"Exit result for {first}").select_option(label=shown[exit_.pk])
    page.get_by_role("button", name="Save the results").click()
    expect(page.get_by_role("status")).to_contain_text("Results saved for 1 pupil")
    expect(page.get_by_text(shown[exit_.pk])).to_be_visible()
    assert_accessible(page)
