"""Pupil passports: read, written in versions, acknowledged by the staff who teach the pupil,
and changes suggested by parents."""

import datetime as dt

import pytest

from senco.accounts.models import Membership, Role
from senco.audit.models import AuditEntry
from senco.passports import services
from senco.passports.models import PassportReading, PassportSuggestion, PassportVersion
from senco.schools.calendar import academic_year_start
from senco.schools.models import AcademicYear, GroupStaff, Staff, TeachingGroup, Term
from tests import targets
from tests.passports.helpers import current, form, url, write

pytestmark = pytest.mark.django_db


def entries(action: str, **where):
    return AuditEntry.objects.filter(action=action, **where)


def test_the_teacher_reads_a_taught_pupils_passport_and_the_read_is_audited(client_for):
    pupil = targets.taught_pupil()
    version = current(pupil)
    response = client_for("teacher").get(url("detail", pupil))
    assert response.status_code == 200
    page = response.content.decode()
    assert version.strategy_list[0] in page
    assert "About me" in page and "Strategies for staff" in page
    assert pupil.full_name not in page.split("<title>")[1].split("</title>")[0]
    assert entries("passport.viewed", pupil_id=pupil.pk, actor_label="teacher").count() == 1


def test_a_passport_in_the_pupils_own_words_says_so(client_for):
    pupil = targets.taught_pupil()
    write(pupil, in_own_words=True)
    assert "In the pupil's own words" in client_for("ta").get(url("detail", pupil)).text


def test_an_earlier_version_is_shown_by_its_number_and_every_version_is_listed(client_for):
    pupil = targets.taught_pupil()
    first = write(pupil, about_me="Old words about trains.")
    write(pupil, about_me="New words about space.")
    client = client_for("senco")
    page = client.get(url("detail", pupil)).text
    assert "New words about space." in page and f"Version {first.number}" in page
    earlier = client.get(url("detail", pupil) + f"?version={first.number}").text
    assert "Old words about trains." in earlier and "an earlier version" in earlier
    assert client.get(url("detail", pupil) + "?version=999").status_code == 404


def test_a_pupil_without_a_passport_says_so_and_the_senco_is_offered_to_write_one(client_for):
    pupil = targets.taught_pupil()
    pupil.passports.all().delete()
    page = client_for("senco").get(url("detail", pupil)).text
    assert "has no passport yet" in page and url("edit", pupil) in page
    assert url("edit", pupil) not in client_for("teacher").get(url("detail", pupil)).text
    assert client_for("teacher").get(url("pdf", pupil)).status_code == 404


def test_the_edit_form_starts_from_a_copy_of_the_current_version(client_for):
    pupil = targets.taught_pupil()
    write(pupil, about_me="I build rockets out of boxes.")
    assert "I build rockets out of boxes." in client_for("senco").get(url("edit", pupil)).text


def test_the_senco_writes_a_new_version_and_the_earlier_one_is_kept(client_for):
    pupil = targets.taught_pupil()
    before = current(pupil)
    response = client_for("senco").post(url("edit", pupil), form(about_me="I love maps."))
    assert response.status_code == 302
    after = current(pupil)
    assert after.number == before.number + 1 and after.about_me == "I love maps."
    assert PassportVersion.objects.filter(pk=before.pk).exists()
    entry = entries("passport.written", pupil_id=pupil.pk).latest("pk")
    assert entry.changes["before"]["about_me"] == before.about_me
    assert entry.changes["after"]["about_me"] == "I love maps."


def test_versions_are_numbered_one_after_another(persona):
    pupil = targets.taught_pupil()
    pupil.passports.all().delete()
    sections = {k: v for k, v in form().items() if k != "in_own_words"} | {"in_own_words": True}
    numbers = [
        services.write_passport(pupil, sections=sections, by=persona("senco")).number
        for _ in range(3)
    ]
    assert numbers == [1, 2, 3]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"about_me": ""}, "Write something in About me"),
        ({"about_me": "   "}, "Write something in About me"),
        ({"strategies": ""}, "Give at least one strategy for staff"),
        ({"about_me": "x" * 3001}, "About me must be 3000 characters or fewer (it has 3001)"),
        ({"helps_me": "x" * 50_000}, "What helps me must be 3000 characters or fewer"),
    ],
)
def test_a_passport_missing_a_section_or_far_too_long_is_refused_and_nothing_changes(
    client_for, changes, message
):
    pupil = targets.taught_pupil()
    count = pupil.passports.count()
    response = client_for("senco").post(url("edit", pupil), form(**changes))
    assert response.status_code == 200
    assert message in response.text and "There is a problem" in response.text
    assert pupil.passports.count() == count
    assert not entries("passport.written", pupil_id=pupil.pk).exists()


def test_the_teacher_acknowledges_the_current_version_once(client_for, persona):
    pupil = targets.taught_pupil()
    version = write(pupil)
    client = client_for("teacher")
    assert "I have read this" in client.get(url("detail", pupil)).text
    assert client.post(url("acknowledge", pupil)).status_code == 302
    assert client.post(url("acknowledge", pupil)).status_code == 302
    assert PassportReading.objects.filter(version=version, user=persona("teacher")).count() == 1
    assert entries("passport.acknowledged", pupil_id=pupil.pk, actor_label="teacher").count() == 1
    assert "I have read this" not in client.get(url("detail", pupil)).text


def test_an_acknowledgement_for_a_visible_pupil_the_user_does_not_teach_is_refused(
    client_for, persona
):
    """`teacher`, also the school's pastoral lead, sees every pupil but teaches only a class."""
    pupil = targets.parents_child()
    teacher = persona("teacher")
    Membership.objects.create(user=teacher, school=pupil.school, role=Role.PASTORAL_LEAD)
    write(pupil)
    client = client_for("teacher")
    assert client.get(url("detail", pupil)).status_code == 200
    assert client.post(url("acknowledge", pupil)).status_code == 403
    assert not PassportReading.objects.filter(user=teacher, version__pupil=pupil).exists()
    assert not entries("passport.acknowledged", pupil_id=pupil.pk).exists()


def test_a_teacher_asking_for_a_pupil_they_do_not_teach_gets_not_found(client_for, persona):
    pupil = targets.parents_child()
    client = client_for("teacher")
    for name in ("detail", "pdf", "docx"):
        response = client.get(url(name, pupil))
        assert response.status_code == 404
        assert "Not found, or you do not have access" in response.text
    assert client.post(url("acknowledge", pupil)).status_code == 404
    assert not PassportReading.objects.filter(version__pupil=pupil, user=persona("teacher"))


def test_the_senco_sees_who_teaches_the_pupil_and_who_has_read_the_passport(client_for, persona):
    pupil = targets.taught_pupil()
    version = write(pupil)
    PassportReading.objects.create(version=version, user=persona("ta"))
    page = client_for("senco").get(url("detail", pupil)).text
    section = page.split("Who has read version")[1].split("</table>")[0]
    ta, teacher = persona("ta").get_full_name(), persona("teacher").get_full_name()
    assert ta in section and teacher in section
    assert section.count("Read on") == 1 and "Not read yet" in section
    assert "Who has read" not in client_for("teacher").get(url("detail", pupil)).text


def test_the_parent_suggests_a_change_and_the_senco_answers_it(client_for, persona):
    child = targets.parents_child()
    parent = client_for("parent")
    assert "Suggest a change" in parent.get(url("detail", child)).text
    response = parent.post(url("suggest", child), {"text": "She loves horses: please add it."})
    assert response.status_code == 302
    suggestion = PassportSuggestion.objects.get(pupil=child, text__startswith="She loves horses")
    assert suggestion.suggested_by == persona("parent")
    assert entries("passport.suggested", pupil_id=child.pk).count() == 1

    senco = client_for("senco")
    assert "She loves horses" in senco.get(url("detail", child)).text
    field = f"answer-{suggestion.public_id.hex}-answer"
    answered = senco.post(
        url("answer", child, suggestion_id=suggestion.public_id), {field: "Added, thank you."}
    )
    assert answered.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.answer == "Added, thank you." and suggestion.answered_by == persona("senco")
    assert entries("passport.suggestion_answered", pupil_id=child.pk).count() == 1
    assert "Added, thank you." in parent.get(url("detail", child)).text


def test_an_empty_or_huge_suggestion_is_refused_and_nothing_is_saved(client_for):
    child = targets.parents_child()
    client = client_for("parent")
    before = PassportSuggestion.objects.count()
    empty = client.post(url("suggest", child), {"text": ""})
    assert "Write your suggestion before sending it" in empty.text
    huge = client.post(url("suggest", child), {"text": "x" * 10_000})
    assert "Your suggestion must be 3000 characters or fewer" in huge.text
    assert PassportSuggestion.objects.count() == before


def test_a_parent_suggesting_on_another_childs_passport_gets_not_found(client_for):
    child = targets.parents_child()
    response = client_for("other_parent").post(url("suggest", child), {"text": "Hello"})
    assert response.status_code == 404
    assert not PassportSuggestion.objects.filter(pupil=child, text="Hello").exists()


def test_a_parent_sees_only_their_own_suggestions(client_for, persona):
    child = targets.parents_child()
    PassportSuggestion.objects.create(pupil=child, suggested_by=persona("senco"), text="Staff note")
    assert "Staff note" not in client_for("parent").get(url("detail", child)).text


def test_an_answer_to_a_suggestion_about_another_pupil_is_not_found(client_for):
    child, other = targets.parents_child(), targets.taught_pupil()
    suggestion = PassportSuggestion.objects.create(pupil=child, text="Add: likes Lego.")
    response = client_for("senco").post(
        url("answer", other, suggestion_id=suggestion.public_id), {"x": "y"}
    )
    assert response.status_code == 404


def in_summer_term(school) -> None:
    """Make today fall in this school year's summer term."""
    today = dt.date.today()
    year = AcademicYear.objects.get(school=school, start_year=academic_year_start(today))
    Term.objects.filter(academic_year=year, name=Term.Name.SUMMER).delete()
    Term.objects.filter(academic_year=year, starts__lte=today, ends__gte=today).update(
        ends=today - dt.timedelta(days=1), starts=today - dt.timedelta(days=30)
    )
    Term.objects.create(
        academic_year=year,
        name=Term.Name.SUMMER,
        starts=today - dt.timedelta(days=1),
        ends=today + dt.timedelta(days=30),
    )


def next_years_class_for_teacher(persona, pupil) -> TeachingGroup:
    school = pupil.school
    start = academic_year_start(dt.date.today()) + 1
    year, _ = AcademicYear.objects.get_or_create(school=school, start_year=start)
    group = TeachingGroup.objects.create(
        school=school, academic_year=year, name="Next year's class", year_group=pupil.year_group
    )
    group.pupils.add(pupil)
    staff = Staff.objects.get(user=persona("teacher"))
    GroupStaff.objects.create(group=group, staff=staff, role=GroupStaff.Role.TEACHER)
    return group


def test_next_years_teacher_sees_an_incoming_pupils_passport_only_in_the_summer_term(
    client_for, persona
):
    pupil = targets.parents_child()
    write(pupil, strategies="Let me hold the register on the way to assembly.")
    group = next_years_class_for_teacher(persona, pupil)
    assert client_for("teacher").get(url("detail", pupil)).status_code == 404
    in_summer_term(pupil.school)
    client = client_for("teacher")
    page = client.get(url("detail", pupil)).text
    assert "Let me hold the register on the way to assembly." in page
    assert "I have read this" in page
    classes = client.get("/classes/").text
    assert group.name.replace("'", "&#x27;") in classes and "from September" in classes
