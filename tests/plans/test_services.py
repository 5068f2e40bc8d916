"""Plans in assess-plan-do-review cycles: starting, revising, notes, parents' views, reviews,
and the bad input each service refuses without changing anything."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from senco.assessment.models import Result
from senco.audit.models import AuditEntry
from senco.concerns import services as concerns
from senco.plans import services
from senco.plans.models import Cycle, CycleVersion, Note, Outcome, Plan, ProvisionItem
from senco.plans.services import EditConflict, Evidence, OutcomeText, Provision
from senco.pupils.models import Pupil
from tests import targets
from tests.plans import helpers

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def on_support() -> Pupil:
    return helpers.without_plan()


def not_on_register() -> Pupil:
    return Pupil.objects.filter(
        school=targets.home_school(), sen_provision="N", left_on__isnull=True
    ).order_by("pk")[0]


OUTCOMES = [
    OutcomeText("Reads a page of a level 5 book aloud", "CL", "40 words a minute, 3 errors"),
    OutcomeText("Asks for help when stuck", "SEMH", "Asks an adult 3 times a lesson"),
    OutcomeText("Follows two-step instructions", "CI", "4 times out of 5 in class"),
]


def start(pupil: Pupil | None = None, user=None, **fields) -> Plan:
    fields.setdefault("starts", days(-30))
    fields.setdefault("review_on", days(54))
    fields.setdefault("outcomes", OUTCOMES)
    fields.setdefault("strategies", "Sit near the front\nChunk instructions")
    fields.setdefault("provision", [Provision("Precision teaching", "TA", "3 x 10 min a week")])
    return services.start_plan(pupil or on_support(), by=user or senco(), **fields)


def senco():
    return targets.User.objects.get(username="senco")


def user(username: str):
    return targets.User.objects.get(username=username)


def cycle_of(plan: Plan, number: int = 1) -> Cycle:
    return plan.cycles.get(number=number)


def counts() -> dict[str, int]:
    return {
        "plans": Plan.objects.count(),
        "cycles": Cycle.objects.count(),
        "outcomes": Outcome.objects.count(),
        "provision": ProvisionItem.objects.count(),
        "notes": Note.objects.count(),
        "versions": CycleVersion.objects.count(),
        "audit": AuditEntry.objects.filter(action__startswith="plan.").count(),
    }


def state(cycle: Cycle) -> dict:
    cycle = Cycle.objects.get(pk=cycle.pk)
    return {"version": cycle.version, "status": cycle.status, **services.snapshot(cycle)}


def progress_for(cycle: Cycle, code: str = "good") -> dict[int, tuple[str, str]]:
    return {o.pk: (code, f"Seen in class ({o.position})") for o in cycle.outcomes.all()}


def review(cycle: Cycle, **fields) -> Cycle | None:
    cycle = Cycle.objects.get(pk=cycle.pk)
    fields.setdefault("expected_version", cycle.version)
    fields.setdefault("progress", progress_for(cycle))
    fields.setdefault("decision", Cycle.Decision.CONTINUE)
    fields.setdefault("notes", "Good progress in reading; keep the same outcomes.")
    fields.setdefault("reviewed_on", TODAY)
    fields.setdefault("pupil_view", "I like reading with Miss Khan.")
    return services.review_cycle(cycle, by=fields.pop("by", senco()), **fields)


def messages(error: ValidationError) -> str:
    return " ".join(m for ms in error.message_dict.values() for m in ms)


# Starting a plan.


def test_the_senco_starts_a_plan_with_three_outcomes_as_cycle_1_version_1():
    pupil = on_support()
    plan = start(pupil)
    cycle = cycle_of(plan)
    assert plan.pupil == pupil and plan.kind == "sen_support" and plan.ends is None
    assert (cycle.number, cycle.version, cycle.status) == (1, 1, "open")
    assert [o.position for o in cycle.outcomes.all()] == [1, 2, 3]
    assert cycle.strategy_list == ["Sit near the front", "Chunk instructions"]
    assert cycle.provision_items.get().how_often == "3 x 10 min a week"
    version = cycle.versions.get()
    assert version.number == 1 and len(version.snapshot["outcomes"]) == 3
    entry = AuditEntry.objects.get(action="plan.started", pupil_id=pupil.pk)
    assert entry.changes["after"]["review_on"] == days(54).isoformat()


def test_the_pupils_plans_are_found_through_the_pupil():
    pupil = on_support()
    plan = start(pupil)
    assert list(pupil.plans.open()) == [plan]
    assert services.current_plan(pupil) == plan
    assert services.current_cycle(plan) == cycle_of(plan)


def test_evidence_is_linked_to_the_records_where_they_are_kept_not_retyped():
    result = Result.objects.filter(
        pupil__school=targets.home_school(), pupil__sen_provision="K", pupil__left_on__isnull=True
    ).order_by("pk")[0]
    pupil = result.pupil
    Plan.objects.filter(pupil=pupil, ends__isnull=True).update(ends=TODAY)
    concern = concerns.raise_concern(pupil, by=user("teacher"), seen="Avoids writing tasks.")
    plan = start(
        pupil,
        evidence=Evidence(results=[result], concerns=[concern], observations="Tires by noon."),
    )
    cycle = cycle_of(plan)
    assert list(cycle.results.all()) == [result] and list(cycle.concerns.all()) == [concern]
    assert cycle.observations == "Tires by noon."
    assert cycle.versions.get().snapshot["results"] == [result.pk]


def another_pupils_result(pupil: Pupil) -> Evidence:
    return Evidence(results=[Result.objects.exclude(pupil=pupil).order_by("pk")[0]])


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"pupil": "not_on_register"}, "is not on the SEN register"),
        ({"review_on": days(-30)}, "must come after the start"),
        ({"review_on": days(-31)}, "must come after the start"),
        ({"outcomes": []}, "Give at least one outcome"),
        ({"outcomes": [OutcomeText("Reads aloud", "CL", "  ")]}, "has no success measure"),
        ({"outcomes": [OutcomeText("Reads aloud", "", "40 wpm")]}, "has no area of need"),
        ({"outcomes": [OutcomeText("Reads aloud", "XX", "40 wpm")]}, "has no area of need"),
        ({"outcomes": [OutcomeText("", "CL", "40 wpm")]}, "has no text"),
        ({"provision": [Provision("Reading", "", "daily")]}, "by whom and how often"),
        ({"strategies": "x" * 3001}, "Keep the strategies to 3000 characters"),
        ({"evidence": "another pupil's"}, "Link only this pupil's own records"),
    ],
)
def test_a_plan_with_bad_input_is_refused_with_the_fix_and_nothing_is_saved(fields, message):
    pupil = not_on_register() if fields.get("pupil") == "not_on_register" else on_support()
    fields.pop("pupil", None)
    if fields.get("evidence") == "another pupil's":
        fields["evidence"] = another_pupils_result(pupil)
    before = counts()
    with pytest.raises(ValidationError) as refused:
        start(pupil, **fields)
    assert message in messages(refused.value)
    assert counts() == before


def test_a_second_open_plan_of_the_same_kind_is_refused():
    pupil = on_support()
    start(pupil)
    before = counts()
    with pytest.raises(ValidationError, match="already has an open SEN support plan"):
        start(pupil)
    assert counts() == before


# Revising the open cycle, and two people editing at once.


def test_a_revision_bumps_the_version_and_every_version_stays_viewable():
    cycle = cycle_of(start())
    first = cycle.outcomes.get(position=1)
    services.revise_cycle(
        cycle,
        by=senco(),
        expected_version=1,
        outcomes=[OutcomeText("Reads a level 6 book", "CL", "35 words a minute", id=first.pk)],
        strategies="Coloured overlay",
        review_on=days(60),
    )
    cycle.refresh_from_db()
    assert cycle.version == 2 and cycle.review_on == days(60)
    assert list(cycle.outcomes.values_list("pk", "text")) == [(first.pk, "Reads a level 6 book")]
    one, two = cycle.versions.order_by("number")
    assert len(one.snapshot["outcomes"]) == 3 and one.snapshot["strategies"].startswith("Sit")
    assert two.snapshot["strategies"] == "Coloured overlay" and two.number == 2
    entry = AuditEntry.objects.get(action="plan.revised", object_id=cycle.pk)
    assert entry.changes["before"]["review_on"] == days(54).isoformat()
    assert "results" not in entry.changes["after"]


def test_a_revision_keeps_an_outcome_named_by_id_with_its_notes():
    cycle = cycle_of(start())
    kept = cycle.outcomes.get(position=2)
    note = services.add_note(cycle, by=user("ta"), text="Asked for help twice.", outcome=kept)
    services.revise_cycle(
        cycle,
        by=senco(),
        expected_version=1,
        outcomes=[OutcomeText("Asks for help", "SEMH", "Twice a lesson", id=kept.pk)],
    )
    note.refresh_from_db()
    assert note.outcome == kept and cycle.outcomes.get().position == 1


def test_removing_an_outcome_with_notes_against_it_is_refused_and_nothing_changes():
    cycle = cycle_of(start())
    services.add_note(
        cycle, by=user("ta"), text="Read well.", outcome=cycle.outcomes.get(position=1)
    )
    before, saved = counts(), state(cycle)
    with pytest.raises(ValidationError, match="has notes written against it"):
        services.revise_cycle(
            cycle, by=senco(), expected_version=1, outcomes=[OutcomeText("New", "CL", "M")]
        )
    assert counts() == before and state(cycle) == saved


def test_two_staff_editing_one_plan_the_second_is_told_and_both_texts_survive():
    cycle = cycle_of(start())
    # Two sessions opened the plan at version 1.
    mine, theirs = Cycle.objects.get(pk=cycle.pk), Cycle.objects.get(pk=cycle.pk)
    services.revise_cycle(mine, by=senco(), expected_version=1, strategies="Use a timer")
    with pytest.raises(EditConflict) as conflict:
        services.revise_cycle(
            theirs, by=user("head"), expected_version=1, strategies="Visual timetable"
        )
    message = messages(conflict.value)
    assert "changed this plan at " in message and "your changes are below" in message
    assert conflict.value.yours == {"strategies": "Visual timetable"}
    assert conflict.value.version == 2
    cycle.refresh_from_db()
    assert cycle.strategies == "Use a timer" and cycle.version == 2
    assert cycle.versions.count() == 2


def test_an_edit_conflict_is_a_validation_error_a_form_can_show():
    cycle = cycle_of(start())
    with pytest.raises(ValidationError):
        services.revise_cycle(cycle, by=senco(), expected_version=7, strategies="x")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"review_on": days(-30)}, "must come after the cycle starts"),
        ({"outcomes": [OutcomeText("Reads", "CL", "")]}, "has no success measure"),
        ({"outcomes": []}, "Give at least one outcome"),
        ({"outcomes": [OutcomeText("Reads", "CL", "40", id=-1)]}, "not one of this cycle's"),
        ({"expected_version": 0, "strategies": "x"}, "changed this plan"),
    ],
)
def test_a_revision_with_bad_input_is_refused_and_the_cycle_is_unchanged(fields, message):
    cycle = cycle_of(start())
    fields.setdefault("expected_version", 1)
    before, saved = counts(), state(cycle)
    with pytest.raises(ValidationError) as refused:
        services.revise_cycle(cycle, by=senco(), **fields)
    assert message in messages(refused.value)
    assert counts() == before and state(cycle) == saved


# Notes: the do stage.


def test_a_ta_records_a_note_against_an_outcome():
    cycle = cycle_of(start())
    outcome = cycle.outcomes.get(position=1)
    note = services.add_note(
        cycle, by=user("ta"), text="Read 32 words a minute.", outcome=outcome, written_on=days(-1)
    )
    assert note.written_by == user("ta") and note.outcome == outcome
    assert cycle.notes.get() == note
    entry = AuditEntry.objects.get(action="plan.note_added", object_id=note.pk)
    assert entry.changes["after"]["outcome"] == 1
    cycle.refresh_from_db()
    assert cycle.version == 1, "a note does not make others' edits of the plan go stale"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "   "}, "a note cannot be empty"),
        ({"text": "x" * 3001}, "Keep the note to 3000 characters"),
        ({"written_on": days(1)}, "is in the future"),
        ({"written_on": days(-31)}, "is before this cycle started"),
        ({"outcome": "another cycle's"}, "belongs to another cycle"),
    ],
)
def test_a_bad_note_is_refused_and_nothing_is_saved(fields, message):
    cycle = cycle_of(start())
    if fields.get("outcome"):
        other = cycle_of(start(on_support()))
        fields["outcome"] = other.outcomes.first()
    fields.setdefault("text", "Read well.")
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.add_note(cycle, by=user("ta"), **fields)
    assert message in messages(refused.value)
    assert counts() == before


# The parents' view.


def test_a_parent_adds_their_view_before_the_review():
    cycle = cycle_of(start())
    services.record_parent_view(cycle, by=user("parent"), text="She reads at bedtime now.")
    cycle.refresh_from_db()
    view = cycle.parent_views.get()
    assert view.text == "She reads at bedtime now." and view.written_by == user("parent")
    assert cycle.version == 2 and cycle.parent_view == ""
    assert cycle.versions.get(number=2).snapshot["parent_views"][0]["text"] == view.text
    assert AuditEntry.objects.filter(action="plan.parent_view_recorded", object_id=cycle.pk)


def test_each_parent_keeps_their_own_view_and_neither_overwrites_the_other():
    cycle = cycle_of(start())
    services.record_parent_view(cycle, by=user("parent"), text="Calmer at home.")
    services.record_parent_view(cycle, by=user("other_parent"), text="Worried about homework.")
    services.record_parent_view(cycle, by=user("parent"), text="Calmer, and sleeping well.")
    views = dict(cycle.parent_views.values_list("written_by__username", "text"))
    assert views == {
        "parent": "Calmer, and sleeping well.",
        "other_parent": "Worried about homework.",
    }
    gathered = services.parent_views_text(cycle)
    assert "Calmer, and sleeping well." in gathered and "Worried about homework." in gathered


def test_an_empty_parent_view_is_refused():
    cycle = cycle_of(start())
    before, saved = counts(), state(cycle)
    with pytest.raises(ValidationError, match="it cannot be empty"):
        services.record_parent_view(cycle, by=user("parent"), text=" ")
    assert counts() == before and state(cycle) == saved


def test_a_review_prepared_before_the_parents_view_arrived_is_refused_and_the_view_kept():
    cycle = cycle_of(start())
    services.record_parent_view(cycle, by=user("parent"), text="Happier at school.")
    with pytest.raises(EditConflict):
        review(cycle, expected_version=1, parent_view="")
    cycle.refresh_from_db()
    assert cycle.parent_views.get().text == "Happier at school." and cycle.status == "open"


# The review.


def test_the_review_locks_the_cycle_and_starts_the_next_as_a_copy_without_progress():
    plan = start()
    cycle = cycle_of(plan)
    services.record_parent_view(cycle, by=user("parent"), text="Reads at home.")
    following = review(cycle)
    cycle.refresh_from_db()
    assert cycle.status == "reviewed" and cycle.is_locked and cycle.locked_at
    assert cycle.decision == "continue" and cycle.reviewed_by == senco()
    assert cycle.parent_view.endswith(": Reads at home."), "None records the parents' views"
    assert set(cycle.outcomes.values_list("progress_label", flat=True)) == {"Good progress"}
    assert following is not None and following.number == 2 and following.starts == TODAY
    assert following.review_on == TODAY + dt.timedelta(weeks=12)
    assert following.strategies == cycle.strategies
    copied = list(following.outcomes.all())
    assert [o.text for o in copied] == [o.text for o in cycle.outcomes.all()]
    assert {o.progress for o in copied} == {""}
    assert [o.carried_from for o in copied] == list(cycle.outcomes.all())
    assert following.provision_items.get().what == "Precision teaching"
    assert (following.version, following.versions.count()) == (1, 1)
    assert {"plan.reviewed", "plan.cycle_started"} <= set(
        AuditEntry.objects.filter(pupil_id=plan.pupil_id).values_list("action", flat=True)
    )


def test_the_next_review_date_is_the_one_given_or_the_schools_interval(settings):
    following = review(cycle_of(start()), next_review_on=days(40))
    assert following is not None and following.review_on == days(40)
    settings.SENCO_PLAN_REVIEW_WEEKS = 6
    again = review(following, reviewed_on=TODAY)
    assert again is not None and again.review_on == TODAY + dt.timedelta(weeks=6)


def test_the_school_sets_its_own_progress_scale(settings):
    settings.SENCO_PROGRESS_SCALE = [("1", "Emerging"), ("2", "Expected"), ("3", "Exceeding")]
    cycle = cycle_of(start())
    review(cycle, progress=progress_for(cycle, "3"))
    assert set(cycle.outcomes.values_list("progress", "progress_label")) == {("3", "Exceeding")}


def test_the_reviewed_cycle_is_unchanged_in_the_history_after_the_next_cycle_moves_on():
    cycle = cycle_of(start())
    following = review(cycle)
    assert following is not None
    reviewed = state(cycle)
    last = cycle.versions.order_by("-number")[0]
    services.revise_cycle(
        following,
        by=senco(),
        expected_version=1,
        outcomes=[OutcomeText("Reads a level 7 book", "CL", "45 words a minute")],
        strategies="New strategies",
    )
    services.add_note(following, by=user("ta"), text="Started level 7.")
    assert state(cycle) == reviewed
    assert last.snapshot == services.snapshot(Cycle.objects.get(pk=cycle.pk))
    assert last.snapshot["outcomes"][0]["progress_label"] == "Good progress"


def test_leave_the_register_ends_the_plan_and_leaves_the_sen_status_to_the_register_form():
    plan = start()
    pupil = plan.pupil
    assert review(cycle_of(plan), decision=Cycle.Decision.LEAVE) is None
    plan.refresh_from_db()
    assert plan.ends == TODAY and plan.cycles.count() == 1
    assert Pupil.objects.get(pk=pupil.pk).sen_provision == "K"
    assert AuditEntry.objects.filter(action="plan.ended", object_id=plan.pk)
    assert start(pupil).pk != plan.pk, "a new plan may start once the last one ended"


def test_a_second_review_of_a_locked_cycle_is_refused_and_changes_nothing():
    cycle = cycle_of(start())
    review(cycle)
    before, saved = counts(), state(cycle)
    with pytest.raises(ValidationError, match="is locked: start from the next cycle"):
        review(cycle, decision=Cycle.Decision.STEP_UP)
    assert counts() == before and state(cycle) == saved


@pytest.mark.parametrize(
    "service",
    ["revise", "note", "parent_view"],
)
def test_a_locked_cycle_refuses_every_change(service):
    cycle = cycle_of(start())
    review(cycle)
    before, saved = counts(), state(cycle)
    with pytest.raises(ValidationError) as refused:
        if service == "revise":
            services.revise_cycle(cycle, by=senco(), expected_version=2, strategies="x")
        elif service == "note":
            services.add_note(cycle, by=user("ta"), text="Read well.")
        else:
            services.record_parent_view(cycle, by=user("parent"), text="Too late.")
    assert f"reviewed on {TODAY:%d/%m/%Y} and is locked" in messages(refused.value)
    assert counts() == before and state(cycle) == saved


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"progress": "one missing"}, "Record the progress on outcome 3"),
        ({"progress": "off the scale"}, "from the school's scale"),
        ({"progress": "another cycle's"}, "an outcome of another cycle"),
        ({"decision": ""}, "Choose the decision"),
        ({"decision": "maybe"}, "Choose the decision"),
        ({"notes": " "}, "Say what was agreed"),
        ({"reviewed_on": days(1)}, "is in the future"),
        ({"reviewed_on": days(-31)}, "is before this cycle started"),
        ({"next_review_on": TODAY}, "The next review must come after this one"),
        ({"expected_version": 0}, "changed this plan"),
    ],
)
def test_a_review_with_bad_input_is_refused_and_nothing_changes(fields, message):
    cycle = cycle_of(start())
    progress = progress_for(cycle)
    if fields.get("progress") == "one missing":
        progress.pop(cycle.outcomes.get(position=3).pk)
        fields["progress"] = progress
    elif fields.get("progress") == "off the scale":
        fields["progress"] = {pk: ("brilliant", "") for pk in progress}
    elif fields.get("progress") == "another cycle's":
        fields["progress"] = {**progress, -1: ("good", "")}
    before, saved = counts(), state(cycle)
    with pytest.raises(ValidationError) as refused:
        review(cycle, **fields)
    assert message in messages(refused.value)
    assert counts() == before and state(cycle) == saved


def test_a_null_character_is_refused_before_it_reaches_the_database():
    before = counts()
    with pytest.raises(ValidationError, match="Remove the null character"):
        start(outcomes=[OutcomeText("Reads\x00 aloud", "CL", "40 words a minute")])
    assert counts() == before
