"""Permission-matrix rows for the calendar feed (merged into tests/test_permissions.py).

Staff have a feed page; making an address asks for re-authentication first (302 here: no
recent sign-in), stopping one goes back to the page. The feed itself is read without signing
in: a made-up address is 404 for everyone, a real one answers whoever holds it (the address is
the key, as a calendar application has no sign-in).
"""

from collections.abc import Callable

from senco.accounts.models import User
from senco.interop import calendar
from tests import targets
from tests.matrix import answers

STAFF = {
    "senco": 200, "head": 200, "teacher": 200, "other_teacher": 200, "ta": 200, "other_senco": 200,
}  # fmt: skip
STAFF_ON = {who: 302 for who in STAFF}

ROWS: dict[tuple[str, str, str], dict[str, int]] = {
    ("calendar:page", "", "GET"): answers(403, **STAFF),
    ("calendar:make", "", "GET"): answers(405),
    ("calendar:make", "", "POST"): answers(403, **STAFF_ON),
    ("calendar:stop", "", "GET"): answers(405),
    ("calendar:stop", "", "POST"): answers(403, **STAFF_ON),
    ("calendar:feed", "bad_feed_token", "GET"): answers(404, anonymous=404),
    ("calendar:feed", "senco_feed", "GET"): answers(200, anonymous=200),
}


def _senco_feed() -> dict:
    senco = User.objects.get(username="senco")
    return {"token": calendar.make_feed(senco, targets.home_school())[1]}


TARGETS: dict[str, Callable[[], dict]] = {
    "bad_feed_token": lambda: {"token": "not-a-real-calendar-feed-token"},
    "senco_feed": _senco_feed,
}
