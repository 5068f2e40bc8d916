from allauth.account.internal.flows.login import record_authentication
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
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
    rows = [(i, i.state(now)) for i in page.object_list]
    return render(request, "accounts/invitation_list.html", {"page": page, "rows": rows})


@login_required
def invite(request):
    school = access.current_school(request, "accounts.invite")
    roles = access.grantable_roles(request.user, school)
    form = InviteForm(request.POST or None, roles=roles)
    if request.method == "POST":
        require_recent_sign_in(request)
    if request.method == "POST" and form.is_valid():
        invitation = services.invite(request.user, school=school, **form.cleaned_data)
        email = form.cleaned_data["email"]
        if invitation is None:
            messages.success(request, f"{email} already signs in: they now have the role too.")
        else:
            messages.success(request, f"Invitation sent to {email}.")
        return redirect("invitation_list")
    return render(request, "accounts/invite.html", {"form": form})


@login_required
@require_POST
def invite_parent(request, public_id):
    contact = access.get_contact(request.user, public_id)
    access.require(request.user, "accounts.invite", contact.school)
    require_recent_sign_in(request)
    pupil = contact.pupil_links.select_related("pupil").first()
    back = redirect("pupils:detail", public_id=pupil.pupil.public_id) if pupil else redirect("home")
    if not contact.email:
        messages.error(request, f"{contact} has no email address: add one in your MIS first.")
        return back
    if contact.user_id:
        messages.error(request, f"{contact} already has an account.")
        return back
    services.invite(
        request.user,
        school=contact.school,
        role=Role.PARENT,
        first_name=contact.first_name,
        last_name=contact.last_name,
        email=contact.email,
        contact=contact,
    )
    messages.success(request, f"Invitation sent to {contact.email}.")
    return back


@login_required
@require_POST
def change_invitation(request, public_id):
    school = access.current_school(request, "accounts.invite")
    invitation = get_object_or_404(_school_invitations(school), public_id=public_id)
    if request.POST.get("action") == "send_again":
        services.send_again(request.user, invitation)
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
        user = services.accept(invitation, form.cleaned_data["new_password1"])
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
