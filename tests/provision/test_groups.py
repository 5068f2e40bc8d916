"""Intervention groups as pages: the list, starting a group, one group, recording a session,
linking entry and exit results; good, missing, wrong, huge and hostile input; the demo's
provision."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from senco.accounts.models import User
from senco.assessment.models import AssessmentType, Result
from senco.audit.models import AuditEntry
from senco.provision import services
from senco.provision.group_views import planned_so_far
from senco.provision.models import (
    Attendance,
    DeliveryRole,
    Group,
    Member,
    Provision,
    Session,
    StaffRate,
)
from senco.pupils.models import Pupil
from senco.schools.models import Staff
from tests import targets
from tests.provision.groups_matrix import TA_GROUP, TEACHER_GROUP, demo_group, group_elsewhere

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
HOSTILE = "<script>alert('x')</script>"


def url(name: str, group: Group | None = None) -> str:
    return reverse(f"provision:{name}", kwargs={"public_id": group.public_id} if group else None)


def page(response) -> str:
    return response.content.decode()


def ta_group() -> Group:
    return demo_group(TA_GROUP)


def ta_pupils(n: int = 4):
    """Pupils on roll whom `ta` (and `teacher`) can see, register first."""
    seen = targets.visible("ta", targets.home_school()).on_roll()
    return sorted(seen, key=lambda p: (p.sen_provision not in ("K", "E"), p.pk))[:n]


def start_data(chosen, **changes) -> dict:
    provision = Provision.objects.get(school=targets.home_school(), name="Toe by Toe")
    data = {
        "step": "start",
        "provision": provision.pk,
        "name": "Year 3 reading, Tuesday",
        "staff": [Staff.objects.get(user__username="ta").pk],
        "pupils": [str(p.public_id) for p in chosen],
        "starts": (TODAY - dt.timedelta(days=28)).isoformat(),
        "ends": (TODAY + dt.timedelta(days=28)).isoformat(),
        "timetable": "Tue, Thu 9:10",
        "funding": "notional",
    }
    return data | changes


def session_data(group: Group, **changes) -> dict:
    members = group.members.select_related("pupil")
    data = {
        "held_on": TODAY.isoformat(),
        "status": "delivered",
        "minutes": "20",
        "present": [str(m.pupil.public_id) for m in members],
        "notes": "",
        "cancelled_because": "",
    }
    return data | changes


def counts() -> tuple[int, ...]:
    return (
        Group.objects.count(),
        Member.objects.count(),
        Session.objects.count(),
        Attendance.objects.count(),
    )


# The demo.


def test_the_demo_has_rates_a_library_and_groups_this_year_and_last():
    school = targets.home_school()
    assert StaffRate.objects.filter(school=school).count() == len(DeliveryRole.values)
    assert Provision.objects.filter(school=school).count() == 12
    assert {p.area for p in Provision.objects.filter(school=school)} == {"CL", "CI", "SEMH", "SP"}
    groups = Group.objects.filter(school=school)
    assert groups.count() >= 7
    assert groups.filter(ends__lt=TODAY).exists() and groups.filter(ends__gte=TODAY).exists()
    for group in groups:
        assert 1 <= group.members.count() <= 6
        assert all(s.held_on.weekday() < 5 for s in group.sessions.all())
        assert not group.sessions.filter(status="cancelled", cancelled_because="").exists()


def test_the_demos_ta_runs_a_group_of_pupils_they_can_see_with_todays_session_to_record():
    group = ta_group()
    assert group.starts < TODAY < group.ends
    assert group.staff.filter(user__username="ta").exists()
    seen = targets.visible("ta", targets.home_school())
    assert group.members.count() >= 3
    assert not group.members.exclude(pupil__in=seen).exists()
    assert group.sessions.exists() and not group.sessions.filter(held_on=TODAY).exists()


def test_finished_reading_groups_have_entry_and_exit_reading_ages_with_a_gain():
    finished = Member.objects.filter(
        group__school=targets.home_school(), group__ends__lt=TODAY, exit_result__isnull=False
    ).select_related("entry_result", "exit_result")
    assert finished.exists()
    for member in finished:
        assert member.exit_result.taken_on > member.entry_result.taken_on
        assert member.exit_result.months > member.entry_result.months
        assert member.exit_result.pupil_id == member.pupil_id


# The list.


def test_the_list_shows_running_groups_first_with_sessions_and_attendance(
    client_for, django_assert_max_num_queries
):
    client = client_for("senco")
    with django_assert_max_num_queries(10):
        response = client.get(url("groups"))
    shown = page(response)
    assert response.status_code == 200
    assert shown.index(TA_GROUP) < shown.index("Lexia, Year 4 and 5")
    group = ta_group()
    delivered = group.sessions.filter(status="delivered").count()
    assert f"{delivered} of {planned_so_far(group, TODAY)}" in shown
    assert "%" in shown


def test_the_lists_query_count_does_not_grow_with_the_groups(
    client_for, django_assert_max_num_queries
):
    for n in range(6):
        group_elsewhere_at_home(n)
    client = client_for("senco")
    with django_assert_max_num_queries(10):
        assert client.get(url("groups")).status_code == 200


def group_elsewhere_at_home(n: int) -> Group:
    return services.start_group(
        Provision.objects.get(school=targets.home_school(), name="Lexia"),
        by=User.objects.get(username="senco"),
        name=f"Extra group {n}",
        staff=[Staff.objects.get(user__username="ta")],
        pupils=ta_pupils(3),
        starts=TODAY - dt.timedelta(days=10),
        ends=TODAY + dt.timedelta(days=10),
    )


def test_a_teacher_lists_only_the_groups_they_run_and_the_filter_narrows(client_for):
    shown = page(client_for("teacher").get(url("groups")))
    assert TEACHER_GROUP in shown and TA_GROUP not in shown
    ended = page(client_for("senco").get(url("groups"), {"show": "ended"}))
    assert "Lexia, Year 4 and 5" in ended and TA_GROUP not in ended
    running = page(client_for("senco").get(url("groups"), {"show": "running"}))
    assert TA_GROUP in running and "Lexia, Year 4 and 5" not in running


# Starting a group.


def test_the_senco_starts_a_group_of_four(client_for):
    pupils = ta_pupils(4)
    response = client_for("senco").post(url("group_new"), start_data(pupils))
    group = Group.objects.get(name="Year 3 reading, Tuesday")
    assert response.status_code == 302 and response.url == url("group", group)
    assert set(group.members.values_list("pupil", flat=True)) == {p.pk for p in pupils}
    assert list(group.staff.values_list("user__username", flat=True)) == ["ta"]
    assert AuditEntry.objects.filter(action="provision.group_started").exists()


def test_finding_pupils_by_year_keeps_what_was_typed(client_for):
    pupil = ta_pupils(1)[0]
    data = start_data([], step="find", name="Kept name")
    data |= {"find-year": pupil.year_group, "find-q": pupil.last_name, "find-everyone": "on"}
    shown = page(client_for("senco").post(url("group_new"), data))
    assert str(pupil.public_id) in shown and "Kept name" in shown
    assert "There is a problem" not in shown
    assert not Group.objects.filter(name="Kept name").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "", "staff": [], "pupils": []}, "Give the group a name"),
        ({"name": "x" * 151}, "at most 150 characters"),
        ({"timetable": "y" * 201}, "at most 200 characters"),
        ({"staff": []}, "Name who runs the group."),
        ({"pupils": []}, "Choose the pupils in the group."),
        ({"provision": "999999"}, "Choose a provision from this school"),
        ({"starts": "31/02/2026"}, "Enter a valid date"),
        ({"ends": (TODAY - dt.timedelta(days=60)).isoformat()}, "before it starts"),
    ],
)
def test_a_group_with_missing_or_wrong_input_is_refused_and_nothing_changes(
    client_for, changes, message
):
    before = counts()
    response = client_for("senco").post(url("group_new"), start_data(ta_pupils(2), **changes))
    assert response.status_code == 200
    assert message in page(response)
    assert counts() == before


def test_a_tampered_pupil_from_another_school_is_refused(client_for):
    before = counts()
    pupils = [*ta_pupils(2), targets.pupil_elsewhere()]
    response = client_for("senco").post(url("group_new"), start_data(pupils))
    assert "is not one you can add" in page(response)
    assert counts() == before


def test_another_schools_staff_or_provision_is_refused(client_for):
    before = counts()
    stranger = Staff.objects.filter(school=targets.other_school())[0]
    response = client_for("senco").post(
        url("group_new"), start_data(ta_pupils(2), staff=[stranger.pk])
    )
    assert "Choose staff of this school from the list." in page(response)
    assert counts() == before


def test_a_hostile_group_name_is_shown_escaped(client_for):
    client = client_for("senco")
    client.post(url("group_new"), start_data(ta_pupils(2), name=HOSTILE))
    group = Group.objects.get(name=HOSTILE)
    shown = page(client.get(url("group", group)))
    assert HOSTILE not in shown and "&lt;script&gt;" in shown


# One group.


def test_the_group_shows_members_attendance_results_and_sessions(client_for):
    group = ta_group()
    shown = page(client_for("ta").get(url("group", group)))
    member = group.members.select_related("pupil", "entry_result").first()
    assert member.pupil.last_name in shown
    assert "Record a session" in shown and "Entry and exit results" not in shown
    if member.entry_result:
        assert member.entry_result.display in shown
    entry = AuditEntry.objects.filter(action="provision.group_viewed", actor_label="ta").latest(
        "id"
    )
    assert member.pupil_id in entry.pupil_ids


def test_those_who_run_a_group_see_its_pupils_but_not_a_confidential_one(client_for):
    group = demo_group(TEACHER_GROUP)
    seen = targets.parents_child()  # not taught by teacher in any class
    senco = User.objects.get(username="senco")
    services.add_member(group, seen, by=senco, joined=group.starts)
    assert str(seen.public_id) in page(client_for("teacher").get(url("group", group)))
    hidden = seen
    Pupil.objects.filter(pk=hidden.pk).update(is_confidential=True)
    hidden.confidential_to.set([senco])
    shown = page(client_for("teacher").get(url("group", group)))
    assert hidden.last_name not in shown or hidden.public_id.hex not in shown
    assert str(hidden.public_id) not in shown
    assert "not shown" not in shown  # saying how many would point at the confidential one


# Recording a session.


def test_the_ta_records_a_session_with_one_pupil_absent(client_for):
    group = ta_group()
    absent = group.members.select_related("pupil").first().pupil
    data = session_data(group)
    data["present"].remove(str(absent.public_id))
    response = client_for("ta").post(url("session_new", group), data)
    assert response.status_code == 302
    session = group.sessions.get(held_on=TODAY)
    assert session.status == "delivered" and session.recorded_by.username == "ta"
    marks = dict(session.attendance.values_list("pupil_id", "present"))
    assert marks[absent.pk] is False and sum(marks.values()) == len(marks) - 1


def test_the_session_form_defaults_to_today_everyone_present_and_the_usual_length(client_for):
    group = ta_group()
    shown = page(client_for("ta").get(url("session_new", group)))
    assert f'value="{TODAY.isoformat()}"' in shown
    assert f'value="{group.provision.session_minutes}"' in shown
    assert shown.count("checked") >= group.members.count() + 1  # and "Delivered"


def test_a_cancelled_session_with_its_reason_records_no_attendance(client_for):
    group = ta_group()
    data = session_data(group, status="cancelled", cancelled_because="School trip")
    assert client_for("senco").post(url("session_new", group), data).status_code == 302
    session = group.sessions.get(held_on=TODAY)
    assert session.cancelled_because == "School trip" and not session.attendance.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"held_on": ""}, "This field is required"),
        ({"held_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "is in the future"),
        ({"held_on": "2001-01-01"}, "is outside the group"),
        ({"status": "cancelled"}, "Say why the session was cancelled."),
        ({"minutes": "0"}, "from 1 to 480"),
        ({"minutes": "lots"}, "whole number of minutes"),
        ({"notes": "n" * 3001}, "at most 3000 characters"),
        ({"cancelled_because": "r" * 301, "status": "cancelled"}, "at most 300 characters"),
        ({"status": "maybe"}, "Select a valid choice"),
    ],
)
def test_a_session_with_missing_or_wrong_input_is_refused_and_nothing_changes(
    client_for, changes, message
):
    group = ta_group()
    before = counts()
    response = client_for("ta").post(url("session_new", group), session_data(group, **changes))
    assert response.status_code == 200
    assert message in page(response)
    assert counts() == before


def test_a_tampered_pupil_from_another_school_is_not_marked(client_for):
    group = ta_group()
    data = session_data(group)
    data["present"].append(str(targets.pupil_elsewhere().public_id))
    before = counts()
    response = client_for("ta").post(url("session_new", group), data)
    assert "Mark only pupils who are in this group." in page(response)
    assert counts() == before


def test_a_second_session_on_the_same_day_is_refused(client_for):
    group = ta_group()
    client = client_for("ta")
    client.post(url("session_new", group), session_data(group))
    before = counts()
    response = client.post(url("session_new", group), session_data(group))
    assert "is recorded already" in page(response) and counts() == before


def test_hostile_notes_are_shown_escaped(client_for):
    group = ta_group()
    client = client_for("ta")
    client.post(url("session_new", group), session_data(group, notes=HOSTILE))
    shown = page(client.get(url("group", group)))
    assert HOSTILE not in shown and "&lt;script&gt;" in shown


# Entry and exit results.


def reading_results(pupil, entry_months=90, exit_months=97):
    reading = AssessmentType.objects.get(school=targets.home_school(), kind="reading_age")
    make = Result.objects.create
    entry = make(pupil=pupil, assessment_type=reading, taken_on=TODAY - dt.timedelta(days=300),
                 months=entry_months)  # fmt: skip
    exit_ = make(pupil=pupil, assessment_type=reading, taken_on=TODAY - dt.timedelta(days=299),
                 months=exit_months)  # fmt: skip
    return entry, exit_


def results_data(group: Group) -> dict:
    data = {}
    for m in group.members.select_related("pupil"):
        key = m.pupil.public_id.hex
        data[f"entry_{key}"] = m.entry_result_id or ""
        data[f"exit_{key}"] = m.exit_result_id or ""
    return data


def test_the_senco_links_entry_and_exit_results(client_for):
    group = ta_group()
    member = group.members.select_related("pupil").first()
    entry, exit_ = reading_results(member.pupil)
    data = results_data(group)
    key = member.pupil.public_id.hex
    data |= {f"entry_{key}": entry.pk, f"exit_{key}": exit_.pk}
    response = client_for("senco").post(url("group_results", group), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.entry_result, member.exit_result) == (entry, exit_)


def test_an_exit_result_before_the_entry_is_refused_at_its_row_and_nothing_changes(client_for):
    group = ta_group()
    first, second = group.members.select_related("pupil")[:2]
    early, late = reading_results(first.pupil)
    good_entry, good_exit = reading_results(second.pupil)
    data = results_data(group)
    one, two = first.pupil.public_id.hex, second.pupil.public_id.hex
    data |= {f"entry_{one}": late.pk, f"exit_{one}": early.pk}
    data |= {f"entry_{two}": good_entry.pk, f"exit_{two}": good_exit.pk}
    before = list(Member.objects.filter(group=group).values_list("entry_result", "exit_result"))
    response = client_for("senco").post(url("group_results", group), data)
    assert response.status_code == 200
    assert "is not after the entry result" in page(response)
    assert f'id="id_exit_{one}-error"' in page(response)
    after = list(Member.objects.filter(group=group).values_list("entry_result", "exit_result"))
    assert after == before


def test_another_pupils_result_is_not_a_choice(client_for):
    group = ta_group()
    first, second = group.members.select_related("pupil")[:2]
    theirs, _ = reading_results(second.pupil)
    data = results_data(group) | {f"entry_{first.pupil.public_id.hex}": theirs.pk}
    before = list(Member.objects.filter(group=group).values_list("entry_result", "exit_result"))
    response = client_for("senco").post(url("group_results", group), data)
    assert "Choose one of this pupil" in page(response)
    after = list(Member.objects.filter(group=group).values_list("entry_result", "exit_result"))
    assert after == before


def test_a_group_elsewhere_is_not_found_for_this_schools_senco(client_for):
    group = group_elsewhere()
    response = client_for("senco").get(url("group", group))
    assert response.status_code == 404


def test_planned_sessions_count_the_weeks_elapsed():
    provision = Provision(sessions_per_week=Decimal(3))
    group = Group(provision=provision, starts=TODAY - dt.timedelta(days=13), ends=TODAY)
    assert planned_so_far(group, TODAY) == 6
    assert planned_so_far(group, TODAY - dt.timedelta(days=20)) == 0


def test_staff_cannot_record_sessions_of_a_group_ended_long_ago(client_for):
    group = ta_group()
    Group.objects.filter(pk=group.pk).update(
        starts=TODAY - dt.timedelta(days=300), ends=TODAY - dt.timedelta(days=60)
    )
    assert client_for("ta").get(url("session_new", group)).status_code == 403
    assert client_for("senco").get(url("session_new", group)).status_code == 200
