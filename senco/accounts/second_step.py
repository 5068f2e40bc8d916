"""The second sign-in step (MFA): who needs it, and whether this session has it.

Every account but parents needs one (DESIGN.md, "Who may see what"). Demo accounts skip it so
the demo can be tried. A sign-in through the school's Microsoft 365 or Google Workspace brings
that provider's own second step. An account without a second step may set one up only in the
session its invitation link opened, never after a bare password.
"""

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator

from senco import access
from senco.accounts.models import Role

ENROLLING = "senco_enrolling"
SATISFIED = "senco_second_step"
SECOND_STEP_METHODS = {"mfa", "socialaccount"}


def required(user) -> bool:
    """Everyone but demo accounts and people whose only role in force is parent or carer."""
    if user.is_demo:
        return False
    roles = {m.role for m in access.memberships(user)}
    return user.is_staff or roles != {Role.PARENT}


def satisfied(request) -> bool:
    """Has this session's user passed a second step (or do they not need one)?"""
    session = request.session
    if session.get(SATISFIED):
        return True
    user = request.user
    records = get_authentication_records(request, user)
    if not any(r.get("method") in SECOND_STEP_METHODS for r in records):
        # Not remembered: a role given later (a parent who becomes staff) takes effect at once.
        if not required(user):
            return True
        # A browser trusted for 30 days skips the step at sign-in, leaving no record of it. An
        # invitation link opens only an account that had none, so one found now was just set up.
        if not Authenticator.objects.filter(user=user).exists():
            return False
    session[SATISFIED] = True
    session.pop(ENROLLING, None)
    return True
