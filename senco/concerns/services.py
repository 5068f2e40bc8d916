"""Every change to concerns and the monitoring list: one transaction, one audit entry each."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from senco.audit import log
from senco.concerns.models import Concern, ConcernAttachment, Monitoring, MonitoringReview
from senco.pupils import census, uploads
from senco.pupils.models import Pupil
from senco.pupils.services import change_register_entry
from senco.pupils.uploads import Document

MAX_ATTACHMENTS = 3


def raise_concern(
    pupil: Pupil,
    *,
    by,
    seen: str,
    area: str = "",
    tried: str = "",
    evidence: str = "",
    documents: Sequence[Document] = (),
) -> Concern:
    """A member of staff's concern about a pupil, with its evidence (documents already checked
    by `senco.pupils.uploads.check_document`)."""
    if not seen.strip():
        raise ValidationError({"seen": ["Say what you see: this is what the SENCO acts on."]})
    if len(documents) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": [f"Attach at most {MAX_ATTACHMENTS} files to one concern."]}
        )
    attachments = [ConcernAttachment() for _ in documents]
    for attachment, document in zip(attachments, documents, strict=True):
        uploads.store(attachment, document)
    with uploads.removed_if_unsaved(attachments), transaction.atomic():
        concern = Concern.objects.create(
            school_id=pupil.school_id,
            pupil=pupil,
            raised_by=by,
            area=area,
            seen=seen,
            tried=tried,
            evidence=evidence,
        )
        for attachment in attachments:
            attachment.concern = concern
            attachment.save()
        log.change(
            by,
            "concern.raised",
            concern,
            pupil=pupil,
            after={"area": area, "attachments": [d.filename for d in documents]},
        )
    return concern


def check_decision(
    *,
    decision: str,
    reasons: str,
    agency: str,
    parents_told: str,
    parents_told_on: dt.date | None,
    today: dt.date,
) -> dict[str, str]:
    """What is missing or wrong in a triage decision, field by field (empty when it may stand).
    The triage form shows these; `triage` refuses on them."""
    errors = {}
    if decision not in Concern.Decision.values:
        errors["decision"] = "Choose what happens next."
    if not reasons.strip():
        errors["reasons"] = (
            "Give the reasons for the decision: they are kept with the concern and show why "
            "it was made."
        )
    if decision == Concern.Decision.REFER and not agency.strip():
        errors["agency"] = "Name the agency the pupil is referred to."
    if parents_told not in Concern.ParentsTold.values:
        errors["parents_told"] = "Say how parents were told, or choose “Not told yet”."
    elif parents_told != Concern.ParentsTold.NOT_YET and parents_told_on is None:
        errors["parents_told_on"] = "Give the date parents were told."
    if parents_told_on and parents_told_on > today:
        errors["parents_told_on"] = (
            f"{parents_told_on:%d/%m/%Y} is in the future: give the date parents were told."
        )
    return errors


def _already_decided(concern: Concern) -> ValidationError:
    when = timezone.localtime(concern.triaged_at).date() if concern.triaged_at else None
    who = concern.triaged_by.get_full_name() if concern.triaged_by else "a SEN lead"
    on = f" on {when:%d/%m/%Y}" if when else ""
    return ValidationError(
        {
            "decision": [
                f"This concern was already decided{on} by {who} "
                f"({concern.get_decision_display()}): it cannot be triaged again. Raise a "
                "new concern if something has changed."
            ]
        }
    )


def _start_monitoring(concern: Concern, *, starts: dt.date, review_on: dt.date, by) -> None:
    """The pupil joins the monitoring list, unless they are on it already."""
    if Monitoring.objects.open().filter(pupil=concern.pupil).exists():
        return
    monitoring = Monitoring.objects.create(
        pupil=concern.pupil,
        concern=concern,
        starts=starts,
        reason=concern.reasons,
        review_on=review_on,
        started_by=by,
    )
    log.change(
        by,
        "monitoring.started",
        monitoring,
        pupil=concern.pupil,
        after={"starts": starts, "review_on": review_on},
    )


def triage(
    concern: Concern,
    *,
    by,
    decision: str,
    reasons: str,
    parents_told: str,
    parents_told_on: dt.date | None = None,
    agency: str = "",
    review_on: dt.date | None = None,
    starts: dt.date | None = None,
    needs: Sequence[str] = (),
) -> Concern:
    """The SEN lead's decision on a concern. "Start SEN support" puts the pupil on the register
    (K, with ranked needs, by the strict census rules) and "monitor" on the monitoring list, in
    the same transaction: a refusal anywhere changes nothing. The row lock stops two SEN leads
    deciding the same concern."""
    today = timezone.localdate()
    errors = check_decision(
        decision=decision,
        reasons=reasons,
        agency=agency,
        parents_told=parents_told,
        parents_told_on=parents_told_on,
        today=today,
    )
    if decision == Concern.Decision.MONITOR and review_on is None:
        errors["review_on"] = "Give the date to review the pupil's progress by."
    elif decision == Concern.Decision.MONITOR and review_on and review_on <= today:
        errors["review_on"] = "The review date must be after today: give a later date."
    if decision == Concern.Decision.SEN_SUPPORT and starts is None:
        errors["starts"] = "Give the date SEN support starts."
    if errors:
        raise ValidationError({field: [message] for field, message in errors.items()})
    with transaction.atomic():
        concern = (
            Concern.objects.select_for_update(of=("self",))
            .select_related("pupil__school", "triaged_by")
            .get(pk=concern.pk)
        )
        if not concern.is_open:
            raise _already_decided(concern)
        if decision == Concern.Decision.SEN_SUPPORT:
            if concern.pupil.sen_provision in census.REGISTER_CODES:
                raise ValidationError(
                    {
                        "decision": [
                            f"{concern.pupil.full_name} is already on the register "
                            f"({concern.pupil.sen_provision_label}): change their needs from "
                            "their record, and choose another decision here."
                        ]
                    }
                )
            assert starts is not None
            change_register_entry(
                concern.pupil, provision="K", needs=list(needs), starts=starts, by=by
            )
            end_monitoring_for_register(concern.pupil, starts=starts, by=by)
        concern.decision = decision
        concern.reasons = reasons
        concern.agency = agency if decision == Concern.Decision.REFER else ""
        concern.parents_told = parents_told
        concern.parents_told_on = (
            None if parents_told == Concern.ParentsTold.NOT_YET else parents_told_on
        )
        concern.triaged_by = by
        concern.triaged_at = timezone.now()
        concern.save()
        if decision == Concern.Decision.MONITOR:
            assert review_on is not None
            _start_monitoring(concern, starts=today, review_on=review_on, by=by)
        log.change(
            by,
            "concern.triaged",
            concern,
            pupil=concern.pupil,
            before={"decision": ""},
            after={
                "decision": decision,
                "reasons": reasons,
                "agency": concern.agency,
                "parents_told": parents_told,
                "parents_told_on": concern.parents_told_on,
                "needs": list(needs) if decision == Concern.Decision.SEN_SUPPORT else [],
            },
        )
    return concern


def end_monitoring_for_register(pupil, *, starts: dt.date, by) -> None:
    """A pupil moving onto the register (from a concern, or the register form) leaves the
    monitoring list the day before: the two lists are kept apart."""
    monitoring = pupil.monitoring.filter(ends__isnull=True).first()
    if monitoring is not None:
        ends = max(monitoring.starts, starts - dt.timedelta(days=1))
        end_monitoring(monitoring, by=by, ends=ends, outcome="Added to the SEN register.")


def _check_day(day: dt.date, monitoring: Monitoring, field: str, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: [f"{day:%d/%m/%Y} is in the future: give {what}."]})
    if day < monitoring.starts:
        raise ValidationError(
            {
                field: [
                    f"{day:%d/%m/%Y} is before the pupil joined the monitoring list "
                    f"({monitoring.starts:%d/%m/%Y}): give a date on or after that day."
                ]
            }
        )


def _locked_open(monitoring: Monitoring) -> Monitoring:
    monitoring = (
        Monitoring.objects.select_for_update(of=("self",))
        .select_related("pupil")
        .get(pk=monitoring.pk)
    )
    if monitoring.ends is not None:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    f"The monitoring ended on {monitoring.ends:%d/%m/%Y}: nothing more can be "
                    "recorded on it."
                ]
            }
        )
    return monitoring


def review_monitoring(
    monitoring: Monitoring, *, by, reviewed_on: dt.date, notes: str, next_review_on: dt.date
) -> MonitoringReview:
    """One assess-plan-do-review cycle on the monitoring list: what was seen, when to look again."""
    if not notes.strip():
        raise ValidationError({"notes": ["Say what was seen at the review."]})
    _check_day(reviewed_on, monitoring, "reviewed_on", "the day the review took place")
    if next_review_on <= reviewed_on:
        raise ValidationError(
            {"next_review_on": ["The next review must come after this one: give a later date."]}
        )
    with transaction.atomic():
        monitoring = _locked_open(monitoring)
        review = MonitoringReview.objects.create(
            monitoring=monitoring,
            reviewed_on=reviewed_on,
            notes=notes,
            next_review_on=next_review_on,
            by=by,
        )
        before = {"review_on": monitoring.review_on}
        monitoring.review_on = next_review_on
        monitoring.save(update_fields=["review_on"])
        log.change(
            by,
            "monitoring.reviewed",
            monitoring,
            pupil=monitoring.pupil,
            before=before,
            after={"reviewed_on": reviewed_on, "review_on": next_review_on},
        )
    return review


def end_monitoring(monitoring: Monitoring, *, by, ends: dt.date, outcome: str) -> Monitoring:
    """The pupil leaves the monitoring list; the period stays in their history."""
    if not outcome.strip():
        raise ValidationError({"outcome": ["Say why the monitoring ends."]})
    if ends < monitoring.starts:
        raise ValidationError(
            {
                "ends": [
                    f"The end date ({ends:%d/%m/%Y}) is before the monitoring started "
                    f"({monitoring.starts:%d/%m/%Y}): give an end date on or after the start."
                ]
            }
        )
    _check_day(ends, monitoring, "ends", "the day the monitoring ended")
    with transaction.atomic():
        monitoring = _locked_open(monitoring)
        monitoring.ends = ends
        monitoring.outcome = outcome
        monitoring.save(update_fields=["ends", "outcome"])
        log.change(
            by,
            "monitoring.ended",
            monitoring,
            pupil=monitoring.pupil,
            before={"ends": None},
            after={"ends": ends, "outcome": outcome},
        )
    return monitoring
