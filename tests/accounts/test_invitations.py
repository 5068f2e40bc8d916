"""Invitations: the only way a new person gets an account, and their first second step."""

import datetime as dt

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from senco import access
from senco.accounts import services
from senco.accounts.models import Invitation, Membership, PupilGrant, User
from senco.audit.models import AuditEntry
from senco.pupils.models import PupilContact
from tests import targets
from tests.accounts.conftest import sign_in, totp_code
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW_TA = {
    "first_name": "Tam", "last_name": "Assistant", "email": "tam@school.example",
    "role": "ta", "ends": "",
}  # fmt: skip


def signed_in(username: str) -> Client:
    """Signed in with a password just now, so re-authentication is not asked."""
    client = Client()
    assert sign_in(client, username).status_code == 302
    return client


def link_in_last_email() -> str:
    return next(w for w in mail.outbox[-1].body.split() if "/accounts/invitation/" in w)


def path_of(link: str) -> str:
    return link.split("127.0.0.1:8000", 1)[-1]


def test_a_new_teaching_assistant_joins_and_must_set_up_a_second_step(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in("senco").post("/accounts/invitations/new/", NEW_TA)
    assert response.status_code == 302
    user = User.objects.get(email="tam@school.example")
    assert not user.is_active and not user.has_usable_password()
    assert Membership.objects.get(user=user).role == "ta"
    assert mail.outbox[-1].to == ["tam@school.example"]
    assert "Tam" in mail.outbox[-1].body and "Assistant" not in mail.outbox[-1].subject

    newcomer = Client()
    link = path_of(link_in_last_email())
    assert newcomer.get(link).status_code == 200
    password = "a-long-new-password-for-tam"
    joined = newcomer.post(link, {"new_password1": password, "new_password2": password})
    assert joined["Location"] == "/accounts/2fa/"
    assert newcomer.get("/pupils/")["Location"] == "/accounts/2fa/"  # nothing else until done
    page = newcomer.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = newcomer.session["mfa.totp.secret"]
    with django_capture_on_commit_callbacks(execute=True):
        newcomer.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert newcomer.get("/pupils/").status_code == 200
    assert newcomer.get(link).status_code == 404  # a link works once
    done = AuditEntry.objects.filter(actor_label=user.username).values_list("action", flat=True)
    assert {"account.invitation_accepted", "account.second_step_added"} <= set(done)


def test_a_new_password_must_pass_the_password_rules(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in("senco").post("/accounts/invitations/new/", NEW_TA)
    link = path_of(link_in_last_email())
    response = Client().post(link, {"new_password1": "password", "new_password2": "password"})
    assert response.status_code == 200 and b"This password is too common" in response.content
    assert not User.objects.get(email="tam@school.example").is_active


@pytest.mark.parametrize("state", ["expired", "withdrawn", "accepted"])
def test_an_old_invitation_link_says_so_and_changes_nothing(
    state, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in("senco").post("/accounts/invitations/new/", NEW_TA)
    invitation = Invitation.objects.latest("id")
    field = {"expired": "expires_at", "withdrawn": "withdrawn_at", "accepted": "accepted_at"}[state]
    stamp = timezone.now() - dt.timedelta(seconds=1)
    Invitation.objects.filter(pk=invitation.pk).update(**{field: stamp})
    link = path_of(link_in_last_email())
    response = Client().post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 404 and b"ask for a new one" in response.content
    assert not invitation.user.has_usable_password()


@pytest.mark.parametrize(
    "token", ["x", "A" * 5000, "../../etc/passwd", "%00", "' OR 1=1 --", "😀" * 50]
)
def test_a_made_up_invitation_link_is_not_found(token):
    response = Client().get(f"/accounts/invitation/{token}/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"email": "not an email"}, "email", b"Enter a valid email address"),
        ({"email": ""}, "email", b"This field is required"),
        ({"first_name": "x" * 5000}, "first_name", b"at most 100 characters"),
        ({"role": "head"}, "role", b"Select a valid choice"),
        ({"role": "superuser"}, "role", b"Select a valid choice"),
        ({"role": "external"}, "ends", b"Give the date an external professional"),
        ({"role": "external", "ends": "31/02/2027"}, "ends", b"Enter a valid date"),
    ],
)
def test_a_bad_invitation_says_what_is_wrong_and_sends_nothing(change, field, message):
    before = User.objects.count()
    response = signed_in("senco").post("/accounts/invitations/new/", {**NEW_TA, **change})
    assert response.status_code == 200
    assert message in response.content and f'href="#id_{field}"'.encode() in response.content
    assert User.objects.count() == before and mail.outbox == []


def test_granting_a_role_asks_for_the_password_again_after_ten_minutes(client_for):
    client = client_for("senco")  # signed in, but with no recent sign-in on record
    response = client.post("/accounts/invitations/new/", NEW_TA)
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not User.objects.filter(email="tam@school.example").exists()
    client.post(response["Location"], {"password": PASSWORD})
    assert User.objects.filter(email="tam@school.example").exists()  # the request is replayed


def test_a_teacher_may_not_invite_anyone(client_for):
    response = client_for("teacher").post("/accounts/invitations/new/", NEW_TA)
    assert response.status_code == 403
    assert not User.objects.filter(email="tam@school.example").exists()


def test_a_parent_is_invited_from_their_childs_contacts(django_capture_on_commit_callbacks):
    contact = targets.contact_without_account()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in("senco").post(
            f"/accounts/invitations/parent/{contact.public_id}/",
            {"pupil": targets.taught_pupil().public_id},
        )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.user is not None and contact.user.email == contact.email
    link = path_of(link_in_last_email())
    parent = Client()
    password = "a-long-new-password-for-a-parent"
    assert (
        parent.post(link, {"new_password1": password, "new_password2": password})["Location"] == "/"
    )
    child = targets.taught_pupil()
    assert parent.get(f"/pupils/{child.public_id}/").status_code == 200


def test_a_withdrawn_invitation_can_be_sent_again(django_capture_on_commit_callbacks):
    senco = signed_in("senco")
    invitation = targets.waiting_invitation()
    senco.post(f"/accounts/invitations/{invitation.public_id}/", {"action": "withdraw"})
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        senco.post(f"/accounts/invitations/{invitation.public_id}/", {"action": "send_again"})
    assert mail.outbox[-1].to == [invitation.user.email]
    assert "2" in senco.get("/accounts/invitations/").content.decode()


def test_the_first_administrator_is_invited_from_the_command_line(capsys):
    call_command(
        "invite", "--school", "990000", "--role", "admin", "--email", "it@school.example",
        "--first-name", "Ada", "--last-name", "Admin",
    )  # fmt: skip
    link = capsys.readouterr().out.split()[-1]
    assert mail.outbox == []
    password = "ada-admin-long-password"
    response = Client().post(path_of(link), {"new_password1": password, "new_password2": password})
    assert response["Location"] == "/accounts/2fa/"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--school", "999999", "--email", "a@b.example"], "No school has the URN"),
        (["--school", "990000", "--email", "not-email"], "is not an email address"),
    ],
)
def test_the_invite_command_refuses_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("invite", *args, "--role", "admin", "--first-name", "A", "--last-name", "B")


def test_an_accepted_invitation_cannot_be_sent_again(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in("senco").post("/accounts/invitations/new/", NEW_TA)
    link = path_of(link_in_last_email())
    password = "a-long-new-password-for-tam"
    Client().post(link, {"new_password1": password, "new_password2": password})
    invitation = Invitation.objects.latest("id")
    TOTP.activate(invitation.user, generate_totp_secret())
    sent = len(mail.outbox)
    response = signed_in("senco").post(
        f"/accounts/invitations/{invitation.public_id}/", {"action": "send_again"}, follow=True
    )
    assert b"has already joined" in response.content
    assert len(mail.outbox) == sent
    assert Invitation.objects.filter(user=invitation.user).count() == 1


def test_accepting_one_invitation_closes_any_other_waiting_for_the_same_person(
    django_capture_on_commit_callbacks,
):
    senco = signed_in("senco")
    with django_capture_on_commit_callbacks(execute=True):
        senco.post("/accounts/invitations/new/", NEW_TA)
    first = path_of(link_in_last_email())
    with django_capture_on_commit_callbacks(execute=True):
        senco.post("/accounts/invitations/new/", {**NEW_TA, "role": "teacher"})
    second = path_of(link_in_last_email())
    password = "a-long-new-password-for-tam"
    Client().post(first, {"new_password1": password, "new_password2": password})
    stolen = Client().post(second, {"new_password1": "x" * 20, "new_password2": "x" * 20})
    assert stolen.status_code == 404
    assert (
        Client().post("/accounts/login/", {"login": "tam", "password": password}).status_code == 302
    )


def test_a_contact_under_a_court_order_cannot_be_invited(django_capture_on_commit_callbacks):
    contact = targets.contact_without_account()
    PupilContact.objects.filter(contact=contact).update(court_order=True)
    response = signed_in("senco").post(
        f"/accounts/invitations/parent/{contact.public_id}/",
        {"pupil": targets.taught_pupil().public_id},
        follow=True,
    )
    assert b"no court order" in response.content
    contact.refresh_from_db()
    assert contact.user is None and mail.outbox == []


def test_a_contact_whose_email_has_an_account_is_not_linked_to_it(persona):
    contact = targets.contact_without_account()
    contact.email = persona("other_parent").email.upper()
    contact.save()
    response = signed_in("senco").post(
        f"/accounts/invitations/parent/{contact.public_id}/",
        {"pupil": targets.taught_pupil().public_id},
        follow=True,
    )
    assert b"already belongs to an account" in response.content
    contact.refresh_from_db()
    assert contact.user is None


def test_a_parent_invitation_for_a_pupil_the_contact_does_not_belong_to_is_not_found():
    contact = targets.contact_without_account()
    response = signed_in("senco").post(
        f"/accounts/invitations/parent/{contact.public_id}/",
        {"pupil": targets.parents_child().public_id},
    )
    assert response.status_code == 404


def test_a_staff_role_for_someone_signing_in_without_a_second_step_waits_for_one(real_user):
    parent = real_user("parent")
    response = signed_in("senco").post(
        "/accounts/invitations/new/", {**NEW_TA, "email": parent.email}
    )
    assert b"must add one first" in response.content
    assert not Membership.objects.filter(user=parent, role="ta").exists()


def test_a_role_given_during_a_session_asks_for_the_second_step_at_once(real_user, client):
    parent = real_user("parent")
    sign_in(client, "parent")
    assert client.get("/").status_code == 200
    Membership.objects.create(user=parent, school=targets.home_school(), role="dsl")
    assert client.get("/pupils/").status_code == 302


def test_someone_who_stopped_before_the_second_step_gets_a_new_link(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in("senco").post("/accounts/invitations/new/", NEW_TA)
    password = "a-long-new-password-for-tam"
    Client().post(
        path_of(link_in_last_email()), {"new_password1": password, "new_password2": password}
    )
    invitation = Invitation.objects.latest("id")
    senco = signed_in("senco")
    assert b"Joined, but no second step yet" in senco.get("/accounts/invitations/").content
    with django_capture_on_commit_callbacks(execute=True):
        senco.post(f"/accounts/invitations/{invitation.public_id}/", {"action": "send_again"})
    newcomer = Client()
    response = newcomer.post(
        path_of(link_in_last_email()), {"new_password1": password, "new_password2": password}
    )
    assert response["Location"] == "/accounts/2fa/"


def test_withdrawing_an_invitation_takes_back_the_role_it_gave(django_capture_on_commit_callbacks):
    senco = signed_in("senco")
    with django_capture_on_commit_callbacks(execute=True):
        senco.post("/accounts/invitations/new/", NEW_TA)
    invitation = Invitation.objects.latest("id")
    senco.post(f"/accounts/invitations/{invitation.public_id}/", {"action": "withdraw"})
    invitation.membership.refresh_from_db()
    assert invitation.membership.ends is not None
    assert invitation.user not in access.staff_of(targets.home_school())


def test_a_person_who_lost_their_second_step_is_let_back_in_from_the_command_line(
    capsys, with_totp
):
    with_totp("head")
    call_command("second_step_reset", "head")
    link = capsys.readouterr().out.split()[-1]
    client = Client()
    password = "a-new-long-password-for-head"
    assert (
        client.post(path_of(link), {"new_password1": password, "new_password2": password})[
            "Location"
        ]
        == "/accounts/2fa/"
    )
    assert client.get("/pupils/")["Location"] == "/accounts/2fa/"


def test_the_reset_command_names_an_unknown_user():
    with pytest.raises(CommandError, match="No account has the user name"):
        call_command("second_step_reset", "nobody")


def test_the_invitations_page_costs_the_same_queries_at_2_and_20_rows(client_for, settings):
    from tests.test_pages import queries

    senco = client_for("senco")
    for n in range(20):
        services.invite(
            None, school=targets.home_school(), role="ta", first_name="T", last_name=str(n),
            email=f"ta{n}@school.example",
        )  # fmt: skip
    settings.SENCO_PAGE_SIZE = 2
    small = queries(senco, "/accounts/invitations/")
    settings.SENCO_PAGE_SIZE = 20
    assert queries(senco, "/accounts/invitations/") == small


def test_the_access_page_costs_the_same_queries_however_many_grants(client_for, persona):
    from tests.test_pages import queries

    pupil = targets.taught_pupil()
    senco = client_for("senco")
    url = f"/pupils/{pupil.public_id}/access/"
    before = queries(senco, url)
    for n in range(10):
        grant = PupilGrant.objects.create(
            user=persona("ep"), school=pupil.school, reason=f"Visit {n}",
            starts=access.today(), ends=targets.in_days(10),
        )  # fmt: skip
        grant.pupils.add(pupil)
    assert queries(senco, url) == before
