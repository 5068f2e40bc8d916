from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from senco import access
from senco.accounts import second_step, services
from senco.accounts.adapter import require_recent_sign_in
from senco.accounts.forms import AcceptInvitationForm, InviteForm
from senco.accounts.models import Invitation, Role

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
INVITATION_USED = (
    "This invitation link has expired, been used or been withdrawn: ask for a new one."
)


def _school_invitations(school):
    return Invitation.objects.filter(membership__school=school).select_related(
        "user", "membership", "invited_by"
    )


@login_required
def invitation_list(request):
    school = access.current_school(request, "accounts.invite")
    page = Paginator(_school_invitations(school), settings.SENCO_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    invitations = list(page.object_list)
    with_second_step = set(
        Authenticator.objects.filter(
            user__in=[i.user_id for i in invitations],
            type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN],
        ).values_list("user_id", flat=True)
    )
    rows = [
        (
            invitation,
            state,
            # Joined but stopped before the second step: a new link lets them finish.
            state == "accepted"
            and invitation.user_id not in with_second_step
            and getattr(invitation.membership, "role", Role.PARENT) != Role.PARENT,
        )
        for invitation in invitations
        for state in [invitation.state(now)]
    ]
    return render(request, "accounts/invitation_list.html", {"page": page, "rows": rows})


@login_required
def invite(request):
    school = access.current_school(request, "accounts.invite")
    roles = access.grantable_roles(request.user, school)
    form = InviteForm(request.POST or None, roles=roles)
    if request.method == "POST":
        require_recent_sign_in(request)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            invitation = services.invite(request.user, school=school, **form.cleaned_data)
        except ValidationError as e:
            form.add_error("email", e.messages)
        else:
            if invitation is None:
                messages.success(request, f"{email} already signs in: they now have the role too.")
            else:
                messages.success(request, f"Invitation sent to {email}.")
            return redirect("invitation_list")
    return render(request, "accounts/invite.html", {"form": form})


@login_required
@require_POST
def invite_parent(request, public_id):
    """Invite a contact with parental responsibility for the pupil whose record the SENCO is on."""
    pupil = access.get_pupil(request.user, request.POST.get("pupil", ""), audit_action=None)
    contact = access.get_contact(request.user, public_id)
    link = contact.pupil_links.filter(pupil=pupil).first()
    if link is None:
        raise Http404(access.NOT_VISIBLE)
    access.require(request.user, "accounts.invite", pupil)
    require_recent_sign_in(request)
    back = redirect("pupils:detail", public_id=pupil.public_id)
    refusal = _parent_refusal(link)
    if refusal:
        messages.error(request, refusal)
        return back
    try:
        services.invite(
            request.user,
            school=pupil.school,
            role=Role.PARENT,
            first_name=contact.first_name,
            last_name=contact.last_name,
            email=contact.email,
            contact=contact,
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, f"Invitation sent to {contact.email}.")
    return back


def _parent_refusal(link) -> str:
    contact = link.contact
    if not link.parental_responsibility or link.court_order:
        return (
            f"{contact} cannot be invited: only a contact with parental responsibility and "
            "no court order can see a child's record."
        )
    if not contact.email:
        return f"{contact} has no email address: add one in your MIS first."
    if contact.user_id:
        return f"{contact} already has an account."
    return ""


@login_required
@require_POST
def change_invitation(request, public_id):
    school = access.current_school(request, "accounts.invite")
    invitation = get_object_or_404(_school_invitations(school), public_id=public_id)
    if request.POST.get("action") == "send_again":
        try:
            services.send_again(request.user, invitation)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, f"A new invitation was sent to {invitation.user.email}.")
    else:
        services.withdraw(request.user, invitation)
        messages.success(request, f"The invitation to {invitation.user.email} was withdrawn.")
    return redirect("invitation_list")


def accept_invitation(request, token):
    invitation = services.waiting_invitation(token)
    if invitation is None:
        return render(
            request, "accounts/invitation_used.html", {"message": INVITATION_USED}, status=404
        )
    form = AcceptInvitationForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept(invitation, form.cleaned_data["new_password1"])
        except ValidationError:
            return render(
                request, "accounts/invitation_used.html", {"message": INVITATION_USED}, status=404
            )
        login(request, user, backend=BACKEND)
        record_authentication(request, user, method="password")
        if second_step.required(user):
            request.session[second_step.ENROLLING] = True
            messages.info(
                request,
                "One more step: add a second way to prove it is you, with an authenticator "
                "app or a security key.",
            )
            return redirect("mfa_index")
        return redirect("home")
    return render(
        request, "accounts/accept_invitation.html", {"form": form, "user": invitation.user}
    )
