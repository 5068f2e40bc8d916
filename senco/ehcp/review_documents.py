"""An annual review's documents, as editable Word (DOCX) and as PDF: the invitation, the request
for a contribution, the paperwork pack and the review report.

Neutral, so any LA's own form can be filled from them: headed with the school's letterhead, no
LA's branding. Each document is written once, as a list of `Block`s (a heading, a paragraph,
a list, a table), which `documents/review_document.html` prints and `_docx` writes, so the two
formats never drift apart. File names carry the pupil's initials only. Who is invited is
written as the person downloading may see them (`reviews.invitees_as_seen_by`): a parent whose
contact is confidential from them is "A parent or carer"; those taken off the list are left out.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from senco import access
from senco.audit import log
from senco.documents import docx as word
from senco.documents import pdf
from senco.ehcp.models import SECTIONS, AnnualReview, PlanVersion
from senco.ehcp.review_views import DOCUMENTS, get_review
from senco.ehcp.services import plans, reviews

FORMATS = {"pdf", "docx"}


def _clean(text: object) -> str:
    return word.NOT_XML.sub("", str(text))


@dataclass(frozen=True)
class Block:
    """One piece of a document: `kind` is heading, text, meta, bullets or table."""

    kind: str
    text: str = ""
    level: int = 2
    items: Sequence[str] = ()
    header: Sequence[str] = ()
    rows: Sequence[Sequence[str]] = field(default_factory=tuple)


def heading(text: str, level: int = 2) -> Block:
    return Block("heading", _clean(text), level=level)


def text(value: str) -> Block:
    return Block("text", _clean(value))


def meta(value: str) -> Block:
    return Block("meta", _clean(value))


def bullets(items: Sequence[str]) -> Block:
    return Block("bullets", items=[_clean(i) for i in items])


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> Block:
    return Block("table", header=header, rows=[[_clean(c) for c in row] for row in rows])


def section(title: str, value: str, empty: str = "Not recorded.") -> list[Block]:
    return [heading(title), text(value.strip() or empty)]


def _day(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "not yet"


def _when(review: AnnualReview) -> str:
    time = f" at {review.meeting_time:%H:%M}" if review.meeting_time else ""
    place = f", {review.place}" if review.place else ""
    return f"{review.meeting_on:%A %d/%m/%Y}{time}{place}"


@dataclass
class Papers:
    """What the documents are written from: the review, its plan's current version and the
    review's people (as the reader may see them) and record, read once."""

    review: AnnualReview
    version: PlanVersion | None
    invitees: list[reviews.SeenInvitee] = field(default_factory=list)
    progress: list = field(default_factory=list)
    amendments: list = field(default_factory=list)

    @property
    def pupil(self):
        return self.review.plan.pupil

    @property
    def outcomes(self) -> list:
        return list(self.version.outcomes.all()) if self.version else []


def papers(review: AnnualReview, reader) -> Papers:
    version = plans.current_version(review.plan)
    return Papers(
        review=review,
        version=version,
        invitees=reviews.invitees_as_seen_by(reader, review),
        progress=list(review.progress.select_related("outcome")),
        amendments=list(review.amendments.all()),
    )


def _about(p: Papers) -> Block:
    pupil, plan = p.pupil, p.review.plan
    reference = f", reference {plan.la_reference}" if plan.la_reference else ""
    return meta(
        f"{pupil.full_name}, born {pupil.date_of_birth:%d/%m/%Y}, {pupil.year_group_label}. "
        f"EHC plan issued {plan.issued_on:%d/%m/%Y} by {plan.local_authority}{reference}."
    )


def _invited(p: Papers) -> list[str]:
    return [s.label for s in p.invitees]


def _outcome_lines(p: Papers) -> list[str]:
    return [
        f"Outcome {o.position} ({o.get_area_display()}): {o.text}"
        + (f" By when: {o.by_when}." if o.by_when else "")
        for o in p.outcomes
    ]


def invitation(p: Papers) -> list[Block]:
    review, pupil = p.review, p.pupil
    due = review.contributions_due_on or reviews.dates(review)["contributions_by"]
    return [
        _about(p),
        text("To: ______________________"),
        text(
            f"You are invited to the annual review of the education, health and care plan of "
            f"{pupil.full_name}, a pupil at {pupil.school.name}."
        ),
        heading("The meeting"),
        text(_when(review)),
        text(
            "Please tell the school whether you can come. If you cannot, please send your views "
            f"or advice before {due:%d/%m/%Y}, so they can be shared with everyone invited at "
            "least two weeks before the meeting."
        ),
        heading("Who is invited"),
        bullets(_invited(p) or ["The list is still being made."]),
    ]


ASKED_FOR = [
    "Progress towards each outcome in section E of the plan (below), with evidence.",
    "What has helped, and what has not.",
    "Any change the plan needs, naming its section (A to K).",
    "From Year 9: how the plan prepares for adulthood.",
]


def contribution_request(p: Papers) -> list[Block]:
    review = p.review
    due = review.contributions_due_on or reviews.dates(review)["contributions_by"]
    asked = [
        f"{s.label}, asked on {_day(s.invitee.contribution_requested_on)}"
        for s in p.invitees
        if s.invitee.contribution_requested_on
    ]
    return [
        _about(p),
        text("To: ______________________"),
        text(
            f"The annual review meeting is on {_when(review)}. Please send your contribution "
            f"(advice) to the school by {due:%d/%m/%Y}: it is circulated with the paperwork to "
            "everyone invited two weeks before the meeting."
        ),
        heading("What to tell us"),
        bullets(ASKED_FOR),
        heading("The outcomes in section E"),
        bullets(_outcome_lines(p) or ["None recorded."]),
        heading("Asked for a contribution"),
        bullets(asked or ["Nobody yet."]),
    ]


def _provision_table(p: Papers) -> Block:
    items = list(p.version.provision.all()) if p.version else []
    rows = [
        [i.what, i.who, f"{i.sessions.normalize():f} {i.get_per_display()}, {i.minutes} minutes",
         i.group_size or "-"]
        for i in items
    ]  # fmt: skip
    return table(["What", "By whom", "How often", "Group"], rows)


def _plan_sections(p: Papers) -> list[Block]:
    if p.version is None:
        return [text("No version of the plan is recorded.")]
    blocks = [meta(f"The plan's current version: {p.version}.")]
    for code, name in SECTIONS.items():
        blocks.append(heading(f"Section {code}: {name}", 3))
        if code == "E":
            blocks.append(bullets(_outcome_lines(p) or ["None recorded."]))
        elif code == "F":
            blocks.append(_provision_table(p))
        else:
            blocks.append(text(p.version.section(code) or "Nothing written."))
    return blocks


def _progress_rows(progress) -> list[list[str]]:
    return [
        [f"{r.outcome.position}: {r.outcome.text}", r.progress_label, r.evidence or "-"]
        for r in progress
    ]


def paperwork_pack(p: Papers) -> list[Block]:
    review = p.review
    received = [
        f"{s.label}, received {_day(s.invitee.contribution_received_on)}"
        for s in p.invitees
        if s.invitee.contribution_received_on
    ]
    before = reviews.last_held(review.plan, review)
    progress = list(before.progress.all()) if before else []
    said = f"At the review held on {_day(before.held_on)}" if before else "No review yet"
    return [
        _about(p),
        meta(f"For the annual review meeting on {_when(review)}."),
        heading("The plan as it stands"),
        *_plan_sections(p),
        *section("The pupil's view", review.pupil_view, "Not gathered yet."),
        *section("The parents' view", review.parent_view, "Not gathered yet."),
        heading("Contributions received"),
        bullets(received or ["None yet."]),
        heading("Progress so far"),
        meta(f"{said}."),
        table(["Outcome", "Progress", "Evidence"], _progress_rows(progress)),
    ]


def review_report(p: Papers) -> list[Block]:
    review = p.review
    came = [s.label for s in p.invitees if s.invitee.attended]
    by_section = [f"Section {a.section}: {a.text}" for a in p.amendments]
    blocks = [
        _about(p),
        meta(
            f"Meeting held on {_day(review.held_on)}. The report goes to the LA and everyone "
            f"invited by {reviews.dates(review)['school_report_by']:%d/%m/%Y}."
        ),
        heading("Invited"),
        bullets(_invited(p) or ["Nobody recorded."]),
        heading("Who came"),
        bullets(came or ["Not recorded."]),
        *section("The pupil's view", review.pupil_view),
        *section("The parents' view", review.parent_view),
        *section("The views of others", review.others_views),
        heading("Progress on each outcome"),
        table(["Outcome", "Progress", "Evidence"], _progress_rows(p.progress)),
        heading("Recommended amendments, by section"),
        bullets(by_section or ["None."]),
    ]
    if reviews.takes_adulthood(p.pupil) or review.preparing_for_adulthood:
        blocks += section("Preparing for adulthood", review.preparing_for_adulthood)
    blocks += [
        heading("The school recommends"),
        text(review.get_recommendation_display() or "Not recorded."),
        *section("What was agreed", review.agreed),
    ]
    return blocks


WRITERS: dict[str, Callable[[Papers], list[Block]]] = {
    "invitation": invitation,
    "contribution-request": contribution_request,
    "paperwork-pack": paperwork_pack,
    "review-report": review_report,
}


def filename(review: AnnualReview, document: str, fmt: str) -> str:
    """Initials only: files are emailed and left in download folders."""
    initials = review.plan.pupil.initials
    return f"annual-review-{document}-{initials}-{review.meeting_on.isoformat()}.{fmt}"


def _docx(request, review: AnnualReview, title: str, blocks: list[Block]):
    document = word.letterhead(request, review.plan.pupil.school, title)
    for block in blocks:
        if block.kind == "heading":
            word.heading(document, block.text, block.level)
        elif block.kind in {"text", "meta"}:
            for line in block.text.splitlines() or [""]:
                word.paragraph(document, line)
        elif block.kind == "bullets":
            word.add_bullets(document, list(block.items))
        elif block.kind == "table":
            _table(document, block)
    return document


def _table(document, block: Block) -> None:
    if not block.rows:
        word.paragraph(document, "None recorded.")
        return
    grid = document.add_table(rows=1, cols=len(block.header))
    grid.style = "Table Grid"
    for cell, value in zip(grid.rows[0].cells, block.header, strict=True):
        cell.text = value
    for row in block.rows:
        for cell, value in zip(grid.add_row().cells, row, strict=True):
            cell.text = value


@login_required
@require_GET
def review_document(request, public_id, review_id, document, fmt):
    review = get_review(request, public_id, review_id, "ehcp.caseload")
    pupil = review.plan.pupil
    if document not in WRITERS or fmt not in FORMATS:
        raise access.not_visible(request.user, pupil.school, f"review document {document}.{fmt}")
    log.read(request.user, "ehcp.review_document_downloaded", pupil, detail=f"{document}.{fmt}")
    title = f"{DOCUMENTS[document]}: {pupil.full_name}"
    blocks = WRITERS[document](papers(review, request.user))
    name = filename(review, document, fmt)
    if fmt == "docx":
        return word.docx_response(_docx(request, review, title, blocks), name)
    context: dict[str, Any] = {"title": title, "short_title": DOCUMENTS[document], "blocks": blocks}
    return pdf.pdf_response(
        request, "documents/review_document.html", context, name, school=pupil.school
    )
