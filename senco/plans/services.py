"""Every change to plans: one transaction, row locks where two people may collide, then the
audit entries (issue 7).

Two staff editing one cycle: each change names the `version` it started from; under the cycle's
row lock a different version is refused with `EditConflict`, which carries the refused values so
a view can show them again and nothing is lost.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from senco.assessment.models import Result
from senco.audit import log
from senco.concerns.models import Concern
from senco.plans.models import (
    Cycle,
    CycleVersion,
    Note,
    Outcome,
    ParentView,
    Plan,
    ProvisionItem,
)
from senco.provision.models import Provision as LibraryEntry
from senco.pupils import census
from senco.pupils.models import Pupil, Report
from senco.validation import Errors

DEFAULT_PROGRESS_SCALE = (
    ("not_started", "Not started"),
    ("some", "Some progress"),
    ("good", "Good progress"),
    ("achieved", "Achieved"),
)
DEFAULT_REVIEW_WEEKS = 12


def progress_scale() -> dict[str, str]:
    """The school's progress scale, code to label, in order (setting SENCO_PROGRESS_SCALE)."""
    return dict(getattr(settings, "SENCO_PROGRESS_SCALE", DEFAULT_PROGRESS_SCALE))


def review_interval() -> dt.timedelta:
    """How long a cycle runs when the review does not give the next date
    (setting SENCO_PLAN_REVIEW_WEEKS)."""
    return dt.timedelta(weeks=getattr(settings, "SENCO_PLAN_REVIEW_WEEKS", DEFAULT_REVIEW_WEEKS))


@dataclass(frozen=True)
class Evidence:
    """The *assess* stage: records kept elsewhere, linked to the cycle, and a summary."""

    results: Sequence[Result] = ()
    concerns: Sequence[Concern] = ()
    reports: Sequence[Report] = ()
    observations: str = ""


@dataclass(frozen=True)
class OutcomeText:
    """An outcome as written on a form. `id` names an outcome of the cycle being revised (kept,
    with its notes); none means a new one."""

    text: str
    area: str
    measure: str
    id: int | None = None


@dataclass(frozen=True)
class Provision:
    """Who does what and how often; `library` names an entry of the school's provision
    library (its pk) when the provision is one of them."""

    what: str
    who: str
    how_often: str
    library: int | None = None


class EditConflict(ValidationError):
    """Someone saved the cycle after the version this change started from. `yours` holds the
    refused values, for the form to show again; `version` is the one saved now."""

    def __init__(self, message: str, *, yours: Mapping[str, Any], version: int):
        super().__init__({NON_FIELD_ERRORS: [message]})
        self.yours = dict(yours)
        self.version = version


# Reading.


def snapshot(cycle: Cycle) -> dict[str, Any]:
    """The cycle as it stands, in plain JSON: what a `CycleVersion` keeps."""
    return {
        "number": cycle.number,
        "starts": cycle.starts.isoformat(),
        "review_on": cycle.review_on.isoformat(),
        "status": cycle.status,
        "strategies": cycle.strategies,
        "observations": cycle.observations,
        "results": sorted(cycle.results.values_list("pk", flat=True)),
        "concerns": sorted(cycle.concerns.values_list("pk", flat=True)),
        "reports": sorted(cycle.reports.values_list("pk", flat=True)),
        "outcomes": [
            {
                "id": o.pk,
                "position": o.position,
                "text": o.text,
                "area": o.area,
                "measure": o.measure,
                "progress": o.progress,
                "progress_label": o.progress_label,
                "progress_evidence": o.progress_evidence,
            }
            for o in cycle.outcomes.order_by("position", "pk")
        ],
        "provision": [
            {"what": p.what, "who": p.who, "how_often": p.how_often, "library": p.provision_id}
            for p in cycle.provision_items.order_by("position", "pk")
        ],
        "pupil_view": cycle.pupil_view,
        "parent_view": cycle.parent_view,
        "parent_views": [
            {"by": v.written_by_id, "text": v.text, "at": v.written_at.isoformat()}
            for v in cycle.parent_views.all()
        ],
        "decision": cycle.decision,
        "review_notes": cycle.review_notes,
        "reviewed_on": cycle.reviewed_on.isoformat() if cycle.reviewed_on else None,
    }


def current_plan(pupil: Pupil, kind: str = Plan.Kind.SEN_SUPPORT) -> Plan | None:
    return Plan.objects.open().filter(pupil=pupil, kind=kind).first()


def current_cycle(plan: Plan) -> Cycle | None:
    return plan.cycles.order_by("-number").first()


# Checks shared by starting and revising.


def _check_outcomes(errors: Errors, outcomes: Sequence[OutcomeText]) -> None:
    if not outcomes:
        errors.add("outcomes", "Give at least one outcome: what the pupil should achieve.")
    for n, outcome in enumerate(outcomes, start=1):
        if not outcome.text.strip():
            errors.add("outcomes", f"Outcome {n} has no text: say what the pupil will achieve.")
        if not outcome.measure.strip():
            errors.add(
                "outcomes",
                f"Outcome {n} has no success measure: say how everyone will know it is "
                "achieved (say, “reads 40 words a minute”).",
            )
        if outcome.area not in census.BROAD_AREAS:
            errors.add("outcomes", f"Outcome {n} has no area of need: choose one.")
        for name, limit in (("text", 1000), ("measure", 1000)):
            _check_text(errors, "outcomes", getattr(outcome, name), limit, f"outcome {n}'s {name}")


def _check_provision(errors: Errors, pupil: Pupil, provision: Sequence[Provision]) -> None:
    for n, item in enumerate(provision, start=1):
        if not (item.what.strip() and item.who.strip() and item.how_often.strip()):
            errors.add("provision", f"Provision {n}: say what is done, by whom and how often.")
    named = {p.library for p in provision if p.library is not None}
    if named and LibraryEntry.objects.filter(pk__in=named, school=pupil.school_id).count() != len(
        named
    ):
        errors.add("provision", "Choose provision from this school's library.")


def _check_text(errors: Errors, name: str, value: str, limit: int, what: str) -> None:
    if len(value) > limit:
        errors.add(name, f"Keep {what} to {limit} characters (it has {len(value)}).")
    if "\x00" in value:
        # Forms refuse it already; an import or the API must not reach the database with it.
        errors.add(name, f"Remove the null character from {what}.")


def _check_evidence(errors: Errors, pupil: Pupil, evidence: Evidence) -> None:
    for name, records in (
        ("results", evidence.results),
        ("concerns", evidence.concerns),
        ("reports", evidence.reports),
    ):
        if any(r.pupil_id != pupil.pk for r in records):
            errors.add(name, "Link only this pupil's own records as evidence.")
    _check_text(errors, "observations", evidence.observations, 5000, "the observations")


def _set_evidence(cycle: Cycle, evidence: Evidence) -> None:
    cycle.observations = evidence.observations
    cycle.results.set(evidence.results)
    cycle.concerns.set(evidence.concerns)
    cycle.reports.set(evidence.reports)


def _add_provision(cycle: Cycle, provision: Iterable[Provision]) -> None:
    ProvisionItem.objects.bulk_create(
        ProvisionItem(
            cycle=cycle,
            position=n,
            what=p.what.strip(),
            who=p.who.strip(),
            how_often=p.how_often,
            provision_id=p.library,
        )
        for n, p in enumerate(provision, start=1)
    )


def _save_version(cycle: Cycle, *, by, what: str) -> CycleVersion:
    return CycleVersion.objects.create(
        cycle=cycle, number=cycle.version, what=what, snapshot=snapshot(cycle), saved_by=by
    )


def _locked(cycle: Cycle) -> Cycle:
    return (
        Cycle.objects.select_for_update(of=("self",)).select_related("plan__pupil").get(pk=cycle.pk)
    )


def _refuse_locked(cycle: Cycle) -> None:
    if cycle.is_locked:
        on = f" on {cycle.reviewed_on:%d/%m/%Y}" if cycle.reviewed_on else ""
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    f"This cycle was reviewed{on} and is locked: start from the next cycle."
                ]
            }
        )


def _refuse_stale(cycle: Cycle, expected_version: int, yours: Mapping[str, Any]) -> None:
    if cycle.version == expected_version:
        return
    latest = cycle.versions.select_related("saved_by").order_by("-number").first()
    who, when = "Someone else", ""
    if latest is not None:
        if latest.saved_by is not None:
            who = latest.saved_by.get_full_name() or latest.saved_by.username
        saved = timezone.localtime(latest.saved_at)
        when = f" at {saved:%H:%M}"
        if saved.date() != timezone.localdate():
            when += f" on {saved:%d/%m/%Y}"
    raise EditConflict(
        f"{who} changed this plan{when}: reload it; your changes are below so nothing is lost.",
        yours=yours,
        version=cycle.version,
    )


# Changing.


def start_plan(
    pupil: Pupil,
    *,
    by,
    starts: dt.date,
    review_on: dt.date,
    outcomes: Sequence[OutcomeText],
    strategies: str = "",
    provision: Sequence[Provision] = (),
    evidence: Evidence = Evidence(),
    kind: str = Plan.Kind.SEN_SUPPORT,
) -> Plan:
    """A new plan for a pupil on the SEN register, with its first cycle."""
    errors = Errors()
    if kind not in Plan.Kind.values:
        errors.add("kind", "Choose the kind of plan.")
    if review_on <= starts:
        errors.add(
            "review_on",
            f"The review ({review_on:%d/%m/%Y}) must come after the start "
            f"({starts:%d/%m/%Y}): give a later review date.",
        )
    _check_outcomes(errors, outcomes)
    _check_provision(errors, pupil, provision)
    _check_text(errors, "strategies", strategies, 3000, "the strategies")
    _check_evidence(errors, pupil, evidence)
    errors.raise_any()
    with transaction.atomic():
        # The pupil's row lock: two people starting a plan at once get one plan and a refusal.
        pupil = Pupil.objects.select_for_update(of=("self",)).get(pk=pupil.pk)
        if pupil.sen_provision not in census.REGISTER_CODES:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        f"{pupil.full_name} is not on the SEN register "
                        f"({pupil.sen_provision_label}): add them on the register form first, "
                        "then start a plan."
                    ]
                }
            )
        existing = Plan.objects.open().filter(pupil=pupil, kind=kind).first()
        if existing is not None:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        f"{pupil.full_name} already has an open {existing.get_kind_display()} "
                        f"(from {existing.starts:%d/%m/%Y}): change its current cycle instead."
                    ]
                }
            )
        plan = Plan.objects.create(pupil=pupil, kind=kind, starts=starts, created_by=by)
        cycle = Cycle.objects.create(
            plan=plan, number=1, starts=starts, review_on=review_on, strategies=strategies
        )
        Outcome.objects.bulk_create(
            Outcome(
                cycle=cycle,
                position=n,
                text=o.text.strip(),
                area=o.area,
                measure=o.measure.strip(),
            )
            for n, o in enumerate(outcomes, start=1)
        )
        _add_provision(cycle, provision)
        _set_evidence(cycle, evidence)
        cycle.save(update_fields=["observations"])
        version = _save_version(cycle, by=by, what="Started")
        log.change(by, "plan.started", plan, pupil=pupil, after=version.snapshot)
        _set_review_date(pupil, review_on)
    return plan


def revise_cycle(
    cycle: Cycle,
    *,
    by,
    expected_version: int,
    outcomes: Sequence[OutcomeText] | None = None,
    strategies: str | None = None,
    review_on: dt.date | None = None,
    provision: Sequence[Provision] | None = None,
    evidence: Evidence | None = None,
) -> Cycle:
    """Change an open cycle: what is given replaces what was there (None leaves it).

    Outcomes named by `id` are kept (with their notes) and rewritten; outcomes left out are
    removed, unless notes were written against them. The cycle's version goes up by one and the
    new state is kept as a `CycleVersion`.
    """
    yours: dict[str, Any] = {
        name: value
        for name, value in (
            ("outcomes", outcomes),
            ("strategies", strategies),
            ("review_on", review_on),
            ("provision", provision),
            ("evidence", evidence),
        )
        if value is not None
    }
    pupil = cycle.plan.pupil
    errors = Errors()
    if outcomes is not None:
        _check_outcomes(errors, outcomes)
    if provision is not None:
        _check_provision(errors, pupil, provision)
    if strategies is not None:
        _check_text(errors, "strategies", strategies, 3000, "the strategies")
    if evidence is not None:
        _check_evidence(errors, pupil, evidence)
    if review_on is not None and review_on <= cycle.starts:
        errors.add(
            "review_on",
            f"The review must come after the cycle starts ({cycle.starts:%d/%m/%Y}): give a "
            "later date.",
        )
    errors.raise_any()
    with transaction.atomic():
        cycle = _locked(cycle)
        _refuse_locked(cycle)
        _refuse_stale(cycle, expected_version, yours)
        before = snapshot(cycle)
        if outcomes is not None:
            _replace_outcomes(cycle, outcomes)
        if provision is not None:
            cycle.provision_items.all().delete()
            _add_provision(cycle, provision)
        if evidence is not None:
            _set_evidence(cycle, evidence)
        if strategies is not None:
            cycle.strategies = strategies
        if review_on is not None:
            cycle.review_on = review_on
        cycle.version += 1
        cycle.save(update_fields=["strategies", "review_on", "observations", "version"])
        _set_review_date(cycle.plan.pupil, cycle.review_on)
        version = _save_version(cycle, by=by, what="Changed")
        log.change(
            by,
            "plan.revised",
            cycle,
            pupil=cycle.plan.pupil,
            before=_changed(before, version.snapshot, before),
            after=_changed(before, version.snapshot, version.snapshot),
        )
    return cycle


def move_reviews(pupils: Sequence[Pupil], day: dt.date, *, by) -> None:
    """The register's bulk "set a review date", carried to the open cycle of each pupil's plan
    (a new version each), so the register and the plan keep one date. Call inside the
    register's transaction; a date not after a cycle's start refuses the whole change."""
    cycles = list(
        Cycle.objects.open()
        .select_for_update(of=("self",))
        .filter(plan__pupil__in=pupils, plan__ends__isnull=True)
        .select_related("plan__pupil")
        .order_by("pk")
    )
    early = [c for c in cycles if day <= c.starts]
    if early:
        raise ValidationError(
            {
                "review_on": [
                    f"{early[0].plan.pupil.full_name}'s plan cycle started on "
                    f"{early[0].starts:%d/%m/%Y}: give a review date after it."
                ]
            }
        )
    for cycle in (c for c in cycles if c.review_on != day):
        before = cycle.review_on
        cycle.review_on = day
        cycle.version += 1
        cycle.save(update_fields=["review_on", "version"])
        _save_version(cycle, by=by, what="Review date set on the register")
        log.change(
            by,
            "plan.revised",
            cycle,
            pupil=cycle.plan.pupil,
            before={"review_on": before},
            after={"review_on": day},
        )


def _changed(before: dict, after: dict, side: dict) -> dict:
    return {k: side[k] for k in after if before.get(k) != after.get(k)}


def _set_review_date(pupil: Pupil, day: dt.date | None) -> None:
    """The register's next review is the current cycle's: one date, shown on the register and
    the record, and changed only through the plan while the pupil has one."""
    Pupil.objects.filter(pk=pupil.pk).update(review_on=day)
    pupil.review_on = day


def _replace_outcomes(cycle: Cycle, outcomes: Sequence[OutcomeText]) -> None:
    existing = {o.pk: o for o in cycle.outcomes.all()}
    unknown = [o.id for o in outcomes if o.id is not None and o.id not in existing]
    if unknown:
        raise ValidationError(
            {"outcomes": ["An outcome given is not one of this cycle's: reload the plan."]}
        )
    named = [o.id for o in outcomes if o.id is not None]
    if len(named) != len(set(named)):
        raise ValidationError(
            {"outcomes": ["Two rows name the same outcome: reload the plan and try again."]}
        )
    kept = set(named)
    dropped = [o for pk, o in existing.items() if pk not in kept]
    with_notes = [o for o in dropped if o.notes.exists()]
    if with_notes:
        raise ValidationError(
            {
                "outcomes": [
                    f"Outcome {with_notes[0].position} has notes written against it, so it "
                    "stays in this cycle: change its wording instead, or record its progress "
                    "at the review."
                ]
            }
        )
    Outcome.objects.filter(pk__in=[o.pk for o in dropped]).delete()
    for n, given in enumerate(outcomes, start=1):
        outcome = existing[given.id] if given.id is not None else Outcome(cycle=cycle)
        outcome.position = n
        outcome.text = given.text.strip()
        outcome.area = given.area
        outcome.measure = given.measure.strip()
        outcome.save()


def add_note(
    cycle: Cycle,
    *,
    by,
    text: str,
    outcome: Outcome | None = None,
    written_on: dt.date | None = None,
) -> Note:
    """A teacher's or TA's note in the *do* stage, against an outcome or the whole cycle."""
    today = timezone.localdate()
    written_on = written_on or today
    errors = Errors()
    if not text.strip():
        errors.add("text", "Say what you saw: a note cannot be empty.")
    _check_text(errors, "text", text, 3000, "the note")
    if outcome is not None and outcome.cycle_id != cycle.pk:
        errors.add("outcome", "That outcome belongs to another cycle: choose one of this cycle's.")
    if written_on > today:
        errors.add(
            "written_on", f"{written_on:%d/%m/%Y} is in the future: give the day you saw it."
        )
    elif written_on < cycle.starts:
        errors.add(
            "written_on",
            f"{written_on:%d/%m/%Y} is before this cycle started ({cycle.starts:%d/%m/%Y}): "
            "give a date in the cycle.",
        )
    errors.raise_any()
    with transaction.atomic():
        cycle = _locked(cycle)
        _refuse_locked(cycle)
        note = Note.objects.create(
            cycle=cycle, outcome=outcome, written_by=by, written_on=written_on, text=text.strip()
        )
        log.change(
            by,
            "plan.note_added",
            note,
            pupil=cycle.plan.pupil,
            after={
                "cycle": cycle.number,
                "outcome": outcome.position if outcome else None,
                "written_on": written_on,
                "text": note.text,
            },
        )
    return note


def record_parent_view(cycle: Cycle, *, by, text: str) -> Cycle:
    """A parent's view before a review. Each parent has their own: a later view from the same
    parent replaces theirs (the earlier one stays in the cycle's versions)."""
    errors = Errors()
    if not text.strip():
        errors.add("parent_view", "Write your view: it cannot be empty.")
    _check_text(errors, "parent_view", text, 3000, "your view")
    errors.raise_any()
    with transaction.atomic():
        cycle = _locked(cycle)
        _refuse_locked(cycle)
        view = cycle.parent_views.filter(written_by=by).first()
        before = {"parent_view": view.text if view else ""}
        if view is None:
            view = ParentView(cycle=cycle, written_by=by)
        view.text = text.strip()
        view.written_at = timezone.now()
        view.save()
        # A new version, so that a review prepared before this view arrived is refused rather
        # than writing over it.
        cycle.version += 1
        cycle.save(update_fields=["version"])
        _save_version(cycle, by=by, what="A parent's view added")
        log.change(
            by,
            "plan.parent_view_recorded",
            cycle,
            pupil=cycle.plan.pupil,
            before=before,
            after={"parent_view": view.text},
        )
    return cycle


def parent_views_text(cycle: Cycle) -> str:
    """Every parent's view before the review, named and dated: where the review's record of
    the parents' view starts."""
    return "\n\n".join(
        f"{v.written_by.get_full_name() or 'A parent'} "
        f"({timezone.localtime(v.written_at):%d/%m/%Y}): {v.text}"
        for v in cycle.parent_views.select_related("written_by")
    )


def review_cycle(
    cycle: Cycle,
    *,
    by,
    expected_version: int,
    progress: Mapping[int, tuple[str, str]],
    decision: str,
    notes: str,
    reviewed_on: dt.date,
    pupil_view: str = "",
    parent_view: str | None = None,
    next_review_on: dt.date | None = None,
) -> Cycle | None:
    """The *review*: progress on every outcome (by outcome id: a code of the school's scale and
    its evidence), the views, the decision. The cycle is locked, and the next cycle starts on
    the day of the review as a copy (outcomes without their progress, strategies, provision),
    to be reviewed by `next_review_on` (the school's interval after the review when not given).

    "Leave the register" ends the plan instead and starts no cycle. It does not change the
    pupil's SEN status: the SENCO records that on the register form, where the census rules
    and the need history are kept. `parent_view` None records the parents' own views.
    Returns the next cycle, or None when the plan ended.
    """
    scale = progress_scale()
    today = timezone.localdate()
    yours = {
        "progress": dict(progress),
        "decision": decision,
        "notes": notes,
        "reviewed_on": reviewed_on,
        "pupil_view": pupil_view,
        "parent_view": parent_view,
        "next_review_on": next_review_on,
    }
    errors = Errors()
    if decision not in Cycle.Decision.values:
        errors.add("decision", "Choose the decision of the review.")
    if not notes.strip():
        errors.add("notes", "Say what was agreed at the review, and why.")
    _check_text(errors, "notes", notes, 5000, "what was agreed")
    _check_text(errors, "pupil_view", pupil_view, 3000, "the pupil's view")
    _check_text(errors, "parent_view", parent_view or "", 3000, "the parents' view")
    if reviewed_on > today:
        errors.add(
            "reviewed_on",
            f"{reviewed_on:%d/%m/%Y} is in the future: record a review once it has taken place.",
        )
    elif reviewed_on < cycle.starts:
        errors.add(
            "reviewed_on",
            f"{reviewed_on:%d/%m/%Y} is before this cycle started ({cycle.starts:%d/%m/%Y}): "
            "give the date of the review.",
        )
    next_review = next_review_on or reviewed_on + review_interval()
    if decision != Cycle.Decision.LEAVE and next_review <= reviewed_on:
        errors.add("next_review_on", "The next review must come after this one: give a later date.")
    if any(code not in scale for code, _ in progress.values()):
        errors.add(
            "progress",
            "Choose the progress on each outcome from the school's scale "
            f"({', '.join(scale.values())}).",
        )
    if any(len(evidence) > 3000 for _, evidence in progress.values()):
        errors.add("progress", "Keep the evidence of progress to 3000 characters an outcome.")
    errors.raise_any()
    with transaction.atomic():
        cycle = _locked(cycle)
        _refuse_locked(cycle)
        _refuse_stale(cycle, expected_version, yours)
        outcomes = list(cycle.outcomes.order_by("position", "pk"))
        missing = [o.position for o in outcomes if o.pk not in progress]
        if missing:
            listed = ", ".join(str(n) for n in missing)
            raise ValidationError(
                {"progress": [f"Record the progress on outcome {listed}: every outcome needs it."]}
            )
        if set(progress) - {o.pk for o in outcomes}:
            raise ValidationError(
                {"progress": ["Progress was given for an outcome of another cycle: reload it."]}
            )
        before = snapshot(cycle)
        for outcome in outcomes:
            code, evidence = progress[outcome.pk]
            outcome.progress, outcome.progress_label = code, scale[code]
            outcome.progress_evidence = evidence.strip()
        Outcome.objects.bulk_update(outcomes, ["progress", "progress_label", "progress_evidence"])
        cycle.pupil_view = pupil_view.strip()
        cycle.parent_view = parent_views_text(cycle) if parent_view is None else parent_view.strip()
        cycle.decision = decision
        cycle.review_notes = notes.strip()
        cycle.reviewed_on = reviewed_on
        cycle.reviewed_by = by
        cycle.status = Cycle.Status.REVIEWED
        cycle.locked_at = timezone.now()
        cycle.version += 1
        cycle.save()
        version = _save_version(cycle, by=by, what="Reviewed")
        pupil = cycle.plan.pupil
        log.change(
            by,
            "plan.reviewed",
            cycle,
            pupil=pupil,
            before=_changed(before, version.snapshot, before),
            after=_changed(before, version.snapshot, version.snapshot),
        )
        if decision == Cycle.Decision.LEAVE:
            plan = cycle.plan
            plan.ends = reviewed_on
            plan.save(update_fields=["ends"])
            _set_review_date(pupil, None)
            log.change(
                by,
                "plan.ended",
                plan,
                pupil=pupil,
                before={"ends": None},
                after={"ends": reviewed_on, "decision": decision},
            )
            return None
        return _next_cycle(cycle, by=by, review_on=next_review)


def _next_cycle(cycle: Cycle, *, by, review_on: dt.date) -> Cycle:
    assert cycle.reviewed_on is not None
    following = Cycle.objects.create(
        plan=cycle.plan,
        number=cycle.number + 1,
        starts=cycle.reviewed_on,
        review_on=review_on,
        strategies=cycle.strategies,
    )
    Outcome.objects.bulk_create(
        Outcome(
            cycle=following,
            position=o.position,
            text=o.text,
            area=o.area,
            measure=o.measure,
            carried_from=o,
        )
        for o in cycle.outcomes.order_by("position", "pk")
    )
    _add_provision(
        following,
        [
            Provision(p.what, p.who, p.how_often, p.provision_id)
            for p in cycle.provision_items.all()
        ],
    )
    _set_review_date(cycle.plan.pupil, review_on)
    version = _save_version(following, by=by, what="Started from the review of the last cycle")
    log.change(by, "plan.cycle_started", following, pupil=cycle.plan.pupil, after=version.snapshot)
    return following
