"""/api/pupils/: the pupils a token's user may see in the token's school, their filters, pages
and audit entries, and the fields OpenSENCO owns that a token may change."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from senco import access
from senco.accounts.models import User
from senco.audit.models import AuditPupil
from senco.pupils import census
from senco.pupils.models import Pupil
from senco.schools.models import Staff
from tests import targets
from tests.api.helpers import api_for, entries, error_of, last_entry

pytestmark = pytest.mark.django_db

PUPILS = "/api/pupils/"


def url(pupil) -> str:
    return f"{PUPILS}{pupil.public_id}/"


def visible(username: str):
    return access.pupils_visible_to(User.objects.get(username=username), targets.home_school())


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return [p["id"] for p in response.json()["results"]]


def every_page(client, **query) -> list[str]:
    found: list[str] = []
    page = 1
    while True:
        body = client.get(PUPILS, {**query, "page": page, "page_size": 100}).json()
        found += [p["id"] for p in body["results"]]
        if body["next"] is None:
            return found
        page += 1


def test_a_senco_token_lists_every_pupil_of_the_school_on_roll_and_nothing_else():
    listed = every_page(api_for("senco"))
    expected = visible("senco").on_roll()
    assert sorted(listed) == sorted(str(i) for i in expected.values_list("public_id", flat=True))
    assert str(targets.pupil_elsewhere().public_id) not in listed


def test_a_teacher_token_lists_only_the_pupils_they_teach():
    listed = set(every_page(api_for("teacher")))
    expected = {str(i) for i in visible("teacher").on_roll().values_list("public_id", flat=True)}
    assert listed == expected and 0 < len(listed) < visible("senco").count()
    assert str(targets.parents_child().public_id) not in listed


def test_the_list_is_paged_with_links_to_the_next_and_previous_pages():
    client = api_for("senco")
    first = client.get(PUPILS, {"page_size": 7}).json()
    total = visible("senco").on_roll().count()
    assert (first["count"], first["page"], first["pages"]) == (total, 1, -(-total // 7))
    assert len(first["results"]) == 7 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert second["page"] == 2 and "page=1&" in second["previous"]
    assert not {p["id"] for p in first["results"]} & {p["id"] for p in second["results"]}
    assert len(client.get(PUPILS).json()["results"]) == 50


def test_the_list_is_ordered_by_name_or_year_group():
    client = api_for("senco")
    by_name = client.get(PUPILS, {"page_size": 100}).json()["results"]
    names = [(p["legal_last_name"], p["legal_first_name"]) for p in by_name]
    assert names == sorted(names)
    by_year = client.get(PUPILS, {"page_size": 100, "ordering": "-year_group"}).json()["results"]
    years = [p["year_group"] for p in by_year]
    assert years == sorted(years, reverse=True)


def test_the_list_filters_by_year_group_status_need_search_and_roll():
    client = api_for("senco")
    pupil = visible("senco").on_roll().filter(sen_provision="K").exclude(primary_need="")[0]
    assert str(pupil.public_id) in ids(client.get(PUPILS, {"year_group": pupil.year_group}))
    in_year = client.get(PUPILS, {"year_group": pupil.year_group, "page_size": 100}).json()
    assert {p["year_group"] for p in in_year["results"]} == {pupil.year_group}
    support = client.get(PUPILS, {"sen_status": "K", "page_size": 100}).json()["results"]
    assert support and {p["sen_status"] for p in support} <= set(census.SUPPORT_CODES)
    with_need = client.get(PUPILS, {"need": pupil.primary_need, "page_size": 100}).json()
    assert all(pupil.primary_need in p["needs"] for p in with_need["results"])
    assert ids(client.get(PUPILS, {"q": pupil.upn})) == [str(pupil.public_id)]
    found = ids(client.get(PUPILS, {"q": f"{pupil.legal_first_name} {pupil.legal_last_name}"}))
    assert str(pupil.public_id) in found


def test_pupils_who_left_are_listed_when_asked_for():
    left = visible("senco").on_roll()[0]
    Pupil.objects.filter(pk=left.pk).update(left_on=access.today() - dt.timedelta(days=3))
    client = api_for("senco")
    assert str(left.public_id) not in every_page(client)
    assert str(left.public_id) in every_page(client, on_roll="false")
    everyone = every_page(client, on_roll="all")
    assert str(left.public_id) in everyone and len(everyone) == visible("senco").count()


def test_the_list_is_one_audit_entry_naming_the_pupils_it_showed():
    response = api_for("senco").get(PUPILS, {"page_size": 5})
    entry = last_entry(action="pupil.listed")
    shown = Pupil.objects.filter(public_id__in=ids(response))
    assert entry.actor_label == "senco" and sorted(entry.pupil_ids) == sorted(
        shown.values_list("pk", flat=True)
    )
    assert AuditPupil.objects.filter(entry=entry).count() == 5


def test_a_page_of_two_and_a_page_of_twenty_take_the_same_queries():
    client = api_for("senco")
    client.get(PUPILS)  # the token's last use is written once a minute: not in the counts
    counts = []
    for size in (2, 20):
        with CaptureQueriesContext(connection) as captured:
            assert len(client.get(PUPILS, {"page_size": size}).json()["results"]) == size
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_a_teacher_s_list_takes_the_same_queries_for_two_pupils_or_all_of_theirs():
    client = api_for("teacher")
    taught = client.get(PUPILS).json()["count"]
    assert taught > 2
    counts = []
    for size in (2, taught):
        with CaptureQueriesContext(connection) as captured:
            assert len(client.get(PUPILS, {"page_size": size}).json()["results"]) == size
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_one_pupil_is_read_and_the_read_is_logged():
    pupil = targets.taught_pupil()
    response = api_for("senco").get(url(pupil))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    body = response.json()
    assert body["id"] == str(pupil.public_id) and body["upn"] == pupil.upn
    assert body["sen_status"] == pupil.sen_provision
    assert body["needs"][0] == pupil.primary_need and body["flags"] is not None
    entry = last_entry(action="pupil.viewed")
    assert (entry.actor_label, entry.pupil_id) == ("senco", pupil.pk)


def test_a_teacher_sees_no_flags():
    body = api_for("teacher").get(url(targets.taught_pupil())).json()
    assert body["flags"] is None
    listed = api_for("teacher").get(PUPILS).json()["results"]
    assert {p["flags"] is None for p in listed} == {True}


@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("senco", targets.pupil_elsewhere),
        ("other_senco", targets.taught_pupil),
        ("teacher", targets.parents_child),
        ("other_teacher", targets.taught_pupil),
    ],
)
def test_a_pupil_out_of_reach_is_not_found_and_the_refusal_logged(who, target):
    before = entries(action="pupil.refused")
    error = error_of(api_for(who).get(url(target())), 404)
    assert error["code"] == "not_found"
    assert error["message"] == access.NOT_VISIBLE
    assert entries(action="pupil.refused") == before + 1


@pytest.mark.parametrize(
    "address",
    [
        "00000000-0000-4000-8000-000000000000/",
        "not-an-id/",
        "1/",
        "../../pupils/",
    ],
)
def test_a_missing_or_malformed_id_is_not_found(address):
    error_of(api_for("senco").get(PUPILS + address), 404)


# Changes ----------------------------------------------------------------------------------


def patch(client, pupil, data):
    return client.patch(url(pupil), data, content_type="application/json")


def test_the_senco_sets_the_next_review_the_key_worker_and_sharing():
    pupil = targets.taught_pupil()
    staff = Staff.objects.filter(school=pupil.school, ends__isnull=True).exclude(
        pk=pupil.key_worker_id or 0
    )[0]
    day = access.today() + dt.timedelta(days=30)
    response = patch(
        api_for("senco"),
        pupil,
        {
            "review_on": day.isoformat(),
            "key_worker": str(staff.public_id),
            "shares_with_parents": not pupil.shares_with_parents,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["review_on"] == day.isoformat()
    assert body["key_worker"] == {"id": str(staff.public_id), "name": str(staff)}
    pupil.refresh_from_db()
    assert (pupil.review_on, pupil.key_worker_id) == (day, staff.pk)
    for action in ("register.review_set", "register.key_worker_set", "pupil.sharing_changed"):
        entry = last_entry(action=action)
        assert (entry.actor_label, entry.pupil_id) == ("senco", pupil.pk)


def test_a_change_that_changes_nothing_still_logs_the_read_of_the_record_it_answers():
    pupil, client = targets.taught_pupil(), api_for("senco")
    before_reads = entries(action="pupil.viewed", pupil_id=pupil.pk)
    before_changes = entries(kind="change")
    response = patch(client, pupil, {"shares_with_parents": pupil.shares_with_parents})
    assert response.status_code == 200, response.content
    assert response.json()["upn"] == pupil.upn and response.json()["flags"] is not None
    assert entries(kind="change") == before_changes
    assert entries(action="pupil.viewed", pupil_id=pupil.pk) == before_reads + 1
    assert last_entry(action="pupil.viewed").actor_label == "senco"


def test_a_refused_change_reads_nothing():
    pupil = targets.taught_pupil()
    before = entries(action="pupil.viewed")
    error_of(patch(api_for("senco"), pupil, {"review_on": "2020-01-01"}), 400)
    error_of(patch(api_for("teacher"), pupil, {"shares_with_parents": True}), 403)
    assert entries(action="pupil.viewed") == before


@pytest.mark.parametrize("who", ["head", "teacher", "ta"])
def test_others_who_see_the_pupil_may_not_change_it(who):
    pupil = targets.taught_pupil()
    day = access.today() + dt.timedelta(days=30)
    error = error_of(patch(api_for(who), pupil, {"review_on": day.isoformat()}), 403)
    assert error["code"] == "permission_denied" and "ask your SENCO" in error["message"]
    pupil.refresh_from_db()
    assert pupil.review_on != day


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"legal_last_name": "Smith"}, "legal_last_name", "comes from the school's MIS"),
        ({"date_of_birth": "2015-01-01"}, "date_of_birth", "comes from the school's MIS"),
        ({"upn": "A123"}, "upn", "comes from the school's MIS"),
        ({"sen_status": "K"}, "sen_status", "POST /api/pupils/{id}/sen/"),
        ({"id": "x"}, "id", "Read only"),
        ({"favourite_colour": "blue"}, "favourite_colour", "Unknown field"),
        ({"review_on": "2020-01-01"}, "review_on", "has passed"),
        ({"review_on": "tomorrow"}, "review_on", "Date has wrong format"),
        ({"review_on": 20260101}, "review_on", "Date has wrong format"),
        ({"review_on": None}, "review_on", "may not be null"),
        ({"shares_with_parents": "true"}, "shares_with_parents", "a JSON boolean"),
        ({"shares_with_parents": 1}, "shares_with_parents", "a JSON boolean"),
        ({"key_worker": 7}, "key_worker", "a JSON string"),
        ({"key_worker": "nobody"}, "key_worker", "Must be a valid UUID"),
        ({"key_worker": "00000000-0000-4000-8000-000000000000"}, "key_worker", "No member"),
    ],
)
def test_a_wrong_change_says_what_is_wrong_and_changes_nothing(data, field, message):
    pupil, client = targets.taught_pupil(), api_for("senco")
    before = entries(kind="change")
    error = error_of(patch(client, pupil, data), 400)
    assert error["code"] == "invalid"
    assert any(message in m for m in error["fields"][field]), error
    assert entries(kind="change") == before
    assert Pupil.objects.get(pk=pupil.pk).legal_last_name == pupil.legal_last_name


def test_another_school_s_key_worker_is_refused():
    pupil = targets.taught_pupil()
    theirs = Staff.objects.filter(school=targets.other_school())[0]
    error = error_of(patch(api_for("senco"), pupil, {"key_worker": str(theirs.public_id)}), 400)
    assert "No member of staff" in error["fields"]["key_worker"][0]


def test_a_change_with_nothing_in_it_is_refused():
    error = error_of(patch(api_for("senco"), targets.taught_pupil(), {}), 400)
    assert "at least one of" in error["message"]


def test_another_school_s_pupil_cannot_be_changed():
    pupil = targets.pupil_elsewhere()
    day = access.today() + dt.timedelta(days=30)
    error_of(patch(api_for("senco"), pupil, {"review_on": day.isoformat()}), 404)
    pupil.refresh_from_db()
    assert pupil.review_on != day
