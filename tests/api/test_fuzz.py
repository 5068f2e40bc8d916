"""Fuzzing the API with schemathesis (docs/api.md, "Fuzzing"): every operation of the schema
snapshot, called in-process through the WSGI application with a real token of `senco` and of
`teacher`, with data that fits the schema and data that does not.

Each answer must not be a server error, must have a status, content type and body that the
schema documents, must refuse data that breaks the schema, and must name no pupil outside the
token's reach. Runs once, on SQLite: the PostgreSQL run skips it (the Makefile).
"""

import datetime as dt
import os
import uuid
from functools import cache
from pathlib import Path
from unittest.mock import ANY

import hypothesis
import pytest
import schemathesis
from django.conf import settings as django_settings
from hypothesis import HealthCheck
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation

from senco import access
from senco.accounts.models import User
from senco.assessment import values
from senco.assessment.models import AssessmentType
from senco.pupils.models import Pupil
from senco.register import queries
from senco.wsgi import application
from tests.api.helpers import api_for, error_of, token_for, token_of
from tests.targets import home_school, other_school, visible

SNAPSHOT = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"
# Enough to run in half a minute in `make test`; more, or another seed, to search longer:
# SENCO_FUZZ_EXAMPLES=1000 SENCO_FUZZ_SEED=1 pytest tests/api/test_fuzz.py
EXAMPLES = int(os.environ.get("SENCO_FUZZ_EXAMPLES", 50))
# Fixed, so that a failure in CI is the same failure on a laptop (for the same code: Hypothesis
# also draws on the constants in the project's source).
SEED = int(os.environ.get("SENCO_FUZZ_SEED", 20_250_610))
# Health checks of how hard data is to generate: they would fail the test, not the API.
SLOW_DATA = [
    HealthCheck.too_slow,
    HealthCheck.filter_too_much,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
]

ON_SQLITE_ONLY = pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="The fuzz test runs once, on SQLite (`make test` runs it there): what it finds "
    "does not depend on the database, and it takes half a minute.",
)

CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "ignored_auth",
    "unsupported_method",
    "allow_header_conformance",
]
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {"mode": "all", "max-examples": EXAMPLES, "database": "none"},
        # Stateful runs follow links the schema does not declare: nothing to gain.
        "phases": {"stateful": {"enabled": False}},
        # Not `positive_data_acceptance`: the rules refuse some data the schema allows (a review
        # date in the past, an EHC plan without a primary need), by design.
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
    }
)
schema = schemathesis.openapi.from_path(SNAPSHOT, config=CONFIG)
schema.app = application


# What the fuzzer sends: real ids in place of random ones, so that answers carry pupils --------


@cache
def pupil_ids() -> list[str]:
    """Pupils the teacher teaches, pupils only the SEN leads see, and another school's."""
    school = home_school()
    taught = visible("teacher", school).order_by("pk")[:4]
    untaught = Pupil.objects.filter(school=school).exclude(pk__in=visible("teacher", school))
    elsewhere = Pupil.objects.filter(school=other_school())
    chosen = [*taught, *untaught.order_by("pk")[:4], *elsewhere.order_by("pk")[:2]]
    return [str(p.public_id) for p in chosen]


@cache
def staff_ids() -> list[str]:
    school = home_school()
    return [str(s.public_id) for s in queries.key_workers(school).order_by("pk")[:2]]


@cache
def assessment_types() -> list[tuple[str, str]]:
    """Each of the school's assessment types, with a result it takes."""
    types = AssessmentType.objects.filter(school=home_school()).order_by("pk")
    return [(str(t.public_id), _result_for(t)) for t in types]


def _result_for(assessment_type: AssessmentType) -> str:
    if assessment_type.is_age:
        return "8y 7m"
    if assessment_type.is_labelled:
        return assessment_type.scale[0]
    if assessment_type.kind == values.RAW:
        return str(assessment_type.maximum)
    return "100"


def _chosen(value, choices: list):
    """One of `choices`, chosen by a generated UUID; None for one in eight, and for anything
    else (data that breaks the schema stays as it is)."""
    try:
        number = uuid.UUID(value).int if isinstance(value, str) else None
    except ValueError:
        return None
    if number is None or number % 8 == 0 or not choices:
        return None
    return choices[number % len(choices)]


def _near_today(value, days: range):
    """A day in `days` from today in place of a generated date (2000-01-01 or year 4930 the
    rules refuse, rightly, before any change is tried)."""
    try:
        day = dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return value
    if day is None or day.toordinal() % 8 == 1:
        return value
    return (dt.date.today() + dt.timedelta(days=days[day.toordinal() % len(days)])).isoformat()


def _as_generated(case, location: ParameterLocation) -> bool:
    """Whether a part of the request was generated to break the schema: it is sent as it is,
    so that the check that it is refused still means what it says."""
    return case.meta is not None and case.meta.is_negative_at(location)


def with_real_data(case) -> None:
    """Real pupil, staff and assessment type ids in place of the generated UUIDs, and recent
    days in place of generated dates, so that answers carry pupils and changes are made.

    Done here, not in a schemathesis hook: the examples of the coverage phase are made when
    the tests are collected, before the database exists."""
    path = case.path_parameters or {}
    if "public_id" in path and not _as_generated(case, ParameterLocation.PATH):
        path["public_id"] = _chosen(path["public_id"], pupil_ids()) or path["public_id"]
    body = case.body
    if not isinstance(body, dict) or _as_generated(case, ParameterLocation.BODY):
        return
    if "key_worker" in body:
        body["key_worker"] = _chosen(body["key_worker"], staff_ids()) or body["key_worker"]
    if "assessment_type" in body:
        chosen = _chosen(body["assessment_type"], assessment_types())
        if chosen:
            body["assessment_type"] = chosen[0]
            if isinstance(body.get("result"), str):
                body["result"] = chosen[1]
    for field, days in [("review_on", range(0, 700)), ("taken_on", range(-300, 1)),
                        ("starts", range(-30, 1))]:  # fmt: skip
        if field in body:
            body[field] = _near_today(body[field], days)


# What every answer must show --------------------------------------------------------------


def _strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict | list):
        for value in data.values() if isinstance(data, dict) else data:
            yield from _strings(value)


def _as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def pupils_named(response, case) -> set[str]:
    """The public ids of the pupils an answer names: any in its body, and the pupil at its
    address when the operation's own method succeeded there (an OPTIONS probe answers 200 at
    any address, with nothing of the pupil)."""
    texts = set()
    if response.status_code < 300 and case.method == case.operation.method.upper():
        texts.add(str((case.path_parameters or {}).get("public_id", "")))
    if "json" in response.headers.get("content-type", [""])[0] and response.content:
        texts.update(_strings(response.json()))
    ids = {key for key in map(_as_uuid, texts) if key}
    named = Pupil.objects.filter(public_id__in=ids).values_list("public_id", flat=True)
    return {str(key) for key in named}


@pytest.fixture
def generous_rates(settings):
    settings.SENCO_API_RATES = {"api_burst": "100000/min", "api_sustained": "1000000/hour"}


@pytest.fixture
def token(db, generous_rates, username) -> str:
    return token_for(username)


@pytest.fixture
def within_reach(token, username):
    """The check of our own: every pupil an answer names is one the token's user may see."""
    user = User.objects.get(username=username)
    reach = access.pupils_visible_to(user, token_of(token).school)
    ids = {str(i) for i in reach.values_list("public_id", flat=True)}

    def no_pupil_outside_the_tokens_reach(ctx, response, case):
        outside = pupils_named(response, case) - ids
        assert not outside, f"The answer names pupils {username}'s token may not see: {outside}"

    return no_pupil_outside_the_tokens_reach


@pytest.mark.fuzz
@ON_SQLITE_ONLY
@pytest.mark.parametrize("username", ["senco", "teacher"])
@schema.parametrize()
# The token and the rates are the same for every example of an operation, on purpose; each
# operation's changes are rolled back after its examples.
@hypothesis.settings(suppress_health_check=[HealthCheck.function_scoped_fixture, *SLOW_DATA])
def test_every_operation_answers_within_the_schema_and_the_tokens_reach(case, token, within_reach):
    with_real_data(case)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"}, additional_checks=[within_reach]
    )


# What the fuzzer found ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("parameter", ["sen_status", "need", "year_group", "on_roll", "page"])
def test_a_blank_filter_is_refused_not_taken_as_no_filter(parameter):
    response = api_for("senco").get(f"/api/pupils/?{parameter}=")
    assert error_of(response, 400)["fields"] == {parameter: [ANY]}


@pytest.mark.django_db
def test_the_fuzzer_asks_for_pupils_inside_and_outside_a_teachers_reach():
    reach = {str(i) for i in visible("teacher", home_school()).values_list("public_id", flat=True)}
    asked = set(pupil_ids())
    assert asked & reach and asked - reach
