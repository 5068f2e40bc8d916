"""Pupils as spreadsheets (docs/exports.md): the pupil list as the user sees it, and the whole
SEN register for the people who keep it.

Every export reaches pupils through `access.pupils_visible_to`, writes one audit entry naming
every pupil in the file (`pupil.exported`), and is made formula-safe by
`senco.interop.spreadsheets`. A file is built in memory: a school of 2,000 pupils makes a file of
a few hundred kilobytes, with the same few queries however many pupils it holds.
"""

from collections.abc import Sequence

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from senco import access
from senco.accounts.adapter import require_recent_sign_in
from senco.audit import log
from senco.interop.spreadsheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    Column,
    csv_bytes,
    table,
    xlsx_bytes,
)
from senco.pupils import census
from senco.pupils.forms import PupilSearchForm
from senco.pupils.models import Pupil
from senco.pupils.views import _current_classes, search

FORMATS = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}
ORDER = ("legal_last_name", "legal_first_name", "pk")


def _preferred_name(pupil: Pupil) -> str:
    """The name the pupil goes by, where it differs from the legal one."""
    return pupil.full_name if pupil.preferred_first_name or pupil.preferred_last_name else ""


def _classes(pupil: Pupil) -> str:
    return ", ".join(g.name for g in pupil.current_classes)  # type: ignore[attr-defined]


def _current_needs(pupil: Pupil) -> list:
    """The pupil's needs in force, by rank, from the prefetched history."""
    return sorted((n for n in pupil.sen_needs.all() if n.ends is None), key=lambda n: n.rank)


def _need(rank: int, label: bool):
    def value(pupil: Pupil) -> str:
        needs = _current_needs(pupil)
        if len(needs) < rank:
            return ""
        return needs[rank - 1].label if label else needs[rank - 1].need

    return value


def _further_needs(pupil: Pupil) -> str:
    return "; ".join(f"{n.need} ({n.label})" for n in _current_needs(pupil)[2:])


def _status_since(pupil: Pupil):
    current = [s for s in pupil.sen_statuses.all() if s.ends is None]
    return current[0].starts if current else None


DETAILS: list[Column[Pupil]] = [
    Column("UPN", lambda p: p.upn),
    Column("Legal first name", lambda p: p.legal_first_name),
    Column("Legal last name", lambda p: p.legal_last_name),
    Column("Preferred name", _preferred_name),
    Column("Date of birth", lambda p: p.date_of_birth),
    Column("Year group", lambda p: p.year_group_label),
    Column("Class", _classes),
    Column("SEN status code", lambda p: p.sen_provision),
    Column("SEN status", lambda p: p.sen_provision_label),
]
PRIMARY_NEED: list[Column[Pupil]] = [
    Column("Primary need code", lambda p: p.primary_need),
    Column("Primary need", lambda p: p.primary_need_label),
]
REGISTER_NEEDS: list[Column[Pupil]] = [
    Column("SEN status since", _status_since),
    Column("Primary need code", _need(1, label=False)),
    Column("Primary need", _need(1, label=True)),
    Column("Secondary need code", _need(2, label=False)),
    Column("Secondary need", _need(2, label=True)),
    Column("Further needs", _further_needs),
]
# Only for roles that may see them (access "pupil.sensitive_flags").
FLAGS: list[Column[Pupil]] = [
    Column("Pupil premium", lambda p: p.pupil_premium),
    Column("Free school meals", lambda p: p.free_school_meals),
    Column("EAL", lambda p: p.eal),
    Column("Looked after", lambda p: p.get_looked_after_display()),
]


def download(fmt: str, stem: str, title: str, columns: Sequence[Column], pupils) -> HttpResponse:
    """The download: named by the school's URN and the date, never by a pupil or a search."""
    headings, rows = table(columns, pupils)
    body = xlsx_bytes(headings, rows, title) if fmt == "xlsx" else csv_bytes(headings, rows)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    filename = f"{stem}-{access.today().isoformat()}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


@login_required
@require_GET
@never_cache
def pupil_list(request, fmt: str):
    """The pupils list (/pupils/) with the same search, every page of it, on roll only."""
    school = request.school
    if school is None:
        return render(request, "pupils/no_school.html", status=404)
    form = PupilSearchForm(request.GET)
    pupils = access.pupils_visible_to(request.user, school)
    if form.is_valid():
        pupils = search(pupils, form.cleaned_data["q"])
    shown = list(pupils.on_roll().prefetch_related(_current_classes(school)).order_by(*ORDER))
    columns = DETAILS + PRIMARY_NEED
    if access.can(request.user, "pupil.sensitive_flags", school):
        columns += FLAGS
    response = download(fmt, f"pupils-{school.urn}", "Pupils", columns, shown)
    log.read_list(request.user, "pupil.exported", school, shown)
    return response


@login_required
@require_GET
@never_cache
def register(request, fmt: str):
    """The whole SEN register (SEN support and EHC plans, legacy codes as the census counts them),
    for "register.export", after re-authentication."""
    school = access.current_school(request, "register.export")
    require_recent_sign_in(request)
    pupils = (
        access.pupils_visible_to(request.user, school)
        .on_roll()
        .filter(sen_provision__in=census.REGISTER_CODES)
    )
    return register_download(request.user, school, pupils, fmt)


def register_download(user, school, pupils, fmt: str) -> HttpResponse:
    """These register pupils (already reached through `access`) as a file with the register's
    columns, recorded in the audit log: the whole register here, a selection on /register/."""
    shown = list(
        pupils.prefetch_related(_current_classes(school), "sen_needs", "sen_statuses").order_by(
            *ORDER
        )
    )
    columns = DETAILS + REGISTER_NEEDS
    if access.can(user, "pupil.sensitive_flags", school):
        columns += FLAGS
    response = download(fmt, f"sen-register-{school.urn}", "SEN register", columns, shown)
    log.read_list(user, "pupil.exported", school, shown)
    return response
