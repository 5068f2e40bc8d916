"""Common Transfer Files: a pupil arrives with their SEN history; pupils leave with theirs."""

from pathlib import Path

from playwright.sync_api import expect

from senco.interop import ctf
from senco.pupils.census import upn_check_letter
from senco.pupils.models import Pupil, SenNeed
from tests.browser.conftest import assert_accessible

ARRIVING = (Path(__file__).parent.parent / "interop" / "ctf" / "two_pupils.xml").read_bytes()


def fresh(upn: str, body: str) -> tuple[bytes, bytes]:
    new = upn_check_letter(body) + body
    return upn.encode(), new.encode()


def test_the_senco_imports_a_ctf_from_a_previous_school_and_sees_the_sen_history(sign_in):
    data = ARRIVING
    for old, body in (("K999200100011", "999871000001"), ("M999200100022", "999871000002")):
        data = data.replace(*fresh(old, body))
    page = sign_in("senco")
    page.get_by_role("link", name="Imports").click()
    page.get_by_label("File from your MIS").set_input_files(
        files=[{"name": "9992001_CTF_9994001_001.xml", "mimeType": "text/xml", "buffer": data}]
    )
    page.get_by_role("button", name="Upload and look at the columns").click()
    expect(page.get_by_role("heading", name="1. The file")).to_be_visible()
    expect(page.get_by_text("Common Transfer File (CTF)").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Check the file (nothing changes yet)").click()
    expect(page.get_by_role("heading", name="2. What the file would do")).to_be_visible()
    expect(page.get_by_text("Larkfield Primary (synthetic)")).to_be_visible()
    expect(page.get_by_text("This file is addressed to")).to_be_visible()
    expect(page.get_by_text("it ends with it").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Apply: add 2 and change 0").click()
    expect(page.get_by_role("heading", name="What was imported")).to_be_visible()
    rhys = Pupil.objects.get(legal_first_name="Rhys", legal_last_name="Examplar")
    assert list(SenNeed.objects.filter(pupil=rhys).values_list("need", flat=True)) == [
        "SLCN",
        "SPLD",
    ]


def test_the_senco_sends_a_ctf_for_one_pupil_and_for_a_year_group(sign_in):
    page = sign_in("senco")
    page.get_by_role("link", name="Pupils", exact=True).click()
    page.locator("table tbody tr a").first.click()
    page.get_by_role("link", name="Common Transfer File").click()
    expect(page.get_by_role("heading", name="Common Transfer File for")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("New school's LA code").fill("93a")
    page.get_by_role("button", name="Download the CTF").click()
    expect(page.get_by_text("An LA code is 3 digits").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("New school's LA code").fill("938")
    page.get_by_label("New school's establishment number").fill("4021")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the CTF").click()
    assert info.value.suggested_filename.endswith("_CTF_9384021_001.xml")
    with open(info.value.path(), "rb") as f:
        assert len(ctf.read(f.read()).pupils) == 1

    page.get_by_role("link", name="Imports").click()
    page.get_by_role("link", name="Send a CTF").click()
    assert_accessible(page)
    page.get_by_label("A whole year group").check()
    page.get_by_label("Year group", exact=True).select_option("Year 6")
    page.get_by_label("The new school is not known").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the CTF").click()
    assert info.value.suggested_filename.endswith("_CTF_MMMMMMM_001.xml")
    with open(info.value.path(), "rb") as f:
        sent = ctf.read(f.read()).pupils
    assert sent and all(p.year_group == 6 for p in sent)
