"""The provision library, standard rates, groups, sessions and results: what each service
keeps, and the bad input each refuses without changing anything."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from senco.assessment.models import AssessmentType
from senco.audit.models import AuditEntry
from senco.provision import services
from senco.provision.models import Attendance, Group, Member, Provision, Session, StaffRate
from senco.pupils.models import Pupil
from tests import targets
from tests.provision import helpers

pytestmark = pytest.mark.django_db
TODAY = helpers.TODAY


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (Provision, StaffRate, Group, Member, Session, Attendance)
    )


def test_a_provision_is_added_to_the_library_and_audited():
    provision = helpers.library_entry(materials_cost=Decimal("45.50"))
    assert provision.hours_per_week == Decimal("1.5")
    assert AuditEntry.objects.filter(action="provision.saved", object_id=provision.pk).exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"materials_cost": Decimal("-1")}, "materials_cost", "cannot be negative"),
        ({"licence_cost": Decimal("-0.01")}, "licence_cost", "cannot be negative"),
        ({"name": "  "}, "name", "Give the provision a name"),
        ({"staff_role": "wizard"}, "staff_role", "Choose who delivers it"),
        ({"weeks": 0}, "weeks", ""),
        ({"area": "XX"}, "area", ""),
    ],
)
def test_a_bad_provision_is_refused_and_nothing_is_saved(fields, field, message):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        helpers.library_entry(**fields)
    assert field in refused.value.message_dict
    assert message in " ".join(refused.value.message_dict[field])
    assert counts() == before


def test_two_provisions_cannot_share_a_name_nor_use_another_schools_assessment():
    helpers.library_entry()
    with pytest.raises(ValidationError, match="already has"):
        helpers.library_entry(name="reading CATCH-UP (test)")
    elsewhere = AssessmentType.objects.create(
        school=targets.other_school(), name="Elsewhere reading", kind="reading_age"
    )
    with pytest.raises(ValidationError, match="this school's assessments"):
        helpers.library_entry(name="Other", entry_assessment=elsewhere)


def test_a_standard_rate_is_set_and_a_negative_one_refused():
    school = targets.home_school()
    rate = services.set_rate(school, by=helpers.senco(), role="ta", hourly_cost=Decimal("18.40"))
    assert rate.hourly_cost == Decimal("18.40")
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.set_rate(school, by=helpers.senco(), role="ta", hourly_cost=Decimal(-5))
    rate.refresh_from_db()
    assert rate.hourly_cost == Decimal("18.40")


def test_a_group_is_started_with_its_staff_and_pupils():
    group = helpers.group()
    assert group.members.count() == 4
    assert list(group.staff.all()) == [helpers.ta_staff()]
    assert AuditEntry.objects.filter(action="provision.member_added").count() >= 4


def test_a_pupil_at_another_school_is_refused_and_no_group_is_made():
    stranger = Pupil.objects.filter(school=targets.other_school())[0]
    provision = helpers.library_entry()
    before = counts()
    with pytest.raises(ValidationError, match="is at another school"):
        helpers.group(provision, members=[*helpers.pupils(3), stranger])
    assert counts() == before


def test_a_group_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValidationError, match="before it starts"):
        services.start_group(
            helpers.library_entry(),
            by=helpers.senco(),
            name="Backwards",
            staff=[helpers.ta_staff()],
            pupils=helpers.pupils(),
            starts=TODAY,
            ends=TODAY - dt.timedelta(days=1),
        )


def test_a_delivered_session_records_each_members_attendance():
    group = helpers.group()
    came = [m.pupil_id for m in group.members.all()][:3]
    session = services.record_session(
        group, by=helpers.senco(), held_on=TODAY - dt.timedelta(days=7), delivered=True,
        minutes=30, present=came,
    )  # fmt: skip
    marks = dict(session.attendance.values_list("pupil_id", "present"))
    assert sum(marks.values()) == 3 and len(marks) == 4


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"held_on": TODAY - dt.timedelta(days=200)}, "outside the group"),
        ({"held_on": TODAY + dt.timedelta(days=2)}, "in the future"),
        ({"delivered": False}, "Say why the session was cancelled"),
        ({"minutes": 0}, "length in minutes"),
        ({"present": [999999999]}, "only pupils who were in the group"),
    ],
)
def test_a_bad_session_is_refused_and_nothing_is_recorded(changes, message):
    group = helpers.group()
    before = counts()
    values = {"held_on": TODAY - dt.timedelta(days=7), "delivered": True, "minutes": 30}
    with pytest.raises(ValidationError, match=message):
        services.record_session(group, by=helpers.senco(), **(values | changes))
    assert counts() == before


def test_one_session_a_day_and_a_cancelled_one_keeps_its_reason():
    group = helpers.group()
    day = TODAY - dt.timedelta(days=3)
    session = services.record_session(
        group, by=helpers.senco(), held_on=day, delivered=False, minutes=30,
        cancelled_because="TA covering a class",
    )  # fmt: skip
    assert session.cancelled_because == "TA covering a class" and not session.attendance.exists()
    with pytest.raises(ValidationError, match="recorded already"):
        services.record_session(group, by=helpers.senco(), held_on=day, delivered=True, minutes=30)


def test_entry_and_exit_results_are_linked_and_an_exit_before_entry_refused():
    group = helpers.group()
    member = group.members.select_related("pupil", "group__provision")[0]
    entry = helpers.result(member.pupil, 86, TODAY - dt.timedelta(days=69))
    exit_ = helpers.result(member.pupil, 95, TODAY - dt.timedelta(days=1))
    services.record_results(member, by=helpers.senco(), entry=entry, exit=exit_)
    member.refresh_from_db()
    assert (member.entry_result, member.exit_result) == (entry, exit_)
    with pytest.raises(ValidationError, match="is not after the entry result"):
        services.record_results(member, by=helpers.senco(), entry=exit_, exit=entry)
    other = group.members.exclude(pk=member.pk).select_related("pupil", "group__provision")[0]
    with pytest.raises(ValidationError, match="this pupil's own results"):
        services.record_results(other, by=helpers.senco(), entry=entry, exit=None)
    member.refresh_from_db()
    assert (member.entry_result, member.exit_result) == (entry, exit_)


@pytest.mark.parametrize(
    ("starts", "ends", "message"),
    [
        (dt.date(1, 1, 1), dt.date(9999, 12, 31), "a year at most"),
        (TODAY - dt.timedelta(days=900), TODAY - dt.timedelta(days=800), "too far from today"),
        (TODAY + dt.timedelta(days=500), TODAY + dt.timedelta(days=520), "too far from today"),
    ],
)
def test_a_group_dated_far_from_today_or_over_a_year_long_is_refused(starts, ends, message):
    provision = helpers.library_entry()
    before = counts()
    with pytest.raises(ValidationError, match=message):
        services.start_group(
            provision, by=helpers.senco(), name="Far away", staff=[helpers.ta_staff()],
            pupils=helpers.pupils(), starts=starts, ends=ends,
        )  # fmt: skip
    assert counts() == before


def test_attendance_is_marked_only_for_the_pupils_the_recorder_was_shown():
    group = helpers.group()
    shown = [m.pupil_id for m in group.members.order_by("pk")][:3]
    session = services.record_session(
        group, by=helpers.senco(), held_on=TODAY - dt.timedelta(days=7), delivered=True,
        minutes=30, present=shown[:2], marked=shown,
    )  # fmt: skip
    marks = dict(session.attendance.values_list("pupil_id", "present"))
    assert marks == {shown[0]: True, shown[1]: True, shown[2]: False}


def test_staff_who_run_a_group_see_its_pupils_only_while_it_runs_and_they_are_in_it():
    from senco import access

    ta = helpers.ta_staff().user
    school = targets.home_school()
    outsider = Pupil.objects.filter(school=school, sen_provision="K").exclude(
        pk__in=access.pupils_visible_to(ta, school)
    )[0]
    group = helpers.group(members=[*helpers.pupils(3), outsider])
    ta = type(ta).objects.get(pk=ta.pk)  # a fresh user: access caches per request
    assert access.pupils_visible_to(ta, school).filter(pk=outsider.pk).exists()
    Member.objects.filter(group=group, pupil=outsider).update(left=TODAY - dt.timedelta(days=60))
    ta = type(ta).objects.get(pk=ta.pk)
    assert not access.pupils_visible_to(ta, school).filter(pk=outsider.pk).exists()
    Member.objects.filter(group=group, pupil=outsider).update(left=None)
    Group.objects.filter(pk=group.pk).update(
        starts=TODAY - dt.timedelta(days=200), ends=TODAY - dt.timedelta(days=40)
    )
    ta = type(ta).objects.get(pk=ta.pk)
    assert not access.pupils_visible_to(ta, school).filter(pk=outsider.pk).exists()
