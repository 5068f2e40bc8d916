"""What the register tests share: the home school's register, hand-made histories, counting."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from senco import access
from senco.pupils.models import Pupil, SenNeed, SenStatus, Source
from tests import targets

D = dt.date


def register_pupils():
    """The home school's register as the SENCO sees it (on roll, K or E and legacy codes)."""
    return (
        targets.visible("senco", targets.home_school())
        .on_roll()
        .filter(sen_provision__in=["K", "E", "S", "A", "P"])
    )


def keep_on_register(count: int) -> list[Pupil]:
    """Only `count` pupils of the home school stay on roll, all on SEN support."""
    pupils = Pupil.objects.filter(school=targets.home_school())
    pupils.update(left_on=access.today() - dt.timedelta(days=1))
    kept = list(pupils.order_by("pk").values_list("pk", flat=True)[:count])
    Pupil.objects.filter(pk__in=kept).update(
        left_on=None, enrolled_on=None, sen_provision="K", primary_need="MLD"
    )
    return list(Pupil.objects.filter(pk__in=kept))


def set_history(pupil: Pupil, statuses, needs=(), source=Source.IMPORTED) -> None:
    """Replace the pupil's SEN history: statuses (code, starts, ends), needs (code, rank,
    starts, ends); the current status and primary need kept in step, as the services do."""
    pupil.sen_statuses.all().delete()
    pupil.sen_needs.all().delete()
    for code, starts, ends in statuses:
        SenStatus.objects.create(
            pupil=pupil, provision=code, starts=starts, ends=ends, source=source
        )
    for code, rank, starts, ends in needs:
        SenNeed.objects.create(
            pupil=pupil, need=code, rank=rank, starts=starts, ends=ends, source=source
        )
    current = next((c for c, _, e in statuses if e is None), "N")
    primary = next((c for c, r, _, e in needs if r == 1 and e is None), "")
    Pupil.objects.filter(pk=pupil.pk).update(sen_provision=current, primary_need=primary)


def queries(client, url: str, data=None) -> int:
    client.get(url, data)  # the first request of a session also refreshes its expiry
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, data).status_code == 200
    return len(captured)
