"""Reports from outside the school (an educational psychologist's, a speech and language
therapist's) on a pupil's record: listed and added on one page, each file read through an
access-checked view that writes the read to the audit log."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from senco import access
from senco.audit import log
from senco.forms import add_errors
from senco.pupils import services
from senco.pupils.report_forms import ReportForm


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request, public_id):
    """The pupil's reports, newest first, and the form that adds one."""
    action = "reports.add" if request.method == "POST" else "reports.read"
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires=action)
    log.read(request.user, "pupil.viewed", pupil, detail="reports from outside")
    form = ReportForm(request.POST or None, request.FILES or None, pupil=pupil)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.add_report(
                pupil,
                kind=form.cleaned_data["kind"],
                author=form.cleaned_data["author"],
                dated=form.cleaned_data["dated"],
                document=form.cleaned_data["file"],
                by=request.user,
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, f"Added the {report.get_kind_display().lower()} report.")
            return redirect("pupils:reports", public_id=pupil.public_id)
    reports = pupil.reports.select_related("uploaded_by").order_by("-dated", "-uploaded_at", "-pk")
    context = {
        "pupil": pupil,
        "form": form,
        "page": Paginator(reports, settings.SENCO_PAGE_SIZE).get_page(request.GET.get("page")),
        "may_add": access.can(request.user, "reports.add", pupil),
    }
    return render(request, "pupils/reports.html", context)


@login_required
@require_http_methods(["GET"])
def report(request, public_id, report_id):
    """One report's file, as an attachment: never shown inline, never cached."""
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="reports.read")
    found = pupil.reports.filter(public_id=report_id).first()
    if found is None:
        raise access.not_visible(request.user, pupil.school, f"report {report_id}")
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404(access.NOT_VISIBLE) from None
    log.read(request.user, "report.viewed", pupil, detail=f"{found}: {found.filename}")
    response = FileResponse(
        handle, as_attachment=True, filename=found.filename, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
