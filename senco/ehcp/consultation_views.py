"""LA consultations: the list (those still to answer first), recording one and answering it.
Read by those who follow the caseload (`ehcp.caseload`), changed by the SEN leads
(`ehcp.manage`). A consultation is the school's, not a pupil's: it is looked up through
`access.la_consultations_visible_to`, so another school's answers 404."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, F, When
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from senco import access
from senco.audit import log
from senco.ehcp.consultation_forms import AnswerForm, ConsultationForm
from senco.ehcp.models import LAConsultation
from senco.ehcp.services import consultations as services
from senco.forms import add_errors
from senco.schools.calendar import year_group_label


def _consultation(request, school, consultation_id) -> LAConsultation:
    found = (
        access.la_consultations_visible_to(request.user, school)
        .select_related("pupil")
        .filter(public_id=consultation_id)
        .first()
    )
    if found is None:
        raise access.not_visible(request.user, school, f"LA consultation {consultation_id}")
    return found


@dataclass(frozen=True)
class Shown:
    """A consultation as the pages show it: the answer-by date, the days left (negative once
    overdue), whether the school still owes its answer (asking the LA for more information is
    not an answer: the day it did is `more_information_on`), whether the answer came in time,
    the answer and the year group in words."""

    consultation: LAConsultation
    answer_by: dt.date
    days_left: int
    still_to_answer: bool
    more_information_on: dt.date | None
    in_time: bool | None
    answer_label: str
    year_label: str

    @property
    def days_overdue(self) -> int:
        return -self.days_left


def _shown(consultation: LAConsultation, today: dt.date) -> Shown:
    answer_by = services.answer_by(consultation)
    year = consultation.year_group
    return Shown(
        consultation,
        answer_by,
        (answer_by - today).days,
        services.still_to_answer(consultation),
        services.more_information_asked_on(consultation),
        services.answered_in_time(consultation),
        services.ANSWERED.get(consultation.answer, ""),
        "" if year is None else year_group_label(year),
    )


def _to_detail(consultation: LAConsultation):
    return redirect("ehcp:consultation", consultation_id=consultation.public_id)


@login_required
@require_GET
def consultation_list(request):
    """Those still to answer first (more information asked for included), the oldest (the
    soonest to answer) at the top; then the answered, the latest first."""
    school = access.current_school(request, "ehcp.caseload")
    found = access.la_consultations_visible_to(request.user, school).select_related("pupil")
    # Those still to answer have no "answered" day to sort by: they come first, by arrival.
    answered = Case(When(services.STILL_TO_ANSWER, then=None), default=F("answered_on"))
    found = found.order_by(answered.desc(nulls_first=True), "received_on", "pk")
    page = Paginator(found, settings.SENCO_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [_shown(c, access.today()) for c in page.object_list]
    pupils = [c.pupil for c in page.object_list if c.pupil is not None]
    log.read_list(request.user, "ehcp.consultations_listed", school, pupils)
    context = {
        "page": page,
        "rows": rows,
        "may_manage": access.can(request.user, "ehcp.manage", school),
    }
    return render(request, "ehcp/consultations.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def consultation_new(request):
    school = access.current_school(request, "ehcp.manage")
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.record_consultation(
                school, by=request.user, **form.cleaned_data
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, "Consultation recorded: answer it within 15 days.")
            return _to_detail(consultation)
    return render(request, "ehcp/consultation_new.html", {"form": form})


def _answer_initial(consultation: LAConsultation) -> dict:
    """The answer as saved (today's date for one still to give), at the version it is at."""
    still = services.still_to_answer(consultation)
    return {
        "answer": consultation.answer,
        "answered_on": access.today() if still else consultation.answered_on,
        "reasons": consultation.reasons,
        "version": consultation.version,
    }


@login_required
@require_http_methods(["GET", "POST"])
def consultation_detail(request, consultation_id):
    """The consultation, its answer-by date and whether it was met; the SEN leads answer it
    here (a POST needs `ehcp.manage`)."""
    school = access.current_school(request, "ehcp.caseload")
    if request.method == "POST":
        access.require(request.user, "ehcp.manage", school)
    consultation = _consultation(request, school, consultation_id)
    may_manage = access.can(request.user, "ehcp.manage", school)
    initial = _answer_initial(consultation)
    form = AnswerForm(request.POST or None, initial=initial) if may_manage else None
    if request.method == "POST" and form is not None and form.is_valid():
        given = dict(form.cleaned_data)
        opened_at = given.pop("version")
        try:
            services.answer_consultation(
                consultation, by=request.user, expected_version=opened_at, **given
            )
        except ValidationError as e:
            consultation.refresh_from_db()
            if consultation.version != opened_at:  # someone answered since: show their answer
                form = AnswerForm.as_saved(_answer_initial(consultation), e)
            else:
                add_errors(form, e)
        else:
            messages.success(request, "Answer recorded.")
            return _to_detail(consultation)
    log.read(
        request.user,
        "ehcp.consultation_viewed",
        consultation.pupil,
        school=school,
        detail=str(consultation),
    )
    context = {
        "consultation": consultation,
        "shown": _shown(consultation, access.today()),
        "form": form,
    }
    return render(request, "ehcp/consultation.html", context)
