"""Pupil photos from a ZIP named by UPN: checked, made small and plain, served with access."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from senco.audit.models import AuditEntry
from senco.interop import services
from tests import targets

pytestmark = pytest.mark.django_db


def picture(fmt="JPEG", size=(900, 1200), exif=True) -> bytes:
    image = Image.new("RGB", size, (200, 120, 90))
    out = io.BytesIO()
    if exif and fmt == "JPEG":
        data = image.getexif()
        data[0x010E] = "secret description"
        image.save(out, fmt, exif=data)
    else:
        image.save(out, fmt)
    return out.getvalue()


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def upload(persona, data: bytes):
    run = services.upload(persona("senco"), targets.home_school(), "photos.zip", data)
    services.choose_columns(run, run.kind, {})
    return services.check(run.pk)


def test_photos_named_by_upn_are_imported_small_and_without_hidden_data(persona, client_for):
    pupil = targets.taught_pupil()
    run = upload(persona, zipped({f"{pupil.upn}.jpg": picture()}))
    assert run.kind == "photos" and run.report["counts"]["create"] == 1
    services.apply(run.pk, persona("senco"))
    pupil.refresh_from_db()
    with Image.open(pupil.photo.open("rb")) as stored:
        assert max(stored.size) == 400 and not stored.getexif()
    response = client_for("senco").get(f"/pupils/{pupil.public_id}/photo/")
    assert (
        response["Content-Type"] == "image/jpeg"
        and response["Cache-Control"] == "private, no-store"
    )
    assert AuditEntry.objects.filter(action="pupil.photo_viewed", pupil_id=pupil.pk).exists()
    again = upload(persona, zipped({f"{pupil.upn}.jpg": picture()}))
    assert again.report["counts"]["same"] == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("Z000000000000.jpg", picture(), "no pupil has the UPN"),
        ("{upn}.jpg", b"not a picture at all", "picture that can be read"),
        ("{upn}.gif", b"GIF89a", "only JPEG and PNG"),
        ("{upn}.png", picture("GIF", exif=False), "not a JPEG or PNG picture"),
        ("{upn}.png", picture("PNG", size=(6000, 6000), exif=False), "a photo needs far fewer"),
    ],
)
def test_a_photo_that_cannot_be_used_is_refused_by_name(persona, name, data, message):
    pupil, other = targets.taught_pupil(), targets.parents_child()
    files = {name.format(upn=pupil.upn): data, f"{other.upn}.png": picture("PNG")}
    run = upload(persona, zipped(files))
    assert run.status == "refused"
    assert message in " ".join(m for r in run.report["rows"] for m in r["messages"])
    other.refresh_from_db()
    assert not other.photo  # the good photo waits for the file to be corrected


def test_a_pupil_you_may_not_see_has_no_photo_for_you(persona, client_for):
    pupil = targets.pupil_with_photo()
    assert client_for("parent").get(f"/pupils/{pupil.public_id}/photo/").status_code == 404
    assert client_for("teacher").get(f"/pupils/{pupil.public_id}/photo/").status_code == 200


def test_choosing_photos_for_a_spreadsheet_is_refused_whole(persona):
    run = services.upload(persona("senco"), targets.home_school(), "p.csv", b"UPN,x\nA,1\n")
    services.choose_columns(run, "photos", {})
    run = services.check(run.pk)
    assert (
        run.status == "refused"
        and "not one Pupil photos can read" in run.report["file_warnings"][0]
    )


def test_the_upload_page_takes_a_zip_of_photos(client_for):
    pupil = targets.taught_pupil()
    data = zipped({f"{pupil.upn}.jpg": picture()})
    response = client_for("senco").post("/imports/", {"file": SimpleUploadedFile("p.zip", data)})
    assert response.status_code == 302
