"""The audit log page: who read, changed or asked for what, filtered, for the SENCO and the head."""

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from senco.audit import log
from senco.audit.models import AppendOnlyError, AuditEntry, AuditPupil
from senco.pupils.models import Pupil
from tests import targets

pytestmark = pytest.mark.django_db
URL = "/audit/"


def shown(response) -> list[AuditEntry]:
    assert response.status_code == 200
    return [row.entry for row in response.context["rows"]]


def queries(client, url: str) -> int:
    client.get(url)  # the first request of a session also refreshes its expiry
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def written_on(day: dt.date, write):
    """An entry as if written at noon on `day` (the log's time is set on saving)."""
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())
    with mock.patch("django.utils.timezone.now", return_value=noon):
        return write()


def test_the_pupil_filter_finds_reads_of_the_record_and_lists_that_showed_the_pupil(
    client_for, persona
):
    pupil = targets.taught_pupil()
    teacher = client_for("teacher")
    teacher.get(reverse("pupils:detail", args=[pupil.public_id]))
    teacher.get("/pupils/", {"q": pupil.upn})
    unrelated = log.read(persona("ta"), "pupil.viewed", targets.parents_child())

    entries = shown(client_for("senco").get(URL, {"pupil": pupil.upn}))

    # The demo's plans were written through the services, so the teacher has changes too.
    by_teacher = {
        (e.action, e.kind) for e in entries if e.actor_label == "teacher" and e.kind == "read"
    }
    assert by_teacher == {("pupil.viewed", "read"), ("pupil.listed", "read")}
    assert unrelated not in entries
    listed = next(e for e in entries if e.action == "pupil.listed")
    assert pupil.pk in listed.pupil_ids and listed.pupil_id is None


def test_the_link_from_the_record_filters_by_the_pupils_public_id(client_for):
    pupil = targets.taught_pupil()
    senco = client_for("senco")
    record = senco.get(reverse("pupils:detail", args=[pupil.public_id])).content.decode()
    link = f'href="/audit/?pupil={pupil.public_id}">Who has looked at this record?</a>'
    assert link in record

    response = senco.get(URL, {"pupil": str(pupil.public_id)})

    entries = shown(response)
    # Newest first: the read just made, then the demo's own entries about this pupil only.
    assert (entries[0].action, entries[0].actor_label) == ("pupil.viewed", "senco")
    assert {e.pupil_id for e in entries} == {pupil.pk}
    assert f"about {pupil.full_name}" in response.content.decode()
    assert pupil.full_name not in response.content.decode().split("</title>")[0]


@pytest.mark.parametrize("who", ["teacher", "ta", "parent"])
def test_only_people_who_may_read_the_log_see_the_link_on_a_record(client_for, who):
    pupil = {"parent": targets.parents_child}.get(who, targets.taught_pupil)()
    record = client_for(who).get(reverse("pupils:detail", args=[pupil.public_id]))
    assert record.status_code == 200
    assert b"Who has looked at this record?" not in record.content


def test_the_person_filter_shows_only_that_persons_entries(client_for):
    pupil = targets.taught_pupil()
    client_for("teacher").get(reverse("pupils:detail", args=[pupil.public_id]))
    client_for("ta").get(reverse("pupils:detail", args=[pupil.public_id]))

    entries = shown(client_for("senco").get(URL, {"person": "Teacher "}))

    assert entries and {e.actor_label for e in entries} == {"teacher"}


def test_the_person_filter_still_finds_someone_whose_account_has_gone(client_for):
    pupil = targets.taught_pupil()
    AuditEntry.objects.create(
        kind="read",
        action="pupil.viewed",
        actor_id=None,
        actor_label="left.in.2024",
        school_id=pupil.school_id,
        pupil_id=pupil.pk,
    )
    entries = shown(client_for("senco").get(URL, {"person": "left.in.2024"}))
    assert [e.actor_label for e in entries] == ["left.in.2024"]


def test_the_action_filter_shows_only_that_action(client_for):
    pupil = targets.taught_pupil()
    client_for("teacher").get(reverse("pupils:detail", args=[pupil.public_id]))
    client_for("teacher").get("/pupils/")

    entries = shown(client_for("senco").get(URL, {"action": "pupil.listed"}))

    assert entries and {e.action for e in entries} == {"pupil.listed"}


def test_the_kind_filter_shows_refusals(client_for):
    client_for("parent").get(reverse("pupils:detail", args=[targets.taught_pupil().public_id]))
    client_for("teacher").get("/pupils/")

    entries = shown(client_for("head").get(URL, {"kind": "refused"}))

    assert entries and {e.kind for e in entries} == {"refused"}
    assert "parent" in {e.actor_label for e in entries}


@pytest.mark.parametrize(
    ("starts", "ends", "expected"),
    [
        ("2026-03-02", "2026-03-02", ["march"]),
        ("02/03/2026", "", ["may", "march"]),
        ("", "31/03/2026", ["march", "january"]),
        ("2026-01-01", "2026-05-31", ["may", "march", "january"]),
        ("2026-04-01", "2026-04-30", []),
    ],
)
def test_the_dates_filter_from_the_first_day_to_the_end_of_the_last(
    client_for, persona, starts, ends, expected
):
    pupil, ta = targets.taught_pupil(), persona("ta")
    for label, day in [
        ("january", dt.date(2026, 1, 15)),
        ("march", dt.date(2026, 3, 2)),
        ("may", dt.date(2026, 5, 20)),
    ]:
        written_on(day, lambda label=label: log.read(ta, "pupil.viewed", pupil, detail=label))

    entries = shown(
        client_for("senco").get(
            URL, {"person": "ta", "kind": "read", "starts": starts, "ends": ends}
        )
    )

    assert [e.object_label for e in entries] == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"pupil": "Z999999999999"}, "No pupil with that UPN in this school"),
        ({"pupil": "00000000-0000-4000-8000-000000000000"}, "No pupil with that UPN"),
        ({"pupil": "'; DROP TABLE audit_auditentry; --"}, "No pupil with that UPN"),
        ({"pupil": "x" * 5000}, "at most 40 characters"),
        ({"starts": "31/02/2026"}, "Enter a valid date"),
        ({"starts": "9999-12-31"}, "Give a date from 1/1/2000 to 31/12/2099"),
        ({"ends": "0001-01-01"}, "Give a date from 1/1/2000 to 31/12/2099"),
        ({"starts": "2026-05-01", "ends": "2026-04-01"}, "before the start date"),
        ({"action": "pupil.deleted_everything"}, "Select a valid choice"),
        ({"kind": "<script>alert(1)</script>"}, "Select a valid choice"),
    ],
)
def test_a_bad_filter_is_explained_and_shows_no_entries(client_for, data, message):
    response = client_for("senco").get(URL, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and message in body
    assert response.context["rows"] == []
    assert "<script>alert(1)</script>" not in body


def test_a_page_number_out_of_range_or_not_a_number_shows_a_page(client_for):
    for page in ["9999", "abc", "-1"]:
        assert client_for("senco").get(URL, {"page": page}).status_code == 200


def test_a_pupil_of_another_school_is_not_found_and_shows_nothing_of_theirs(client_for):
    elsewhere = targets.pupil_elsewhere()
    client_for("other_senco").get(reverse("pupils:detail", args=[elsewhere.public_id]))
    for given in [elsewhere.upn, str(elsewhere.public_id)]:
        response = client_for("senco").get(URL, {"pupil": given})
        assert "No pupil with that UPN in this school" in response.content.decode()
        assert response.context["rows"] == []


def test_a_confidential_record_the_viewer_may_not_see_cannot_be_filtered_for(client_for, persona):
    pupil = targets.taught_pupil()
    Pupil.objects.filter(pk=pupil.pk).update(is_confidential=True)
    pupil.confidential_to.set([persona("senco")])
    head = client_for("head").get(URL, {"pupil": pupil.upn})
    assert "No pupil with that UPN in this school" in head.content.decode()
    assert client_for("senco").get(URL, {"pupil": pupil.upn}).context["form"].is_valid()


@pytest.mark.parametrize("who", ["teacher", "ta", "parent", "governor", "trustlead", "admin"])
def test_people_without_the_audit_role_are_refused(client_for, who):
    response = client_for(who).get(URL)
    assert response.status_code == 403
    assert b"Not found, or you do not have access: ask your SENCO" in response.content
    assert b"Audit log" not in client_for(who).get("/").content


def test_the_senco_and_head_find_it_in_the_navigation(client_for):
    for who in ["senco", "head", "other_senco"]:
        assert b'<a href="/audit/"' in client_for(who).get("/").content, who


def test_another_schools_entries_never_appear(client_for):
    elsewhere, here = targets.pupil_elsewhere(), targets.taught_pupil()
    client_for("other_senco").get(reverse("pupils:detail", args=[elsewhere.public_id]))
    client_for("teacher").get(reverse("pupils:detail", args=[here.public_id]))

    ours = shown(client_for("senco").get(URL, {"action": "pupil.viewed"}))
    theirs = shown(client_for("other_senco").get(URL, {"action": "pupil.viewed"}))

    assert here.pk in {e.pupil_id for e in ours}
    assert {e.school_id for e in ours} == {here.school_id}
    assert [e.pupil_id for e in theirs] == [elsewhere.pk]
    assert {e.school_id for e in theirs} == {elsewhere.school_id}


def test_entries_are_newest_first_and_link_to_the_pupil(client_for, persona):
    pupil, ta = targets.taught_pupil(), persona("ta")
    first = written_on(dt.date(2026, 1, 5), lambda: log.read(ta, "pupil.viewed", pupil))
    second = written_on(dt.date(2026, 1, 6), lambda: log.read(ta, "pupil.viewed", pupil))
    response = client_for("senco").get(URL, {"person": "ta", "kind": "read"})
    assert shown(response) == [second, first]
    assert f'href="/pupils/{pupil.public_id}/"' in response.content.decode()


def test_a_change_shows_each_field_before_and_after(client_for, today):
    pupil = targets.taught_pupil()
    senco = client_for("senco")
    senco.post(
        reverse("pupils:register_change", args=[pupil.public_id]),
        {"provision": "E", "need_1": "ASD", "starts": today.isoformat()},
    )
    response = senco.get(URL, {"action": "register.status_changed"})
    body = response.content.decode()
    assert "<details>" in body
    assert f'provision: {pupil.sen_provision} <span aria-hidden="true">→</span>' in body
    assert "Changed SEN status and needs" in body and "register.status_changed" in body


def test_reading_the_log_is_itself_in_the_log_with_its_filters(client_for, persona):
    pupil = targets.taught_pupil()
    client_for("head").get(URL, {"pupil": pupil.upn, "person": "teacher", "kind": "read"})
    entry = AuditEntry.objects.filter(action="audit.viewed").latest("id")
    assert (entry.actor_id, entry.kind) == (persona("head").pk, "read")
    assert (entry.school_id, entry.pupil_id) == (pupil.school_id, pupil.pk)
    assert entry.object_label == "Filters: person teacher, kind read"


def test_the_next_page_keeps_the_filters(client_for, settings, persona):
    settings.SENCO_PAGE_SIZE = 2
    pupil, ta = targets.taught_pupil(), persona("ta")
    for _ in range(3):
        log.read(ta, "pupil.viewed", pupil)
    response = client_for("senco").get(URL, {"person": "ta", "kind": "read"})
    assert 'href="?person=ta&amp;kind=read&amp;page=2"' in response.content.decode()
    next_page = {"person": "ta", "kind": "read", "page": 2}
    assert len(shown(client_for("senco").get(URL, next_page))) == 1


@pytest.mark.parametrize("filters", ["", "?pupil={upn}", "?person=ta&kind=read"])
def test_the_log_costs_the_same_queries_at_2_and_20_entries(client_for, settings, persona, filters):
    pupil, ta, teacher = targets.taught_pupil(), persona("ta"), persona("teacher")
    school = pupil.school
    others = list(targets.visible("teacher", school).exclude(pk=pupil.pk)[:5])
    for _ in range(10):
        log.read(ta, "pupil.viewed", pupil)
        log.read_list(ta, "pupil.listed", school, [pupil, *others])
        log.change(teacher, "register.status_changed", pupil, pupil=pupil, after={"x": 1})
    url = URL + filters.format(upn=pupil.upn)
    client = client_for("senco")
    settings.SENCO_PAGE_SIZE = 2
    small = queries(client, url)
    settings.SENCO_PAGE_SIZE = 20
    assert len(client.get(url).context["rows"]) == 20
    assert queries(client, url) == small


def test_list_reads_name_each_pupil_in_one_bulk_insert(persona):
    school = targets.home_school()
    pupils = list(targets.visible("teacher", school).order_by("pk")[:7])
    with CaptureQueriesContext(connection) as captured:
        entry = log.read_list(persona("teacher"), "pupil.listed", school, pupils)
    inserts = [q for q in captured if q["sql"].startswith('INSERT INTO "audit_auditpupil"')]
    assert len(inserts) == 1
    named = AuditPupil.objects.filter(entry=entry).order_by("pupil_id")
    assert [n.pupil_id for n in named] == sorted(p.pk for p in pupils)
    assert entry.pupil_ids == [p.pk for p in pupils]


def test_the_pupils_a_list_named_cannot_be_changed_or_deleted(persona):
    school = targets.home_school()
    entry = log.read_list(persona("senco"), "pupil.listed", school, [targets.taught_pupil()])
    named = AuditPupil.objects.filter(entry=entry)
    row = named.get()
    with pytest.raises(AppendOnlyError):
        named.update(pupil_id=1)
    with pytest.raises(AppendOnlyError):
        named.delete()
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditPupil.objects.all().delete()
    assert AuditPupil.objects.filter(entry=entry).count() == 1


def test_entries_about_a_confidential_record_hide_whose_record_it_was(client_for, persona):
    from tests import targets

    pupil = targets.taught_pupil()
    client_for("teacher").get(f"/pupils/{pupil.public_id}/")
    pupil.is_confidential = True
    pupil.save()
    pupil.confidential_to.set([persona("senco")])
    head_sees = client_for("head").get("/audit/", {"person": "teacher"}).content.decode()
    senco_sees = client_for("senco").get("/audit/", {"person": "teacher"}).content.decode()
    assert "A confidential record" in head_sees and pupil.legal_last_name not in head_sees
    assert pupil.legal_last_name in senco_sees


@pytest.mark.parametrize("number", ["abc", "-5", "0", "999999999", "1e9", ""])
def test_any_page_number_answers_without_counting_the_whole_log(client_for, number):
    response = client_for("senco").get("/audit/", {"page": number})
    assert response.status_code == 200


def test_the_log_pages_forward_and_back(client_for, settings):
    settings.SENCO_PAGE_SIZE = 2
    client = client_for("senco")
    for _ in range(3):
        client.get("/pupils/")
    first = client.get("/audit/", {"kind": "read"}).content.decode()
    assert (
        "Next page" in first
        and "Previous page" not in first
        and " of " not in first.split("Page 1")[1][:5]
    )
    second = client.get("/audit/", {"kind": "read", "page": 2}).content.decode()
    assert "Previous page" in second and "kind=read" in second
