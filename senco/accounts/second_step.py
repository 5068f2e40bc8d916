"""The second sign-in step (MFA): who needs it, and whether this session has it.

Every account but parents needs one (DESIGN.md, "Who may see what"). Demo accounts skip it so
the demo can be tried. A sign-in through the school's Microsoft 365 or Google Workspace brings
that provider's own second step. An account without a second step may set one up only in the
session its invitation link opened, never after a bare password.
"""

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator

from senco.accounts.models import Membership, Role

ENROLLING = "senco_enrolling"
SATISFIED = "senco_second_step"
SECOND_STEP_METHODS = {"mfa", "socialaccount"}


def required(user) -> bool:
    if user.is_demo:
        return False
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    return user.is_staff or roles != {Role.PARENT}


def satisfied(request) -> bool:
    """Has this session's user passed a second step (or do they not need one)?"""
    session = request.session
    if session.get(SATISFIED):
        return True
    user = request.user
    records = get_authentication_records(request, user)
    passed = any(r.get("method") in SECOND_STEP_METHODS for r in records)
    # A browser trusted for 30 days skips the step at sign-in, leaving no record of it. An
    # invitation link opens only an account that had none, so one found now was just set up.
    if passed or Authenticator.objects.filter(user=user).exists():
        session[SATISFIED] = True
        session.pop(ENROLLING, None)
        return True
    # Not remembered: a role given later (a parent who becomes staff) must take effect at once.
    return not required(user)
