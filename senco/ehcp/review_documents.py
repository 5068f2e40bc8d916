"""An annual review's documents, as editable Word (DOCX) and as PDF: the invitation, the request
for a contribution, the paperwork pack and the review report.

Neutral, so any LA's own form can be filled from them: headed with the school's letterhead, no
LA's branding. Each document is written once, as a list of `Block`s (a heading, a paragraph,
a list, a table), which `documents/review_document.html` prints and `_docx` writes, so the two
formats never drift apart. File names carry the pupil's initials only. Who is invited is
written as the person downloading may see them (`reviews.invitees_as_seen_by`): a parent whose
contact is confidential from them is "A parent or carer"; those taken off the list are left out.
The two letters (the invitation and the request for a contribution) go to people outside the
school: they name who is invited by role only, keep the school's own lists out, give the
review's real dates (never a day that has passed) and name the person who made them, at the
school, as the contact.
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
from senco.ehcp.models import SECTIONS, AnnualReview, PlanVersion, ReviewInvitee
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
    return reviews.long_date(day) if day else "not yet"


def _when(review: AnnualReview) -> str:
    """The meeting's day, time and place, as a sentence's end."""
    time = f" at {review.meeting_time:%H:%M}" if review.meeting_time else ""
    place = f", {review.place}" if review.place else ""
    return f"{review.meeting_on:%A} {_day(review.meeting_on)}{time}{place}"


@dataclass
class Papers:
    """What the documents are written from: the review, its plan's current version and the
    review's people (as the reader may see them) and record, read once."""

    review: AnnualReview
    version: PlanVersion | None
    today: dt.date
    reader: Any = None
    invitees: list[reviews.SeenInvitee] = field(default_factory=list)
    progress: list = field(default_factory=list)
    amendments: list = field(default_factory=list)

    @property
    def pupil(self):
        return self.review.plan.pupil

    @property
    def outcomes(self) -> list:
        return list(self.version.outcomes.all()) if self.version else []


def papers(review: AnnualReview, reader, today: dt.date | None = None) -> Papers:
    """What the documents are written from, for `reader` (the person downloading: the letters
    name them as the contact)."""
    version = plans.current_version(review.plan)
    return Papers(
        review=review,
        version=version,
        today=today or access.today(),
        reader=reader,
        invitees=reviews.invitees_as_seen_by(reader, review),
        progress=list(review.progress.select_related("outcome")),
        amendments=list(review.amendments.all()),
    )


def _about(p: Papers) -> Block:
    pupil, plan = p.pupil, p.review.plan
    reference = f", reference {plan.la_reference}" if plan.la_reference else ""
    return meta(
        f"{pupil.full_name}, born {_day(pupil.date_of_birth)}, {pupil.year_group_label}. "
        f"EHC plan issued {_day(plan.issued_on)} by {plan.local_authority}{reference}."
    )


def _invited(p: Papers) -> list[str]:
    return [s.label for s in p.invitees]


def _invited_as(p: Papers) -> list[str]:
    """Who is invited, by what they are only: a letter goes to people outside the school."""
    kinds = {s.invitee.kind for s in p.invitees}
    return [label for kind, label in ReviewInvitee.Kind.choices if kind in kinds]


def _outcome_lines(p: Papers) -> list[str]:
    return [
        f"Outcome {o.position} ({o.get_area_display()}): {reviews.sentence(o.text)}"
        + (f" By when: {reviews.sentence(o.by_when)}" if o.by_when.strip() else "")
        for o in p.outcomes
    ]


def _views_by(p: Papers) -> str:
    """When views or contributions are wanted, never a day past: the date the school set, else
    the paperwork date; once that day has passed, as soon as possible before the meeting."""
    review = p.review
    due = review.contributions_due_on or reviews.dates(review)["paperwork_by"]
    if due < p.today or due >= review.meeting_on:
        return f"as soon as you can, and before the meeting on {_day(review.meeting_on)}"
    return f"by {_day(due)}"


def _contact(p: Papers) -> list[Block]:
    """Who to reply to: the person who made the letter, at the school."""
    school, reader = p.pupil.school, p.reader
    lines = [str(reader) if reader else "The SENCO", school.name]
    lines += [line.strip() for line in school.address.splitlines() if line.strip()]
    lines += [school.postcode] if school.postcode else []
    if reader and reader.email:
        lines.append(f"Email: {reader.email}")
    return [heading("Contact"), text("\n".join(lines))]


def _meeting(review: AnnualReview) -> list[Block]:
    lines = [f"Date: {review.meeting_on:%A} {_day(review.meeting_on)}"]
    if review.meeting_time:
        lines.append(f"Time: {review.meeting_time:%H:%M}")
    if review.place:
        lines.append(f"Place: {review.place}")
    return [heading("The meeting"), text("\n".join(lines))]


def invitation(p: Papers) -> list[Block]:
    pupil = p.pupil
    return [
        _about(p),
        text("To: ______________________"),
        text(
            f"You are invited to the annual review of the education, health and care plan of "
            f"{pupil.full_name}, a pupil at {pupil.school.name}."
        ),
        *_meeting(p.review),
        text(
            "Please tell the school whether you can come. If you cannot, please send your views "
            f"or advice {_views_by(p)}, so they can be shared with everyone invited before the "
            "meeting."
        ),
        heading("Who is invited"),
        bullets(_invited_as(p) or ["The list is still being made."]),
        *_contact(p),
    ]


ASKED_FOR = [
    "Progress towards each outcome in section E of the plan (below), with evidence.",
    "What has helped, and what has not.",
    "Any change the plan needs, naming its section (A to K).",
    "From Year 9: how the plan prepares for adulthood.",
]


def contribution_request(p: Papers) -> list[Block]:
    return [
        _about(p),
        text("To: ______________________"),
        text(
            f"The annual review meeting is on {_when(p.review)}. Please send your contribution "
            f"(advice) to the school {_views_by(p)}: it is shared with everyone invited before "
            "the meeting."
        ),
        heading("What to tell us"),
        bullets(ASKED_FOR),
        heading("The outcomes in section E"),
        bullets(_outcome_lines(p) or ["None recorded."]),
        *_contact(p),
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
    v = p.version
    blocks = [
        meta(
            f"The plan's current version: version {v.number} "
            f"({v.get_kind_display().lower()}), dated {_day(v.dated)}."
        )
    ]
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
            f"invited by {_day(reviews.dates(review)['school_report_by'])}."
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
        text(reviews.sentence(review.get_recommendation_display()) or "Not recorded."),
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
