"""An EHC plan in Chromium: the SENCO records the plan the LA issued (sections A to K, two
outcomes, two items of provision quantified; a missing quantity is refused first) and the pupil
as E on the register, sees it, records a new version with the first still readable, and opens
section F, planned and delivered so far."""

from playwright.sync_api import expect

from senco import access
from senco.ehcp.models import SECTIONS, TEXT_SECTIONS, EHCPlan
from senco.provision.models import Provision
from tests import targets
from tests.browser.conftest import assert_accessible
from tests.ehcp.test_plans import on_k

OUTCOMES = [
    ("Reads a short book on her own", "Cognition and learning", "End of key stage 2"),
    ("Says when she needs a break", "Social, emotional and mental health", "July"),
]
PROVISION = [
    ("Structured reading programme", "Teaching assistant", "5", "20", "1:1"),
    ("Calm-down plan, practised daily", "Learning mentor", "1", "15", "1:1"),
]


def a_pupil_without_a_plan():
    """`taught_pupil`, on K with their needs, and no current plan."""
    pupil = targets.taught_pupil()
    EHCPlan.objects.current().filter(pupil=pupil).update(ceased_on=access.today())
    return on_k(pupil)


def test_the_senco_records_a_plan_amends_it_and_checks_section_f_delivery(sign_in):
    pupil = a_pupil_without_a_plan()
    entry = Provision.objects.filter(school=pupil.school, is_active=True).order_by("name")[0]
    page = sign_in("senco")
    page.goto(f"/pupils/{pupil.public_id}/ehcp/")
    expect(page.get_by_text("has no current EHC plan")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record a plan the LA issued").click()
    assert_accessible(page)

    page.get_by_label("Local authority", exact=True).fill("Northshire")
    page.get_by_label("LA caseworker").fill("R. Ahmed")
    page.get_by_label("Date the plan was issued").fill(access.today().replace(day=1).isoformat())
    page.get_by_label("Top-up funding a year (£)").fill("7800")
    for code in TEXT_SECTIONS:
        page.get_by_label(f"Section {code}: {SECTIONS[code]}").fill(f"Section {code}, as issued.")
    for n, (text, area, by_when) in enumerate(OUTCOMES, start=1):
        row = page.get_by_role("group", name=f"Outcome {n}", exact=True)
        row.get_by_label("Outcome", exact=True).fill(text)
        row.get_by_label("Area of need").select_option(label=area)
        row.get_by_label("By when").fill(by_when)
    for n, (what, who, sessions, minutes, size) in enumerate(PROVISION, start=1):
        row = page.get_by_role("group", name=f"Provision {n}", exact=True)
        row.get_by_label("What", exact=True).fill(what)
        row.get_by_label("Delivered by").fill(who)
        row.get_by_label("Sessions").fill(sessions)
        if n == 1:
            row.get_by_label("Minutes a session").fill(minutes)
        row.get_by_label("Group size").fill(size)
        row.get_by_label("The outcome it serves").select_option(str(n))
    page.get_by_role("group", name="Provision 1", exact=True).get_by_label(
        "Provision in the school's library"
    ).select_option(label=entry.name)
    page.get_by_role("button", name="Record the plan").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Section F, row 2: Minutes a session: Give how often (sessions) and for how long"
    )
    assert_accessible(page)
    page.get_by_role("group", name="Provision 2", exact=True).get_by_label(
        "Minutes a session"
    ).fill(PROVISION[1][3])
    expect(
        page.get_by_label(
            "Record the pupil as E (EHC plan) on the SEN register from the issue date"
        )
    ).to_be_checked()
    page.get_by_role("button", name="Record the plan").click()

    expect(page.get_by_role("status")).to_contain_text("The EHC plan is recorded as version 1")
    expect(page.get_by_role("status")).to_contain_text(
        f"The SEN register records {pupil.first_name} as E from 1 "
    )
    pupil.refresh_from_db()
    assert pupil.sen_provision == "E"
    expect(page.get_by_role("heading", name="Section K: Advice and information")).to_be_visible()
    expect(page.get_by_text(OUTCOMES[0][0])).to_be_visible()
    expect(page.get_by_role("cell", name=PROVISION[1][0])).to_be_visible()
    expect(page.get_by_text("£7,800.00")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Change the LA, caseworker, funding or transfer").click()
    expect(page.get_by_label("LA caseworker")).to_have_value("R. Ahmed")
    assert_accessible(page)
    page.go_back()

    page.get_by_role("link", name="Record a new version").click()
    expect(page.get_by_label("Section B: Special educational needs")).to_have_value(
        "Section B, as issued."
    )
    assert_accessible(page)
    page.get_by_label("Amended after a review").check()
    page.get_by_label("What changed and why").fill("Annual review: reading outcome raised.")
    page.get_by_role("group", name="Outcome 1", exact=True).get_by_label(
        "Outcome", exact=True
    ).fill("Reads a chapter book on her own")
    page.get_by_role("button", name="Save the new version").click()
    expect(page.get_by_role("status")).to_contain_text("Version 2 is recorded")
    expect(page.get_by_text("Reads a chapter book on her own")).to_be_visible()

    page.get_by_role("link", name="Version 1", exact=True).click()
    expect(page.get_by_text("A kept version: it cannot be changed")).to_be_visible()
    expect(page.get_by_text(OUTCOMES[0][0])).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the EHC plan").click()

    page.get_by_role("link", name="Section F: provision planned and delivered so far").click()
    expect(
        page.get_by_role("heading", name="Section F: provision planned and delivered so far")
    ).to_be_visible()
    expect(page.get_by_role("cell", name=entry.name)).to_be_visible()
    expect(page.get_by_text("Not linked to provision: delivery cannot be counted.")).to_be_visible()
    assert_accessible(page)
