"""Every change to passports: one transaction, then the audit entries (docs/passports.md)."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from senco.audit import log
from senco.passports.models import PassportReading, PassportSuggestion, PassportVersion
from senco.pupils.models import Pupil

SECTIONS = ["about_me", "important_to_me", "find_hard", "helps_me", "strategies", "in_own_words"]


def snapshot(version: PassportVersion | None) -> dict:
    return {name: getattr(version, name) for name in SECTIONS} if version else {}


def current_version(pupil: Pupil) -> PassportVersion | None:
    return pupil.passports.select_related("written_by").order_by("-number").first()


def current_versions(pupil_ids: Iterable[int]) -> dict[int, PassportVersion]:
    """Each pupil's newest passport version, by pupil id, in one query however many pupils."""
    newest = (
        PassportVersion.objects.filter(pupil=OuterRef("pupil"))
        .order_by("-number")
        .values("number")[:1]
    )
    versions = PassportVersion.objects.filter(
        pupil_id__in=list(pupil_ids), number=Subquery(newest)
    ).select_related("pupil")
    return {v.pupil_id: v for v in versions}


def read_by(user, versions: Iterable[PassportVersion]) -> set[int]:
    """The ids of these versions the user has acknowledged."""
    ids = [v.pk for v in versions]
    if not ids:
        return set()
    readings = PassportReading.objects.filter(user=user, version_id__in=ids)
    return set(readings.values_list("version_id", flat=True))


def unread_by(user, pupils) -> int:
    """How many of these pupils' current passports the user has not acknowledged yet."""
    versions = current_versions(pupils.values_list("pk", flat=True)).values()
    return len(versions) - len(read_by(user, versions))


def write_passport(pupil: Pupil, *, sections: dict, by) -> PassportVersion:
    """A new version of the pupil's passport; earlier versions stay as they were.

    The pupil's row is locked so two people saving at once get versions n and n + 1, never a
    clash on the number.
    """
    with transaction.atomic():
        locked = Pupil.objects.select_for_update().get(pk=pupil.pk)
        before = current_version(locked)
        version = PassportVersion(
            pupil=locked,
            number=(before.number + 1) if before else 1,
            written_by=by,
            written_at=timezone.now(),
            **{name: sections[name] for name in SECTIONS},
        )
        version.full_clean()
        version.save()
        log.change(
            by,
            "passport.written",
            version,
            pupil=locked,
            before=snapshot(before),
            after=snapshot(version),
        )
    return version


def acknowledge(versions: Iterable[PassportVersion], *, by) -> int:
    """Record that `by` has read these versions; those already read are left as they were.

    The caller checks `passport.acknowledge` for each pupil (true only for pupils `by` teaches).
    Returns how many were newly recorded.
    """
    versions = list(versions)
    with transaction.atomic():
        done = read_by(by, versions)
        new = [v for v in versions if v.pk not in done]
        now = timezone.now()
        PassportReading.objects.bulk_create(
            [PassportReading(version=v, user=by, read_at=now) for v in new],
            ignore_conflicts=True,
        )
        log.changes(
            by,
            [
                (v, "passport.acknowledged", v.pupil, {}, {"version": v.number, "read_at": now})
                for v in new
            ],
        )
    return len(new)


def suggest(pupil: Pupil, *, text: str, by) -> PassportSuggestion:
    """A parent's suggested change, against the passport as it is now."""
    with transaction.atomic():
        suggestion = PassportSuggestion(
            pupil=pupil, version=current_version(pupil), suggested_by=by, text=text
        )
        suggestion.full_clean()
        suggestion.save()
        log.change(by, "passport.suggested", suggestion, pupil=pupil, after={"text": text})
    return suggestion


def answer_suggestion(suggestion: PassportSuggestion, *, answer: str, by) -> PassportSuggestion:
    with transaction.atomic():
        locked = PassportSuggestion.objects.select_for_update().get(pk=suggestion.pk)
        before = {"answer": locked.answer}
        locked.answer = answer
        locked.answered_by = by
        locked.answered_at = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["answer", "answered_by", "answered_at"])
        log.change(
            by,
            "passport.suggestion_answered",
            locked,
            pupil=suggestion.pupil,
            before=before,
            after={"answer": answer},
        )
    return locked
