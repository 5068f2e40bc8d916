"""Permission-matrix rows for the API (merged into tests/test_permissions.py).

The tokens pages are for staff (`api.token`), each person their own tokens: another's token is
not found. Making one asks for the password again first (302 here: no recent sign-in). The API's
endpoints take only a token, never a session: every persona signed in with a browser gets 401
(tests/api/ shows what each token reaches). The index, the schema and its docs hold no data and
are open to anyone.
"""

from senco.accounts.models import User
from senco.api import services
from tests import targets
from tests.matrix import answers

STAFF = ["senco", "head", "teacher", "other_teacher", "ta", "other_senco"]
OPEN = answers(200, anonymous=200)
TOKEN_ONLY = answers(401, anonymous=401)

ROWS: dict[tuple[str, str, str], dict[str, int]] = {
    ("api:index", "", "GET"): OPEN,
    ("api:schema", "", "GET"): OPEN,
    ("api:docs", "", "GET"): OPEN,
    ("api:tokens", "", "GET"): answers(403, **dict.fromkeys(STAFF, 200)),
    ("api:token_create", "", "GET"): answers(403, **dict.fromkeys(STAFF, 302)),
    ("api:token_create", "", "POST"): answers(403, **dict.fromkeys(STAFF, 302)),
    ("api:token_revoke", "api_token", "GET"): answers(405),
    ("api:token_revoke", "api_token", "POST"): answers(
        403, **dict.fromkeys(STAFF, 404) | {"senco": 302}
    ),
    ("api:pupils", "", "GET"): TOKEN_ONLY,
    ("api:pupil", "taught", "GET"): TOKEN_ONLY,
    ("api:pupil_sen", "taught", "GET"): TOKEN_ONLY,
    ("api:pupil_sen", "taught", "POST"): TOKEN_ONLY,
    ("api:pupil_contacts", "taught", "GET"): TOKEN_ONLY,
    ("api:pupil_results", "taught", "GET"): TOKEN_ONLY,
    ("api:pupil_results", "taught", "POST"): TOKEN_ONLY,
    ("api:assessment_types", "", "GET"): TOKEN_ONLY,
}


def senco_token() -> dict:
    """A token of the home school's SENCO."""
    senco = User.objects.get(username="senco")
    token, _text = services.create_token(senco, targets.home_school(), name="Matrix", days=30)
    return {"public_id": token.public_id}


TARGETS = {"api_token": senco_token}
