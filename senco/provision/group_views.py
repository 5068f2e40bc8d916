"""Intervention groups: the list, starting a group, one group's members, attendance, results
and sessions, recording a session (the TA's everyday task, made for a phone), and linking
entry and exit results.

Groups come from `access.intervention_groups_visible_to` (404 for any other: another school's,
or a group a teacher or TA does not run); their pupils from `access.pupils_visible_to`.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from senco import access
from senco.audit import log
from senco.forms import add_errors
from senco.ids import parse_public_id
from senco.provision import services
from senco.provision.group_forms import (
    GroupForm,
    GroupListForm,
    PupilFilterForm,
    SessionForm,
    results_form,
)
from senco.provision.models import Group, Provision, Session, member_count
from senco.pupils import census
from senco.schools.models import Staff

PUPILS_SHOWN = 40
DELIVERED = Session.Status.DELIVERED


def _school(request):
    if getattr(request, "school", None) is None:
        raise Http404(access.NOT_VISIBLE)
    return request.school


def _visible_group(request, public_id) -> Group:
    """A group the user may see, in the school they work in; 404 (audited) otherwise."""
    school = _school(request)
    key = parse_public_id(public_id)
    group = (
        access.intervention_groups_visible_to(request.user, school)
        .select_related("provision__entry_assessment", "provision__exit_assessment")
        .filter(public_id=key)
        .first()
        if key
        else None
    )
    if group is None:
        raise access.not_visible(request.user, school, f"intervention group {public_id}")
    return group


def _runs(user, school, group: Group) -> bool:
    """Is the user one of the staff named on the group?"""
    mine = [m.staff_id for m in access.memberships(user) if m.school_id == school.pk and m.staff_id]
    return group.staff.filter(pk__in=mine).exists()


def _may_record(user, school, group: Group) -> bool:
    """The SEN leads, and the staff who run the group while they see its pupils (while it runs
    and for four weeks after)."""
    if not access.can(user, "provision.session", school):
        return False
    if access.can(user, "provision.manage", school):
        return True
    recent = group.ends >= access.today() - access.RUNS_GROUP_AFTER
    return recent and _runs(user, school, group)


def planned_so_far(group: Group, today: dt.date) -> int:
    """Sessions planned by today: sessions a week times the weeks elapsed in the group."""
    last = min(today, group.ends)
    if last < group.starts:
        return 0
    weeks = Decimal((last - group.starts).days + 1) / 7
    return round(group.provision.sessions_per_week * weeks)


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


# The list.


def _session_figures():
    delivered = (
        Session.objects.filter(group=OuterRef("pk"), status=DELIVERED).order_by().values("group")
    )
    count = delivered.annotate(n=Count("pk")).values("n")
    marks = delivered.annotate(n=Count("attendance")).values("n")
    present = delivered.annotate(n=Count("attendance", filter=Q(attendance__present=True)))
    return {
        "delivered": Coalesce(Subquery(count), 0),
        "marks": Coalesce(Subquery(marks), 0),
        "present": Coalesce(Subquery(present.values("n")), 0),
    }


@dataclass
class GroupRow:
    group: Group
    planned: int
    attendance: int | None


@login_required
@require_GET
def group_list(request):
    school = access.current_school(request, "provision.library")
    today = access.today()
    groups = access.intervention_groups_visible_to(request.user, school)
    form = GroupListForm(request.GET)
    shown = form.cleaned_data["show"] if form.is_valid() else ""
    if shown == "running":
        groups = groups.filter(starts__lte=today, ends__gte=today)
    elif shown == "ended":
        groups = groups.filter(ends__lt=today)
    groups = (
        groups.select_related("provision")
        .prefetch_related("staff")
        .annotate(
            when=Case(
                When(starts__lte=today, ends__gte=today, then=Value(0)),
                When(starts__gt=today, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            pupils=member_count(),
            **_session_figures(),
        )
        .order_by("when", "-starts", "name", "pk")
    )
    page = Paginator(groups, settings.SENCO_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        GroupRow(g, planned_so_far(g, today), percent(g.present, g.marks)) for g in page.object_list
    ]
    context = {
        "page": page,
        "rows": rows,
        "form": form,
        "today": today,
        "may_manage": access.can(request.user, "provision.manage", school),
    }
    return render(request, "provision/group_list.html", context)


# Starting a group.


def _candidates(request, school, filters: PupilFilterForm):
    """The pupils offered: on roll, visible to the user, on the register unless asked
    otherwise, narrowed by year group and name."""
    pupils = access.pupils_visible_to(request.user, school).on_roll()
    data = filters.cleaned_data if filters.is_valid() else {}
    if not data.get("everyone"):
        pupils = pupils.filter(sen_provision__in=census.REGISTER_CODES)
    if data.get("year") is not None:
        pupils = pupils.filter(year_group=data["year"])
    if data.get("q", "").strip():
        pupils = pupils.going_by(data["q"].strip())
    return pupils.order_by("legal_last_name", "legal_first_name", "pk")


def _group_form(request, school, on_roll, step: str) -> GroupForm:
    options = {
        "provisions": Provision.objects.filter(school=school, is_active=True),
        "staff": Staff.objects.filter(school=school).filter(
            Q(ends__isnull=True) | Q(ends__gte=access.today())
        ),
        "pupils": on_roll,
    }
    if request.method == "POST" and step == "start":
        return GroupForm(request.POST, **options)
    if request.method == "POST":  # finding pupils: keep what was typed, show no errors yet
        lists = ("staff", "pupils")
        initial = {
            name: request.POST.getlist(name) if name in lists else request.POST.get(name)
            for name in GroupForm.base_fields
        }
        return GroupForm(initial=initial, **options)
    return GroupForm(initial={"starts": access.today()}, **options)


@login_required
@require_http_methods(["GET", "POST"])
def group_new(request):
    school = access.current_school(request, "provision.manage")
    step = request.POST.get("step", "") if request.method == "POST" else ""
    on_roll = access.pupils_visible_to(request.user, school).on_roll()
    years = sorted(
        y
        for y in on_roll.order_by().values_list("year_group", flat=True).distinct()
        if y is not None
    )
    filters = PupilFilterForm(
        request.POST if request.method == "POST" else request.GET, prefix="find", years=years
    )
    form = _group_form(request, school, on_roll, step)
    if step == "start" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.start_group(
                data["provision"],
                by=request.user,
                name=data["name"],
                staff=list(data["staff"]),
                pupils=list(data["pupils"]),
                starts=data["starts"],
                ends=data["ends"],
                timetable=data["timetable"],
                funding=data["funding"],
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, f"Group started: {group.name}, {len(data['pupils'])} pupils.")
            return redirect("provision:group", public_id=group.public_id)
    chosen_ids = [parse_public_id(v) for v in (form["pupils"].value() or [])]
    chosen = list(on_roll.filter(public_id__in=[k for k in chosen_ids if k]))
    found = list(
        _candidates(request, school, filters).exclude(pk__in=[p.pk for p in chosen])[
            : PUPILS_SHOWN + 1
        ]
    )
    shown = chosen + found[:PUPILS_SHOWN]
    log.read_list(request.user, "pupil.listed", school, shown)
    context = {
        "form": form,
        "filters": filters,
        "chosen": chosen,
        "found": found[:PUPILS_SHOWN],
        "more": len(found) > PUPILS_SHOWN,
    }
    return render(request, "provision/group_new.html", context)


# One group.


def _attendance_by_pupil(group: Group) -> dict[int, tuple[int, int]]:
    """(sessions present, sessions marked) for each pupil, over the delivered sessions."""
    rows = (
        group.sessions.filter(status=DELIVERED)
        .order_by()
        .values("attendance__pupil")
        .annotate(
            present=Count("pk", filter=Q(attendance__present=True)), marked=Count("attendance")
        )
    )
    return {r["attendance__pupil"]: (r["present"], r["marked"]) for r in rows}


@login_required
@require_GET
def group_detail(request, public_id):
    group = _visible_group(request, public_id)
    school = group.school
    today = access.today()
    members = list(
        group.members.filter(pupil__in=access.pupils_visible_to(request.user, school))
        .select_related("pupil", "entry_result__assessment_type", "exit_result__assessment_type")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )
    attendance = _attendance_by_pupil(group)
    for member in members:
        present, marked = attendance.get(member.pupil_id, (0, 0))
        member.present, member.marked = present, marked  # type: ignore[attr-defined]
        member.percent = percent(present, marked)  # type: ignore[attr-defined]
    sessions = list(
        group.sessions.annotate(
            present=Count("attendance", filter=Q(attendance__present=True)),
            marked=Count("attendance"),
        ).order_by("-held_on", "-pk")
    )
    delivered = sum(s.status == DELIVERED for s in sessions)
    present = sum(s.present for s in sessions)
    marked = sum(s.marked for s in sessions)
    log.read_list(request.user, "provision.group_viewed", school, [m.pupil for m in members])
    context = {
        "group": group,
        "provision": group.provision,
        "staff": list(group.staff.all()),
        "members": members,
        "sessions": sessions,
        "delivered": delivered,
        "cancelled": len(sessions) - delivered,
        "planned": planned_so_far(group, today),
        "attendance": percent(present, marked),
        "may_record": _may_record(request.user, school, group),
        "may_manage": access.can(request.user, "provision.manage", school),
        "today": today,
    }
    return render(request, "provision/group_detail.html", context)


# Recording a session.


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request, public_id):
    group = _visible_group(request, public_id)
    school = group.school
    if not _may_record(request.user, school, group):
        log.refused(request.user, "pupil.refused", school=school, detail="provision.session")
        raise PermissionDenied(access.NOT_VISIBLE)
    today = access.today()
    visible = access.pupils_visible_to(request.user, school)
    members = list(
        services.members_on(group, min(today, group.ends))
        .filter(pupil__in=visible)
        .select_related("pupil")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )
    pupils = [m.pupil for m in members]
    initial = {
        "held_on": today,
        "minutes": group.provision.session_minutes,
        "present": [str(p.public_id) for p in pupils],
        "status": "delivered",
    }
    data = request.POST if request.method == "POST" else None
    form = SessionForm(data, initial=initial, members=pupils)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ids = {str(p.public_id): p.pk for p in pupils}
        try:
            session = services.record_session(
                group,
                by=request.user,
                held_on=data["held_on"],
                delivered=data["status"] == "delivered",
                minutes=data["minutes"],
                present={ids[k] for k in data["present"]},
                notes=data["notes"],
                cancelled_because=data["cancelled_because"],
                marked=set(ids.values()),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, _recorded(session, len(data["present"]), len(pupils)))
            return redirect("provision:group", public_id=group.public_id)
    log.read_list(request.user, "provision.group_viewed", school, pupils)
    context = {
        "group": group,
        "form": form,
    }
    return render(request, "provision/session_new.html", context)


def _recorded(session: Session, present: int, of: int) -> str:
    day = f"{session.held_on:%d/%m/%Y}"
    if session.status == DELIVERED:
        return f"Session of {day} recorded: {present} of {of} present."
    return f"Cancelled session of {day} recorded."


# Entry and exit results.


def _results_rows(user, school, group: Group, members):
    provision = group.provision
    by_type: dict[int, dict[int, list]] = {}
    for kind in {t for t in (provision.entry_assessment, provision.exit_assessment) if t}:
        results = (
            access.results_visible_to(user, school, kind)
            .filter(pupil__in=[m.pupil_id for m in members])
            .select_related("assessment_type")
            .order_by("taken_on", "pk")
        )
        for r in results:
            by_type.setdefault(kind.pk, {}).setdefault(r.pupil_id, []).append(r)

    def of(kind, pupil_id):
        return by_type.get(kind.pk, {}).get(pupil_id, []) if kind else []

    return [
        (m, of(provision.entry_assessment, m.pupil_id), of(provision.exit_assessment, m.pupil_id))
        for m in members
    ]


@login_required
@require_http_methods(["GET", "POST"])
def group_results(request, public_id):
    group = _visible_group(request, public_id)
    school = group.school
    access.require(request.user, "provision.manage", school)
    members = list(
        group.members.filter(pupil__in=access.pupils_visible_to(request.user, school))
        .select_related("pupil", "group__provision")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )
    rows = _results_rows(request.user, school, group, members)
    form = results_form(rows, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and _save_results(request, form, rows):
        return redirect("provision:group", public_id=group.public_id)
    log.read_list(request.user, "provision.group_viewed", school, [m.pupil for m in members])
    table = [
        (m, form[f"entry_{m.pupil.public_id.hex}"], form[f"exit_{m.pupil.public_id.hex}"])
        for m, _, _ in rows
    ]
    context = {"group": group, "provision": group.provision, "form": form, "table": table}
    return render(request, "provision/group_results.html", context)


def _save_results(request, form, rows) -> bool:
    """Every changed row at once, or none: a refusal stays at its row."""
    refused = False
    saved = 0
    with transaction.atomic():
        for member, entries, exits in rows:
            key = member.pupil.public_id.hex
            entry_id = _chosen(request, form, f"entry_{key}", member.entry_result_id)
            exit_id = _chosen(request, form, f"exit_{key}", member.exit_result_id)
            if (entry_id, exit_id) == (member.entry_result_id, member.exit_result_id):
                continue
            found = {r.pk: r for r in [*entries, *exits]}
            try:
                services.record_results(
                    member, by=request.user, entry=found.get(entry_id), exit=found.get(exit_id)
                )
                saved += 1
            except ValidationError as e:
                refused = True
                add_errors(form, e, _row_field(key))
        if refused:
            transaction.set_rollback(True)
    if refused:
        return False
    messages.success(request, f"Results saved for {saved} pupil{'s' if saved != 1 else ''}.")
    return True


def _row_field(key: str):
    """Where a refusal of a row belongs: `entry_result` at the row's entry choice."""

    def field_for(name: str) -> str:
        return f"{name.split('_')[0]}_{key}"

    return field_for


def _chosen(request, form, name: str, current: int | None) -> int | None:
    """The result chosen in a row; a choice the form did not send leaves it as it is."""
    return form.cleaned_data[name] if name in request.POST else current
