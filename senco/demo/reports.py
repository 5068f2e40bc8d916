"""The demo's reports from outside: a few small synthetic PDFs on register pupils, one of them
on a pupil the visiting educational psychologist (`ep`) is invited to, stored as real uploads
are (random names under MEDIA_ROOT, through `services.add_report`)."""

import datetime as dt
import functools
import random

from django.utils import timezone
from django.utils.html import escape

from senco.accounts.models import PupilGrant
from senco.pupils import services
from senco.pupils.models import Pupil, Report
from senco.pupils.uploads import Document
from senco.schools.models import School

# (kind, title, author, who adds it)
REPORTS = [
    (
        Report.Kind.EP,
        "Educational psychology report (demo)",
        "Dr A. Example, Northfield Educational Psychology Service",
        "ep",
    ),
    (
        Report.Kind.SALT,
        "Speech and language therapy report (demo)",
        "B. Sample, Northfield Community Speech and Language Therapy",
        "senco",
    ),
    (
        Report.Kind.OT,
        "Occupational therapy report (demo)",
        "C. Placeholder, Northfield Children's Occupational Therapy",
        "senco",
    ),
]
BODY = """<h1>{title}</h1><p>Synthetic content for the OpenSENCO demonstration: no real child
is described. Written by {author}.</p><h2>Strengths</h2><p>Enjoys practical tasks and
responds well to praise.</p><h2>Recommendations</h2><ul><li>Give instructions one step at a
time.</li><li>Check understanding by asking the pupil to say back what to do.</li></ul>"""


@functools.cache
def _pdf(title: str, author: str) -> bytes:
    import weasyprint  # slow to import: only the demo and documents need it

    return weasyprint.HTML(string=BODY.format(title=title, author=escape(author))).write_pdf()


def _pupils(school: School, users: dict) -> list[Pupil]:
    """One pupil `ep` is invited to first, then other register pupils."""
    register = Pupil.objects.filter(
        school=school, left_on__isnull=True, sen_provision__in=["K", "E"]
    ).order_by("pk")
    invited = register.filter(
        pk__in=PupilGrant.objects.filter(user=users.get("ep"), school=school).values("pupils")
    )
    first = list(invited[:1])
    return first + list(register.exclude(pk__in=[p.pk for p in first])[: len(REPORTS) - 1])


def build(school: School, users: dict, seed: int, today: dt.date) -> None:
    rng = random.Random(seed)
    today = min(today, timezone.localdate())
    for pupil, (kind, title, author, adder) in zip(_pupils(school, users), REPORTS, strict=False):
        dated = max(today - dt.timedelta(days=rng.randint(7, 300)), pupil.date_of_birth)
        document = Document(
            filename=f"{title.split(' (')[0]} {dated:%Y-%m-%d}.pdf",
            kind="pdf",
            data=_pdf(title, author),
        )
        by = users.get(adder) or users["senco"]
        services.add_report(pupil, kind=kind, author=author, dated=dated, document=document, by=by)


def remove_files(schools) -> None:
    """Delete the stored files of the demo's reports, before its rows go (no orphan files)."""
    for report in Report.objects.filter(pupil__school__in=schools).only("file"):
        report.file.delete(save=False)
