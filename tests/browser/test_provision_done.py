"""Issue 8's whole path in Chromium, checked against a hand calculation: the head sets the TA
rate, the SENCO adds a provision and runs a group of four, `ta` records ten sessions with
attendance, entry and exit reading ages are linked, and the impact page shows the ratio gain,
EEF months and cost per pupil; a pupil with an SEMH need and no SEMH provision is a gap."""

import datetime as dt

from playwright.sync_api import expect

from senco.provision import services
from senco.provision.models import Provision
from tests.browser.conftest import assert_accessible, sign_out
from tests.provision import helpers
from tests.provision.test_gaps import semh_pupil

NAME = "Catch-up reading (whole path)"
ENTRY, EXIT = dt.date(2026, 1, 10), dt.date(2026, 4, 10)


def weekdays_back(start: dt.date, count: int) -> list[dt.date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return days


def test_a_provision_runs_for_ten_sessions_and_its_impact_matches_a_hand_calculation(sign_in):
    page = sign_in("head")
    page.goto("/provision/rates/")
    page.get_by_label("Teaching assistant (£ an hour)", exact=True).fill("20")
    page.get_by_role("button", name="Save the rates").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    sign_out(page)

    page = sign_in("senco")
    page.get_by_role("link", name="Provision", exact=True).click()
    page.get_by_role("link", name="Add a provision").click()
    page.get_by_label("Name", exact=True).fill(NAME)
    page.get_by_label("Area of need").select_option("CL")
    page.get_by_label("Wave 2: small group").check()
    page.get_by_label("How it is delivered").select_option("withdrawal")
    page.get_by_label("Delivered by").select_option("ta")
    page.get_by_label("Minutes a session").fill("30")
    page.get_by_label("Sessions a week").fill("3")
    page.get_by_label("Length in weeks").fill("10")
    page.get_by_label("Usual group size").fill("4")
    page.get_by_role("button", name="Add to the library").click()
    expect(page.get_by_role("status")).to_contain_text(f"Added to the library: {NAME}")
    sign_out(page)

    # A group of four over exactly ten weeks (the pages that start one are tested apart).
    today = dt.date.today()
    provision = Provision.objects.get(name=NAME)
    group = services.start_group(
        provision, by=helpers.senco(), name="Whole path group", staff=[helpers.ta_staff()],
        pupils=helpers.pupils(4), starts=today - dt.timedelta(weeks=10), ends=today,
    )  # fmt: skip
    members = list(group.members.select_related("pupil").order_by("pk"))

    page = sign_in("ta")
    absent = members[0].pupil
    for n, day in enumerate(weekdays_back(today, 10)):
        page.goto(f"/provision/groups/{group.public_id}/sessions/new/")
        page.get_by_label("Date").fill(day.isoformat())
        if n < 2:  # the first pupil missed two sessions: 38 of 40 places taken
            page.get_by_label(absent.full_name).uncheck()
        page.get_by_role("button", name="Save the session").click()
        expect(page.get_by_role("status")).to_contain_text("present")
    assert group.sessions.count() == 10
    sign_out(page)

    # Reading ages 7.00, 7.06, 8.00, 8.04 before and 7.09, 8.00, 8.03, 8.04 three months on.
    for member, before, after in zip(members, [84, 90, 96, 100], [93, 96, 99, 100], strict=True):
        services.record_results(
            member, by=helpers.senco(),
            entry=helpers.result(member.pupil, before, ENTRY),
            exit=helpers.result(member.pupil, after, EXIT),
        )  # fmt: skip

    page = sign_in("senco")
    page.goto(f"/provision/groups/{group.public_id}/")
    page.get_by_role("link", name="Impact of this group").click()
    # Ratio gain: mean gain 4.5 months / 3 months = 1.50. Effect size (1 - 3/11) * 4.5 / 7 =
    # 0.47: 6 months. Cost per pupil: £20 an hour * 1.5 hours a week * 10 weeks / 4 = £75.00.
    expect(page.get_by_text("1.50: small impact (modest)")).to_be_visible()
    expect(page.get_by_text("6 months of additional progress", exact=False)).to_be_visible()
    expect(page.get_by_text("£75.00")).to_be_visible()
    expect(page.get_by_text("95% of places taken")).to_be_visible()
    assert_accessible(page)

    pupil = semh_pupil()
    page.goto("/provision/gaps/")
    row = page.get_by_role("row").filter(has_text=f"{pupil.last_name}, {pupil.first_name}")
    while not row.count() and page.get_by_role("link", name="Next page").count():
        page.get_by_role("link", name="Next page").first.click()
    expect(row).to_contain_text("Social, emotional and mental health")
