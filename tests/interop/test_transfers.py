"""Common Transfer Files through the import framework: dry run, one transaction, idempotent."""

import datetime as dt
from pathlib import Path

import pytest

from senco.audit.models import AuditEntry
from senco.interop import services
from senco.pupils.models import Contact, FreeMealsPeriod, Pupil, SenNeed, SenStatus
from senco.schools.models import School
from tests import targets

pytestmark = pytest.mark.django_db

HERE = Path(__file__).parent / "ctf"
# The real SIMS files (../shared/fixtures/ctf): read where they are, never copied in.
REAL = next(
    (
        p
        for p in (
            Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "ctf",
            Path("/work/shared/fixtures/ctf"),
        )
        if p.exists()
    ),
    Path("/nonexistent"),
)


def ctf_file(name: str) -> bytes:
    return (HERE / name).read_bytes()


def empty_school(urn="990777") -> School:
    return School.objects.create(
        name="Brook Vale School (synthetic)",
        urn=urn,
        la_code="999",
        establishment_number="4001",
        phase="primary",
    )


def checked(persona, school, data: bytes, name="transfer.xml"):
    run = services.upload(persona("senco"), school, name, data)
    assert run.kind == "ctf"
    services.choose_columns(run, "ctf", {})
    return services.check(run.pk)


def imported(persona, school, data: bytes, name="transfer.xml"):
    run = checked(persona, school, data, name)
    assert run.status == "checked", run.report
    return services.apply(run.pk, persona("senco"))


def history(pupil: Pupil) -> tuple[list, list]:
    statuses = [
        (s.provision, s.starts, s.ends)
        for s in SenStatus.objects.filter(pupil=pupil).order_by("starts")
    ]
    needs = [
        (n.need, n.rank, n.starts, n.ends)
        for n in SenNeed.objects.filter(pupil=pupil).order_by("starts", "rank")
    ]
    return statuses, needs


def test_a_ctf_is_checked_then_applied_with_its_sen_history_and_contacts(persona):
    school = empty_school()
    run = checked(persona, school, ctf_file("two_pupils.xml"))
    assert run.report["counts"]["create"] == 2 and Pupil.objects.filter(school=school).count() == 0
    assert run.report["ctf"]["source"].startswith("Larkfield Primary")
    services.apply(run.pk, persona("senco"))
    rhys = Pupil.objects.get(school=school, upn="M999200100022")
    assert (rhys.former_upn, rhys.middle_names, rhys.first_language) == (
        "R99920010002X",
        "Tomos",
        "WEL",
    )
    assert rhys.eal and rhys.medical_flag and not rhys.free_school_meals
    assert rhys.address == "Flat 2\nMill House\nSample Lane\nSampletown\nNowhereshire"
    statuses, needs = history(rhys)
    assert statuses == [
        ("K", dt.date(2019, 5, 17), dt.date(2022, 5, 17)),
        ("N", dt.date(2022, 5, 18), None),
    ]
    # Needs left open under a later N end with the SEN provision they belonged to.
    assert needs == [
        ("SLCN", 1, dt.date(2020, 2, 2), dt.date(2022, 5, 17)),
        ("SPLD", 2, dt.date(2020, 11, 20), dt.date(2022, 5, 17)),
    ]
    assert rhys.sen_provision == "N" and rhys.primary_need == ""
    assert FreeMealsPeriod.objects.get(pupil=rhys).ends == dt.date(2021, 3, 31)
    links = {link.contact.first_name: link for link in rhys.contact_links.all()}
    assert links["Cerys"].lives_with_pupil and links["Cerys"].contact.address == rhys.address
    assert links["Cerys"].contact.home_phone == "01632 960 001"
    assert links["Gareth"].court_order and links["Gareth"].relationship == "REL"
    assert links["Gareth"].contact.postcode == "ZZ9 9ZZ"
    ava = Pupil.objects.get(school=school, upn="K999200100011")
    assert [link.contact.first_name for link in ava.contact_links.order_by("priority")] == [
        "Nia",
        "Owen",
    ]
    assert AuditEntry.objects.filter(action="pupil.transferred_in", pupil_id=rhys.pk).exists()


def test_importing_the_same_file_again_changes_nothing(persona):
    school = empty_school()
    imported(persona, school, ctf_file("two_pupils.xml"))
    counts = (Pupil.objects.count(), Contact.objects.count(), SenNeed.objects.count())
    again = checked(persona, school, ctf_file("two_pupils.xml"))
    assert again.report["counts"]["same"] == 2, again.report["rows"]
    assert (again.report["counts"]["create"], again.report["counts"]["change"]) == (0, 0)
    assert (Pupil.objects.count(), Contact.objects.count(), SenNeed.objects.count()) == counts


def test_a_ctf_25_brings_legacy_codes_as_recorded_and_looked_after_status(persona):
    school = empty_school()
    run = checked(persona, school, ctf_file("ctf25_plan.xml"))
    assert any("addressed to" in w for w in run.report["file_warnings"])
    services.apply(run.pk, persona("senco"))
    jordan = Pupil.objects.get(school=school, upn="A999300500011")
    statuses, needs = history(jordan)
    assert [s[0] for s in statuses] == ["P", "S", "E"]
    assert needs == [
        ("ASD", 1, dt.date(2013, 9, 2), None),
        ("SEMH", 2, dt.date(2018, 1, 15), None),
    ]
    assert (jordan.sen_provision, jordan.primary_need) == ("E", "ASD")
    assert (jordan.looked_after, jordan.care_authority, jordan.uln) == ("cla", "998", "9999000011")
    assert jordan.free_school_meals and jordan.eal and jordan.year_group == 9
    foster = jordan.contact_links.get(contact__first_name="Dana")
    assert foster.relationship == "FCA"


def test_a_pupil_is_matched_by_former_upn_and_keeps_the_history_recorded_here(persona):
    school = empty_school()
    pupil = Pupil.objects.create(
        school=school,
        upn="R99920010002X",
        legal_first_name="Rhys",
        legal_last_name="Examplar",
        date_of_birth=dt.date(2014, 10, 21),
        sex="M",
        sen_provision="K",
        primary_need="ASD",
    )
    SenStatus.objects.create(pupil=pupil, provision="K", starts=dt.date(2023, 9, 1))
    SenNeed.objects.create(pupil=pupil, need="ASD", rank=1, starts=dt.date(2023, 9, 1))
    run = checked(persona, school, ctf_file("two_pupils.xml"))
    row = next(r for r in run.report["rows"] if r["pupil"] == str(pupil.public_id))
    assert row["outcome"] == "change" and row["changes"]["upn"] == [
        "R99920010002X",
        "M999200100022",
    ]
    assert any("history here is kept" in w for w in row["warnings"])
    services.apply(run.pk, persona("senco"))
    pupil.refresh_from_db()
    assert pupil.upn == "M999200100022" and pupil.sen_provision == "K"
    statuses, needs = history(pupil)
    # The file's earlier history, which ended before the history here starts, is added.
    assert [s[0] for s in statuses] == ["K", "K"] and len(needs) == 3


REFUSED = {
    "a DOCTYPE": b'<?xml version="1.0"?><!DOCTYPE CTfile [<!ENTITY a "aaaa">]><CTfile>&a;</CTfile>',
    "an external entity": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b"<CTfile><Header>&e;</Header></CTfile>",
    "another XML file": b'<?xml version="1.0"?><invoice><total>3</total></invoice>',
    "a truncated file": b'<?xml version="1.0"?><CTfile><Header><CTFversion>19.0</CTFver',
}


@pytest.mark.parametrize("what", REFUSED)
def test_a_hostile_or_broken_file_is_refused_whole_and_changes_nothing(persona, what):
    school = empty_school()
    before = (
        Pupil.objects.count(),
        AuditEntry.objects.filter(action="pupil.transferred_in").count(),
    )
    run = checked(persona, school, REFUSED[what])
    assert run.status == "refused" and run.report["file_warnings"]
    applied = services.apply(run.pk, persona("senco"))
    assert applied.status == "refused"
    after = (
        Pupil.objects.count(),
        AuditEntry.objects.filter(action="pupil.transferred_in").count(),
    )
    assert after == before


BROKEN_PUPILS = {
    "no UPN": (b"<UPN>M999200100022</UPN>", b"", "has no <UPN>"),
    "an impossible date": (b"<DOB>2014-10-21</DOB>", b"<DOB>2014-02-31</DOB>",
                           "<DOB> '2014-02-31'"),
    "an unknown SEN code": (b"<SENprovision>K</SENprovision>", b"<SENprovision>Q</SENprovision>",
                            "<SENprovision> 'Q' is not an SEN provision code"),
    "an unknown need": (b"<SENtype>SPLD</SENtype>", b"<SENtype>XYZ</SENtype>",
                        "<SENtype> 'XYZ' is not a census type of need"),
    "an end before the start": (b"<EndDate>2022-05-17</EndDate>", b"<EndDate>2018-01-01</EndDate>",
                                "ends (2018-01-01) before it starts"),
    "a name too long": (b"<Surname>Examplar</Surname>", b"<Surname>" + b"x" * 300 + b"</Surname>",
                        "<Surname> is 300 characters"),
}  # fmt: skip


@pytest.mark.parametrize("what", BROKEN_PUPILS)
def test_a_pupil_with_bad_data_refuses_the_file_saying_what_and_where(persona, what):
    old, new, message = BROKEN_PUPILS[what]
    data = ctf_file("two_pupils.xml").replace(old, new, 1)
    school = empty_school()
    run = checked(persona, school, data)
    assert run.status == "refused"
    refused = [r for r in run.report["rows"] if r["outcome"] == "refuse"]
    assert len(refused) == 1 and any(message in m for m in refused[0]["messages"]), refused
    assert refused[0]["messages"][0].startswith("Line ")
    assert services.apply(run.pk, persona("senco")).status == "refused"
    assert not Pupil.objects.filter(school=school).exists()


@pytest.mark.skipif(not REAL.exists(), reason="the shared SIMS fixtures are not on this machine")
def test_the_real_sims_files_import_with_the_right_sen_history(persona):
    school = empty_school()
    for name in ("y12.xml", "y7_2_students.xml", "y7_partial.xml", "y7_spaced_numbers.xml"):
        run = imported(persona, school, (REAL / name).read_bytes(), name)
        assert run.status == "applied"
    pupils = {p.legal_first_name: p for p in Pupil.objects.filter(school=school)}
    assert len(pupils) == 5
    statuses, needs = history(pupils["Tom"])
    assert [s[0] for s in statuses] == ["K", "N"] and [n[:2] for n in needs] == [("NSA", 1)]
    statuses, needs = history(pupils["Sandy"])
    assert [s[0] for s in statuses] == ["K", "N"]
    assert [n[:2] for n in needs] == [("SLCN", 1), ("SPLD", 2)]
    # Provision went K then N, so the needs are history, not current.
    assert all(n[3] is not None for n in needs) and pupils["Sandy"].sen_provision == "N"
    assert pupils["Jarvis"].contact_links.count() == 3
    for name in ("y12.xml", "y7_2_students.xml", "y7_partial.xml", "y7_spaced_numbers.xml"):
        again = checked(persona, school, (REAL / name).read_bytes(), name)
        assert again.report["counts"]["create"] + again.report["counts"]["change"] == 0


def test_a_data_manager_may_not_apply_a_ctf_since_it_brings_sen_history(client_for, persona):
    from senco.accounts.models import Membership

    Membership.objects.create(
        user=persona("admin"), school=targets.home_school(), role="data_manager"
    )
    run = services.upload(
        persona("admin"), targets.home_school(), "t.xml", ctf_file("two_pupils.xml")
    )
    response = client_for("admin").post(
        f"/imports/{run.public_id}/", {"step": "columns", "kind": "ctf"}
    )
    assert response.status_code == 403
    run.refresh_from_db()
    assert run.status == "uploaded"


def test_senco_import_reads_a_ctf_on_the_command_line(persona, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    school = empty_school()
    path = tmp_path / "9992001_CTF_9994001_001.xml"
    path.write_bytes(ctf_file("two_pupils.xml"))
    out = StringIO()
    call_command("import", str(path), "--school", school.urn, "--dry-run", stdout=out)
    assert "as common transfer file (ctf): 2 to add" in out.getvalue()
    assert not Pupil.objects.filter(school=school).exists()
    call_command("import", str(path), "--school", school.urn, stdout=StringIO())
    assert Pupil.objects.filter(school=school).count() == 2


def test_a_file_without_court_orders_leaves_a_recorded_court_order_alone(persona):
    school = empty_school()
    imported(persona, school, ctf_file("two_pupils.xml"))
    rhys = Pupil.objects.get(school=school, upn="M999200100022")
    link = rhys.contact_links.get(contact__first_name="Cerys")
    link.court_order = True
    link.save()
    without = ctf_file("two_pupils.xml").replace(b"<CourtOrder>N</CourtOrder>", b"")
    run = checked(persona, school, without)
    assert run.report["counts"]["change"] == 0, run.report["rows"]
    link.refresh_from_db()
    assert link.court_order


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (b"<FSMendDate>2021-03-31</FSMendDate>", b"<FSMendDate>2018-01-01</FSMendDate>",
         "free school meals end (2018-01-01) before they start"),
        (b"<SENtype>SLCN</SENtype>",
         b"<SENtype>SLCN</SENtype><NeedEndDate>2001-01-01</NeedEndDate>",
         "the need SLCN ends (2001-01-01) before it starts"),
        (b"<StartDate>2019-05-17</StartDate>", b"<StartDate>2022-05-18</StartDate>",
         "only one status is open at a time"),
        (b"<UPN>M999200100022</UPN>", b"<UPN>1999200100022</UPN>", "starts with its check letter"),
    ],
)  # fmt: skip
def test_what_the_database_would_refuse_is_refused_at_the_check(persona, old, new, message):
    data = ctf_file("two_pupils.xml").replace(old, new, 1)
    if b"2022-05-18</StartDate>" in new:  # both records open, starting the same day
        data = data.replace(b"<EndDate>2022-05-17</EndDate>", b"", 1)
    run = checked(persona, empty_school(), data)
    assert run.status == "refused"
    messages = [m for r in run.report["rows"] for m in r["messages"]]
    assert any(message in m for m in messages), messages
