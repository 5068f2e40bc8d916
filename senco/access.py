"""Who may see and do what: the one place for permissions (docs/security-model.md).

Every view, export and API endpoint reaches pupil data through `pupils_visible_to` and
`get_pupil`, and asks `can` before acting. Nothing filters by role anywhere else.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from senco.accounts.models import Membership, PupilGrant, Role, User
from senco.assessment.models import Result
from senco.audit import log
from senco.ids import parse_public_id
from senco.pupils.models import Contact, Pupil, PupilContact, PupilQuerySet
from senco.schools.calendar import academic_year_start, past_compulsory_school_age_if_born_by
from senco.schools.models import School, TeachingGroup, Term

Records = TypeVar("Records", bound=QuerySet)

NOT_VISIBLE = "Not found, or you do not have access: ask your SENCO."

WHOLE_SCHOOL_ROLES: set[str] = {
    Role.SENCO,
    Role.DEPUTY_SENCO,
    Role.HEAD,
    Role.SAFEGUARDING_LEAD,
    Role.PASTORAL_LEAD,
    Role.DATA_MANAGER,
}
STAFF_ROLES: set[str] = WHOLE_SCHOOL_ROLES | {
    Role.TEACHER,
    Role.TEACHING_ASSISTANT,
    Role.DESIGNATED_TEACHER,
    Role.EXAMS_OFFICER,
}
SEN_LEADS: set[str] = {Role.SENCO, Role.DEPUTY_SENCO}
# Roles that see named pupils only through a time-limited grant (PupilGrant).
GRANTED_ROLES: set[str] = {Role.EXTERNAL, Role.GOVERNOR, Role.TRUST_SEND_LEAD}
# Parts of a record: who reads them (docs/security-model.md has the whole table).
RECORD_READERS = WHOLE_SCHOOL_ROLES | {Role.DESIGNATED_TEACHER}

# What each action needs: the roles that may do it in the object's school.
ACTIONS: dict[str, set[str]] = {
    "pupil.contacts": RECORD_READERS,
    "pupil.sensitive_flags": RECORD_READERS,
    "pupil.medical": RECORD_READERS | {Role.TEACHER, Role.TEACHING_ASSISTANT},
    "pupil.mark_confidential": SEN_LEADS | {Role.HEAD, Role.SAFEGUARDING_LEAD},
    "pupil.share_with_parents": SEN_LEADS | {Role.HEAD},
    "pupil.grant": SEN_LEADS | {Role.HEAD},
    "register.change": set(SEN_LEADS),
    "register.export": SEN_LEADS | {Role.HEAD, Role.DATA_MANAGER},
    "register.view_history": (RECORD_READERS - {Role.PASTORAL_LEAD, Role.SAFEGUARDING_LEAD})
    | {Role.PARENT},
    "register.view": SEN_LEADS | {Role.HEAD, Role.DATA_MANAGER},
    "register.bulk": set(SEN_LEADS),
    "census.check": SEN_LEADS | {Role.HEAD, Role.DATA_MANAGER},
    "concern.raise": STAFF_ROLES,
    "concern.triage": set(SEN_LEADS),
    "monitoring.view": SEN_LEADS | {Role.HEAD},
    "passport.read": (STAFF_ROLES - {Role.EXAMS_OFFICER, Role.DATA_MANAGER})
    | {Role.PARENT, Role.EXTERNAL},
    "passport.write": set(SEN_LEADS),
    "passport.acknowledge": {Role.TEACHER, Role.TEACHING_ASSISTANT},
    "passport.readers": SEN_LEADS | {Role.HEAD},
    "passport.suggest": {Role.PARENT},
    "classes.view": SEN_LEADS | {Role.HEAD, Role.TEACHER, Role.TEACHING_ASSISTANT},
    "reports.read": SEN_LEADS | {Role.HEAD, Role.EXTERNAL},
    "reports.add": SEN_LEADS | {Role.HEAD, Role.EXTERNAL},
    # Plans (issue 7): read by those who work with the pupil and by their parents; written and
    # reviewed by the SEN leads; notes by the teachers and TAs who teach the pupil.
    "plan.read": SEN_LEADS
    | {Role.HEAD, Role.TEACHER, Role.TEACHING_ASSISTANT, Role.PARENT, Role.EXTERNAL},
    # The working record of a plan (teachers' notes, every saved version) stays with staff.
    "plan.history": SEN_LEADS | {Role.HEAD, Role.TEACHER, Role.TEACHING_ASSISTANT},
    "plan.write": set(SEN_LEADS),
    "plan.note": SEN_LEADS | {Role.TEACHER, Role.TEACHING_ASSISTANT},
    "plan.parent_view": {Role.PARENT},
    "plan.reviews_due": SEN_LEADS | {Role.HEAD, Role.TEACHER, Role.TEACHING_ASSISTANT},
    # Meetings with parents and the contact log (issue 7).
    "meeting.read": SEN_LEADS | {Role.HEAD, Role.TEACHER, Role.PARENT},
    "meeting.write": SEN_LEADS | {Role.HEAD},
    "meeting.behind": SEN_LEADS | {Role.HEAD},
    "contact_log.read": SEN_LEADS | {Role.HEAD},
    "contact_log.add": SEN_LEADS | {Role.HEAD, Role.TEACHER, Role.TEACHING_ASSISTANT},
    # Provision (issue 8): the library and the groups are the SEN leads'; teachers and TAs
    # read them and record the sessions of the groups they run; costs stay with the SEN leads
    # and the head; standard hourly rates (from pay) with the head and administrators.
    "provision.library": SEN_LEADS | {Role.HEAD, Role.TEACHER, Role.TEACHING_ASSISTANT},
    "provision.manage": set(SEN_LEADS),
    "provision.session": SEN_LEADS | {Role.TEACHER, Role.TEACHING_ASSISTANT},
    "provision.costs": SEN_LEADS | {Role.HEAD},
    "provision.rates": {Role.HEAD, Role.ADMINISTRATOR},
    # EHC plans (issue 9): read by those who work with the pupil and by their parents; the
    # statutory work (requests, plans, annual reviews, LA consultations) is the SEN leads';
    # the caseload and its deadlines are followed by the SEN leads and the head.
    "ehcp.read": SEN_LEADS | {Role.HEAD, Role.TEACHER, Role.TEACHING_ASSISTANT, Role.PARENT},
    "ehcp.manage": set(SEN_LEADS),
    "ehcp.caseload": SEN_LEADS | {Role.HEAD},
    "audit.view": {Role.SENCO, Role.HEAD},
    "accounts.invite": SEN_LEADS | {Role.HEAD, Role.ADMINISTRATOR},
    "imports.run": SEN_LEADS | {Role.DATA_MANAGER},
    "ctf.export": SEN_LEADS | {Role.HEAD, Role.DATA_MANAGER},
    "school.aggregates": WHOLE_SCHOOL_ROLES | {Role.GOVERNOR, Role.TRUST_SEND_LEAD},
    "assessment.record": SEN_LEADS | {Role.HEAD, Role.TEACHER, Role.TEACHING_ASSISTANT},
    "assessment.manage_types": SEN_LEADS | {Role.HEAD, Role.DATA_MANAGER},
    # Calendar feeds (issue 10, the calendar): staff follow the dates of their pupils in their
    # own calendar; what a feed holds is worked out at each read through the actions above.
    "calendar.feed": STAFF_ROLES,
    # REST API (issue 10, the API): staff make tokens for their own tools; a token acts as its
    # maker in one school, through the actions above (docs/api.md).
    "api.token": STAFF_ROLES,
}

# Which roles each role may give (re-authentication first). Parents are invited from a contact.
GRANTS: dict[str, set[str]] = {
    Role.ADMINISTRATOR: set(Role.values) - {Role.PARENT, Role.TRUST_SEND_LEAD},
    Role.HEAD: set(Role.values) - {Role.PARENT, Role.TRUST_SEND_LEAD, Role.ADMINISTRATOR},
    Role.SENCO: {Role.DEPUTY_SENCO, Role.TEACHER, Role.TEACHING_ASSISTANT, Role.EXTERNAL},
    Role.DEPUTY_SENCO: {Role.TEACHER, Role.TEACHING_ASSISTANT, Role.EXTERNAL},
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
            .in_force(day)
            .select_related("school", "trust", "staff")
        )
        user._senco_memberships = cached
    return cached


def confine_to_school(user, school: School) -> None:
    """Keep the user's roles in this one school only, for the request (an API token is bound
    to a school: a role elsewhere gives nothing through it, and a role across its trust counts
    in this school alone)."""
    kept = []
    for m in memberships(user):
        if m.school_id == school.pk:
            kept.append(m)
        elif m.trust_id and m.trust_id == school.trust_id:
            # The trust role, held for this request at this school only (never saved): kept
            # as a trust membership, it would reach every school of the trust.
            kept.append(
                Membership(
                    pk=m.pk,
                    user=user,
                    role=m.role,
                    school=school,
                    staff=m.staff,
                    starts=m.starts,
                    ends=m.ends,
                )
            )
    user._senco_memberships = kept


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


def grantable_roles(user, school: School) -> list[str]:
    given: set[str] = set()
    for role in roles_in(user, school):
        given |= GRANTS.get(role, set())
    return [r for r in Role.values if r in given]


def _not_confidential_from(user) -> Q:
    """Confidential records show only to the people they are marked for."""
    return Q(is_confidential=False) | Q(confidential_to=user)


# Each rule is a list of pupil ids drawn from an indexed table (the user's groups, contacts or
# grants), so the planner never walks every pupil of a trust to find a teacher's thirty.


def _parent_rule(user) -> Q:
    """Parental responsibility and no court order against it; past compulsory school age,
    only where the young person shares their record."""
    links = PupilContact.objects.filter(
        contact__user=user, parental_responsibility=True, court_order=False
    )
    return Q(pk__in=links.values("pupil_id")) & (
        Q(date_of_birth__gt=past_compulsory_school_age_if_born_by(today()))
        | Q(shares_with_parents=True)
    )


GROUP_ROLES: dict[str, str] = {Role.TEACHER: "teacher", Role.TEACHING_ASSISTANT: "ta"}


def _groups_worked_in(user, school: School, roles: set[str]) -> QuerySet:
    """The groups of this year (and next, in the summer term) the user teaches or supports."""
    taught_as = [GROUP_ROLES[r] for r in roles if r in GROUP_ROLES]
    if not taught_as:
        return TeachingGroup.objects.none()
    return TeachingGroup.objects.filter(
        school=school,
        academic_year__start_year__in=_group_years(school),
        staffing__staff_id__in=_staff_ids(user, school),
        staffing__role__in=taught_as,
    )


def _granted_rule(user, school: School) -> Q:
    day = today()
    grants = PupilGrant.objects.filter(user=user, school=school, starts__lte=day, ends__gte=day)
    named = PupilGrant.pupils.through.objects.filter(pupilgrant__in=grants)
    return Q(pk__in=named.values("pupil_id"))


def pupils_visible_to(user, school: School, *, action: str | None = None) -> PupilQuerySet:
    """The pupils of `school` the user may see, by their roles and relationships there.

    With `action`, only through the roles that may do it: a list of what one role does (the
    reviews due, the meetings) must not gain the pupils another role of the same person sees
    (a teacher who is also a parent at the school lists their own child's meetings as a parent
    only where a parent may)."""
    roles = roles_in(user, school)
    if action is not None:
        roles &= ACTIONS[action]
    pupils = Pupil.objects.filter(school=school)
    if roles & WHOLE_SCHOOL_ROLES:
        return _without_confidential(user, pupils)
    rule = Q(pk__in=[])
    if Role.DESIGNATED_TEACHER in roles:
        rule |= Q(looked_after=Pupil.LookedAfter.LOOKED_AFTER)
    if roles & GROUP_ROLES.keys():
        groups = _groups_worked_in(user, school, roles)
        members = TeachingGroup.pupils.through.objects.filter(teachinggroup__in=groups)
        rule |= Q(pk__in=members.values("pupil_id"))
        rule |= Q(pk__in=_intervention_members(user, school).values("pupil_id"))
    if Role.PARENT in roles:
        rule |= _parent_rule(user)
    if roles & GRANTED_ROLES:
        rule |= _granted_rule(user, school)
    return _without_confidential(user, pupils.filter(rule))


# Staff who run an intervention group see its pupils while it runs, and for four weeks after
# (exit results, the last sessions).
RUNS_GROUP_AFTER = dt.timedelta(weeks=4)


def _intervention_members(user, school: School) -> QuerySet:
    """Places in the intervention groups the user runs (named on the group's staff)."""
    from senco.provision.models import Member

    day = today()
    return Member.objects.filter(
        group__school=school,
        group__staff__in=_staff_ids(user, school),
        group__starts__lte=day,
        group__ends__gte=day - RUNS_GROUP_AFTER,
        joined__lte=day,
    ).exclude(left__lt=day - RUNS_GROUP_AFTER)


def teaches(user, pupil: Pupil) -> bool:
    """Does the user teach or support a class or group this pupil is in (this year's, or next
    year's in the summer term)? Passports are acknowledged by these people."""
    groups = _groups_worked_in(user, pupil.school, roles_in(user, pupil.school))
    return groups.filter(pupils=pupil).exists()


def staff_teaching(pupils) -> QuerySet:
    """Accounts of the staff who teach or support these pupils (same school), this year and,
    in the summer term, next year: who should read a passport."""
    pupils = list(pupils)
    if not pupils:
        return User.objects.none()
    school = pupils[0].school
    staffing = TeachingGroup.objects.filter(
        school=school, academic_year__start_year__in=_group_years(school), pupils__in=pupils
    ).values("staffing__staff__user")
    return User.objects.filter(pk__in=staffing, is_active=True).order_by("last_name", "first_name")


def groups_visible_to(user, school: School) -> QuerySet:
    """This year's classes and teaching groups the user works with (next year's too in the
    summer term): every group of the school for whole-school roles, the groups they teach or
    support for teachers and TAs, none otherwise. Their pupils still come from
    `pupils_visible_to`, so a confidential pupil stays hidden."""
    roles = roles_in(user, school)
    if roles & WHOLE_SCHOOL_ROLES:
        return TeachingGroup.objects.filter(
            school=school, academic_year__start_year__in=_group_years(school)
        )
    worked_in = _groups_worked_in(user, school, roles)
    return TeachingGroup.objects.filter(pk__in=worked_in.values("pk"))


def _without_confidential(user, records: Records) -> Records:
    hidden = records.model.objects.filter(is_confidential=True).exclude(confidential_to=user)
    return records.exclude(pk__in=hidden.values("pk"))


def pupils_for_concerns(user, school: School) -> PupilQuerySet:
    """Any member of staff may raise a concern about any pupil on roll, without reading their
    file: this offers names and year groups to choose from, and nothing more."""
    if not roles_in(user, school) & ACTIONS["concern.raise"]:
        return Pupil.objects.none()
    return _without_confidential(user, Pupil.objects.filter(school=school).on_roll()).only(
        "public_id", "legal_first_name", "legal_last_name", "preferred_first_name",
        "preferred_last_name", "year_group",
    )  # fmt: skip


def concerns_visible_to(user, school: School) -> QuerySet:
    """The concerns of `school` the user may see: every concern about a pupil they may see for
    those who triage; otherwise only the concerns they raised themselves (write-only: raising a
    concern never opens the pupil's file)."""
    from senco.concerns.models import Concern

    concerns = Concern.objects.filter(school=school)
    if can(user, "concern.triage", school):
        return concerns.filter(pupil__in=pupils_visible_to(user, school))
    if can(user, "concern.raise", school):
        hidden = Pupil.objects.filter(school=school, is_confidential=True).exclude(
            confidential_to=user
        )
        return concerns.filter(raised_by=user).exclude(pupil__in=hidden)
    return Concern.objects.none()


def get_concern(user, school: School, public_id):
    """One concern the user may see in this school; 404 (logged) otherwise."""
    key = parse_public_id(public_id)
    concern = concerns_visible_to(user, school).filter(public_id=key).first() if key else None
    if concern is None:
        log.refused(user, "pupil.refused", school=school, detail=f"concern {public_id}")
        raise Http404(NOT_VISIBLE)
    return concern


def monitoring_visible_to(user, school: School) -> QuerySet:
    """Monitoring periods of the pupils the user may see, for those who keep the list."""
    from senco.concerns.models import Monitoring

    if not can(user, "monitoring.view", school):
        return Monitoring.objects.none()
    return Monitoring.objects.filter(pupil__in=pupils_visible_to(user, school))


def open_cycles_visible_to(user, school: School) -> QuerySet:
    """The open cycles of open plans of the pupils the user may see, for those who follow
    reviews: the SEN leads and the head every pupil's; teachers and TAs those they teach."""
    from senco.plans.models import Cycle

    if not can(user, "plan.reviews_due", school):
        return Cycle.objects.none()
    return Cycle.objects.open().filter(
        plan__ends__isnull=True,
        plan__pupil__in=pupils_visible_to(user, school, action="plan.reviews_due"),
    )


def ehc_plans_visible_to(user, school: School) -> QuerySet:
    """The current EHC plans of the pupils the user may see, for those who follow the
    caseload (the SEN leads and the head); none otherwise."""
    from senco.ehcp.models import EHCPlan

    if not can(user, "ehcp.caseload", school):
        return EHCPlan.objects.none()
    return EHCPlan.objects.current().filter(
        pupil__in=pupils_visible_to(user, school, action="ehcp.caseload")
    )


def needs_assessment_requests_visible_to(user, school: School) -> QuerySet:
    """The needs assessment requests of the pupils the user may see, for the caseload."""
    from senco.ehcp.models import NeedsAssessmentRequest

    if not can(user, "ehcp.caseload", school):
        return NeedsAssessmentRequest.objects.none()
    return NeedsAssessmentRequest.objects.filter(
        pupil__in=pupils_visible_to(user, school, action="ehcp.caseload")
    )


def la_consultations_visible_to(user, school: School) -> QuerySet:
    """The school's LA consultations, for the caseload (the child may not be a pupil yet:
    only initials are kept); one linked to a pupil the user may not see stays hidden."""
    from senco.ehcp.models import LAConsultation

    if not can(user, "ehcp.caseload", school):
        return LAConsultation.objects.none()
    return LAConsultation.objects.filter(school=school).filter(
        Q(pupil__isnull=True) | Q(pupil__in=pupils_visible_to(user, school, action="ehcp.caseload"))
    )


def intervention_groups_visible_to(user, school: School) -> QuerySet:
    """The school's intervention groups: every one for the SEN leads and the head, the groups
    they run for teachers and TAs, none otherwise. Their pupils still come from
    `pupils_visible_to`."""
    from senco.provision.models import Group

    groups = Group.objects.filter(school=school)
    roles = roles_in(user, school)
    if roles & (SEN_LEADS | {Role.HEAD}):
        return groups
    if roles & ACTIONS["provision.session"]:
        return groups.filter(staff__in=_staff_ids(user, school)).distinct()
    return Group.objects.none()


def contacts_visible_to(user, pupil: Pupil) -> QuerySet:
    """The contacts of a visible pupil the user may see: none without `pupil.contacts`."""
    if not can(user, "pupil.contacts", pupil):
        return Contact.objects.none()
    return _without_confidential(user, Contact.objects.filter(pupil_links__pupil=pupil))


def transfer_contacts_visible_to(user, school: School) -> QuerySet:
    """The school's contacts the user may see, for a file that carries many pupils' contacts."""
    if not can(user, "pupil.contacts", school):
        return Contact.objects.none()
    return _without_confidential(user, Contact.objects.filter(school=school))


def get_pupil(
    user,
    public_id,
    *,
    audit_action: str | None = "pupil.viewed",
    requires: str | None = None,
    school: School | None = None,
) -> Pupil:
    """One pupil by public id, under the user's role in that pupil's school; 404 otherwise,
    and 403 when the pupil is visible but the user may not do `requires` to them. With
    `school` (an API token's), a pupil of any other school is refused as if it did not exist.

    The read is written to the audit log (pass audit_action=None when the caller writes its own);
    the refusal too.
    """
    key = parse_public_id(public_id)
    pupils = Pupil.objects.select_related("school")
    if school is not None:
        pupils = pupils.filter(school=school)
    pupil = pupils.filter(public_id=key).first() if key else None
    if pupil is None or not pupils_visible_to(user, pupil.school).filter(pk=pupil.pk).exists():
        log.refused(
            user, "pupil.refused", school=pupil.school if pupil else school, detail=str(public_id)
        )
        raise Http404(NOT_VISIBLE)
    if requires:
        require(user, requires, pupil)
    if audit_action:
        log.read(user, audit_action, pupil)
    return pupil


def not_visible(user, school: School, detail: str) -> Http404:
    """The refusal of a record the user may not see, or that does not exist (the same answer
    either way), written to the audit log: `raise access.not_visible(...)`."""
    log.refused(user, "pupil.refused", school=school, detail=detail)
    return Http404(NOT_VISIBLE)


def get_contact(user, public_id) -> Contact:
    """One contact by public id, through a pupil whose contacts the user may see; 404 otherwise."""
    key = parse_public_id(public_id)
    contact = (
        Contact.objects.select_related("school").filter(public_id=key).first() if key else None
    )
    pupils = pupils_visible_to(user, contact.school) if contact else Pupil.objects.none()
    pupil = pupils.filter(contact_links__contact=contact).first()
    if (
        contact is None
        or pupil is None
        or not can(user, "pupil.contacts", pupil)
        or not _without_confidential(user, Contact.objects.filter(pk=contact.pk)).exists()
    ):
        log.refused(
            user,
            "pupil.refused",
            school=contact.school if contact else None,
            detail=f"contact {public_id}",
        )
        raise Http404(NOT_VISIBLE)
    return contact


def confidential_from(user, pupil_ids: Iterable[int]) -> set[int]:
    """Which of these pupils are confidential records the user is not named on: the audit log
    shows what was done, but not whose record it was."""
    hidden = Pupil.objects.filter(pk__in=list(pupil_ids), is_confidential=True).exclude(
        confidential_to=user
    )
    return set(hidden.values_list("pk", flat=True))


def results_visible_to(user, school: School, assessment_type) -> QuerySet:
    """An assessment type's results for the pupils of `school` the user may see."""
    pupils = pupils_visible_to(user, school)
    return Result.objects.filter(assessment_type=assessment_type, pupil__in=pupils)


def grants_on(pupil: Pupil) -> QuerySet:
    """The time-limited grants in force that name this (visible) pupil."""
    return PupilGrant.objects.filter(pupils=pupil, ends__gte=today()).select_related("user")


def staff_of(school: School) -> QuerySet:
    """Accounts holding a staff role in the school today: who a record can be confidential to."""
    return _members(school, STAFF_ROLES)


def grantable_people(user, school: School) -> QuerySet:
    """Who the user may give time-limited access to: invited professionals; and, for the head
    only, governors (for a panel) and trust SEND leads."""
    roles = GRANTED_ROLES if Role.HEAD in roles_in(user, school) else {Role.EXTERNAL}
    return _members(school, roles)


def _members(school: School, roles: set[str]) -> QuerySet:
    in_force = (
        Membership.objects.filter(
            Q(school=school) | Q(trust_id=school.trust_id, trust__isnull=False)
        )
        .filter(role__in=roles)
        .in_force(today())
    )
    return User.objects.filter(pk__in=in_force.values("user"), is_active=True).order_by(
        "last_name", "first_name"
    )


SUPPRESSED = None


def counts(
    user,
    school: School,
    by: Sequence[str],
    where: Q | None = None,
    totals_shown: Sequence[str] = ("rows", "columns"),
) -> list[dict]:
    """Counts of pupils on roll grouped by fields, for anyone with `school.aggregates`.

    A cross-tabulation (two fields or more) can single a child out, so its small cells are
    suppressed (None, "fewer than N"; see `suppress`). Plain totals by one field stay visible,
    or a one-form-entry primary's report would be blank.
    """
    require(user, "school.aggregates", school)
    base = Pupil.objects.filter(school=school).on_roll().filter(where or Q())
    rows = list(base.values(*by).annotate(pupils=Count("pk")).order_by(*by))
    return suppress(rows, by, totals_shown) if len(by) >= 2 else rows


def suppress(
    rows: list[dict], by: Sequence[str], totals_shown: Sequence[str] = ("rows", "columns")
) -> list[dict]:
    """The full grid of the first field (rows) against the rest (columns), with every cell from
    1 to SENCO_SUPPRESS_BELOW - 1 hidden; then, wherever a row or column whose total is shown
    somewhere has exactly one hidden cell, its next smallest cell too, or the hidden one could be
    worked out by subtracting the others from that total."""
    below = settings.SENCO_SUPPRESS_BELOW
    found = {(r[by[0]], tuple(r[f] for f in by[1:])): r["pupils"] for r in rows}
    lines = list(dict.fromkeys(k[0] for k in found))
    columns = list(dict.fromkeys(k[1] for k in found))
    grid = {(a, b): found.get((a, b), 0) for a in lines for b in columns}
    hidden = {cell for cell, n in grid.items() if 0 < n < below}
    groups = []
    if "rows" in totals_shown:
        groups += [[(a, b) for b in columns] for a in lines]
    if "columns" in totals_shown:
        groups += [[(a, b) for a in lines] for b in columns]
    changed = True
    while changed:
        changed = False
        for group in groups:
            shown = [cell for cell in group if cell not in hidden]
            if len(group) - len(shown) == 1 and shown:
                hidden.add(min(shown, key=lambda cell: grid[cell]))
                changed = True
    return [
        {**dict(zip(by, (a, *b), strict=True)), "pupils": None if (a, b) in hidden else n}
        for (a, b), n in grid.items()
    ]


def school_of(obj) -> School:
    return obj if isinstance(obj, School) else obj.school


def roles_for(user, pupil: Pupil) -> set[str]:
    """The user's roles through which this pupil is visible: each part of a record is seen
    under its own role (DESIGN.md), so a teacher who is also a parent at the school acts as a
    parent only for their own child, and a professional only for the pupils granted to them.
    Cached on the user for the request."""
    cache = user.__dict__.setdefault("_senco_pupil_roles", {})
    if pupil.pk not in cache:
        roles = roles_in(user, pupil.school)
        found = roles & WHOLE_SCHOOL_ROLES
        one = Pupil.objects.filter(pk=pupil.pk)
        if (
            Role.DESIGNATED_TEACHER in roles
            and pupil.looked_after == Pupil.LookedAfter.LOOKED_AFTER
        ):
            found.add(Role.DESIGNATED_TEACHER)
        if roles & GROUP_ROLES.keys() and (
            teaches(user, pupil)
            or _intervention_members(user, pupil.school).filter(pupil=pupil).exists()
        ):
            found |= roles & GROUP_ROLES.keys()
        if Role.PARENT in roles and one.filter(_parent_rule(user)).exists():
            found.add(Role.PARENT)
        if roles & GRANTED_ROLES and one.filter(_granted_rule(user, pupil.school)).exists():
            found |= roles & GRANTED_ROLES
        cache[pupil.pk] = found
    return cache[pupil.pk]


def can(user, action: str, obj) -> bool:
    """May the user do `action` to `obj` (a pupil or a school)? Assumes obj is visible. For a
    pupil, only the roles through which that pupil is visible count (`roles_for`)."""
    allowed = ACTIONS.get(action)
    if allowed is None:
        raise ValueError(f"Unknown action {action!r}: add it to access.ACTIONS.")
    if isinstance(obj, Pupil):
        return bool(roles_for(user, obj) & allowed)
    return bool(roles_in(user, school_of(obj)) & allowed)


def require(user, action: str, obj) -> None:
    if not can(user, action, obj):
        log.refused(user, "pupil.refused", school=school_of(obj), detail=action)
        raise PermissionDenied(NOT_VISIBLE)


def current_school(request, action: str) -> School:
    """The school the request works in, where the user may do `action`; 404 or 403 otherwise."""
    school = getattr(request, "school", None)
    if school is None:
        raise Http404(NOT_VISIBLE)
    require(request.user, action, school)
    return school


def home_kind(roles: Iterable[str]) -> str:
    """Which home page a set of roles gets, first match wins."""
    roles = set(roles)
    for kind, match in (
        ("sen_lead", SEN_LEADS | {Role.HEAD}),
        ("staff", STAFF_ROLES),
        ("parent", {Role.PARENT}),
        ("granted", {Role.EXTERNAL}),
        ("governance", {Role.GOVERNOR, Role.TRUST_SEND_LEAD}),
    ):
        if roles & match:
            return kind
    return "accounts"
