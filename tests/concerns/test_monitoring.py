"""The monitoring list, kept apart from the register: reviews, ending, and bad dates."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from senco.audit.models import AuditEntry
from senco.concerns import services
from senco.concerns.models import Monitoring, MonitoringReview
from senco.pupils.models import Pupil
from tests import targets
from tests.concerns import helpers
from tests.concerns.helpers import days

pytestmark = pytest.mark.django_db
LIST = "/concerns/monitoring/"


def entry_url(monitoring) -> str:
    return reverse("concerns:monitoring_entry", kwargs={"public_id": monitoring.public_id})


def fresh_list(count: int) -> list[Monitoring]:
    """Only `count` pupils on the home school's monitoring list."""
    school = targets.home_school()
    Monitoring.objects.filter(pupil__school=school).delete()
    pupils = Pupil.objects.filter(school=school, sen_provision="N").order_by("pk")[:count]
    return [
        Monitoring.objects.create(pupil=p, starts=days(-70), reason="r", review_on=days(-3))
        for p in pupils
    ]


def test_the_demo_has_pupils_on_the_monitoring_list_none_of_them_on_the_register():
    school = targets.home_school()
    listed = Monitoring.objects.open().filter(pupil__school=school)
    assert 6 <= listed.count() <= 10
    assert not listed.exclude(pupil__sen_provision="N").exists()
    assert MonitoringReview.objects.filter(monitoring__in=listed).exists()


def test_the_list_shows_weeks_on_it_reviews_so_far_and_an_overdue_review_in_words(client_for):
    (monitoring,) = fresh_list(1)
    MonitoringReview.objects.create(
        monitoring=monitoring, reviewed_on=days(-30), notes="n", next_review_on=days(-3)
    )
    response = client_for("senco").get(LIST)
    row = response.context["page"].object_list[0]
    assert row.weeks_on_list == 10 and row.cycles == 1
    assert "<strong>Overdue:</strong> was due" in response.content.decode()


def test_the_list_is_one_audit_entry_naming_its_pupils(client_for):
    listed = fresh_list(3)
    client_for("head").get(LIST)
    entry = AuditEntry.objects.filter(action="monitoring.listed").latest("pk")
    assert sorted(entry.pupil_ids) == sorted(m.pupil_id for m in listed)


def test_pupils_who_left_the_monitoring_list_are_not_on_it(client_for, persona):
    first, second = fresh_list(2)
    services.end_monitoring(first, by=persona("senco"), ends=days(0), outcome="Resolved")
    shown = client_for("senco").get(LIST).context["page"].object_list
    assert [m.pk for m in shown] == [second.pk]


def queries(client) -> int:
    client.get(LIST)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST).status_code == 200
    return len(captured)


def test_the_list_makes_as_many_queries_for_20_pupils_as_for_2(client_for):
    fresh_list(2)
    client = client_for("senco")
    few = queries(client)
    fresh_list(20)
    assert queries(client) == few


def test_the_senco_records_a_review_and_the_next_review_date_moves(client_for):
    monitoring = helpers.open_monitoring()
    before = monitoring.reviews.count()
    response = client_for("senco").post(
        entry_url(monitoring),
        {
            "step": "review",
            "review-reviewed_on": days(0).isoformat(),
            "review-notes": "Reading age up six months.",
            "review-next_review_on": days(42).isoformat(),
        },
    )
    assert response.status_code == 302
    monitoring.refresh_from_db()
    assert monitoring.reviews.count() == before + 1 and monitoring.review_on == days(42)
    assert AuditEntry.objects.filter(action="monitoring.reviewed", pupil_id=monitoring.pupil_id)


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        ("end", {"ends": "2001-01-01", "outcome": "Resolved"}, "is before the monitoring started"),
        ("end", {"ends": "__future__", "outcome": "Resolved"}, "is in the future"),
        ("end", {"ends": "__today__", "outcome": ""}, "Say why the monitoring ends"),
        ("end", {"ends": "yesterday", "outcome": "Resolved"}, "Enter a valid date"),
        (
            "review",
            {"reviewed_on": "__today__", "notes": "n", "next_review_on": "2001-01-01"},
            "The next review must come after this one",
        ),
        (
            "review",
            {"reviewed_on": "__future__", "notes": "n", "next_review_on": "__future__"},
            "is in the future",
        ),
        (
            "review",
            {"reviewed_on": "__today__", "notes": "", "next_review_on": "__future__"},
            "Say what was seen at the review",
        ),
    ],
)
def test_bad_dates_and_missing_words_are_refused_and_nothing_changes(
    client_for, step, data, message
):
    monitoring = helpers.open_monitoring()
    reviews = monitoring.reviews.count()
    words = {"__today__": days(0).isoformat(), "__future__": days(20).isoformat()}
    posted = {f"{step}-{k}": words.get(v, v) for k, v in data.items()}
    response = client_for("senco").post(entry_url(monitoring), {"step": step, **posted})
    assert response.status_code == 200
    assert message in response.content.decode()
    reloaded = Monitoring.objects.get(pk=monitoring.pk)
    assert reloaded.ends is None and reloaded.review_on == monitoring.review_on
    assert reloaded.reviews.count() == reviews


def test_an_end_date_before_the_start_gives_a_clear_message(persona):
    monitoring = helpers.open_monitoring()
    with pytest.raises(services.ValidationError) as refused:
        services.end_monitoring(
            monitoring,
            by=persona("senco"),
            ends=monitoring.starts - dt.timedelta(days=1),
            outcome="Resolved",
        )
    assert "before the monitoring started" in str(refused.value)


def test_the_senco_ends_the_monitoring_and_the_pupil_leaves_the_list(client_for):
    monitoring = helpers.open_monitoring()
    response = client_for("senco").post(
        entry_url(monitoring),
        {"step": "end", "end-ends": days(0).isoformat(), "end-outcome": "Concern resolved"},
    )
    assert response.status_code == 302
    monitoring.refresh_from_db()
    assert monitoring.ends == days(0) and monitoring.outcome == "Concern resolved"
    assert AuditEntry.objects.filter(action="monitoring.ended", pupil_id=monitoring.pupil_id)
    listed = client_for("senco").get(LIST).context["page"].object_list
    assert monitoring.pk not in [m.pk for m in listed]
    again = client_for("senco").post(
        entry_url(monitoring),
        {"step": "end", "end-ends": days(0).isoformat(), "end-outcome": "Again"},
    )
    assert "nothing more can be recorded" in again.content.decode()


def test_the_head_reads_an_entry_but_may_not_change_it(client_for):
    monitoring = helpers.open_monitoring()
    assert client_for("head").get(entry_url(monitoring)).status_code == 200
    response = client_for("head").post(
        entry_url(monitoring),
        {"step": "end", "end-ends": days(0).isoformat(), "end-outcome": "x"},
    )
    assert response.status_code == 403
    assert Monitoring.objects.get(pk=monitoring.pk).ends is None


def test_teachers_and_other_schools_get_404_for_an_entry(client_for):
    monitoring = helpers.open_monitoring()
    for username in ("teacher", "ta", "parent", "governor", "other_senco"):
        assert client_for(username).get(entry_url(monitoring)).status_code == 404, username


def test_moving_a_monitored_pupil_onto_the_register_by_the_form_ends_the_monitoring(client_for):
    monitoring = helpers.open_monitoring()
    pupil = monitoring.pupil
    response = client_for("senco").post(
        reverse("pupils:register_change", args=[pupil.public_id]),
        {"provision": "K", "need_1": "SPLD", "starts": helpers.days(0).isoformat()},
    )
    assert response.status_code == 302
    monitoring.refresh_from_db()
    assert monitoring.ends == max(monitoring.starts, helpers.days(-1))
    assert monitoring.outcome == "Added to the SEN register."
