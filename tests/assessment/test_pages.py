"""The assessment pages: types, choosing what to record, and the grid for a whole group."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from senco.assessment.models import AssessmentType, Result
from senco.audit.models import AuditEntry
from senco.pupils import services as pupil_services
from tests import targets
from tests.assessment import helpers

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 1)  # a Saturday: never a demo test day


def grid_url(username: str = "teacher", kind: str = "reading_age", day=DAY) -> str:
    url = reverse("assessment:grid", kwargs=helpers.grid_kwargs(username, kind))
    return f"{url}?date={day.isoformat()}" if day else url


def field(pupil) -> str:
    return f"result-{pupil.public_id}"


def rows(response) -> list:
    return [row["pupil"] for row in response.context["rows"]]


def queries(client, url: str) -> int:
    client.get(url)  # the first request of a session also refreshes its expiry
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_teacher_records_reading_ages_for_their_class(client_for, persona):
    client = client_for("teacher")
    shown = rows(client.get(grid_url()))
    assert shown and all(p.groups.filter(pk=helpers.class_of("teacher").pk) for p in shown)
    first, second = shown[:2]
    response = client.post(grid_url(), {field(first): "8.07", field(second): "9y 2m"})
    assert response.status_code == 302 and response["Location"] == grid_url()
    saved = Result.objects.filter(taken_on=DAY, assessment_type=helpers.assessment_type())
    assert sorted(saved.values_list("months", flat=True)) == [103, 110]
    assert {r.recorded_by for r in saved} == {persona("teacher")}
    page = client.get(grid_url())
    body = page.content.decode()
    assert "Saved: 2 results recorded or corrected for 1 March 2025." in body
    assert page.context["form"][field(first)].value() == "8y 7m"


def test_the_grid_shows_each_pupils_previous_result(client_for):
    client = client_for("senco")
    pupil = rows(client.get(grid_url()))[0]
    earlier = DAY - dt.timedelta(days=120)
    Result.objects.create(
        pupil=pupil, assessment_type=helpers.assessment_type(), taken_on=earlier, months=98
    )
    response = client.get(grid_url())
    row = next(r for r in response.context["rows"] if r["pupil"] == pupil)
    assert row["previous"].display == "8y 2m"
    assert "8y 2m" in response.content.decode()


def test_a_teacher_sees_only_their_pupils_rows(client_for, persona):
    group = helpers.class_of("teacher")
    hidden = group.pupils.order_by("pk")[0]
    pupil_services.set_confidential(
        hidden, confidential=True, people=[persona("senco")], by=persona("senco")
    )
    shown = rows(client_for("teacher").get(grid_url()))
    visible = set(targets.visible("teacher", targets.home_school()))
    assert hidden not in shown and set(shown) <= visible
    assert hidden in rows(client_for("senco").get(grid_url()))


def test_a_teacher_cannot_record_for_a_group_they_do_not_teach(client_for, persona):
    other = helpers.class_of("other_teacher")
    pupil = other.pupils.order_by("pk")[0]
    url = grid_url("other_teacher")
    client = client_for("teacher")
    assert client.get(url).status_code == 404
    response = client.post(url, {field(pupil): "8.07"})
    assert response.status_code == 404
    assert b"Not found, or you do not have access" in response.content
    assert not Result.objects.filter(pupil=pupil, taken_on=DAY).exists()
    assert AuditEntry.objects.filter(actor_id=persona("teacher").pk, kind="refused").exists()


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("reading_age", "8.13", "months go from 0 to 11; write 8.11 or 9.01"),
        ("reading_age", "8y 7", "such as 8.07 or 8y 7m"),
        ("standardised", "170", "scores go from 40 to 160"),
        ("ks_scaled", "79", "scores go from 80 to 120"),
        ("raw", "41", "scores go from 0 to 40"),
        ("judgement", "Secur", "not on this scale; write one of Working towards, Expected or"),
        ("pre_key_stage", "Standard 7", "not on this scale"),
        ("reading_age", "x" * 5000, "This is 5000 characters long"),
        ("reading_age", "<script>alert(1)</script>", "such as 8.07"),
        ("standardised", "'; DROP TABLE assessment_result; --", "write a number"),
        ("engagement", "\u202eSecure", "not on this scale"),
        ("engagement", "Sec\x00ure", "Null characters are not allowed"),
    ],
)
def test_a_bad_result_is_shown_on_its_row_and_nothing_is_saved(client_for, kind, text, message):
    client = client_for("teacher")
    url = grid_url(kind=kind)
    good, bad = rows(client.get(url))[:2]
    good_value = {"reading_age": "8.07", "standardised": "100", "ks_scaled": "100", "raw": "20"}
    good_value |= {k: helpers.assessment_type(k).scale[0] for k in ("judgement", "engagement")}
    good_value["pre_key_stage"] = "Standard 2"
    response = client.post(url, {field(good): good_value[kind], field(bad): text})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Nothing was saved" in body
    assert message in body
    assert f'href="#id_{field(bad)}"' in body  # the summary links to the row's box
    assert f'id="id_{field(bad)}"' in body and f'aria-describedby="id_{field(bad)}-error' in body
    assert "<script>alert(1)</script>" not in body
    assert not Result.objects.filter(taken_on=DAY).exists()


def test_a_date_in_the_future_is_refused_and_nothing_saved(client_for, today):
    client = client_for("teacher")
    future = today + dt.timedelta(days=30)
    url = grid_url(day=future)
    pupil = rows(client.get(url))[0]
    assert "is in the future" in client.get(url).content.decode()
    response = client.post(url, {field(pupil): "8.07"})
    assert response.status_code == 200
    assert "is in the future" in response.content.decode()
    assert not Result.objects.filter(taken_on=future).exists()


def test_an_unreadable_date_is_refused(client_for):
    url = grid_url(day=None) + "?date=31/02/2025"
    response = client_for("teacher").post(url, {})
    assert "The date could not be read" in response.content.decode()


def test_emptying_a_saved_result_is_refused_rather_than_ignored(client_for):
    client = client_for("teacher")
    first, second = rows(client.get(grid_url()))[:2]
    Result.objects.create(
        pupil=first, assessment_type=helpers.assessment_type(), taken_on=DAY, months=103
    )
    assert client.get(grid_url()).context["form"][field(first)].value() == "8y 7m"
    response = client.post(grid_url(), {field(first): "", field(second): "9.01"})
    assert "an empty box does not remove it" in response.content.decode()
    assert Result.objects.get(pupil=first, taken_on=DAY).months == 103
    assert not Result.objects.filter(pupil=second, taken_on=DAY).exists()


def test_an_empty_grid_saves_nothing_and_says_so(client_for):
    response = client_for("teacher").post(grid_url(), {})
    assert "Nothing to save: type a result for at least one pupil." in response.content.decode()


def test_reading_the_grid_is_one_list_read_naming_its_pupils(client_for, persona):
    response = client_for("ta").get(grid_url())
    entry = AuditEntry.objects.filter(action="assessment.results_listed").latest("pk")
    assert entry.actor_id == persona("ta").pk
    assert entry.pupil_ids == [p.pk for p in rows(response)]


def test_the_grid_costs_the_same_queries_at_2_and_20_pupils(client_for):
    group = helpers.class_of("teacher")
    pupils = list(targets.visible("senco", targets.home_school()).on_roll().order_by("pk")[:20])
    reading = helpers.assessment_type()
    Result.objects.bulk_create(
        Result(pupil=p, assessment_type=reading, taken_on=DAY - dt.timedelta(days=d), months=100)
        for p in pupils
        for d in (0, 100)
    )
    client = client_for("senco")
    group.pupils.set(pupils[:2])
    small = queries(client, grid_url())
    group.pupils.set(pupils)
    assert queries(client, grid_url()) == small
    assert len(rows(client.get(grid_url()))) == 20


def test_choosing_an_assessment_date_and_group_opens_the_grid(client_for):
    reading, group = helpers.assessment_type(), helpers.class_of("teacher")
    response = client_for("teacher").get(
        reverse("assessment:record"),
        {"assessment_type": reading.public_id, "taken_on": "01/03/2025", "group": group.public_id},
    )
    assert response.status_code == 302 and response["Location"] == grid_url()


def test_the_choice_offers_only_the_teachers_groups_and_no_future_date(client_for, today):
    client = client_for("teacher")
    form = client.get(reverse("assessment:record")).context["form"]
    assert list(form.fields["group"].queryset) == [helpers.class_of("teacher")]
    response = client.get(
        reverse("assessment:record"),
        {
            "assessment_type": helpers.assessment_type().public_id,
            "taken_on": (today + dt.timedelta(days=1)).isoformat(),
            "group": helpers.class_of("other_teacher").public_id,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "is in the future" in body
    assert "Select a valid choice" in body
    assert 'href="#id_group"' in body and 'href="#id_taken_on"' in body


def test_the_grids_change_link_starts_the_choice_from_it(client_for):
    client = client_for("teacher")
    link = client.get(grid_url()).context["choose_url"]
    response = client.get(link)
    assert response.status_code == 200 and not response.context["form"].is_bound
    assert f'value="{helpers.class_of("teacher").public_id}" selected' in response.content.decode()


def test_the_senco_adds_and_changes_an_assessment_type(client_for):
    client = client_for("senco")
    assert "Add an assessment type" in client.get(reverse("assessment:types")).content.decode()
    response = client.post(
        reverse("assessment:type_create"),
        {"name": "York Assessment of Reading (YARC)", "kind": "standardised", "mean": "100",
         "sd": "15", "reliability": "0.88", "scale": ""},
    )  # fmt: skip
    assert response.status_code == 302
    made = AssessmentType.objects.get(name="York Assessment of Reading (YARC)")
    assert str(made.reliability) == "0.880"
    response = client.post(
        reverse("assessment:type_change", args=[made.public_id]),
        {"name": "YARC", "mean": "100", "sd": "15", "reliability": "0.9"},
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.name, str(made.reliability), made.kind) == ("YARC", "0.900", "standardised")


def test_a_bad_assessment_type_is_refused_on_the_form(client_for):
    response = client_for("senco").post(
        reverse("assessment:type_create"), {"name": "Phonics", "kind": "raw", "maximum": ""}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "Give the highest mark" in body and 'href="#id_maximum"' in body


def test_a_teacher_sees_the_types_but_cannot_add_one(client_for):
    body = client_for("teacher").get(reverse("assessment:types")).content.decode()
    assert "Salford reading age" in body and "Record results" in body
    assert "Add an assessment type" not in body


def test_the_navigation_offers_assessment_to_those_who_record(client_for):
    assert b">Assessment</a>" in client_for("ta").get("/").content
    assert b">Assessment</a>" not in client_for("parent").get("/").content


def test_the_pupil_record_lists_results_newest_first(client_for):
    pupil = targets.taught_pupil()
    reading, judgement = helpers.assessment_type(), helpers.assessment_type("judgement")
    Result.objects.create(pupil=pupil, assessment_type=reading, taken_on=DAY, months=103)
    Result.objects.create(
        pupil=pupil, assessment_type=judgement, taken_on=DAY - dt.timedelta(days=400),
        label="Expected",
    )  # fmt: skip
    response = client_for("teacher").get(reverse("pupils:detail", args=[pupil.public_id]))
    body = response.content.decode()
    section = body.split('id="results-title"')[1].split("</section>")[0]
    dates = [m for m in re.findall(r"<td>(\d{1,2} \w{3} \d{4})</td>", section)]
    assert dates == sorted(dates, key=lambda d: dt.datetime.strptime(d, "%d %b %Y"), reverse=True)
    assert "8y 7m" in section and "Expected" in section
    assert pupil.full_name not in body.split("<title>")[1].split("</title>")[0]


def test_the_pupil_record_costs_the_same_queries_with_2_or_20_results(client_for):
    pupil = targets.taught_pupil()
    url = reverse("pupils:detail", args=[pupil.public_id])
    reading = helpers.assessment_type()
    client = client_for("senco")
    Result.objects.filter(pupil=pupil).delete()
    Result.objects.bulk_create(
        Result(pupil=pupil, assessment_type=reading, taken_on=DAY - dt.timedelta(days=d), months=99)
        for d in range(2)
    )
    small = queries(client, url)
    Result.objects.bulk_create(
        Result(pupil=pupil, assessment_type=reading, taken_on=DAY - dt.timedelta(days=d), months=99)
        for d in range(2, 20)
    )
    assert queries(client, url) == small


def test_a_teachers_results_download_holds_only_their_pupils_and_no_live_formula(client_for):
    import csv
    import io

    from senco import access as gate
    from senco.accounts.models import User
    from senco.assessment.models import AssessmentType, Result
    from tests import targets

    school = targets.home_school()
    reading = AssessmentType.objects.filter(school=school, kind="reading_age").first()
    response = client_for("teacher").get(f"/assessment/types/{reading.public_id}/results.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["UPN", "Legal first name", "Legal last name"]
    theirs = set(
        gate.pupils_visible_to(User.objects.get(username="teacher"), school).values_list(
            "upn", flat=True
        )
    )
    assert {r[0] for r in rows[1:]} <= theirs
    assert (
        len(rows) - 1
        == Result.objects.filter(assessment_type=reading, pupil__upn__in=theirs).count()
    )
    assert all(not cell.startswith("=") for row in rows for cell in row)
