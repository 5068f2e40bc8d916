"""Who may see and do what: the one place for permissions (docs/security-model.md).

Every view, export and API endpoint reaches pupil data through `pupils_visible_to` and
`get_pupil`, and asks `can` before acting. Nothing filters by role anywhere else.
"""

import datetime as dt
import uuid
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from senco.accounts.models import Membership, Role
from senco.audit import log
from senco.pupils.models import Pupil, PupilQuerySet
from senco.schools.calendar import academic_year_start
from senco.schools.models import School, Term

NOT_VISIBLE = "Not found, or you do not have access: ask your SENCO."

WHOLE_SCHOOL_ROLES = {
    Role.SENCO,
    Role.DEPUTY_SENCO,
    Role.HEAD,
    Role.SAFEGUARDING_LEAD,
    Role.PASTORAL_LEAD,
    Role.DATA_MANAGER,
}
STAFF_ROLES = WHOLE_SCHOOL_ROLES | {
    Role.TEACHER,
    Role.TEACHING_ASSISTANT,
    Role.DESIGNATED_TEACHER,
    Role.EXAMS_OFFICER,
}
SEN_LEADS = {Role.SENCO, Role.DEPUTY_SENCO}

# What each action needs: the roles that may do it in the object's school.
ACTIONS: dict[str, set[str]] = {
    "pupil.contacts": WHOLE_SCHOOL_ROLES | {Role.DESIGNATED_TEACHER},
    "pupil.sensitive_flags": WHOLE_SCHOOL_ROLES | {Role.DESIGNATED_TEACHER},
    "register.change": set(SEN_LEADS),
    "register.view_history": WHOLE_SCHOOL_ROLES | {Role.DESIGNATED_TEACHER, Role.PARENT},
    "audit.view": {Role.SENCO, Role.HEAD},
    "school.aggregates": WHOLE_SCHOOL_ROLES | {Role.GOVERNOR, Role.TRUST_SEND_LEAD},
}


def today() -> dt.date:
    return timezone.localdate()


def memberships(user) -> list[Membership]:
    """The user's memberships in force today, cached on the user for the request."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_senco_memberships", None)
    if cached is None:
        day = today()
        cached = list(
            Membership.objects.filter(user=user)
            .filter(Q(starts__isnull=True) | Q(starts__lte=day))
            .filter(Q(ends__isnull=True) | Q(ends__gte=day))
            .select_related("school", "trust", "staff")
        )
        user._senco_memberships = cached
    return cached


def schools_for(user) -> list[School]:
    """Every school the user holds a role in, directly or through a trust."""
    schools: dict[int, School] = {}
    trust_ids = []
    for m in memberships(user):
        if m.school is not None:
            schools[m.school.pk] = m.school
        else:
            trust_ids.append(m.trust_id)
    if trust_ids:
        for school in School.objects.filter(trust_id__in=trust_ids):
            schools.setdefault(school.pk, school)
    return sorted(schools.values(), key=lambda s: s.name)


def roles_in(user, school: School) -> set[str]:
    roles = set()
    for m in memberships(user):
        if m.school_id == school.pk or (m.trust_id and m.trust_id == school.trust_id):
            roles.add(m.role)
    return roles


def _staff_ids(user, school: School) -> list[int]:
    return [m.staff_id for m in memberships(user) if m.school_id == school.pk and m.staff_id]


def _group_years(school: School) -> list[int]:
    """This year's groups; in the summer term next year's too, so staff can prepare."""
    day = today()
    years = [academic_year_start(day)]
    in_summer = Term.objects.filter(
        academic_year__school=school, name=Term.Name.SUMMER, starts__lte=day, ends__gte=day
    ).exists()
    if in_summer:
        years.append(years[0] + 1)
    return years


def pupils_visible_to(user, school: School) -> PupilQuerySet:
    """The pupils of `school` the user may see, by their roles and relationships there."""
    roles = roles_in(user, school)
    pupils = Pupil.objects.filter(school=school)
    if roles & WHOLE_SCHOOL_ROLES:
        return pupils
    rule = Q(pk__in=[])
    if Role.DESIGNATED_TEACHER in roles:
        rule |= Q(looked_after=Pupil.LookedAfter.LOOKED_AFTER)
    staff_roles: dict[str, str] = {Role.TEACHER: "teacher", Role.TEACHING_ASSISTANT: "ta"}
    taught_as = [staff_roles[r] for r in roles if r in staff_roles]
    if taught_as:
        rule |= Q(
            groups__staffing__staff_id__in=_staff_ids(user, school),
            groups__staffing__role__in=taught_as,
            groups__academic_year__start_year__in=_group_years(school),
        )
    if Role.PARENT in roles:
        rule |= Q(
            contact_links__contact__user=user,
            contact_links__parental_responsibility=True,
            contact_links__court_order=False,
        )
    return pupils.filter(pk__in=Pupil.objects.filter(rule).values("pk"))


def _parse_public_id(public_id) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(public_id))
    except ValueError:
        return None


def get_pupil(user, public_id, *, audit_action: str | None = "pupil.viewed") -> Pupil:
    """One pupil by public id, under the user's role in that pupil's school; 404 otherwise.

    The read is written to the audit log (pass audit_action=None when the caller writes its own);
    the refusal too.
    """
    key = _parse_public_id(public_id)
    pupil = Pupil.objects.select_related("school").filter(public_id=key).first() if key else None
    if pupil is None or not pupils_visible_to(user, pupil.school).filter(pk=pupil.pk).exists():
        log.refused(
            user, "pupil.refused", school=pupil.school if pupil else None, detail=str(public_id)
        )
        raise Http404(NOT_VISIBLE)
    if audit_action:
        log.read(user, audit_action, pupil)
    return pupil


def school_of(obj) -> School:
    return obj if isinstance(obj, School) else obj.school


def can(user, action: str, obj) -> bool:
    """May the user do `action` to `obj` (a pupil or a school)? Assumes obj is visible."""
    allowed = ACTIONS.get(action)
    if allowed is None:
        raise ValueError(f"Unknown action {action!r}: add it to access.ACTIONS.")
    return bool(roles_in(user, school_of(obj)) & allowed)


def require(user, action: str, obj) -> None:
    if not can(user, action, obj):
        log.refused(user, "pupil.refused", school=school_of(obj), detail=action)
        raise PermissionDenied(NOT_VISIBLE)


def home_kind(roles: Iterable[str]) -> str:
    """Which home page a set of roles gets, first match wins."""
    roles = set(roles)
    for kind, match in (
        ("sen_lead", SEN_LEADS | {Role.HEAD}),
        ("staff", STAFF_ROLES),
        ("parent", {Role.PARENT}),
        ("governance", {Role.GOVERNOR, Role.TRUST_SEND_LEAD}),
    ):
        if roles & match:
            return kind
    return "accounts"
