"""Demo data for Common Transfer Files: the details a CTF carries on every pupil, and a CTF from
a previous school waiting on the imports page, checked and ready for the SENCO to apply."""

import datetime as dt
import random

from faker import Faker

from senco.interop import ctf, services, transfers
from senco.pupils import census
from senco.pupils.models import Pupil

ETHNICITIES = {"WBRI": 0.66, "WOTH": 0.06, "MWBC": 0.04, "APKN": 0.05, "AIND": 0.04,
               "BAFR": 0.05, "BCRB": 0.02, "ABAN": 0.03, "CHNE": 0.01, "WIRI": 0.01,
               "MOTH": 0.03}  # fmt: skip
LANGUAGES = ["POL", "URD", "PAN", "BEN", "ARA", "RUM", "SOM", "POR"]


def add_details(school, seed: int) -> None:
    """Address, ethnicity and first language for each pupil (their own random stream, so the
    rest of the demo is the same with or without them)."""
    rng, fake = random.Random(seed), Faker("en_GB")
    fake.seed_instance(seed)
    pupils = list(Pupil.objects.filter(school=school).order_by("pk"))
    codes, weights = zip(*ETHNICITIES.items(), strict=True)
    # A few hundred homes, shared out: Faker is too slow to call for each of 100,000 pupils.
    homes = [(f"{fake.street_address()}\n{fake.city()}", fake.postcode()) for _ in range(300)]
    for pupil in pupils:
        pupil.address, pupil.postcode = rng.choice(homes)
        pupil.ethnicity = rng.choices(codes, weights)[0]
        pupil.first_language = rng.choice(LANGUAGES) if pupil.eal else "ENG"
    fields = ["address", "postcode", "ethnicity", "first_language"]
    Pupil.objects.bulk_update(pupils, fields, batch_size=2000)


def waiting_transfer(school, senco, seed: int, today: dt.date) -> None:
    """Two pupils arriving mid-year from another school: one on SEN support, one whose SEN
    support ended (the file leaves their needs open, so the check warns)."""
    rng, fake = random.Random(seed), Faker("en_GB")
    fake.seed_instance(seed)
    source = ctf.Establishment("998", "2345", "998000", "Meadowbank Primary School (demo)")
    destination = ctf.Establishment(school.la_code, school.establishment_number, school.urn)
    header = ctf.Header(
        created=f"{today:%Y-%m-%d}T08:15:00",
        supplier="SIMS",
        academic_year=str(today.year if today.month >= 9 else today.year - 1),
        source=source,
        destination=destination,
    )
    histories = [
        ([ctf.Status("K", dt.date(today.year - 3, 11, 14))],
         [ctf.Need("SLCN", 1, dt.date(today.year - 3, 11, 14)),
          ctf.Need("SEMH", 2, dt.date(today.year - 1, 2, 3))]),
        ([ctf.Status("K", dt.date(today.year - 4, 3, 9), dt.date(today.year - 2, 7, 19)),
          ctf.Status("N", dt.date(today.year - 2, 7, 20))],
         [ctf.Need("SPLD", 1, dt.date(today.year - 4, 3, 9))]),
    ]  # fmt: skip
    pupils = []
    for number, (statuses, needs) in enumerate(histories, start=1):
        sex = rng.choice("FM")
        first = fake.first_name_female() if sex == "F" else fake.first_name_male()
        last = fake.last_name()
        body = f"998234{today.year % 100:02d}9{number:03d}"
        year_group = 4 + number
        address = f"{fake.street_address()}\n{fake.city()}"
        pupils.append(
            ctf.Pupil(
                upn=census.upn_check_letter(body) + body,
                legal_first_name=first,
                legal_last_name=last,
                date_of_birth=dt.date(today.year - year_group - 6, rng.randint(9, 12), 14),
                sex=sex,
                year_group=year_group,
                ethnicity="WBRI",
                first_language="ENG",
                medical_flag=False,
                in_care=False,
                meals=[ctf.Meals(dt.date(today.year - 2, 1, 6), None, "ENG")]
                if number == 1
                else [],
                statuses=statuses,
                needs=needs,
                address=address,
                postcode=fake.postcode(),
                contacts=[
                    ctf.Contact(
                        order=1,
                        first_name=fake.first_name_female(),
                        last_name=last,
                        title="Ms",
                        relationship="PAM",
                        parental_responsibility=True,
                        lives_with_pupil=True,
                        mobile_phone=f"07700 900{rng.randint(100, 999)}",
                        email=f"family{number}@example.org",
                    )
                ],
            )
        )
    data = ctf.write(ctf.Transfer(header, pupils))
    run = services.upload(senco, school, transfers.filename(header), data)
    services.choose_columns(run, "ctf", {})
    services.check(run.pk)
