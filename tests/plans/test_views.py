"""The plan pages as their users use them: the SENCO writes, changes and reviews a plan, a TA
records notes, a parent adds a view; and each bad input is refused with nothing changed."""

import datetime as dt

import pytest
from django.urls import reverse

from senco.audit.models import AuditEntry
from senco.plans import services
from senco.plans.models import Cycle, CycleVersion, Note, Outcome, Plan
from tests import targets
from tests.plans import helpers
from tests.queries import queries_for

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def plan_url(pupil, name="detail", **kwargs) -> str:
    return reverse(f"pupils:plans:{name}", kwargs={"public_id": pupil.public_id, **kwargs})


def cycle_url(cycle, name: str) -> str:
    return plan_url(cycle.plan.pupil, name, cycle_id=cycle.public_id)


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "10",
    }


def start_data(outcomes: list[tuple[str, str, str]], **extra) -> dict:
    data = {
        "starts": TODAY.isoformat(),
        "review_on": (TODAY + dt.timedelta(weeks=12)).isoformat(),
        "observations": "Struggles to blend sounds; parents see the same at home.",
        "strategies": "Pre-teach new words\nChunk instructions",
        **management("outcomes", len(outcomes)),
        **management("provision", 1),
        "provision-0-what": "Phonics catch-up",
        "provision-0-who": "TA",
        "provision-0-how_often": "15 minutes, four times a week",
    }
    for n, (text, area, measure) in enumerate(outcomes):
        data |= {
            f"outcomes-{n}-text": text,
            f"outcomes-{n}-area": area,
            f"outcomes-{n}-measure": measure,
        }
    return data | extra


THREE = [
    ("Blends CVC words", "CL", "Reads 18 of 20 CVC words"),
    ("Joins in group talk", "CI", "Speaks twice in each group session"),
    ("Calms down with the quiet box", "SEMH", "Uses it without a prompt, 4 of 5 times"),
]


def test_the_senco_writes_a_plan_with_three_outcomes(client_for):
    pupil = helpers.without_plan()
    client = client_for("senco")
    page = client.get(plan_url(pupil, "start"))
    assert page.status_code == 200
    assert b"Write " in page.content
    response = client.post(plan_url(pupil, "start"), start_data(THREE))
    assert response.status_code == 302
    plan = Plan.objects.get(pupil=pupil, ends__isnull=True)
    cycle = plan.cycles.get()
    assert [o.text for o in cycle.outcomes.all()] == [t for t, _, _ in THREE]
    assert cycle.provision_items.get().how_often == "15 minutes, four times a week"
    pupil.refresh_from_db()
    assert pupil.review_on == cycle.review_on
    shown = client.get(plan_url(pupil))
    assert b"Calms down with the quiet box" in shown.content
    assert AuditEntry.objects.filter(action="plan.started", pupil_id=pupil.pk).exists()
    assert AuditEntry.objects.filter(action="plan.viewed", pupil_id=pupil.pk).exists()


@pytest.mark.parametrize(
    ("outcomes", "message"),
    [
        ([("Blends CVC words", "CL", "")], b"Give a success measure"),
        ([("", "CL", "Reads 18 of 20")], b"Say what the pupil will achieve"),
        ([("Blends CVC words", "", "Reads 18 of 20")], b"Choose the area of need"),
        ([], b"Give at least one outcome"),
        ([("x" * 1001, "CL", "Reads 18 of 20")], b"1000 characters or fewer"),
        ([("Blends", "XX", "Reads 18 of 20")], b"Select a valid choice"),
    ],
)
def test_a_plan_with_a_bad_outcome_is_refused_and_nothing_is_saved(client_for, outcomes, message):
    pupil = helpers.without_plan()
    before = (Plan.objects.count(), Outcome.objects.count())
    response = client_for("senco").post(plan_url(pupil, "start"), start_data(outcomes))
    assert response.status_code == 200
    assert message in response.content
    assert b"There is a problem" in response.content
    assert (Plan.objects.count(), Outcome.objects.count()) == before


def test_bad_dates_and_hostile_text_are_refused_or_escaped(client_for):
    pupil = helpers.without_plan()
    client = client_for("senco")
    response = client.post(plan_url(pupil, "start"), start_data(THREE, review_on=TODAY.isoformat()))
    assert b"must come after the start" in response.content
    response = client.post(plan_url(pupil, "start"), start_data(THREE, review_on="31/02/2027"))
    assert b"as a date" in response.content
    assert not Plan.objects.filter(pupil=pupil, ends__isnull=True).exists()
    hostile = [("<script>alert(1)</script>", "CL", "<b>bold</b>")]
    assert client.post(plan_url(pupil, "start"), start_data(hostile)).status_code == 302
    shown = client.get(plan_url(pupil)).content
    assert b"<script>alert(1)</script>" not in shown
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in shown


def test_a_pupil_not_on_the_register_gets_no_plan(client_for):
    pupil = targets.visible("senco", targets.home_school()).filter(sen_provision="N")[0]
    before = pupil.plans.count()
    response = client_for("senco").post(plan_url(pupil, "start"), start_data(THREE), follow=True)
    assert b"is not on the SEN register" in response.content
    assert pupil.plans.count() == before


def test_a_ta_records_a_note_against_an_outcome(client_for):
    pupil = targets.taught_pupil()
    cycle = helpers.open_cycle(pupil)
    outcome = cycle.outcomes.first()
    client = client_for("ta")
    page = client.get(plan_url(pupil))
    assert b"Save the note" in page.content
    response = client.post(
        cycle_url(cycle, "note"),
        {"outcome": outcome.pk, "written_on": TODAY.isoformat(), "text": "Read 17 of 20 words."},
    )
    assert response.status_code == 302
    note = Note.objects.get(cycle=cycle, text="Read 17 of 20 words.")
    assert note.outcome == outcome
    assert note.written_by.username == "ta"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, b"Say what you saw"),
        ({"text": "x" * 3001}, b"3000 characters or fewer"),
        ({"written_on": "2999-01-01"}, b"is in the future"),
        ({"written_on": "2001-01-01"}, b"before this cycle started"),
        ({"outcome": "999999999"}, b"Select a valid choice"),
    ],
)
def test_a_bad_note_is_refused(client_for, data, message):
    pupil = targets.taught_pupil()
    cycle = helpers.open_cycle(pupil)
    before = Note.objects.count()
    response = client_for("ta").post(
        cycle_url(cycle, "note"), {"written_on": TODAY.isoformat(), "text": "Fine."} | data
    )
    assert response.status_code == 200
    assert message in response.content
    assert Note.objects.count() == before


def test_a_parent_adds_their_view_and_cannot_for_another_child(client_for):
    child = targets.parents_child()
    cycle = helpers.open_cycle(child)
    client = client_for("parent")
    page = client.get(plan_url(child))
    assert b"Your view before the review" in page.content
    assert b"Save the note" not in page.content
    response = client.post(cycle_url(cycle, "parent_view"), {"parent_view": "Reading at home."})
    assert response.status_code == 302
    assert cycle.parent_views.get(written_by__username="parent").text == "Reading at home."
    other = helpers.open_cycle(targets.taught_pupil())
    response = client.post(cycle_url(other, "parent_view"), {"parent_view": "Not my child."})
    assert response.status_code == 404
    assert not other.parent_views.exists()
    # Another pupil's cycle under their own child's address is not found either.
    mixed = plan_url(child, "parent_view", cycle_id=other.public_id)
    assert client.post(mixed, {"parent_view": "Sneaky."}).status_code == 404


def test_an_empty_parent_view_is_refused(client_for):
    child = targets.parents_child()
    cycle = helpers.open_cycle(child)
    response = client_for("parent").post(cycle_url(cycle, "parent_view"), {"parent_view": " "})
    assert b"Write your view before sending it" in response.content


def review_data(cycle: Cycle, **extra) -> dict:
    data = {
        "reviewed_on": TODAY.isoformat(),
        "pupil_view": "I like the reading games.",
        "parent_view": "Reading more at home.",
        "decision": "change",
        "notes": "Two outcomes met; a new one for writing.",
        "next_review_on": (TODAY + dt.timedelta(weeks=12)).isoformat(),
        "version": str(cycle.version),
    }
    for outcome in cycle.outcomes.all():
        data[f"progress_{outcome.pk}"] = "good"
        data[f"evidence_{outcome.pk}"] = f"Evidence for {outcome.position}"
    return data | extra


def test_the_senco_reviews_a_cycle_and_the_next_starts_as_a_copy(client_for):
    pupil = targets.taught_pupil()
    cycle = helpers.open_cycle(pupil)
    first_version = cycle.versions.order_by("number").first().snapshot
    client = client_for("senco")
    assert client.get(cycle_url(cycle, "review")).status_code == 200
    response = client.post(cycle_url(cycle, "review"), review_data(cycle))
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.is_locked and cycle.decision == "change"
    following = services.current_cycle(cycle.plan)
    assert following.number == cycle.number + 1 and not following.is_locked
    assert [o.text for o in following.outcomes.all()] == [o.text for o in cycle.outcomes.all()]
    # The earlier cycle is unchanged in the history.
    assert cycle.versions.order_by("number").first().snapshot == first_version
    kept = client.get(cycle_url(cycle, "cycle"))
    assert b"Reviewed on" in kept.content and b"Good progress" in kept.content
    version = client.get(plan_url(pupil, "version", cycle_id=cycle.public_id, number=cycle.version))
    assert version.status_code == 200 and b"Two outcomes met" in version.content


def test_a_review_of_a_locked_cycle_changes_nothing(client_for):
    pupil = targets.taught_pupil()
    reviewed = helpers.reviewed_cycle(pupil)
    before = reviewed.version
    client = client_for("senco")
    response = client.post(cycle_url(reviewed, "review"), review_data(reviewed), follow=True)
    assert b"is locked: nothing was changed" in response.content
    reviewed.refresh_from_db()
    assert reviewed.version == before
    assert client.post(cycle_url(reviewed, "edit"), {}, follow=True).status_code == 200
    assert Cycle.objects.filter(plan=reviewed.plan).count() == reviewed.number + 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"decision": ""}, b"Choose the decision of the review"),
        ({"notes": ""}, b"Say what was agreed at the review"),
        ({"reviewed_on": "2999-01-01"}, b"is in the future"),
        ({"next_review_on": "2001-01-01"}, b"The next review must come after this one"),
        ({"pupil_view": "x" * 3001}, b"3000 characters or fewer"),
    ],
)
def test_a_bad_review_is_refused(client_for, extra, message):
    pupil = targets.taught_pupil()
    cycle = helpers.open_cycle(pupil)
    response = client_for("senco").post(cycle_url(cycle, "review"), review_data(cycle, **extra))
    assert response.status_code == 200
    assert message in response.content
    cycle.refresh_from_db()
    assert not cycle.is_locked


def test_a_review_missing_an_outcomes_progress_is_refused(client_for):
    pupil = targets.taught_pupil()
    cycle = helpers.open_cycle(pupil)
    data = review_data(cycle)
    first = cycle.outcomes.first()
    del data[f"progress_{first.pk}"]
    response = client_for("senco").post(cycle_url(cycle, "review"), data)
    assert f"Choose the progress on outcome {first.position}".encode() in response.content
    cycle.refresh_from_db()
    assert not cycle.is_locked


def edit_data(cycle: Cycle, **extra) -> dict:
    outcomes = list(cycle.outcomes.all())
    data = {
        "review_on": cycle.review_on.isoformat(),
        "observations": cycle.observations,
        "strategies": cycle.strategies,
        "version": str(cycle.version),
        **management("outcomes", len(outcomes), len(outcomes)),
        **management("provision", 0),
    }
    for n, o in enumerate(outcomes):
        data |= {
            f"outcomes-{n}-id": str(o.pk),
            f"outcomes-{n}-text": o.text,
            f"outcomes-{n}-area": o.area,
            f"outcomes-{n}-measure": o.measure,
        }
    return data | extra


def test_two_staff_editing_one_plan_the_second_is_told_and_loses_nothing(client_for):
    pupil = targets.taught_pupil()
    cycle = helpers.open_cycle(pupil)
    first, second = client_for("senco"), client_for("senco")
    mine = edit_data(cycle, **{"outcomes-0-text": "First person's wording"})
    theirs = edit_data(cycle, **{"outcomes-0-text": "Second person's wording"})
    assert first.post(cycle_url(cycle, "edit"), mine).status_code == 302
    response = second.post(cycle_url(cycle, "edit"), theirs)
    assert response.status_code == 200
    assert b"changed this plan" in response.content
    assert b"Second person&#x27;s wording" in response.content  # still in their form
    assert b"First person&#x27;s wording" in response.content  # what was saved meanwhile
    assert cycle.outcomes.first().text == "First person's wording"
    # Saving again, having seen the other change, goes through on purpose.
    cycle.refresh_from_db()
    again = second.post(cycle_url(cycle, "edit"), theirs | {"version": str(cycle.version)})
    assert again.status_code == 302
    assert cycle.outcomes.first().text == "Second person's wording"
    assert CycleVersion.objects.filter(cycle=cycle).count() == cycle.versions.count()


def test_the_record_page_shows_the_current_outcomes_and_next_review(client_for):
    pupil = targets.taught_pupil()
    cycle = helpers.open_cycle(pupil)
    page = client_for("teacher").get(reverse("pupils:detail", args=[pupil.public_id]))
    assert cycle.outcomes.first().text.encode() in page.content
    assert plan_url(pupil).encode() in page.content


def test_reviews_due_lists_overdue_first_and_only_pupils_a_teacher_teaches(
    client_for, django_assert_max_num_queries
):
    taught = targets.taught_pupil()
    cycle = helpers.open_cycle(taught)
    Cycle.objects.filter(pk=cycle.pk).update(
        starts=TODAY - dt.timedelta(days=20), review_on=TODAY - dt.timedelta(days=3)
    )
    client = client_for("senco")
    with django_assert_max_num_queries(14):
        page = client.get(reverse("plans:reviews_due"))
    rows = list(page.context["page"])
    assert rows and all(r.review_on <= TODAY + dt.timedelta(weeks=4) for r in rows)
    assert [r.review_on for r in rows] == sorted(r.review_on for r in rows)
    assert b"Overdue" in page.content
    teacher = client_for("teacher").get(reverse("plans:reviews_due") + "?show=all")
    visible = targets.visible("teacher", targets.home_school())
    assert all(visible.filter(pk=c.plan.pupil_id).exists() for c in teacher.context["page"])
    assert "without_plan" not in teacher.context


def test_the_registers_review_date_moves_the_plans_and_a_date_before_the_cycle_is_refused(
    persona,
):
    from django.core.exceptions import ValidationError

    from senco.register import services as register

    pupil = targets.taught_pupil()
    cycle = helpers.open_cycle(pupil)
    day = TODAY + dt.timedelta(days=20)
    register.set_review_date(pupil.school, [pupil], day, by=persona("senco"))
    cycle.refresh_from_db()
    assert cycle.review_on == day
    assert cycle.versions.order_by("-number")[0].what == "Review date set on the register"
    Cycle.objects.filter(pk=cycle.pk).update(starts=TODAY + dt.timedelta(days=5))
    with pytest.raises(ValidationError, match="give a review date after it"):
        register.set_review_date(
            pupil.school, [pupil], TODAY + dt.timedelta(days=3), by=persona("senco")
        )
    pupil.refresh_from_db()
    cycle.refresh_from_db()
    assert pupil.review_on == cycle.review_on == day


@pytest.mark.parametrize("who", ["senco", "parent"])
def test_the_plan_page_costs_the_same_however_long_the_plan(client_for, persona, who):
    child = targets.parents_child()
    cycle = helpers.open_cycle(child)
    client = client_for(who)
    queries_for(client, plan_url(child))  # the first visit also loads the session
    before = queries_for(client, plan_url(child))
    for n in range(5):
        services.add_note(cycle, by=persona("senco"), text=f"Note {n}", written_on=TODAY)
    helpers.review(cycle)
    helpers.review(helpers.current(child))
    for n in range(5):
        services.add_note(
            helpers.current(child), by=persona("ta"), text=f"Later {n}", written_on=TODAY
        )
    assert queries_for(client, plan_url(child)) == before
    assert before <= 40


def test_two_rows_naming_one_outcome_are_refused(client_for):
    cycle = helpers.open_cycle(targets.taught_pupil())
    first = cycle.outcomes.first()
    version, before = cycle.version, cycle.outcomes.count()
    data = edit_data(cycle)
    data["outcomes-1-id"] = str(first.pk)
    response = client_for("senco").post(cycle_url(cycle, "edit"), data)
    assert b"Two rows name the same outcome" in response.content
    assert cycle.outcomes.count() == before
    cycle.refresh_from_db()
    assert cycle.version == version


def test_staff_without_the_concern_or_report_roles_do_not_read_linked_concerns(client_for, persona):
    from senco.concerns import services as concerns

    pupil = targets.taught_pupil()
    cycle = helpers.open_cycle(pupil)
    concern = concerns.raise_concern(pupil, by=persona("other_teacher"), seen="A private worry.")
    cycle.concerns.add(concern)
    for who in ("teacher", "ta"):
        page = client_for(who).get(cycle_url(cycle, "cycle"))
        assert b"A private worry." not in page.content
        assert b"A private worry." not in client_for(who).get(plan_url(pupil)).content
    assert b"A private worry." in client_for("senco").get(cycle_url(cycle, "cycle")).content


def test_a_plans_provision_can_come_from_the_library_but_not_another_schools(client_for):
    from tests.provision import helpers as provision

    entry = provision.library_entry(name="Precision teaching (plan test)")
    pupil = helpers.without_plan()
    data = start_data(THREE) | {
        "provision-0-library": str(entry.pk),
        "provision-0-what": "",
        "provision-0-who": "",
        "provision-0-how_often": "",
    }
    assert client_for("senco").post(plan_url(pupil, "start"), data).status_code == 302
    item = Plan.objects.get(pupil=pupil, ends__isnull=True).cycles.get().provision_items.get()
    assert (item.provision, item.what, item.who) == (entry, entry.name, "Teaching assistant")
    elsewhere = provision.services.save_provision(
        targets.other_school(), by=None, name="Elsewhere", area="CL", wave=2,
        delivery="withdrawal", staff_role="ta", session_minutes=20,
        sessions_per_week=2, weeks=6,
    )  # fmt: skip
    other = helpers.without_plan()
    response = client_for("senco").post(
        plan_url(other, "start"), data | {"provision-0-library": str(elsewhere.pk)}
    )
    assert b"from this school&#x27;s library" in response.content
    assert not Plan.objects.filter(pupil=other, ends__isnull=True).exists()
