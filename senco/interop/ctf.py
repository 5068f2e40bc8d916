"""The DfE's Common Transfer File (CTF), read and written. Pure: no Django import.

`read` takes the bytes of a CTF (versions 19 to 25, full or partial) and gives a `Transfer`: the
header and, for each pupil, what the file says about them, with the problems that stop a pupil
being imported and the warnings that do not. A file that cannot be a CTF raises `FileRefused`.
`write` makes a CTF 25 file from a `Transfer`, elements in the order the DfE specification gives.

A CTF comes from another school: it is untrusted input. It is parsed with entities, DTDs and the
network off, and a file with a DOCTYPE is refused before parsing (docs/ctf.md).
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from lxml import etree

from senco.interop.tabular import FileRefused

VERSION = "25.0"
READ_VERSIONS = range(19, 26)
PROVISION_CODES = ("N", "K", "E", "S", "A", "P")
NEED_CODES = (
    "SPLD", "MLD", "SLD", "PMLD", "SLCN", "ASD", "SEMH", "HI", "VI", "MSI", "PD", "DS", "OTH",
    "NSA",
)  # fmt: skip
# CTF contact relationships, and what OpenSENCO records for each (docs/ctf.md).
RELATIONSHIPS = {
    "PAM": "PAM", "PAF": "PAF", "STM": "STM", "STF": "STF", "CAR": "CAR", "FOM": "FCA",
    "FOF": "FCA", "SWR": "SWR", "REL": "REL", "FAM": "REL", "GRM": "REL", "GRF": "REL",
    "OTH": "OTH", "CHM": "OTH", "DOC": "OTH", "HTE": "OTH", "AGE": "OTH", "OTF": "OTH",
}  # fmt: skip
ENGLISH = {"ENG", "ENB"}  # English, and believed to be English
UNKNOWN_LANGUAGE = {"", "NOT", "REF"}  # not obtained, refused
NO_YEAR = "X"  # a pupil outside the national curriculum
LIMITS = {"name": 100, "title": 20, "email": 254, "phone": 30, "line": 100, "postcode": 10}
MAX_PUPILS = 20_000
UNKNOWN_DESTINATION = ("MMM", "MMMM")  # the lost pupils database


@dataclass
class Establishment:
    la: str = ""
    estab: str = ""
    urn: str = ""
    name: str = ""

    def __str__(self) -> str:
        named = f"{self.name} " if self.name else ""
        return f"{named}(LA {self.la or '?'}, establishment {self.estab or '?'})"


@dataclass
class Header:
    version: str = VERSION
    created: str = ""
    qualifier: str = "full"
    supplier: str = "OpenSENCO"
    academic_year: str = ""
    source: Establishment = field(default_factory=Establishment)
    destination: Establishment = field(default_factory=Establishment)


@dataclass(frozen=True)
class Status:
    provision: str
    starts: dt.date
    ends: dt.date | None = None


@dataclass(frozen=True)
class Need:
    need: str
    rank: int
    starts: dt.date
    ends: dt.date | None = None


@dataclass(frozen=True)
class Meals:
    starts: dt.date
    ends: dt.date | None = None
    country: str = ""


@dataclass
class Contact:
    order: int
    first_name: str
    last_name: str
    title: str = ""
    relationship: str = "OTH"
    # None where the file leaves them out: what is recorded stays (a court order above all).
    parental_responsibility: bool | None = None
    court_order: bool | None = None
    lives_with_pupil: bool = False
    email: str = ""
    home_phone: str = ""
    mobile_phone: str = ""
    work_phone: str = ""
    address: str = ""
    postcode: str = ""


@dataclass
class Pupil:
    """One `<Pupil>`. A part the file leaves out is None (a partial file): it changes nothing."""

    line: int = 0
    upn: str = ""
    former_upn: str = ""
    uln: str = ""
    legal_last_name: str = ""
    legal_first_name: str = ""
    middle_names: str = ""
    preferred_last_name: str = ""
    preferred_first_name: str = ""
    date_of_birth: dt.date | None = None
    sex: str = ""
    year_group: int | None = None
    ethnicity: str = ""
    first_language: str = ""
    medical_flag: bool | None = None
    in_care: bool | None = None
    care_authority: str = ""
    meals: list[Meals] | None = None
    statuses: list[Status] | None = None
    needs: list[Need] = field(default_factory=list)
    address: str | None = None
    postcode: str = ""
    contacts: list[Contact] | None = None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        name = f"{self.legal_first_name} {self.legal_last_name}".strip() or "A pupil"
        return f"{name} ({self.upn or 'no UPN'})"


@dataclass
class Transfer:
    header: Header
    pupils: list[Pupil]
    warnings: list[str] = field(default_factory=list)


# Reading ------------------------------------------------------------------------------------

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # xs:date, as every CTF writes dates
DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse(data: bytes) -> etree._Element:
    """The file's root element; FileRefused saying what is wrong and where."""
    if b"\x00" in data[:200]:
        raise FileRefused("The file is not UTF-8 text, as every CTF is: it was not read.")
    if DOCTYPE.search(data):
        raise FileRefused(
            "The file has a DOCTYPE or ENTITY declaration, which no CTF has and which can be "
            "used to attack a server: it was not read. Ask the sending school for the file again."
        )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as e:
        line = f" at line {e.lineno}" if e.lineno else ""
        raise FileRefused(
            f"The file is not complete, well-formed XML{line} ({e.msg[:120]}): it may have been "
            "cut short. Ask for the file again."
        ) from None
    except ValueError:
        raise FileRefused("The file is not XML that can be read.") from None
    if root.getroottree().docinfo.doctype:  # type: ignore[union-attr]
        raise FileRefused("The file has a DOCTYPE, which no CTF has: it was not read.")
    if root.tag != "CTfile":
        raise FileRefused(
            f"This XML file's root element is <{str(root.tag)[:40]}>, not <CTfile>: it is not "
            "a Common Transfer File."
        )
    return root


def read(data: bytes) -> Transfer:
    root = parse(data)
    header_element = root.find("Header")
    if header_element is None:
        raise FileRefused("The CTF has no <Header>: it is not a complete Common Transfer File.")
    header = _header(header_element)
    warnings = []
    major = header.version.split(".")[0]
    if _number(major) not in READ_VERSIONS:
        warnings.append(
            f"The file is CTF version {header.version[:10] or '(none given)'}; OpenSENCO reads "
            "versions 19 to 25. Check the report closely."
        )
    data_element = root.find("CTFpupilData")
    elements = [] if data_element is None else data_element.findall("Pupil")
    if len(elements) > MAX_PUPILS:
        raise FileRefused(f"The CTF holds {len(elements)} pupils; the most read is {MAX_PUPILS}.")
    if not elements:
        raise FileRefused("The CTF holds no <Pupil>: there is nothing to import.")
    return Transfer(header, [_pupil(e, n) for n, e in enumerate(elements, 1)], warnings)


def _number(text: str) -> int | None:
    """A whole number written in ASCII digits (a few at most), or None."""
    return int(text) if re.fullmatch(r"[0-9]{1,4}", text) else None


def _text(element, path: str) -> str:
    found = element.find(path) if element is not None else None
    return " ".join((found.text or "").split()) if found is not None else ""


def _establishment(element) -> Establishment:
    return Establishment(
        la=_text(element, "LEA"),
        estab=_text(element, "Estab"),
        urn=_text(element, "URN"),
        name=_text(element, "SchoolName"),
    )


def _header(element) -> Header:
    return Header(
        version=_text(element, "CTFversion"),
        created=_text(element, "DateTime"),
        qualifier=_text(element, "DocumentQualifier").lower() or "full",
        supplier=_text(element, "SupplierID"),
        academic_year=_text(element, "SourceSchool/AcademicYear"),
        source=_establishment(element.find("SourceSchool")),
        destination=_establishment(element.find("DestSchool")),
    )


class _Reader:
    """Reads one pupil's elements, collecting each problem with where it is."""

    def __init__(self, pupil: Pupil):
        self.pupil = pupil

    def problem(self, element, message: str) -> None:
        line = getattr(element, "sourceline", None) or self.pupil.line
        self.pupil.problems.append(f"Line {line}: {message}")

    def text(self, element, path: str, limit: int) -> str:
        value = _text(element, path)
        if len(value) > limit:
            self.problem(
                element.find(path), f"<{path}> is {len(value)} characters; at most {limit}."
            )
            return ""
        return value

    def date(self, element, path: str) -> dt.date | None:
        value = _text(element, path)
        if not value:
            return None
        try:
            day = dt.date.fromisoformat(value) if ISO_DATE.fullmatch(value) else None
        except ValueError:
            day = None
        if day is None or not 1900 <= day.year <= 2100:
            self.problem(
                element.find(path), f"<{path}> {value[:30]!r} is not a date (write YYYY-MM-DD)."
            )
        return day

    def flag(self, element, path: str) -> bool | None:
        value = _text(element, path).lower()
        if not value:
            return None
        if value in ("true", "1", "y", "yes"):
            return True
        if value in ("false", "0", "n", "no"):
            return False
        self.problem(element.find(path), f"<{path}> {value[:20]!r} is not true or false.")
        return None

    def code(self, element, path: str, codes, what: str) -> str:
        value = _text(element, path).upper()
        if value not in codes:
            shown = repr(value[:20]) if value else "(empty)"
            self.problem(
                element.find(path) if element.find(path) is not None else element,
                f"<{path}> {shown} is not {what}: one of {', '.join(codes)}.",
            )
            return ""
        return value


def _pupil(element, number: int) -> Pupil:
    pupil = Pupil(line=element.sourceline or 0)
    read = _Reader(pupil)
    details = element.find("BasicDetails")
    pupil.upn = _text(element, "UPN").replace(" ", "").upper()
    pupil.uln = read.text(element, "UniqueLearnerNumber", 10)
    pupil.legal_last_name = read.text(element, "Surname", LIMITS["name"])
    pupil.legal_first_name = read.text(element, "Forename", LIMITS["name"])
    pupil.date_of_birth = read.date(element, "DOB")
    if not pupil.upn:
        read.problem(element, f"pupil {number} has no <UPN>: every pupil in a CTF needs one.")
    for path, what in (("Surname", "surname"), ("Forename", "forename"), ("DOB", "date of birth")):
        if element.find(path) is None or not _text(element, path):
            read.problem(element, f"{pupil.label} has no <{path}>: every pupil needs a {what}.")
    sex_path = "Sex" if element.find("Sex") is not None else "Gender"
    pupil.sex = read.code(element, sex_path, ("M", "F"), "a sex the census records")
    if details is not None:
        _details(read, details)
    meals = element.find("FSMhistory")
    if meals is not None:
        _meals(read, meals)
    looked_after = element.find("LookedAfter")
    if looked_after is not None:
        pupil.in_care = read.flag(looked_after, "InCare")
        pupil.care_authority = read.text(looked_after, "CareAuthority", 3)
    history = element.find("SENhistory")
    if history is not None:
        _sen(read, history)
    address = element.find("Address")
    if address is not None:
        pupil.address, pupil.postcode = _address(read, address)
    contacts = element.find("Contacts")
    if contacts is not None:
        pupil.contacts = [_contact(read, c, n) for n, c in enumerate(contacts.findall("Contact"))]
        pupil.contacts.sort(key=lambda c: c.order)
    return pupil


def _meals(read: _Reader, history) -> None:
    periods: dict[dt.date, Meals] = {}
    for record in history.findall("FSMinstance"):
        starts, ends = read.date(record, "FSMstartDate"), read.date(record, "FSMendDate")
        if starts is None:
            read.problem(record, "a free school meals period has no <FSMstartDate>.")
        elif ends is not None and ends < starts:
            read.problem(record, f"free school meals end ({ends}) before they start ({starts}).")
        elif starts in periods:
            read.problem(record, f"two free school meals periods start on {starts}.")
        else:
            periods[starts] = Meals(starts, ends, _text(record, "UKcountry")[:3])
    read.pupil.meals = sorted(periods.values(), key=lambda m: m.starts)


def _details(read: _Reader, details) -> None:
    pupil = read.pupil
    pupil.former_upn = _text(details, "FormerUPN").replace(" ", "").upper()
    pupil.preferred_last_name = read.text(details, "PreferredSurname", LIMITS["name"])
    pupil.preferred_first_name = read.text(details, "PreferredForename", LIMITS["name"])
    pupil.middle_names = read.text(details, "MiddleNames", LIMITS["name"])
    year = _text(details, "NCyearActual").upper()
    if year and year != NO_YEAR:
        pupil.year_group = {"N1": -2, "N2": -1, "R": 0}.get(year)
        if pupil.year_group is None and 1 <= (_number(year) or 0) <= 14:
            pupil.year_group = _number(year)
        elif pupil.year_group is None:
            read.problem(
                details.find("NCyearActual"),
                f"<NCyearActual> {year[:10]!r} is not a year: N1, N2, R, 1 to 14 or X.",
            )
    pupil.ethnicity = read.text(details, "Ethnicity", 4).upper()
    for language in details.findall("Languages/Type"):
        if _text(language, "LanguageType").upper() == "F":
            pupil.first_language = read.text(language, "Language", 4).upper()
    pupil.medical_flag = read.flag(details, "MedicalFlag")


def _sen(read: _Reader, history) -> None:
    pupil = read.pupil
    pupil.statuses = []
    for record in history.findall("SEN"):
        provision = read.code(record, "SENprovision", PROVISION_CODES, "an SEN provision code")
        starts, ends = read.date(record, "StartDate"), read.date(record, "EndDate")
        if starts is None and not _text(record, "StartDate"):
            read.problem(record, "an <SEN> record has no <StartDate>.")
        if starts and ends and ends < starts:
            read.problem(
                record.find("EndDate"),
                f"SEN provision {provision} ends ({ends}) before it starts ({starts}).",
            )
        elif provision and starts:
            pupil.statuses.append(Status(provision, starts, ends))
    for record in history.findall("SENneeds/SENneed"):
        need = read.code(record, "SENtype", NEED_CODES, "a census type of need")
        rank_text = _text(record, "SENtypeRank")
        rank = _number(rank_text) or 0
        rank = rank if rank <= 99 else 0
        if not rank:
            read.problem(record, f"<SENtypeRank> {rank_text[:10]!r} is not a rank from 1.")
        starts, ends = read.date(record, "NeedStartDate"), read.date(record, "NeedEndDate")
        if starts is None and not _text(record, "NeedStartDate"):
            read.problem(record, f"the need {need or '?'} has no <NeedStartDate>.")
        if starts and ends and ends < starts:
            read.problem(
                record, f"the need {need or '?'} ends ({ends}) before it starts ({starts})."
            )
            continue
        if need and rank and starts:
            pupil.needs.append(Need(need, rank, starts, ends))
    pupil.statuses.sort(key=lambda s: s.starts)
    pupil.needs.sort(key=lambda n: (n.starts, n.rank))


BS7666 = ("SAON", "PAON", "Street", "Locality", "Town", "AdministrativeArea", "PostTown")
HOME_COUNTRIES = {"", "UNITED KINGDOM", "UK", "ENGLAND", "GBR"}


def _address(read: _Reader, element) -> tuple[str, str]:
    """The address as lines of text, and its postcode."""
    lines: list[str] = []
    structured = element.find("BS7666Address")
    parts = BS7666 if structured is not None else tuple(f"AddressLine{n}" for n in range(1, 6))
    base = structured if structured is not None else element.find("AddressLines")
    for part in parts:
        value = read.text(base, part, LIMITS["line"]) if base is not None else ""
        if value and not (part == "PostTown" and value in lines):
            lines.append(value)
    county = read.text(element, "County", LIMITS["line"])
    if county:
        lines.append(county)
    country = read.text(element, "Country", LIMITS["line"])
    if country.upper() not in HOME_COUNTRIES:
        lines.append(country)
    postcode = read.text(element, "PostCode", LIMITS["postcode"]) or read.text(
        element, "Zip", LIMITS["postcode"]
    )
    return "\n".join(lines), postcode.upper()


PHONES = {"H": "home_phone", "M": "mobile_phone", "W": "work_phone"}


def _contact(read: _Reader, element, number: int) -> Contact:
    order = _number(_text(element, "Order"))
    contact = Contact(
        order=order if order is not None and order < 100 else 90 + number,
        first_name=read.text(element, "Forename", LIMITS["name"]),
        last_name=read.text(element, "Surname", LIMITS["name"]),
        title=read.text(element, "Title", LIMITS["title"]),
        email=read.text(element, "Email", LIMITS["email"]),
        parental_responsibility=read.flag(element, "Responsibility"),
        court_order=read.flag(element, "SuppInfo/CourtOrder"),
    )
    if not contact.first_name or not contact.last_name:
        read.problem(element, "a <Contact> has no <Forename> or <Surname>.")
    relationship = _text(element, "Relationship").upper()
    contact.relationship = RELATIONSHIPS.get(relationship, "OTH")
    if relationship and relationship not in RELATIONSHIPS:
        read.pupil.warnings.append(
            f"Line {element.sourceline}: the relationship code {relationship[:10]!r} for "
            f"{contact.first_name} {contact.last_name} is not known; recorded as Other."
        )
    for phone in element.findall("Phones/Phone"):
        kind = PHONES.get(_text(phone, "TelephoneType").upper())
        if kind and not getattr(contact, kind):
            setattr(contact, kind, read.text(phone, "PhoneNo", LIMITS["phone"]))
    address = element.find("Address")
    if address is not None and read.flag(address, "AddressAsPupil"):
        contact.lives_with_pupil = True
    elif address is not None:
        contact.address, contact.postcode = _address(read, address)
    return contact


# What a CTF implies -------------------------------------------------------------------------

DAY = dt.timedelta(days=1)


def close_statuses(statuses: list[Status]) -> tuple[list[Status], list[str]]:
    """Statuses with at most one open: an open status followed by a later one ends the day
    before it (only one status is open at a time), with a warning."""
    ordered = sorted(statuses, key=lambda s: s.starts)
    closed, warnings = [], []
    for number, status in enumerate(ordered):
        following = next((f for f in ordered[number + 1 :] if f.starts > status.starts), None)
        if status.ends is None and following is not None:
            ends = following.starts - DAY
            warnings.append(
                f"SEN provision {status.provision} from {status.starts} has no end date, but "
                f"{following.provision} starts on {following.starts}: it ends on {ends}."
            )
            status = Status(status.provision, status.starts, ends)
        closed.append(status)
    return closed, warnings


def _sen_runs(statuses: list[Status]) -> list[tuple[dt.date, dt.date | None]]:
    """The periods of SEN provision (any code but N), consecutive statuses joined."""
    runs: list[list] = []
    for status in sorted(statuses, key=lambda s: s.starts):
        if status.provision == "N":
            continue
        if runs and runs[-1][1] is not None and status.starts <= runs[-1][1] + DAY:
            runs[-1][1] = status.ends if status.ends is None else max(runs[-1][1], status.ends)
        else:
            runs.append([status.starts, status.ends])
    return [(start, end) for start, end in runs]


def close_needs(statuses: list[Status], needs: list[Need]) -> tuple[list[Need], list[str]]:
    """Needs with the end dates the CTF implies but does not write: an open need ends the day
    before a later need of the same rank starts, or else with the SEN provision it was recorded
    under (a need left open under a later N ends with the SEN it belonged to), with a warning."""
    runs = _sen_runs(statuses)
    closed, warnings = [], []
    for need in needs:
        ends = need.ends
        later = [n.starts for n in needs if n.rank == need.rank and n.starts > need.starts]
        if ends is None and later:
            ends = min(later) - DAY
        elif ends is None and statuses:
            run_end = _run_end(runs, need.starts)
            if run_end is not None:
                ends = max(run_end, need.starts)
                warnings.append(
                    f"The need {need.need} (rank {need.rank}) from {need.starts} has no end "
                    f"date, but the SEN provision it belongs to ended on {run_end}: it ends "
                    "with it."
                )
        closed.append(Need(need.need, need.rank, need.starts, ends))
    return closed, warnings


def _run_end(runs, day: dt.date) -> dt.date | None:
    """When the SEN provision a need recorded on `day` belongs to ended (None while it goes on):
    the run holding the day, else the next to start, else the last before it; with no run at
    all (only N recorded), the day itself."""
    if not runs:
        return day
    holding = [r for r in runs if r[0] <= day and (r[1] is None or day <= r[1])]
    after = [r for r in runs if r[0] > day]
    run = (holding or after[:1] or runs[-1:])[0]
    return run[1]


def carried_needs(statuses: list[Status], needs: list[Need]) -> list[Need]:
    """The needs a CTF can carry as recorded: those whose end date the file implies (see
    `close_needs`). A need ended by hand while the SEN provision went on cannot be written
    without an end date the specification lacks, so it is left out (docs/ctf.md)."""
    kept = list(needs)
    while True:
        implied, _ = close_needs(statuses, [Need(n.need, n.rank, n.starts) for n in kept])
        still = [n for n, i in zip(kept, implied, strict=True) if n.ends == i.ends]
        if still == kept:
            return kept
        kept = still


# Writing ------------------------------------------------------------------------------------


def _add(parent, tag: str, value=None):
    """A child element; None and "" are left out, as the specification asks of empty values."""
    if value is None or value == "":
        return None
    child = etree.SubElement(parent, tag)
    if isinstance(value, bool):
        child.text = "true" if value else "false"
    elif isinstance(value, dt.date):
        child.text = value.isoformat()
    else:
        child.text = str(value)
    return child


def write(transfer: Transfer) -> bytes:
    root = etree.Element("CTfile")
    _write_header(root, transfer.header)
    data = etree.SubElement(root, "CTFpupilData")
    for pupil in transfer.pupils:
        _write_pupil(data, pupil)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _write_header(root, header: Header) -> None:
    element = etree.SubElement(root, "Header")
    _add(element, "DocumentName", "Common Transfer File")
    _add(element, "CTFversion", VERSION)
    _add(element, "DateTime", header.created)
    _add(element, "DocumentQualifier", header.qualifier)
    _add(element, "SupplierID", header.supplier)
    source = etree.SubElement(element, "SourceSchool")
    for tag, value in (
        ("LEA", header.source.la),
        ("Estab", header.source.estab),
        ("URN", header.source.urn),
        ("SchoolName", header.source.name),
        ("AcademicYear", header.academic_year),
    ):
        _add(source, tag, value)
    destination = etree.SubElement(element, "DestSchool")
    for tag, value in (
        ("LEA", header.destination.la),
        ("Estab", header.destination.estab),
        ("URN", header.destination.urn),
    ):
        _add(destination, tag, value)


YEARS = {-2: "N1", -1: "N2", 0: "R"}


def _write_pupil(parent, pupil: Pupil) -> None:
    element = etree.SubElement(parent, "Pupil")
    _add(element, "UPN", pupil.upn)
    _add(element, "UniqueLearnerNumber", pupil.uln)
    _add(element, "Surname", pupil.legal_last_name)
    _add(element, "Forename", pupil.legal_first_name)
    _add(element, "DOB", pupil.date_of_birth)
    _add(element, "Sex", pupil.sex)
    details = etree.SubElement(element, "BasicDetails")
    _add(details, "FormerUPN", pupil.former_upn)
    _add(details, "PreferredSurname", pupil.preferred_last_name)
    _add(details, "PreferredForename", pupil.preferred_first_name)
    _add(details, "MiddleNames", pupil.middle_names)
    year = pupil.year_group
    _add(details, "NCyearActual", NO_YEAR if year is None else YEARS.get(year, str(year)))
    _add(details, "Ethnicity", pupil.ethnicity)
    if pupil.first_language:
        language = etree.SubElement(etree.SubElement(details, "Languages"), "Type")
        _add(language, "LanguageType", "F")
        _add(language, "Language", pupil.first_language)
    _add(details, "MedicalFlag", pupil.medical_flag)
    if pupil.meals:
        meals = etree.SubElement(element, "FSMhistory")
        for period in pupil.meals:
            instance = etree.SubElement(meals, "FSMinstance")
            _add(instance, "FSMstartDate", period.starts)
            _add(instance, "FSMendDate", period.ends)
            _add(instance, "UKcountry", period.country)
    if pupil.in_care is not None:
        looked_after = etree.SubElement(element, "LookedAfter")
        _add(looked_after, "InCare", pupil.in_care)
        _add(looked_after, "CareAuthority", pupil.care_authority)
    if pupil.statuses:
        _write_sen(element, pupil)
    if pupil.address or pupil.postcode:
        _write_address(element, pupil.address or "", pupil.postcode)
    if pupil.contacts:
        contacts = etree.SubElement(element, "Contacts")
        for contact in pupil.contacts:
            _write_contact(contacts, contact)


def _write_sen(parent, pupil: Pupil) -> None:
    history = etree.SubElement(parent, "SENhistory")
    for status in pupil.statuses or []:
        record = etree.SubElement(history, "SEN")
        _add(record, "StartDate", status.starts)
        _add(record, "SENprovision", status.provision)
        _add(record, "EndDate", status.ends)
    if pupil.needs:
        needs = etree.SubElement(history, "SENneeds")
        for need in pupil.needs:
            record = etree.SubElement(needs, "SENneed")
            _add(record, "NeedStartDate", need.starts)
            _add(record, "SENtypeRank", need.rank)
            _add(record, "SENtype", need.need)


def _write_address(parent, address: str, postcode: str) -> None:
    element = etree.SubElement(parent, "Address")
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    if len(lines) > 5:
        lines = [*lines[:4], ", ".join(lines[4:])]
    if lines:
        written = etree.SubElement(element, "AddressLines")
        for number, line in enumerate(lines, start=1):
            _add(written, f"AddressLine{number}", line)
    _add(element, "PostCode", postcode)


def relationship_code(relationship: str, title: str) -> str:
    """The CTF code for a relationship OpenSENCO records (foster carers by title)."""
    if relationship == "FCA":
        return "FOF" if title.lower().rstrip(".") == "mr" else "FOM"
    return relationship


def _write_contact(parent, contact: Contact) -> None:
    element = etree.SubElement(parent, "Contact")
    _add(element, "Order", contact.order)
    _add(element, "Title", contact.title)
    _add(element, "Surname", contact.last_name)
    _add(element, "Forename", contact.first_name)
    _add(element, "Relationship", relationship_code(contact.relationship, contact.title))
    _add(element, "Responsibility", contact.parental_responsibility)
    if contact.lives_with_pupil:
        _add(etree.SubElement(element, "Address"), "AddressAsPupil", True)
    elif contact.address or contact.postcode:
        _write_address(element, contact.address, contact.postcode)
    phones = [(t, getattr(contact, f)) for t, f in PHONES.items() if getattr(contact, f)]
    if phones:
        written = etree.SubElement(element, "Phones")
        for kind, number in phones:
            phone = etree.SubElement(written, "Phone")
            _add(phone, "TelephoneType", kind)
            _add(phone, "PhoneNo", number)
    _add(element, "Email", contact.email)
    supplier = etree.SubElement(element, "SuppInfo")
    _add(supplier, "SuppID", "OpenSENCO")
    if contact.court_order is not None:
        _add(supplier, "CourtOrder", "Y" if contact.court_order else "N")
