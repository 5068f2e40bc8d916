"""LA consultations: an LA asks the school whether it can be named in a child's EHC plan, and
the school answers within 15 days (SEND Code of Practice 9.83).

A consultation is still to answer until the school says whether it can meet the child's needs:
asking the LA for more information does not answer it (the 15 days still count from its
arrival; the LA may agree a new date, which the school keeps on the consultation's papers).

The child may not be a pupil yet, so only their initials and the LA's reference are kept,
never their name. Each change is one transaction with its audit entry; everything is checked
before anything is written, and a refusal says what is wrong and where. An answer names the
consultation's `version` its page was opened at: a different one under the row lock (someone
answered since) is refused, so an answer is never overwritten unseen.
"""

import datetime as dt
import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q

from senco import access
from senco.audit import log
from senco.ehcp import deadlines
from senco.ehcp.models import LAConsultation
from senco.schools.calendar import year_group_label
from senco.schools.models import School
from senco.validation import Errors

Answer = LAConsultation.Answer
# The school's answers as the form offers them, in the Code's terms (9.79-9.84): the school
# may object that the placement would be unsuitable for the child's age, ability, aptitude or
# SEN, or incompatible with the efficient education of others or the efficient use of
# resources. The values stored are the model's.
ANSWER_CHOICES = [
    (Answer.CAN_MEET, "The school can meet the child's needs: it agrees to be named"),
    (
        Answer.CANNOT_MEET,
        "The school objects: unsuitable, or incompatible with others' education or the "
        "efficient use of resources (give the reasons)",
    ),
    (Answer.MORE_INFORMATION, "The school asked the LA for more information"),
]
# An answer as the pages show it once given.
ANSWERED: dict[str, str] = {
    Answer.CAN_MEET: "Can meet the child's needs: agrees to be named",
    Answer.CANNOT_MEET: "Objects to being named",
    Answer.MORE_INFORMATION: "Asked the LA for more information",
}
# Not answered yet, or only more information asked for: the school still owes its answer.
STILL_TO_ANSWER = Q(answered_on__isnull=True) | Q(answer=Answer.MORE_INFORMATION)
LIMITS = {"local_authority": 100, "la_reference": 50, "child_initials": 5, "reasons": 5000}
INITIALS = re.compile(r"[A-Za-z. ]+")
OLDEST = dt.timedelta(days=366)
YEAR_GROUPS = range(-2, 14)
INITIALS_ONLY = (
    "Give only the child's initials, such as J.B. (letters, dots and spaces, at most 5): "
    "never their name."
)
STALE_ANSWER = (
    "Someone answered this consultation since you opened this page: here is the answer saved "
    "now; record yours again if it is still needed. Nothing was changed."
)


def _check_text(errors: Errors, name: str, value: str, what: str) -> None:
    if "\x00" in value:
        errors.add(name, f"Remove the null character from {what}.")
    limit = LIMITS[name]
    if len(value) > limit:
        errors.add(name, f"Keep {what} to {limit} characters (it has {len(value):,}).")


def answer_by(consultation: LAConsultation) -> dt.date:
    """When the school should answer: 15 days from the consultation (Code 9.83)."""
    return deadlines.consultation_answer_by(consultation.received_on)


def still_to_answer(consultation: LAConsultation) -> bool:
    """Whether the school still owes the LA its answer (`STILL_TO_ANSWER`, for one row)."""
    return consultation.answered_on is None or consultation.answer == Answer.MORE_INFORMATION


def more_information_asked_on(consultation: LAConsultation) -> dt.date | None:
    """The day the school asked the LA for more information, while that is its last word."""
    if consultation.answer == Answer.MORE_INFORMATION:
        return consultation.answered_on
    return None


def answered_in_time(consultation: LAConsultation) -> bool | None:
    """Whether the answer met the 15 days; None while still to answer."""
    if still_to_answer(consultation) or consultation.answered_on is None:
        return None
    return consultation.answered_on <= answer_by(consultation)


def clean_initials(value: str) -> str:
    """The initials as kept: upper case, spaces squeezed."""
    return " ".join(value.split()).upper()


def _check_initials(errors: Errors, initials: str) -> None:
    if not initials:
        errors.add("child_initials", "Give the child's initials, such as J.B.")
    elif "\x00" in initials or not INITIALS.fullmatch(initials) or len(initials) > 5:
        errors.add("child_initials", INITIALS_ONLY)


def _check_day(
    errors: Errors,
    field: str,
    day: dt.date | None,
    today: dt.date,
    *,
    what: str,
    earliest: dt.date,
    too_early: str,
) -> None:
    """A day given (`what` happened on it), not in the future, not before `earliest`."""
    if day is None:
        errors.add(field, f"Give the date {what}.")
    elif day > today:
        errors.add(field, f"{day:%d/%m/%Y} is in the future: give the date {what}.")
    elif day < earliest:
        errors.add(field, f"{day:%d/%m/%Y} {too_early}")


def record_consultation(
    school: School,
    *,
    by,
    local_authority: str,
    child_initials: str,
    received_on: dt.date | None,
    la_reference: str = "",
    year_group: int | None = None,
    starting: dt.date | None = None,
    today: dt.date | None = None,
) -> LAConsultation:
    """Record a consultation the LA sent: which LA, its reference, the child's initials, the
    year group they would join and when, and the day it arrived (not in the future, not over
    a year ago)."""
    today = today or access.today()
    local_authority = local_authority.strip()
    la_reference = la_reference.strip()
    initials = clean_initials(child_initials)
    errors = Errors()
    if not local_authority:
        errors.add("local_authority", "Give the local authority that sent the consultation.")
    _check_text(errors, "local_authority", local_authority, "the local authority")
    _check_text(errors, "la_reference", la_reference, "the LA reference")
    _check_initials(errors, initials)
    if year_group is not None and year_group not in YEAR_GROUPS:
        errors.add("year_group", "Choose the year group the child would join, or “Not known”.")
    _check_day(
        errors, "received_on", received_on, today, what="the LA's consultation arrived",
        earliest=today - OLDEST,
        too_early="is more than a year ago: check the date (a consultation is answered within "
        "15 days).",
    )  # fmt: skip
    errors.raise_any()
    assert received_on is not None
    with transaction.atomic():
        consultation = LAConsultation.objects.create(
            school=school,
            local_authority=local_authority,
            la_reference=la_reference,
            child_initials=initials,
            year_group=year_group,
            starting=starting,
            received_on=received_on,
            created_by=by,
        )
        log.change(by, "ehcp.consultation_recorded", consultation, after=_summary(consultation))
    return consultation


def _summary(consultation: LAConsultation) -> dict:
    summary = {
        "local_authority": consultation.local_authority,
        "la_reference": consultation.la_reference,
        "child_initials": consultation.child_initials,
        "year_group": ""
        if consultation.year_group is None
        else year_group_label(consultation.year_group),
        "starting": consultation.starting,
        "received_on": consultation.received_on,
    }
    return summary


def _answer(consultation: LAConsultation) -> dict:
    return {
        "answer": consultation.answer,
        "answered_on": consultation.answered_on,
        "reasons": consultation.reasons,
    }


def answer_consultation(
    consultation: LAConsultation,
    *,
    by,
    expected_version: int,
    answer: str,
    answered_on: dt.date | None,
    reasons: str = "",
    today: dt.date | None = None,
) -> LAConsultation:
    """Record the school's answer: it can meet the child's needs, it objects (with its
    reasons), or it asked the LA for more information (the consultation is then still to
    answer); on a day between the consultation's arrival and today. A later answer replaces
    it (after more information, or to correct it); each stays in the audit log.
    `expected_version` is the consultation's `version` the page was opened at: an answer
    saved since is not overwritten (the change is refused)."""
    today = today or access.today()
    reasons = reasons.strip()
    errors = Errors()
    if answer not in LAConsultation.Answer.values:
        errors.add("answer", "Choose the school's answer.")
    received = consultation.received_on
    _check_day(
        errors, "answered_on", answered_on, today, what="the school answered",
        earliest=received, too_early=f"is before the consultation arrived ({received:%d/%m/%Y}).",
    )  # fmt: skip
    if answer == LAConsultation.Answer.CANNOT_MEET and not reasons:
        errors.add(
            "reasons",
            "Give the school's reasons: the LA must know why the placement would be unsuitable "
            "for the child's age, ability, aptitude or SEN, or incompatible with the efficient "
            "education of others or the efficient use of resources.",
        )
    _check_text(errors, "reasons", reasons, "the reasons")
    errors.raise_any()
    with transaction.atomic():
        locked = LAConsultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.version != expected_version:
            raise ValidationError({NON_FIELD_ERRORS: [STALE_ANSWER]})
        before = _answer(locked)
        locked.answer = answer
        locked.answered_on = answered_on
        locked.reasons = reasons
        locked.version += 1
        locked.save(update_fields=["answer", "answered_on", "reasons", "version"])
        log.change(
            by,
            "ehcp.consultation_answered",
            locked,
            pupil=locked.pupil,
            before=before,
            after=_answer(locked),
        )
    return locked
