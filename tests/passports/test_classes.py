"""The class view: a teacher's classes, their pupils with SEN and the strategies from their
passports on one page, acknowledged for the whole class at once."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from senco.audit.models import AuditEntry
from senco.passports.models import PassportReading
from senco.pupils import census
from senco.pupils.models import Pupil
from senco.schools.models import TeachingGroup
from tests import targets
from tests.passports.helpers import class_url, current, teachers_class, write

pytestmark = pytest.mark.django_db


def with_sen(group: TeachingGroup) -> list[Pupil]:
    return list(group.pupils.filter(sen_provision__in=census.REGISTER_CODES).order_by("pk"))


def queries(client, url: str) -> int:
    client.get(url)  # the first request of a session also refreshes its expiry
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_teacher_sees_their_class_with_its_pupils_with_sen_and_passports_unread(
    client_for, persona
):
    group = teachers_class()
    teacher = persona("teacher")
    pupils = with_sen(group)
    unread = [
        p for p in pupils if p.passports.exists() and not current(p).readings.filter(user=teacher)
    ]
    assert len(unread) >= 2, "the demo leaves two or three passports for teacher to read"
    response = client_for("teacher").get("/classes/")
    row = next(r for r in response.context["rows"] if r.group == group)
    assert (row.with_sen, row.unread_by_me) == (len(pupils), len(unread))
    assert f"<strong>{len(unread)}</strong>" in response.text


def test_the_unread_count_for_the_senco_counts_passports_some_of_the_groups_staff_missed(
    client_for, persona
):
    group = teachers_class()
    pupils = [p for p in with_sen(group) if p.passports.exists()]
    for pupil in pupils:
        for who in ("teacher", "ta"):
            PassportReading.objects.get_or_create(version=current(pupil), user=persona(who))
    unread_by_teacher = current(pupils[0])
    PassportReading.objects.filter(version=unread_by_teacher, user=persona("teacher")).delete()
    response = client_for("senco").get("/classes/")
    row = next(r for r in response.context["rows"] if r.group == group)
    assert row.unread_by_staff == 1


def test_a_teacher_sees_only_the_classes_they_teach(client_for):
    page = client_for("teacher").get("/classes/").text
    assert class_url("detail", teachers_class()) in page
    assert class_url("detail", teachers_class("other_teacher")) not in page


def test_the_senco_sees_every_class_with_passports_unread_by_its_staff(client_for):
    page = client_for("senco").get("/classes/").text
    assert "Passports not read by all the group&#x27;s staff" in page or "group's staff" in page
    assert class_url("detail", teachers_class()) in page
    assert class_url("detail", teachers_class("other_teacher")) in page
    assert "Passports you have not read" not in page


def test_the_class_view_shows_each_pupils_needs_and_passport_strategies(client_for):
    group = teachers_class()
    pupils = with_sen(group)
    response = client_for("teacher").get(class_url("detail", group))
    assert response.status_code == 200
    for pupil in pupils:
        assert pupil.full_name in response.text
        if pupil.passports.exists():
            strategy = current(pupil).strategy_list[0].replace("'", "&#x27;")
            assert strategy in response.text
    entry = AuditEntry.objects.filter(action="class.viewed", actor_label="teacher").latest("pk")
    assert sorted(entry.pupil_ids) == sorted(p.pk for p in pupils)


def test_a_pupil_not_on_the_register_is_not_on_the_class_view(client_for):
    group = teachers_class()
    pupil = group.pupils.filter(sen_provision="N").first()
    assert pupil is not None
    assert pupil.full_name not in client_for("teacher").get(class_url("detail", group)).text


def test_the_teacher_acknowledges_the_whole_class_at_once(client_for, persona):
    group = teachers_class()
    teacher = persona("teacher")
    unread = [
        current(p)
        for p in with_sen(group)
        if p.passports.exists() and not current(p).readings.filter(user=teacher).exists()
    ]
    assert unread
    client = client_for("teacher")
    assert "I have read all these passports" in client.get(class_url("detail", group)).text
    response = client.post(class_url("detail", group))
    assert response.status_code == 302
    for version in unread:
        assert PassportReading.objects.filter(version=version, user=teacher).exists()
    logged = AuditEntry.objects.filter(action="passport.acknowledged", actor_label="teacher")
    assert sorted(logged.values_list("pupil_id", flat=True)) == sorted(v.pupil_id for v in unread)
    client.post(class_url("detail", group))
    assert logged.count() == len(unread)
    assert (
        "You have read every passport in this class" in client.get(class_url("detail", group)).text
    )


def test_the_senco_cannot_acknowledge_a_class_they_do_not_teach(client_for, persona):
    group = teachers_class()
    before = PassportReading.objects.count()
    assert client_for("senco").post(class_url("detail", group)).status_code == 403
    assert PassportReading.objects.count() == before


def test_a_class_the_teacher_does_not_teach_is_not_found_and_nothing_is_acknowledged(
    client_for, persona
):
    group = teachers_class("other_teacher")
    client = client_for("teacher")
    for name in ("detail", "pdf", "docx"):
        response = client.get(class_url(name, group))
        assert response.status_code == 404
        assert "Not found, or you do not have access" in response.text
    before = PassportReading.objects.filter(user=persona("teacher")).count()
    assert client.post(class_url("detail", group)).status_code == 404
    assert PassportReading.objects.filter(user=persona("teacher")).count() == before


def test_a_class_of_another_school_is_not_found(client_for):
    group = TeachingGroup.objects.filter(school=targets.other_school()).order_by("pk")[0]
    assert client_for("senco").get(class_url("detail", group)).status_code == 404
    assert client_for("senco").get(class_url("pdf", group)).status_code == 404


def test_a_confidential_pupil_stays_off_the_class_view_of_staff_not_named(client_for):
    group = teachers_class()
    pupil = with_sen(group)[0]
    pupil.is_confidential = True
    pupil.save(update_fields=["is_confidential"])
    assert pupil.full_name not in client_for("teacher").get(class_url("detail", group)).text


NUMBERS = itertools.count(1)


def class_of(size: int) -> TeachingGroup:
    """A new class this year with `size` pupils on the register, each with a passport."""
    base = teachers_class()
    pupils = list(
        Pupil.objects.filter(school=base.school, left_on__isnull=True).order_by("pk")[:size]
    )
    Pupil.objects.filter(pk__in=[p.pk for p in pupils]).update(sen_provision="K")
    group = TeachingGroup.objects.create(
        school=base.school, academic_year=base.academic_year, name=f"Test {next(NUMBERS)}"
    )
    group.pupils.set(pupils)
    for pupil in pupils:
        write(pupil)
    return group


def test_the_class_view_makes_as_many_queries_for_twenty_pupils_as_for_two(client_for):
    client = client_for("senco")
    small, large = class_of(2), class_of(20)
    assert len(with_sen(large)) == 20
    assert queries(client, class_url("detail", small)) == queries(
        client, class_url("detail", large)
    )


def test_the_class_list_makes_as_many_queries_for_twenty_groups_as_for_two(client_for, settings):
    for n in range(20):
        class_of(2 + n % 3)
    client = client_for("senco")
    settings.SENCO_PAGE_SIZE = 2
    two = queries(client, "/classes/")
    settings.SENCO_PAGE_SIZE = 20
    assert queries(client, "/classes/") == two
