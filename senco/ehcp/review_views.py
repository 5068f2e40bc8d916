"""Annual reviews of a pupil's EHC plan, page by page: date the meeting, invite, ask for
contributions, circulate the paperwork, record the meeting, send the report, record the LA's
decision.

Every view reaches the pupil through `access.get_pupil` (404 when not visible, 403 when the
action is not allowed: `ehcp.caseload` to read a review, `ehcp.manage` to change one); the plan
and the review are then looked up through that pupil, so another pupil's review answers 404.
"""

from collections.abc import Callable, Collection, Iterable
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from senco import access
from senco.audit import log
from senco.ehcp import review_forms as forms
from senco.ehcp.models import SECTIONS, AnnualReview, EHCPlan, ReviewInvitee
from senco.ehcp.services import reviews
from senco.forms import add_errors

Status = AnnualReview.Status
T = TypeVar("T")
# The review's documents, by the name in their address (see review_documents.py).
DOCUMENTS = {
    "invitation": "Invitation to an annual review meeting",
    "contribution-request": "Request for a contribution to an annual review",
    "paperwork-pack": "Annual review paperwork pack",
    "review-report": "Annual review report",
}
PAPERWORK = "Paperwork circulated on"
REPORT = "Report sent to the LA and everyone invited on"


def get_review(request, public_id, review_id, action: str) -> AnnualReview:
    """A review of one of the pupil's plans, the pupil reached through the gate."""
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires=action)
    review = reviews.review_of(pupil, review_id)
    if review is None:
        raise access.not_visible(request.user, pupil.school, f"annual review {review_id}")
    review.plan.pupil = pupil
    return review


def _plan(request, public_id, plan_id) -> EHCPlan:
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="ehcp.manage")
    plan = pupil.ehc_plans.filter(public_id=plan_id).first()
    if plan is None:
        raise access.not_visible(request.user, pupil.school, f"ehc plan {plan_id}")
    plan.pupil = pupil
    return plan


def _to_review(review: AnnualReview):
    return redirect(
        "pupils:ehcp:review", public_id=review.plan.pupil.public_id, review_id=review.public_id
    )


def _refuse_unless(request, review: AnnualReview, allowed: Collection[str], doing: str):
    """A review no longer in a state the page is for: back to it, saying why."""
    if review.status in allowed:
        return None
    state = review.get_status_display().lower()
    messages.error(request, f"This review's status is “{state}”: it cannot {doing} now.")
    return _to_review(review)


def _done(request, review: AnnualReview, step: str, message: str):
    """Back to the review with what was done. What about it was late is not flashed with it
    (the site's messages are one green banner): the review's page shows it in its own box,
    and the message points there."""
    if step in reviews.warnings(review):
        message += " It was late or at short notice: see “Steps late or at short notice”."
    messages.success(request, message)
    return _to_review(review)


def _submit(form, change: Callable[[], T]) -> T | None:
    """What the service's change gave, once the form is valid; None when the form is not, or
    the service refused (its reasons then on the form, each at its field)."""
    if not form.is_valid():
        return None
    try:
        return change()
    except ValidationError as e:
        add_errors(form, e)
        return None


def _versioned(data: dict) -> dict:
    """A form's cleaned data as a service takes it: the version as `expected_version`."""
    return {k: v for k, v in data.items() if k != "version"} | {"expected_version": data["version"]}


def _initial(review: AnnualReview, fields: Iterable[str]) -> dict:
    return {field: getattr(review, field) for field in fields} | {"version": review.version}


def _context(review: AnnualReview, **more) -> dict:
    plan = review.plan
    return {"pupil": plan.pupil, "plan": plan, "review": review, "dates": reviews.dates(review),
            "before_meeting": review.status in reviews.BEFORE_MEETING,
            **more}  # fmt: skip


def _sent_on(data, review: AnnualReview, prefix: str, label: str) -> forms.SentOnForm:
    initial = {"sent_on": access.today(), "version": review.version}
    return forms.SentOnForm(data, label=label, prefix=prefix, initial=initial)


# Dating the meeting.


@login_required
@require_http_methods(["GET", "POST"])
def review_new(request, public_id, plan_id):
    plan = _plan(request, public_id, plan_id)
    today = access.today()
    initial = {"is_phase_transfer": reviews.names_next_school(plan, today)}
    form = forms.ArrangementsForm(request.POST or None, initial=initial)
    if request.method == "POST" and (
        review := _submit(
            form,
            lambda: reviews.date_review(plan, by=request.user, arrangements=form.arrangements()),
        )
    ):
        return _done(request, review, "meeting", "Annual review dated. Invite people next.")
    log.read(request.user, "ehcp.review_viewed", plan.pupil)
    context = {
        "pupil": plan.pupil,
        "plan": plan,
        "form": form,
        "due": reviews.review_due(plan),
        "phase_deadline": reviews.phase_transfer_deadline(plan),
        "open_review": plan.reviews.open().first(),
        "lead_days": reviews.PHASE_TRANSFER_LEAD.days,
    }
    return render(request, "ehcp/review_arrangements.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review_change(request, public_id, review_id):
    review = get_review(request, public_id, review_id, "ehcp.manage")
    if refused := _refuse_unless(request, review, reviews.BEFORE_MEETING, "be moved"):
        return refused
    initial = _initial(review, reviews.ARRANGEMENTS)
    form = forms.MoveForm(request.POST or None, initial=initial)
    if request.method == "POST" and (
        moved := _submit(
            form,
            lambda: reviews.move_review(
                review, by=request.user, arrangements=form.arrangements(),
                expected_version=form.cleaned_data["version"],
            ),
        )
    ):  # fmt: skip
        again = " Send the invitations again." if review.invitations_sent_on else ""
        return _done(request, moved, "meeting", f"The meeting is changed.{again}")
    log.read(request.user, "ehcp.review_viewed", review.plan.pupil)
    context = _context(
        review, form=form, phase_deadline=reviews.phase_transfer_deadline(review.plan),
        lead_days=reviews.PHASE_TRANSFER_LEAD.days,
    )  # fmt: skip
    return render(request, "ehcp/review_arrangements.html", context)


# The review.


def _review_page(request, review: AnnualReview, *, paperwork=None, report=None):
    """The whole review; the paperwork and report forms sit on it (given bound, with their
    errors, when a POST to them was refused)."""
    pupil, plan = review.plan.pupil, review.plan
    log.read(request.user, "ehcp.review_viewed", pupil)
    today = access.today()
    invitees = reviews.invitees_as_seen_by(request.user, review)
    removed = reviews.invitees_as_seen_by(request.user, review, removed=True)
    listed = [s.invitee for s in invitees]
    context = _context(
        review,
        today=today,
        invitees=invitees,
        removed=removed,
        steps=reviews.steps(review, today, listed + [s.invitee for s in removed]),
        next_step=reviews.next_step(review, today, listed),
        moved=reviews.invited_before_a_move(review, listed),
        warnings=list(reviews.warnings(review, today).values()),
        progress=list(review.progress.select_related("outcome")),
        amendments=list(review.amendments.all()),
        amendment_dates=reviews.amendment_dates(review),
        phase_deadline=reviews.phase_transfer_deadline(plan),
        adulthood=reviews.takes_adulthood(pupil),
        may_manage=access.can(request.user, "ehcp.manage", pupil),
        paperwork_form=paperwork or _sent_on(None, review, "paperwork", PAPERWORK),
        report_form=report or _sent_on(None, review, "report", REPORT),
        documents=DOCUMENTS,
    )
    return render(request, "ehcp/review.html", context)


@login_required
@require_http_methods(["GET"])
def review(request, public_id, review_id):
    return _review_page(request, get_review(request, public_id, review_id, "ehcp.caseload"))


# Invitations and contributions.


def _invitee_rows(request, review: AnnualReview, listed) -> list[dict]:
    """The list as it stands (`listed`), each as the user may see them (`hidden`: a parent
    whose name they may not see, shown but not changed; `moved`: invited, if at all, before
    the meeting moved); else the first list offered."""
    if listed:
        moved = review.invitations_sent_on is None  # invited before a move, if at all
        return [
            {"id": s.invitee.pk, "kind": s.invitee.kind, "name": s.name, "email": s.email,
             "hidden": s.hidden, "invited_on": s.invitee.invited_on, "moved": moved}
            for s in listed
        ]  # fmt: skip
    suggested = reviews.suggested_invitees(request.user, review.plan)
    return [
        {"kind": i.kind, "name": i.name, "email": i.email, "contact": i.contact} for i in suggested
    ]


def _invited_message(done: reviews.Invited) -> str:
    if done.invited:
        message = (
            f"{done.invited} invited: {done.emailed} by email (it names the pupil by initials "
            f"only), {done.by_letter} by letter or by hand."
        )
    else:
        message = "The list is saved. Nobody new was invited: nobody was emailed."
    if done.not_invited:
        message += (
            f" Not invited yet, with no email address: {'; '.join(done.not_invited)}. Send "
            "them the invitation letter, then tick “Invitation sent by letter or by hand”."
        )
    return message


@login_required
@require_http_methods(["GET", "POST"])
def review_invite(request, public_id, review_id):
    review = get_review(request, public_id, review_id, "ehcp.manage")
    if refused := _refuse_unless(request, review, reviews.BEFORE_MEETING, "send invitations"):
        return refused
    data = request.POST or None
    listed = reviews.invitees_as_seen_by(request.user, review)
    rows = forms.invitee_formset(data, initial=_invitee_rows(request, review, listed))
    form = forms.InviteForm(
        data,
        initial={"version": review.version, "short_notice_reason": review.short_notice_reason},
    )
    if request.method == "POST" and rows.is_valid() and (
        done := _submit(
            form,
            lambda: reviews.send_invitations(
                review, by=request.user, invitees=forms.invitees_given(rows),
                short_notice_reason=form.cleaned_data["short_notice_reason"],
                expected_version=form.cleaned_data["version"],
            ),
        )
    ):  # fmt: skip
        return _done(request, done.review, "invitations", _invited_message(done))
    log.read(request.user, "ehcp.review_viewed", review.plan.pupil)
    today = access.today()
    short = today > reviews.dates(review)["invitations_by"] and review.meeting_on >= today
    moved = reviews.invited_before_a_move(review, [s.invitee for s in listed])
    context = _context(review, rows=rows, form=form, short_notice=short, today=today, moved=moved)
    return render(request, "ehcp/review_invite.html", context)


def _contribution_forms(request, review: AnnualReview, seen, step: str, today):
    chosen = [
        s.invitee for s in seen
        if s.invitee.contribution_requested_on is None
        and s.invitee.kind not in {ReviewInvitee.Kind.PARENT, ReviewInvitee.Kind.PUPIL}
    ]  # fmt: skip
    request_form = forms.ContributionsForm(
        request.POST if step == "request" else None,
        review=review,
        seen=seen,
        latest=reviews.latest_contributions_due(review, today),
        short_notice=reviews.contributions_at_short_notice(review, today),
        initial={
            "due_on": reviews.contributions_due_default(review, today),
            "invitees": chosen,
            "version": review.version,
        },
    )
    received_form = forms.ContributionReceivedForm(
        request.POST if step == "received" else None,
        review=review,
        seen=seen,
        initial={"received_on": today, "version": review.version},
    )
    return request_form, received_form


@login_required
@require_http_methods(["GET", "POST"])
def review_contributions(request, public_id, review_id):
    review = get_review(request, public_id, review_id, "ehcp.manage")
    step = request.POST.get("step", "request") if request.method == "POST" else ""
    seen = reviews.invitees_as_seen_by(request.user, review)
    today = access.today()
    request_form, received_form = _contribution_forms(request, review, seen, step, today)
    by = request.user
    if step == "received" and _submit(received_form, lambda: reviews.record_contribution(
        review, by=by, **_versioned(received_form.cleaned_data)
    )):  # fmt: skip
        chosen = received_form.cleaned_data["invitee"]
        name = next(s.name for s in seen if s.invitee.pk == chosen.pk)
        messages.success(request, f"Contribution from {name} recorded.")
        return redirect(request.path)
    if step == "request" and _submit(request_form, lambda: reviews.request_contributions(
        review, by=by, **_versioned(request_form.cleaned_data)
    )):  # fmt: skip
        messages.success(request, "Contributions requested. The request letter is below.")
        return redirect(request.path)
    log.read(request.user, "ehcp.review_viewed", review.plan.pupil)
    context = _context(
        review, request_form=request_form, received_form=received_form, invitees=seen,
        short_notice=reviews.contributions_at_short_notice(review, today), today=today,
        latest=reviews.latest_contributions_due(review, today),
        warning=reviews.warnings(review, today).get("contributions"),
    )  # fmt: skip
    return render(request, "ehcp/review_contributions.html", context)


# The paperwork and the report: forms on the review's page.


def _mark_sent(request, public_id, review_id, step: str, label: str, mark, message: str):
    """A day something went out (`step`: the paperwork or the report), from its form on the
    review's page; refused, the page comes back with the form's errors."""
    review = get_review(request, public_id, review_id, "ehcp.manage")
    form = _sent_on(request.POST, review, step, label)
    if sent := _submit(
        form, lambda: mark(review, by=request.user, **_versioned(form.cleaned_data))
    ):
        return _done(request, sent, step, message)
    return _review_page(request, review, **{step: form})


@login_required
@require_POST
def review_paperwork(request, public_id, review_id):
    return _mark_sent(
        request, public_id, review_id, "paperwork", PAPERWORK, reviews.circulate_paperwork,
        "The paperwork is marked circulated.",
    )  # fmt: skip


@login_required
@require_POST
def review_report(request, public_id, review_id):
    return _mark_sent(
        request, public_id, review_id, "report", REPORT, reviews.send_report,
        "The report is marked sent to the LA and everyone invited.",
    )  # fmt: skip


# The meeting record and the LA's decision.


def _record_initial(review: AnnualReview, seen) -> dict:
    initial = {
        "held_on": review.held_on or min(review.meeting_on, access.today()),
        "attended": [s.invitee for s in seen if s.invitee.attended],
        "version": review.version,
    }
    initial |= {field: getattr(review, field) for field in reviews.RECORD if field != "held_on"}
    for p in review.progress.all():
        initial[f"progress_{p.outcome_id}"] = p.progress
        initial[f"evidence_{p.outcome_id}"] = p.evidence
    return initial


def _recorded_message(was: AnnualReview, recorded: AnnualReview) -> str:
    """The record saved; held on another day than dated, the meeting's date changed with it."""
    if recorded.meeting_on == was.meeting_on:
        return "The meeting record is saved."
    dated, held = was.meeting_on, recorded.meeting_on
    now = reviews.long_date(held) if held.year != dated.year else f"{held.day} {held:%B}"
    return (
        f"The meeting record is saved. The meeting was dated {reviews.long_date(dated)} and "
        f"held on {reviews.long_date(held)}: its date is now {now}."
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_record(request, public_id, review_id):
    review = get_review(request, public_id, review_id, "ehcp.manage")
    allowed = {*reviews.BEFORE_MEETING, Status.HELD}
    if refused := _refuse_unless(request, review, allowed, "have its record changed"):
        return refused
    pupil = review.plan.pupil
    outcomes = reviews.outcomes_of(review.plan)
    adulthood = reviews.takes_adulthood(pupil)
    data = request.POST or None
    seen = reviews.invitees_as_seen_by(request.user, review)
    form = forms.RecordForm(
        data, review=review, seen=seen, outcomes=outcomes, adulthood=adulthood,
        initial=_record_initial(review, seen),
    )  # fmt: skip
    every_row = request.GET.get("rows") == "all"
    amendments = forms.amendment_formset(
        data,
        initial=[{"section": a.section, "text": a.text} for a in review.amendments.all()],
        every_row=every_row,
    )
    if request.method == "POST" and amendments.is_valid() and (
        recorded := _submit(
            form,
            lambda: reviews.record_meeting(
                review, by=request.user, record=form.record(amendments),
                expected_version=form.cleaned_data["version"],
            ),
        )
    ):  # fmt: skip
        return _done(request, recorded, "meeting", _recorded_message(review, recorded))
    log.read(request.user, "ehcp.review_viewed", pupil)
    context = _context(
        review, form=form, amendments=amendments, adulthood=adulthood,
        more_rows=not every_row and amendments.total_form_count() < reviews.MAX_AMENDMENTS,
        max_amendments=reviews.MAX_AMENDMENTS,
        sections=SECTIONS,
    )  # fmt: skip
    return render(request, "ehcp/review_record.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review_decision(request, public_id, review_id):
    review = get_review(request, public_id, review_id, "ehcp.manage")
    allowed = {Status.REPORTED, Status.DONE}
    if refused := _refuse_unless(request, review, allowed, "take the LA's decision"):
        return refused
    form = forms.DecisionForm(request.POST or None, initial=_initial(review, reviews.LA_DECISION))
    if request.method == "POST" and (
        decided := _submit(
            form,
            lambda: reviews.record_la_decision(
                review, by=request.user, decided=form.decided(),
                expected_version=form.cleaned_data["version"],
            ),
        )
    ):  # fmt: skip
        return _done(request, decided, "decision", "The LA's decision is recorded.")
    log.read(request.user, "ehcp.review_viewed", review.plan.pupil)
    context = _context(review, form=form, amendment_dates=reviews.amendment_dates(review))
    return render(request, "ehcp/review_decision.html", context)
