"""The permission matrix: every address, every persona, the answer each must get.

A URL that is added without its rows here fails `test_every_url_is_in_the_matrix`.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import targets
from tests.api import matrix as api_matrix
from tests.assessment import helpers as assessment
from tests.concerns import matrix as concerns_matrix
from tests.ehcp import matrix as ehcp_matrix
from tests.interop import calendar_matrix
from tests.matrix import ALL, INVITERS, SEES_TAUGHT, answers
from tests.meetings import matrix as meetings_matrix
from tests.passports import matrix as passports_matrix
from tests.plans import matrix as plans_matrix
from tests.provision import matrix as provision_matrix
from tests.pupils import reports_matrix
from tests.register import matrix as register_matrix

# (url name, target, method) -> expected status per persona
MATRIX: dict[tuple[str, str, str], dict[str, int]] = {
    ("healthz", "", "GET"): answers(200, anonymous=200),
    ("interop:list", "", "GET"): answers(403, senco=200, other_senco=200),
    ("interop:list", "", "POST"): answers(403, senco=200, other_senco=200),
    ("interop:discrepancies", "", "GET"): answers(403, senco=200, other_senco=200),
    ("interop:detail", "import", "GET"): answers(403, senco=200, other_senco=404),
    ("interop:detail", "import", "POST"): answers(403, senco=200, other_senco=404),
    # Sending a CTF: the SEN leads, the head (and data manager); a POST without a choice is
    # answered with the form's errors.
    ("interop:transfer_out", "", "GET"): answers(403, senco=200, head=200, other_senco=200),
    ("interop:transfer_out", "", "POST"): answers(403, senco=200, head=200, other_senco=200),
    ("account_login", "", "GET"): answers(302, anonymous=200),
    ("account_logout", "", "POST"): answers(302),
    ("account_inactive", "", "GET"): answers(200, anonymous=200),
    ("account_reauthenticate", "", "GET"): answers(200),
    ("account_change_password", "", "GET"): answers(200),
    ("account_reset_password", "", "GET"): answers(200, anonymous=200),
    ("account_reset_password_done", "", "GET"): answers(200, anonymous=200),
    ("account_reset_password_from_key", "reset_key", "GET"): answers(200, anonymous=200),
    ("account_reset_password_from_key_done", "", "GET"): answers(200, anonymous=200),
    ("mfa_index", "", "GET"): answers(200),
    ("mfa_authenticate", "", "GET"): answers(302, anonymous=302),
    ("mfa_reauthenticate", "", "GET"): answers(302),
    ("mfa_trust", "", "GET"): answers(302, anonymous=302),
    ("mfa_activate_totp", "", "GET"): answers(302),
    ("mfa_deactivate_totp", "", "GET"): answers(404),
    ("mfa_view_recovery_codes", "", "GET"): answers(404),
    ("mfa_generate_recovery_codes", "", "GET"): answers(302),
    ("mfa_download_recovery_codes", "", "GET"): answers(404),
    ("mfa_list_webauthn", "", "GET"): answers(200),
    ("mfa_add_webauthn", "", "GET"): answers(302),
    ("mfa_reauthenticate_webauthn", "", "GET"): answers(302),
    # Re-authentication comes before looking the key up.
    ("mfa_remove_webauthn", "security_key", "POST"): answers(302),
    ("mfa_edit_webauthn", "security_key", "GET"): answers(302),
    ("socialaccount_login_cancelled", "", "GET"): answers(200, anonymous=200),
    ("socialaccount_login_error", "", "GET"): answers(401, anonymous=401),
    ("socialaccount_signup", "", "GET"): answers(302, anonymous=302),
    ("socialaccount_connections", "", "GET"): answers(200),
    ("openid_connect_login", "provider", "POST"): answers(404, anonymous=404),
    ("openid_connect_callback", "provider", "GET"): answers(404, anonymous=404),
    ("invitation_list", "", "GET"): answers(403, **INVITERS),
    ("invite", "", "GET"): answers(403, **INVITERS),
    ("invite", "", "POST"): answers(403, senco=302, head=302, admin=302, other_senco=302),
    ("change_invitation", "invitation", "POST"): answers(
        403, senco=302, head=302, admin=302, other_senco=404
    ),
    ("invite_parent", "contact", "POST"): answers(404, senco=302, head=302),
    ("accept_invitation", "token", "GET"): answers(404, anonymous=404),
    ("home", "", "GET"): answers(200),
    ("switch_school", "other_school", "POST"): answers(404, other_senco=302, trustlead=302),
    ("pupils:list", "", "GET"): answers(200),
    # Everyone exports the list they see (empty for roles that see no named pupil).
    ("pupils:export_csv", "", "GET"): answers(200),
    ("pupils:export_xlsx", "", "GET"): answers(200),
    # The whole register: 403 before re-authentication, then 302 to it (no recent sign-in here).
    ("pupils:register_csv", "", "GET"): answers(403, senco=302, head=302, other_senco=302),
    ("pupils:register_xlsx", "", "GET"): answers(403, senco=302, head=302, other_senco=302),
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
    ("pupils:photo", "with_photo", "GET"): answers(404, **SEES_TAUGHT),
    ("pupils:photo", "child", "GET"): answers(404),  # no photo: not found, even for the parent
    ("pupils:transfer", "taught", "GET"): answers(404, senco=200, head=200, teacher=403, ta=403),
    ("pupils:transfer", "taught", "POST"): answers(404, senco=200, head=200, teacher=403, ta=403),
    ("pupils:transfer", "child", "GET"): answers(404, senco=200, head=200, parent=403),
    ("pupils:transfer", "elsewhere", "POST"): answers(404, other_senco=200),
    ("pupils:access", "taught", "GET"): answers(404, senco=200, head=200, teacher=403, ta=403),
    ("pupils:access", "taught", "POST"): answers(404, senco=200, head=200, teacher=403, ta=403),
    ("pupils:access", "child", "GET"): answers(404, senco=200, head=200, parent=403),
    ("pupils:access", "elsewhere", "GET"): answers(404, other_senco=200),
    ("pupils:contact_confidential", "taught_contact", "GET"): answers(
        404, senco=200, head=200, teacher=403, ta=403
    ),
    ("pupils:contact_confidential", "taught_contact", "POST"): answers(
        404, senco=200, head=200, teacher=403, ta=403
    ),
    ("pupils:contact_confidential", "contact_of_another", "GET"): answers(404, parent=403),
    # Assessment: types are the school's (other_senco sees their own school's list); results
    # are recorded by teaching staff for the groups they work with, 404 for any other group.
    ("assessment:types", "", "GET"): answers(
        403, **SEES_TAUGHT, other_teacher=200, other_senco=200
    ),
    ("assessment:type_create", "", "GET"): answers(403, senco=200, head=200, other_senco=200),
    ("assessment:type_create", "", "POST"): answers(403, senco=200, head=200, other_senco=200),
    ("assessment:type_change", "assessment_type", "GET"): answers(
        403, senco=200, head=200, other_senco=404
    ),
    ("assessment:type_change", "assessment_type", "POST"): answers(
        403, senco=200, head=200, other_senco=404
    ),
    ("assessment:results_csv", "assessment_type", "GET"): answers(
        403, **SEES_TAUGHT, other_teacher=200, other_senco=404
    ),
    ("assessment:results_xlsx", "assessment_type", "GET"): answers(
        403, **SEES_TAUGHT, other_teacher=200, other_senco=404
    ),
    ("assessment:record", "", "GET"): answers(
        403, **SEES_TAUGHT, other_teacher=200, other_senco=200
    ),
    ("assessment:grid", "taught_group", "GET"): answers(
        403, **SEES_TAUGHT, other_teacher=404, other_senco=404
    ),
    ("assessment:grid", "taught_group", "POST"): answers(
        403, **SEES_TAUGHT, other_teacher=404, other_senco=404
    ),
    ("assessment:grid", "other_group", "GET"): answers(
        403, senco=200, head=200, other_teacher=200, teacher=404, ta=404, other_senco=404
    ),
    # Each school's SENCO and head read its own log (other_senco: the second school's).
    ("audit:log", "", "GET"): answers(403, senco=200, head=200, other_senco=200),
}

MISSING = "00000000-0000-4000-8000-000000000000"
OTHER_TARGETS = {
    "assessment_type": lambda: {"public_id": assessment.assessment_type().public_id},
    "taught_group": lambda: assessment.grid_kwargs("teacher"),
    "other_group": lambda: assessment.grid_kwargs("other_teacher"),
    "reset_key": lambda: {"uidb36": "1", "key": "set-password-bad-key"},
    "security_key": lambda: {"pk": 999999},
    "provider": lambda: {"provider_id": "no-such-school-sign-in"},
    "token": lambda: {"token": "not-a-real-invitation-token"},
    "invitation": lambda: {"public_id": targets.waiting_invitation().public_id},
    "contact": lambda: {"public_id": targets.contact_without_account().public_id},
    "import": lambda: {"public_id": targets.an_import().public_id},
    "taught_contact": lambda: {
        "public_id": targets.taught_pupil().public_id,
        "contact_id": targets.contact_without_account().public_id,
    },
    # A real contact, asked for through a child it does not belong to.
    "contact_of_another": lambda: {
        "public_id": targets.parents_child().public_id,
        "contact_id": targets.contact_without_account().public_id,
    },
}

# Each part of the product keeps its own rows and targets beside its tests.
for part in (
    api_matrix,
    calendar_matrix,
    concerns_matrix,
    ehcp_matrix,
    meetings_matrix,
    passports_matrix,
    plans_matrix,
    provision_matrix,
    register_matrix,
    reports_matrix,
):
    MATRIX.update(part.ROWS)
    OTHER_TARGETS.update(part.TARGETS)


def address(name: str, target: str) -> tuple[str, dict]:
    pupil = {
        "taught": targets.taught_pupil,
        "with_photo": targets.pupil_with_photo,
        "child": targets.parents_child,
        "elsewhere": targets.pupil_elsewhere,
    }.get(target)
    if pupil:
        return reverse(name, kwargs={"public_id": pupil().public_id}), {}
    if target == "missing":
        return reverse(name, kwargs={"public_id": MISSING}), {}
    if target == "contact":
        data = {"pupil": str(targets.taught_pupil().public_id)}
        return reverse(name, kwargs=OTHER_TARGETS[target]()), data
    if target in OTHER_TARGETS:
        return reverse(name, kwargs=OTHER_TARGETS[target]()), {}
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
    if expected == 404 and who != "anonymous" and name != "accept_invitation":
        assert b"Not found, or you do not have access: ask your SENCO" in response.content
