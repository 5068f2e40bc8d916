"""Assessment results from a spreadsheet: a test provider's export, or the school's own sheet.

One row per result: the pupil's UPN, the assessment (the name of one of the school's assessment
types), the date it was taken, and the result as schools write it (104, 8.07, 17, Secure). A
result entered by hand is never overwritten: a different figure in the file is left with a
warning.
"""

from django.db import transaction
from django.utils import timezone

from senco.assessment.models import AssessmentType, Result
from senco.audit import log
from senco.interop import cells
from senco.interop.framework import (
    CHANGE,
    CREATE,
    REFUSE,
    SAME,
    Column,
    Kind,
    Plan,
    RowResult,
    read_cell,
    register,
)
from senco.interop.mis import PUPIL_UPN
from senco.pupils.models import Pupil, Source

PROGRESS_EVERY = 2000


class ResultsKind(Kind):
    key = "results"
    label = "Assessment results"
    action = "assessment.record"
    help = (
        "One row per result: UPN, the assessment's name as set up under Assessment, the date "
        "taken, and the result (104, 8.07, 17, Secure)."
    )
    columns = (
        PUPIL_UPN,
        Column(
            "assessment",
            "Assessment",
            required=True,
            aliases=("Test", "Assessment Name", "Test Name", "Assessment Type"),
        ),
        Column("taken_on", "Date", required=True, aliases=("Date Taken", "Test Date", "Taken On")),
        Column(
            "result",
            "Result",
            required=True,
            aliases=("Score", "Standardised Score", "Reading Age", "Spelling Age", "Value"),
        ),
    )

    def plan(self, school, rows, progress) -> Plan:
        with_upn = Pupil.objects.filter(school=school).exclude(upn="")
        pupils = dict(with_upn.values_list("upn", "pk"))
        public_ids = dict(with_upn.values_list("pk", "public_id"))
        types = {t.name.lower(): t for t in AssessmentType.objects.filter(school=school)}
        names = {pk: upn for upn, pk in pupils.items()}
        known = {
            (r.pupil_id, r.assessment_type_id, r.taken_on): r
            for r in Result.objects.filter(assessment_type__school=school).only(
                "pupil_id", "assessment_type_id", "taken_on", "score", "months", "label", "source"
            )
        }
        today = timezone.localdate()
        results: list[RowResult] = []
        work: list[Result] = []
        seen: dict[tuple, int] = {}
        for done, row in enumerate(rows, start=1):
            result = RowResult(row.line, SAME)
            results.append(result)
            upn = row.get("upn").replace(" ", "").upper()
            pupil_id = pupils.get(upn)
            result.pupil = str(public_ids[pupil_id]) if pupil_id else ""
            kind = types.get(row.get("assessment").strip().lower())
            taken_on = read_cell(row, result, "taken_on", cells.date)
            if pupil_id is None:
                result.refuse(f"{row.where('upn')}: no pupil has the UPN {upn[:20]!r}.")
            if kind is None:
                result.refuse(
                    f"{row.where('assessment')}: no assessment is named "
                    f"{row.get('assessment')[:40]!r}: add it under Assessment first."
                )
            if taken_on is None and result.outcome != REFUSE:
                result.refuse(f"{row.where('taken_on')} is empty: give the date it was taken.")
            elif taken_on and taken_on > today:
                result.refuse(f"{row.where('taken_on')}: {taken_on:%d/%m/%Y} is in the future.")
            if result.outcome == REFUSE or kind is None or pupil_id is None:
                continue
            try:
                parsed = kind.parse(row.get("result"))
            except ValueError as e:
                result.refuse(f"{row.where('result')}: {e}")
                continue
            result.label = f"{upn} {kind.name}"
            key = (pupil_id, kind.pk, taken_on)
            if key in seen:
                result.refuse(f"The same result is on line {seen[key]}: keep one row.")
                continue
            seen[key] = row.line
            values = {"score": parsed.score, "months": parsed.months, "label": parsed.label or ""}
            existing = known.get(key)
            if existing is None:
                result.outcome = CREATE
                work.append(Result(pupil_id=pupil_id, assessment_type=kind, taken_on=taken_on,
                                   source=Source.IMPORTED, **values))  # fmt: skip
            elif any(getattr(existing, k) != v for k, v in values.items()):
                if existing.source == Source.ENTERED:
                    result.warnings.append(
                        f"{names[pupil_id]}'s result on {taken_on:%d/%m/%Y} was entered by hand "
                        "and differs: left as it is."
                    )
                else:
                    result.outcome = CHANGE
                    result.changes = {"result": [existing.display, row.get("result")]}
                    for k, v in values.items():
                        setattr(existing, k, v)
                    work.append(existing)
            if done % PROGRESS_EVERY == 0:
                progress(done)
        return Plan(results=results, work=work)

    @transaction.atomic
    def apply(self, school, plan, by) -> None:
        new = [r for r in plan.work if r.pk is None]
        changed = [r for r in plan.work if r.pk is not None]
        Result.objects.bulk_create(new, batch_size=2000)
        Result.objects.bulk_update(changed, ["score", "months", "label"], batch_size=2000)
        # One audit entry per pupil, naming how many results came in, not one per result.
        per_pupil: dict[int, int] = {}
        for r in plan.work:
            per_pupil[r.pupil_id] = per_pupil.get(r.pupil_id, 0) + 1
        pupils = Pupil.objects.in_bulk(list(per_pupil))
        log.changes(
            by,
            [
                (pupils[pk], "assessment.results_imported", pupils[pk], {}, {"results": count})
                for pk, count in per_pupil.items()
            ],
        )


register(ResultsKind())
