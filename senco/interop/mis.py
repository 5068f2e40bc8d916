"""Imports from a school's MIS (SIMS, Arbor, Bromcom, ScholarPack) as CSV or XLSX.

The MIS owns identity (names, date of birth, UPN, year, class, contacts, staff); these imports
bring those fields and never touch the SEN record (DESIGN.md, "Data rules"). Only the columns a
file has are compared and changed: a column left out leaves its field alone.
"""

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.db import models, transaction
from django.utils import timezone

from senco.audit import log
from senco.interop import cells
from senco.interop.framework import (
    CHANGE,
    CREATE,
    REFUSE,
    SAME,
    Column,
    Kind,
    Plan,
    Row,
    RowResult,
    differences,
    duplicates,
    read_cell,
    read_text,
    register,
)
from senco.pupils import census
from senco.pupils.models import (
    Attendance,
    Contact,
    Pupil,
    PupilContact,
    SenNeed,
    SenStatus,
    Source,
    Suspension,
)
from senco.schools.calendar import academic_year_start
from senco.schools.models import GroupStaff, Staff, TeachingGroup
from senco.schools.services import school_year

PROGRESS_EVERY = 500


def _upn(row: Row, result: RowResult, key: str) -> str:
    """A UPN as written, upper case. A wrong check letter is a warning (schools receive such
    files and still need the child's record); a UPN that is not one is refused."""
    upn = row.get(key).replace(" ", "").upper()
    if not upn:
        return ""
    problem = census.check_upn(upn)
    if problem and "check letter does not match" in problem:
        result.warnings.append(f"{row.where(key)} {upn}: {problem}")
    elif problem:
        result.refuse(f"{row.where(key)} {upn[:20]}: {problem}")
    return upn[:13]


def _name(row: Row, result: RowResult, key: str, required: bool = False) -> str:
    value = read_text(row, result, key)
    if required and not value and result.outcome != REFUSE:
        result.refuse(f"{row.where(key)} is empty: every row needs it.")
    return value or ""


PUPIL_UPN = Column("upn", "UPN", required=True, aliases=("Pupil UPN", "Student UPN"))


def pupils_by_upn(school) -> dict[str, Pupil]:
    return {p.upn: p for p in Pupil.objects.filter(school=school).exclude(upn="")}


def pupil_of(row: Row, result: RowResult, pupils: dict, hint: str = "") -> Pupil | None:
    """The pupil a row names by UPN, or None with the row refused saying so."""
    upn = row.get("upn").replace(" ", "").upper()
    pupil = pupils.get(upn)
    result.about(pupil)
    if pupil is None:
        result.refuse(f"{row.where('upn')}: no pupil has the UPN {upn[:20]!r}{hint}.")
    return pupil


def _ticker(progress: Callable[[int], None]) -> Callable[[int], None]:
    def tick(done: int) -> None:
        if done % PROGRESS_EVERY == 0:
            progress(done)

    return tick


class PupilsKind(Kind):
    key = "pupils"
    label = "Pupils"
    help = "One row per pupil: UPN, names, date of birth, sex, year group, dates, flags."
    columns = (
        Column("upn", "UPN", aliases=("Student UPN", "Pupil UPN", "Unique Pupil Number")),
        Column("former_upn", "Former UPN", aliases=("Previous UPN", "Former UPNs")),
        Column(
            "legal_last_name",
            "Legal surname",
            required=True,
            aliases=("Surname", "Legal Last Name", "Last Name", "Family name"),
        ),
        Column(
            "legal_first_name",
            "Legal forename",
            required=True,
            aliases=("Forename", "Legal First Name", "First Name", "Given name"),
        ),
        Column("middle_names", "Middle names", aliases=("Middle Name(s)", "Middle Name")),
        Column("preferred_first_name", "Preferred forename", aliases=("Preferred First Name",)),
        Column("preferred_last_name", "Preferred surname", aliases=("Preferred Last Name",)),
        Column("date_of_birth", "Date of birth", required=True, aliases=("DOB", "Birth Date")),
        Column("sex", "Sex", aliases=("Gender",)),
        Column(
            "year_group",
            "Year group",
            aliases=("Year", "NC Year", "NC Year Actual", "Curriculum Year", "Year Taught In"),
        ),
        Column(
            "enrolled_on",
            "Admission date",
            aliases=("Date of Admission", "Start Date", "Entry Date", "Enrolment Date"),
        ),
        Column("left_on", "Leaving date", aliases=("Date of Leaving", "End Date", "Leave Date")),
        Column("free_school_meals", "FSM", aliases=("FSM Eligible", "Free School Meals")),
        Column("pupil_premium", "Pupil premium", aliases=("PP", "Pupil Premium Indicator")),
        Column("eal", "EAL", aliases=("English as an additional language",)),
        Column("looked_after", "Looked after", aliases=("In Care", "CLA", "Child Looked After")),
    )
    PARSERS: dict[str, Callable[[str], object]] = {
        "date_of_birth": cells.date,
        "sex": lambda t: cells.sex(t) if t.strip() else None,
        "year_group": cells.year_group,
        "enrolled_on": cells.date,
        "left_on": cells.date,
        "free_school_meals": cells.yes_no,
        "pupil_premium": cells.yes_no,
        "eal": cells.yes_no,
        "looked_after": lambda t: Pupil.LookedAfter.LOOKED_AFTER if cells.yes_no(t) else "",
    }

    def plan(self, school, rows, progress) -> Plan:
        known = list(Pupil.objects.filter(school=school))
        by_upn = {p.upn: p for p in known if p.upn}
        by_former = {p.former_upn: p for p in known if p.former_upn}
        by_name = {
            (p.legal_first_name.lower(), p.legal_last_name.lower(), p.date_of_birth): p
            for p in known
        }
        results = {row.line: RowResult(row.line, SAME) for row in rows}
        duplicates(rows, "upn", results, "UPN")
        work = []
        tick = _ticker(progress)
        for done, row in enumerate(rows, start=1):
            result = results[row.line]
            values = self._values(row, result)
            result.label = (
                f"{values.get('legal_first_name', '')} {values.get('legal_last_name', '')}"
            )
            upn, former = values.get("upn", ""), values.get("former_upn", "")
            pupil = (
                by_upn.get(upn)
                or by_former.get(upn)
                or (by_upn.get(former) if former else None)
                or by_name.get(
                    (
                        values.get("legal_first_name", "").lower(),
                        values.get("legal_last_name", "").lower(),
                        values.get("date_of_birth"),
                    )
                )
            )
            result.about(pupil)
            if result.outcome != REFUSE:
                if pupil is None:
                    result.outcome = CREATE
                else:
                    result.changes = differences(pupil, values)
                    result.outcome = CHANGE if result.changes else SAME
                work.append((pupil, values, result))
            tick(done)
        return Plan(results=list(results.values()), work=work)

    def _values(self, row: Row, result: RowResult) -> dict:
        values: dict = {}
        for column in self.columns:
            if not row.has(column.key):
                continue
            if column.key in ("upn", "former_upn"):
                values[column.key] = _upn(row, result, column.key)
            elif column.key in self.PARSERS:
                values[column.key] = read_cell(row, result, column.key, self.PARSERS[column.key])
            else:
                values[column.key] = _name(row, result, column.key, column.required)
        if (
            row.has("date_of_birth")
            and values.get("date_of_birth") is None
            and result.outcome != REFUSE
        ):
            result.refuse(f"{row.where('date_of_birth')} is empty: every pupil needs one.")
        if "sex" in values and values["sex"] is None:
            values.pop("sex")  # left blank: keep what is recorded
        return values

    @transaction.atomic
    def apply(self, school, plan, by) -> None:
        new = [
            (Pupil(school=school, **values), r) for pupil, values, r in plan.work if pupil is None
        ]
        Pupil.objects.bulk_create([p for p, _ in new])
        changed = [(p, v, r) for p, v, r in plan.work if p is not None and r.outcome == CHANGE]
        fields = sorted({name for _, _, r in changed for name in r.changes})
        for pupil, values, result in changed:
            for name in result.changes:
                setattr(pupil, name, values[name])
        if changed:
            Pupil.objects.bulk_update([p for p, _, _ in changed], fields, batch_size=500)
        log.changes(
            by,
            [(p, "pupil.imported", p, {}, {"line": r.line, "created": True}) for p, r in new]
            + [
                (
                    p,
                    "pupil.imported",
                    p,
                    {k: c[0] for k, c in r.changes.items()},
                    {k: c[1] for k, c in r.changes.items()},
                )
                for p, _, r in changed
            ],
        )


register(PupilsKind())


RELATIONSHIPS = {
    "mother": "PAM", "mum": "PAM", "father": "PAF", "dad": "PAF", "carer": "CAR",
    "parent": "CAR", "guardian": "CAR", "step-mother": "STM", "stepmother": "STM",
    "step mother": "STM", "step-father": "STF", "stepfather": "STF", "step father": "STF",
    "foster carer": "FCA", "foster mother": "FCA", "foster father": "FCA",
    "social worker": "SWR", "grandmother": "REL", "grandfather": "REL", "grandparent": "REL",
    "aunt": "REL", "uncle": "REL", "sister": "REL", "brother": "REL", "relative": "REL",
    "other relative": "REL", "other": "OTH", "other contact": "OTH", "family friend": "OTH",
    "childminder": "OTH", "doctor": "OTH",
}  # fmt: skip


def relationship(text: str) -> str:
    key = text.strip().lower()
    if key.upper() in PupilContact.Relationship.values:
        return key.upper()
    if key in RELATIONSHIPS:
        return RELATIONSHIPS[key]
    raise cells.CellError(
        f"{text[:40]!r} is not a relationship we know: write Mother, Father, Carer, "
        "Step-mother, Step-father, Foster carer, Social worker, Other relative or Other, "
        "or the CTF code (PAM, PAF...)."
    )


def _priority(text: str) -> int:
    text = text.strip()
    if not text:
        return 1
    if text.isdigit() and 1 <= int(text) <= 99:
        return int(text)
    raise cells.CellError(f"{text[:20]!r} is not a priority: write 1 for the first contact.")


def contact_identity(first: str, last: str, email: str, mobile: str) -> tuple | None:
    """Who a contact is across a family's children: a name alone could be two people, and
    a contact with an account is never linked to another child by an import (parents are
    invited, with checks, from a child's record)."""
    reach = (email or mobile or "").strip().lower()
    return (first.lower(), last.lower(), reach) if reach else None


class ContactsKind(Kind):
    key = "contacts"
    label = "Contacts"
    help = (
        "One row per pupil and contact: the pupil's UPN, the contact's name, relationship, "
        "parental responsibility, phones, email and address. A parent of two children has two rows."
    )
    columns = (
        Column("upn", "Pupil UPN", required=True, aliases=("UPN", "Student UPN")),
        Column("title", "Title", aliases=("Contact Title",)),
        Column(
            "first_name",
            "Contact forename",
            required=True,
            aliases=("Forename", "Contact First Name", "First Name"),
        ),
        Column(
            "last_name",
            "Contact surname",
            required=True,
            aliases=("Surname", "Contact Last Name", "Last Name"),
        ),
        Column("relationship", "Relationship", required=True, aliases=("Relation",)),
        Column("parental_responsibility", "Parental responsibility", aliases=("PR",)),
        Column("court_order", "Court order"),
        Column("lives_with_pupil", "Lives with pupil", aliases=("Resides with pupil",)),
        Column("priority", "Priority", aliases=("Contact Priority",)),
        Column("email", "Email", aliases=("Email Address", "Contact Email")),
        Column("mobile_phone", "Mobile", aliases=("Mobile Phone", "Mobile Telephone")),
        Column("home_phone", "Home phone", aliases=("Home Telephone", "Telephone")),
        Column("work_phone", "Work phone", aliases=("Work Telephone",)),
        Column("address", "Address", aliases=("Home Address",)),
        Column("postcode", "Postcode", aliases=("Post Code",)),
    )
    CONTACT_FIELDS = (
        "title", "first_name", "last_name", "email", "mobile_phone", "home_phone",
        "work_phone", "address", "postcode",
    )  # fmt: skip
    LINK_PARSERS: dict[str, Callable[[str], object]] = {
        "relationship": relationship,
        "parental_responsibility": cells.yes_no,
        "court_order": cells.yes_no,
        "lives_with_pupil": lambda t: cells.yes_no(t) if t.strip() else True,
        "priority": _priority,
    }
    LIMITS = {
        "title": 20, "email": 254, "address": 500, "postcode": 10,
        "mobile_phone": 30, "home_phone": 30, "work_phone": 30,
    }  # fmt: skip

    def plan(self, school, rows, progress) -> Plan:
        pupils = pupils_by_upn(school)
        links = PupilContact.objects.filter(pupil__school=school).select_related("contact")
        by_pupil: dict[tuple, PupilContact] = {}
        contacts: dict[tuple, Contact] = {}
        for known in links:
            c = known.contact
            by_pupil[(known.pupil_id, c.first_name.lower(), c.last_name.lower())] = known
            identity = contact_identity(c.first_name, c.last_name, c.email, c.mobile_phone)
            if identity and c.user_id is None:
                contacts.setdefault(identity, c)
        results, work = [], []
        tick = _ticker(progress)
        for done, row in enumerate(rows, start=1):
            result = RowResult(row.line, SAME)
            results.append(result)
            upn = row.get("upn").replace(" ", "").upper()
            pupil = pupil_of(row, result, pupils, ": import pupils first")
            values = {
                key: read_text(row, result, key, self.LIMITS.get(key, 100))
                for key in self.CONTACT_FIELDS
                if row.has(key)
            }
            link_values = {
                key: read_cell(row, result, key, parse)
                for key, parse in self.LINK_PARSERS.items()
                if row.has(key)
            }
            for key in ("first_name", "last_name"):
                if not values.get(key) and result.outcome != REFUSE:
                    result.refuse(f"{row.where(key)} is empty: every contact needs a name.")
            result.label = f"{values.get('first_name', '')} {values.get('last_name', '')} for {upn}"
            if result.outcome == REFUSE or pupil is None:
                tick(done)
                continue
            link = by_pupil.get(
                (pupil.pk, values["first_name"].lower(), values["last_name"].lower())
            )
            identity = contact_identity(
                values["first_name"],
                values["last_name"],
                values.get("email", ""),
                values.get("mobile_phone", ""),
            )
            contact = link.contact if link else contacts.get(identity) if identity else None
            if contact is None:
                contact = Contact(school=school, **values)
                if identity:
                    contacts[identity] = contact
                result.outcome = CREATE
            else:
                result.changes = differences(contact, values)
            if link is None:
                result.outcome = CREATE
                link = PupilContact(pupil=pupil, contact=contact, **link_values)
                by_pupil[(pupil.pk, values["first_name"].lower(), values["last_name"].lower())] = (
                    link
                )
            else:
                result.changes.update(differences(link, link_values))
            if result.outcome == SAME and result.changes:
                result.outcome = CHANGE
            work.append((contact, values, link, link_values, pupil, result))
            tick(done)
        return Plan(results=results, work=work)

    @transaction.atomic
    def apply(self, school, plan, by) -> None:
        new_contacts = {id(c): c for c, *_ in plan.work if c.pk is None}
        Contact.objects.bulk_create(list(new_contacts.values()))
        entries = []
        changed_contacts = {}
        for contact, values, link, link_values, pupil, result in plan.work:
            if result.outcome == SAME:
                continue
            for name, value in values.items():
                setattr(contact, name, value)
            if contact.pk is not None and id(contact) not in new_contacts:
                changed_contacts[contact.pk] = contact
            for name, value in link_values.items():
                setattr(link, name, value)
            link.contact = contact
            if link.pk is None:
                link.save()
            else:
                link.save(update_fields=list(link_values) or None)
            entries.append(
                (contact, "contact.imported", pupil,
                 {k: c[0] for k, c in result.changes.items()},
                 {k: c[1] for k, c in result.changes.items()} or {"line": result.line})
            )  # fmt: skip
        if changed_contacts:
            Contact.objects.bulk_update(list(changed_contacts.values()), list(self.CONTACT_FIELDS))
        log.changes(by, entries)


register(ContactsKind())


class StaffKind(Kind):
    key = "staff"
    label = "Staff"
    help = "One row per member of staff: names, title, job title, work email, start and end."
    columns = (
        Column("title", "Title"),
        Column("first_name", "Forename", required=True, aliases=("First Name", "Legal Forename")),
        Column("last_name", "Surname", required=True, aliases=("Last Name", "Legal Surname")),
        Column(
            "job_title",
            "Job title",
            required=True,
            aliases=("Role", "Post", "Staff Role", "Position"),
        ),
        Column("email", "Email", aliases=("Work Email", "Email Address", "School Email")),
        Column("starts", "Start date", aliases=("Employment Start",)),
        Column("ends", "End date", aliases=("Leaving Date", "Employment End")),
    )

    def plan(self, school, rows, progress) -> Plan:
        known = list(Staff.objects.filter(school=school))
        by_email = {s.email.lower(): s for s in known if s.email}
        by_name = {(s.first_name.lower(), s.last_name.lower()): s for s in known}
        results = {row.line: RowResult(row.line, SAME) for row in rows}
        duplicates(rows, "email", results, "The email")
        work = []
        for row in rows:
            result = results[row.line]
            values = {}
            for key, limit in (
                ("title", 20),
                ("first_name", 100),
                ("last_name", 100),
                ("job_title", 100),
                ("email", 254),
            ):
                if row.has(key):
                    values[key] = read_text(row, result, key, limit)
            for key in ("starts", "ends"):
                if row.has(key):
                    values[key] = read_cell(row, result, key, cells.date)
            named = values.get("first_name") and values.get("last_name")
            if not named and result.outcome != REFUSE:
                result.refuse("The forename and surname are needed for every member of staff.")
            result.label = f"{values.get('first_name', '')} {values.get('last_name', '')}"
            if result.outcome == REFUSE:
                continue
            member = by_email.get((values.get("email") or "").lower()) or by_name.get(
                (values["first_name"].lower(), values["last_name"].lower())
            )
            if member is None:
                result.outcome = CREATE
            else:
                result.changes = differences(member, values)
                result.outcome = CHANGE if result.changes else SAME
            work.append((member, values, result))
            progress(row.line)
        return Plan(results=list(results.values()), work=work)

    @transaction.atomic
    def apply(self, school, plan, by) -> None:
        new = [(Staff(school=school, **v), r) for m, v, r in plan.work if m is None]
        Staff.objects.bulk_create([s for s, _ in new])
        changed = [(m, v, r) for m, v, r in plan.work if m is not None and r.outcome == CHANGE]
        for member, values, _ in changed:
            for name, value in values.items():
                setattr(member, name, value)
        if changed:
            fields = sorted({name for _, v, _ in changed for name in v})
            Staff.objects.bulk_update([m for m, _, _ in changed], fields)
        log.changes(
            by,
            [(s, "staff.imported", None, {}, {"line": r.line, "created": True}) for s, r in new]
            + [
                (
                    m,
                    "staff.imported",
                    None,
                    {k: c[0] for k, c in r.changes.items()},
                    {k: c[1] for k, c in r.changes.items()},
                )
                for m, _, r in changed
            ],
        )


register(StaffKind())


GROUP_KINDS = {
    "class": TeachingGroup.Kind.CLASS, "reg": TeachingGroup.Kind.CLASS,
    "registration": TeachingGroup.Kind.CLASS, "form": TeachingGroup.Kind.CLASS,
    "tutor": TeachingGroup.Kind.CLASS, "group": TeachingGroup.Kind.TEACHING_GROUP,
    "teaching group": TeachingGroup.Kind.TEACHING_GROUP, "set": TeachingGroup.Kind.TEACHING_GROUP,
}  # fmt: skip


def group_kind(text: str) -> str:
    key = text.strip().lower()
    if not key:
        return TeachingGroup.Kind.CLASS
    if key in GROUP_KINDS:
        return GROUP_KINDS[key]
    raise cells.CellError(f"{text[:40]!r} is not a kind of group: write Class or Teaching group.")


class GroupsKind(Kind):
    """Classes and teaching groups for this school year, one row per pupil in a group.

    The file is the whole membership of each group it names: a pupil no longer listed in a group
    leaves it. Groups the file does not name are left alone.
    """

    key = "groups"
    label = "Classes and teaching groups"
    help = (
        "One row per pupil in a group: the pupil's UPN, the group's name and, for teaching "
        "groups, the subject; the teacher and TA by email or name."
    )
    columns = (
        PUPIL_UPN,
        Column(
            "group",
            "Group",
            required=True,
            aliases=(
                "Class",
                "Reg Group",
                "Registration Group",
                "Form",
                "Tutor Group",
                "Teaching Group",
                "Set",
                "Class Name",
                "Registration Form",
            ),
        ),
        Column("kind", "Group type", aliases=("Type", "Group Kind")),
        Column("subject", "Subject"),
        Column("year_group", "Year group", aliases=("Year", "NC Year")),
        Column("teacher", "Teacher", aliases=("Class Teacher", "Tutor", "Teacher Email")),
        Column("ta", "Teaching assistant", aliases=("TA", "Support Staff", "TA Email")),
    )

    def plan(self, school, rows, progress) -> Plan:
        pupils = pupils_by_upn(school)
        staff = list(Staff.objects.filter(school=school))
        year = academic_year_start(timezone.localdate())
        existing = {
            (g.kind, g.name.lower()): g
            for g in TeachingGroup.objects.filter(
                school=school, academic_year__start_year=year
            ).prefetch_related("pupils", "staffing")
        }
        wanted: dict[tuple, dict] = {}
        results = []
        for row in rows:
            result = RowResult(row.line, SAME)
            results.append(result)
            upn = row.get("upn").replace(" ", "").upper()
            name = read_text(row, result, "group", 60)
            kind = (
                read_cell(row, result, "kind", group_kind)
                if row.has("kind")
                else (
                    TeachingGroup.Kind.TEACHING_GROUP
                    if row.has("subject") and row.get("subject")
                    else TeachingGroup.Kind.CLASS
                )
            )
            result.label = f"{upn} in {name}"
            pupil = pupils.get(upn)
            result.about(pupil)
            if pupil is None:
                result.refuse(
                    f"{row.where('upn')}: no pupil has the UPN {upn[:20]!r}: import pupils first."
                )
            if not name and result.outcome != REFUSE:
                result.refuse(f"{row.where('group')} is empty: name the group.")
            if result.outcome == REFUSE or pupil is None:
                continue
            group = wanted.setdefault(
                (kind, name.lower()),
                {"name": name, "kind": kind, "pupils": {}, "teachers": set(), "tas": set(),
                 "subject": "", "year_group": None},
            )  # fmt: skip
            group["pupils"][pupil.pk] = result
            if row.get("subject"):
                group["subject"] = read_text(row, result, "subject", 60)
            if row.get("year_group"):
                group["year_group"] = read_cell(row, result, "year_group", cells.year_group)
            for key, role in (("teacher", "teachers"), ("ta", "tas")):
                if row.get(key):
                    member = _staff_member(staff, row.get(key))
                    if member is None:
                        result.warnings.append(
                            f"{row.where(key)}: no member of staff matches {row.get(key)[:60]!r}; "
                            "import staff first. The group is imported without them."
                        )
                    else:
                        group[role].add(member.pk)
        work = []
        for group_key, group in wanted.items():
            current = existing.get(group_key)
            members = set(group["pupils"])
            before = {p.pk for p in current.pupils.all()} if current else set()
            staffing: set[tuple[int, str]] = (
                {(s.staff_id, s.role) for s in current.staffing.all()} if current else set()
            )
            new_staffing: set[tuple[int, str]] = {
                (pk, GroupStaff.Role.TEACHER.value) for pk in group["teachers"]
            } | {(pk, GroupStaff.Role.TEACHING_ASSISTANT.value) for pk in group["tas"]}
            for pk, result in group["pupils"].items():
                if current is None or pk not in before:
                    result.outcome = CREATE
                elif new_staffing - staffing or group["subject"] != current.subject:
                    result.outcome = CHANGE
            work.append((current, group, members, before, new_staffing, staffing))
        leaving = [
            f"{group['name']}: {len(before - members)} pupil(s) not in the file would leave it."
            for current, group, members, before, *_ in work
            if before - members
        ]
        return Plan(results=results, file_warnings=leaving, work=(year, work))

    @transaction.atomic
    def apply(self, school, plan, by) -> None:
        start_year, work = plan.work
        year = school_year(school, start_year)
        entries = []
        for current, group, members, before, new_staffing, staffing in work:
            if current is None:
                current = TeachingGroup.objects.create(
                    school=school, academic_year=year, kind=group["kind"], name=group["name"],
                    subject=group["subject"], year_group=group["year_group"],
                )  # fmt: skip
            elif group["subject"] and current.subject != group["subject"]:
                current.subject = group["subject"]
                current.save(update_fields=["subject"])
            if members != before:
                current.pupils.add(*(members - before))
                current.pupils.remove(*(before - members))
            for staff_id, role in new_staffing - staffing:
                GroupStaff.objects.create(group=current, staff_id=staff_id, role=role)
            if members != before or new_staffing - staffing:
                moved = {"joined": len(members - before), "left": len(before - members)}
                entries.append((current, "group.imported", None, {"pupils": len(before)}, moved))
        log.changes(by, entries)


def _staff_member(staff: list[Staff], text: str) -> Staff | None:
    """A member of staff by work email, full name, or title, initial and surname (Mrs J Smith)."""
    key = text.strip().lower()
    for member in staff:
        names = {
            member.email.lower(),
            f"{member.first_name} {member.last_name}".lower(),
            f"{member.title} {member.first_name[:1]} {member.last_name}".strip().lower(),
            f"{member.first_name[:1]} {member.last_name}".lower(),
        }
        if key in names - {""}:
            return member
    return None


register(GroupsKind())


PROVISION_WORDS = {
    "sen support": "K", "support": "K", "ehc plan": "E", "ehcp": "E",
    "education, health and care plan": "E", "statement": "S", "school action": "A",
    "school action plus": "P", "no special educational need": "N", "none": "N", "": "N",
}  # fmt: skip
NEED_WORDS = {label.lower(): code for code, (label, _) in census.NEEDS.items()}


def provision(text: str) -> str:
    key = text.strip()
    if key.upper() in census.PROVISION:
        return key.upper()
    if key.lower() in PROVISION_WORDS:
        return PROVISION_WORDS[key.lower()]
    raise cells.CellError(f"{text[:40]!r} is not an SEN status: write N, K or E.")


def need(text: str) -> str:
    key = text.strip()
    if not key:
        return ""
    if key.upper() in census.NEEDS:
        return key.upper()
    if key.lower() in NEED_WORDS:
        return NEED_WORDS[key.lower()]
    raise cells.CellError(
        f"{text[:40]!r} is not a census type of need: write a code such as SPLD, MLD, ASD, "
        "SEMH or SLCN."
    )


def entry_text(provision_code: str, needs: list[str]) -> str:
    return provision_code + (f": {', '.join(needs)}" if needs else "")


class SenKind(Kind):
    """SEN status and needs as the MIS holds them.

    OpenSENCO owns the SEN record: the MIS's entry is taken only for a pupil with no SEN history
    here yet (a school's first load). Where the two disagree later, nothing is overwritten: the
    row says so and the pupil joins the discrepancy list for the SENCO to settle.
    """

    key = "sen"
    label = "SEN status and needs"
    action = "register.change"
    help = "One row per pupil: UPN, SEN status (N, K or E), and the ranked needs."
    columns = (
        PUPIL_UPN,
        Column(
            "provision",
            "SEN status",
            required=True,
            aliases=("SEN Provision", "SEN", "SEN Stage", "SEN Status Code"),
        ),
        Column("need_1", "Primary need", aliases=("SEN Need 1", "Need 1", "Primary Need Type")),
        Column("need_2", "Secondary need", aliases=("SEN Need 2", "Need 2")),
        Column("need_3", "Further need", aliases=("SEN Need 3", "Need 3")),
        Column("starts", "SEN start date", aliases=("Start Date", "SEN Start")),
    )

    def plan(self, school, rows, progress) -> Plan:
        pupils = pupils_by_upn(school)
        with_history = set(
            SenStatus.objects.filter(pupil__school=school).values_list("pupil_id", flat=True)
        )
        open_needs: dict[int, list[str]] = {}
        for pupil_id, code in (
            SenNeed.objects.filter(pupil__school=school, ends__isnull=True)
            .order_by("pupil_id", "rank")
            .values_list("pupil_id", "need")
        ):
            open_needs.setdefault(pupil_id, []).append(code)
        results = {row.line: RowResult(row.line, SAME) for row in rows}
        duplicates(rows, "upn", results, "UPN")
        work, discrepancies = [], []
        for row in rows:
            result = results[row.line]
            upn = row.get("upn").replace(" ", "").upper()
            pupil = pupil_of(row, result, pupils)
            code = read_cell(row, result, "provision", provision)
            needs = [
                n
                for key in ("need_1", "need_2", "need_3")
                if (n := read_cell(row, result, key, need))
            ]
            starts = read_cell(row, result, "starts", cells.date) if row.has("starts") else None
            if result.outcome == REFUSE or pupil is None or code is None:
                continue
            result.label = f"{pupil.full_name} ({upn})"
            for breach in census.check_entry(census.census_provision(code), needs):
                result.warnings.append(f"Census rule: {breach.message}")
            theirs = entry_text(code, needs)
            if pupil.pk not in with_history:
                if code != "N" or needs:
                    result.outcome = CREATE
                    result.changes = {"sen": ["", theirs]}
                    work.append((pupil, code, needs, starts or timezone.localdate(), result))
                continue
            ours = entry_text(pupil.sen_provision, open_needs.get(pupil.pk, []))
            if ours != theirs:
                result.warnings.append(
                    f"The MIS has {theirs}; OpenSENCO has {ours}. Left as recorded here: see "
                    "the list of disagreements."
                )
                discrepancies.append(
                    {"upn": upn, "pupil": str(pupil.public_id), "line": row.line, "mis": theirs}
                )
        plan = Plan(results=list(results.values()), work=work)
        plan.extra = {"discrepancies": discrepancies}
        return plan

    @transaction.atomic
    def apply(self, school, plan, by) -> None:
        statuses: list[SenStatus] = []
        needs: list[SenNeed] = []
        entries: list[tuple] = []
        for pupil, code, codes, starts, _result in plan.work:
            statuses.append(
                SenStatus(pupil=pupil, provision=code, starts=starts, source=Source.IMPORTED)
            )
            needs += [
                SenNeed(pupil=pupil, need=n, rank=rank, starts=starts, source=Source.IMPORTED)
                for rank, n in enumerate(codes, start=1)
            ]
            pupil.sen_provision, pupil.primary_need = code, codes[0] if codes else ""
            entries.append(
                (
                    pupil,
                    "register.imported",
                    pupil,
                    {},
                    {"entry": entry_text(code, codes), "from": starts},
                )
            )
        SenStatus.objects.bulk_create(statuses)
        SenNeed.objects.bulk_create(needs)
        Pupil.objects.bulk_update([p for p, *_ in plan.work], ["sen_provision", "primary_need"])
        log.changes(by, entries)


register(SenKind())


def _sessions(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if text.isdigit() and int(text) <= 10_000:
        return int(text)
    raise cells.CellError(f"{text[:20]!r} is not a number of sessions: write a whole number.")


def _percent(text: str) -> Decimal | None:
    text = text.strip().rstrip("%").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise cells.CellError(f"{text[:20]!r} is not a percentage: write 93.5.") from None
    if not 0 <= value <= 100:
        raise cells.CellError(f"{text[:20]}% is not between 0 and 100.")
    return value.quantize(Decimal("0.1"))


class RecordsKind(Kind):
    """A kind for records about a pupil matched by UPN and a natural key (attendance figures,
    suspensions): a row either adds a record, changes its figures, or finds it as it is."""

    model: type[models.Model]
    natural_key: tuple[str, ...] = ()
    audit_action = ""

    def values(self, row: Row, result: RowResult) -> dict:
        raise NotImplementedError

    def plan(self, school, rows, progress) -> Plan:
        pupils = pupils_by_upn(school)
        known = {
            (r.pupil_id, *(getattr(r, k) for k in self.natural_key)): r
            for r in self.model.objects.filter(pupil__school=school)  # type: ignore[attr-defined]
        }
        results, work, seen = [], [], set()
        for row in rows:
            result = RowResult(row.line, SAME)
            results.append(result)
            upn = row.get("upn").replace(" ", "").upper()
            pupil = pupil_of(row, result, pupils)
            values = self.values(row, result)
            if result.outcome == REFUSE or pupil is None:
                continue
            result.label = f"{pupil.full_name} ({upn})"
            key = (pupil.pk, *(values[k] for k in self.natural_key))
            if key in seen:
                result.refuse("The same record is on an earlier line: keep one row.")
                continue
            seen.add(key)
            record = known.get(key)
            if record is None:
                result.outcome = CREATE
                record = self.model(pupil=pupil, **values)
            else:
                result.changes = differences(record, values)
                result.outcome = CHANGE if result.changes else SAME
            work.append((record, values, pupil, result))
        return Plan(results=results, work=work)

    @transaction.atomic
    def apply(self, school, plan, by) -> None:
        new = [r for r, _, _, res in plan.work if res.outcome == CREATE]
        changed = [(r, v) for r, v, _, res in plan.work if res.outcome == CHANGE]
        self.model.objects.bulk_create(new)  # type: ignore[attr-defined]
        for record, values in changed:
            for name, value in values.items():
                setattr(record, name, value)
        if changed:
            fields = sorted({name for _, v in changed for name in v})
            self.model.objects.bulk_update([r for r, _ in changed], fields)  # type: ignore[attr-defined]
        log.changes(
            by,
            [
                (r, self.audit_action, p, {k: c[0] for k, c in res.changes.items()},
                 {k: c[1] for k, c in res.changes.items()} or {"line": res.line})
                for r, _, p, res in plan.work
                if res.outcome != SAME
            ],
        )  # fmt: skip


class AttendanceKind(RecordsKind):
    key = "attendance"
    label = "Attendance"
    help = (
        "One row per pupil and period: UPN, the period's first and last day, and either the "
        "sessions possible and attended or the percentage."
    )
    model = Attendance
    natural_key = ("starts", "ends")
    audit_action = "attendance.imported"
    columns = (
        PUPIL_UPN,
        Column(
            "starts", "From", required=True, aliases=("Start Date", "Period Start", "Date From")
        ),
        Column("ends", "To", required=True, aliases=("End Date", "Period End", "Date To")),
        Column("possible", "Possible sessions", aliases=("Possible", "Sessions Possible")),
        Column("present", "Sessions attended", aliases=("Present", "Attended", "Attendances")),
        Column("percent", "Attendance %", aliases=("Attendance", "% Attendance", "Percentage")),
    )

    def values(self, row: Row, result: RowResult) -> dict:
        starts = read_cell(row, result, "starts", cells.date)
        ends = read_cell(row, result, "ends", cells.date)
        possible = read_cell(row, result, "possible", _sessions)
        present = read_cell(row, result, "present", _sessions)
        percent = read_cell(row, result, "percent", _percent)
        if result.outcome == REFUSE:
            return {}
        if not starts or not ends or ends < starts:
            result.refuse("Give the period's first and last day, the last on or after the first.")
        elif possible is not None and present is not None:
            if present > possible or possible == 0:
                result.refuse(f"{present} sessions attended out of {possible} possible cannot be.")
            else:
                percent = (Decimal(present * 100) / possible).quantize(Decimal("0.1"))
        elif percent is None:
            result.refuse("Give the sessions possible and attended, or the attendance %.")
        return {"starts": starts, "ends": ends, "possible": possible, "present": present,
                "percent": percent}  # fmt: skip


class SuspensionsKind(RecordsKind):
    key = "suspensions"
    label = "Suspensions and exclusions"
    help = (
        "One row per suspension: UPN, start date, sessions missed, the reason, and whether it "
        "is a permanent exclusion."
    )
    model = Suspension
    natural_key = ("kind", "starts")
    audit_action = "suspension.imported"
    columns = (
        PUPIL_UPN,
        Column(
            "starts", "Suspension start", required=True,
            aliases=("Exclusion Start Date", "Start Date", "Suspension Start Date"),
        ),
        Column("sessions", "Sessions", aliases=("Sessions Missed", "Number of Sessions")),
        Column("reason", "Reason", aliases=("Exclusion Reason", "Suspension Reason")),
        Column("kind", "Type", aliases=("Exclusion Type", "Category")),
    )  # fmt: skip
    KINDS = {"": "suspension", "fixed": "suspension", "fixed term": "suspension",
             "suspension": "suspension", "permanent": "permanent",
             "permanent exclusion": "permanent"}  # fmt: skip

    def values(self, row: Row, result: RowResult) -> dict:
        kind = row.get("kind").strip().lower()
        if kind not in self.KINDS:
            result.refuse(
                f"{row.where('kind')}: {kind[:30]!r} is not a kind: write Suspension or Permanent."
            )
        starts = read_cell(row, result, "starts", cells.date)
        if starts is None and result.outcome != REFUSE:
            result.refuse(f"{row.where('starts')} is empty: give the first day.")
        return {
            "kind": self.KINDS.get(kind, "suspension"),
            "starts": starts,
            "sessions": read_cell(row, result, "sessions", _sessions),
            "reason": read_text(row, result, "reason", 100),
        }


register(AttendanceKind())
register(SuspensionsKind())
