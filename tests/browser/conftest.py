"""Browser tests: Playwright driving Debian's Chromium against the live test server."""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import override_settings
from playwright.sync_api import sync_playwright

from senco.demo import builder
from tests.conftest import DEMO, FAST_HASHERS

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(executable):
        pytest.fail(
            "Debian's Chromium is missing: run 'apt-get install chromium' (make test does)."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db):
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        builder.build(DEMO)
    return live_server.url


@pytest.fixture
def page(browser, site):
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    # Let the last request finish, so the live server is not serving one as the test ends.
    page.wait_for_load_state("networkidle")
    context.close()


@pytest.fixture
def sign_in(page):
    def as_(username: str):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO.password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")
        return page

    return as_


_axe = Axe()


def assert_accessible(page) -> None:
    """axe-core finds no WCAG 2.2 A or AA violation on the page as it is now."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    violations = results.response["violations"]
    assert violations == [], results.generate_report()


def sign_out(page) -> None:
    """Sign out with the header's button, so the next `sign_in` can be another persona."""
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")
