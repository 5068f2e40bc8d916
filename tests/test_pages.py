import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from senco.audit.models import AuditEntry
from senco.pupils.models import Pupil
from tests import targets

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    client.get(url)  # the first request of a session also refreshes its expiry
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.content == b"ok" and response.status_code == 200


def test_signing_in_with_a_wrong_password_says_so(client):
    response = client.post("/accounts/login/", {"login": "senco", "password": "wrong"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert "_auth_user_id" not in client.session


def test_signing_in_takes_the_senco_home(client):
    response = client.post(
        "/accounts/login/", {"login": "senco", "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_search_finds_a_pupil_by_surname_and_by_upn(client_for):
    pupil = targets.taught_pupil()
    client = client_for("senco")
    by_name = client.get("/pupils/", {"q": pupil.legal_last_name[:4]})
    assert str(pupil.public_id) in by_name.content.decode()
    by_upn = client.get("/pupils/", {"q": pupil.upn.lower()})
    assert by_upn.context["page"].paginator.count == 1


def test_search_with_hostile_input_finds_nothing_and_breaks_nothing(client_for):
    client = client_for("senco")
    for query in ["'; DROP TABLE pupils_pupil; --", "<script>alert(1)</script>", "%", "x" * 5000]:
        response = client.get("/pupils/", {"q": query})
        assert response.status_code == 200
        assert b"<script>alert(1)</script>" not in response.content
    assert Pupil.objects.exists()


def test_a_teacher_finds_only_the_pupils_they_teach(client_for):
    response = client_for("teacher").get("/pupils/")
    shown = {p.pk for p in response.context["page"].object_list}
    assert targets.taught_pupil().pk in shown
    assert targets.parents_child().pk not in shown


def test_the_record_shows_the_sen_history(client_for):
    pupil = targets.taught_pupil()
    response = client_for("senco").get(reverse("pupils:detail", args=[pupil.public_id]))
    body = response.content.decode()
    assert "History of SEN status" in body
    for status in pupil.sen_statuses.all():
        assert status.label in body
    assert pupil.full_name not in body.split("<title>")[1].split("</title>")[0]


def test_a_teacher_does_not_see_contacts_or_free_school_meals(client_for):
    pupil = targets.taught_pupil()
    body = client_for("teacher").get(reverse("pupils:detail", args=[pupil.public_id])).content
    assert b"Contacts" not in body and b"Free school meals" not in body


def test_reading_a_record_is_in_the_audit_log(client_for, persona):
    pupil = targets.taught_pupil()
    client_for("teacher").get(reverse("pupils:detail", args=[pupil.public_id]))
    entry = AuditEntry.objects.filter(pupil_id=pupil.pk, action="pupil.viewed").get()
    assert entry.actor_id == persona("teacher").pk


def test_asking_for_another_childs_record_is_refused_and_logged(client_for, persona):
    pupil = targets.taught_pupil()
    response = client_for("parent").get(reverse("pupils:detail", args=[pupil.public_id]))
    assert response.status_code == 404
    assert AuditEntry.objects.filter(
        actor_id=persona("parent").pk, kind="refused", school_id=pupil.school_id
    ).exists()


def test_the_senco_changes_a_status_through_the_form(client_for, today):
    pupil = targets.taught_pupil()
    url = reverse("pupils:register_change", args=[pupil.public_id])
    response = client_for("senco").post(
        url, {"provision": "E", "need_1": "ASD", "starts": today.strftime("%d/%m/%Y")}
    )
    assert response.status_code == 302
    pupil.refresh_from_db()
    assert (pupil.sen_provision, pupil.primary_need) == ("E", "ASD")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"provision": "N", "need_1": "SLCN", "starts": "2026-11-24"}, "remove the needs"),
        ({"provision": "E", "need_1": "NSA", "starts": "2026-11-24"}, "only with SEN support"),
        (
            {"provision": "K", "need_1": "MLD", "need_2": "MLD", "starts": "2026-11-24"},
            "listed twice",
        ),
        ({"provision": "K", "need_2": "MLD", "starts": "2026-11-24"}, "rank 1 first"),
        ({"provision": "K", "need_1": "MLD", "starts": "31/02/2026"}, "Enter a valid date"),
        ({"provision": "K", "need_1": "MLD", "starts": "1900-01-01"}, "before the pupil was born"),
        ({"provision": "Z", "need_1": "MLD", "starts": "2026-11-24"}, "Select a valid choice"),
        ({"provision": "E", "need_1": "ASD", "starts": "2099-01-01"}, "is in the future"),
        ({"provision": "K", "need_1": "<b>x</b>" * 1000, "starts": "2026-11-24"}, "Select a valid"),
    ],
)
def test_a_bad_change_is_refused_with_the_fix_and_changes_nothing(client_for, data, message):
    pupil = targets.taught_pupil()
    before = (pupil.sen_statuses.count(), pupil.sen_needs.count(), pupil.sen_provision)
    response = client_for("senco").post(
        reverse("pupils:register_change", args=[pupil.public_id]), data
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert message in response.content.decode()
    pupil.refresh_from_db()
    assert (pupil.sen_statuses.count(), pupil.sen_needs.count(), pupil.sen_provision) == before


def test_the_change_form_starts_from_the_current_entry(client_for, today):
    pupil = targets.taught_pupil()
    form = client_for("senco").get(reverse("pupils:register_change", args=[pupil.public_id]))
    initial = form.context["form"].initial
    assert initial["provision"] == pupil.sen_provision
    assert initial["need_1"] == pupil.primary_need
    assert initial["starts"] == today


@pytest.mark.parametrize("who", ["senco", "teacher", "parent"])
def test_the_pupil_list_costs_the_same_queries_at_2_and_20_rows(client_for, settings, who):
    client = client_for(who)
    settings.SENCO_PAGE_SIZE = 2
    small = queries(client, "/pupils/")
    settings.SENCO_PAGE_SIZE = 20
    assert queries(client, "/pupils/") == small


@pytest.mark.parametrize("who", ["senco", "teacher", "parent", "governor", "admin"])
def test_home_costs_the_same_queries_however_many_pupils(client_for, who):
    client = client_for(who)
    before = queries(client, "/")
    Pupil.objects.filter(sen_provision="N").update(sen_provision="K", primary_need="MLD")
    assert queries(client, "/") == before


def test_the_pupil_list_paginates_and_logs_one_read_naming_the_pupils(client_for, settings):
    settings.SENCO_PAGE_SIZE = 5
    response = client_for("senco").get("/pupils/", {"page": 2})
    assert len(response.context["page"].object_list) == 5
    entry = AuditEntry.objects.filter(action="pupil.listed").latest("id")
    assert entry.pupil_ids == [p.pk for p in response.context["page"].object_list]


def test_a_user_in_two_schools_switches_between_them(client_for):
    client = client_for("trustlead")
    response = client.post(
        "/school/",
        {"school": str(targets.other_school().public_id), "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"
    assert targets.other_school().name in client.get("/").content.decode()
