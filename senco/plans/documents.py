"""A plan in plain English, and the plan and each review as PDF and Word documents (issue 7).

Every view reaches the pupil through `access.get_pupil` (404 when not visible) and asks
`access.require` for the action (403 when visible but not allowed). A cycle is looked up among
the pupil's own plans, so a cycle of another pupil answers 404 like a pupil one may not see.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from senco import access
from senco.audit import log
from senco.documents import docx as word
from senco.documents import pdf
from senco.plans import plain_english, queries, services
from senco.plans.models import Cycle, Plan

PARENT_HEADINGS = {
    "goals": "What we are working on with {name}",
    "measures": "How we will know",
    "strategies": "What school will do",
    "provision": "Who helps and how often",
    "review": "When we will next meet to review it",
    "reviews": "How it has gone",
}


def target() -> int:
    """The reading ease the parents' version should reach (setting SENCO_PLAIN_ENGLISH_TARGET)."""
    return int(getattr(settings, "SENCO_PLAIN_ENGLISH_TARGET", plain_english.DEFAULT_TARGET))


def _cycles(plan: Plan):
    return plan.cycles.prefetch_related("outcomes", "provision_items")


def reviewed_cycles(plan: Plan) -> list[Cycle]:
    """The plan's reviewed cycles, newest first, with their outcomes."""
    return list(_cycles(plan).filter(status=Cycle.Status.REVIEWED).order_by("-number"))


def parent_context(pupil) -> dict:
    """What `plans/_parent_version.html` needs: the current plan, its current cycle and its
    reviews. `plan` is None when the pupil has no open plan."""
    plan = services.current_plan(pupil)
    if plan is None:
        return {"pupil": pupil, "plan": None, "cycle": None, "reviews": []}
    cycle = _cycles(plan).order_by("-number").first()
    return {"pupil": pupil, "plan": plan, "cycle": cycle, "reviews": reviewed_cycles(plan)}


def parent_sections(pupil, cycle: Cycle, reviews: list[Cycle]) -> list[tuple[str, str]]:
    """The parents' version as (heading, text) sections, the same words the partial shows."""
    outcomes = list(cycle.outcomes.all())
    provision = [f"{p.what}: {p.who}, {p.how_often}" for p in cycle.provision_items.all()]
    sections = [
        (
            PARENT_HEADINGS["goals"].format(name=pupil.first_name),
            plain_english.as_sentences(o.text for o in outcomes),
        ),
        (PARENT_HEADINGS["measures"], plain_english.as_sentences(o.measure for o in outcomes)),
        (PARENT_HEADINGS["strategies"], plain_english.as_sentences(cycle.strategy_list)),
        (PARENT_HEADINGS["provision"], plain_english.as_sentences(provision)),
    ]
    if reviews:
        last = reviews[0]
        said = [o.progress_evidence for o in last.outcomes.all()] + [last.review_notes]
        sections.append((PARENT_HEADINGS["reviews"], plain_english.as_sentences(said)))
    return [(title, text) for title, text in sections if text]


def _edit_url(pupil, cycle: Cycle | None) -> str:
    if cycle is None or cycle.is_locked:
        return ""
    try:
        return reverse(
            "pupils:plans:edit", kwargs={"public_id": pupil.public_id, "cycle_id": cycle.public_id}
        )
    except NoReverseMatch:
        return ""


@login_required
@require_GET
def plain_english_check(request, public_id):
    """The parents' version as a parent sees it, beside how easy it is to read."""
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="plan.write")
    log.read(request.user, "plan.plain_english_viewed", pupil)
    context = parent_context(pupil)
    if context["cycle"] is not None:
        context["report"] = plain_english.check(
            parent_sections(pupil, context["cycle"], context["reviews"]),
            target=target(),
            ignore=(pupil.first_name, pupil.last_name, pupil.legal_first_name),
        )
    context["target"] = target()
    context["edit_url"] = _edit_url(pupil, context["cycle"])
    return render(request, "plans/plain_english.html", context)


# Documents.


def filename(kind: str, pupil, extension: str) -> str:
    """No name in a file name: files are emailed and left in download folders."""
    return f"{kind}-{pupil.initials}-{access.today().isoformat()}.{extension}"


def evidence(user, pupil, cycle: Cycle) -> list[str]:
    """The evidence linked to the cycle as lines, as far as the user may read it."""
    found = queries.evidence(user, pupil, cycle)
    lines = [str(r) for r in found["results"]]
    if found["observations"]:
        lines.append(f"Observations: {found['observations']}")
    lines += [f"{c}: {c.get_area_display() or 'area not given'}" for c in found["concerns"]]
    lines += [
        f"{r.get_kind_display()} by {r.author}, dated {r.dated:%d/%m/%Y}" for r in found["reports"]
    ]
    return lines


def _plan_download(request, public_id):
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="plan.read")
    plan = services.current_plan(pupil)
    cycle = _cycles(plan).order_by("-number").first() if plan else None
    if plan is None or cycle is None:
        raise access.not_visible(request.user, pupil.school, "plan")
    log.read(request.user, "plan.downloaded", pupil, detail=f"cycle {cycle.number}")
    return pupil, plan, cycle


def _review_download(request, public_id, cycle_id):
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="plan.read")
    cycle = (
        Cycle.objects.filter(plan__in=pupil.plans.all(), public_id=cycle_id)
        .select_related("plan", "reviewed_by")
        .prefetch_related("outcomes")
        .first()
    )
    if cycle is None or not cycle.is_locked:
        raise access.not_visible(request.user, pupil.school, "plan review")
    following = cycle.plan.cycles.filter(number=cycle.number + 1).first()
    log.read(request.user, "plan.review_downloaded", pupil, detail=f"cycle {cycle.number}")
    return pupil, cycle, following


@login_required
@require_GET
def plan_pdf(request, public_id):
    pupil, plan, cycle = _plan_download(request, public_id)
    context = {
        "pupil": pupil,
        "plan": plan,
        "cycle": cycle,
        "evidence": evidence(request.user, pupil, cycle),
    }
    return pdf.pdf_response(
        request, "documents/plan.html", context, filename("plan", pupil, "pdf"), school=pupil.school
    )


@login_required
@require_GET
def plan_docx(request, public_id):
    pupil, plan, cycle = _plan_download(request, public_id)
    document = word.letterhead(
        request, pupil.school, f"{plan.get_kind_display()}: {pupil.full_name}"
    )
    word.paragraph(
        document,
        f"{pupil.year_group_label}. Cycle {cycle.number}, from {cycle.starts:%d/%m/%Y}; "
        f"to be reviewed by {cycle.review_on:%d/%m/%Y}.",
    )
    word.heading(document, "Outcomes")
    for outcome in cycle.outcomes.all():
        word.heading(document, f"Outcome {outcome.position}: {outcome.get_area_display()}", 3)
        word.paragraph(document, outcome.text)
        word.paragraph(document, f"Success measure: {outcome.measure}")
    word.heading(document, "Strategies for the class teacher")
    word.add_bullets(document, cycle.strategy_list or ["None written."])
    _provision_table(document, cycle)
    word.heading(document, "Review")
    word.paragraph(document, f"To be reviewed by {cycle.review_on:%d/%m/%Y}.")
    lines = evidence(request.user, pupil, cycle)
    if lines:
        word.heading(document, "Evidence")
        word.add_bullets(document, lines)
    return word.docx_response(document, filename("plan", pupil, "docx"))


def _provision_table(document, cycle: Cycle) -> None:
    word.heading(document, "Provision: who does what, and how often")
    items = list(cycle.provision_items.all())
    if not items:
        word.paragraph(document, "None recorded.")
        return
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("What", "Who", "How often"), strict=True):
        cell.text = text
    for item in items:
        row = table.add_row().cells
        for cell, text in zip(row, (item.what, item.who, item.how_often), strict=True):
            cell.text = word.NOT_XML.sub("", text)


@login_required
@require_GET
def review_pdf(request, public_id, cycle_id):
    pupil, cycle, following = _review_download(request, public_id, cycle_id)
    context = {"pupil": pupil, "plan": cycle.plan, "cycle": cycle, "following": following}
    return pdf.pdf_response(
        request,
        "documents/review.html",
        context,
        filename(f"review-{cycle.number}", pupil, "pdf"),
        school=pupil.school,
    )


@login_required
@require_GET
def review_docx(request, public_id, cycle_id):
    pupil, cycle, following = _review_download(request, public_id, cycle_id)
    assert cycle.reviewed_on is not None
    document = word.letterhead(
        request, pupil.school, f"Review of {cycle.plan.get_kind_display()}: {pupil.full_name}"
    )
    word.paragraph(
        document,
        f"{pupil.year_group_label}. Cycle {cycle.number}, from {cycle.starts:%d/%m/%Y}; "
        f"reviewed on {cycle.reviewed_on:%d/%m/%Y}"
        + (f" by {_name(cycle.reviewed_by)}." if cycle.reviewed_by else "."),
    )
    word.heading(document, "Progress on each outcome")
    for outcome in cycle.outcomes.all():
        word.heading(document, f"Outcome {outcome.position}: {outcome.get_area_display()}", 3)
        word.paragraph(document, outcome.text)
        word.paragraph(document, f"Success measure: {outcome.measure}")
        word.paragraph(document, f"Progress: {outcome.progress_label or 'not recorded'}")
        if outcome.progress_evidence:
            word.paragraph(document, f"Evidence: {outcome.progress_evidence}")
    word.add_section(document, "The pupil's view", cycle.pupil_view or "Not recorded.")
    word.add_section(document, "The parents' view", cycle.parent_view or "Not recorded.")
    word.heading(document, "Decision")
    word.paragraph(document, cycle.get_decision_display())
    word.add_section(document, "What was agreed", cycle.review_notes)
    word.heading(document, "Next review")
    word.paragraph(document, _next_review(following))
    return word.docx_response(document, filename(f"review-{cycle.number}", pupil, "docx"))


def _name(user) -> str:
    return user.get_full_name() or user.username


def _next_review(following: Cycle | None) -> str:
    if following is None:
        return "None: the plan ended at this review."
    return f"By {following.review_on:%d/%m/%Y} (cycle {following.number})."
