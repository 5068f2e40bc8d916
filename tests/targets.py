"""The records the permission matrix and page tests ask for, chosen by relationship."""

import datetime as dt

from senco import access
from senco.accounts.models import Invitation, User
from senco.pupils.models import Contact, Pupil
from senco.schools.models import School


def visible(username: str, school: School):
    return access.pupils_visible_to(User.objects.get(username=username), school)


def home_school() -> School:
    return School.objects.get(urn="990000")


def other_school() -> School:
    return School.objects.get(urn="990001")


def taught_pupil() -> Pupil:
    """On the register, in the class `teacher` teaches and `ta` supports; nobody's child here."""
    school = home_school()
    pupils = visible("teacher", school).filter(sen_provision__in=["K", "E"])
    pupils = pupils.exclude(pk__in=visible("parent", school)).exclude(
        pk__in=visible("other_teacher", school)
    )
    return pupils.order_by("pk")[0]


def parents_child() -> Pupil:
    """A child of `parent` whom no teacher persona teaches."""
    school = home_school()
    children = visible("parent", school).order_by("pk")
    for teacher in ("teacher", "other_teacher", "ta"):
        children = children.exclude(pk__in=visible(teacher, school))
    return children[0]


def pupil_elsewhere() -> Pupil:
    return Pupil.objects.filter(school=other_school(), left_on__isnull=True).order_by("pk")[0]


def waiting_invitation() -> Invitation:
    return Invitation.objects.filter(membership__school=home_school()).order_by("pk")[0]


def contact_without_account() -> Contact:
    """A parent of `taught_pupil` with an email address and no account yet."""
    contact = Contact.objects.filter(
        pupil_links__pupil=taught_pupil(),
        pupil_links__parental_responsibility=True,
        pupil_links__court_order=False,
        user__isnull=True,
    )[0]
    contact.email = "carer@demo.example.org"
    contact.save(update_fields=["email"])
    return contact


def in_days(days: int) -> dt.date:
    return access.today() + dt.timedelta(days=days)


def an_import():
    """A file the home school's SENCO uploaded."""
    from senco.interop import services

    senco = User.objects.get(username="senco")
    return services.upload(senco, home_school(), "pupils.csv", b"UPN,Surname\nA1,Smith\n")


def pupil_with_photo() -> Pupil:
    """`taught_pupil`, with a photo."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    pupil = taught_pupil()
    out = io.BytesIO()
    Image.new("RGB", (60, 80), (90, 120, 200)).save(out, "JPEG")
    pupil.photo.save("photo.jpg", ContentFile(out.getvalue()))
    return pupil
