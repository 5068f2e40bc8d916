"""A new school loads its pupils from the MIS: upload, map the columns, check, apply."""

from playwright.sync_api import expect

from senco.pupils.census import upn_check_letter
from senco.pupils.models import Pupil
from tests.browser.conftest import assert_accessible

BODY = "999" + "246813579"
UPN = upn_check_letter(BODY) + BODY
FILE = (
    "Pupil reference,Surname,Forename,Date of Birth,Gender,NC Year\r\n"
    f"{UPN},Fairweather,Isla,14/09/2015,F,Year 6\r\n"
    ",Ashby,Rowan,2016-11-02,M,5\r\n"
).encode()


def test_the_senco_uploads_a_pupils_file_maps_a_column_checks_and_applies(sign_in):
    page = sign_in("senco")
    page.get_by_role("link", name="Imports").click()
    assert_accessible(page)
    page.get_by_role("button", name="Upload and look at the columns").click()
    expect(page.get_by_role("alert")).to_contain_text("This field is required")
    page.get_by_label("File from your MIS").set_input_files(
        files=[{"name": "pupils.csv", "mimeType": "text/csv", "buffer": FILE}]
    )
    page.get_by_role("button", name="Upload and look at the columns").click()
    expect(page.get_by_role("heading", name="1. What the columns hold")).to_be_visible()
    assert_accessible(page)
    # "Pupil reference" is not a heading we know: the SENCO says it holds the UPN.
    page.get_by_label("UPN", exact=True).select_option("Pupil reference")
    page.get_by_role("button", name="Check the file (nothing changes yet)").click()
    expect(page.get_by_role("heading", name="2. What the file would do")).to_be_visible()
    expect(page.get_by_role("cell", name="Isla Fairweather")).to_be_visible()
    assert_accessible(page)
    assert not Pupil.objects.filter(upn=UPN).exists()
    page.get_by_role("button", name="Apply: add 2 and change 0").click()
    expect(page.get_by_role("heading", name="What was imported")).to_be_visible()
    assert Pupil.objects.get(upn=UPN).legal_first_name == "Isla"
