"""Recording an EHC plan, its versions, its details and its end: what is kept, what is logged,
and every bad input refused with a message naming where, with nothing changed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from senco import access
from senco.audit.models import AuditEntry
from senco.ehcp import deadlines
from senco.ehcp.models import EHCPlan, NeedsAssessmentRequest, PlanVersion
from senco.ehcp.services import plans
from senco.provision.models import Provision
from senco.pupils.models import Pupil, SenNeed, SenStatus
from senco.schools.calendar import academic_year_start
from tests import targets
from tests.ehcp import helpers

pytestmark = pytest.mark.django_db

SECTIONS = {code: f"Section {code} as the LA wrote it." for code in plans.TEXT_SECTIONS}
YEAR_GROUP = 5


def pupil_without_plan(pupil: Pupil | None = None) -> Pupil:
    """`taught_pupil` (or the pupil given), in Year 5, with any current EHC plan ceased today."""
    pupil = pupil or targets.taught_pupil()
    EHCPlan.objects.current().filter(pupil=pupil).update(ceased_on=access.today())
    Pupil.objects.filter(pk=pupil.pk).update(year_group=YEAR_GROUP)
    return Pupil.objects.select_related("school").get(pk=pupil.pk)


def library_entry(school=None, **fields) -> Provision:
    school = school or targets.home_school()
    fields.setdefault("name", f"Reading catch-up {Provision.objects.count()}")
    return Provision.objects.create(
        school=school,
        area="CL",
        wave=2,
        delivery="withdrawal",
        session_minutes=20,
        sessions_per_week=Decimal(5),
        weeks=12,
        **fields,
    )


def outcome(n: int = 1, **fields) -> plans.OutcomeRow:
    values = {"text": f"Outcome {n}: reads a short text", "area": "CL", "by_when": "July"}
    return plans.OutcomeRow(**values | fields)


def item(n: int = 1, **fields) -> plans.ProvisionRow:
    values = {
        "what": f"Item {n}: structured reading, 1:1",
        "who": "Teaching assistant",
        "sessions": Decimal(5),
        "minutes": 20,
        "outcome": 1,
    }
    return plans.ProvisionRow(**values | fields)


def details(**fields) -> plans.PlanDetails:
    values = {
        "local_authority": "Northshire",
        "caseworker": "R. Ahmed",
        "caseworker_email": "caseworker@la.example.org",
        "la_reference": "EHC12345",
        "top_up_per_year": Decimal("7800.00"),
        "top_up_band": "Band 3",
    }
    return plans.PlanDetails(**values | fields)


def record(pupil: Pupil, rows: int = 2, **changes) -> EHCPlan:
    """A plan recorded through the service: `rows` outcomes, and as many F items, each
    serving the outcome of its row."""
    arguments = {
        "by": helpers.senco(pupil),
        "details": details(),
        "issued_on": helpers.days_ago(100),
        "sections": SECTIONS,
        "outcomes": [outcome(n) for n in range(1, rows + 1)],
        "provision": [item(n, outcome=n) for n in range(1, rows + 1)],
    }
    return plans.record_plan(pupil, **arguments | changes)


def fitting_transfer_year() -> int:
    """Year 5 now: Year 6 ends the summer after next (primary to secondary)."""
    return academic_year_start(access.today()) + 2


def entries(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


# Recording.


def test_a_plan_is_recorded_as_version_1_with_its_outcomes_and_quantified_provision():
    pupil = pupil_without_plan()
    plan = record(pupil, provision=[item()])
    version = plans.current_version(plan)
    assert version is not None and version.number == 1
    assert version.kind == PlanVersion.Kind.ISSUED and version.dated == plan.issued_on
    assert version.section("B") == "Section B as the LA wrote it."
    found = plans.content(version)
    assert [o.text for o in found.outcomes] == ["Outcome 1: reads a short text",
                                                 "Outcome 2: reads a short text"]  # fmt: skip
    assert found.provision[0].sessions == 5 and found.provision[0].minutes == 20
    assert found.provision[0].outcome == found.outcomes[0]
    assert plan.top_up_per_year == Decimal("7800.00") and plan.local_authority == "Northshire"


def test_a_recorded_plan_links_section_f_to_the_library_and_is_logged():
    pupil = pupil_without_plan()
    entry = library_entry()
    plan = record(pupil, provision=[item(library=entry.pk)])
    assert plans.content(plans.current_version(plan)).provision[0].provision == entry
    logged = AuditEntry.objects.get(action="ehcp.plan_recorded", pupil_id=pupil.pk)
    assert logged.changes["after"]["outcomes"] == 2 and logged.changes["after"]["provision"] == 1
    # The audit names what changed, never the text of the plan.
    assert "Section B as the LA wrote it." not in str(logged.changes)


def test_recording_a_plan_closes_the_needs_assessment_request_as_issued():
    pupil = pupil_without_plan()
    request = helpers.request_for(pupil)
    NeedsAssessmentRequest.objects.filter(pk=request.pk).update(decided_on=None)
    request.refresh_from_db()
    plan = record(pupil, request=request)
    request.refresh_from_db()
    assert request.plan == plan and request.status == NeedsAssessmentRequest.Status.ISSUED
    assert request.decided_on == plan.issued_on
    assert entries("ehcp.request_changed") == 1


def test_recording_keeps_the_date_the_request_was_decided_when_it_is_already_recorded():
    pupil = pupil_without_plan()
    request = helpers.request_for(pupil)
    decided = helpers.days_ago(101)
    NeedsAssessmentRequest.objects.filter(pk=request.pk).update(decided_on=decided)
    request.refresh_from_db()
    record(pupil, request=request)
    request.refresh_from_db()
    assert request.decided_on == decided


def test_a_request_whose_plan_is_recorded_already_is_refused_and_nothing_is_written():
    pupil = pupil_without_plan()
    request = helpers.request_for(pupil)
    first = record(pupil, request=request)
    plans.cease_plan(first, by=helpers.senco(pupil), on=access.today(), why="Moved away.")
    request.refresh_from_db()
    before = pupil.ehc_plans.count()
    with pytest.raises(ValidationError, match="already has its plan recorded"):
        record(pupil, request=request)
    assert not pupil.ehc_plans.current().exists() and pupil.ehc_plans.count() == before


def test_a_second_current_plan_is_refused():
    pupil = pupil_without_plan()
    record(pupil)
    with pytest.raises(ValidationError, match="already has a current EHC plan"):
        record(pupil)
    assert pupil.ehc_plans.count() == EHCPlan.objects.filter(pupil=pupil).count()
    assert pupil.ehc_plans.current().count() == 1


def test_the_request_of_another_pupil_is_refused():
    pupil = pupil_without_plan()
    other = helpers.request_for(targets.parents_child())
    with pytest.raises(ValidationError, match="another pupil's"):
        record(pupil, request=other)
    assert not pupil.ehc_plans.current().exists()


def _other_school_entry() -> dict:
    return {"provision": [item(library=library_entry(targets.other_school()).pk)]}


def _inactive_entry() -> dict:
    return {"provision": [item(library=library_entry(is_active=False).pk)]}


BAD_RECORDS = {
    "an F item without sessions": (
        lambda: {"provision": [item(), item(2, sessions=None)]},
        "Section F, row 2: give how often (sessions) and for how long (minutes)",
    ),
    "an F item with zero minutes": (
        lambda: {"provision": [item(minutes=0)]},
        "Section F, row 1: give how often (sessions) and for how long (minutes)",
    ),
    "an F item with zero sessions": (
        lambda: {"provision": [item(sessions=Decimal(0))]},
        "Section F, row 1: give how often",
    ),
    "an F item with sessions that are not a number": (
        lambda: {"provision": [item(sessions=Decimal("NaN"))]},
        "Section F, row 1: give how often",
    ),
    "an F item of more minutes than a school day": (
        lambda: {"provision": [item(minutes=600)]},
        "Section F, row 1: a session lasts at most 480 minutes",
    ),
    "an F item without what": (
        lambda: {"provision": [item(what="  ")]},
        "Section F, row 1: say what the provision is and who delivers it",
    ),
    "an F item without who": (
        lambda: {"provision": [item(who="")]},
        "Section F, row 1: say what the provision is and who delivers it",
    ),
    "an F item per fortnight": (
        lambda: {"provision": [item(per="fortnight")]},
        "Section F, row 1: choose a week, a term or a year",
    ),
    "an E row without text": (
        lambda: {"outcomes": [outcome(), outcome(2, text="")]},
        "Section E, row 2: write the outcome",
    ),
    "an E row without an area": (
        lambda: {"outcomes": [outcome(area="")]},
        "Section E, row 1: choose the area of need",
    ),
    "an E row of hostile length": (
        lambda: {"outcomes": [outcome(text="x" * 1001)]},
        "Section E, row 1: keep the outcome to 1000 characters (it has 1001)",
    ),
    "thirteen outcomes": (
        lambda: {"outcomes": [outcome(n) for n in range(1, 14)]},
        "Section E holds up to 12 outcomes (13 given)",
    ),
    "twenty-one items of provision": (
        lambda: {"provision": [item(n) for n in range(1, 22)]},
        "Section F holds up to 20 items (21 given)",
    ),
    "a section too long": (
        lambda: {"sections": SECTIONS | {"B": "x" * 5001}},
        "Keep section B to 5000 characters (it has 5001)",
    ),
    "a NUL character in a section": (
        lambda: {"sections": SECTIONS | {"K": "Appendix\x00"}},
        "Remove the null character from section K",
    ),
    "a NUL character in an outcome": (
        lambda: {"outcomes": [outcome(steps="Step\x00")]},
        "Section E, row 1: remove the null character from the steps",
    ),
    "a section that does not exist": (
        lambda: {"sections": {"Z": "A section of my own"}},
        "There is no written section Z",
    ),
    "a library provision of another school": (
        _other_school_entry,
        "Section F, row 1: choose provision in use in this school's library",
    ),
    "a library provision no longer in use": (
        _inactive_entry,
        "Section F, row 1: choose provision in use in this school's library",
    ),
    "an outcome reference that is not one of the rows": (
        lambda: {"provision": [item(outcome=3)]},
        "Section F, row 1: the outcome it serves (3) is not one of the 2 outcomes",
    ),
    "an issue date in the future": (
        lambda: {"issued_on": access.today() + dt.timedelta(days=1)},
        "is in the future: record the plan once the LA has issued it",
    ),
    "an issue date more than 30 years ago": (
        lambda: {"issued_on": access.today().replace(year=access.today().year - 31)},
        "more than 30 years ago",
    ),
    "an issue date before the pupil was born": (
        lambda: {"issued_on": dt.date(2000, 1, 1)},
        "before",
    ),
    "a transfer year that does not fit the pupil": (
        lambda: {"details": details(phase_transfer_year=fitting_transfer_year() + 1)},
        "The phase transfer year does not fit: in ",
    ),
    "a transfer year in the past": (
        lambda: {"details": details(phase_transfer_year=2001)},
        "is not in the future",
    ),
    "a negative top-up": (
        lambda: {"details": details(top_up_per_year=Decimal(-1))},
        "Give the top-up funding a year in pounds and pence, between £0 and £200,000",
    ),
    "an absurd top-up": (
        lambda: {"details": details(top_up_per_year=Decimal(250_000))},
        "between £0 and £200,000",
    ),
    "no local authority": (
        lambda: {"details": details(local_authority=" ")},
        "Give the local authority that issued the plan",
    ),
    "a local authority with HTML and a NUL": (
        lambda: {"details": details(local_authority="<b>North</b>\x00")},
        "Remove the null character from the local authority",
    ),
    "a caseworker's email that is not one": (
        lambda: {"details": details(caseworker_email="not an email")},
        "Give the caseworker's email as name@example.org",
    ),
    "an LA reference too long": (
        lambda: {"details": details(la_reference="R" * 51)},
        "Keep the LA reference to 50 characters",
    ),
    "a transfer in from another LA before the plan was issued": (
        lambda: {"details": details(transferred_in_on=helpers.days_ago(200))},
        "before it was issued",
    ),
}


@pytest.mark.parametrize("case", BAD_RECORDS, ids=list(BAD_RECORDS))
def test_a_bad_plan_is_refused_saying_where_and_nothing_is_written(case):
    pupil = pupil_without_plan()
    make, message = BAD_RECORDS[case]
    changes = make()
    plans_before, versions_before = EHCPlan.objects.count(), PlanVersion.objects.count()
    with pytest.raises(ValidationError) as refused:
        record(pupil, **changes)
    assert any(message in m for m in refused.value.messages), refused.value.messages
    assert (EHCPlan.objects.count(), PlanVersion.objects.count()) == (
        plans_before,
        versions_before,
    )
    assert entries("ehcp.plan_recorded") == 0


def test_a_transfer_year_that_fits_is_kept_and_the_pupil_may_have_no_transfer_year():
    pupil = pupil_without_plan()
    plan = record(pupil, details=details(phase_transfer_year=fitting_transfer_year()))
    assert plan.phase_transfer_year == fitting_transfer_year()
    assert deadlines.phase_transfer_deadline(plan.phase_transfer_year) == dt.date(
        fitting_transfer_year(), 2, 15
    )


# The register: E from the issue date, through the register's own service.


def on_k(pupil: Pupil, needs: tuple[str, ...] = ("SPLD", "SLCN"), since: int = 400) -> Pupil:
    """The pupil on K (SEN support) since `since` days ago, with `needs` in rank order."""
    SenStatus.objects.filter(pupil=pupil).delete()
    SenNeed.objects.filter(pupil=pupil).delete()
    starts = helpers.days_ago(since)
    SenStatus.objects.create(pupil=pupil, provision="K", starts=starts)
    for rank, need in enumerate(needs, start=1):
        SenNeed.objects.create(pupil=pupil, need=need, rank=rank, starts=starts)
    Pupil.objects.filter(pk=pupil.pk).update(sen_provision="K", primary_need=(needs or ("",))[0])
    return Pupil.objects.select_related("school").get(pk=pupil.pk)


def history(pupil: Pupil) -> list[tuple[str, dt.date, dt.date | None]]:
    return [(s.provision, s.starts, s.ends) for s in pupil.sen_statuses.order_by("starts")]


def test_recording_a_plan_can_record_the_pupil_as_e_from_the_issue_date_keeping_their_needs():
    pupil = on_k(pupil_without_plan())
    issued = helpers.days_ago(100)
    record(pupil, issued_on=issued, on_register=True)
    pupil.refresh_from_db()
    assert pupil.sen_provision == "E" and pupil.primary_need == "SPLD"
    assert history(pupil) == [
        ("K", helpers.days_ago(400), issued - dt.timedelta(days=1)),
        ("E", issued, None),
    ]
    assert plans.register_needs(pupil) == ["SPLD", "SLCN"]
    entry = AuditEntry.objects.filter(action="register.status_changed", pupil_id=pupil.pk).get()
    assert entry.changes["after"]["provision"] == "E"
    recorded = AuditEntry.objects.filter(action="ehcp.plan_recorded", pupil_id=pupil.pk).get()
    assert recorded.changes["after"]["on_register_as_e_from"] == issued.isoformat()


def test_without_the_box_ticked_the_register_is_left_alone():
    pupil = on_k(pupil_without_plan())
    record(pupil)
    pupil.refresh_from_db()
    assert pupil.sen_provision == "K" and history(pupil) == [("K", helpers.days_ago(400), None)]
    assert not AuditEntry.objects.filter(action="register.status_changed", pupil_id=pupil.pk)


@pytest.mark.parametrize(
    ("needs", "since", "message"),
    [
        ((), 400, "has no primary need on the SEN register, and the census needs one for E: "
                  "record their need on the register first"),
        (("NSA",), 400, "NSA (no specialist assessment) is valid only with SEN support"),
        (("SPLD",), 50, "not before the plan's issue date"),
    ],
)  # fmt: skip
def test_a_pupil_the_register_cannot_put_on_e_is_refused_and_nothing_is_written(
    needs, since, message
):
    pupil = on_k(pupil_without_plan(), needs, since)
    before = history(pupil)
    with pytest.raises(ValidationError) as refused:
        record(pupil, on_register=True)
    assert message in " ".join(refused.value.message_dict["on_register"])
    assert not pupil.ehc_plans.current().exists()
    pupil.refresh_from_db()
    assert pupil.sen_provision == "K" and history(pupil) == before
    assert not AuditEntry.objects.filter(pupil_id=pupil.pk, action__in=[
        "ehcp.plan_recorded", "register.status_changed"])  # fmt: skip


def test_a_refusal_by_the_register_inside_the_transaction_undoes_the_plan(monkeypatch):
    """The register changed between the check and the write: its refusal, under the pupil's
    lock, leaves nothing written."""
    pupil = on_k(pupil_without_plan())

    def refuse(*args, **kwargs):
        raise ValidationError({"starts": ["The current status began on 01/01/2026."]})

    monkeypatch.setattr(plans, "change_register_entry", refuse)
    with pytest.raises(ValidationError) as refused:
        record(pupil, on_register=True)
    assert refused.value.message_dict == {
        "on_register": ["The current status began on 01/01/2026."]
    }
    assert not pupil.ehc_plans.current().exists()
    assert not AuditEntry.objects.filter(action="ehcp.plan_recorded", pupil_id=pupil.pk)


def test_a_pupil_on_e_already_is_left_as_they_are():
    pupil = on_k(pupil_without_plan())
    Pupil.objects.filter(pk=pupil.pk).update(sen_provision="E")
    pupil.sen_provision = "E"
    record(pupil, on_register=True)
    assert not AuditEntry.objects.filter(action="register.status_changed", pupil_id=pupil.pk)


# Amending.


def test_an_amendment_is_a_new_version_and_the_old_one_stays_as_it_was():
    pupil = pupil_without_plan()
    plan = record(pupil)
    first = plans.current_version(plan)
    kept = plans.content(first).outcomes
    version = plans.amend_plan(
        plan,
        by=helpers.senco(pupil),
        kind=PlanVersion.Kind.AMENDED,
        dated=helpers.days_ago(5),
        why="Annual review: reading outcome achieved; a writing outcome added.",
        sections=SECTIONS | {"B": "Needs changed after the review."},
        outcomes=[outcome(2, carried_from=kept[1].pk), outcome(3, text="Writes a sentence")],
        provision=[item(outcome=2, minutes=30)],
        based_on=1,
    )
    assert version.number == 2 and plans.current_version(plan) == version
    assert [v.number for v in plans.versions_of(plan)] == [1, 2]
    first.refresh_from_db()
    assert first.section("B") == "Section B as the LA wrote it."
    assert [o.text for o in plans.content(first).outcomes] == [o.text for o in kept]
    now = plans.content(version)
    assert now.outcomes[0].carried_from_id == kept[1].pk and now.outcomes[1].carried_from is None
    assert now.provision[0].outcome == now.outcomes[1] and now.provision[0].minutes == 30
    logged = AuditEntry.objects.get(action="ehcp.plan_amended", pupil_id=pupil.pk)
    assert logged.changes["before"] == {"version": 1} and logged.changes["after"]["version"] == 2


def _amend(plan, **changes):
    arguments = {
        "by": helpers.senco(plan.pupil),
        "kind": PlanVersion.Kind.TRIBUNAL,
        "dated": helpers.days_ago(5),
        "why": "The tribunal ordered section F to name speech and language therapy.",
        "sections": SECTIONS,
        "outcomes": [outcome()],
        "provision": [item()],
        "based_on": plans.current_version(plan).number,
    }
    return plans.amend_plan(plan, **arguments | changes)


BAD_AMENDMENTS = {
    "a version dated before the plan was issued": (
        lambda plan: {"dated": plan.issued_on - dt.timedelta(days=1)},
        "is before the plan was issued",
    ),
    "a version dated before the current version": (
        lambda plan: {"dated": plans.current_version(plan).dated - dt.timedelta(days=1)},
        "is before the current version 2",
    ),
    "a version dated in the future": (
        lambda plan: {"dated": access.today() + dt.timedelta(days=1)},
        "is in the future",
    ),
    "a version without why": (lambda plan: {"why": " "}, "Say what changed and why"),
    "a version called issued": (
        lambda plan: {"kind": PlanVersion.Kind.ISSUED},
        "Choose what the new version is",
    ),
    "an outcome carried from another plan": (
        lambda plan: {
            "outcomes": [
                outcome(
                    carried_from=plans.content(
                        plans.current_version(helpers.ehc_plan_for(targets.parents_child()))
                    )
                    .outcomes[0]
                    .pk
                )
            ]
        },
        "Section E, row 1: it names an outcome that is not in the plan's current version",
    ),
    "an F item without quantity": (
        lambda plan: {"provision": [item(minutes=None)]},
        "Section F, row 1: give how often (sessions) and for how long (minutes)",
    ),
    "a form opened before someone else's version": (
        lambda plan: {"based_on": 1},
        "Version 2 of this plan was recorded after you opened the form",
    ),
}


@pytest.mark.parametrize("case", BAD_AMENDMENTS, ids=list(BAD_AMENDMENTS))
def test_a_bad_amendment_is_refused_and_nothing_is_written(case):
    plan = record(pupil_without_plan())
    _amend(plan, dated=helpers.days_ago(10))  # version 2
    make, message = BAD_AMENDMENTS[case]
    changes = make(plan)
    versions_before = PlanVersion.objects.count()
    with pytest.raises(ValidationError) as refused:
        _amend(plan, **changes)
    assert any(message in m for m in refused.value.messages), refused.value.messages
    assert PlanVersion.objects.count() == versions_before
    assert entries("ehcp.plan_amended") == 1


def test_a_ceased_plan_takes_no_new_version():
    plan = record(pupil_without_plan())
    plans.cease_plan(plan, by=helpers.senco(plan.pupil), on=access.today(), why="Moved to FE.")
    with pytest.raises(ValidationError, match="ceased on"):
        _amend(plan)
    assert [v.number for v in plans.versions_of(plan)] == [1]


# Details.


def test_the_details_change_with_their_before_and_after_logged():
    plan = record(pupil_without_plan())
    plans.change_details(
        plan,
        by=helpers.senco(plan.pupil),
        expected_version=1,
        details=details(caseworker="J. Whitfield", phase_transfer_year=fitting_transfer_year()),
    )
    plan.refresh_from_db()
    assert plan.caseworker == "J. Whitfield" and plan.phase_transfer_year == fitting_transfer_year()
    logged = AuditEntry.objects.get(action="ehcp.plan_changed", pupil_id=plan.pupil_id)
    assert logged.changes == {
        "before": {"caseworker": "R. Ahmed", "phase_transfer_year": None},
        "after": {"caseworker": "J. Whitfield", "phase_transfer_year": fitting_transfer_year()},
    }


def test_saving_the_same_details_writes_no_audit_entry():
    plan = record(pupil_without_plan())
    plans.change_details(plan, by=helpers.senco(plan.pupil), expected_version=1, details=details())
    assert entries("ehcp.plan_changed") == 0
    plan.refresh_from_db()
    assert plan.version == 1


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        ({"phase_transfer_year": 2099}, "is too late for a pupil in Year 5"),
        ({"top_up_per_year": Decimal("-5")}, "between £0 and £200,000"),
        ({"top_up_per_year": Decimal("200000.01")}, "between £0 and £200,000"),
        ({"top_up_per_year": Decimal("7800.001")}, "in pounds and pence"),
        ({"transferred_in_on": access.today() + dt.timedelta(days=3)}, "is in the future"),
    ],
)
def test_bad_details_are_refused_and_nothing_changes(changed, message):
    plan = record(pupil_without_plan())
    with pytest.raises(ValidationError) as refused:
        plans.change_details(
            plan, by=helpers.senco(plan.pupil), expected_version=1, details=details(**changed)
        )
    assert any(message in m for m in refused.value.messages), refused.value.messages
    plan.refresh_from_db()
    assert plan.phase_transfer_year is None and plan.top_up_per_year == Decimal("7800.00")
    assert plan.transferred_in_on is None


def test_a_pupil_without_a_year_group_cannot_have_a_transfer_year_checked():
    plan = record(pupil_without_plan())
    Pupil.objects.filter(pk=plan.pupil_id).update(year_group=None)
    plan = EHCPlan.objects.select_related("pupil").get(pk=plan.pk)
    with pytest.raises(ValidationError, match="has no year group"):
        plans.change_details(
            plan,
            by=helpers.senco(plan.pupil),
            expected_version=1,
            details=details(phase_transfer_year=2030),
        )


def test_each_change_of_the_details_counts_a_new_version():
    plan = record(pupil_without_plan())
    assert plan.version == 1
    by = helpers.senco(plan.pupil)
    plans.change_details(plan, by=by, expected_version=1, details=details(caseworker="A. Bell"))
    plans.change_details(plan, by=by, expected_version=2, details=details(caseworker="C. Dean"))
    plan.refresh_from_db()
    assert plan.version == 3 and plan.caseworker == "C. Dean"


def test_details_changed_from_a_page_opened_before_someone_elses_change_are_refused():
    """Two SEN leads open the details; the first saves a new top-up, the second (opened before)
    a new caseworker: the second is refused, so the first change is not silently reverted."""
    plan = record(pupil_without_plan())
    by = helpers.senco(plan.pupil)
    plans.change_details(
        plan, by=by, expected_version=1, details=details(top_up_per_year=Decimal(12000))
    )
    with pytest.raises(ValidationError) as refused:
        plans.change_details(
            plan, by=by, expected_version=1, details=details(caseworker="B. Newworker")
        )
    assert refused.value.messages == [plans.STALE_DETAILS]
    assert "Someone changed these details since you opened this page" in plans.STALE_DETAILS
    plan.refresh_from_db()
    assert plan.top_up_per_year == Decimal(12000) and plan.caseworker == "R. Ahmed"
    assert plan.version == 2 and entries("ehcp.plan_changed") == 1


def test_details_opened_before_a_new_version_was_recorded_are_refused():
    plan = record(pupil_without_plan())
    _amend(plan)
    plan.refresh_from_db()
    assert plan.version == 2
    with pytest.raises(ValidationError, match="Someone changed these details"):
        plans.change_details(
            plan,
            by=helpers.senco(plan.pupil),
            expected_version=1,
            details=details(la_reference="X"),
        )
    plan.refresh_from_db()
    assert plan.la_reference == "EHC12345"


def test_a_new_version_needs_the_version_it_started_from():
    plan = record(pupil_without_plan())
    with pytest.raises(TypeError, match="based_on"):
        plans.amend_plan(  # type: ignore[call-arg]
            plan,
            by=helpers.senco(plan.pupil),
            kind=PlanVersion.Kind.AMENDED,
            dated=helpers.days_ago(5),
            why="Annual review.",
            sections=SECTIONS,
            outcomes=[outcome()],
            provision=[item()],
        )
    assert [v.number for v in plans.versions_of(plan)] == [1]


# Ceasing.


def test_a_plan_ceases_and_keeps_everything():
    plan = record(pupil_without_plan())
    plans.cease_plan(plan, by=helpers.senco(plan.pupil), on=helpers.days_ago(1), why="Left.")
    plan.refresh_from_db()
    assert plan.ceased_on == helpers.days_ago(1) and not plan.is_current
    assert plans.current_version(plan).number == 1
    logged = AuditEntry.objects.get(action="ehcp.plan_ceased", pupil_id=plan.pupil_id)
    assert logged.changes["after"] == {"ceased_on": helpers.days_ago(1).isoformat(), "why": "Left."}
    # The end is a change of the plan's row: a page opened before it is out of date.
    assert plan.version == 2
    # A new plan can now be recorded.
    assert record(plan.pupil).is_current


@pytest.mark.parametrize(
    ("on", "why", "message"),
    [
        (lambda plan: access.today() + dt.timedelta(days=1), "Left.", "is in the future"),
        (lambda plan: plan.issued_on - dt.timedelta(days=1), "Left.", "before the plan was issued"),
        (lambda plan: access.today(), "", "Say why the plan ceased"),
        (lambda plan: access.today(), "Left\x00", "Remove the null character"),
    ],
)
def test_a_bad_end_is_refused_and_the_plan_stays_current(on, why, message):
    plan = record(pupil_without_plan())
    with pytest.raises(ValidationError) as refused:
        plans.cease_plan(plan, by=helpers.senco(plan.pupil), on=on(plan), why=why)
    assert any(message in m for m in refused.value.messages)
    plan.refresh_from_db()
    assert plan.is_current and entries("ehcp.plan_ceased") == 0


def test_a_plan_cannot_cease_before_its_latest_version():
    plan = record(pupil_without_plan())
    _amend(plan, dated=helpers.days_ago(5))
    with pytest.raises(ValidationError, match="is before the current version 2"):
        plans.cease_plan(plan, by=helpers.senco(plan.pupil), on=helpers.days_ago(6), why="Left.")
    plan.refresh_from_db()
    assert plan.is_current


def test_a_plan_cannot_cease_twice():
    plan = record(pupil_without_plan())
    plans.cease_plan(plan, by=helpers.senco(plan.pupil), on=access.today(), why="Left.")
    with pytest.raises(ValidationError, match="ceased on"):
        plans.cease_plan(plan, by=helpers.senco(plan.pupil), on=access.today(), why="Again.")
    assert entries("ehcp.plan_ceased") == 1
