"""The EHC plan pages as people use them: who sees what (parents and teachers never see the
funding), what each form records and refuses, and what is written to the audit log."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from senco import access
from senco.audit.models import AuditEntry
from senco.ehcp import deadlines
from senco.ehcp.models import AnnualReview, EHCPlan, NeedsAssessmentRequest
from senco.ehcp.services import plans
from senco.schools.calendar import academic_year_start
from senco.schools.models import AcademicYear, Term
from tests import targets
from tests.ehcp import helpers
from tests.ehcp.test_plans import (
    SECTIONS,
    item,
    library_entry,
    on_k,
    outcome,
    pupil_without_plan,
    record,
)
from tests.queries import queries_for

pytestmark = pytest.mark.django_db


def url(name: str, pupil, plan=None, **kwargs) -> str:
    kwargs["public_id"] = pupil.public_id
    if plan is not None:
        kwargs["plan_id"] = plan.public_id
    return reverse(f"pupils:ehcp:{name}", kwargs=kwargs)


def logged(action: str, pupil) -> int:
    return AuditEntry.objects.filter(action=action, pupil_id=pupil.pk).count()


def rows(prefix: str, given: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(given)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "20",
    }
    for n, row in enumerate(given):
        data |= {f"{prefix}-{n}-{name}": value for name, value in row.items()}
    return data


OUTCOME_ROWS = [
    {"text": "Reads a short text on her own", "area": "CL", "by_when": "July", "steps": ""},
    {"text": "Asks an adult for help when stuck", "area": "SEMH", "by_when": "", "steps": ""},
]
PROVISION_ROWS = [
    {"what": "Structured reading, 1:1", "who": "Teaching assistant", "sessions": "5",
     "per": "week", "minutes": "20", "group_size": "1:1", "outcome": "1"},
    {"what": "Speech and language programme", "who": "Therapist", "sessions": "1",
     "per": "week", "minutes": "30", "group_size": "", "outcome": "2"},
]  # fmt: skip


def plan_form(outcomes=OUTCOME_ROWS, provision=PROVISION_ROWS, **fields) -> dict:
    data = {
        "local_authority": "Northshire",
        "caseworker": "R. Ahmed",
        "caseworker_email": "",
        "la_reference": "EHC1",
        "issued_on": helpers.days_ago(40).isoformat(),
        "top_up_per_year": "7800",
        "top_up_band": "Band 3",
        **{f"section_{code}": text for code, text in SECTIONS.items()},
    }
    return data | rows("outcomes", outcomes) | rows("provision", provision) | fields


# The plan page.


def test_the_senco_sees_the_plan_its_funding_and_every_version_and_the_read_is_logged(client_for):
    pupil = pupil_without_plan()
    plan = record(pupil)
    response = client_for("senco").get(url("plan", pupil))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Northshire", "EHC12345", "Top-up funding a year", "£7,800.00", "Band 3",
                 "Section K: Advice and information", "Outcome 2: reads a short text",
                 "Next annual review", "Version 1"):  # fmt: skip
        assert text in page, text
    due = plan.issued_on.replace(year=plan.issued_on.year + 1)
    assert f"{due:%-d %B %Y}" in page
    assert logged("ehcp.plan_viewed", pupil) == 1
    assert url("plan_delivery", pupil, plan) in page
    assert url("plan_amend", pupil, plan) in page
    assert "Provision in the library" in page
    assert "Section F: provision planned and delivered so far" in page


@pytest.mark.parametrize(("who", "target"), [("parent", "child"), ("teacher", "taught")])
def test_parents_and_teachers_see_the_plan_but_never_its_funding(client_for, who, target):
    pupil = targets.parents_child() if target == "child" else targets.taught_pupil()
    plan = helpers.ehc_plan_for(pupil)
    response = client_for(who).get(url("plan", pupil))
    assert response.status_code == 200
    page = response.content.decode()
    assert plan.local_authority in page and "Section F" in page
    assert "Top-up" not in page and "£" not in page and (plan.top_up_band or "Band") not in page
    assert url("plan_delivery", pupil, plan) not in page
    assert url("plan_amend", pupil, plan) not in page
    version = client_for(who).get(url("plan_version", pupil, plan, number=1)).content.decode()
    for shown in (page, version):
        assert "Delivered by" in shown and "Provision in the library" not in shown
        assert "Not linked" not in shown


def test_the_head_sees_which_library_provision_delivers_each_item(client_for):
    pupil = pupil_without_plan()
    entry = library_entry()
    plan = record(pupil, provision=[item(library=entry.pk), item(2, outcome=2)])
    for address in (url("plan", pupil), url("plan_version", pupil, plan, number=1)):
        page = client_for("head").get(address).content.decode()
        assert "Provision in the library" in page and entry.name in page and "Not linked" in page


def test_a_teacher_who_does_not_teach_the_pupil_gets_not_found(client_for):
    assert client_for("other_teacher").get(url("plan", targets.taught_pupil())).status_code == 404


def test_a_pupil_without_a_plan_shows_so_with_the_earlier_plans_and_a_link_to_record_one(
    client_for,
):
    pupil = targets.taught_pupil()
    helpers.ehc_plan_for(pupil)
    pupil = pupil_without_plan(pupil)
    page = client_for("senco").get(url("plan", pupil)).content.decode()
    assert "has no current EHC plan" in page and "Earlier plans" in page
    assert url("plan_record", pupil) in page
    assert (
        url("plan_record", pupil) not in client_for("head").get(url("plan", pupil)).content.decode()
    )


def test_an_under_five_gets_review_prompts_not_alarms(client_for):
    pupil = pupil_without_plan()
    born = helpers.days_ago(3 * 365)
    type(pupil).objects.filter(pk=pupil.pk).update(date_of_birth=born)
    pupil.date_of_birth = born
    record(pupil)
    page = client_for("senco").get(url("plan", pupil)).content.decode()
    assert page.count("Prompt: consider a review by") == 2


def test_the_form_to_end_a_live_plan_is_not_headed_as_if_it_had_ceased(client_for):
    pupil = pupil_without_plan()
    record(pupil)
    page = client_for("senco").get(url("plan", pupil)).content.decode()
    assert ">End this plan (when the LA ceases it)</h2>" in page
    assert "The plan ceased</h2>" not in page


def test_an_amended_plan_awaited_after_the_las_decision_shows_when_it_is_due(client_for):
    pupil = pupil_without_plan()
    plan = record(pupil)
    held, decided, proposed = helpers.days_ago(40), helpers.days_ago(12), helpers.days_ago(10)
    AnnualReview.objects.create(
        plan=plan, due_by=helpers.days_ago(30), meeting_on=held, held_on=held,
        status=AnnualReview.Status.DONE, la_decision=AnnualReview.Decision.AMEND,
        la_decided_on=decided, amendment_proposed_on=proposed,
    )  # fmt: skip
    due = deadlines.amendment_deadlines(proposed, held)["final_by"]
    for who in ("senco", "teacher"):
        page = client_for(who).get(url("plan", pupil)).content.decode()
        assert (
            f"The LA decided to amend the plan on {decided:%-d %B %Y}: the final amended plan is "
            f"due by <strong>{due:%-d %B %Y}</strong>"
        ) in page
    AnnualReview.objects.filter(plan=plan).update(amended_plan_on=helpers.days_ago(1))
    assert "The LA decided to amend" not in client_for("senco").get(url("plan", pupil)).text


def test_the_transfer_year_hint_suggests_the_pupils_next_transfer(client_for):
    pupil = pupil_without_plan()  # Year 5: secondary school the September after next
    suggested = (
        f"For this pupil (Year 5): {academic_year_start(access.today()) + 2}, the move to "
        "secondary school."
    )
    assert suggested in client_for("senco").get(url("plan_record", pupil)).text
    plan = record(pupil)
    assert suggested in client_for("senco").get(url("plan_details", pupil, plan)).text


def test_the_phase_transfer_deadline_shows_when_the_year_is_set(client_for):
    pupil = pupil_without_plan()
    year = academic_year_start(access.today()) + 2
    plan = record(pupil)
    EHCPlan.objects.filter(pk=plan.pk).update(phase_transfer_year=year)
    page = client_for("senco").get(url("plan", pupil)).content.decode()
    assert f"15 February {year}" in page


def test_the_plan_page_costs_the_same_queries_with_two_rows_or_twelve(client_for):
    counts = []
    client = client_for("senco")
    client.get(url("plan", targets.taught_pupil()))  # the session and caches, once
    for n in (2, 12):
        pupil = pupil_without_plan()
        entry = library_entry()
        record(
            pupil,
            outcomes=[outcome(i) for i in range(1, n + 1)],
            provision=[item(i, outcome=i, library=entry.pk) for i in range(1, n + 1)],
        )
        counts.append(queries_for(client, url("plan", pupil)))
    assert counts[0] == counts[1]


# Recording.


def test_the_senco_records_a_plan_and_it_is_logged(client_for):
    pupil = pupil_without_plan()
    entry = library_entry()
    data = plan_form()
    data["provision-0-library"] = str(entry.pk)
    response = client_for("senco").post(url("plan_record", pupil), data)
    assert response.status_code == 302 and response["Location"] == url("plan", pupil)
    plan = pupil.ehc_plans.current().get()
    found = plans.content(plans.current_version(plan))
    assert [o.text for o in found.outcomes] == [r["text"] for r in OUTCOME_ROWS]
    assert found.provision[0].provision == entry and found.provision[1].outcome == found.outcomes[1]
    assert logged("ehcp.plan_recorded", pupil) == 1


def test_the_record_form_offers_to_record_the_pupil_as_e_ticked_when_they_are_not(client_for):
    pupil = on_k(pupil_without_plan())
    page = client_for("senco").get(url("plan_record", pupil)).content.decode()
    box = re.search(r'<input type="checkbox" name="on_register"[^>]*>', page)
    assert box is not None and "checked" in box.group(0)
    assert "Record the pupil as E (EHC plan) on the SEN register from the issue date" in page
    assert reverse("pupils:register_change", kwargs={"public_id": pupil.public_id}) in page
    type(pupil).objects.filter(pk=pupil.pk).update(sen_provision="E")
    page = client_for("senco").get(url("plan_record", pupil)).content.decode()
    assert 'name="on_register"' not in page


def test_the_senco_records_a_plan_and_the_pupil_as_e_in_one_go(client_for):
    pupil = on_k(pupil_without_plan())
    issued = helpers.days_ago(40)
    response = client_for("senco").post(
        url("plan_record", pupil), plan_form(on_register="on"), follow=True
    )
    page = response.content.decode()
    assert f"The SEN register records {pupil.first_name} as E from {issued:%-d %B %Y}." in page
    pupil.refresh_from_db()
    assert pupil.sen_provision == "E" and pupil.ehc_plans.current().exists()
    assert pupil.sen_statuses.get(ends__isnull=True).starts == issued
    assert logged("register.status_changed", pupil) == 1


def test_a_pupil_without_a_primary_need_is_refused_at_the_box_and_nothing_is_recorded(
    client_for,
):
    pupil = on_k(pupil_without_plan(), needs=())
    response = client_for("senco").post(url("plan_record", pupil), plan_form(on_register="on"))
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert 'href="#id_on_register"' in page
    assert "has no primary need on the SEN register" in page
    assert "record their need on the register first" in page
    pupil.refresh_from_db()
    assert pupil.sen_provision == "K" and not pupil.ehc_plans.current().exists()
    assert (
        logged("ehcp.plan_recorded", pupil) == 0 and logged("register.status_changed", pupil) == 0
    )


def test_a_plan_recorded_from_a_request_closes_it(client_for):
    pupil = pupil_without_plan()
    request = helpers.request_for(pupil)
    address = url("plan_record", pupil) + f"?request={request.public_id}"
    assert "Northshire" in client_for("senco").get(address).content.decode()
    assert client_for("senco").post(address, plan_form()).status_code == 302
    request.refresh_from_db()
    assert request.status == NeedsAssessmentRequest.Status.ISSUED and request.plan is not None


def test_a_request_of_another_pupil_is_not_found(client_for):
    pupil = pupil_without_plan()
    other = helpers.request_for(targets.parents_child())
    address = url("plan_record", pupil) + f"?request={other.public_id}"
    assert client_for("senco").get(address).status_code == 404


def test_a_pupil_with_a_current_plan_is_sent_to_it(client_for):
    pupil = targets.taught_pupil()
    helpers.ehc_plan_for(pupil)
    response = client_for("senco").get(url("plan_record", pupil), follow=True)
    assert response.redirect_chain[-1][0] == url("plan", pupil)
    assert "has a current EHC plan already" in response.content.decode()


BAD_FORMS = {
    "an F item without minutes": (
        {"provision-1-minutes": ""},
        "Section F, row 2: Minutes a session: Give how often (sessions) and for how long",
    ),
    "an F item without sessions or minutes": (
        {"provision-0-sessions": "", "provision-0-minutes": "0"},
        "Section F, row 1: Sessions: Give how often (sessions)",
    ),
    "an outcome without its area": (
        {"outcomes-1-area": ""},
        "Section E, row 2: Area of need: Choose the area of need",
    ),
    "an F item serving an empty outcome row": (
        {"outcomes-1-text": "", "outcomes-1-by_when": ""},
        "Section F, row 2: The outcome it serves: Outcome 2 of section E is empty",
    ),
    "a section too long": (
        {"section_B": "x" * 5001},
        "Section B: Special educational needs must be 5000 characters or fewer (it has 5001)",
    ),
    "a null character": ({"section_A": "Views\x00"}, "Null characters are not allowed"),
    "an issue date in the future": (
        {"issued_on": (access.today() + dt.timedelta(days=2)).isoformat()},
        "is in the future",
    ),
    "no local authority": ({"local_authority": ""}, "Give the local authority"),
    "a top-up far too large": ({"top_up_per_year": "250000"}, "Top-up funding a year (£)"),
    "a transfer year that does not fit": (
        {"phase_transfer_year": str(academic_year_start(access.today()) + 3)},
        "The phase transfer year does not fit: in ",
    ),
    "a library entry of another school": (
        {"provision-0-library": "OTHER"},
        "Choose provision in use in this school",
    ),
}


@pytest.mark.parametrize("case", BAD_FORMS, ids=list(BAD_FORMS))
def test_a_bad_plan_form_says_what_is_wrong_where_and_records_nothing(client_for, case):
    pupil = pupil_without_plan()
    changes, message = BAD_FORMS[case]
    if changes.get("provision-0-library") == "OTHER":
        changes = {"provision-0-library": str(library_entry(targets.other_school()).pk)}
    response = client_for("senco").post(url("plan_record", pupil), plan_form(**changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page.replace("&#x27;", "'").replace("&amp;", "&"), message
    assert not pupil.ehc_plans.current().exists()
    assert logged("ehcp.plan_recorded", pupil) == 0


def test_hostile_text_is_kept_as_text_and_shown_escaped(client_for):
    pupil = pupil_without_plan()
    hostile = "<script>alert('x')</script>"
    data = plan_form(section_A=hostile, local_authority="<b>Northshire</b>")
    assert client_for("senco").post(url("plan_record", pupil), data).status_code == 302
    page = client_for("senco").get(url("plan", pupil)).content.decode()
    assert hostile not in page and "&lt;script&gt;" in page and "&lt;b&gt;Northshire" in page


# Amending.


def amend_form(plan, **fields) -> dict:
    found = plans.content(plans.current_version(plan))
    outcome_rows = [
        {"id": o.pk, "text": o.text, "area": o.area, "by_when": o.by_when, "steps": o.steps}
        for o in found.outcomes
    ]
    provision_rows = [
        {"what": p.what, "who": p.who, "sessions": str(p.sessions), "per": p.per,
         "minutes": str(p.minutes), "group_size": p.group_size, "outcome": "1"}
        for p in found.provision
    ]  # fmt: skip
    data = {
        "kind": "amended",
        "dated": helpers.days_ago(3).isoformat(),
        "why": "Annual review: outcome 1 achieved.",
        "based_on": str(found.version.number),
        **{f"section_{c}": t for c, t in found.version.sections.items()},
    }
    return (
        data
        | rows("outcomes", outcome_rows, len(outcome_rows))
        | rows("provision", provision_rows, len(provision_rows))
        | fields
    )


def test_an_amendment_prefills_every_section_and_makes_a_new_version(client_for):
    pupil = pupil_without_plan()
    plan = record(pupil)
    client = client_for("senco")
    page = client.get(url("plan_amend", pupil, plan)).content.decode()
    assert "Outcome 1: reads a short text" in page and "Section K as the LA wrote it." in page
    data = amend_form(plan, **{"outcomes-0-text": "Reads a chapter book on her own"})
    assert client.post(url("plan_amend", pupil, plan), data).status_code == 302
    versions = list(plans.versions_of(plan))
    assert [v.number for v in versions] == [1, 2]
    now = plans.content(versions[1])
    assert now.outcomes[0].text == "Reads a chapter book on her own"
    assert now.outcomes[0].carried_from == plans.content(versions[0]).outcomes[0]
    assert logged("ehcp.plan_amended", pupil) == 1
    first = client.get(url("plan_version", pupil, plan, number=1))
    assert first.status_code == 200 and "Outcome 1: reads a short text" in first.content.decode()
    assert "A kept version: it cannot be changed" in first.content.decode()
    assert logged("ehcp.version_viewed", pupil) == 1


def test_an_amendment_dated_before_the_current_version_is_refused(client_for):
    pupil = pupil_without_plan()
    plan = record(pupil)
    data = amend_form(plan, dated=(plan.issued_on - dt.timedelta(days=1)).isoformat())
    response = client_for("senco").post(url("plan_amend", pupil, plan), data)
    assert response.status_code == 200
    assert "is before the plan was issued" in response.content.decode()
    assert plans.versions_of(plan).count() == 1


def test_an_amendment_without_why_is_refused(client_for):
    pupil = pupil_without_plan()
    plan = record(pupil)
    response = client_for("senco").post(url("plan_amend", pupil, plan), amend_form(plan, why=""))
    assert "Say what changed and why" in response.content.decode()
    assert plans.versions_of(plan).count() == 1


def test_an_amendment_without_the_version_it_started_from_is_refused(client_for):
    pupil = pupil_without_plan()
    plan = record(pupil)
    data = amend_form(plan)
    del data["based_on"]
    response = client_for("senco").post(url("plan_amend", pupil, plan), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "without the version it was opened at" in page
    assert plans.versions_of(plan).count() == 1 and logged("ehcp.plan_amended", pupil) == 0


def test_a_ceased_plan_is_not_amended(client_for):
    pupil = pupil_without_plan()
    plan = record(pupil)
    plans.cease_plan(plan, by=helpers.senco(pupil), on=access.today(), why="Left.")
    response = client_for("senco").post(url("plan_amend", pupil, plan), amend_form(plan))
    assert response.status_code == 302 and plans.versions_of(plan).count() == 1


# Details and the end.


def details_form(plan, **fields) -> dict:
    """The details form as the page sends it back, opened at the plan's current version."""
    data = {
        "local_authority": plan.local_authority,
        "caseworker": plan.caseworker,
        "caseworker_email": plan.caseworker_email,
        "la_reference": plan.la_reference,
        "top_up_per_year": str(plan.top_up_per_year or ""),
        "top_up_band": plan.top_up_band,
        "version": str(plan.version),
    }
    return data | fields


def test_the_details_change(client_for):
    pupil = pupil_without_plan()
    plan = record(pupil)
    page = client_for("senco").get(url("plan_details", pupil, plan)).content.decode()
    assert '<input type="hidden" name="version" value="1"' in page
    data = {"local_authority": "Southborough", "caseworker": "S. Okafor", "top_up_per_year": "9000"}
    response = client_for("senco").post(url("plan_details", pupil, plan), data | {"version": "1"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.local_authority == "Southborough" and plan.top_up_per_year == 9000
    assert plan.version == 2 and logged("ehcp.plan_changed", pupil) == 1


def test_a_details_form_opened_before_someone_elses_change_shows_what_is_saved_now(client_for):
    pupil = pupil_without_plan()
    plan = record(pupil)
    stale = details_form(plan)
    client = client_for("senco")
    address = url("plan_details", pupil, plan)
    assert client.post(address, stale | {"top_up_per_year": "12000"}).status_code == 302
    response = client.post(address, stale | {"caseworker": "B. Newworker"})
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert "Someone changed these details since you opened this page" in page
    # The form now holds what is saved, at the version saved: saving again is a choice.
    assert 'value="12000.00"' in page and "B. Newworker" not in page
    assert '<input type="hidden" name="version" value="2"' in page
    plan.refresh_from_db()
    assert plan.top_up_per_year == 12000 and plan.caseworker == "R. Ahmed"
    assert logged("ehcp.plan_changed", pupil) == 1
    assert logged("ehcp.plan_viewed", pupil) == 1  # the page shown again names the pupil


@pytest.mark.parametrize("version", ["", "first", "0"])
def test_a_details_form_without_the_version_it_was_opened_at_changes_nothing(client_for, version):
    pupil = pupil_without_plan()
    plan = record(pupil)
    data = details_form(plan, caseworker="B. Newworker", version=version)
    response = client_for("senco").post(url("plan_details", pupil, plan), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "without the version it was opened at" in page
    plan.refresh_from_db()
    assert plan.caseworker == "R. Ahmed" and plan.version == 1
    assert logged("ehcp.plan_changed", pupil) == 0


def test_a_details_form_opened_before_a_new_version_is_refused(client_for):
    pupil = pupil_without_plan()
    plan = record(pupil)
    stale = details_form(plan, caseworker="B. Newworker")
    client = client_for("senco")
    assert client.post(url("plan_amend", pupil, plan), amend_form(plan)).status_code == 302
    response = client.post(url("plan_details", pupil, plan), stale)
    assert "Someone changed these details" in response.content.decode()
    plan.refresh_from_db()
    assert plan.caseworker == "R. Ahmed"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phase_transfer_year", "OFFSET3", "which is not a transfer point; the transfer years"),
        ("top_up_per_year", "250000", "Ensure this value is less than or equal to 200000"),
        ("top_up_per_year", "-1", "Ensure this value is greater than or equal to 0"),
        ("local_authority", "", "Give the local authority that issued the plan"),
    ],
)
def test_bad_details_are_refused_with_the_reason(client_for, field, value, message):
    pupil = pupil_without_plan()
    plan = record(pupil)
    if value == "OFFSET3":
        value = str(academic_year_start(access.today()) + 3)
    data = {"local_authority": "Northshire", field: value, "version": "1"}
    response = client_for("senco").post(url("plan_details", pupil, plan), data)
    assert response.status_code == 200 and message in response.content.decode()
    plan.refresh_from_db()
    assert plan.phase_transfer_year is None and plan.top_up_per_year == 7800
    assert logged("ehcp.plan_changed", pupil) == 0


def test_a_plan_ceases_from_the_plan_page(client_for):
    pupil = pupil_without_plan()
    plan = record(pupil)
    client = client_for("senco")
    assert client.get(url("plan_cease", pupil, plan)).status_code == 405
    data = {"ceased_on": access.today().isoformat(), "why": "The LA ceased the plan."}
    assert client.post(url("plan_cease", pupil, plan), data).status_code == 302
    plan.refresh_from_db()
    assert plan.ceased_on == access.today() and logged("ehcp.plan_ceased", pupil) == 1
    again = client.post(url("plan_cease", pupil, plan), data, follow=True)
    assert "ceased on" in again.content.decode()


def test_a_plan_cannot_cease_in_the_future(client_for):
    pupil = pupil_without_plan()
    plan = record(pupil)
    data = {"ceased_on": (access.today() + dt.timedelta(days=9)).isoformat(), "why": "Later."}
    response = client_for("senco").post(url("plan_cease", pupil, plan), data)
    assert response.status_code == 200 and "is in the future" in response.content.decode()
    plan.refresh_from_db()
    assert plan.is_current


# Another pupil's plan, and delivery.


@pytest.mark.parametrize("name", ["plan_version", "plan_amend", "plan_details", "plan_delivery"])
def test_another_pupils_plan_under_a_visible_pupils_address_is_not_found(client_for, name):
    other = helpers.ehc_plan_for(targets.parents_child())
    pupil = targets.taught_pupil()
    kwargs = {"number": 1} if name == "plan_version" else {}
    assert client_for("senco").get(url(name, pupil, other, **kwargs)).status_code == 404


def test_section_f_delivered_counts_each_item_and_says_when_one_cannot_be_counted(client_for):
    pupil = pupil_without_plan()
    entry = library_entry()
    plan = record(pupil, provision=[item(library=entry.pk), item(2, outcome=2)])
    response = client_for("senco").get(url("plan_delivery", pupil, plan))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Section F: provision planned and delivered so far" in page and entry.name in page
    assert "Not linked to provision: delivery cannot be counted." in page
    assert url("plan_amend", pupil, plan) in page
    assert re.search(r"1 of 2 items? short", page) or "No item is short" in page
    assert logged("ehcp.delivery_viewed", pupil) == 1


def test_a_term_that_has_not_started_says_so_rather_than_a_backwards_span(client_for):
    pupil = pupil_without_plan()
    plan = record(pupil)
    today = access.today()
    year, _ = AcademicYear.objects.get_or_create(
        school=pupil.school, start_year=academic_year_start(today)
    )
    starts = today + dt.timedelta(days=30)
    Term.objects.update_or_create(
        academic_year=year, name="summer",
        defaults={"starts": starts, "ends": today + dt.timedelta(days=90)},
    )  # fmt: skip
    response = client_for("senco").get(url("plan_delivery", pupil, plan), {"period": "summer"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Not started yet: the summer term {year} starts on {starts:%-d %B %Y}." in page
    assert "school weeks in the school" not in page and "0 school weeks" not in page


def test_an_unknown_period_is_refused_with_the_choices_and_the_read_is_logged(client_for):
    pupil = pupil_without_plan()
    plan = record(pupil)
    response = client_for("senco").get(url("plan_delivery", pupil, plan), {"period": "winter"})
    assert response.status_code == 400 and "autumn, spring or summer" in response.content.decode()
    assert escape(pupil.full_name) in response.content.decode()
    assert logged("ehcp.delivery_viewed", pupil) == 1


def invalid_post(name: str, pupil) -> tuple[str, dict]:
    """The address of the form `name` and data it refuses."""
    if name == "plan_record":
        return url(name, pupil), plan_form(local_authority="")
    plan = record(pupil)
    if name == "plan_amend":
        return url(name, pupil, plan), amend_form(plan, why="")
    return url(name, pupil, plan), details_form(plan, local_authority="")


@pytest.mark.parametrize("name", ["plan_record", "plan_amend", "plan_details"])
def test_a_form_sent_back_with_its_problems_logs_the_read_of_the_pupil(client_for, name):
    pupil = pupil_without_plan()
    address, data = invalid_post(name, pupil)
    response = client_for("senco").post(address, data)
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert escape(pupil.full_name) in response.content.decode()
    assert logged("ehcp.plan_viewed", pupil) == 1


@pytest.mark.parametrize(("who", "target"), [("teacher", "taught"), ("parent", "child")])
def test_teachers_and_parents_do_not_see_delivery(client_for, who, target):
    pupil = targets.parents_child() if target == "child" else targets.taught_pupil()
    plan = helpers.ehc_plan_for(pupil)
    assert client_for(who).get(url("plan_delivery", pupil, plan)).status_code == 403
