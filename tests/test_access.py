"""access.py: relationships, not just roles (DESIGN.md, "Who may see what")."""

import datetime as dt

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from senco import access
from senco.accounts.models import Membership, PupilGrant, Role, User
from senco.audit.models import AuditEntry
from senco.pupils.models import Contact, Pupil, PupilContact
from senco.schools.calendar import past_compulsory_school_age_if_born_by
from senco.schools.models import AcademicYear, GroupStaff, TeachingGroup, Term
from tests import targets

pytestmark = pytest.mark.django_db


def visible(username: str) -> set[int]:
    return set(targets.visible(username, targets.home_school()).values_list("pk", flat=True))


def test_an_invited_professional_sees_only_the_pupils_they_are_invited_to(client_for):
    grant = PupilGrant.objects.get(user__username="ep")
    assert (
        visible("ep") == set(grant.pupils.values_list("pk", flat=True)) and len(visible("ep")) == 2
    )
    client = client_for("ep")
    assert client.get(f"/pupils/{grant.pupils.first().public_id}/").status_code == 200
    other = Pupil.objects.filter(school=grant.school).exclude(pk__in=visible("ep")).first()
    assert client.get(f"/pupils/{other.public_id}/").status_code == 404


def test_a_grant_ends_on_its_end_date(monkeypatch):
    grant = PupilGrant.objects.get(user__username="ep")
    monkeypatch.setattr(access, "today", lambda: grant.ends)
    assert len(visible("ep")) == 2
    monkeypatch.setattr(access, "today", lambda: grant.ends + dt.timedelta(days=1))
    assert visible("ep") == set()


def test_a_governor_sees_a_named_pupil_only_through_a_panel_grant(client_for, persona):
    pupil = targets.taught_pupil()
    client = client_for("governor")
    assert client.get(f"/pupils/{pupil.public_id}/").status_code == 404
    assert visible("governor") == set()
    grant = PupilGrant.objects.create(
        user=persona("governor"), school=pupil.school, reason="Exclusion review panel",
        starts=access.today(), ends=access.today() + dt.timedelta(days=7),
    )  # fmt: skip
    grant.pupils.add(pupil)
    assert client.get(f"/pupils/{pupil.public_id}/").status_code == 200


def test_a_confidential_record_is_hidden_from_everyone_not_named(client_for, persona):
    pupil = targets.taught_pupil()
    pupil.is_confidential = True
    pupil.save()
    pupil.confidential_to.set([persona("senco")])
    assert client_for("teacher").get(f"/pupils/{pupil.public_id}/").status_code == 404
    assert client_for("head").get(f"/pupils/{pupil.public_id}/").status_code == 404
    assert client_for("senco").get(f"/pupils/{pupil.public_id}/").status_code == 200
    found = client_for("head").get("/pupils/", {"q": pupil.upn})
    assert pupil.legal_last_name not in found.content.decode()
    assert pupil.pk not in visible("head") and pupil.pk in visible("senco")


def test_a_confidential_contact_is_hidden_from_the_record(client_for, persona):
    pupil = targets.parents_child()
    contact = Contact.objects.filter(pupil_links__pupil=pupil).first()
    contact.is_confidential = True
    contact.save()
    contact.confidential_to.set([persona("senco")])
    head_sees = client_for("head").get(f"/pupils/{pupil.public_id}/").content.decode()
    senco_sees = client_for("senco").get(f"/pupils/{pupil.public_id}/").content.decode()
    assert str(contact) not in head_sees and str(contact) in senco_sees


def test_the_senco_marks_a_record_confidential_and_stays_named(client_for, persona):
    pupil = targets.taught_pupil()
    response = client_for("senco").post(
        f"/pupils/{pupil.public_id}/access/",
        {"step": "confidential", "confidential": "on", "people": [persona("head").pk]},
    )
    assert response.status_code == 302
    pupil.refresh_from_db()
    assert pupil.is_confidential
    assert set(pupil.confidential_to.values_list("username", flat=True)) == {"senco", "head"}
    assert pupil.pk not in visible("teacher")
    entry = AuditEntry.objects.filter(action="record.confidentiality_changed").latest("id")
    assert entry.pupil_id == pupil.pk and entry.changes["after"]["people"] == ["head", "senco"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"step": "confidential", "confidential": "on"}, "Tick at least one other person"),
        ({"step": "confidential", "confidential": "on", "people": ["999999"]}, "valid choice"),
        ({"step": "grant", "reason": "EP", "ends": "2000-01-01"}, "This field is required"),
        ({"step": "grant", "person": "x", "reason": "EP", "ends": "01/01/2001"}, "valid choice"),
        ({"step": "grant", "reason": "x" * 300}, "at most 200 characters"),
        ({"step": "grant", "reason": "EP", "ends": "31/02/2027"}, "Enter a valid date"),
    ],
)
def test_bad_access_changes_say_what_is_wrong_and_change_nothing(client_for, data, message):
    pupil = targets.taught_pupil()
    before = AuditEntry.objects.filter(kind="change").count()
    response = client_for("senco").post(f"/pupils/{pupil.public_id}/access/", data)
    assert response.status_code == 200 and message in response.content.decode()
    assert AuditEntry.objects.filter(kind="change").count() == before
    pupil.refresh_from_db()
    assert not pupil.is_confidential


def test_access_is_given_for_a_year_at_most_and_from_today(client_for, persona):
    pupil = targets.taught_pupil()
    client = client_for("senco")
    base = {"step": "grant", "person": persona("ep").pk, "reason": "EP assessment"}
    too_long = client.post(
        f"/pupils/{pupil.public_id}/access/",
        {**base, "ends": (access.today() + dt.timedelta(days=400)).isoformat()},
    )
    assert "a year at most" in too_long.content.decode()
    past = client.post(f"/pupils/{pupil.public_id}/access/", {**base, "ends": "2001-01-01"})
    assert "has passed" in past.content.decode()
    ok = client.post(
        f"/pupils/{pupil.public_id}/access/",
        {**base, "ends": (access.today() + dt.timedelta(days=30)).strftime("%d/%m/%Y")},
    )
    PupilGrant.objects.exclude(reason="EP assessment").delete()
    assert ok.status_code == 302 and pupil.pk in visible("ep")
    grant = PupilGrant.objects.filter(pupils=pupil, user__username="ep").get()
    client.post(
        f"/pupils/{pupil.public_id}/access/", {"step": "end_grant", "grant": grant.public_id}
    )
    assert pupil.pk not in visible("ep")


def test_ending_someone_elses_grant_by_a_made_up_id_is_not_found(client_for):
    pupil = targets.taught_pupil()
    for grant in ["not-a-uuid", "00000000-0000-4000-8000-000000000000"]:
        response = client_for("senco").post(
            f"/pupils/{pupil.public_id}/access/", {"step": "end_grant", "grant": grant}
        )
        assert response.status_code == 404


def test_a_parent_with_a_court_order_against_them_sees_nothing(persona):
    child = targets.parents_child()
    PupilContact.objects.filter(pupil=child, contact__user=persona("parent")).update(
        court_order=True
    )
    assert child.pk not in visible("parent")


def test_a_contact_without_parental_responsibility_sees_nothing(persona):
    child = targets.parents_child()
    PupilContact.objects.filter(pupil=child, contact__user=persona("parent")).update(
        parental_responsibility=False
    )
    assert child.pk not in visible("parent")


def test_past_compulsory_school_age_the_young_person_decides(persona):
    child = targets.parents_child()
    cutoff = past_compulsory_school_age_if_born_by(access.today())
    Pupil.objects.filter(pk=child.pk).update(date_of_birth=cutoff)
    assert child.pk not in visible("parent")
    Pupil.objects.filter(pk=child.pk).update(shares_with_parents=True)
    assert child.pk in visible("parent")
    Pupil.objects.filter(pk=child.pk).update(
        shares_with_parents=False, date_of_birth=cutoff + dt.timedelta(days=1)
    )
    assert child.pk in visible("parent")


@pytest.mark.parametrize(
    ("today", "born_by"),
    [
        (dt.date(2026, 6, 26), dt.date(2009, 8, 31)),  # the last Friday of June 2026 itself
        (dt.date(2026, 6, 27), dt.date(2010, 8, 31)),
        (dt.date(2026, 11, 24), dt.date(2010, 8, 31)),
        (dt.date(2027, 6, 26), dt.date(2011, 8, 31)),  # 25 June 2027 is the last Friday
    ],
)
def test_compulsory_school_age_ends_on_the_last_friday_of_june_of_year_11(today, born_by):
    assert past_compulsory_school_age_if_born_by(today) == born_by


def test_in_the_summer_term_a_teacher_also_sees_next_years_class(monkeypatch, persona):
    school = targets.home_school()
    this_year = AcademicYear.objects.filter(school=school).order_by("-start_year").first()
    summer = Term.objects.get(academic_year=this_year, name=Term.Name.SUMMER)
    monkeypatch.setattr(access, "today", lambda: summer.starts)
    next_year = AcademicYear.objects.create(school=school, start_year=this_year.start_year + 1)
    newcomer = Pupil.objects.filter(school=school).exclude(pk__in=visible("teacher"))[0]
    group = TeachingGroup.objects.create(school=school, academic_year=next_year, name="Next")
    group.pupils.add(newcomer)
    teacher_staff = Membership.objects.get(user=persona("teacher"), role=Role.TEACHER).staff
    GroupStaff.objects.create(group=group, staff=teacher_staff, role=GroupStaff.Role.TEACHER)
    assert newcomer.pk in visible("teacher")
    monkeypatch.setattr(access, "today", lambda: summer.starts - dt.timedelta(days=1))
    assert newcomer.pk not in visible("teacher")


def test_any_member_of_staff_may_name_any_pupil_for_a_concern_but_not_read_them(persona):
    school = targets.home_school()
    offered = access.pupils_for_concerns(persona("other_teacher"), school)
    assert (
        offered.count()
        == Pupil.objects.filter(school=school).on_roll().exclude(is_confidential=True).count()
    )
    assert access.pupils_for_concerns(persona("parent"), school).count() == 0
    assert access.pupils_for_concerns(persona("governor"), school).count() == 0


def test_cross_tabulated_counts_hide_small_numbers_and_plain_totals_do_not(persona, settings):
    settings.SENCO_SUPPRESS_BELOW = 5
    school = targets.home_school()
    governor = persona("governor")
    totals = access.counts(governor, school, ["sen_provision"])
    assert all(row["pupils"] is not None for row in totals)
    assert sum(r["pupils"] for r in totals) == Pupil.objects.filter(school=school).on_roll().count()
    grid = access.counts(governor, school, ["year_group", "sen_provision"])
    assert any(row["pupils"] is None for row in grid)
    assert all(row["pupils"] in (None, 0) or row["pupils"] >= 5 for row in grid)


@given(
    st.dictionaries(
        st.tuples(st.integers(0, 6), st.sampled_from("KEN")), st.integers(1, 12), max_size=21
    )
)
def test_no_hidden_cell_can_be_worked_out_by_subtraction(cells):
    rows = [{"year": y, "status": s, "pupils": n} for (y, s), n in sorted(cells.items())]
    grid = access.suppress(rows, ["year", "status"])
    for row in grid:
        if row["pupils"] is not None:
            assert row["pupils"] == 0 or row["pupils"] >= 5
            assert row["pupils"] == cells.get((row["year"], row["status"]), 0)
    for field in ("year", "status"):
        for value in {r[field] for r in grid}:
            line = [r for r in grid if r[field] == value]
            hidden = sum(r["pupils"] is None for r in line)
            assert hidden != 1 or len(line) == 1, (field, value, line)


def test_one_ehc_plan_in_the_school_cannot_be_placed_in_its_year_group():
    rows = [
        {"year": 1, "status": "E", "pupils": 1},
        {"year": 1, "status": "N", "pupils": 30},
        {"year": 2, "status": "N", "pupils": 30},
        {"year": 3, "status": "N", "pupils": 30},
    ]
    grid = {
        (r["year"], r["status"]): r["pupils"] for r in access.suppress(rows, ["year", "status"])
    }
    assert grid[(1, "E")] is None
    assert sum(grid[(y, "E")] is None for y in (1, 2, 3)) >= 2


def test_a_parent_may_not_ask_for_counts(persona):
    with pytest.raises(Exception, match="Not found, or you do not have access"):
        access.counts(persona("parent"), targets.home_school(), ["sen_provision"])


def test_the_governors_home_shows_figures_and_no_name(client_for):
    page = client_for("governor").get("/").content.decode()
    assert "By year group" in page and "hidden" in page
    assert targets.taught_pupil().legal_last_name not in page


def test_a_parent_asking_for_a_contact_of_another_child_is_not_found(client_for):
    contact = targets.contact_without_account()
    response = client_for("parent").post(f"/accounts/invitations/parent/{contact.public_id}/")
    assert response.status_code == 404


def test_an_administrator_without_another_role_sees_no_pupil(persona):
    assert visible("admin") == set()
    assert User.objects.get(username="admin").memberships.get().role == Role.ADMINISTRATOR


def test_a_teacher_who_is_also_a_parent_sees_each_part_under_its_role(persona):
    teacher = persona("teacher")
    child = targets.parents_child()
    contact = Contact.objects.create(school=child.school, first_name="T", last_name="Parent")
    PupilContact.objects.create(
        pupil=child, contact=contact, relationship="PAF", parental_responsibility=True
    )
    contact.user = teacher
    contact.save()
    Membership.objects.create(user=teacher, school=child.school, role=Role.PARENT)
    teacher._senco_memberships = None
    assert child.pk in visible("teacher")
    assert not access.can(teacher, "register.change", child)


def test_refused_reads_are_in_the_audit_log(client_for):
    Client()
    client_for("parent").get(f"/pupils/{targets.taught_pupil().public_id}/")
    entry = AuditEntry.objects.filter(action="pupil.refused").latest("id")
    assert entry.actor_label == "parent" and entry.kind == "refused"


def test_only_the_head_gives_a_governor_named_access(persona):
    school = targets.home_school()
    governor = persona("governor")
    assert governor in access.grantable_people(persona("head"), school)
    assert governor not in access.grantable_people(persona("senco"), school)
    assert persona("ep") in access.grantable_people(persona("senco"), school)


def test_only_the_totals_shown_need_a_second_hidden_cell():
    rows = [
        {"year": 1, "status": "K", "pupils": 9},
        {"year": 1, "status": "E", "pupils": 2},
        {"year": 2, "status": "K", "pupils": 8},
        {"year": 2, "status": "E", "pupils": 3},
    ]
    grid = {
        (r["year"], r["status"]): r["pupils"]
        for r in access.suppress(rows, ["year", "status"], totals_shown=["columns"])
    }
    assert grid == {(1, "K"): 9, (1, "E"): None, (2, "K"): 8, (2, "E"): None}


@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("teacher", targets.parents_child),
        ("other_teacher", targets.taught_pupil),
        ("parent", targets.taught_pupil),
        ("governor", targets.taught_pupil),
        ("trustlead", targets.taught_pupil),
        ("other_senco", targets.taught_pupil),
        ("senco", targets.pupil_elsewhere),
        ("ep", targets.parents_child),
    ],
)
def test_every_refused_record_is_not_found_and_logged_with_who_asked(client_for, who, target):
    pupil = target()
    response = client_for(who).get(f"/pupils/{pupil.public_id}/")
    assert response.status_code == 404
    assert b"Not found, or you do not have access: ask your SENCO" in response.content
    entry = AuditEntry.objects.filter(action="pupil.refused").latest("id")
    assert entry.actor_label == who and str(pupil.public_id) in entry.object_label


def test_the_senco_keeps_a_contacts_details_to_named_staff(client_for, persona):
    pupil = targets.taught_pupil()
    contact = targets.contact_without_account()
    url = f"/pupils/{pupil.public_id}/contacts/{contact.public_id}/confidential/"
    response = client_for("senco").post(url, {"confidential": "on", "people": [persona("ta").pk]})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.is_confidential
    head_sees = client_for("head").get(f"/pupils/{pupil.public_id}/").content.decode()
    assert contact.email not in head_sees
    entry = AuditEntry.objects.filter(action="record.confidentiality_changed").latest("id")
    assert entry.pupil_id == pupil.pk and entry.object_type == "pupils.Contact"


def test_a_contact_marked_confidential_needs_someone_named(client_for):
    pupil = targets.taught_pupil()
    contact = targets.contact_without_account()
    url = f"/pupils/{pupil.public_id}/contacts/{contact.public_id}/confidential/"
    response = client_for("senco").post(url, {"confidential": "on"})
    assert b"Tick at least one other person" in response.content
    contact.refresh_from_db()
    assert not contact.is_confidential


def test_a_parent_who_is_also_a_professional_acts_as_a_parent_for_their_own_child(client_for):
    child = targets.parents_child()
    parent = User.objects.get(username="parent")
    Membership.objects.create(user=parent, school=child.school, role=Role.EXTERNAL)
    client = client_for("parent")
    assert client.get(f"/pupils/{child.public_id}/reports/").status_code == 403
    assert client.get(f"/pupils/{child.public_id}/passport/").status_code == 200
    assert access.roles_for(parent, child) == {Role.PARENT}


def test_a_teacher_who_is_also_a_parent_suggests_changes_only_to_their_own_childs_passport(
    client_for,
):
    pupil = targets.taught_pupil()
    teacher = User.objects.get(username="teacher")
    Membership.objects.create(user=teacher, school=pupil.school, role=Role.PARENT)
    response = client_for("teacher").post(
        f"/pupils/{pupil.public_id}/passport/suggest/", {"text": "More breaks, please."}
    )
    assert response.status_code == 403
    assert not pupil.passport_suggestions.filter(suggested_by=teacher).exists()
    assert Role.PARENT not in access.roles_for(teacher, pupil)
