"""Common Transfer Files out: from a pupil's record and for a set of pupils, and back in again."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from senco import access
from senco.accounts.models import User
from senco.audit.models import AuditEntry
from senco.interop import ctf, services, transfers
from senco.pupils import census
from senco.pupils.models import (
    Contact,
    FreeMealsPeriod,
    Pupil,
    PupilContact,
    SenNeed,
    SenStatus,
)
from senco.schools.models import School
from tests import targets
from tests.pupils.test_exports import signed_in

DESTINATION = {"la": "938", "estab": "4021", "urn": "123456"}


@pytest.mark.django_db
def test_a_senco_downloads_a_pupils_ctf_from_their_record(client_for):
    pupil = targets.taught_pupil()
    client = client_for("senco")
    page = client.get(reverse("pupils:detail", kwargs={"public_id": pupil.public_id}))
    assert (
        reverse("pupils:transfer", kwargs={"public_id": pupil.public_id}).encode() in page.content
    )
    response = client.post(
        reverse("pupils:transfer", kwargs={"public_id": pupil.public_id}), DESTINATION
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert "990000" not in response["Content-Disposition"]
    assert "_CTF_9384021_001.xml" in response["Content-Disposition"]
    transfer = ctf.read(response.content)
    assert transfer.header.version == ctf.VERSION and transfer.header.destination.urn == "123456"
    assert transfer.header.source.urn == pupil.school.urn
    [sent] = transfer.pupils
    assert sent.upn == pupil.upn and not sent.problems
    recorded = list(
        SenStatus.objects.filter(pupil=pupil).order_by("starts").values_list("provision", "starts")
    )
    assert [(s.provision, s.starts) for s in sent.statuses or []] == recorded
    entry = AuditEntry.objects.filter(action="pupil.transferred_out").latest("id")
    assert entry.pupil_ids == [pupil.pk] and entry.actor_id == User.objects.get(username="senco").pk


BAD_DESTINATIONS = {
    "letters in the LA code": ({"la": "93a", "estab": "4021"}, "An LA code is 3 digits"),
    "no establishment": ({"la": "938"}, "Give the new school's establishment number"),
    "a long URN": ({"la": "938", "estab": "4021", "urn": "1234567"}, "at most 6 characters"),
    "markup": ({"la": "<b>", "estab": "4021"}, "An LA code is 3 digits"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("what", BAD_DESTINATIONS)
def test_a_wrong_destination_is_refused_saying_what_is_wrong(client_for, what):
    data, message = BAD_DESTINATIONS[what]
    before = AuditEntry.objects.filter(action="pupil.transferred_out").count()
    pupil = targets.taught_pupil()
    response = client_for("senco").post(
        reverse("pupils:transfer", kwargs={"public_id": pupil.public_id}), data
    )
    assert response.status_code == 200 and escape(message) in response.content.decode()
    assert AuditEntry.objects.filter(action="pupil.transferred_out").count() == before


@pytest.mark.django_db
def test_a_ctf_for_a_year_group_needs_a_recent_sign_in_and_holds_only_pupils_one_may_see():
    school = targets.home_school()
    year = Pupil.objects.filter(school=school).on_roll().exclude(year_group=None)[0].year_group
    data = {"which": "year_group", "year_group": year, **DESTINATION}
    client = signed_in("senco")
    response = client.post(reverse("interop:transfer_out"), data)
    assert response.status_code == 200, response.content[:2000]
    upns = {p.upn for p in ctf.read(response.content).pupils}
    senco = User.objects.get(username="senco")
    expected = access.pupils_visible_to(senco, school).on_roll().filter(year_group=year)
    assert upns == set(expected.values_list("upn", flat=True))
    confidential = Pupil.objects.filter(school=school, is_confidential=True).exclude(
        confidential_to=senco
    )
    assert not upns & set(confidential.values_list("upn", flat=True))


@pytest.mark.django_db
def test_unknown_upns_and_an_empty_choice_are_refused_and_nothing_is_sent():
    client = signed_in("senco")
    before = AuditEntry.objects.filter(action="pupil.transferred_out").count()
    elsewhere = targets.pupil_elsewhere().upn
    for data, message in (
        ({"which": "upns", "upns": f"{elsewhere}, A000000000000"}, "No pupil you may see"),
        ({"which": "upns", "upns": "   "}, "Give at least one UPN"),
        ({"which": "year_group"}, "Choose the year group"),
        ({"which": "everyone"}, "Select a valid choice"),
        ({"which": "upns", "upns": "x" * 80_000}, "at most"),
    ):
        response = client.post(reverse("interop:transfer_out"), {**data, **DESTINATION})
        assert response.status_code == 200 and escape(message) in response.content.decode(), data
    assert AuditEntry.objects.filter(action="pupil.transferred_out").count() == before


@pytest.mark.django_db
def test_a_contact_confidential_to_others_is_left_out_of_the_file(client_for):
    pupil = targets.taught_pupil()
    link = pupil.contact_links.select_related("contact").first()
    link.contact.is_confidential = True
    link.contact.save()
    link.contact.confidential_to.set([User.objects.get(username="senco")])
    sent = {}
    for who in ("senco", "head"):
        response = client_for(who).post(
            reverse("pupils:transfer", kwargs={"public_id": pupil.public_id}), DESTINATION
        )
        [pupil_sent] = ctf.read(response.content).pupils
        sent[who] = {c.last_name + c.first_name for c in pupil_sent.contacts or []}
    name = link.contact.last_name + link.contact.first_name
    assert name in sent["senco"] and name not in sent["head"]


@pytest.mark.django_db
def test_gathering_a_ctf_takes_the_same_queries_for_one_pupil_or_fifty():
    school = targets.home_school()
    senco = User.objects.get(username="senco")
    contacts = access.transfer_contacts_visible_to(senco, school)
    counts = []
    for size in (1, 50):
        pupils = access.pupils_visible_to(senco, school).order_by("pk")[:size]
        chosen = Pupil.objects.filter(pk__in=list(pupils.values_list("pk", flat=True)))
        with CaptureQueriesContext(connection) as queries:
            transfer = transfers.transfer_of(school, chosen, contacts, ctf.Establishment())
        assert len(transfer.pupils) == size
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 6


# The round trip: pupils generated here, exported, imported into an empty school, compared.

NAMES = st.text(alphabet="ABCDEFGHIJKLMNOPRSTWabcdefghijklmnoprstuvwy-' ", min_size=1, max_size=30)
NAME = NAMES.map(lambda s: " ".join(s.split()) or "Ash")
DAYS = st.dates(min_value=dt.date(2008, 1, 1), max_value=dt.date(2026, 1, 1))
PHONE = st.from_regex(r"0[1-7][0-9]{3} ?[0-9]{6}", fullmatch=True)


@st.composite
def sen_histories(draw):
    """A history the CTF can carry: consecutive statuses, the last open; needs ending with the
    SEN they belong to, or the day before a later need of the same rank."""
    start = draw(st.dates(min_value=dt.date(2012, 1, 1), max_value=dt.date(2018, 1, 1)))
    codes = draw(st.lists(st.sampled_from(["K", "E", "N", "S", "A", "P"]), max_size=4))
    statuses, day = [], start
    for number, code in enumerate(codes):
        last = number == len(codes) - 1
        length = draw(st.integers(30, 600))
        ends = None if last else day + dt.timedelta(days=length)
        statuses.append(ctf.Status(code, day, ends))
        day = day + dt.timedelta(days=length + 1)
    needs = []
    for status in statuses:
        if status.provision == "N":
            continue
        for rank, need in enumerate(
            draw(
                st.lists(st.sampled_from(ctf.NEED_CODES[:-1]), min_size=1, max_size=2, unique=True)
            ),
            1,
        ):
            needs.append(ctf.Need(need, rank, status.starts))  # fmt: skip
    needs, _ = ctf.close_needs(statuses, sorted(needs, key=lambda n: (n.starts, n.rank)))
    return statuses, needs


@st.composite
def pupils(draw, number: int):
    body = f"{draw(st.integers(0, 10**9 - 1)):09d}" + f"{number:03d}"
    address = "\n".join(draw(st.lists(NAME, min_size=1, max_size=5)))
    statuses, needs = draw(sen_histories())
    meals = draw(st.lists(DAYS, max_size=2, unique=True))
    contacts = []
    for order in range(1, draw(st.integers(0, 3)) + 1):
        lives = draw(st.booleans())
        contacts.append(
            ctf.Contact(
                order=order,
                first_name=draw(NAME),
                last_name=f"{draw(NAME)}{number}x{order}",
                title=draw(st.sampled_from(["", "Mr", "Ms", "Mrs", "Dr"])),
                relationship=draw(st.sampled_from(["PAM", "PAF", "CAR", "STM", "REL", "OTH"])),
                parental_responsibility=draw(st.booleans()),
                court_order=draw(st.booleans()),
                lives_with_pupil=lives,
                email=draw(st.sampled_from(["", f"family{number}.{order}@example.org"])),
                mobile_phone=draw(st.one_of(st.just(""), PHONE)),
                home_phone=draw(st.one_of(st.just(""), PHONE)),
                address="" if lives else draw(NAME),
                postcode="" if lives else "ZZ1 1ZZ",
            )
        )
    language = draw(st.sampled_from(["ENG", "POL", "URD", "WEL"]))
    return (
        {
            "upn": census.upn_check_letter(body) + body,
            "uln": draw(st.sampled_from(["", "9999012345"])),
            "legal_first_name": draw(NAME),
            "legal_last_name": draw(NAME),
            "middle_names": draw(st.one_of(st.just(""), NAME)),
            "preferred_first_name": draw(st.one_of(st.just(""), NAME)),
            "preferred_last_name": draw(st.one_of(st.just(""), NAME)),
            "date_of_birth": draw(st.dates(dt.date(2006, 9, 1), dt.date(2021, 8, 31))),
            "sex": draw(st.sampled_from(["F", "M"])),
            "year_group": draw(st.one_of(st.none(), st.integers(-2, 14))),
            "ethnicity": draw(st.sampled_from(["", "WBRI", "ABAN", "MWBC"])),
            "first_language": language,
            "eal": language != "ENG",
            "medical_flag": draw(st.booleans()),
            "looked_after": draw(st.sampled_from(["", "cla"])),
            "address": address,
            "postcode": draw(st.sampled_from(["", "ZZ9 9ZZ"])),
        },
        statuses,
        needs,
        [ctf.Meals(d, d + dt.timedelta(days=90), "ENG") for d in meals],
        contacts,
    )


PUPIL_FIELDS = [
    "upn", "uln", "legal_first_name", "legal_last_name", "middle_names", "preferred_first_name",
    "preferred_last_name", "date_of_birth", "sex", "year_group", "ethnicity", "first_language",
    "eal", "medical_flag", "looked_after", "address", "postcode", "sen_provision", "primary_need",
]  # fmt: skip


def snapshot(school) -> dict:
    """Every field the CTF carries, for each pupil of the school, by UPN."""
    found = {}
    for pupil in Pupil.objects.filter(school=school).prefetch_related(
        "sen_statuses", "sen_needs", "free_meals", "contact_links__contact"
    ):
        found[pupil.upn] = {
            **{name: getattr(pupil, name) for name in PUPIL_FIELDS},
            "statuses": sorted((s.provision, s.starts, s.ends) for s in pupil.sen_statuses.all()),
            "needs": sorted((n.need, n.rank, n.starts, n.ends) for n in pupil.sen_needs.all()),
            "meals": sorted((m.starts, m.ends, m.country) for m in pupil.free_meals.all()),
            "contacts": sorted(_contact_row(link) for link in pupil.contact_links.all()),
        }
    return found


def _contact_row(link: PupilContact) -> tuple:
    flags = (link.parental_responsibility, link.court_order, link.lives_with_pupil)
    contact = tuple(getattr(link.contact, f) for f in transfers.CONTACT_FIELDS)
    return (link.priority, link.relationship, *flags, *contact)


def make(school, values, statuses, needs, meals, contacts) -> Pupil:
    current = [s for s in statuses if s.ends is None]
    provision = current[0].provision if current else "N"
    primary = [n.need for n in needs if n.ends is None and n.rank == 1]
    pupil = Pupil.objects.create(
        school=school,
        sen_provision=provision,
        primary_need=primary[0] if primary and provision != "N" else "",
        free_school_meals=any(m.ends is None for m in meals),
        **values,
    )
    SenStatus.objects.bulk_create(SenStatus(pupil=pupil, **vars(s)) for s in statuses)
    SenNeed.objects.bulk_create(SenNeed(pupil=pupil, **vars(n)) for n in needs)
    FreeMealsPeriod.objects.bulk_create(FreeMealsPeriod(pupil=pupil, **vars(m)) for m in meals)
    for c in contacts:
        fields = {f: getattr(c, f) for f in transfers.CONTACT_FIELDS}
        if c.lives_with_pupil:
            fields["address"], fields["postcode"] = values["address"], values["postcode"]
        contact = Contact.objects.create(school=school, **fields)
        PupilContact.objects.create(
            pupil=pupil, contact=contact, priority=c.order, relationship=c.relationship,
            parental_responsibility=c.parental_responsibility, court_order=c.court_order,
            lives_with_pupil=c.lives_with_pupil,
        )  # fmt: skip
    return pupil


class RoundTripTests(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.integers(0, 10**6), min_size=1, max_size=3).flatmap(
        lambda seeds: st.tuples(*(pupils(n) for n in range(len(seeds))))))  # fmt: skip
    def test_pupils_exported_and_imported_into_an_empty_school_come_back_the_same(self, drawn):
        sending = School.objects.create(
            name="Sender", urn="970001", la_code="970", establishment_number="1001", phase="primary"
        )
        receiving = School.objects.create(
            name="Receiver",
            urn="970002",
            la_code="970",
            establishment_number="2002",
            phase="primary",
        )
        for values, statuses, needs, meals, contacts in drawn:
            make(sending, values, statuses, needs, meals, contacts)
        transfer = transfers.transfer_of(
            sending,
            Pupil.objects.filter(school=sending),
            Contact.objects.filter(school=sending),
            ctf.Establishment("970", "2002"),
        )
        senco = User.objects.create(username="roundtrip")
        run = services.upload(senco, receiving, "out.xml", ctf.write(transfer))
        services.choose_columns(run, "ctf", {})
        checked = services.check(run.pk)
        assert checked.status == "checked", checked.report
        assert not checked.report["file_warnings"]
        services.apply(run.pk, senco)
        assert snapshot(receiving) == snapshot(sending)
