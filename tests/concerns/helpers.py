"""Records the concerns tests ask for, found in the demo or made on the spot."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from senco.accounts.models import User
from senco.concerns import services
from senco.concerns.models import Concern, Monitoring
from senco.pupils.models import Pupil
from senco.pupils.uploads import Document
from tests import targets

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def user(username: str) -> User:
    return User.objects.get(username=username)


def pdf(name: str = "reading-record.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def document(name: str = "reading-record.pdf") -> Document:
    return Document(filename=name, kind="pdf", data=PDF)


def without_concern(username: str = "teacher") -> Pupil:
    """A pupil with no SEN whom `username` teaches, with no concern raised yet."""
    school = targets.home_school()
    pupils = targets.visible(username, school).filter(sen_provision="N", left_on__isnull=True)
    return pupils.exclude(concerns__isnull=False).order_by("pk")[0]


def not_taught() -> Pupil:
    """A pupil with no SEN that no teacher persona teaches and no parent persona has."""
    school = targets.home_school()
    pupils = Pupil.objects.filter(school=school, sen_provision="N", left_on__isnull=True)
    for username in ("teacher", "ta", "other_teacher", "parent", "other_parent"):
        pupils = pupils.exclude(pk__in=targets.visible(username, school))
    return pupils.exclude(concerns__isnull=False).order_by("pk")[0]


def raise_about(pupil: Pupil, username: str = "teacher", **fields) -> Concern:
    fields.setdefault("seen", "Finds it hard to follow spoken instructions.")
    return services.raise_concern(pupil, by=user(username), **fields)


def teachers_concern() -> Concern:
    """An open concern `teacher` raised about a pupil they teach."""
    found = (
        Concern.objects.filter(raised_by__username="teacher", decision="")
        .filter(pupil__in=targets.visible("teacher", targets.home_school()))
        .order_by("pk")
        .first()
    )
    return found or raise_about(without_concern())


def with_attachment() -> Concern:
    return raise_about(without_concern(), area="CL", documents=[document()])


def elsewhere_concern() -> Concern:
    """A concern in the second school, raised by its SENCO."""
    return raise_about(targets.pupil_elsewhere(), "other_senco")


def open_monitoring(school=None) -> Monitoring:
    school = school or targets.home_school()
    found = Monitoring.objects.open().filter(pupil__school=school).order_by("pk").first()
    if found:
        return found
    pupil = Pupil.objects.filter(school=school, sen_provision="N").order_by("pk")[0]
    return Monitoring.objects.create(
        pupil=pupil,
        starts=targets.in_days(-30),
        reason="Watching reading progress.",
        review_on=targets.in_days(7),
    )


def triage_data(**overrides) -> dict:
    """A complete decision to start SEN support with SLCN, parents told today."""
    data = {
        "decision": "support",
        "reasons": "Speech assessment in school shows needs well below age; support needed.",
        "starts": targets.in_days(0).isoformat(),
        "need_1": "SLCN",
        "need_2": "",
        "parents_told": "meeting",
        "parents_told_on": targets.in_days(0).isoformat(),
        "agency": "",
        "review_on": "",
    }
    data.update(overrides)
    return data


def days(n: int) -> dt.date:
    return targets.in_days(n)
