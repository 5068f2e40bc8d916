"""Every change the API makes: tokens, and the pupil changes that the pages make through several
services at once. Each is one transaction with its audit entries; a refusal changes nothing.
The register, the pupil record and assessment results keep their own services: these only
call them."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from senco.api.models import ApiToken
from senco.audit import log
from senco.concerns.services import end_monitoring_for_register
from senco.pupils import census
from senco.pupils import services as pupils
from senco.pupils.models import Pupil
from senco.register import queries
from senco.register import services as register

LIFETIMES = {30: "30 days", 90: "90 days", 180: "180 days", 365: "A year"}
DEFAULT_DAYS = 90
MOST_IN_FORCE = 20


def create_token(user, school, *, name: str, days: int) -> tuple[ApiToken, str]:
    """A token for `user` in `school`, and its text (shown once, never stored).

    The caller has checked `api.token` and asked for a recent sign-in."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": ["Name the token after what uses it, such as MIS sync."]})
    if len(name) > 100 or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise ValidationError({"name": ["Use at most 100 characters, with no control characters."]})
    if days not in LIFETIMES:
        raise ValidationError({"days": ["Choose how long the token lasts: a year at most."]})
    now = timezone.now()
    with transaction.atomic():
        in_force = ApiToken.objects.filter(user=user).in_force(now)
        if in_force.count() >= MOST_IN_FORCE:
            raise ValidationError(
                f"You have {MOST_IN_FORCE} tokens in force: revoke one you no longer use first."
            )
        token, text = ApiToken.issue(
            user=user, school=school, name=name, expires_at=now + dt.timedelta(days=days)
        )
        log.change(
            user,
            "api.token_created",
            token,
            after={"name": name, "lookup": token.lookup, "expires": token.expires_at},
        )
    return token, text


def revoke_token(token: ApiToken, *, by) -> bool:
    """Stop a token at once; False when it was revoked already."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            return False
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        log.change(
            by,
            "api.token_revoked",
            locked,
            before={"revoked": None},
            after={"revoked": locked.revoked_at},
        )
    return True


def revoke_everything_of(user) -> int:
    """A changed or reset password stops every API token and calendar feed the person holds:
    whoever had their password may have made one. How many were stopped."""
    from senco.interop import calendar

    stopped = 0
    for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True):
        stopped += revoke_token(token, by=user)
    for feed in calendar.feeds_in_force(user):
        stopped += calendar.stop_feed(user, feed.school) is not None
    return stopped


def change_sen_entry(pupil: Pupil, *, status: str, needs: list[str], starts: dt.date, by) -> None:
    """A new SEN status and ranked needs, as the register change page records it: a pupil
    moving onto the register leaves the monitoring list the day before."""
    with transaction.atomic():
        pupils.change_register_entry(pupil, provision=status, needs=needs, starts=starts, by=by)
        if status in census.REGISTER_CODES:
            end_monitoring_for_register(pupil, starts=starts, by=by)


def change_pupil(pupil: Pupil, changes: dict, *, by) -> None:
    """The next register review, the key worker, and whether a young person shares their record
    with their parents: all or nothing, each through its own service and audit entry."""
    key_worker = None
    if "key_worker" in changes:
        key_worker = (
            queries.key_workers(pupil.school).filter(public_id=changes["key_worker"]).first()
        )
        if key_worker is None:
            raise ValidationError(
                {"key_worker": ["No member of staff of this school has this id today."]}
            )
    with transaction.atomic():
        if "review_on" in changes:
            register.set_review_date(pupil.school, [pupil], changes["review_on"], by=by)
        if key_worker is not None:
            register.assign_key_worker(pupil.school, [pupil], key_worker, by=by)
        shares = changes.get("shares_with_parents")
        if shares is not None and shares != pupil.shares_with_parents:
            pupils.set_shares_with_parents(pupil, shares=shares, by=by)
