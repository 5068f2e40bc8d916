"""The class view: for each class or teaching group, its pupils with SEN, their needs and the
strategies from their passports, on one printable page, so plans reach the classroom.

Groups come from `access.groups_visible_to` (404 for any other), and their pupils from
`access.pupils_visible_to`, so a confidential record stays hidden even in a class list.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from senco import access
from senco.audit import log
from senco.documents import docx as word
from senco.documents import pdf
from senco.passports import services
from senco.passports.models import PassportReading, PassportVersion
from senco.pupils import census
from senco.pupils.models import Pupil
from senco.schools.calendar import academic_year_start
from senco.schools.models import GroupStaff, TeachingGroup


def _pupils_with_sen(user, school):
    """The pupils on the register, on roll, whom the user may see."""
    return (
        access.pupils_visible_to(user, school)
        .on_roll()
        .filter(sen_provision__in=census.REGISTER_CODES)
    )


@dataclass
class GroupSummary:
    group: TeachingGroup
    with_sen: int = 0
    unread_by_me: int = 0
    unread_by_staff: int = 0


def summaries(user, school, groups: list[TeachingGroup]) -> list[GroupSummary]:
    """Each group's pupils with SEN and the passports not yet read, in five queries however
    many groups and pupils."""
    rows = {g.pk: GroupSummary(g) for g in groups}
    members = list(
        TeachingGroup.pupils.through.objects.filter(
            teachinggroup__in=list(rows), pupil__in=_pupils_with_sen(user, school)
        ).values_list("teachinggroup_id", "pupil_id")
    )
    versions = services.current_versions({pupil for _, pupil in members})
    readings = set(
        PassportReading.objects.filter(version__in=[v.pk for v in versions.values()]).values_list(
            "version_id", "user_id"
        )
    )
    staff: dict[int, set[int]] = {}
    if access.can(user, "passport.readers", school):
        for group_id, user_id in GroupStaff.objects.filter(
            group__in=list(rows), staff__user__is_active=True
        ).values_list("group_id", "staff__user_id"):
            staff.setdefault(group_id, set()).add(user_id)
    for group_id, pupil_id in members:
        row = rows[group_id]
        row.with_sen += 1
        version = versions.get(pupil_id)
        if version is None:
            continue
        row.unread_by_me += (version.pk, user.pk) not in readings
        row.unread_by_staff += any(
            (version.pk, reader) not in readings for reader in staff.get(group_id, ())
        )
    return list(rows.values())


@login_required
@require_GET
def class_list(request):
    school = access.current_school(request, "classes.view")
    groups = (
        access.groups_visible_to(request.user, school)
        .select_related("academic_year")
        .order_by("-academic_year__start_year", "year_group", "kind", "name", "pk")
    )
    page = Paginator(groups, settings.SENCO_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": summaries(request.user, school, list(page.object_list)),
        "this_year": academic_year_of_today(),
        "may_acknowledge": access.can(request.user, "passport.acknowledge", school),
        "sees_readers": access.can(request.user, "passport.readers", school),
    }
    return render(request, "passports/class_list.html", context)


def academic_year_of_today() -> int:
    return academic_year_start(access.today())


@dataclass
class ClassPupil:
    pupil: Pupil
    passport: PassportVersion | None
    read: bool = False


def _class(request, public_id) -> tuple[TeachingGroup, list[ClassPupil]]:
    """The group (404 unless the user works with it) and its visible pupils with SEN, each with
    needs in rank order and current passport, in a fixed number of queries."""
    school = access.current_school(request, "classes.view")
    group = (
        access.groups_visible_to(request.user, school)
        .filter(public_id=public_id)
        .select_related("academic_year", "school")
        .first()
    )
    if group is None:
        log.refused(request.user, "pupil.refused", school=school, detail=f"class {public_id}")
        raise Http404(access.NOT_VISIBLE)
    pupils = list(
        _pupils_with_sen(request.user, school)
        .filter(groups=group)
        .with_open_needs()
        .order_by("legal_last_name", "legal_first_name", "pk")
    )
    versions = services.current_versions(p.pk for p in pupils)
    read = services.read_by(request.user, versions.values())
    rows = []
    for p in pupils:
        version = versions.get(p.pk)
        if version is not None:
            version.pupil = p
        rows.append(ClassPupil(p, version, read=bool(version and version.pk in read)))
    return group, rows


@login_required
@require_http_methods(["GET", "POST"])
def class_detail(request, public_id):
    group, rows = _class(request, public_id)
    if request.method == "POST":
        return _acknowledge_class(request, group, rows)
    log.read_list(request.user, "class.viewed", group.school, [r.pupil for r in rows])
    may_acknowledge = access.can(request.user, "passport.acknowledge", group.school)
    context = {
        "group": group,
        "rows": rows,
        "may_acknowledge": may_acknowledge,
        "unread": sum(1 for r in rows if r.passport and not r.read),
    }
    return render(request, "passports/class_detail.html", context)


def _acknowledge_class(request, group, rows: list[ClassPupil]):
    """One action for the whole class: every current passport the user teaches and has not
    read. A pupil they do not teach (a group seen through another role) is left unread."""
    access.require(request.user, "passport.acknowledge", group.school)
    unread = [r.passport for r in rows if r.passport and not r.read]
    taught = [v for v in unread if access.can(request.user, "passport.acknowledge", v.pupil)]
    done = services.acknowledge(taught, by=request.user)
    messages.success(
        request,
        f"Recorded: you have read {done} passport{'s' if done != 1 else ''} for {group.name}."
        if done
        else "You had already read every passport in this class.",
    )
    return redirect("classes:detail", public_id=group.public_id)


def _download(request, public_id):
    group, rows = _class(request, public_id)
    log.read_list(request.user, "class.downloaded", group.school, [r.pupil for r in rows])
    return group, rows


def _filename(group, extension: str) -> str:
    return f"class-{slugify(group.name) or 'group'}-{access.today().isoformat()}.{extension}"


@login_required
@require_GET
def class_pdf(request, public_id):
    group, rows = _download(request, public_id)
    return pdf.pdf_response(
        request,
        "documents/class.html",
        {"group": group, "rows": rows},
        _filename(group, "pdf"),
        school=group.school,
    )


@login_required
@require_GET
def class_docx(request, public_id):
    group, rows = _download(request, public_id)
    document = word.letterhead(
        request, group.school, f"Pupils with SEN in {group.name} ({group.academic_year})"
    )
    if not rows:
        word.paragraph(document, "No pupil in this group is on the SEN register.")
    for row in rows:
        pupil = row.pupil
        word.heading(document, f"{pupil.full_name} ({pupil.year_group_label})")
        needs = "; ".join(n.label for n in pupil.open_needs)  # type: ignore[attr-defined]
        word.paragraph(document, f"{pupil.sen_provision_label}. Needs: {needs or 'none recorded'}.")
        if row.passport:
            word.add_bullets(document, row.passport.strategy_list)
        else:
            word.paragraph(document, "No passport yet.")
    return word.docx_response(document, _filename(group, "docx"))
