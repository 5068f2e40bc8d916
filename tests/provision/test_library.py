"""The provision library and the standard hourly rates, as pages: good and hostile input, who
sees costs, and the cost per pupil written out as a sum a SENCO can check by hand."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from senco.accounts.models import User
from senco.assessment.models import AssessmentType
from senco.audit.models import AuditEntry
from senco.provision import services
from senco.provision.models import Provision, StaffRate
from tests import targets
from tests.provision import helpers

pytestmark = pytest.mark.django_db

TIMES = "\N{MULTIPLICATION SIGN}"
NAME = "Reading catch-up (library test)"


def entry(**fields) -> Provision:
    values = {
        "name": NAME,
        "area": "CL",
        "wave": 2,
        "delivery": "withdrawal",
        "staff_role": "ta",
        "session_minutes": 30,
        "sessions_per_week": Decimal(3),
        "weeks": 10,
        "group_size": 4,
        "materials_cost": Decimal("45.50"),
    } | fields
    return services.save_provision(targets.home_school(), by=helpers.senco(), **values)


def ta_rate(cost: str = "18.40") -> None:
    head = User.objects.get(username="head")
    services.set_rate(targets.home_school(), by=head, role="ta", hourly_cost=Decimal(cost))


def without_rate(role: str) -> None:
    """The demo sets every rate; these tests need a role without one."""
    StaffRate.objects.filter(school=targets.home_school(), role=role).delete()


def form_data(**changes) -> dict:
    reading = helpers.reading_age()
    return {
        "name": NAME,
        "description": "Three short sessions a week of reading aloud with a TA.",
        "area": "CL",
        "wave": "2",
        "delivery": "withdrawal",
        "staff_role": "ta",
        "session_minutes": "30",
        "sessions_per_week": "3",
        "weeks": "10",
        "group_size": "4",
        "materials_cost": "45.50",
        "licence_cost": "0",
        "training_cost": "0",
        "evidence": "EEF Toolkit: reading comprehension strategies.",
        "eef_rating": "+6 months",
        "entry_assessment": str(reading.public_id),
        "exit_assessment": str(reading.public_id),
        "is_active": "on",
    } | changes


def page(response) -> str:
    return response.content.decode()


def library(client, **query):
    return client.get(reverse("provision:library"), query)


def detail_url(provision) -> str:
    return reverse("provision:library_detail", args=[provision.public_id])


# The list


def test_the_senco_sees_each_entry_with_its_cost_per_pupil_and_eef_band(client_for):
    ta_rate()
    entry()
    shown = page(library(client_for("senco"), q="library test"))
    assert NAME in shown and "Teaching assistant" in shown
    assert f"3 {TIMES} 30 minutes a week for 10 weeks" in shown
    assert "£80.38" in shown and "££ (low)" in shown


def test_teachers_and_tas_read_the_library_without_any_money(client_for):
    ta_rate()
    entry()
    for who in ("teacher", "ta"):
        shown = page(library(client_for(who), q="library test"))
        assert NAME in shown
        assert "£" not in shown and "Cost" not in shown, who


def test_an_entry_without_a_rate_for_its_role_says_so_instead_of_a_cost(client_for):
    without_rate("specialist")
    entry(staff_role="specialist")
    shown = page(library(client_for("senco"), q="library test"))
    assert "No standard rate yet for this role" in shown


OTHERS = {
    "Reading catch-up": NAME,
    "Lego therapy": "Lego therapy (library test)",
    "Old handwriting club": "Old handwriting club (library test)",
}


def test_the_list_filters_by_area_wave_and_use_and_searches_by_name(client_for):
    entry()
    entry(name=OTHERS["Lego therapy"], area="SEMH", wave=3, delivery="one_to_one")
    entry(name=OTHERS["Old handwriting club"], area="SP", is_active=False)
    senco = client_for("senco")

    def names(**query) -> set[str]:
        shown = page(library(senco, q="library test", **query))
        return {short for short, name in OTHERS.items() if name in shown}

    assert names() == {"Reading catch-up", "Lego therapy"}
    assert names(area="SEMH") == {"Lego therapy"}
    assert names(wave="2") == {"Reading catch-up"}
    assert names(in_use="no") == {"Old handwriting club"}
    assert names(in_use="all") == {"Reading catch-up", "Lego therapy", "Old handwriting club"}
    assert names(area="XX") == {"Reading catch-up", "Lego therapy"}  # unreadable: ignored
    assert "Nothing in the library matches" in page(library(senco, q="no such provision"))


def test_the_list_counts_the_groups_running_now_that_the_reader_may_see(client_for):
    provision = entry()
    helpers.group(provision)
    for who, running in (("senco", 1), ("ta", 1), ("teacher", 0)):
        shown = page(library(client_for(who), q="library test"))
        assert f"<td>{running}</td>" in shown.split(NAME)[1].split("</tr>")[0], who


def test_the_list_costs_the_same_queries_for_two_entries_as_for_twenty(client_for):
    ta_rate()
    senco = client_for("senco")
    for n in range(2):
        entry(name=f"Pinned {n:02}")
    library(senco)  # the session's first request does its own bookkeeping
    with CaptureQueriesContext(connection) as two:
        assert library(senco, q="Pinned").status_code == 200
    for n in range(2, 20):
        entry(name=f"Pinned {n:02}", staff_role="teacher" if n % 2 else "ta")
    with CaptureQueriesContext(connection) as twenty:
        assert "Pinned 19" in page(library(senco, q="Pinned"))
    assert len(twenty) == len(two)


def test_the_list_page_stays_within_its_query_budget(client_for, django_assert_max_num_queries):
    ta_rate()
    for n in range(20):
        entry(name=f"Budget {n:02}")
    senco = client_for("senco")
    library(senco)
    with django_assert_max_num_queries(7):
        library(senco, q="Budget")


# One entry


def test_the_entry_writes_out_its_cost_per_pupil_as_a_sum(client_for):
    ta_rate()
    provision = entry()
    shown = page(client_for("head").get(detail_url(provision)))
    assert (
        f"£18.40 an hour {TIMES} 1.5 hours a week {TIMES} 10 weeks ÷ 4 pupils + £45.50 materials"
        " ÷ 4 = £80.38" in shown
    )
    assert "££ (low)" in shown
    # The SENCO sees the cost but not the rate, which only those who set rates see.
    shown = page(client_for("senco").get(detail_url(provision)))
    assert f"the standard rate of a teaching assistant {TIMES} 1.5 hours a week" in shown
    assert "£18.40" not in shown and "= £80.38" in shown


def test_several_other_costs_are_shared_together_and_the_head_sees_the_cost_too(client_for):
    ta_rate("20")
    provision = entry(licence_cost=Decimal(100), training_cost=Decimal("54.50"))
    shown = page(client_for("head").get(detail_url(provision)))
    # 20 an hour, 1.5 hours, 10 weeks: 300; (300 + 45.50 + 100 + 54.50) ÷ 4 = 125.00
    assert "+ (£45.50 materials + £100.00 licences + £54.50 training) ÷ 4 = £125.00" in shown


def test_a_ta_reads_the_entry_without_its_cost(client_for):
    ta_rate()
    provision = entry()
    shown = page(client_for("ta").get(detail_url(provision)))
    assert NAME in shown and "EEF Toolkit rating" in shown
    assert "£" not in shown and "Cost per pupil" not in shown


def test_the_entry_without_a_rate_sends_the_head_to_the_rates(client_for):
    without_rate("hlta")
    provision = entry(staff_role="hlta")
    shown = page(client_for("head").get(detail_url(provision)))
    assert "cannot be costed" in shown and reverse("provision:rates") in shown
    assert "cannot be costed" in page(client_for("senco").get(detail_url(provision)))


def test_the_entry_lists_its_groups(client_for):
    provision = entry()
    group = helpers.group(provision)
    shown = page(client_for("senco").get(detail_url(provision)))
    assert group.name in shown and "(running now)" in shown
    assert group.name not in page(client_for("teacher").get(detail_url(provision)))


# Adding and changing


def test_the_senco_adds_a_provision_and_the_change_is_audited(client_for):
    response = client_for("senco").post(reverse("provision:library_new"), form_data())
    provision = Provision.objects.get(school=targets.home_school(), name=NAME)
    assert response.status_code == 302 and response["Location"] == detail_url(provision)
    assert provision.materials_cost == Decimal("45.50")
    assert provision.entry_assessment == helpers.reading_age()
    assert AuditEntry.objects.filter(action="provision.saved", actor_label="senco").exists()


def test_the_senco_changes_an_entry_and_can_take_it_out_of_use(client_for):
    provision = entry()
    data = form_data(weeks="12", entry_assessment="")
    del data["is_active"]
    url = reverse("provision:library_edit", args=[provision.public_id])
    senco = client_for("senco")
    assert 'value="45.50"' in page(senco.get(url))
    assert senco.post(url, data).status_code == 302
    provision.refresh_from_db()
    assert (provision.weeks, provision.entry_assessment, provision.is_active) == (12, None, False)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"materials_cost": "-5"}, "A cost cannot be negative: give 0 when there is none."),
        ({"licence_cost": "-0.01"}, "A cost cannot be negative"),
        ({"training_cost": "lots"}, "Give an amount in pounds and pence"),
        ({"weeks": "0"}, "Give the length in weeks as a whole number from 1 to 52."),
        ({"session_minutes": ""}, "Give the minutes a session as a whole number from 1 to 480."),
        ({"sessions_per_week": "0"}, "Give the sessions a week as a number from 0.1 to 50"),
        ({"group_size": "41"}, "Give the usual group size as a whole number from 1 to 40."),
        ({"name": ""}, "Give the provision name."),
        ({"name": "x" * 151}, "Name must be 150 characters or fewer (it has 151)."),
        ({"description": "x" * 3001}, "must be 3000 characters or fewer (it has 3001)"),
        ({"evidence": "x" * 3001}, "must be 3000 characters or fewer (it has 3001)"),
        ({"area": "ZZZ"}, "Select a valid choice"),
        ({"staff_role": "caretaker"}, "Select a valid choice"),
        ({"area": ""}, "Choose the area of need it meets."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_changes(
    client_for, changes, message
):
    before = Provision.objects.count(), AuditEntry.objects.filter(action="provision.saved").count()
    response = client_for("senco").post(reverse("provision:library_new"), form_data(**changes))
    assert response.status_code == 200
    assert message in page(response)
    assert 'class="error-summary"' in page(response)
    after = Provision.objects.count(), AuditEntry.objects.filter(action="provision.saved").count()
    assert after == before


def test_a_negative_cost_is_shown_at_its_field(client_for):
    response = client_for("senco").post(
        reverse("provision:library_new"), form_data(materials_cost="-5")
    )
    assert 'id="id_materials_cost-error"' in page(response)


def test_an_assessment_of_another_school_in_a_tampered_post_changes_nothing(client_for):
    provision = entry()
    theirs = AssessmentType.objects.filter(school=targets.other_school())[0]
    url = reverse("provision:library_edit", args=[provision.public_id])
    response = client_for("senco").post(url, form_data(exit_assessment=str(theirs.public_id)))
    assert "Choose one of this school&#x27;s assessments from the list." in page(response)
    provision.refresh_from_db()
    assert provision.exit_assessment is None


def test_a_name_already_in_the_library_is_refused_at_the_name(client_for):
    entry()
    response = client_for("senco").post(
        reverse("provision:library_new"), form_data(name=NAME.upper())
    )
    assert "The library already has" in page(response)
    assert 'id="id_name-error"' in page(response)
    assert Provision.objects.filter(name__iexact=NAME).count() == 1


def test_hostile_html_is_saved_as_text_and_shown_escaped(client_for):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    senco = client_for("senco")
    data = form_data(name=f"Phonics {hostile}", description=hostile, evidence=hostile)
    assert senco.post(reverse("provision:library_new"), data).status_code == 302
    provision = Provision.objects.get(name=f"Phonics {hostile}")
    for shown in (page(senco.get(detail_url(provision))), page(library(senco, q="Phonics"))):
        assert "<script>alert" not in shown and "<img src=x" not in shown
        assert "&lt;script&gt;" in shown


# The standard hourly rates


def rates_url() -> str:
    return reverse("provision:rates")


def test_the_head_sets_a_rate_and_the_page_says_a_cost_never_reveals_pay(client_for):
    head = client_for("head")
    assert "never with one person's pay" in page(head.get(rates_url()))
    response = head.post(rates_url(), {"rate_ta": "19.10", "rate_teacher": ""})
    assert response.status_code == 302
    rate = StaffRate.objects.get(school=targets.home_school(), role="ta")
    assert rate.hourly_cost == Decimal("19.10") and rate.changed_by.username == "head"
    assert AuditEntry.objects.filter(action="provision.rate_set", actor_label="head").count() == 1
    assert 'value="19.10"' in page(head.get(rates_url()))


def test_an_administrator_sets_rates_but_sees_no_library(client_for):
    admin = client_for("admin")
    shown = page(admin.get(rates_url()))
    assert reverse("provision:library") + '"' not in shown
    assert admin.post(rates_url(), {"rate_hlta": "21"}).status_code == 302
    assert StaffRate.objects.get(school=targets.home_school(), role="hlta").hourly_cost == 21


def test_saving_the_same_rates_again_changes_nothing(client_for):
    ta_rate()
    head = client_for("head")
    entries = AuditEntry.objects.filter(action="provision.rate_set").count()
    head.post(rates_url(), {"rate_ta": "18.4"})
    assert AuditEntry.objects.filter(action="provision.rate_set").count() == entries


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("-1", "An hourly cost cannot be negative."),
        ("twenty", "Give the cost of one hour in pounds and pence, such as 18.40."),
        ("1000.01", "Give the cost of one hour (salary and on-costs), under £1,000."),
        ("1" * 12, "Give the cost of one hour, under £1,000."),
        ("18.405", "at most 2 decimal places"),
        ("NaN", "Give the cost of one hour in pounds and pence"),
    ],
)
def test_a_bad_rate_is_refused_and_no_rate_changes(client_for, given, message):
    ta_rate()
    before = list(StaffRate.objects.values_list("role", "hourly_cost"))
    audited = AuditEntry.objects.filter(action="provision.rate_set").count()
    # The good rate beside the bad one is not saved either.
    response = client_for("head").post(rates_url(), {"rate_teacher": "30", "rate_ta": given})
    assert response.status_code == 200 and message in page(response)
    assert 'id="id_rate_ta-error"' in page(response)
    assert list(StaffRate.objects.values_list("role", "hourly_cost")) == before
    assert AuditEntry.objects.filter(action="provision.rate_set").count() == audited
