"""Every change to accounts, roles and invitations: one transaction, one audit entry each."""

import datetime as dt
import secrets

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from senco.accounts import second_step
from senco.accounts.models import Invitation, Membership, Role, User
from senco.audit import log
from senco.ids import secret_digest

token_hash = secret_digest  # invitations' one-time links are stored as their digest


def unique_username(email: str) -> str:
    base = email.split("@")[0].lower()[:140] or "user"
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}{n}"
    return name


@transaction.atomic
def invite(
    by: User | None,
    *,
    school,
    role: str,
    first_name: str,
    last_name: str,
    email: str,
    ends: dt.date | None = None,
    contact=None,
    send: bool = True,
) -> Invitation | None:
    """Give the person the role; a new person gets an account, unusable until they accept the
    invitation link sent to them. Someone who already signs in just gains the role, once they
    have the second step a staff role needs. A parent is always a new account (see
    `invite_parent`)."""
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and contact is not None:
        raise ValidationError(
            f"{email} already belongs to an account: ask your administrator to check whose it "
            "is before linking it to this contact."
        )
    if user is not None and user.is_active and role != Role.PARENT and not has_second_step(user):
        raise ValidationError(
            f"{email} signs in without a second step. They must add one first (Sign-in "
            "security, at the top of every page) before they can be given a staff role."
        )
    if user is None:
        user = User(
            username=unique_username(email),
            first_name=first_name,
            last_name=last_name,
            email=email,
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
    membership, _ = Membership.objects.get_or_create(
        user=user, role=role, school=school, defaults={"ends": ends}
    )
    log.change(
        by,
        "account.role_granted",
        membership,
        after={"user": user.username, "role": role, "school": school.name, "ends": ends},
    )
    if contact is not None:
        contact.user = user
        contact.save(update_fields=["user"])
    if user.is_active:
        return None
    return _send_invitation(by, user, membership, send=send)


def new_token(invitation: Invitation) -> str:
    """A fresh token for the invitation: any link sent before stops working."""
    token = secrets.token_urlsafe(32)
    invitation.token_hash = token_hash(token)
    invitation.save(update_fields=["token_hash"])
    return token


def invitation_link(token: str) -> str:
    return settings.SITE_URL + reverse("accept_invitation", kwargs={"token": token})


def _send_invitation(
    by: User | None, user: User, membership: Membership | None, send: bool = True
) -> Invitation:
    """Make the invitation and, after the transaction commits, email its link."""
    invitation = Invitation.objects.create(
        user=user,
        membership=membership,
        token_hash=token_hash(secrets.token_urlsafe(32)),
        invited_by=by,
        expires_at=timezone.now() + dt.timedelta(days=settings.SENCO_INVITATION_DAYS),
    )
    token = new_token(invitation)
    log.change(by, "account.invited", invitation, after={"user": user.username})
    if not send:
        return invitation
    context = {"user": user, "link": invitation_link(token), "invitation": invitation, "by": by}
    transaction.on_commit(
        lambda: send_mail(
            "OpenSENCO: your invitation",
            render_to_string("accounts/email/invitation.txt", context),
            None,
            [user.email],
        )
    )
    return invitation


def has_second_step(user: User) -> bool:
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def may_join(user: User) -> bool:
    """May an invitation link (still) open this account? Only one that has not joined, or one
    that joined but never set up the second step its role needs: a link must never let anyone
    past a second step that exists."""
    return not user.is_active or (second_step.required(user) and not has_second_step(user))


@transaction.atomic
def send_again(by: User | None, invitation: Invitation) -> Invitation:
    """A new link for a person who has not finished joining; the old link stops working."""
    if not may_join(invitation.user):
        raise ValidationError(f"{invitation.user.username} has already joined.")
    withdraw(by, invitation)
    return _send_invitation(by, invitation.user, invitation.membership)


@transaction.atomic
def withdraw(by: User | None, invitation: Invitation) -> None:
    """Stop the link working; a person who never joined loses the role it would have given."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.withdrawn_at:
        return
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at"])
    log.change(by, "account.invitation_withdrawn", invitation, before={"state": "waiting"})
    membership = invitation.membership
    if membership is not None and not invitation.user.is_active and membership.ends is None:
        membership.ends = timezone.localdate() - dt.timedelta(days=1)
        membership.save(update_fields=["ends"])
        log.change(by, "account.role_ended", membership, after={"ends": membership.ends})


def waiting_invitation(token: str) -> Invitation | None:
    """The invitation a link stands for, if it can still be used."""
    invitation = (
        Invitation.objects.select_related("user").filter(token_hash=token_hash(token)).first()
    )
    if (
        invitation is None
        or invitation.state(timezone.now()) != "waiting"
        or not may_join(invitation.user)
    ):
        return None
    return invitation


@transaction.atomic
def accept(invitation: Invitation, password: str) -> User:
    invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    user = invitation.user
    if invitation.state(timezone.now()) != "waiting" or not may_join(user):
        raise ValidationError("This invitation can no longer be used.")
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    # One link opens the account; any other waiting link for it must stop working.
    user.invitations.filter(accepted_at=None, withdrawn_at=None).exclude(pk=invitation.pk).update(
        withdrawn_at=invitation.accepted_at
    )
    log.change(user, "account.invitation_accepted", invitation, after={"user": user.username})
    return user


@transaction.atomic
def reset_second_step(by: User | None, user: User, send: bool = True) -> Invitation:
    """For a person who lost their phone and their recovery codes: remove every second step and
    give them a new invitation link to set one up again."""
    for authenticator in Authenticator.objects.filter(user=user):
        log.account(user, "account.second_step_removed", f"{authenticator.type} (reset)")
        authenticator.delete()
    membership = Membership.objects.filter(user=user).exclude(role=Role.PARENT).first()
    return _send_invitation(by, user, membership, send=send)
