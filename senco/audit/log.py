"""Writing to the audit log. Every service function that changes pupil data calls `change`."""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction

from senco.audit.models import AuditEntry, AuditPupil

ACTIONS = {
    "pupil.viewed": "Read a pupil's record",
    "pupil.listed": "Listed pupils",
    "pupil.exported": "Exported named pupils",
    "pupil.refused": "Asked for a pupil record they may not see",
    "register.status_changed": "Changed SEN status and needs",
    "school.refused": "Asked for a school they hold no role in",
    "request.forged": "Sent a form without this site's security token",
    "pupil.imported": "Imported a pupil's details from the MIS",
    "pupil.photo_imported": "Imported a pupil's photo",
    "pupil.photo_viewed": "Looked at a pupil's photo",
    "register.imported": "Imported SEN status and needs from the MIS (first load)",
    "contact.imported": "Imported a contact from the MIS",
    "pupil.transferred_in": "Imported a pupil from a Common Transfer File",
    "pupil.transferred_out": "Exported named pupils in a Common Transfer File",
    "staff.imported": "Imported a member of staff from the MIS",
    "group.imported": "Imported a class or teaching group from the MIS",
    "attendance.imported": "Imported attendance figures from the MIS",
    "suspension.imported": "Imported a suspension or exclusion from the MIS",
    "import.applied": "Applied an import",
    "import.refused": "Tried an import that was refused",
    "school.sign_in_changed": "Switched sign-in with a school account on or off",
    "record.confidentiality_changed": "Changed who may see a confidential record",
    "pupil.sharing_changed": "Recorded whether a young person shares their record with parents",
    "pupil.access_granted": "Gave a person time-limited access to a pupil",
    "pupil.access_ended": "Ended a person's access to a pupil",
    "signin.succeeded": "Signed in",
    "signin.failed": "Gave a wrong user name or password",
    "signin.locked": "Tried to sign in to a locked user name",
    "signin.second_step_failed": "Gave a wrong second-step code",
    "signin.second_step_missing": "Signed in without the second step their account needs",
    "signin.provider_refused": "Tried the school's sign-in with an account not set up for it",
    "signin.session_ended": "Was signed out at the end of the longest session allowed",
    "account.second_step_added": "Added a second sign-in step",
    "account.second_step_removed": "Removed a second sign-in step",
    "account.password_changed": "Changed or reset a password",
    "account.invited": "Invited a person to OpenSENCO",
    "account.invitation_accepted": "Accepted an invitation",
    "account.invitation_withdrawn": "Withdrew an invitation",
    "account.role_granted": "Granted a role",
    "account.role_ended": "Ended a role",
    "audit.viewed": "Read the audit log",
    "assessment.type_created": "Added an assessment type",
    "assessment.type_changed": "Changed an assessment type",
    "assessment.result_recorded": "Recorded or corrected an assessment result",
    "assessment.results_imported": "Imported assessment results",
    "assessment.results_listed": "Listed pupils' assessment results to record more",
    "register.listed": "Listed the SEN register",
    "register.printed": "Printed the SEN register",
    "register.review_set": "Set the date of a register review",
    "register.key_worker_set": "Assigned a key worker",
    "census.checked": "Ran the census check",
    "concern.raised": "Raised a concern about a pupil",
    "concern.triaged": "Decided what to do about a concern",
    "concern.viewed": "Read a concern",
    "concern.attachment_viewed": "Opened evidence attached to a concern",
    "monitoring.started": "Put a pupil on the monitoring list",
    "monitoring.ended": "Took a pupil off the monitoring list",
    "monitoring.listed": "Listed the monitoring list",
    "monitoring.reviewed": "Recorded a review of a pupil on the monitoring list",
    "monitoring.viewed": "Read a pupil's monitoring entry",
    "passport.written": "Wrote a new version of a pupil passport",
    "passport.viewed": "Read a pupil passport",
    "passport.acknowledged": "Acknowledged reading a pupil passport",
    "passport.suggested": "Suggested a change to a pupil passport",
    "passport.suggestion_answered": "Answered a suggested change to a passport",
    "passport.downloaded": "Downloaded a pupil passport",
    "class.viewed": "Read the SEN pupils of a class",
    "class.downloaded": "Downloaded the SEN pupils of a class",
    "report.added": "Added a report from outside the school",
    "report.viewed": "Opened a report from outside the school",
    "plan.started": "Started a plan for a pupil",
    "plan.revised": "Changed the current cycle of a plan",
    "plan.note_added": "Recorded a note against a plan",
    "plan.parent_view_recorded": "Recorded the parents' view before a review",
    "plan.reviewed": "Reviewed a cycle of a plan",
    "plan.cycle_started": "Started the next cycle of a plan",
    "plan.ended": "Ended a plan",
    "plan.plain_english_viewed": "Read the plain-English check of a plan",
    "plan.downloaded": "Downloaded a plan",
    "plan.review_downloaded": "Downloaded the review of a plan",
    "plan.viewed": "Read a pupil's plan",
    "plan.reviews_listed": "Listed the plan reviews due",
    "meeting.scheduled": "Scheduled a meeting with parents",
    "meeting.rescheduled": "Changed a scheduled meeting with parents",
    "meeting.invitations_sent": "Emailed the invitations to a meeting with parents",
    "meeting.recorded": "Recorded a meeting with parents",
    "meeting.record_changed": "Changed the record of a meeting with parents",
    "meeting.cancelled": "Cancelled a meeting with parents",
    "meeting.viewed": "Read a pupil's meetings with parents",
    "meeting.listed": "Listed upcoming meetings with parents",
    "meeting.behind_listed": "Listed pupils behind on meetings with parents",
    "meeting.downloaded": "Downloaded the record of a meeting with parents",
    "contact_log.added": "Added an entry to a pupil's contact log",
    "contact_log.corrected": "Added a correction to a pupil's contact log",
    "contact_log.follow_up_done": "Marked a contact log follow-up done",
    "contact_log.viewed": "Read a pupil's chronology and contact log",
    "provision.saved": "Added or changed a provision in the library",
    "provision.rate_set": "Set a standard hourly rate",
    "provision.group_started": "Started an intervention group",
    "provision.member_added": "Put a pupil in an intervention group",
    "provision.session_recorded": "Recorded a session of an intervention group",
    "provision.attendance_marked": "Marked a pupil's attendance at a session",
    "provision.results_recorded": "Linked a pupil's entry and exit results to a group",
    "provision.gaps_listed": "Listed the gaps in provision",
    "provision.impact_viewed": "Read the impact of an intervention group, pupil by pupil",
    "provision.costs_viewed": "Read what provision costs, with each pupil's yearly share",
    "provision.map_viewed": "Read the provision map by pupil",
    "provision.map_exported": "Downloaded the provision map by pupil",
    "provision.group_viewed": "Read an intervention group's pupils, attendance and results",
    # EHC plans (issue 9): needs assessment requests.
    "ehcp.request_recorded": "Recorded a request for an EHC needs assessment",
    "ehcp.request_changed": "Recorded a stage of an EHC needs assessment request",
    "ehcp.exception_recorded": "Recorded an exception to an EHC needs assessment time limit",
    "ehcp.request_viewed": "Read an EHC needs assessment request",
    "ehcp.evidence_pack_downloaded": "Downloaded the evidence pack for an EHC needs assessment",
    # EHC plans: the plan and its versions.
    "ehcp.plan_recorded": "Recorded an EHC plan issued by the local authority",
    "ehcp.plan_amended": "Recorded a new version of an EHC plan",
    "ehcp.plan_changed": "Changed the details of an EHC plan (LA, caseworker, funding)",
    "ehcp.plan_ceased": "Recorded that an EHC plan ceased",
    "ehcp.plan_viewed": "Read a pupil's EHC plan",
    "ehcp.version_viewed": "Read an earlier version of an EHC plan",
    "ehcp.plan_downloaded": "Downloaded an EHC plan",
    "ehcp.delivery_viewed": "Read section F provision planned against delivered",
    # EHC plans: annual reviews.
    "ehcp.review_dated": "Dated an annual review of an EHC plan",
    "ehcp.review_changed": "Changed an annual review's arrangements",
    "ehcp.invitations_sent": "Sent the invitations to an annual review",
    "ehcp.contributions_requested": "Asked for contributions to an annual review",
    "ehcp.contribution_received": "Recorded a contribution to an annual review",
    "ehcp.paperwork_circulated": "Circulated the paperwork for an annual review",
    "ehcp.review_recorded": "Recorded an annual review meeting",
    "ehcp.report_sent": "Sent the report of an annual review to the LA",
    "ehcp.la_decision_recorded": "Recorded the LA's decision after an annual review",
    "ehcp.review_viewed": "Read an annual review of an EHC plan",
    "ehcp.review_document_downloaded": "Downloaded an annual review document",
    # EHC plans: LA consultations and the caseload.
    "ehcp.consultation_recorded": "Recorded an LA consultation about naming the school",
    "ehcp.consultation_answered": "Answered an LA consultation about naming the school",
    "ehcp.consultation_viewed": "Read an LA consultation",
    "ehcp.consultations_listed": "Listed LA consultations",
    "ehcp.caseload_listed": "Listed the EHC plan caseload and its deadlines",
    "ehcp.reminders_sent": "Emailed a person their due and overdue EHC deadlines",
    "ehcp.calendar_downloaded": "Downloaded their EHC deadlines as a calendar file",
    # Calendar feeds (issue 10, the calendar).
    "calendar.feed_created": "Made a new address for their private calendar feed",
    "calendar.feed_revoked": "Stopped their private calendar feed",
    "calendar.feed_read": "Read their private calendar feed (through a calendar application)",
    "calendar.feed_refused": "Asked for a calendar feed address that is unknown or stopped",
    # REST API (issue 10, the API): tokens, and reads that pages have no action for.
    "api.token_created": "Made an API token",
    "api.token_revoked": "Revoked an API token",
    "api.token_refused": (
        "Used an API token expired, revoked, with a wrong secret or without a staff role there"
    ),
    "api.sen_viewed": "Read a pupil's SEN status and needs through the API",
    "api.contacts_viewed": "Read a pupil's contacts through the API",
    "api.results_viewed": "Read a pupil's assessment results through the API",
}
MASKED = {"password", "secret", "token", "key"}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _masked(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: "***" if any(m in k.lower() for m in MASKED) else _plain(v) for k, v in values.items()
    }


def _actor(user) -> tuple[int | None, str]:
    if user is None or not user.is_authenticated:
        return None, "anonymous"
    return user.pk, user.username


def _entry(kind: str, action: str, user, school=None, pupil=None, **fields) -> AuditEntry:
    """An unsaved entry: the actor, the school and the pupil it concerns."""
    if action not in ACTIONS:
        raise ValueError(f"Unregistered audit action {action!r}: add it to ACTIONS.")
    actor_id, actor_label = _actor(user)
    return AuditEntry(
        kind=kind,
        action=action,
        actor_id=actor_id,
        actor_label=actor_label,
        school_id=school.pk if school else (pupil.school_id if pupil else None),
        pupil_id=pupil.pk if pupil else None,
        pupil_label=f"{pupil.full_name} ({pupil.upn})" if pupil else "",
        **fields,
    )


def _school_of(obj: models.Model):
    return obj if obj._meta.label == "schools.School" else getattr(obj, "school", None)


def change(
    user,
    action: str,
    obj: models.Model,
    *,
    pupil=None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEntry:
    entry = _entry(
        AuditEntry.Kind.CHANGE,
        action,
        user,
        pupil=pupil,
        school=_school_of(obj) if pupil is None else None,
        object_type=obj._meta.label,
        object_id=obj.pk,
        object_label=str(obj)[:200],
        changes={"before": _masked(before or {}), "after": _masked(after or {})},
    )
    entry.save()
    return entry


def changes(user, entries: Iterable[tuple]) -> None:
    """Many changes at once (an import): (object, action, pupil, before, after) each, written in
    one bulk insert."""
    AuditEntry.objects.bulk_create(
        [
            _entry(
                AuditEntry.Kind.CHANGE,
                action,
                user,
                pupil=pupil,
                school=_school_of(obj) if pupil is None else None,
                object_type=obj._meta.label,
                object_id=obj.pk,
                object_label=str(obj)[:200],
                changes={"before": _masked(before), "after": _masked(after)},
            )
            for obj, action, pupil, before, after in entries
        ],
        batch_size=500,
    )


def read(user, action: str, pupil=None, *, school=None, detail: str = "") -> AuditEntry:
    """A read of one pupil's record, or of a page about the school (the audit log itself)."""
    entry = _entry(
        AuditEntry.Kind.READ, action, user, school=school, pupil=pupil, object_label=detail[:200]
    )
    entry.save()
    return entry


def read_list(user, action: str, school, pupils: Iterable) -> AuditEntry:
    """One entry for a list page or export, naming every pupil it showed: in its `pupil_ids`,
    and in one AuditPupil row each (written in bulk) so the log can be filtered by pupil."""
    pupil_ids = [p.pk for p in pupils]
    with transaction.atomic():
        entry = _entry(AuditEntry.Kind.READ, action, user, school=school, pupil_ids=pupil_ids)
        entry.save()
        AuditPupil.objects.bulk_create(AuditPupil(entry=entry, pupil_id=pk) for pk in pupil_ids)
    return entry


def refused(
    user, action: str, school=None, detail: str = "", address: str | None = None
) -> AuditEntry:
    entry = _entry(
        AuditEntry.Kind.REFUSED,
        action,
        user,
        school=school,
        object_label=detail[:200],
        address=address,
    )
    entry.save()
    return entry


def account(user, action: str, detail: str = "", address: str | None = None) -> AuditEntry:
    """Sign-ins and changes to how an account signs in: no pupil, no school."""
    entry = _entry(
        AuditEntry.Kind.ACCOUNT, action, user, object_label=detail[:200], address=address
    )
    entry.save()
    return entry
