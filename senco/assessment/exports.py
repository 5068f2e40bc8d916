"""An assessment's results as a spreadsheet: every result of the type for the pupils the user may
see, oldest first, formula-safe (docs/exports.md)."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from senco import access
from senco.assessment.models import Result
from senco.assessment.views import _type_of
from senco.audit import log
from senco.interop.spreadsheets import Column
from senco.pupils.exports import download

COLUMNS: list[Column[Result]] = [
    Column("UPN", lambda r: r.pupil.upn),
    Column("Legal first name", lambda r: r.pupil.legal_first_name),
    Column("Legal last name", lambda r: r.pupil.legal_last_name),
    Column("Year group", lambda r: r.pupil.year_group_label),
    Column("SEN status code", lambda r: r.pupil.sen_provision),
    Column("Assessment", lambda r: r.assessment_type.name),
    Column("Date", lambda r: r.taken_on),
    Column("Result", lambda r: r.display),
    Column("Score", lambda r: r.score),
    Column("Age in months", lambda r: r.months),
]


@login_required
@require_GET
@never_cache
def results(request, public_id, fmt: str):
    school = access.current_school(request, "assessment.record")
    assessment_type = _type_of(request, school, public_id)
    shown = list(
        access.results_visible_to(request.user, school, assessment_type)
        .select_related("pupil", "assessment_type")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pupil_id", "taken_on")
    )
    stem = f"results-{school.urn}-{assessment_type.kind}"
    response = download(fmt, stem, "Results", COLUMNS, shown)
    log.read_list(request.user, "pupil.exported", school, {r.pupil for r in shown})
    return response
