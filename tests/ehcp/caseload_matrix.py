"""Permission-matrix rows for the EHC caseload pages (merged by tests/ehcp/matrix.py).

The caseload, its calendar file and the LA consultations are the school's pages, read by those
who follow the caseload (the SEN leads and the head) and changed by the SEN leads; everyone
else is refused (403). A consultation is looked up in the user's own school, so another
school's answers 404. A POST without data gets the form back with its errors (200).
"""

from collections.abc import Callable

from tests import targets
from tests.ehcp import helpers
from tests.matrix import answers

READERS = {"senco": 200, "head": 200, "other_senco": 200}
MANAGERS = {"senco": 200, "other_senco": 200}

ROWS: dict[tuple[str, str, str], dict[str, int]] = {
    ("ehcp:caseload", "", "GET"): answers(403, **READERS),
    ("ehcp:caseload_ics", "", "GET"): answers(403, **READERS),
    ("ehcp:consultations", "", "GET"): answers(403, **READERS),
    ("ehcp:consultation_new", "", "GET"): answers(403, **MANAGERS),
    ("ehcp:consultation_new", "", "POST"): answers(403, **MANAGERS),
    ("ehcp:consultation", "consultation", "GET"): answers(403, **READERS | {"other_senco": 404}),
    ("ehcp:consultation", "consultation", "POST"): answers(403, **MANAGERS | {"other_senco": 404}),
    ("ehcp:consultation", "consultation_elsewhere", "GET"): answers(
        403, senco=404, head=404, other_senco=200
    ),
    ("ehcp:consultation", "consultation_elsewhere", "POST"): answers(
        403, senco=404, other_senco=200
    ),
}


def _consultation(school) -> dict:
    return {"consultation_id": helpers.consultation(school=school).public_id}


TARGETS: dict[str, Callable[[], dict]] = {
    "consultation": lambda: _consultation(targets.home_school()),
    "consultation_elsewhere": lambda: _consultation(targets.other_school()),
}
