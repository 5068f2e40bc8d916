"""LA consultations: recorded with the child's initials only, answered within 15 days (Code
9.83); bad input answers with a clear message and changes nothing; every read and change is in
the audit log."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from senco.audit.models import AuditEntry
from senco.ehcp.models import LAConsultation
from senco.ehcp.services import consultations as services
from tests import targets
from tests.ehcp import helpers

pytestmark = pytest.mark.django_db

NEW = reverse("ehcp:consultation_new")
LIST = reverse("ehcp:consultations")


def today() -> dt.date:
    return dt.date.today()


def detail(consultation: LAConsultation) -> str:
    return reverse("ehcp:consultation", kwargs={"consultation_id": consultation.public_id})


def recorded(**changes) -> dict:
    data = {
        "local_authority": "Northshire",
        "la_reference": "NS-C-0999",
        "child_initials": "j.b.",
        "year_group": "7",
        "starting": (today() + dt.timedelta(days=90)).isoformat(),
        "received_on": (today() - dt.timedelta(days=2)).isoformat(),
    }
    return data | changes


def answered(**changes) -> dict:
    """The answer form as the page sends it back, opened at the first version."""
    data = {"answer": "can_meet", "answered_on": today().isoformat(), "reasons": "", "version": "1"}
    return data | changes


def count() -> int:
    return LAConsultation.objects.filter(school=targets.home_school()).count()


# Recording.


def test_the_senco_records_a_consultation_answered_by_15_days_after_it_arrived(client_for):
    response = client_for("senco").post(NEW, recorded())
    consultation = LAConsultation.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == detail(consultation)
    assert consultation.child_initials == "J.B." and consultation.year_group == 7
    assert consultation.school == targets.home_school()
    answer_by = consultation.received_on + dt.timedelta(days=15)
    assert services.answer_by(consultation) == answer_by
    page = client_for("senco").get(detail(consultation)).text
    assert f"{answer_by:%-d %B %Y}" in page and "13 days left" in page
    entry = AuditEntry.objects.filter(action="ehcp.consultation_recorded").latest("pk")
    assert entry.actor_label == "senco" and entry.changes["after"]["child_initials"] == "J.B."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("child_initials", "John Smith", "never their name"),
        ("child_initials", "Jonathan", "never their name"),
        ("child_initials", "J1B", "never their name"),
        ("child_initials", "<b>", "never their name"),
        ("child_initials", "J\x00B", "Null characters are not allowed"),
        ("child_initials", "", "Give the child&#x27;s initials"),
        ("local_authority", "", "Give the local authority"),
        ("local_authority", "N" * 101, "Keep the local authority to 100 characters (it has 101)"),
        ("local_authority", "North\x00shire", "Null characters are not allowed"),
        ("la_reference", "R" * 51, "Keep the LA reference to 50 characters"),
        ("year_group", "15", "Choose a year group from the list"),
        ("received_on", "", "Give the date the LA&#x27;s consultation arrived"),
        ("received_on", "31/02/2026", "Enter a valid date"),
        ("received_on", (dt.date.today() + dt.timedelta(days=1)).isoformat(), "is in the future"),
        ("received_on", (dt.date.today() - dt.timedelta(days=400)).isoformat(), "more than a year"),
    ],
)
def test_bad_input_says_what_is_wrong_and_records_nothing(client_for, field, value, message):
    before = count()
    response = client_for("senco").post(NEW, recorded(**{field: value}))
    assert response.status_code == 200
    assert "There is a problem" in response.text and message in response.text
    assert f'href="#id_{field}"' in response.text
    assert count() == before


def test_hostile_text_is_shown_escaped(client_for):
    client_for("senco").post(NEW, recorded(local_authority='<script>alert("x")</script>'))
    consultation = LAConsultation.objects.latest("pk")
    page = client_for("senco").get(detail(consultation)).text
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_the_service_refuses_a_name_and_a_null_character_itself():
    school, senco = targets.home_school(), helpers.senco()
    with pytest.raises(ValidationError) as refused:
        services.record_consultation(
            school,
            by=senco,
            local_authority="North\x00shire",
            child_initials="Amy",
            received_on=today(),
            la_reference="x" * 51,
        )
    assert set(refused.value.message_dict) == {"local_authority", "la_reference"}
    with pytest.raises(ValidationError, match="never their name"):
        services.record_consultation(
            school, by=senco, local_authority="N", child_initials="Amy Ray", received_on=today()
        )


# Answering.


def test_the_senco_answers_in_time_and_it_is_audited(client_for):
    consultation = helpers.consultation(received_on=today() - dt.timedelta(days=3))
    response = client_for("senco").post(detail(consultation), answered())
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.answer, consultation.answered_on) == ("can_meet", today())
    assert services.answered_in_time(consultation) is True
    assert "(in time)" in client_for("senco").get(detail(consultation)).text
    entry = AuditEntry.objects.filter(action="ehcp.consultation_answered").latest("pk")
    assert (
        entry.changes["before"]["answer"] == "" and entry.changes["after"]["answer"] == "can_meet"
    )


def test_an_answer_after_15_days_is_shown_late(client_for):
    consultation = helpers.consultation(received_on=today() - dt.timedelta(days=20))
    client_for("senco").post(detail(consultation), answered())
    consultation.refresh_from_db()
    assert services.answered_in_time(consultation) is False
    assert "(late" in client_for("senco").get(detail(consultation)).text


def test_the_answers_read_in_the_codes_terms_and_the_stored_values_stay(client_for):
    page = client_for("senco").get(detail(helpers.consultation())).text.replace("&#x27;", "'")
    for value, label in [
        ("can_meet", "The school can meet the child's needs: it agrees to be named"),
        ("cannot_meet", "The school objects: unsuitable, or incompatible with others' "
         "education or the efficient use of resources (give the reasons)"),
        ("more_information", "The school asked the LA for more information"),
    ]:  # fmt: skip
        assert re.search(rf'value="{value}"[^>]*>\s*{re.escape(label)}', page), label
    assert "age, ability, aptitude or SEN" in page


def test_cannot_meet_needs_the_reasons(client_for):
    consultation = helpers.consultation()
    response = client_for("senco").post(detail(consultation), answered(answer="cannot_meet"))
    assert response.status_code == 200 and "Give the school&#x27;s reasons" in response.text
    assert "age, ability, aptitude or SEN" in response.text
    consultation.refresh_from_db()
    assert consultation.answered_on is None
    client_for("senco").post(
        detail(consultation), answered(answer="cannot_meet", reasons="No place in Year 7.")
    )
    consultation.refresh_from_db()
    assert consultation.answer == "cannot_meet" and consultation.reasons == "No place in Year 7."


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"answered_on": (dt.date.today() + dt.timedelta(days=1)).isoformat()}, "in the future"),
        ({"answered_on": (dt.date.today() - dt.timedelta(days=11)).isoformat()}, "is before"),
        ({"answered_on": ""}, "Give the date the school answered"),
        ({"answer": ""}, "Choose the school&#x27;s answer"),
        ({"answer": "maybe"}, "Choose one of the answers listed"),
        ({"reasons": "x" * 5001}, "Keep the reasons to 5000 characters"),
        ({"reasons": "no\x00"}, "Null characters are not allowed"),
    ],
)
def test_a_bad_answer_says_what_is_wrong_and_changes_nothing(client_for, changes, message):
    consultation = helpers.consultation()  # received ten days ago
    response = client_for("senco").post(detail(consultation), answered(**changes))
    assert response.status_code == 200 and message in response.text
    consultation.refresh_from_db()
    assert consultation.answered_on is None and consultation.answer == ""


def test_each_answer_counts_a_new_version(client_for):
    consultation = helpers.consultation()
    client = client_for("senco")
    assert 'name="version" value="1"' in client.get(detail(consultation)).text
    assert client.post(detail(consultation), answered()).status_code == 302
    consultation.refresh_from_db()
    assert consultation.version == 2
    assert 'name="version" value="2"' in client.get(detail(consultation)).text


def test_an_answer_from_a_page_opened_before_someone_elses_is_refused(client_for):
    """Two SEN leads open the consultation; the first records "cannot meet", the second (on the
    page opened before) "can meet": the second is refused and the first answer stays."""
    consultation = helpers.consultation()
    client = client_for("senco")
    first = answered(answer="cannot_meet", reasons="No specialist place.")
    assert client.post(detail(consultation), first).status_code == 302
    response = client.post(detail(consultation), answered(answer="can_meet"))
    assert response.status_code == 200
    page = response.text.replace("&#x27;", "'")
    assert "Someone answered this consultation since you opened this page" in page
    # The form now holds the answer saved, at the version saved.
    assert re.search(r'value="cannot_meet"[^>]*checked', page)
    assert "No specialist place." in page
    assert 'name="version" value="2"' in page
    consultation.refresh_from_db()
    assert consultation.answer == "cannot_meet" and consultation.reasons == "No specialist place."
    assert consultation.version == 2
    assert AuditEntry.objects.filter(action="ehcp.consultation_answered").count() == 1


@pytest.mark.parametrize("version", ["", "one", "0"])
def test_an_answer_without_the_version_it_was_opened_at_changes_nothing(client_for, version):
    consultation = helpers.consultation()
    response = client_for("senco").post(detail(consultation), answered(version=version))
    assert response.status_code == 200
    assert "without the version it was opened at" in response.text
    consultation.refresh_from_db()
    assert consultation.answered_on is None and consultation.version == 1


def test_the_service_refuses_an_answer_started_from_an_earlier_version():
    consultation = helpers.consultation()
    by = helpers.senco()
    services.answer_consultation(
        consultation, by=by, expected_version=1, answer="can_meet", answered_on=today()
    )
    with pytest.raises(ValidationError, match="Someone answered this consultation"):
        services.answer_consultation(
            consultation, by=by, expected_version=1, answer="more_information", answered_on=today()
        )
    consultation.refresh_from_db()
    assert consultation.answer == "can_meet" and consultation.version == 2


def test_the_head_reads_a_consultation_but_may_not_answer_it(client_for):
    consultation = helpers.consultation()
    page = client_for("head").get(detail(consultation))
    assert page.status_code == 200 and "Record the answer" not in page.text
    assert client_for("head").post(detail(consultation), answered()).status_code == 403


def test_another_schools_consultation_is_not_found(client_for):
    mine = helpers.consultation(school=targets.other_school())
    assert client_for("senco").get(detail(mine)).status_code == 404
    assert client_for("senco").post(detail(mine), answered()).status_code == 404
    mine.refresh_from_db()
    assert mine.answered_on is None


def test_asking_for_more_information_leaves_the_consultation_still_to_answer(client_for):
    """The school asked the LA for more information: the answer is still owed, by the same
    date (the LA may agree a new one), on the caseload; a later "can meet" closes it."""
    consultation = helpers.consultation(received_on=today() - dt.timedelta(days=4))
    client = client_for("senco")
    asked_on = today() - dt.timedelta(days=1)
    response = client.post(
        detail(consultation),
        answered(answer="more_information", answered_on=asked_on.isoformat()),
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert services.still_to_answer(consultation) is True
    assert services.answered_in_time(consultation) is None
    page = client.get(detail(consultation)).text
    answer_by = consultation.received_on + dt.timedelta(days=15)
    assert f"More information asked for on {asked_on:%-d %b %Y}: still to answer" in page
    assert f"{answer_by:%-d %B %Y}" in page and "unless the LA agrees a new date" in page
    assert "(in time)" not in page and "Record the school's answer" in page
    assert 'name="version" value="2"' in page
    assert caseload_initials(client) >= {"J.B."}
    listed = client.get(LIST).text
    assert "More information asked for on" in listed and f"{answer_by:%-d %b %Y}" in listed

    assert client.post(detail(consultation), answered(version="2")).status_code == 302
    consultation.refresh_from_db()
    assert services.still_to_answer(consultation) is False
    assert "(in time)" in client.get(detail(consultation)).text
    assert "J.B." not in caseload_initials(client)
    entries = AuditEntry.objects.filter(action="ehcp.consultation_answered").order_by("pk")
    assert [e.changes["after"]["answer"] for e in entries] == ["more_information", "can_meet"]


def caseload_initials(client) -> set[str]:
    rows = client.get(reverse("ehcp:caseload")).context["page"].object_list
    return {row.item.initials for row in rows if row.item.kind == "consultation"}


# The list and the reads.


def test_the_list_shows_each_consultations_answer_by_date(client_for):
    LAConsultation.objects.filter(school=targets.home_school()).delete()
    received = today() - dt.timedelta(days=3)
    helpers.consultation(child_initials="A.B.", received_on=received)
    page = client_for("senco").get(LIST).text
    row = re.search(r"<tr>\s*<td><a[^>]*>A\.B\.</a>.*?</tr>", page, re.S)
    assert row is not None
    assert f"<td>{received + dt.timedelta(days=15):%-d %b %Y}</td>" in row.group(0)


def test_the_list_shows_those_still_to_answer_first_soonest_due_at_the_top(client_for):
    older = helpers.consultation(child_initials="O.L.", received_on=today() - dt.timedelta(days=12))
    asked = helpers.consultation(
        child_initials="M.I.", received_on=today() - dt.timedelta(days=8),
        answered_on=today(), answer="more_information",
    )  # fmt: skip
    newer = helpers.consultation(child_initials="N.W.", received_on=today() - dt.timedelta(days=1))
    done = helpers.consultation(
        child_initials="D.N.", received_on=today() - dt.timedelta(days=5),
        answered_on=today(), answer="can_meet",
    )  # fmt: skip
    listed = list(client_for("senco").get(LIST).context["page"].object_list)
    order = [c.pk for c in listed]
    assert order.index(older.pk) < order.index(asked.pk) < order.index(newer.pk)
    assert order.index(newer.pk) < order.index(done.pk)
    assert all(services.still_to_answer(c) for c in listed[: order.index(newer.pk) + 1])
    assert AuditEntry.objects.filter(action="ehcp.consultations_listed").exists()


def test_reading_a_consultation_is_in_the_audit_log(client_for):
    consultation = helpers.consultation()
    client_for("head").get(detail(consultation))
    entry = AuditEntry.objects.filter(action="ehcp.consultation_viewed").latest("pk")
    assert entry.actor_label == "head" and entry.school_id == consultation.school_id
    assert "Northshire" in entry.object_label


def test_the_list_pages_and_its_query_count_does_not_grow(client_for):
    from tests.queries import queries_for

    client = client_for("senco")
    LAConsultation.objects.filter(school=targets.home_school()).delete()
    for n in range(2):
        helpers.consultation(child_initials=f"A.{chr(65 + n)}.")
    queries_for(client, LIST)
    two = queries_for(client, LIST)
    for n in range(2, 20):
        helpers.consultation(child_initials=f"A.{chr(65 + n)}.")
    assert queries_for(client, LIST) == two
