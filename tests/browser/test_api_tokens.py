"""The SENCO makes an API token, a program uses it, and the SENCO revokes it; the API's docs
load from this server under the strict Content Security Policy."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def test_the_senco_makes_uses_and_revokes_an_api_token(page, sign_in, site):
    sign_in("senco")
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Make a token").click()
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_role("link", name="Name: This field is required.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name").fill("Trust dashboard")
    page.get_by_label("30 days").check()
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_text("Copy the token now: it is not shown again.")).to_be_visible()
    assert_accessible(page)
    text = page.get_by_label("Trust dashboard, in force until").input_value()
    assert text.startswith("senco_") and len(text) == 62

    program = page.context.request
    answer = program.get(f"{site}/api/pupils/", headers={"Authorization": f"Bearer {text}"})
    assert answer.status == 200 and answer.json()["count"] > 0

    page.get_by_role("link", name="Back to API tokens").click()
    row = page.get_by_role("row", name="Trust dashboard")
    expect(row).to_contain_text("In force until")
    assert text not in page.content()
    assert_accessible(page)
    row.get_by_role("button", name="Revoke Trust dashboard").click()
    expect(page.get_by_text("Revoked Trust dashboard: it no longer works.")).to_be_visible()
    expect(page.get_by_role("row", name="Trust dashboard")).to_contain_text("Revoked")
    assert_accessible(page)
    refused = program.get(f"{site}/api/pupils/", headers={"Authorization": f"Bearer {text}"})
    assert refused.status == 401 and "revoked" in refused.json()["error"]["message"]


def test_the_api_docs_load_from_this_server_with_no_policy_broken(page, site):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(site) else outside.append(r.url))
    page.goto("/api/docs/")
    expect(page.get_by_role("heading", name="OpenSENCO API")).to_be_visible()
    expect(page.get_by_text("/api/pupils/{public_id}/sen/").first).to_be_visible()
    assert [p for p in problems if "Content Security Policy" in p] == []
    assert [u for u in outside if not u.startswith("data:")] == []
