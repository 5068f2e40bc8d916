"""Every change to a pupil's SEN register entry: one transaction, one audit entry."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from senco.accounts.models import PupilGrant
from senco.audit import log
from senco.pupils import census, uploads
from senco.pupils.models import Pupil, SenNeed, SenStatus, Source


def _snapshot(pupil: Pupil) -> dict:
    needs = pupil.sen_needs.filter(ends__isnull=True).order_by("rank")
    return {"provision": pupil.sen_provision, "needs": [n.need for n in needs]}


def _refuse(breaches: list[census.Breach]) -> None:
    if breaches:
        raise ValidationError({b.field: [b.message] for b in breaches})


def change_register_entry(
    pupil: Pupil, *, provision: str, needs: list[str], starts: dt.date, by
) -> None:
    """Record a new SEN status and ranked needs from `starts`, entered by hand (strict rules).

    The open status ends the day before; needs that carry on keep their start date, needs no
    longer listed end the day before, new needs start on `starts`. Nothing changes on a refusal.
    """
    _refuse(census.check_entry(provision, needs))
    if starts < pupil.date_of_birth:
        _refuse(
            [
                census.Breach(
                    "starts",
                    f"{starts:%d/%m/%Y} is before the pupil was born "
                    f"({pupil.date_of_birth:%d/%m/%Y}): give the day the change happened.",
                )
            ]
        )
    if starts > timezone.localdate():
        _refuse(
            [
                census.Breach(
                    "starts",
                    f"{starts:%d/%m/%Y} is in the future: record the change on or after the day "
                    "it happens.",
                )
            ]
        )
    with transaction.atomic():
        pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
        before = _snapshot(pupil)
        current = pupil.sen_statuses.filter(ends__isnull=True).first()
        if current and starts <= current.starts:
            _refuse(
                [
                    census.Breach(
                        "starts",
                        f"The current status began on {current.starts:%d/%m/%Y}: a change must "
                        "start after that day (to correct history, end it first).",
                    )
                ]
            )
        day_before = starts - dt.timedelta(days=1)
        if current is None or current.provision != provision:
            if current:
                current.ends = day_before
                current.save(update_fields=["ends"])
            SenStatus.objects.create(
                pupil=pupil,
                provision=provision,
                starts=starts,
                source=Source.ENTERED,
                recorded_by=by,
            )
        open_needs = {n.need: n for n in pupil.sen_needs.filter(ends__isnull=True)}
        for code, need in open_needs.items():
            if code not in needs or need.rank != needs.index(code) + 1:
                need.ends = max(day_before, need.starts)
                need.save(update_fields=["ends"])
        for rank, code in enumerate(needs, start=1):
            kept = open_needs.get(code)
            if kept is None or kept.ends is not None:
                SenNeed.objects.create(
                    pupil=pupil,
                    need=code,
                    rank=rank,
                    starts=starts,
                    source=Source.ENTERED,
                    recorded_by=by,
                )
        pupil.sen_provision = provision
        pupil.primary_need = needs[0] if needs else ""
        pupil.save(update_fields=["sen_provision", "primary_need"])
        log.change(
            by,
            "register.status_changed",
            pupil,
            pupil=pupil,
            before=before,
            after={**_snapshot(pupil), "from": starts},
        )


def _names(users) -> list[str]:
    return sorted(u.username for u in users)


@transaction.atomic
def set_confidential(record, *, confidential: bool, people, by, pupil: Pupil | None = None) -> None:
    """Mark a record (a pupil, a contact) confidential to named people, or open it again.

    The person marking it is always among those named, so nobody locks themselves out. `pupil`
    is the child whose record the change was made from, for the audit log.
    """
    people = set(people) | {by} if confidential else set()
    before = {
        "confidential": record.is_confidential,
        "people": _names(record.confidential_to.all()),
    }
    record.is_confidential = confidential
    record.save(update_fields=["is_confidential"])
    record.confidential_to.set(people)
    log.change(
        by,
        "record.confidentiality_changed",
        record,
        pupil=record if isinstance(record, Pupil) else pupil,
        before=before,
        after={"confidential": confidential, "people": _names(people)},
    )


@transaction.atomic
def set_shares_with_parents(pupil: Pupil, *, shares: bool, by) -> None:
    before = {"shares_with_parents": pupil.shares_with_parents}
    pupil.shares_with_parents = shares
    pupil.save(update_fields=["shares_with_parents"])
    log.change(
        by,
        "pupil.sharing_changed",
        pupil,
        pupil=pupil,
        before=before,
        after={"shares_with_parents": shares},
    )


@transaction.atomic
def grant_access(pupil: Pupil, *, person, reason: str, ends: dt.date, by):
    """Time-limited access to this pupil for an invited professional or a governors' panel."""
    grant = PupilGrant.objects.create(
        user=person,
        school=pupil.school,
        reason=reason,
        granted_by=by,
        starts=timezone.localdate(),
        ends=ends,
    )
    grant.pupils.add(pupil)
    log.change(
        by,
        "pupil.access_granted",
        grant,
        pupil=pupil,
        after={"person": person.username, "reason": reason, "ends": ends},
    )
    return grant


@transaction.atomic
def end_access(grant, pupil: Pupil, *, by) -> None:
    before = {"person": grant.user.username, "ends": grant.ends}
    grant.pupils.remove(pupil)
    log.change(by, "pupil.access_ended", grant, pupil=pupil, before=before)


# Reports from outside the school (issue 6): an educational psychologist's, a speech and
# language therapist's, arrived by email and dropped onto the pupil's record.


def report_label_problems(pupil: Pupil, *, kind: str, author: str, dated: dt.date) -> dict:
    """What is wrong with a report's label, field by field (empty when nothing is)."""
    from senco.pupils.models import Report

    problems = {}
    if kind not in Report.Kind.values:
        problems["kind"] = "Choose the kind of report from the list."
    if not author.strip():
        problems["author"] = "Enter who wrote the report, and their service."
    elif len(author.strip()) > 200:
        problems["author"] = f"Shorten who wrote it to 200 characters (it has {len(author)})."
    if dated > timezone.localdate():
        problems["dated"] = f"{dated:%d/%m/%Y} is in the future: enter the date on the report."
    elif dated < pupil.date_of_birth:
        problems["dated"] = (
            f"{dated:%d/%m/%Y} is before the pupil was born ({pupil.date_of_birth:%d/%m/%Y}): "
            "enter the date on the report."
        )
    return problems


def add_report(pupil: Pupil, *, kind: str, author: str, dated: dt.date, document, by):
    """Store a checked document (`uploads.check_document`) as a report on the pupil's record.

    The file is written under a random name first, outside the transaction (SQLite has one
    writer: hold it briefly), and removed again if the row or its audit entry cannot be saved.
    """
    from senco.pupils.models import Report

    problems = report_label_problems(pupil, kind=kind, author=author, dated=dated)
    if problems:
        raise ValidationError({field: [message] for field, message in problems.items()})
    report = Report(pupil=pupil, kind=kind, author=author.strip(), dated=dated, uploaded_by=by)
    uploads.store(report, document)
    with uploads.removed_if_unsaved([report]), transaction.atomic():
        report.save()
        log.change(
            by,
            "report.added",
            report,
            pupil=pupil,
            after={
                "kind": kind,
                "author": report.author,
                "dated": dated,
                "filename": report.filename,
                "size": report.size,
                "sha256": report.sha256,
            },
        )
    return report
