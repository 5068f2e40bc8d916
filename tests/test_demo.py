import pytest
from django.core.management import call_command

from senco.accounts.models import Membership, User
from senco.demo import builder
from senco.pupils.models import Pupil
from tests import targets

pytestmark = pytest.mark.django_db


def names() -> list[tuple[str, str, str]]:
    return list(
        Pupil.objects.order_by("upn").values_list("upn", "legal_first_name", "legal_last_name")
    )


def test_the_same_seed_builds_the_same_school():
    options = builder.Options(pupils=30, years=1, seed=3, password="x" * 12)
    builder.build(options)
    first = names()
    builder.build(options)
    assert names() == first
    builder.build(builder.Options(pupils=30, years=1, seed=4, password="x" * 12))
    assert names() != first


def test_the_demo_follows_the_national_proportions():
    builder.build(builder.Options(pupils=2000, years=1, seed=5, password="x" * 12))
    on_roll = Pupil.objects.filter(left_on__isnull=True)
    total = on_roll.count()
    ehcp = on_roll.filter(sen_provision="E")
    support = on_roll.filter(sen_provision="K")
    assert 0.04 < ehcp.count() / total < 0.08
    assert 0.12 < support.count() / total < 0.18
    assert 0.6 < ehcp.filter(sex="M").count() / ehcp.count() < 0.82
    assert 0.5 < support.filter(sex="M").count() / support.count() < 0.72
    assert 0.2 < ehcp.filter(primary_need="ASD").count() / ehcp.count() < 0.45
    assert on_roll.filter(sen_provision__in=["K", "E"], primary_need="").count() == 0


def test_the_personas_have_their_relationships():
    parent = User.objects.get(username="parent")
    children = targets.visible("parent", targets.home_school())
    assert sorted(children.values_list("sen_provision", flat=True)) == ["E", "K"]
    assert parent.is_demo
    taught = targets.visible("teacher", targets.home_school())
    assert taught.filter(sen_provision__in=["K", "E"]).count() >= 3
    assert Membership.objects.filter(user__username="trustlead", trust__isnull=False).exists()


def test_make_run_leaves_an_existing_database_alone(capsys):
    before = names()
    call_command("demo", if_empty=True)
    assert "left as it is" in capsys.readouterr().out
    assert names() == before


def test_the_demo_command_refuses_impossible_sizes():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--pupils must be between"):
        call_command("demo", pupils=0)


# The demo's plans (issue 7).


def plans_of_the_register():
    """(pupil, open plan, cycles) of every pupil on the home school's register but the one."""
    from senco.demo import plans as demo_plans
    from senco.pupils import census

    school = targets.home_school()
    waiting = demo_plans.pupil_without_plan(school)
    register = Pupil.objects.filter(
        school=school, left_on__isnull=True, sen_provision__in=census.REGISTER_CODES
    ).exclude(pk=waiting.pk)
    found = []
    for pupil in register.order_by("pk"):
        plan = pupil.plans.open().get()
        found.append((pupil, plan, list(plan.cycles.order_by("number"))))
    return found


def test_every_pupil_on_the_register_but_one_has_a_plan_of_reviewed_cycles():
    from senco.demo import plans as demo_plans
    from senco.plans.models import Note

    school = targets.home_school()
    waiting = demo_plans.pupil_without_plan(school)
    assert waiting is not None and waiting.sen_provision == "K"
    assert not waiting.plans.exists()
    assert waiting not in (targets.taught_pupil(), targets.parents_child())
    found = plans_of_the_register()
    assert len(found) >= 8
    for pupil, _, cycles in found:
        *reviewed, current = cycles
        assert reviewed and all(c.status == "reviewed" and c.decision for c in reviewed)
        assert current.status == "open" and not current.decision
        assert [c.number for c in cycles] == list(range(1, len(cycles) + 1))
        assert all(2 <= c.outcomes.count() <= 5 for c in cycles)
        assert all(c.provision_items.exists() and c.strategies for c in cycles)
        assert all(2 <= c.notes.count() <= 6 for c in reviewed)
        assert all(c.versions.count() == c.version for c in cycles)
        assert pupil.review_on == current.review_on
    notes = Note.objects.filter(cycle__plan__pupil__school=school)
    assert notes.filter(outcome__isnull=False).exists()
    assert notes.exclude(written_by__username="senco").exists()


def test_the_demo_plans_have_the_decisions_views_and_evidence_of_real_reviews():
    cycles = [c for _, _, cs in plans_of_the_register() for c in cs]
    decisions = [c.decision for c in cycles if c.decision]
    assert {"continue", "change", "step_up", "step_down"} <= set(decisions)
    assert decisions.count("step_up") <= max(2, len(decisions) // 10)
    assert 1 <= decisions.count("step_down") <= 2
    assert any(c.parent_view for c in cycles) and any(c.pupil_view for c in cycles)
    assert any(c.results.exists() for c in cycles)
    reviewed = [c for c in cycles if c.decision]
    assert all(o.progress and o.progress_evidence for c in reviewed for o in c.outcomes.all())
    texts = {tuple(c.outcomes.values_list("text", "measure")) for c in cycles if c.number == 1}
    assert len(texts) == len([c for c in cycles if c.number == 1])  # no two plans alike


def test_the_demo_reviews_fall_due_soon_some_overdue():
    from senco import access

    today = access.today()
    days = sorted((cs[-1].review_on - today).days for _, _, cs in plans_of_the_register())
    overdue = [d for d in days if d < 0]
    within_four_weeks = [d for d in days if 0 <= d <= 28]
    assert 2 <= len(overdue) <= 3
    assert 4 <= len(within_four_weeks) <= 6
    assert all(d <= 84 for d in days)


def test_the_personas_pupils_have_a_reviewed_cycle_and_an_open_one():
    from senco.demo import plans as demo_plans

    school = targets.home_school()
    assert demo_plans.taught_pupil(school) == targets.taught_pupil()
    assert demo_plans.parents_child(school) == targets.parents_child()
    for pupil in (targets.taught_pupil(), targets.parents_child()):
        cycles = list(pupil.plans.open().get().cycles.order_by("number"))
        assert cycles[0].status == "reviewed" and cycles[-1].status == "open"
    current = targets.parents_child().plans.open().get().cycles.order_by("number").last()
    assert current.parent_view == "" and not current.parent_views.exists()


def test_every_cycles_last_version_is_the_cycle_as_it_stands():
    from senco.plans import services

    for _, _, cycles in plans_of_the_register():
        for cycle in cycles:
            versions = list(cycle.versions.order_by("number"))
            assert [v.number for v in versions] == list(range(1, cycle.version + 1))
            assert versions[-1].snapshot == services.snapshot(cycle)
            assert [v.saved_at for v in versions] == sorted(v.saved_at for v in versions)


def test_plans_written_in_bulk_are_what_the_services_write():
    import random

    from senco import access
    from senco.demo import plans as demo_plans
    from senco.plans.models import Plan

    pupil, _, _ = max(plans_of_the_register(), key=lambda found: len(found[2]))
    senco = User.objects.get(username="senco")
    facts = demo_plans.pupil_facts([pupil], access.today())
    story = demo_plans.plan_stories(random.Random(3), facts, access.today(), required=[])[pupil.pk]
    assert "change" in {step.decision for step in story}
    written = []
    for write in (demo_plans.write_in_bulk, demo_plans.write_with_services):
        Plan.objects.filter(pupil=pupil).delete()
        if write is demo_plans.write_in_bulk:
            write([(facts[0], story)], senco)
        else:
            write(facts[0], story, senco)
        written.append(plan_as_written(pupil))
    assert written[0] == written[1]


def plan_as_written(pupil: Pupil) -> list:
    """Every row of the pupil's plan, with outcome ids numbered in order of appearance."""
    ids: dict[int, int] = {}

    def same(pk):
        return ids.setdefault(pk, len(ids)) if pk is not None else None

    rows: list = [pupil.__class__.objects.get(pk=pupil.pk).review_on]
    for cycle in pupil.plans.get().cycles.order_by("number"):
        outcomes = list(cycle.outcomes.order_by("position", "pk"))
        for version in cycle.versions.order_by("number"):
            snapshot = dict(version.snapshot)
            snapshot["outcomes"] = [{**o, "id": same(o["id"])} for o in snapshot["outcomes"]]
            rows.append((version.number, version.what, version.saved_by_id, snapshot))
        rows.append(
            [
                (o.position, o.text, o.measure, o.progress, same(o.pk), same(o.carried_from_id))
                for o in outcomes
            ]
        )
        rows.append(
            [
                (n.written_by_id, n.written_on, n.text, same(n.outcome_id))
                for n in cycle.notes.order_by("written_on", "pk")
            ]
        )
        rows.append(
            (
                cycle.version, cycle.status, cycle.decision, cycle.reviewed_on, cycle.review_on,
                cycle.parent_view, cycle.locked_at,
                list(cycle.parent_views.values_list("written_by", "text", "written_at")),
                sorted(cycle.results.values_list("pk", flat=True)),
                list(cycle.provision_items.values_list("what", "who", "how_often")),
            )
        )  # fmt: skip
    return rows


def test_the_same_seed_writes_the_same_plans():
    from senco.plans.models import Cycle

    def plans() -> list:
        cycles = Cycle.objects.order_by("plan__pupil__upn", "number")
        return [
            (c.plan.pupil.upn, c.starts, c.review_on, c.decision, c.strategies, c.parent_view,
             list(c.outcomes.values_list("text", "measure", "progress")),
             list(c.notes.values_list("written_on", "text")))
            for c in cycles.select_related("plan__pupil")
        ]  # fmt: skip

    options = builder.Options(pupils=30, years=1, seed=3, password="x" * 12)
    builder.build(options)
    first = plans()
    builder.build(options)
    assert first and plans() == first
