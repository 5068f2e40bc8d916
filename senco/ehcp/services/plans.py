"""EHC plans and their versions: recording a plan the LA issued, a new version (an amendment,
a tribunal's order, a transfer from another LA), the plan's details and its end.

A version is never changed once saved: every change of content is a new `PlanVersion` with the
next number, its sections A to K, its outcomes (E) and its provision (F), and the earlier ones
stay readable. Every check runs before anything is written, and a refusal names the section,
the row and the field.

Two SEN leads changing the same plan at once: a new version names the number of the version it
started from (`based_on`), and a change of the details names the plan's `version` it was
opened at (`expected_version`); a different one under the row lock is refused, so nobody
overwrites a change they have not seen. The plan's `version` moves on with each change of its
details, each new version (which may be a transfer to another LA) and its end.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet

from senco import access
from senco.audit import log
from senco.ehcp import deadlines
from senco.ehcp.models import (
    SECTIONS,
    TEXT_SECTIONS,
    EHCPlan,
    NeedsAssessmentRequest,
    PlanOutcome,
    PlanProvision,
    PlanVersion,
)
from senco.provision.models import Provision as LibraryEntry
from senco.pupils import census
from senco.pupils.models import Pupil
from senco.pupils.services import change_register_entry
from senco.schools.calendar import academic_year_start
from senco.validation import Errors

MAX_OUTCOMES = 12
MAX_PROVISION = 20
SECTION_LENGTH = 5000
MOST_TOP_UP = Decimal(200_000)
MOST_SESSIONS = Decimal(500)
MOST_MINUTES = 480  # a school day, as a provision session (senco.provision.models.Session)
OLDEST_PLAN_YEARS = 30
STALE_DETAILS = (
    "Someone changed these details since you opened this page: here is what is saved now; "
    "make your change again. Nothing was changed."
)
AMENDMENT_KINDS = [
    PlanVersion.Kind.AMENDED,
    PlanVersion.Kind.TRIBUNAL,
    PlanVersion.Kind.TRANSFERRED,
]


@dataclass(frozen=True)
class OutcomeRow:
    """Section E: one outcome as written. `carried_from` names (by pk) the same outcome in the
    version being amended, so progress can be followed across versions."""

    text: str
    area: str
    by_when: str = ""
    steps: str = ""
    carried_from: int | None = None


@dataclass(frozen=True)
class ProvisionRow:
    """Section F: one item, quantified. `library` names (by pk) the school's provision library
    entry that delivers it; `outcome` is the number (from 1) of the outcome row it serves."""

    what: str
    who: str
    sessions: Decimal | None
    minutes: int | None
    per: str = PlanProvision.Per.WEEK
    group_size: str = ""
    library: int | None = None
    outcome: int | None = None


@dataclass(frozen=True)
class PlanDetails:
    """What the plan row holds beside its versions: the LA, the caseworker, the funding and the
    phase transfer."""

    local_authority: str
    caseworker: str = ""
    caseworker_email: str = ""
    la_reference: str = ""
    top_up_per_year: Decimal | None = None
    top_up_band: str = ""
    phase_transfer_year: int | None = None
    into_post16: bool = False
    transferred_in_on: dt.date | None = None


def _refuse(message: str) -> ValidationError:
    return ValidationError({NON_FIELD_ERRORS: [message]})


# Reading.


def current_version(plan: EHCPlan) -> PlanVersion | None:
    """The plan's latest version: its content as it stands."""
    return plan.versions.order_by("-number").first()


def versions_of(plan: EHCPlan) -> QuerySet:
    """Every version of the plan, first to latest."""
    return plan.versions.order_by("number")


@dataclass
class Content:
    """A version with its outcomes and provision, read in two queries however many rows."""

    version: PlanVersion
    outcomes: list[PlanOutcome]
    provision: list[PlanProvision]
    # Section F item (pk) -> its hours a year, as shown (see senco.ehcp.delivery.hours_a_year).
    hours_a_year: dict[int, str] = field(default_factory=dict)
    weeks_a_year: str = ""

    @property
    def provision_rows(self) -> list[tuple[PlanProvision, str]]:
        return [(item, self.hours_a_year.get(item.pk, "")) for item in self.provision]

    @property
    def in_order(self) -> list[tuple[str, str, str]]:
        """(code, title, text) of every section, A to K; E and F have no text (their rows are
        `outcomes` and `provision`)."""
        return [(code, title, self.version.section(code)) for code, title in SECTIONS.items()]


def content(version: PlanVersion) -> Content:
    return Content(
        version=version,
        outcomes=list(version.outcomes.order_by("position", "pk")),
        provision=list(
            version.provision.select_related("provision", "outcome").order_by("position", "pk")
        ),
    )


# Checks.


def _check_text(
    errors: Errors,
    name: str,
    value: str,
    limit: int,
    what: str,
    *,
    required: str = "",
    where: str = "",
) -> None:
    """Refuse text missing (when `required` says why it is needed), too long, or holding a
    null character; `where` names the row."""
    said = f"{where}: k" if where else "K"
    if required and not value.strip():
        errors.add(name, required)
    if len(value) > limit:
        errors.add(name, f"{said}eep {what} to {limit} characters (it has {len(value)}).")
    if "\x00" in value:
        # Forms refuse it already; an import or a command must not reach the database with it.
        said = f"{where}: r" if where else "R"
        errors.add(name, f"{said}emove the null character from {what}.")


def _check_details(errors: Errors, pupil: Pupil, details: PlanDetails, issued_on) -> None:
    today = access.today()
    _check_text(
        errors,
        "local_authority",
        details.local_authority,
        100,
        "the local authority",
        required="Give the local authority that issued the plan.",
    )
    _check_text(errors, "caseworker", details.caseworker, 200, "the caseworker")
    _check_text(errors, "la_reference", details.la_reference, 50, "the LA reference")
    _check_text(errors, "top_up_band", details.top_up_band, 50, "the top-up band")
    _check_text(errors, "caseworker_email", details.caseworker_email, 254, "the email")
    if details.caseworker_email and "\x00" not in details.caseworker_email:
        try:
            validate_email(details.caseworker_email)
        except ValidationError:
            errors.add("caseworker_email", "Give the caseworker's email as name@example.org.")
    top_up = details.top_up_per_year
    if top_up is not None and not (
        top_up.is_finite() and Decimal(0) <= top_up <= MOST_TOP_UP and top_up == round(top_up, 2)
    ):
        errors.add(
            "top_up_per_year",
            f"Give the top-up funding a year in pounds and pence, between £0 and "
            f"£{MOST_TOP_UP:,} ({str(top_up)[:20]} is not a yearly top-up).",
        )
    if details.phase_transfer_year is not None:
        message = transfer_year_problem(pupil, details.phase_transfer_year, today)
        if message:
            errors.add("phase_transfer_year", message)
    moved = details.transferred_in_on
    if moved is not None:
        if moved > today:
            errors.add(
                "transferred_in_on",
                f"The date the plan arrived from another LA ({moved:%d/%m/%Y}) is in the "
                "future: give the day it was transferred.",
            )
        if issued_on is not None and moved < issued_on:
            errors.add(
                "transferred_in_on",
                f"The plan arrived from another LA ({moved:%d/%m/%Y}) before it was issued "
                f"({issued_on:%d/%m/%Y}): check both dates.",
            )


def transfer_year_problem(pupil: Pupil, year: int, today: dt.date) -> str:
    """Why the phase transfer year does not fit the pupil (deadlines.check_transfer_year's
    message), or "" when it fits."""
    if pupil.year_group is None:
        return (
            f"{pupil.first_name} has no year group, so no transfer year can be checked: "
            "record their year group first, or leave the transfer year empty."
        )
    try:
        deadlines.check_transfer_year(year, pupil.year_group, academic_year_start(today))
    except (ValueError, TypeError) as problem:
        message = str(problem)
        return f"The phase transfer year does not fit: {message[:1].lower()}{message[1:]}."
    return ""


# The common transfers, by the year group the pupil leaves, as a SENCO says them.
MOVES = {
    deadlines.NURSERY: "the move into school",
    6: "the move to secondary school",
    11: "the move to post-16 (tick “into post-16”)",
}


def transfer_year_suggested(pupil: Pupil, today: dt.date) -> str:
    """The pupil's next common phase transfer, as a suggestion for the form ("For this pupil
    (Year 4): 2029, the move to secondary school."); "" without a year group."""
    if pupil.year_group is None:
        return ""
    start = academic_year_start(today)
    try:
        year = deadlines.next_transfer_year(pupil.year_group, start)
    except (ValueError, TypeError):  # a year group out of the rules' range
        return ""
    said = f"For this pupil ({pupil.year_group_label}): "
    if year is None:
        return said + "no phase transfer is left."
    leaves = pupil.year_group + year - start - 1
    point = next(p for p in deadlines.common_transfer_points if p.leaves == leaves)
    return said + f"{year}, {MOVES.get(leaves, point.name)}."


def _check_issued_on(errors: Errors, pupil: Pupil, issued_on: dt.date) -> None:
    today = access.today()
    if issued_on > today:
        errors.add(
            "issued_on",
            f"The issue date ({issued_on:%d/%m/%Y}) is in the future: record the plan once "
            "the LA has issued it.",
        )
    elif issued_on < deadlines.add_months(today, -12 * OLDEST_PLAN_YEARS):
        errors.add(
            "issued_on",
            f"The issue date ({issued_on:%d/%m/%Y}) is more than {OLDEST_PLAN_YEARS} years ago: "
            "check the year.",
        )
    elif issued_on < pupil.date_of_birth:
        errors.add(
            "issued_on",
            f"The issue date ({issued_on:%d/%m/%Y}) is before {pupil.first_name} was born "
            f"({pupil.date_of_birth:%d/%m/%Y}): check the year.",
        )


def _check_sections(errors: Errors, sections: Mapping[str, str]) -> None:
    for code in sections:
        if code not in TEXT_SECTIONS:
            errors.add(
                "sections",
                f"There is no written section {code!s:.5}: sections are "
                f"{', '.join(TEXT_SECTIONS)} (E and F are rows of their own).",
            )
    for code in TEXT_SECTIONS:
        _check_text(
            errors, f"section_{code}", sections.get(code, ""), SECTION_LENGTH, f"section {code}"
        )


def _check_count(errors: Errors, name: str, given: int, most: int, section: str, what: str):
    if given > most:
        errors.add(
            name, f"{section} holds up to {most} {what} ({given} given): join some together."
        )


def _check_outcomes(
    errors: Errors, outcomes: Sequence[OutcomeRow], carried: set[int] | None = None
) -> None:
    _check_count(errors, "outcomes", len(outcomes), MAX_OUTCOMES, "Section E", "outcomes")
    for n, row in enumerate(outcomes, start=1):
        where = f"Section E, row {n}"
        _check_text(
            errors,
            "outcomes",
            row.text,
            1000,
            "the outcome",
            required=f"{where}: write the outcome.",
            where=where,
        )
        if row.area not in census.BROAD_AREAS:
            errors.add("outcomes", f"{where}: choose the area of need the outcome is about.")
        _check_text(errors, "outcomes", row.by_when, 100, "“by when”", where=where)
        _check_text(errors, "outcomes", row.steps, 2000, "the steps", where=where)
        if row.carried_from is not None and row.carried_from not in (carried or set()):
            errors.add(
                "outcomes",
                f"{where}: it names an outcome that is not in the plan's current version.",
            )


def _check_provision(
    errors: Errors,
    pupil: Pupil,
    provision: Sequence[ProvisionRow],
    outcomes: int,
    linked: AbstractSet[int] = frozenset(),
) -> None:
    _check_count(errors, "provision", len(provision), MAX_PROVISION, "Section F", "items")
    for n, row in enumerate(provision, start=1):
        where = f"Section F, row {n}"
        if not (row.what.strip() and row.who.strip()):
            errors.add("provision", f"{where}: say what the provision is and who delivers it.")
        _check_text(errors, "provision", row.what, 1000, "“what”", where=where)
        _check_text(errors, "provision", row.who, 200, "“who”", where=where)
        _check_text(errors, "provision", row.group_size, 50, "the group size", where=where)
        if not (
            row.sessions is not None
            and row.sessions.is_finite()
            and row.sessions > 0
            and row.minutes
            and row.minutes > 0
        ):
            errors.add(
                "provision",
                f"{where}: give how often (sessions) and for how long (minutes): section F "
                "must be quantified.",
            )
        else:
            if row.sessions > MOST_SESSIONS or row.sessions != round(row.sessions, 1):
                errors.add(
                    "provision",
                    f"{where}: give the sessions as a number from 0.1 to {MOST_SESSIONS}, to "
                    "one decimal place.",
                )
            if row.minutes > MOST_MINUTES:
                errors.add(
                    "provision",
                    f"{where}: a session lasts at most {MOST_MINUTES} minutes (a school day).",
                )
        if row.per not in PlanProvision.Per.values:
            errors.add("provision", f"{where}: choose a week, a term or a year.")
        if row.outcome is not None and not 1 <= row.outcome <= outcomes:
            errors.add(
                "provision",
                f"{where}: the outcome it serves ({row.outcome}) is not one of the "
                f"{outcomes} outcome{'s' if outcomes != 1 else ''} of section E.",
            )
    named = {row.library for row in provision if row.library is not None}
    if named:
        found = set(
            LibraryEntry.objects.filter(pk__in=named, school=pupil.school_id).values_list(
                "pk", "is_active"
            )
        )
        usable = {pk for pk, active in found if active or pk in linked}
        for n, row in enumerate(provision, start=1):
            if row.library is not None and row.library not in usable:
                errors.add(
                    "provision",
                    f"Section F, row {n}: choose provision in use in this school's library.",
                )


def _check_content(
    errors: Errors,
    pupil: Pupil,
    sections: Mapping[str, str],
    outcomes: Sequence[OutcomeRow],
    provision: Sequence[ProvisionRow],
    *,
    carried: set[int] | None = None,
    linked: AbstractSet[int] = frozenset(),
) -> None:
    _check_sections(errors, sections)
    _check_outcomes(errors, outcomes, carried)
    _check_provision(errors, pupil, provision, len(outcomes), linked)


# Writing.


def _write_content(
    version: PlanVersion, outcomes: Sequence[OutcomeRow], provision: Sequence[ProvisionRow]
) -> None:
    written = PlanOutcome.objects.bulk_create(
        PlanOutcome(
            version=version,
            position=n,
            text=row.text.strip(),
            area=row.area,
            by_when=row.by_when.strip(),
            steps=row.steps.strip(),
            carried_from_id=row.carried_from,
        )
        for n, row in enumerate(outcomes, start=1)
    )
    PlanProvision.objects.bulk_create(
        PlanProvision(
            version=version,
            position=n,
            what=row.what.strip(),
            who=row.who.strip(),
            # Checked before writing: every item has its sessions and minutes.
            sessions=cast(Decimal, row.sessions),
            per=row.per,
            minutes=cast(int, row.minutes),
            group_size=row.group_size.strip(),
            provision_id=row.library,
            outcome=written[row.outcome - 1] if row.outcome else None,
        )
        for n, row in enumerate(provision, start=1)
    )


def _clean_sections(sections: Mapping[str, str]) -> dict[str, str]:
    return {code: sections[code].strip() for code in TEXT_SECTIONS if sections.get(code, "")}


def _summary(version: PlanVersion, outcomes, provision) -> dict[str, Any]:
    """What an audit entry says of a version: never the text of the plan itself."""
    return {
        "version": version.number,
        "kind": version.kind,
        "dated": version.dated,
        "sections": sorted(version.sections),
        "outcomes": len(outcomes),
        "provision": len(provision),
    }


def _details_of(plan: EHCPlan) -> dict[str, Any]:
    return {
        "local_authority": plan.local_authority,
        "caseworker": plan.caseworker,
        "caseworker_email": plan.caseworker_email,
        "la_reference": plan.la_reference,
        "top_up_per_year": str(plan.top_up_per_year) if plan.top_up_per_year is not None else None,
        "top_up_band": plan.top_up_band,
        "phase_transfer_year": plan.phase_transfer_year,
        "into_post16": plan.into_post16,
        "transferred_in_on": plan.transferred_in_on,
    }


def _apply(plan: EHCPlan, details: PlanDetails) -> None:
    for name, value in asdict(details).items():
        setattr(plan, name, value.strip() if isinstance(value, str) else value)


ON_REGISTER = "on_register"


def register_needs(pupil: Pupil) -> list[str]:
    """The pupil's needs on the SEN register now, primary need first."""
    needs = pupil.sen_needs.filter(ends__isnull=True).order_by("rank")
    return list(needs.values_list("need", flat=True))


def _check_register(errors: Errors, pupil: Pupil, issued_on: dt.date, needs: list[str]) -> None:
    """Whether the register can record the pupil as E from the issue date, keeping their
    needs: the census wants a primary need for E, and the register's history runs forward."""
    where = "the SEN register"
    if not needs:
        errors.add(
            ON_REGISTER,
            f"{pupil.first_name} has no primary need on {where}, and the census needs one for E: "
            "record their need on the register first (change their SEN status), then record "
            "the plan. Nothing was recorded.",
        )
        return
    for breach in census.check_entry("E", needs):
        errors.add(
            ON_REGISTER,
            f"{pupil.first_name}'s needs on {where} cannot go with E: {breach.message} Change "
            "them on the register first. Nothing was recorded.",
        )
    current = pupil.sen_statuses.filter(ends__isnull=True).first()
    if current is not None and current.starts >= issued_on:
        errors.add(
            ON_REGISTER,
            f"{pupil.first_name}'s SEN status on {where} changed on {current.starts:%d/%m/%Y}, "
            f"not before the plan's issue date ({issued_on:%d/%m/%Y}), so E cannot start on "
            "the issue date: untick the box and change the register by hand.",
        )


def record_plan(
    pupil: Pupil,
    *,
    by,
    details: PlanDetails,
    issued_on: dt.date,
    sections: Mapping[str, str],
    outcomes: Sequence[OutcomeRow],
    provision: Sequence[ProvisionRow],
    request: NeedsAssessmentRequest | None = None,
    on_register: bool = False,
) -> EHCPlan:
    """The plan the LA issued, as version 1. A needs assessment request of the same pupil, when
    given, is closed as issued with this plan. With `on_register` (and the pupil not on E),
    the register records the pupil as E from the issue date, keeping their needs, through its
    own service in the same transaction; a pupil without a primary need is refused and nothing
    is recorded."""
    on_register = on_register and pupil.sen_provision != "E"
    needs = register_needs(pupil) if on_register else []
    errors = Errors()
    _check_issued_on(errors, pupil, issued_on)
    _check_details(errors, pupil, details, issued_on)
    _check_content(errors, pupil, sections, outcomes, provision)
    if request is not None and request.pupil_id != pupil.pk:
        errors.add(NON_FIELD_ERRORS, "The needs assessment request is another pupil's.")
    if on_register and "issued_on" not in errors:
        _check_register(errors, pupil, issued_on, needs)
    errors.raise_any()
    with transaction.atomic():
        # The pupil's row lock: two people recording at once get one plan and a refusal.
        pupil = Pupil.objects.select_for_update(of=("self",)).get(pk=pupil.pk)
        existing = EHCPlan.objects.current().filter(pupil=pupil).first()
        if existing is not None:
            raise _refuse(
                f"{pupil.full_name} already has a current EHC plan (issued "
                f"{existing.issued_on:%d/%m/%Y}): record a new version of it instead."
            )
        plan = EHCPlan(pupil=pupil, issued_on=issued_on, created_by=by)
        _apply(plan, details)
        plan.save()
        version = PlanVersion.objects.create(
            plan=plan,
            number=1,
            kind=PlanVersion.Kind.ISSUED,
            dated=issued_on,
            sections=_clean_sections(sections),
            saved_by=by,
        )
        _write_content(version, outcomes, provision)
        log.change(
            by,
            "ehcp.plan_recorded",
            plan,
            pupil=pupil,
            after=_details_of(plan)
            | {"issued_on": issued_on, "on_register_as_e_from": issued_on if on_register else None}
            | _summary(version, outcomes, provision),
        )
        if request is not None:
            _close_request(request, plan, by)
        if on_register:
            _record_on_register(pupil, needs, issued_on, by)
    return plan


def _record_on_register(pupil: Pupil, needs: list[str], issued_on: dt.date, by) -> None:
    """E from the issue date, through the register's service (its history and audit entry);
    its refusal, if the register changed since the check, undoes the whole plan."""
    try:
        change_register_entry(pupil, provision="E", needs=needs, starts=issued_on, by=by)
    except ValidationError as refusal:
        raise ValidationError({ON_REGISTER: refusal.messages}) from refusal


def _close_request(request: NeedsAssessmentRequest, plan: EHCPlan, by) -> None:
    request = NeedsAssessmentRequest.objects.select_for_update().get(pk=request.pk)
    if request.plan_id is not None:
        raise _refuse("That needs assessment request already has its plan recorded.")
    before = {"status": request.status, "decided_on": request.decided_on, "plan": None}
    request.plan = plan
    request.status = NeedsAssessmentRequest.Status.ISSUED
    request.decided_on = request.decided_on or plan.issued_on
    request.version += 1
    request.save(update_fields=["plan", "status", "decided_on", "version"])
    log.change(
        by,
        "ehcp.request_changed",
        request,
        pupil=plan.pupil,
        before=before,
        after={"status": request.status, "decided_on": request.decided_on, "plan": str(plan)},
    )


def _locked(plan: EHCPlan) -> EHCPlan:
    return EHCPlan.objects.select_for_update(of=("self",)).select_related("pupil").get(pk=plan.pk)


def _check_plan_date(
    errors: Errors,
    name: str,
    day: dt.date,
    plan: EHCPlan,
    latest: PlanVersion | None,
    what: str,
) -> None:
    """A day in the plan's life: not in the future, nor before the plan was issued or its
    latest version was dated (versions follow one another)."""
    if day > access.today():
        errors.add(name, f"{what} ({day:%d/%m/%Y}) is in the future.")
    if day < plan.issued_on:
        errors.add(
            name,
            f"{what} ({day:%d/%m/%Y}) is before the plan was issued ({plan.issued_on:%d/%m/%Y}).",
        )
    elif latest is not None and day < latest.dated:
        errors.add(
            name,
            f"{what} ({day:%d/%m/%Y}) is before the current version {latest.number} "
            f"({latest.dated:%d/%m/%Y}): versions follow one another.",
        )


def _refuse_ceased(plan: EHCPlan) -> None:
    if plan.ceased_on is not None:
        raise _refuse(f"This plan ceased on {plan.ceased_on:%d/%m/%Y}: nothing was changed.")


def amend_plan(
    plan: EHCPlan,
    *,
    by,
    kind: str,
    dated: dt.date,
    why: str,
    sections: Mapping[str, str],
    outcomes: Sequence[OutcomeRow],
    provision: Sequence[ProvisionRow],
    based_on: int,
) -> PlanVersion:
    """A new version of the plan, whole: the versions before it stay as they were.

    `based_on` is the number of the version the change started from: when someone has
    recorded another version since, the change is refused so nothing is overwritten unseen.
    The plan's `version` moves on, so a details page opened before is refused too."""
    _refuse_ceased(plan)
    latest = current_version(plan)
    errors = Errors()
    if kind not in AMENDMENT_KINDS:
        errors.add("kind", "Choose what the new version is: amended, tribunal or transferred.")
    _check_text(
        errors,
        "why",
        why,
        3000,
        "what changed and why",
        required="Say what changed and why (the review, the tribunal's order, the transfer).",
    )
    _check_plan_date(errors, "dated", dated, plan, latest, "The version's date")
    carried = set(latest.outcomes.values_list("pk", flat=True)) if latest else set()
    linked = (
        set(latest.provision.exclude(provision=None).values_list("provision_id", flat=True))
        if latest
        else set()
    )
    _check_content(
        errors, plan.pupil, sections, outcomes, provision, carried=carried, linked=linked
    )
    errors.raise_any()
    with transaction.atomic():
        plan = _locked(plan)
        _refuse_ceased(plan)
        latest = current_version(plan)
        number = latest.number if latest else 0
        if based_on != number:
            raise _refuse(
                f"Version {number} of this plan was recorded after you opened the form: "
                "reload it and make your change again. Nothing was changed."
            )
        version = PlanVersion.objects.create(
            plan=plan,
            number=number + 1,
            kind=kind,
            dated=dated,
            sections=_clean_sections(sections),
            why=why.strip(),
            saved_by=by,
        )
        _write_content(version, outcomes, provision)
        plan.version += 1
        plan.save(update_fields=["version"])
        log.change(
            by,
            "ehcp.plan_amended",
            plan,
            pupil=plan.pupil,
            before={"version": number},
            after=_summary(version, outcomes, provision) | {"why": version.why},
        )
    return version


def change_details(plan: EHCPlan, *, by, expected_version: int, details: PlanDetails) -> EHCPlan:
    """The LA, caseworker, reference, funding and phase transfer of a current plan.

    `expected_version` is the plan's `version` the page was opened at: when someone has saved
    a change of the plan since (its details, a new version, its end), the change is refused
    and nothing changes, so theirs is not reverted unseen (who saved is in the audit log)."""
    _refuse_ceased(plan)
    errors = Errors()
    _check_details(errors, plan.pupil, details, plan.issued_on)
    errors.raise_any()
    with transaction.atomic():
        plan = _locked(plan)
        _refuse_ceased(plan)
        if plan.version != expected_version:
            raise _refuse(STALE_DETAILS)
        before = _details_of(plan)
        _apply(plan, details)
        after = _details_of(plan)
        changed = [name for name in after if after[name] != before[name]]
        if changed:
            plan.version += 1
            plan.save(update_fields=[*changed, "version"])
            log.change(
                by,
                "ehcp.plan_changed",
                plan,
                pupil=plan.pupil,
                before={n: before[n] for n in changed},
                after={n: after[n] for n in changed},
            )
    return plan


def cease_plan(plan: EHCPlan, *, by, on: dt.date, why: str) -> EHCPlan:
    """The plan ceased (the LA decided so, or the pupil left): everything is kept, and the
    pupil's SEN status is changed on the register, not here."""
    _refuse_ceased(plan)
    errors = Errors()
    latest = current_version(plan)
    _check_plan_date(errors, "ceased_on", on, plan, latest, "The date the plan ceased")
    _check_text(
        errors,
        "why",
        why,
        2000,
        "why the plan ceased",
        required="Say why the plan ceased (the LA's decision, the pupil left).",
    )
    errors.raise_any()
    with transaction.atomic():
        plan = _locked(plan)
        _refuse_ceased(plan)
        plan.ceased_on = on
        plan.ceased_because = why.strip()
        plan.version += 1
        plan.save(update_fields=["ceased_on", "ceased_because", "version"])
        log.change(
            by,
            "ehcp.plan_ceased",
            plan,
            pupil=plan.pupil,
            before={"ceased_on": None},
            after={"ceased_on": on, "why": why.strip()},
        )
    return plan
