from django.utils import timezone

from senco import access


def navigation(request):
    """The navigation a user sees: built from what access.py says they may do."""
    school = getattr(request, "school", None)
    if school is None or not request.user.is_authenticated:
        return {"nav": [], "schools": [], "printed_at": timezone.now()}
    roles = access.roles_in(request.user, school)
    nav = [("Home", "home")]
    if access.pupils_visible_to(request.user, school).exists():
        nav.append(("Pupils", "pupils:list"))
    if access.can(request.user, "register.view", school):
        nav.append(("Register", "register:list"))
    if access.can(request.user, "classes.view", school):
        nav.append(("Classes", "classes:list"))
    if access.can(request.user, "concern.raise", school):
        nav.append(("Concerns", "concerns:list"))
    if access.can(request.user, "plan.reviews_due", school):
        nav.append(("Reviews", "plans:reviews_due"))
    if access.can(request.user, "meeting.read", school):
        nav.append(("Meetings", "meetings:list"))
    if access.can(request.user, "ehcp.caseload", school):
        nav.append(("EHC plans", "ehcp:caseload"))
    if access.can(request.user, "provision.library", school):
        nav.append(("Provision", "provision:library"))
    elif access.can(request.user, "provision.rates", school):
        nav.append(("Standard rates", "provision:rates"))
    if access.can(request.user, "monitoring.view", school):
        nav.append(("Monitoring", "concerns:monitoring"))
    if access.can(request.user, "imports.run", school):
        nav.append(("Imports", "interop:list"))
    if access.can(request.user, "assessment.record", school) or access.can(
        request.user, "assessment.manage_types", school
    ):
        nav.append(("Assessment", "assessment:types"))
    if access.can(request.user, "accounts.invite", school):
        nav.append(("Invitations", "invitation_list"))
    if access.can(request.user, "audit.view", school):
        nav.append(("Audit log", "audit:log"))
    return {
        "perms_provision": {
            name: access.can(request.user, f"provision.{name}", school)
            for name in ("library", "costs", "rates")
        },
        "nav": nav,
        # The account menu's "Calendar feed" (issue 10, the calendar).
        "may_use_calendar_feed": access.can(request.user, "calendar.feed", school),
        # The account menu's "API tokens" (issue 10, the API).
        "may_make_api_tokens": access.can(request.user, "api.token", school),
        "schools": access.schools_for(request.user),
        "roles": sorted(roles),
        "printed_at": timezone.now(),
    }
