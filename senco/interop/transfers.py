"""Common Transfer Files in and out (docs/ctf.md).

In: a CTF is an import kind read whole, like a ZIP of photos. Pupils are matched by UPN, then
former UPN; identity, contacts, free school meals and looked-after status come from the file as
from the MIS; the SEN history arrives as it was recorded. A pupil with no SEN history here takes
the file's whole history; one with a history here keeps it, gains only what the file records
before it, and is told where the two disagree. Planned in memory, applied in bulk.

Out: `transfer_of` gathers what a CTF carries for a set of pupils, in a fixed number of queries.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone

from senco.audit import log
from senco.interop import ctf
from senco.interop.framework import (
    CHANGE,
    CREATE,
    REFUSE,
    SAME,
    Kind,
    Plan,
    RowResult,
    differences,
    register,
)
from senco.interop.mis import contact_identity, entry_text
from senco.pupils import census
from senco.pupils.models import (
    Contact,
    FreeMealsPeriod,
    Pupil,
    PupilContact,
    SenNeed,
    SenStatus,
    Source,
)
from senco.schools.calendar import academic_year_start

PROGRESS_EVERY = 200
CONTACT_FIELDS = (
    "title", "first_name", "last_name", "email", "home_phone", "mobile_phone", "work_phone",
    "address", "postcode",
)  # fmt: skip
LINK_FIELDS = ("relationship", "parental_responsibility", "court_order", "lives_with_pupil")
LABELS = {
    "upn": "UPN", "former_upn": "Former UPN", "uln": "ULN", "legal_first_name": "Legal forename",
    "legal_last_name": "Legal surname", "middle_names": "Middle names",
    "preferred_first_name": "Preferred forename", "preferred_last_name": "Preferred surname",
    "date_of_birth": "Date of birth", "sex": "Sex", "year_group": "Year group",
    "ethnicity": "Ethnicity", "first_language": "First language", "eal": "EAL",
    "medical_flag": "Medical flag", "looked_after": "Looked after",
    "care_authority": "Care authority", "free_school_meals": "FSM", "address": "Address",
    "postcode": "Postcode", "sen": "SEN history", "contacts": "Contacts",
    "meals": "Free school meals history",
}  # fmt: skip


@dataclass
class Arrival:
    """What applying the file does for one pupil: worked out while planning."""

    pupil: Pupil
    result: RowResult
    values: dict
    meals: list[FreeMealsPeriod] = field(default_factory=list)
    meals_changed: list[FreeMealsPeriod] = field(default_factory=list)
    contacts: list[tuple[Contact, PupilContact, dict, dict]] = field(default_factory=list)
    statuses: list[ctf.Status] = field(default_factory=list)
    needs: list[ctf.Need] = field(default_factory=list)
    current: tuple[str, str] | None = None  # (provision, primary need) when the SEN is new here


class Known:
    """The school's pupils and their records, loaded once for the whole file."""

    def __init__(self, school):
        self.school = school
        pupils = list(Pupil.objects.filter(school=school))
        self.by_upn = {p.upn: p for p in pupils if p.upn}
        self.by_former = {p.former_upn: p for p in pupils if p.former_upn}
        self.statuses: dict[int, set[ctf.Status]] = {}
        for s in SenStatus.objects.filter(pupil__school=school).only(
            "pupil_id", "provision", "starts", "ends"
        ):
            self.statuses.setdefault(s.pupil_id, set()).add(
                ctf.Status(s.provision, s.starts, s.ends)
            )
        self.needs: dict[int, set[ctf.Need]] = {}
        for n in SenNeed.objects.filter(pupil__school=school).only(
            "pupil_id", "need", "rank", "starts", "ends"
        ):
            self.needs.setdefault(n.pupil_id, set()).add(ctf.Need(n.need, n.rank, n.starts, n.ends))
        self.meals = {
            (m.pupil_id, m.starts): m for m in FreeMealsPeriod.objects.filter(pupil__school=school)
        }
        self.links: dict[tuple, PupilContact] = {}
        self.contacts: dict[tuple, Contact] = {}
        for link in PupilContact.objects.filter(pupil__school=school).select_related("contact"):
            c = link.contact
            self.links[(link.pupil_id, c.first_name.lower(), c.last_name.lower())] = link
            identity = contact_identity(c.first_name, c.last_name, c.email, c.mobile_phone)
            if identity and c.user_id is None:
                self.contacts.setdefault(identity, c)

    def match(self, upn: str, former: str) -> Pupil | None:
        return (
            self.by_upn.get(upn)
            or self.by_former.get(upn)
            or (self.by_upn.get(former) if former else None)
        )


class TransferKind(Kind):
    key = "ctf"
    label = "Common Transfer File (CTF)"
    help = (
        "A CTF (XML, versions 19 to 25) from a pupil's previous school or your MIS: pupils, "
        "contacts, free school meals, looked-after status and the whole SEN history."
    )
    columns = ()
    whole_file = True
    # The file brings SEN history, which only the SEN leads change (like the SEN import).
    action = "register.change"

    @property
    def labels(self) -> dict[str, str]:
        return LABELS

    def recognises(self, data: bytes) -> bool:
        utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")  # read, to be refused as not UTF-8
        return utf16 or data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")

    def plan_file(self, school, data: bytes, max_bytes: int, progress) -> Plan:
        transfer = ctf.read(data)
        known = Known(school)
        today = timezone.localdate()
        results, arrivals = [], []
        twice = _upns_twice(transfer.pupils)
        for number, incoming in enumerate(transfer.pupils, start=1):
            result = RowResult(incoming.line, SAME, label=incoming.label)
            results.append(result)
            result.warnings += incoming.warnings
            for problem in incoming.problems:
                result.refuse(problem)
            _check_upns(incoming, result, twice)
            if result.outcome == REFUSE:
                continue
            arrivals.append(_arrival(incoming, known, result, today))
            if number % PROGRESS_EVERY == 0:
                progress(number)
        plan = Plan(results=results, work=arrivals)
        plan.file_warnings = transfer.warnings + _addressed_to(transfer.header, school)
        header = transfer.header
        plan.extra = {
            "ctf": {
                "version": header.version,
                "qualifier": header.qualifier,
                "created": header.created,
                "source": str(header.source),
                "destination": str(header.destination),
                "pupils": len(transfer.pupils),
            }
        }
        return plan

    @transaction.atomic
    def apply(self, school, plan, by) -> None:
        arrivals: list[Arrival] = [a for a in plan.work if a.result.outcome != SAME]
        Pupil.objects.bulk_create([a.pupil for a in arrivals if a.result.outcome == CREATE])
        changed = [a for a in arrivals if a.result.outcome == CHANGE and a.values]
        if changed:
            fields = sorted({name for a in changed for name in a.values})
            Pupil.objects.bulk_update([a.pupil for a in changed], fields, batch_size=500)
        _apply_meals(arrivals)
        _apply_contacts(school, arrivals)
        _apply_sen(arrivals)
        log.changes(
            by,
            [
                (
                    a.pupil,
                    "pupil.transferred_in",
                    a.pupil,
                    {k: c[0] for k, c in a.result.changes.items()},
                    {k: c[1] for k, c in a.result.changes.items()} | {"line": a.result.line},
                )
                for a in arrivals
            ],
        )


def _upns_twice(pupils: list[ctf.Pupil]) -> set[str]:
    seen: set[str] = set()
    twice = set()
    for pupil in pupils:
        if pupil.upn in seen:
            twice.add(pupil.upn)
        seen.add(pupil.upn)
    return twice - {""}


def _check_upns(incoming: ctf.Pupil, result: RowResult, twice: set[str]) -> None:
    """A wrong check letter is a warning (real files carry them); anything else refuses."""
    if incoming.upn in twice:
        result.refuse(f"The UPN {incoming.upn} is on more than one pupil in the file.")
    for name, upn in (("UPN", incoming.upn), ("Former UPN", incoming.former_upn)):
        problem = census.check_upn(upn) if upn else None
        if problem and "check letter does not match" in problem:
            result.warnings.append(f"{name} {upn}: {problem}")
        elif problem and name == "UPN":
            result.refuse(f"Line {incoming.line}: UPN {upn[:20]!r}: {problem}")
        elif problem:
            result.warnings.append(f"Former UPN {upn[:20]!r} is not a UPN ({problem}): left out.")
            incoming.former_upn = ""


def _addressed_to(header: ctf.Header, school) -> list[str]:
    destination = header.destination
    if (
        destination.la
        and destination.estab
        and (destination.la, destination.estab)
        != (
            school.la_code,
            school.establishment_number,
        )
    ):
        return [
            f"This file is addressed to {destination}, not to this school {school.name} "
            f"(LA {school.la_code}, establishment {school.establishment_number}). Check it is "
            "meant for you before applying it."
        ]
    return []


def _values(incoming: ctf.Pupil, pupil: Pupil | None, today: dt.date) -> dict:
    """The pupil's fields as the file gives them: a value the file leaves out or empty keeps
    what is recorded."""
    values: dict = {
        "upn": incoming.upn,
        "legal_first_name": incoming.legal_first_name,
        "legal_last_name": incoming.legal_last_name,
        "date_of_birth": incoming.date_of_birth,
        "sex": incoming.sex,
    }
    for name in (
        "former_upn", "uln", "middle_names", "preferred_first_name", "preferred_last_name",
        "ethnicity", "first_language", "care_authority",
    ):  # fmt: skip
        if getattr(incoming, name):
            values[name] = getattr(incoming, name)
    if incoming.year_group is not None:
        values["year_group"] = incoming.year_group
    if incoming.first_language:
        values["eal"] = incoming.first_language not in ctf.ENGLISH | ctf.UNKNOWN_LANGUAGE
    if incoming.medical_flag is not None:
        values["medical_flag"] = incoming.medical_flag
    if incoming.in_care is not None:
        previously = pupil is not None and pupil.looked_after == Pupil.LookedAfter.PREVIOUSLY
        values["looked_after"] = (
            Pupil.LookedAfter.LOOKED_AFTER
            if incoming.in_care
            else Pupil.LookedAfter.PREVIOUSLY
            if previously
            else Pupil.LookedAfter.NO
        )
    if incoming.meals is not None:
        values["free_school_meals"] = any(
            m.starts <= today and (m.ends is None or m.ends >= today) for m in incoming.meals
        )
    if incoming.address is not None:
        values["address"], values["postcode"] = incoming.address, incoming.postcode
    return values


def _arrival(incoming: ctf.Pupil, known: Known, result: RowResult, today: dt.date) -> Arrival:
    pupil = known.match(incoming.upn, incoming.former_upn)
    result.about(pupil)
    values = _values(incoming, pupil, today)
    if pupil is None:
        pupil = Pupil(school=known.school, **values)
        result.outcome = CREATE
        changes: dict = {}
    else:
        changes = differences(pupil, values)
        for name in changes:
            setattr(pupil, name, values[name])
        values = {name: values[name] for name in changes}
    arrival = Arrival(pupil=pupil, result=result, values=values)
    changes.update(_plan_meals(arrival, incoming, known))
    changes.update(_plan_contacts(arrival, incoming, known))
    changes.update(_plan_sen(arrival, incoming, known))
    result.changes = changes
    if result.outcome == SAME and changes:
        result.outcome = CHANGE
    return arrival


def _plan_meals(arrival: Arrival, incoming: ctf.Pupil, known: Known) -> dict:
    if not incoming.meals:
        return {}
    added = 0
    for period in incoming.meals:
        recorded = known.meals.get((arrival.pupil.pk, period.starts)) if arrival.pupil.pk else None
        if recorded is None:
            arrival.meals.append(
                FreeMealsPeriod(
                    pupil=arrival.pupil,
                    starts=period.starts,
                    ends=period.ends,
                    country=period.country,
                )
            )
            added += 1
        elif (recorded.ends, recorded.country) != (period.ends, period.country):
            recorded.ends, recorded.country = period.ends, period.country
            arrival.meals_changed.append(recorded)
    touched = added + len(arrival.meals_changed)
    return {"meals": ["", f"{touched} period(s) added or changed"]} if touched else {}


def _plan_contacts(arrival: Arrival, incoming: ctf.Pupil, known: Known) -> dict:
    """Contacts matched as the contacts import matches them: by name for this pupil, then
    by name and email or mobile across the family's children."""
    added = changed = 0
    pupil = arrival.pupil
    for contact in incoming.contacts or []:
        values = {name: getattr(contact, name) for name in CONTACT_FIELDS}
        if contact.lives_with_pupil and incoming.address is not None:
            values["address"], values["postcode"] = incoming.address, incoming.postcode
        values = {k: v for k, v in values.items() if v}
        link_values = {name: getattr(contact, name) for name in LINK_FIELDS}
        link_values = {k: v for k, v in link_values.items() if v is not None}
        link_values["priority"] = contact.order
        key = (pupil.pk, contact.first_name.lower(), contact.last_name.lower())
        link = known.links.get(key) if pupil.pk else None
        identity = contact_identity(
            contact.first_name, contact.last_name, contact.email, contact.mobile_phone
        )
        record = link.contact if link else known.contacts.get(identity) if identity else None
        if record is None:
            record = Contact(**values)
            if identity:
                known.contacts[identity] = record
        if link is None:
            link = PupilContact(pupil=pupil, contact=record, **link_values)
            added += 1
        elif differences(record, values) or differences(link, link_values):
            changed += 1
        else:
            continue
        arrival.contacts.append((record, link, values, link_values))
    if not added and not changed:
        return {}
    return {"contacts": ["", f"{added} added, {changed} changed"]}


def _plan_sen(arrival: Arrival, incoming: ctf.Pupil, known: Known) -> dict:
    if not incoming.statuses and not incoming.needs:
        return {}
    result = arrival.result
    statuses, warnings = ctf.close_statuses(incoming.statuses or [])
    if sum(1 for s in statuses if s.ends is None) > 1:
        result.refuse(
            f"Line {incoming.line}: two SEN provision records with no end date start on the same "
            "day; only one status is open at a time. Ask the sending school to correct the file."
        )
        return {}
    needs, need_warnings = ctf.close_needs(statuses, incoming.needs)
    result.warnings += warnings + need_warnings
    periods = [
        census.Period(census.census_provision(s.provision), s.starts, s.ends) for s in statuses
    ]
    ranked = [(n.rank, census.Period(n.need, n.starts, n.ends)) for n in needs]
    result.warnings += [f"Census rule: {b.message}" for b in census.check_history(periods, ranked)]
    ours_statuses = known.statuses.get(arrival.pupil.pk, set()) if arrival.pupil.pk else set()
    ours_needs = known.needs.get(arrival.pupil.pk, set()) if arrival.pupil.pk else set()
    if not ours_statuses and not ours_needs:
        arrival.statuses, arrival.needs = statuses, needs
        current = [s for s in statuses if s.ends is None]
        provision = current[-1].provision if current else "N"
        primary = [n.need for n in needs if n.ends is None and n.rank == 1]
        arrival.current = (provision, primary[0] if primary and provision != "N" else "")
        open_needs = [n.need for n in sorted(needs, key=lambda n: n.rank) if n.ends is None]
        return {"sen": ["", _history_text(statuses, entry_text(provision, open_needs))]}
    earliest = min(s.starts for s in ours_statuses) if ours_statuses else dt.date.max
    before = [s for s in statuses if s not in ours_statuses and s.ends and s.ends < earliest]
    needs_before = [n for n in needs if n not in ours_needs and n.ends and n.ends < earliest]
    arrival.statuses, arrival.needs = before, needs_before
    differing = (set(statuses) - ours_statuses - set(before)) or (
        set(needs) - ours_needs - set(needs_before)
    )
    if differing:
        result.warnings.append(
            "The file's SEN history differs from the one recorded here: the history here is "
            "kept. Compare them on the pupil's record."
        )
    if before or needs_before:
        return {"sen": ["", f"{len(before)} earlier status(es), {len(needs_before)} need(s)"]}
    return {}


def _history_text(statuses: list[ctf.Status], current: str) -> str:
    path = " then ".join(s.provision for s in statuses)
    return f"{path}; now {current}" if path else current


def _apply_meals(arrivals: list[Arrival]) -> None:
    FreeMealsPeriod.objects.bulk_create([m for a in arrivals for m in a.meals])
    changed = [m for a in arrivals for m in a.meals_changed]
    if changed:
        FreeMealsPeriod.objects.bulk_update(changed, ["ends", "country"])


def _apply_contacts(school, arrivals: list[Arrival]) -> None:
    new: dict[int, Contact] = {}
    changed: dict[int, Contact] = {}
    links_new: list[PupilContact] = []
    links_changed: list[PupilContact] = []
    for arrival in arrivals:
        for record, link, values, link_values in arrival.contacts:
            for name, value in values.items():
                setattr(record, name, value)
            if record.pk is None:
                record.school = school
                new[id(record)] = record
            else:
                changed[record.pk] = record
            for name, value in link_values.items():
                setattr(link, name, value)
            link.pupil, link.contact = arrival.pupil, record
            (links_new if link.pk is None else links_changed).append(link)
    Contact.objects.bulk_create(list(new.values()))
    if changed:
        Contact.objects.bulk_update(list(changed.values()), list(CONTACT_FIELDS))
    PupilContact.objects.bulk_create(links_new)
    if links_changed:
        PupilContact.objects.bulk_update(links_changed, [*LINK_FIELDS, "priority"])


def _apply_sen(arrivals: list[Arrival]) -> None:
    SenStatus.objects.bulk_create(
        SenStatus(pupil=a.pupil, provision=s.provision, starts=s.starts, ends=s.ends,
                  source=Source.IMPORTED)
        for a in arrivals for s in a.statuses
    )  # fmt: skip
    SenNeed.objects.bulk_create(
        SenNeed(pupil=a.pupil, need=n.need, rank=n.rank, starts=n.starts, ends=n.ends,
                source=Source.IMPORTED)
        for a in arrivals for n in a.needs
    )  # fmt: skip
    current = [a for a in arrivals if a.current is not None]
    for arrival in current:
        arrival.pupil.sen_provision, arrival.pupil.primary_need = arrival.current  # type: ignore[misc]
    if current:
        Pupil.objects.bulk_update([a.pupil for a in current], ["sen_provision", "primary_need"])


register(TransferKind())


# Out ----------------------------------------------------------------------------------------


def header_for(school, destination: ctf.Establishment) -> ctf.Header:
    return ctf.Header(
        created=timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S"),
        academic_year=str(academic_year_start(timezone.localdate())),
        source=ctf.Establishment(
            la=school.la_code, estab=school.establishment_number, urn=school.urn, name=school.name
        ),
        destination=destination,
    )


def transfer_of(school, pupils, contacts, destination: ctf.Establishment) -> ctf.Transfer:
    """What a CTF carries for these pupils and, of their contacts, those in `contacts` (both
    querysets the caller has limited to what the person may see), in five queries however many
    pupils."""
    links = PupilContact.objects.filter(contact__in=contacts).select_related("contact")
    chosen = pupils.prefetch_related(
        "sen_statuses",
        "sen_needs",
        "free_meals",
        models.Prefetch("contact_links", queryset=links.order_by("priority")),
    )
    return ctf.Transfer(header_for(school, destination), [_outgoing(p) for p in chosen])


def _outgoing(pupil: Pupil) -> ctf.Pupil:
    statuses = sorted(
        (ctf.Status(s.provision, s.starts, s.ends) for s in pupil.sen_statuses.all()),
        key=lambda s: s.starts,
    )
    needs = sorted(
        (ctf.Need(n.need, n.rank, n.starts, n.ends) for n in pupil.sen_needs.all()),
        key=lambda n: (n.starts, n.rank),
    )
    return ctf.Pupil(
        upn=pupil.upn,
        former_upn=pupil.former_upn,
        uln=pupil.uln,
        legal_last_name=pupil.legal_last_name,
        legal_first_name=pupil.legal_first_name,
        middle_names=pupil.middle_names,
        preferred_last_name=pupil.preferred_last_name,
        preferred_first_name=pupil.preferred_first_name,
        date_of_birth=pupil.date_of_birth,
        sex=pupil.sex,
        year_group=pupil.year_group,
        ethnicity=pupil.ethnicity,
        first_language=pupil.first_language,
        medical_flag=pupil.medical_flag,
        in_care=pupil.looked_after == Pupil.LookedAfter.LOOKED_AFTER,
        care_authority=pupil.care_authority,
        meals=sorted(
            (ctf.Meals(m.starts, m.ends, m.country) for m in pupil.free_meals.all()),
            key=lambda m: m.starts,
        ),
        statuses=statuses,
        needs=ctf.carried_needs(statuses, needs),
        address=pupil.address,
        postcode=pupil.postcode,
        contacts=[_outgoing_contact(link) for link in pupil.contact_links.all()],
    )


def _outgoing_contact(link: PupilContact) -> ctf.Contact:
    contact = link.contact
    return ctf.Contact(
        order=link.priority,
        relationship=link.relationship,
        parental_responsibility=link.parental_responsibility,
        court_order=link.court_order,
        lives_with_pupil=link.lives_with_pupil,
        **{name: getattr(contact, name) for name in CONTACT_FIELDS},
    )


def filename(header: ctf.Header) -> str:
    """The DfE's name for a CTF: source LA and establishment, CTF, destination, number."""
    source, destination = header.source, header.destination
    return f"{source.la}{source.estab}_CTF_{destination.la}{destination.estab}_001.xml"
