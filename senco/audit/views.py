import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils import timezone

from senco import access
from senco.accounts.models import User
from senco.audit import log
from senco.audit.forms import AuditFilterForm
from senco.audit.models import AuditEntry, AuditPupil
from senco.paging import OpenPage


@dataclass
class Row:
    entry: AuditEntry
    label: str
    pupil_public_id: uuid.UUID | None
    confidential: bool = False
    changed: list[tuple[str, str, str]] = field(default_factory=list)


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "\N{EN DASH}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_shown(v) for v in value)
    return str(value)


def _day_starts(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def filtered(entries: QuerySet, data: dict) -> QuerySet:
    """The entries that match the form's filters; each one an indexed column or join."""
    if pupil := data.get("pupil"):
        # A union of two index lookups: an OR across them would scan the school's whole log.
        about = AuditEntry.objects.filter(pupil_id=pupil.pk).order_by().values("pk")
        named = AuditPupil.objects.filter(pupil_id=pupil.pk).order_by().values("entry_id")
        entries = entries.filter(pk__in=about.union(named))
    if person := data.get("person"):
        ids = list(User.objects.filter(username__iexact=person).values_list("pk", flat=True))
        # A person whose account has gone is found by the name the entries kept.
        entries = entries.filter(actor_id__in=ids) if ids else entries.filter(actor_label=person)
    if action := data.get("action"):
        entries = entries.filter(action=action)
    if kind := data.get("kind"):
        entries = entries.filter(kind=kind)
    if starts := data.get("starts"):
        entries = entries.filter(at__gte=_day_starts(starts))
    if ends := data.get("ends"):
        entries = entries.filter(at__lt=_day_starts(ends + dt.timedelta(days=1)))
    return entries


def _rows(user, school, entries) -> list[Row]:
    """The page's entries with their labels; the pupils' public ids in one query, and only for
    pupils the viewer may still see."""
    pupil_ids = {e.pupil_id for e in entries if e.pupil_id}
    confidential = access.confidential_from(user, pupil_ids)
    public_ids = dict(
        access.pupils_visible_to(user, school)
        .filter(pk__in=pupil_ids)
        .values_list("pk", "public_id")
    )
    return [
        Row(
            entry=e,
            label=log.ACTIONS.get(e.action, e.action),
            pupil_public_id=public_ids.get(e.pupil_id),
            confidential=e.pupil_id in confidential,
            changed=[
                (name, _shown(before), _shown(after)) for name, before, after in e.changed_fields()
            ]
            if e.kind == AuditEntry.Kind.CHANGE and e.pupil_id not in confidential
            else [],
        )
        for e in entries
    ]


@login_required
def audit_log(request):
    school = access.current_school(request, "audit.view")
    form = AuditFilterForm(request.GET, pupils=access.pupils_visible_to(request.user, school))
    valid = form.is_valid()
    entries: QuerySet = AuditEntry.objects.filter(school_id=school.pk)
    entries = filtered(entries, form.cleaned_data) if valid else entries.none()
    page = OpenPage(
        entries.order_by("-at", "-id"), request.GET.get("page"), settings.SENCO_PAGE_SIZE
    )
    rows = _rows(request.user, school, page.object_list)
    pupil = form.cleaned_data.get("pupil") if valid else None
    detail = form.described() if valid else "Filters with errors"
    log.read(request.user, "audit.viewed", pupil, school=school, detail=detail)
    return render(
        request, "audit/log.html", {"form": form, "page": page, "rows": rows, "pupil": pupil}
    )
