import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from senco import access
from senco.accounts.adapter import require_recent_sign_in
from senco.audit import log
from senco.forms import add_errors
from senco.interop import ctf, services, tasks, transfers
from senco.interop.forms import (
    DestinationForm,
    KindForm,
    MappingForm,
    TransferChoiceForm,
    UploadForm,
)
from senco.interop.framework import APPLIED, KINDS, OUTCOMES, auto_mapping
from senco.interop.mis import entry_text
from senco.interop.models import ImportRun
from senco.interop.tabular import FileRefused
from senco.schools.calendar import academic_year_start, census_days


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request):
    school = access.current_school(request, "imports.run")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > services.max_bytes():
            form.add_error(
                "file",
                f"The file is {upload.size / 1_000_000:.1f} MB; the largest accepted is "
                f"{settings.SENCO_IMPORT_MAX_MB} MB.",
            )
        else:
            try:
                run = services.upload(request.user, school, upload.name, upload.read())
            except FileRefused as e:
                form.add_error("file", str(e))
            else:
                return redirect("interop:detail", public_id=run.public_id)
    runs = ImportRun.objects.filter(school=school).select_related("created_by")
    page = Paginator(runs, settings.SENCO_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "kinds": KINDS.values(),
        "may_send_ctf": access.can(request.user, "ctf.export", school),
    }
    return render(request, "interop/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request, public_id):
    school = access.current_school(request, "imports.run")
    run = get_object_or_404(
        ImportRun.objects.select_related("created_by"), school=school, public_id=public_id
    )
    step = request.POST.get("step", "")
    kind_form = KindForm(
        request.POST if step == "kind" else request.GET or None, initial={"kind": run.kind}
    )
    kind = KINDS.get(run.kind)
    if kind_form.is_valid():
        kind = KINDS[kind_form.cleaned_data["kind"]]
    mapping_form = None
    if kind is not None:
        initial = run.mapping if kind.key == run.kind else None
        mapping_form = MappingForm(
            request.POST if step == "columns" else None,
            kind=kind,
            headings=run.headings,
            initial=initial or auto_mapping(kind, run.headings),
        )
    if (
        step == "columns"
        and mapping_form is not None
        and mapping_form.is_valid()
        and not run.running
    ):
        access.require(request.user, mapping_form.kind.action, school)
        try:
            services.choose_columns(run, mapping_form.kind.key, mapping_form.mapping())
        except ValidationError as e:
            add_errors(mapping_form, e)
        else:
            if services.claim(run, None, ImportRun.Status.CHECKING):
                tasks.check_import.enqueue(run.pk)
            return redirect("interop:detail", public_id=run.public_id)
    if step == "apply" and run.status == ImportRun.Status.CHECKED:
        access.require(request.user, KINDS[run.kind].action, school)
        if services.claim(run, ImportRun.Status.CHECKED, ImportRun.Status.APPLYING):
            tasks.apply_import.enqueue(run.pk, request.user.pk)
        return redirect("interop:detail", public_id=run.public_id)
    if step == "apply":
        messages.error(request, "Check the file first: only a checked file can be applied.")
    rows = _report_rows(request.user, school, run)
    context = {
        "run": run,
        "rows": rows,
        "kind": KINDS.get(run.kind),
        "kind_form": kind_form,
        "mapping_form": mapping_form,
        "outcomes": APPLIED if run.status == ImportRun.Status.APPLIED else OUTCOMES,
        "report": run.report,
    }
    return render(request, "interop/detail.html", context)


HIDDEN_ROW = "A pupil whose record you may not see"


def _report_rows(user, school, run: ImportRun) -> list[dict]:
    """The report's rows as this person may see them: a row about a pupil they may not see
    (a confidential record) keeps its outcome and loses its details. Showing the rest is a read
    of those pupils."""
    labels = KINDS[run.kind].labels if run.kind in KINDS else {}
    stored = run.report.get("rows", [])
    named = {row["pupil"] for row in stored if row.get("pupil")}
    visible = access.pupils_visible_to(user, school).filter(public_id__in=named)
    seen = {str(p.public_id): p for p in visible}
    log.read_list(user, "pupil.listed", school, seen.values())
    rows = []
    for row in stored:
        if row.get("pupil") and row["pupil"] not in seen:
            rows.append({**row, "label": HIDDEN_ROW, "messages": [], "warnings": [], "changes": []})
            continue
        changes = [(labels.get(k, k), old, new) for k, (old, new) in row["changes"].items()]
        rows.append({**row, "changes": changes})
    return rows


@login_required
def discrepancies(request):
    """Where the MIS and OpenSENCO still disagree on SEN status or needs, from the latest SEN
    import: the SENCO settles each before census day (DESIGN.md, "Data rules")."""
    school = access.current_school(request, "imports.run")
    run = (
        ImportRun.objects.filter(school=school, kind="sen")
        .filter(status__in=[ImportRun.Status.APPLIED, ImportRun.Status.CHECKED])
        .first()
    )
    listed = {d["pupil"]: d for d in (run.report.get("discrepancies", []) if run else [])}
    pupils = (
        access.pupils_visible_to(request.user, school)
        .filter(public_id__in=list(listed))
        .with_open_needs()
        .order_by("legal_last_name", "legal_first_name")
    )
    rows = []
    for pupil in pupils:
        ours = entry_text(pupil.sen_provision, [n.need for n in pupil.open_needs])
        theirs = listed[str(pupil.public_id)]["mis"]
        if ours != theirs:
            rows.append((pupil, ours, theirs))
    log.read_list(request.user, "pupil.listed", school, [p for p, _, _ in rows])
    today = access.today()
    census_day = next(
        d for y in (academic_year_start(today), academic_year_start(today) + 1)
        for d in census_days(y) if d >= today
    )  # fmt: skip
    context = {
        "run": run,
        "rows": rows,
        "census_day": census_day,
        "may_change": access.can(request.user, "register.change", school),
    }
    return render(request, "interop/discrepancies.html", context)


def _ctf_download(request, school, pupils, destination: ctf.Establishment) -> HttpResponse:
    """The CTF for these pupils, named as the DfE names them; one audit entry naming each."""
    contacts = access.transfer_contacts_visible_to(request.user, school)
    transfer = transfers.transfer_of(school, pupils, contacts, destination)
    response = HttpResponse(ctf.write(transfer), content_type="application/xml")
    name = transfers.filename(transfer.header)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    log.read_list(request.user, "pupil.transferred_out", school, list(pupils))
    return response


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def transfer_out(request):
    """A Common Transfer File for leavers, a year group or pupils by UPN."""
    school = access.current_school(request, "ctf.export")
    form = TransferChoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pupils = _chosen(request.user, school, form)
        if pupils is not None:
            require_recent_sign_in(request)
            return _ctf_download(request, school, pupils, form.destination())
    return render(request, "interop/transfer_out.html", {"form": form})


def _chosen(user, school, form):
    """The pupils the form chose, of those the user may see; None with the form told why."""
    data = form.cleaned_data
    pupils = access.pupils_visible_to(user, school).order_by("legal_last_name", "pk")
    if data["which"] == "leavers":
        today = access.today()
        window = dt.timedelta(days=60)
        pupils = pupils.filter(left_on__gte=today - window, left_on__lte=today + window)
    elif data["which"] == "year_group":
        pupils = pupils.on_roll().filter(year_group=data["year_group"])
    else:
        pupils = pupils.filter(upn__in=data["upn_list"])
        found = set(pupils.values_list("upn", flat=True))
        missing = [u for u in data["upn_list"] if u not in found]
        if missing:
            shown = ", ".join(u[:13] for u in missing[:5]) + (" ..." if len(missing) > 5 else "")
            form.add_error("upns", f"No pupil you may see has the UPN {shown}.")
            return None
    if not pupils.exists():
        form.add_error("which", "No pupils match that choice: there is nothing to send.")
        return None
    return pupils


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def transfer_pupil(request, public_id):
    """A Common Transfer File for one pupil, from their record."""
    pupil = access.get_pupil(request.user, public_id)
    access.require(request.user, "ctf.export", pupil)
    form = DestinationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pupils = access.pupils_visible_to(request.user, pupil.school).filter(pk=pupil.pk)
        return _ctf_download(request, pupil.school, pupils, form.destination())
    return render(request, "interop/transfer_pupil.html", {"form": form, "pupil": pupil})
