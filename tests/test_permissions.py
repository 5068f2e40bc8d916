"""The permission matrix: every address, every persona, the answer each must get.

A URL that is added without its rows here fails `test_every_url_is_in_the_matrix`.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import targets

ALL = [
    "senco", "head", "teacher", "other_teacher", "ta", "governor", "parent", "other_parent",
    "trustlead", "admin", "other_senco", "anonymous",
]  # fmt: skip


def answers(default: int, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    table = dict.fromkeys(ALL, default)
    table["anonymous"] = anonymous
    table.update(overrides)
    return table


SEES_TAUGHT = {"senco": 200, "head": 200, "teacher": 200, "ta": 200}
# (url name, target, method) -> expected status per persona
MATRIX: dict[tuple[str, str, str], dict[str, int]] = {
    ("healthz", "", "GET"): answers(200, anonymous=200),
    ("login", "", "GET"): answers(200, anonymous=200),
    ("logout", "", "POST"): answers(302),
    ("home", "", "GET"): answers(200),
    ("switch_school", "other_school", "POST"): answers(404, other_senco=302, trustlead=302),
    ("pupils:list", "", "GET"): answers(200),
    ("pupils:detail", "taught", "GET"): answers(404, **SEES_TAUGHT),
    ("pupils:detail", "child", "GET"): answers(404, senco=200, head=200, parent=200),
    ("pupils:detail", "elsewhere", "GET"): answers(404, other_senco=200),
    ("pupils:detail", "missing", "GET"): answers(404),
    ("pupils:register_change", "taught", "GET"): answers(
        404, senco=200, head=403, teacher=403, ta=403
    ),
    ("pupils:register_change", "taught", "POST"): answers(
        404, senco=200, head=403, teacher=403, ta=403
    ),
    ("pupils:register_change", "child", "GET"): answers(404, senco=200, head=403, parent=403),
    ("pupils:register_change", "elsewhere", "POST"): answers(404, other_senco=200),
}

MISSING = "00000000-0000-4000-8000-000000000000"


def address(name: str, target: str) -> tuple[str, dict]:
    pupil = {
        "taught": targets.taught_pupil,
        "child": targets.parents_child,
        "elsewhere": targets.pupil_elsewhere,
    }.get(target)
    if pupil:
        return reverse(name, kwargs={"public_id": pupil().public_id}), {}
    if target == "missing":
        return reverse(name, kwargs={"public_id": MISSING}), {}
    if target == "other_school":
        return reverse(name), {"school": str(targets.other_school().public_id)}
    return reverse(name), {}


def url_names(patterns, prefix="") -> set[str]:
    names = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            names |= url_names(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
        elif isinstance(p, URLPattern) and p.name:
            names.add(prefix + p.name)
    return names


def test_every_url_is_in_the_matrix():
    covered = {name for name, _, _ in MATRIX}
    assert url_names(get_resolver().url_patterns) - covered == set()


def test_every_row_names_every_persona():
    for row, table in MATRIX.items():
        assert set(table) == set(ALL), row


CASES = [(row, who, status) for row, table in MATRIX.items() for who, status in table.items()]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "who", "expected"), CASES, ids=[f"{r[0]}-{r[1]}-{r[2]}-{w}" for r, w, _ in CASES]
)
def test_the_matrix(row, who, expected, client_for):
    name, target, method = row
    url, data = address(name, target)
    client = Client() if who == "anonymous" else client_for(who)
    response = client.get(url) if method == "GET" else client.post(url, data)
    assert response.status_code == expected, f"{who} {method} {url}"
    if expected == 404 and who != "anonymous":
        assert b"Not found, or you do not have access: ask your SENCO" in response.content
