"""Every change to assessment types and results: validate first, then one short transaction
with an audit entry for each thing changed. Views, imports and commands all call these."""

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from senco.assessment import values
from senco.assessment.models import AssessmentType, Result
from senco.audit import log
from senco.pupils.models import Pupil, Source
from senco.schools.models import School

# The fields a person sets on an assessment type; its kind is fixed once made.
TYPE_FIELDS = ("name", "mean", "sd", "reliability", "maximum", "scale")
MAX_MAXIMUM = 10_000


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()


def _decimal(value, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors[field] = ["Write a number."]
        return None
    if not number.is_finite():
        errors[field] = ["Write a number."]
        return None
    return number


def _clean_type(kind: str, fields: dict) -> dict:
    """The type's fields tidied for its kind, or ValidationError keyed by field."""
    errors: dict[str, list[str]] = {}
    name = " ".join(str(fields.get("name") or "").split())
    if not name:
        errors["name"] = ["Give the assessment a name, such as Salford reading age."]
    elif len(name) > 100:
        errors["name"] = [f"A name has at most 100 characters; this one has {len(name)}."]
    clean: dict[str, Any] = {
        "name": name,
        "mean": Decimal(100),
        "sd": Decimal(15),
        "reliability": None,
        "maximum": None,
        "scale": [],
    }
    if kind == values.STANDARDISED:
        mean = _decimal(fields.get("mean"), "mean", errors)
        sd = _decimal(fields.get("sd"), "sd", errors)
        reliability = _decimal(fields.get("reliability"), "reliability", errors)
        if mean is not None:
            if not Decimal(0) < mean < Decimal(1000) or mean != mean.quantize(Decimal("0.01")):
                errors["mean"] = ["The mean is a number above 0 and below 1000, such as 100."]
            clean["mean"] = mean
        if sd is not None:
            if not Decimal(0) < sd < Decimal(1000) or sd != sd.quantize(Decimal("0.01")):
                errors["sd"] = ["The standard deviation is above 0 and below 1000, such as 15."]
            clean["sd"] = sd
        if reliability is not None:
            if not Decimal(0) <= reliability <= Decimal(1) or reliability != reliability.quantize(
                Decimal("0.001")
            ):
                errors["reliability"] = [
                    "Reliability is between 0 and 1 with at most three decimals, such as 0.92."
                ]
            clean["reliability"] = reliability
    elif kind == values.RAW:
        maximum = _decimal(fields.get("maximum"), "maximum", errors)
        if maximum is None or maximum != int(maximum) or not 0 < maximum <= MAX_MAXIMUM:
            errors.setdefault(
                "maximum", [f"Give the highest mark, a whole number from 1 to {MAX_MAXIMUM:,}."]
            )
        else:
            clean["maximum"] = int(maximum)
    elif kind in values.LABEL_KINDS:
        scale = fields.get("scale") or values.DEFAULT_SCALES[kind]
        try:
            clean["scale"] = values.clean_scale(list(scale))
        except ValueError as e:
            errors["scale"] = [str(e)]
    if errors:
        raise ValidationError(errors)
    return clean


def _snapshot(assessment_type: AssessmentType) -> dict:
    snapshot: dict[str, Any] = {"name": assessment_type.name, "kind": assessment_type.kind}
    if assessment_type.kind == values.STANDARDISED:
        snapshot.update(
            mean=str(assessment_type.mean),
            sd=str(assessment_type.sd),
            reliability=None
            if assessment_type.reliability is None
            else str(assessment_type.reliability),
        )
    if assessment_type.kind == values.RAW:
        snapshot["maximum"] = assessment_type.maximum
    if assessment_type.is_labelled:
        snapshot["scale"] = list(assessment_type.scale)
    return snapshot


def _name_taken(school: School, name: str, exclude: int | None = None) -> bool:
    same_name = AssessmentType.objects.filter(school=school, name__iexact=name)
    if exclude is not None:
        same_name = same_name.exclude(pk=exclude)
    return same_name.exists()


def _refuse_taken_name(name: str) -> None:
    raise ValidationError(
        {"name": [f"The school already has an assessment called {name}: choose another name."]}
    )


def create_assessment_type(
    *,
    school: School,
    name: str,
    kind: str,
    by,
    mean=100,
    sd=15,
    reliability=None,
    maximum=None,
    scale: Sequence[str] | None = None,
) -> AssessmentType:
    """A new assessment type for the school. Fields that do not apply to the kind are ignored;
    a labelled kind without a scale starts with `values.DEFAULT_SCALES`."""
    if kind not in values.NAMES:
        raise ValidationError({"kind": [f"{kind!r} is not a kind of assessment."]})
    fields = _clean_type(
        kind,
        {
            "name": name,
            "mean": mean,
            "sd": sd,
            "reliability": reliability,
            "maximum": maximum,
            "scale": scale,
        },
    )
    if _name_taken(school, fields["name"]):
        _refuse_taken_name(fields["name"])
    try:
        with transaction.atomic():
            assessment_type = AssessmentType.objects.create(school=school, kind=kind, **fields)
            log.change(
                by, "assessment.type_created", assessment_type, after=_snapshot(assessment_type)
            )
    except IntegrityError:  # the same name, made by someone else a moment ago
        _refuse_taken_name(fields["name"])
    return assessment_type


def _breaches_of_results(assessment_type: AssessmentType, fields: dict) -> dict[str, list[str]]:
    """What the new settings would make of the results already recorded: none may fall outside."""
    results = assessment_type.results.all()
    if not results.exists():
        return {}
    kind = assessment_type.kind
    if kind == values.RAW:
        top = results.aggregate(top=Max("score"))["top"]
        if top is not None and top > fields["maximum"]:
            return {
                "maximum": [
                    f"A result of {values.plain(top)} is recorded: the maximum cannot go below it."
                ]
            }
    if kind == values.STANDARDISED:
        low, high = values.standardised_range(fields["mean"], fields["sd"])
        outside = results.exclude(score__gte=low, score__lte=high)
        if outside.exists():
            return {
                "sd": [
                    f"{outside.count()} recorded result(s) would fall outside {low} to {high}: "
                    "keep the mean and standard deviation the results were recorded with."
                ]
            }
    if kind in values.LABEL_KINDS:
        used = set(results.values_list("label", flat=True).distinct())
        missing = sorted(used - set(fields["scale"]))
        if missing:
            return {
                "scale": [
                    f"Results are recorded as {', '.join(missing)}: keep "
                    f"{'that label' if len(missing) == 1 else 'those labels'} on the scale."
                ]
            }
    return {}


def change_assessment_type(
    assessment_type: AssessmentType,
    *,
    by,
    name=KEEP,
    mean=KEEP,
    sd=KEEP,
    reliability=KEEP,
    maximum=KEEP,
    scale=KEEP,
) -> AssessmentType:
    """Change an assessment type's name, norms, reliability, maximum or scale (not its kind).

    Refused when a result already recorded would no longer fit: a maximum below a recorded mark,
    a label in use taken off the scale, norms that put a recorded score out of range.
    """
    given = {
        "name": name,
        "mean": mean,
        "sd": sd,
        "reliability": reliability,
        "maximum": maximum,
        "scale": scale,
    }
    wanted = {
        field: getattr(assessment_type, field) if value is KEEP else value
        for field, value in given.items()
    }
    fields = _clean_type(assessment_type.kind, wanted)
    if _name_taken(assessment_type.school, fields["name"], exclude=assessment_type.pk):
        _refuse_taken_name(fields["name"])
    with transaction.atomic():
        locked = AssessmentType.objects.select_for_update().get(pk=assessment_type.pk)
        breaches = _breaches_of_results(locked, fields)
        if breaches:
            raise ValidationError(breaches)
        before = _snapshot(locked)
        for field, value in fields.items():
            setattr(locked, field, value)
        after = _snapshot(locked)
        if after != before:
            try:
                with transaction.atomic():
                    locked.save(update_fields=list(TYPE_FIELDS))
            except IntegrityError:
                _refuse_taken_name(fields["name"])
            log.change(by, "assessment.type_changed", locked, before=before, after=after)
    return locked


def _result_snapshot(result: Result) -> dict:
    return {
        "assessment": result.assessment_type.name,
        "taken_on": result.taken_on,
        "result": result.display,
        "source": result.source,
    }


def record_results(
    *,
    assessment_type: AssessmentType,
    taken_on: dt.date,
    entries: Mapping[Pupil, str],
    by,
    source: str = Source.ENTERED,
) -> list[Result]:
    """Record one assessment's results for several pupils on one day: all or nothing.

    `entries` maps each pupil (from `access.pupils_visible_to` or an import's matching) to the
    text typed or imported; blank text means no result for that pupil. Every entry is read with
    `values.parse` first: any problem raises ValidationError with a dict keyed by the pupil's
    public id (and "taken_on" for the date), and nothing is written. Then, in one transaction,
    a pupil's result for that assessment and day is created or changed, with one audit entry
    each. An import (`source=Source.IMPORTED`) never overwrites a result entered by hand: a
    different one is refused for that pupil, to be settled on the grid.

    Returns the results created or changed; an entry equal to what is recorded changes nothing,
    so recording or importing the same results twice returns [] the second time.
    """
    errors: dict[str, list[str]] = {}
    if taken_on > timezone.localdate():
        errors["taken_on"] = [
            f"{taken_on:%d/%m/%Y} is in the future: record a result on or after the day it was "
            "taken."
        ]
    parsed: dict[Pupil, values.Parsed] = {}
    for pupil, text in entries.items():
        if text is None or not str(text).strip():
            continue
        key = str(pupil.public_id)
        if pupil.school_id != assessment_type.school_id:
            errors[key] = ["This pupil is not at the school this assessment belongs to."]
            continue
        if taken_on < pupil.date_of_birth:
            errors[key] = [f"{taken_on:%d/%m/%Y} is before this pupil was born."]
            continue
        try:
            parsed[pupil] = assessment_type.parse(str(text))
        except ValueError as e:
            errors[key] = [str(e)]
    if errors:
        raise ValidationError(errors)

    changed: list[Result] = []
    with transaction.atomic():
        # One person records a type's results at a time, so two saving the same grid at once
        # cannot both create the same pupil's result.
        AssessmentType.objects.select_for_update().filter(pk=assessment_type.pk).exists()
        existing = {
            r.pupil_id: r
            for r in Result.objects.select_for_update().filter(
                assessment_type=assessment_type,
                taken_on=taken_on,
                pupil__in=[p.pk for p in parsed],
            )
        }
        conflicts = {
            str(pupil.public_id): [
                f"{existing[pupil.pk].display} was entered by hand for this day; an import does "
                "not overwrite it. Change it on the grid if it is wrong."
            ]
            for pupil, value in parsed.items()
            if source == Source.IMPORTED
            and pupil.pk in existing
            and existing[pupil.pk].source == Source.ENTERED
            and existing[pupil.pk].parsed != value
        }
        if conflicts:
            raise ValidationError(conflicts)
        for pupil, value in parsed.items():
            result = existing.get(pupil.pk)
            before: dict = {}
            if result is None:
                result = Result(pupil=pupil, assessment_type=assessment_type, taken_on=taken_on)
            elif result.parsed == value:
                continue
            else:
                before = _result_snapshot(result)
            result.assessment_type = assessment_type
            result.score, result.months, result.label = value.score, value.months, value.label or ""
            result.source = source
            result.recorded_by = by if by is not None and by.is_authenticated else None
            result.save()
            log.change(
                by,
                "assessment.result_recorded",
                result,
                pupil=pupil,
                before=before,
                after=_result_snapshot(result),
            )
            changed.append(result)
    return changed
