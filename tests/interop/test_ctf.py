"""The Common Transfer File module on its own (no database): hostile and broken files, the
problems reported for each pupil, the end dates a CTF implies, and writing then reading back."""

import dataclasses
import datetime as dt
import random
import re
import socket
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from senco.interop import ctf
from senco.interop.ctf import Need, Status
from senco.interop.tabular import FileRefused
from senco.pupils.census import UPN_LETTERS, upn_check_letter

CTF = Path(__file__).parent / "ctf"
TWO_PUPILS = (CTF / "two_pupils.xml").read_bytes()
PLAN = (CTF / "ctf25_plan.xml").read_bytes()
D = dt.date


def header(version="25.0") -> bytes:
    return (
        f"<Header><CTFversion>{version}</CTFversion><SourceSchool><LEA>999</LEA>"
        "<Estab>2001</Estab></SourceSchool></Header>"
    ).encode()


PUPIL = (
    b"<Pupil><UPN>K999200100011</UPN><Surname>Testwood</Surname><Forename>Ava</Forename>"
    b"<DOB>2015-03-04</DOB><Sex>F</Sex></Pupil>"
)


def ctf_of(*pupils: bytes, version="25.0") -> bytes:
    data = b"<CTFpupilData>" + b"".join(pupils) + b"</CTFpupilData>"
    return b'<?xml version="1.0"?>\n<CTfile>' + header(version) + data + b"</CTfile>"


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE CTfile [\n{chr(10).join(entities)}\n]>\n'
        "<CTfile><Header><CTFversion>&lol9;</CTFversion></Header></CTfile>"
    ).encode()


# Hostile and broken files -------------------------------------------------------------------

DOCTYPE_REFUSED = "DOCTYPE or ENTITY declaration"
NOT_XML = "not complete, well-formed XML"

HOSTILE = {
    "a DOCTYPE with internal entities": (
        b'<?xml version="1.0"?><!DOCTYPE CTfile [<!ENTITY a "aaaa">]><CTfile>&a;</CTfile>',
        DOCTYPE_REFUSED,
    ),
    "a billion laughs": (billion_laughs(), DOCTYPE_REFUSED),
    "an external entity": (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b"<CTfile><Header>&e;</Header></CTfile>",
        DOCTYPE_REFUSED,
    ),
    "an external entity naming a file that cannot be read": (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///no/such/dir/x">]>'
        b"<CTfile><Header>&e;</Header></CTfile>",
        DOCTYPE_REFUSED,
    ),
    "an external DTD": (
        b'<?xml version="1.0"?>\n<!DOCTYPE CTfile SYSTEM "http://example.invalid/ctf.dtd">\n'
        + ctf_of(PUPIL).split(b"\n", 1)[1],
        DOCTYPE_REFUSED,
    ),
    "a lower-case doctype with spaces": (
        b"<! doctype CTfile>" + ctf_of(PUPIL).split(b"\n", 1)[1],
        DOCTYPE_REFUSED,
    ),
    "a UTF-16 file": (TWO_PUPILS.decode().encode("utf-16"), "not UTF-8 text"),
    "a UTF-16 file without a byte order mark": (
        TWO_PUPILS.decode().encode("utf-16-le"),
        "not UTF-8 text",
    ),
    # Declared encodings the byte check for "<!DOCTYPE" cannot see through: still refused (this
    # libxml2 cannot decode EBCDIC; one that could would find the DOCTYPE after parsing).
    "a DOCTYPE hidden in UTF-7": (
        b'<?xml version="1.0" encoding="UTF-7"?>'
        b'+ADw-!DOCTYPE CTfile +AFs-+ADw-!ENTITY a "x"+AD4-+AF0-+AD4-<CTfile>&a;</CTfile>',
        "has a DOCTYPE, which no CTF has",
    ),
    "a DOCTYPE hidden in EBCDIC": (
        '<?xml version="1.0" encoding="IBM037"?><!DOCTYPE CTfile [<!ENTITY a "x">]>'
        "<CTfile><Header/>&a;</CTfile>".encode("cp037"),
        f"{NOT_XML}|has a DOCTYPE, which no CTF has",
    ),
    "a PDF": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", NOT_XML),
    "random bytes": (random.Random(7).randbytes(4000), "not UTF-8 text"),
    "random bytes with no zero byte": (bytes(range(1, 256)) * 4, NOT_XML),
    "an empty file": (b"", NOT_XML),
    "an unknown declared encoding": (
        b'<?xml version="1.0" encoding="bogus"?><CTfile/>',
        NOT_XML,
    ),
    "another XML file": (
        b'<?xml version="1.0"?><invoice><total>3</total></invoice>',
        "root element is <invoice>, not <CTfile>: it is not a Common Transfer File",
    ),
    "a CTfile in a namespace": (
        b'<CTfile xmlns="urn:example"><Header/></CTfile>',
        "not <CTfile>",
    ),
    "a CTF with no Header": (
        b"<CTfile><CTFpupilData>" + PUPIL + b"</CTFpupilData></CTfile>",
        "The CTF has no <Header>",
    ),
    "a CTF with no pupils": (
        b"<CTfile>" + header() + b"<CTFpupilData/></CTfile>",
        "The CTF holds no <Pupil>: there is nothing to import",
    ),
    "a CTF with no pupil data at all": (
        b"<CTfile>" + header() + b"</CTfile>",
        "holds no <Pupil>",
    ),
    "too many pupils": (
        ctf_of(*[b"<Pupil/>"] * (ctf.MAX_PUPILS + 1)),
        f"holds {ctf.MAX_PUPILS + 1} pupils; the most read is {ctf.MAX_PUPILS}",
    ),
    "nesting deeper than libxml2 allows": (
        b"<CTfile>" + b"<a>" * 300 + b"</a>" * 300 + b"</CTfile>",
        NOT_XML,
    ),
}


@pytest.mark.parametrize("what", HOSTILE)
def test_a_hostile_or_broken_file_is_refused_saying_why(what):
    data, message = HOSTILE[what]
    with pytest.raises(FileRefused, match=message):
        ctf.read(data)


def test_a_truncated_file_is_refused_naming_the_line_where_it_stops():
    cut = TWO_PUPILS[: len(TWO_PUPILS) // 2]
    last_line = cut.count(b"\n") + 1
    with pytest.raises(FileRefused, match=f"{NOT_XML} at line {last_line} .*cut short"):
        ctf.read(cut)


def test_a_file_cut_inside_the_header_is_refused_naming_a_line():
    with pytest.raises(FileRefused, match=r"at line \d+"):
        ctf.read(b'<?xml version="1.0"?>\n<CTfile><Header><CTFversion>19.0</CTFver')


def test_an_external_entity_naming_a_real_file_is_refused_and_the_file_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    data = (
        f'<?xml version="1.0"?>\n<!DOCTYPE CTfile [<!ENTITY e SYSTEM "{secret.as_uri()}">]>\n'
        "<CTfile>" + header().decode() + "<CTFpupilData><Pupil><Surname>&e;</Surname>"
        "</Pupil></CTFpupilData></CTfile>"
    ).encode()
    with pytest.raises(FileRefused, match=DOCTYPE_REFUSED) as refused:
        ctf.read(data)
    assert "TOP-SECRET" not in str(refused.value)
    # Were the DOCTYPE check ever bypassed, the parser itself does not read the file either.
    tree = etree.fromstring(data, ctf._parser())
    assert b"TOP-SECRET" not in etree.tostring(tree)
    assert tree.find(".//Surname").text is None


def test_an_external_dtd_or_entity_on_the_network_is_never_fetched():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    try:
        data = (
            f'<?xml version="1.0"?>\n<!DOCTYPE CTfile SYSTEM "http://127.0.0.1:{port}/ctf.dtd" '
            f'[<!ENTITY e SYSTEM "http://127.0.0.1:{port}/e">]>\n'
            "<CTfile>" + header().decode() + "<CTFpupilData><Pupil><Surname>&e;</Surname>"
            "</Pupil></CTFpupilData></CTfile>"
        ).encode()
        with pytest.raises(FileRefused, match=DOCTYPE_REFUSED):
            ctf.read(data)
        etree.fromstring(data, ctf._parser())  # the parser alone fetches nothing either
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()


@given(st.binary(max_size=3000))
def test_random_bytes_are_always_refused_and_never_crash(data):
    with pytest.raises(FileRefused):
        ctf.read(data)


# What is read -------------------------------------------------------------------------------


def test_the_example_ctf_19_is_read_whole():
    transfer = ctf.read(TWO_PUPILS)
    assert transfer.warnings == []
    assert transfer.header == ctf.Header(
        version="19.0",
        created="2026-07-15T09:30:00",
        qualifier="full",
        supplier="SIMS",
        academic_year="2025",
        source=ctf.Establishment("999", "2001", "900001", "Larkfield Primary (synthetic)"),
        destination=ctf.Establishment("999", "4001", "XXXXXX", ""),
    )
    ava, rhys = transfer.pupils
    assert (ava.problems, ava.warnings, rhys.problems, rhys.warnings) == ([], [], [], [])
    assert ava.upn == "K999200100011" and ava.legal_first_name == "Ava"
    assert ava.date_of_birth == D(2015, 3, 4)
    assert (ava.sex, ava.year_group, ava.ethnicity, ava.first_language) == ("F", 6, "WBRI", "ENG")
    assert ava.medical_flag is False and ava.statuses is None and ava.needs == []
    assert ava.meals is None and ava.in_care is None
    assert (rhys.former_upn, rhys.middle_names, rhys.sex) == ("R99920010002X", "Tomos", "M")
    assert rhys.first_language == "WEL" and rhys.medical_flag is True
    assert rhys.meals == [ctf.Meals(D(2019, 1, 7), D(2021, 3, 31), "ENG")]
    assert rhys.statuses == [
        Status("K", D(2019, 5, 17), D(2022, 5, 17)),
        Status("N", D(2022, 5, 18)),
    ]
    assert rhys.needs == [Need("SLCN", 1, D(2020, 2, 2)), Need("SPLD", 2, D(2020, 11, 20))]
    assert ava.line == 23 and rhys.line == 99  # where each <Pupil> starts


def test_padded_text_is_read_with_its_spaces_collapsed():
    data = TWO_PUPILS.replace(
        b"<Surname>Testwood</Surname>", b"<Surname>  Test\n  wood  </Surname>", 1
    )
    data = data.replace(b"<UPN>K999200100011</UPN>", b"<UPN>  k999 2001 00011 </UPN>")
    ava, rhys = ctf.read(data).pupils
    assert ava.legal_last_name == "Test wood" and ava.upn == "K999200100011" and ava.problems == []
    # The example pads <PAON> and <SAON> with spaces; a UK country is not an address line.
    assert (ava.address, ava.postcode) == ("4\nExample Road\nSampletown", "ZZ1 1AA")
    assert rhys.address == "Flat 2\nMill House\nSample Lane\nSampletown\nNowhereshire"
    assert rhys.contacts[1].address == "9\nOther Street\nElsewhere"
    assert rhys.contacts[1].postcode == "ZZ9 9ZZ"


def test_contacts_out_of_order_come_back_sorted_by_their_order():
    ava, rhys = ctf.read(TWO_PUPILS).pupils
    assert [(c.order, c.first_name) for c in ava.contacts] == [(1, "Nia"), (2, "Owen")]
    nia, owen = ava.contacts
    assert nia.relationship == "PAM" and nia.lives_with_pupil is True
    assert nia.email == "nia.testwood@example.org"
    assert owen.relationship == "PAF" and owen.parental_responsibility is True
    assert owen.mobile_phone == "07700 900 111" and owen.title == "Mr"
    cerys, gareth = rhys.contacts
    assert (cerys.home_phone, cerys.mobile_phone) == ("01632 960 001", "07700900222")
    assert (gareth.order, gareth.relationship, gareth.court_order) == (3, "REL", True)
    assert gareth.parental_responsibility is False and gareth.lives_with_pupil is False


def test_a_contact_with_no_order_goes_after_those_with_one():
    data = TWO_PUPILS.replace(b"<Order>2</Order>", b"", 1)
    ava = ctf.read(data).pupils[0]
    assert [(c.order, c.first_name) for c in ava.contacts] == [(1, "Nia"), (90, "Owen")]


def test_gender_in_ctf_19_to_24_and_sex_in_ctf_25_are_both_read():
    assert [p.sex for p in ctf.read(TWO_PUPILS).pupils] == ["F", "M"]
    assert [p.sex for p in ctf.read(PLAN).pupils] == ["M"]
    both = PUPIL.replace(b"<Sex>F</Sex>", b"<Gender>M</Gender><Sex>F</Sex>")
    assert ctf.read(ctf_of(both)).pupils[0].sex == "F"  # CTF 25's <Sex> wins


def test_a_ctf_25_keeps_legacy_codes_care_and_foster_carers_as_recorded():
    transfer = ctf.read(PLAN)
    assert transfer.header.version == "25.0" and transfer.header.qualifier == "partial"
    assert transfer.header.destination == ctf.Establishment("998", "7777", "", "")
    (jordan,) = transfer.pupils
    assert jordan.problems == [] and jordan.uln == "9999000011" and jordan.year_group == 9
    assert jordan.statuses == [
        Status("P", D(2013, 9, 2), D(2014, 8, 31)),
        Status("S", D(2014, 9, 1), D(2016, 3, 31)),
        Status("E", D(2016, 4, 1)),
    ]
    assert (jordan.in_care, jordan.care_authority) == (True, "998")
    assert jordan.meals == [ctf.Meals(D(2024, 4, 1), None, "ENG")]
    assert (jordan.address, jordan.postcode) == ("12 Placeholder Street\nSampletown", "ZZ3 3CC")
    dana, sam = jordan.contacts
    assert dana.relationship == "FCA" and dana.lives_with_pupil is True  # FOM: a foster carer
    assert dana.mobile_phone == "07700 900333"
    assert (sam.relationship, sam.email, sam.title) == ("SWR", "sam.worker@example.gov.uk", "")


@pytest.mark.parametrize(
    ("year", "group"),
    [("N1", -2), ("N2", -1), ("R", 0), ("r", 0), ("1", 1), ("14", 14), ("X", None), ("", None)],
)
def test_every_national_curriculum_year_is_read(year, group):
    data = TWO_PUPILS.replace(
        b"<NCyearActual>6</NCyearActual>", f"<NCyearActual>{year}</NCyearActual>".encode(), 1
    )
    ava = ctf.read(data).pupils[0]
    assert ava.year_group == group and ava.problems == []


def test_a_version_outside_19_to_25_is_read_with_a_warning_to_check():
    transfer = ctf.read(ctf_of(PUPIL, version="18.0"))
    assert len(transfer.pupils) == 1
    assert transfer.warnings == [
        "The file is CTF version 18.0; OpenSENCO reads versions 19 to 25. Check the report closely."
    ]
    assert "(none given)" in ctf.read(ctf_of(PUPIL, version="")).warnings[0]


def test_an_unknown_relationship_is_recorded_as_other_with_a_warning_naming_the_line():
    data = TWO_PUPILS.replace(
        b"<Relationship>PAF</Relationship>", b"<Relationship>XYZ</Relationship>"
    )
    ava = ctf.read(data).pupils[0]
    owen = ava.contacts[1]
    line = data[: data.index(b"<Contact>\n<Order>2")].count(b"\n") + 1
    assert owen.relationship == "OTH" and ava.problems == []
    assert ava.warnings == [
        f"Line {line}: the relationship code 'XYZ' for Owen Testwood is not known; "
        "recorded as Other."
    ]


# Problems with one pupil, saying what and where ---------------------------------------------

# (file, text replaced, replacement, the element whose line is named, message)
BROKEN_PUPILS = {
    "no UPN": (TWO_PUPILS, b"<UPN>M999200100022</UPN>", b"", "Pupil",
               "pupil 2 has no <UPN>: every pupil in a CTF needs one."),
    "an empty UPN": (TWO_PUPILS, b"<UPN>M999200100022</UPN>", b"<UPN> </UPN>", "Pupil",
                     "pupil 2 has no <UPN>"),
    "no surname": (TWO_PUPILS, b"<Surname>Examplar</Surname>", b"", "Pupil",
                   "Rhys (M999200100022) has no <Surname>: every pupil needs a surname."),
    "a 31st of February": (TWO_PUPILS, b"<DOB>2014-10-21</DOB>", b"<DOB>2014-02-31</DOB>", "DOB",
                           "<DOB> '2014-02-31' is not a date (write YYYY-MM-DD)."),
    "a 13th month": (TWO_PUPILS, b"<DOB>2014-10-21</DOB>", b"<DOB>2014-13-01</DOB>", "DOB",
                     "<DOB> '2014-13-01' is not a date"),
    "a word for a date": (TWO_PUPILS, b"<DOB>2014-10-21</DOB>", b"<DOB>yesterday</DOB>", "DOB",
                          "<DOB> 'yesterday' is not a date"),
    "a year out of range": (TWO_PUPILS, b"<DOB>2014-10-21</DOB>", b"<DOB>1850-10-21</DOB>", "DOB",
                            "<DOB> '1850-10-21' is not a date"),
    "an impossible SEN start": (TWO_PUPILS, b"<StartDate>2019-05-17</StartDate>",
                                b"<StartDate>2019-02-30</StartDate>", "StartDate",
                                "<StartDate> '2019-02-30' is not a date"),
    "an unknown SEN provision": (TWO_PUPILS, b"<SENprovision>K</SENprovision>",
                                 b"<SENprovision>Q</SENprovision>", "SENprovision",
                                 "<SENprovision> 'Q' is not an SEN provision code: one of "
                                 "N, K, E, S, A, P."),
    "an empty SEN provision": (TWO_PUPILS, b"<SENprovision>K</SENprovision>", b"", "SEN",
                               "<SENprovision> (empty) is not an SEN provision code"),
    "an unknown type of need": (TWO_PUPILS, b"<SENtype>SPLD</SENtype>", b"<SENtype>XYZ</SENtype>",
                                "SENtype", "<SENtype> 'XYZ' is not a census type of need"),
    "rank 0": (TWO_PUPILS, b"<SENtypeRank>2</SENtypeRank>", b"<SENtypeRank>0</SENtypeRank>",
               "SENneed", "<SENtypeRank> '0' is not a rank from 1."),
    "rank first": (TWO_PUPILS, b"<SENtypeRank>2</SENtypeRank>",
                   b"<SENtypeRank>first</SENtypeRank>", "SENneed",
                   "<SENtypeRank> 'first' is not a rank from 1."),
    "a need with no start": (TWO_PUPILS, b"<NeedStartDate>2020-11-20</NeedStartDate>", b"",
                             "SENneed", "the need SPLD has no <NeedStartDate>."),
    "an SEN record with no start": (TWO_PUPILS, b"<StartDate>2019-05-17</StartDate>", b"", "SEN",
                                    "an <SEN> record has no <StartDate>."),
    "an end before the start": (TWO_PUPILS, b"<EndDate>2022-05-17</EndDate>",
                                b"<EndDate>2018-01-01</EndDate>", "EndDate",
                                "SEN provision K ends (2018-01-01) before it starts (2019-05-17)."),
    "a gender other than M or F": (TWO_PUPILS, b"<Gender>M</Gender>", b"<Gender>X</Gender>",
                                   "Gender", "<Gender> 'X' is not a sex the census records: "
                                   "one of M, F."),
    "no gender": (TWO_PUPILS, b"<Gender>M</Gender>", b"", "Pupil",
                  "<Gender> (empty) is not a sex the census records"),
    "a sex other than M or F": (PLAN, b"<Sex>M</Sex>", b"<Sex>U</Sex>", "Sex",
                                "<Sex> 'U' is not a sex the census records"),
    "year 15": (TWO_PUPILS, b"<NCyearActual>6</NCyearActual>",
                b"<NCyearActual>15</NCyearActual>", "NCyearActual",
                "<NCyearActual> '15' is not a year: N1, N2, R, 1 to 14 or X."),
    "a 300-character surname": (TWO_PUPILS, b"<Surname>Examplar</Surname>",
                                b"<Surname>" + b"x" * 300 + b"</Surname>", "Surname",
                                "<Surname> is 300 characters; at most 100."),
    "a medical flag that is not true or false": (
        TWO_PUPILS, b"<MedicalFlag>true</MedicalFlag>", b"<MedicalFlag>maybe</MedicalFlag>",
        "MedicalFlag", "<MedicalFlag> 'maybe' is not true or false."),
    "a contact with no forename": (TWO_PUPILS, b"<Forename>Gareth</Forename>", b"", "Contact",
                                   "a <Contact> has no <Forename> or <Surname>."),
    "a postcode too long": (TWO_PUPILS, b"<PostCode>ZZ1 2BB</PostCode>",
                            b"<PostCode>ZZ1 2BB ZZ1 2BB</PostCode>", "PostCode",
                            "<PostCode> is 15 characters; at most 10."),
}  # fmt: skip


@pytest.mark.parametrize("what", BROKEN_PUPILS)
def test_a_pupil_with_bad_data_has_a_problem_saying_what_and_on_which_line(what):
    original, old, new, where, message = BROKEN_PUPILS[what]
    position = original.index(old, original.rindex(b"<Pupil>"))  # the last pupil in the file
    data = original[:position] + new + original[position + len(old) :]
    line = data[: data.rindex(f"<{where}>".encode(), 0, position + len(new))].count(b"\n") + 1
    transfer = ctf.read(data)
    *others, pupil = transfer.pupils
    assert all(p.problems == [] for p in others)
    assert any(p.startswith(f"Line {line}: {message}") for p in pupil.problems), pupil.problems
    assert all(re.match(r"Line \d+: ", p) for p in pupil.problems)


def test_each_bad_value_in_one_pupil_is_reported_separately():
    data = TWO_PUPILS.replace(b"<DOB>2014-10-21</DOB>", b"<DOB>2014-02-31</DOB>").replace(
        b"<SENtype>SPLD</SENtype>", b"<SENtype>XYZ</SENtype>"
    )
    rhys = ctf.read(data).pupils[1]
    assert len(rhys.problems) == 2
    assert "<DOB>" in rhys.problems[0] and "<SENtype>" in rhys.problems[1]
    # A need whose type is unknown is left out; the rest of the history is read.
    assert rhys.needs == [Need("SLCN", 1, D(2020, 2, 2))] and len(rhys.statuses) == 2


# Numbers: ASCII digits only -----------------------------------------------------------------

# str.isdigit() is true of superscript and circled digits, which int() cannot read, and int()
# refuses more than 4,300 digits: each once crashed read() with ValueError.
MANY_DIGITS = "0" * 5000 + "1"
UNREADABLE_NUMBERS = {  # (element, its value in two_pupils.xml, what it becomes, what is said)
    "a superscript NC year": ("NCyearActual", "6", "²", "<NCyearActual> '²' is not a year"),
    "a superscript need rank": ("SENtypeRank", "1", "²", "<SENtypeRank> '²' is not a rank"),
    "a circled need rank": ("SENtypeRank", "1", "①", "<SENtypeRank> '①' is not a rank"),
    "an Arabic-Indic need rank": (
        "SENtypeRank",
        "1",
        "\u0661",
        "<SENtypeRank> '\u0661' is not a rank",
    ),
    "a superscript contact order": ("Order", "2", "²", None),
    "a superscript CTF version": ("CTFversion", "19.0", "²", "The file is CTF version ²;"),
    "a 5,001-digit NC year": ("NCyearActual", "6", MANY_DIGITS, "<NCyearActual> '0000000000'"),
    "a 5,001-digit need rank": ("SENtypeRank", "1", MANY_DIGITS, "<SENtypeRank> '0000000000'"),
    "a 5,001-digit contact order": ("Order", "2", MANY_DIGITS, None),
    "a 5,001-digit CTF version": ("CTFversion", "19.0", MANY_DIGITS, "The file is CTF version"),
}


@pytest.mark.parametrize("what", UNREADABLE_NUMBERS)
def test_a_number_not_in_ascii_digits_is_a_problem_not_a_crash(what):
    tag, old, new, message = UNREADABLE_NUMBERS[what]
    data = TWO_PUPILS.replace(f"<{tag}>{old}<".encode(), f"<{tag}>{new}<".encode(), 1)
    assert data != TWO_PUPILS
    transfer = ctf.read(data)
    said = [m for p in transfer.pupils for m in p.problems] + transfer.warnings
    if message is None:  # a contact whose order cannot be read goes after those with one
        assert said == []
        assert [(c.order, c.first_name) for c in transfer.pupils[0].contacts] == [
            (1, "Nia"),
            (90, "Owen"),
        ]
    else:
        assert len(said) == 1 and message in said[0], said


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        (b"<StartDate>2019-05-17</StartDate>", b"<StartDate></StartDate>", "SEN",
         "an <SEN> record has no <StartDate>."),
        (b"<StartDate>2019-05-17</StartDate>", b"<StartDate> </StartDate>", "SEN",
         "an <SEN> record has no <StartDate>."),
        (b"<NeedStartDate>2020-02-02</NeedStartDate>", b"<NeedStartDate/>", "SENneed",
         "the need SLCN has no <NeedStartDate>."),
    ],
)  # fmt: skip
def test_an_empty_start_date_in_the_sen_history_is_a_problem_like_a_missing_one(
    old, new, where, message
):
    position = TWO_PUPILS.index(old)
    data = TWO_PUPILS.replace(old, new, 1)
    line = data[: data.rindex(f"<{where}>".encode(), 0, position)].count(b"\n") + 1
    rhys = ctf.read(data).pupils[1]
    assert rhys.problems == [f"Line {line}: {message}"]


# The end dates a CTF implies ----------------------------------------------------------------


def test_needs_left_open_when_support_gives_way_to_no_sen_end_with_the_support():
    statuses = [Status("K", D(2019, 5, 17), D(2022, 5, 17)), Status("N", D(2022, 5, 18))]
    needs = [Need("SLCN", 1, D(2020, 2, 2)), Need("SPLD", 2, D(2020, 11, 20))]
    closed, warnings = ctf.close_needs(statuses, needs)
    assert closed == [
        Need("SLCN", 1, D(2020, 2, 2), D(2022, 5, 17)),
        Need("SPLD", 2, D(2020, 11, 20), D(2022, 5, 17)),
    ]
    assert warnings == [
        "The need SLCN (rank 1) from 2020-02-02 has no end date, but the SEN provision it "
        "belongs to ended on 2022-05-17: it ends with it.",
        "The need SPLD (rank 2) from 2020-11-20 has no end date, but the SEN provision it "
        "belongs to ended on 2022-05-17: it ends with it.",
    ]


def test_the_example_file_implies_the_same_end_dates():
    rhys = ctf.read(TWO_PUPILS).pupils[1]
    closed, warnings = ctf.close_needs(rhys.statuses, rhys.needs)
    assert [n.ends for n in closed] == [D(2022, 5, 17), D(2022, 5, 17)] and len(warnings) == 2


def test_a_later_need_of_the_same_rank_ends_the_earlier_the_day_before():
    statuses = [Status("K", D(2019, 1, 1))]
    needs = [
        Need("MLD", 1, D(2019, 1, 1)),
        Need("SLCN", 1, D(2020, 3, 1)),
        Need("ASD", 2, D(2019, 6, 1)),
    ]
    closed, warnings = ctf.close_needs(statuses, needs)
    assert closed == [
        Need("MLD", 1, D(2019, 1, 1), D(2020, 2, 29)),
        Need("SLCN", 1, D(2020, 3, 1)),
        Need("ASD", 2, D(2019, 6, 1)),
    ]
    assert warnings == []  # the provision goes on: nothing else ends


def test_a_need_given_an_end_date_keeps_it():
    statuses = [Status("K", D(2019, 1, 1), D(2020, 1, 1)), Status("N", D(2020, 1, 2))]
    needs = [Need("MLD", 1, D(2019, 1, 1), D(2019, 6, 30))]
    assert ctf.close_needs(statuses, needs) == (needs, [])


def test_a_need_under_legacy_codes_ends_with_the_joined_run_of_provision():
    statuses = [
        Status("P", D(2013, 9, 2), D(2014, 8, 31)),
        Status("S", D(2014, 9, 1), D(2016, 3, 31)),
        Status("N", D(2016, 4, 1)),
    ]
    closed, warnings = ctf.close_needs(statuses, [Need("ASD", 1, D(2013, 9, 2))])
    assert closed == [Need("ASD", 1, D(2013, 9, 2), D(2016, 3, 31))]
    assert "ended on 2016-03-31" in warnings[0]


def test_a_need_between_two_runs_of_provision_ends_with_the_next():
    statuses = [
        Status("K", D(2015, 1, 1), D(2015, 12, 31)),
        Status("N", D(2016, 1, 1), D(2016, 12, 31)),
        Status("E", D(2017, 1, 1), D(2018, 7, 31)),
        Status("N", D(2018, 8, 1)),
    ]
    closed, _ = ctf.close_needs(statuses, [Need("HI", 1, D(2016, 6, 1))])
    assert closed == [Need("HI", 1, D(2016, 6, 1), D(2018, 7, 31))]


def test_a_need_with_only_no_sen_recorded_ends_on_the_day_it_starts():
    closed, warnings = ctf.close_needs(
        [Status("N", D(2018, 1, 1))], [Need("MLD", 1, D(2019, 1, 1))]
    )
    assert closed == [Need("MLD", 1, D(2019, 1, 1), D(2019, 1, 1))] and len(warnings) == 1


def test_a_need_with_no_sen_history_at_all_stays_open():
    assert ctf.close_needs([], [Need("MLD", 1, D(2019, 1, 1))]) == (
        [Need("MLD", 1, D(2019, 1, 1))],
        [],
    )


def test_two_open_statuses_the_earlier_ends_the_day_before_the_later_starts():
    closed, warnings = ctf.close_statuses([Status("E", D(2021, 3, 1)), Status("K", D(2019, 1, 1))])
    assert closed == [Status("K", D(2019, 1, 1), D(2021, 2, 28)), Status("E", D(2021, 3, 1))]
    assert warnings == [
        "SEN provision K from 2019-01-01 has no end date, but E starts on 2021-03-01: "
        "it ends on 2021-02-28."
    ]


def test_legacy_statement_action_and_action_plus_are_kept_as_recorded():
    statuses = [
        Status("P", D(2013, 9, 2), D(2014, 8, 31)),
        Status("S", D(2014, 9, 1), D(2016, 3, 31)),
        Status("A", D(2016, 4, 1)),
    ]
    assert ctf.close_statuses(statuses) == (statuses, [])
    closed, warnings = ctf.close_statuses([Status("S", D(2010, 1, 1)), Status("A", D(2012, 1, 1))])
    assert [s.provision for s in closed] == ["S", "A"] and closed[0].ends == D(2011, 12, 31)
    assert len(warnings) == 1


def test_two_open_statuses_starting_the_same_day_are_left_as_they_are():
    statuses = [Status("K", D(2019, 1, 1)), Status("E", D(2019, 1, 1))]
    assert ctf.close_statuses(statuses) == (statuses, [])


def test_carried_needs_leaves_out_a_need_ended_by_hand_while_provision_goes_on():
    statuses = [Status("K", D(2019, 1, 1))]
    by_hand = Need("MLD", 1, D(2019, 1, 1), D(2019, 12, 31))
    superseded = Need("SLCN", 2, D(2019, 1, 1), D(2020, 5, 31))
    current = Need("ASD", 2, D(2020, 6, 1))
    assert ctf.carried_needs(statuses, [by_hand, superseded, current]) == [superseded, current]


def test_no_statuses_close_to_no_statuses():
    assert ctf.close_statuses([]) == ([], [])


def test_a_history_of_needs_without_statuses_can_be_closed():
    start, end = TWO_PUPILS.index(b"<SEN>"), TWO_PUPILS.index(b"<SENneeds>")
    rhys = ctf.read(TWO_PUPILS[:start] + TWO_PUPILS[end:]).pupils[1]
    assert rhys.problems == [] and rhys.statuses == [] and len(rhys.needs) == 2
    statuses, warnings = ctf.close_statuses(rhys.statuses)
    assert (statuses, warnings) == ([], [])
    assert ctf.close_needs(statuses, rhys.needs) == (rhys.needs, [])


def test_statuses_starting_the_same_day_are_both_closed_by_a_later_one():
    statuses = [Status("K", D(2019, 1, 1)), Status("E", D(2019, 1, 1)), Status("N", D(2020, 1, 1))]
    closed, warnings = ctf.close_statuses(statuses)
    assert closed == [
        Status("K", D(2019, 1, 1), D(2019, 12, 31)),
        Status("E", D(2019, 1, 1), D(2019, 12, 31)),
        Status("N", D(2020, 1, 1)),
    ]
    assert len(warnings) == 2


dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31))


@given(
    st.lists(st.builds(Status, st.sampled_from(ctf.PROVISION_CODES), dates), max_size=6),
    st.lists(
        st.builds(Need, st.sampled_from(ctf.NEED_CODES), st.integers(1, 3), dates), max_size=6
    ),
)
def test_implied_end_dates_never_precede_the_start_and_closing_twice_changes_nothing(
    statuses, needs
):
    closed_statuses, _ = ctf.close_statuses(statuses)
    latest = max((s.starts for s in statuses), default=None)
    assert all(s.starts == latest for s in closed_statuses if s.ends is None)
    assert all(s.ends is None or s.ends >= s.starts for s in closed_statuses)
    assert ctf.close_statuses(closed_statuses)[0] == closed_statuses
    closed, _ = ctf.close_needs(closed_statuses, needs)
    assert [(n.need, n.rank, n.starts) for n in closed] == [
        (n.need, n.rank, n.starts) for n in needs
    ]
    assert all(n.ends is None or n.ends >= n.starts for n in closed)
    assert ctf.close_needs(closed_statuses, closed)[0] == closed
    assert ctf.carried_needs(closed_statuses, closed) == closed


# Writing, then reading back -----------------------------------------------------------------

# Letters, some accented, and the characters XML escapes; no spaces at either end of a name.
NAME_LETTERS = string.ascii_letters + "éèöøÅÑłçÆßğ'-&<>\"."
words = st.text(NAME_LETTERS, min_size=1, max_size=14)


def text(max_size: int, alphabet=None) -> st.SearchStrategy[str]:
    word = words if alphabet is None else st.text(alphabet, min_size=1, max_size=14)
    return st.lists(word, min_size=1, max_size=6).map(lambda w: " ".join(w)[:max_size].strip())


def optional(strategy) -> st.SearchStrategy:
    return st.just("") | strategy


@st.composite
def upns(draw) -> str:
    body = draw(st.text(string.digits, min_size=11, max_size=11))
    body += draw(st.sampled_from(string.digits + UPN_LETTERS))
    return upn_check_letter(body) + body


codes = st.text(string.ascii_uppercase, min_size=1, max_size=4)
postcodes = optional(text(10, string.ascii_uppercase + string.digits))
phones = optional(text(30, string.digits + "+()"))
emails = optional(st.builds("{}@{}.org".format, text(40, string.ascii_letters + "._"), codes))


@st.composite
def addresses(draw) -> str:
    lines = draw(st.lists(text(100), min_size=1, max_size=5, unique=True))
    return "\n".join(lines)


@st.composite
def contacts(draw) -> list[ctf.Contact]:
    orders = draw(st.lists(st.integers(0, 99), min_size=1, max_size=4, unique=True))
    made = []
    for order in sorted(orders):
        lives = draw(st.booleans())
        made.append(
            ctf.Contact(
                order=order,
                first_name=draw(text(100)),
                last_name=draw(text(100)),
                title=draw(optional(text(20))),
                relationship=draw(st.sampled_from(sorted(set(ctf.RELATIONSHIPS.values())))),
                parental_responsibility=draw(st.booleans()),
                court_order=draw(st.booleans()),
                lives_with_pupil=lives,
                email=draw(emails),
                home_phone=draw(phones),
                mobile_phone=draw(phones),
                work_phone=draw(phones),
                address="" if lives else draw(optional(addresses())),
                postcode="" if lives else draw(postcodes),
            )
        )
    return made


@st.composite
def histories(draw) -> tuple[list[Status], list[Need]]:
    """Consecutive statuses (gaps allowed), only the last open; needs with the implied ends."""
    day = draw(st.dates(min_value=D(1995, 1, 1), max_value=D(2030, 1, 1)))
    first = day
    statuses = []
    lengths = draw(st.lists(st.integers(1, 900), max_size=4))
    for length in lengths:
        ends = day + dt.timedelta(days=length - 1)
        statuses.append(Status(draw(st.sampled_from(ctf.PROVISION_CODES)), day, ends))
        day = ends + dt.timedelta(days=1 + draw(st.sampled_from([0, 0, 0, 30])))
    statuses.append(Status(draw(st.sampled_from(ctf.PROVISION_CODES)), day))
    keys = draw(
        st.lists(
            st.tuples(
                st.dates(min_value=first, max_value=day + dt.timedelta(days=400)),
                st.integers(1, 3),
            ),
            max_size=5,
            unique=True,
        )
    )
    needs = [
        Need(draw(st.sampled_from(ctf.NEED_CODES)), rank, starts) for starts, rank in sorted(keys)
    ]
    return statuses, ctf.close_needs(statuses, needs)[0]


@st.composite
def meals(draw) -> list[ctf.Meals]:
    """Periods starting on different days, each ending (if it does) on or after its start."""
    starts = draw(st.lists(dates, min_size=1, max_size=3, unique=True))
    return [
        ctf.Meals(
            day,
            draw(st.none() | st.integers(0, 800).map(lambda n, day=day: day + dt.timedelta(n))),
            draw(st.sampled_from(["", "ENG", "WLS"])),
        )
        for day in sorted(starts)
    ]


@st.composite
def pupils(draw) -> ctf.Pupil:
    history = draw(st.none() | histories())
    in_care = draw(st.none() | st.booleans())
    address = draw(st.none() | addresses())
    return ctf.Pupil(
        upn=draw(upns()),
        former_upn=draw(optional(upns())),
        uln=draw(optional(st.text(string.digits, min_size=10, max_size=10))),
        legal_last_name=draw(text(100)),
        legal_first_name=draw(text(100)),
        middle_names=draw(optional(text(100))),
        preferred_last_name=draw(optional(text(100))),
        preferred_first_name=draw(optional(text(100))),
        date_of_birth=draw(st.dates(min_value=D(1990, 1, 1), max_value=D(2030, 12, 31))),
        sex=draw(st.sampled_from("MF")),
        year_group=draw(st.none() | st.integers(-2, 14)),
        ethnicity=draw(optional(codes)),
        first_language=draw(optional(codes)),
        medical_flag=draw(st.none() | st.booleans()),
        in_care=in_care,
        care_authority=""
        if in_care is None
        else draw(optional(st.text(string.digits, min_size=3, max_size=3))),
        meals=draw(st.none() | meals()),
        statuses=None if history is None else history[0],
        needs=[] if history is None else history[1],
        address=address,
        postcode="" if address is None else draw(postcodes),
        contacts=draw(st.none() | contacts()),
    )


@st.composite
def transfers(draw) -> ctf.Transfer:
    def establishment(name=True):
        return ctf.Establishment(
            la=draw(optional(st.text(string.digits, min_size=3, max_size=3))),
            estab=draw(optional(st.text(string.digits, min_size=4, max_size=4))),
            urn=draw(optional(st.text(string.digits, min_size=6, max_size=6))),
            name=draw(optional(text(100))) if name else "",
        )

    head = ctf.Header(
        created=draw(st.datetimes(min_value=dt.datetime(2000, 1, 1)).map(lambda d: d.isoformat())),
        qualifier=draw(st.sampled_from(["full", "partial"])),
        supplier=draw(text(40)),
        academic_year=draw(optional(st.integers(2000, 2100).map(str))),
        source=establishment(),
        destination=establishment(name=False),  # a CTF names only the school it comes from
    )
    return ctf.Transfer(head, draw(st.lists(pupils(), min_size=1, max_size=3)))


PUPIL_FIELDS = [
    f.name
    for f in dataclasses.fields(ctf.Pupil)
    if f.name not in {"line", "needs", "problems", "warnings"}
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transfers())
def test_a_written_ctf_reads_back_with_every_value_it_carries(transfer):
    data = ctf.write(transfer)
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<CTfile>")
    back = ctf.read(data)
    assert back.warnings == []
    assert back.header == dataclasses.replace(transfer.header, version=ctf.VERSION)
    assert len(back.pupils) == len(transfer.pupils)
    for sent, got in zip(transfer.pupils, back.pupils, strict=True):
        assert got.problems == [] and got.warnings == []
        for name in PUPIL_FIELDS:
            assert getattr(got, name) == getattr(sent, name), name
        # A CTF carries no end date for a need: the end dates it implies are those sent.
        assert ctf.close_needs(got.statuses or [], got.needs)[0] == sent.needs
        assert got.needs == [Need(n.need, n.rank, n.starts) for n in sent.needs]


def test_a_written_ctf_is_ctf_25_in_the_specification_order():
    transfer = ctf.read(TWO_PUPILS)
    root = etree.fromstring(ctf.write(transfer))
    assert root.findtext("Header/CTFversion") == "25.0"
    rhys = root.findall("CTFpupilData/Pupil")[1]
    assert [e.tag for e in rhys][:6] == ["UPN", "Surname", "Forename", "DOB", "Sex", "BasicDetails"]
    assert rhys.find("Gender") is None
    assert [e.tag for e in rhys.find("SENhistory")] == ["SEN", "SEN", "SENneeds"]
    assert [e.tag for e in rhys.find("SENhistory/SEN")] == ["StartDate", "SENprovision", "EndDate"]
    owen = root.findall("CTFpupilData/Pupil")[0].findall("Contacts/Contact")[1]
    assert (
        owen.findtext("SuppInfo/CourtOrder") == "N"
        and owen.findtext("Address/AddressAsPupil") == "true"
    )


def test_a_foster_carer_is_written_by_title_and_read_back_as_a_foster_carer():
    assert ctf.relationship_code("FCA", "Mr.") == "FOF"
    assert ctf.relationship_code("FCA", "Ms") == "FOM"
    assert ctf.relationship_code("PAM", "Mr") == "PAM"
    pupil = ctf.read(TWO_PUPILS).pupils[0]
    pupil.contacts[1].relationship = "FCA"  # Mr Owen Testwood
    data = ctf.write(ctf.Transfer(ctf.Header(), [pupil]))
    assert b"<Relationship>FOF</Relationship>" in data
    assert ctf.read(data).pupils[0].contacts[1].relationship == "FCA"


def test_a_sixth_address_line_is_joined_to_the_fifth():
    pupil = ctf.read(TWO_PUPILS).pupils[0]
    pupil.address = "1\n2\n3\n4\n5\n6"
    back = ctf.read(ctf.write(ctf.Transfer(ctf.Header(), [pupil]))).pupils[0]
    assert back.address == "1\n2\n3\n4\n5, 6"


# Damaged files: read, or refused; never anything else -----------------------------------------

# Characters XML can hold, and the ones it escapes; runs long enough for int() to refuse them.
EDGE_TEXTS = ["", " ", "0", "-1", "99", "100", "1e3", "2014-02-31", "2014-02-28T25:00", "N1", "X",
              "true", "Y", "&amp;", "&lt;", "]]>", "<Pupil>", "\u00a0", "\U0001d7d8",
              "²", "١٢", "0" * 4400]  # fmt: skip
xml_characters = st.characters(exclude_categories=("Cs", "Cc", "Cn")) | st.sampled_from(
    "<&>\"';]\t\n\r"
)
fuzz_text = st.one_of(
    st.text(xml_characters, max_size=40),
    st.builds(
        lambda s, n: s * n,
        st.text(xml_characters, min_size=1, max_size=3) | st.sampled_from(["0", "1", "²", "① "]),
        st.integers(30, 5000),
    ),
    st.sampled_from(EDGE_TEXTS),
)


def _replace_text_in_tree(draw, data: bytes) -> bytes:
    root = etree.fromstring(data)
    leaves = [e for e in root.iter() if len(e) == 0]
    leaf = leaves[draw(st.integers(0, len(leaves) - 1))]
    leaf.text = draw(fuzz_text)
    return etree.tostring(root)


def _replace_text_raw(draw, data: bytes) -> bytes:
    texts = list(re.finditer(rb">([^<>]*)</", data))
    if not texts:
        return data
    found = texts[draw(st.integers(0, len(texts) - 1))]
    return data[: found.start(1)] + draw(fuzz_text).encode() + data[found.end(1) :]


def _span(draw, data: bytes) -> tuple[int, int]:
    start = draw(st.integers(0, len(data)))
    return start, draw(st.integers(start, min(len(data), start + 300)))


def _delete(draw, data: bytes) -> bytes:
    start, end = _span(draw, data)
    return data[:start] + data[end:]


def _duplicate(draw, data: bytes) -> bytes:
    start, end = _span(draw, data)
    return data[:end] + data[start:end] + data[end:]


def _drop_closing_tag(draw, data: bytes) -> bytes:
    tags = list(re.finditer(rb"</[A-Za-z0-9]+>", data))
    if not tags:
        return data
    found = tags[draw(st.integers(0, len(tags) - 1))]
    return data[: found.start()] + data[found.end() :]


def _truncate(draw, data: bytes) -> bytes:
    return data[: draw(st.integers(0, len(data)))]


@st.composite
def damaged(draw) -> bytes:
    data = TWO_PUPILS
    for _ in range(draw(st.integers(0, 3))):
        data = _replace_text_in_tree(draw, data)
    mutations = [_replace_text_raw, _delete, _duplicate, _drop_closing_tag, _truncate]
    for _ in range(draw(st.integers(0, 2))):
        data = draw(st.sampled_from(mutations))(draw, data)
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_a_damaged_ctf_is_read_or_refused_and_never_raises_anything_else(data):
    try:
        transfer = ctf.read(data)
    except FileRefused as refused:
        assert str(refused)
        return
    assert transfer.pupils
    for pupil in transfer.pupils:
        assert all(re.match(r"Line \d+: ", p) for p in pupil.problems), pupil.problems
        assert all(re.match(r"Line \d+: ", w) for w in pupil.warnings), pupil.warnings
