import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from senco.assessment import services
from senco.assessment.models import AssessmentType, Result
from senco.audit.models import AuditEntry
from senco.pupils.models import Source
from tests import targets
from tests.assessment import helpers

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 1)  # a Saturday: never a demo test day


def class_pupils(n: int = 3) -> list:
    return list(targets.visible("teacher", targets.home_school()).order_by("pk")[:n])


def recorded(kind: str = "reading_age", **changes) -> list[Result]:
    options = {
        "assessment_type": helpers.assessment_type(kind),
        "taken_on": DAY,
        "entries": {},
        "by": None,
    } | changes
    return services.record_results(**options)


def audit(action: str = "assessment.result_recorded"):
    return AuditEntry.objects.filter(action=action)


def test_results_are_recorded_with_an_audit_entry_each(persona):
    a, b, c = class_pupils()
    senco = persona("senco")
    saved = recorded(entries={a: "8.07", b: "9y 2m", c: ""}, by=senco)
    assert [(r.pupil, r.months, r.source, r.recorded_by) for r in saved] == [
        (a, 103, Source.ENTERED, senco),
        (b, 110, Source.ENTERED, senco),
    ]
    entries = audit().order_by("pk")
    assert [(e.pupil_id, e.actor_id) for e in entries] == [(a.pk, senco.pk), (b.pk, senco.pk)]
    assert entries[0].changes["after"] == {
        "assessment": "Salford reading age",
        "taken_on": "2025-03-01",
        "result": "8y 7m",
        "source": "entered",
    }
    assert entries[0].changes["before"] == {}


def test_recording_the_same_results_again_changes_nothing(persona):
    a, b, _ = class_pupils()
    recorded(entries={a: "8.07", b: "9.02"}, by=persona("ta"))
    before = audit().count()
    assert recorded(entries={a: "8y 7m", b: "9:02"}, by=persona("ta")) == []
    assert audit().count() == before
    assert Result.objects.filter(pupil__in=[a, b], taken_on=DAY).count() == 2


def test_a_correction_changes_the_result_and_logs_before_and_after(persona):
    a, b, _ = class_pupils()
    recorded(entries={a: "8.07", b: "9.02"}, by=persona("teacher"))
    changed = recorded(entries={a: "8.09", b: "9.02"}, by=persona("senco"))
    assert [(r.pupil, r.months) for r in changed] == [(a, 105)]
    entry = audit().latest("pk")
    assert entry.changes["before"]["result"] == "8y 7m"
    assert entry.changes["after"]["result"] == "8y 9m"
    assert Result.objects.get(pupil=a, taken_on=DAY).recorded_by == persona("senco")


def test_one_bad_entry_saves_nothing_and_names_each_pupil(persona):
    a, b, c = class_pupils()
    with pytest.raises(ValidationError) as refused:
        recorded(entries={a: "8.07", b: "8.13", c: "<script>"}, by=persona("teacher"))
    problems = refused.value.message_dict
    assert set(problems) == {str(b.public_id), str(c.public_id)}
    assert "months go from 0 to 11" in problems[str(b.public_id)][0]
    assert not Result.objects.filter(pupil__in=[a, b, c], taken_on=DAY).exists()
    assert not audit().exists()


def test_a_result_in_the_future_is_refused(persona, today):
    a, _, _ = class_pupils()
    with pytest.raises(ValidationError) as refused:
        recorded(entries={a: "8.07"}, taken_on=today + dt.timedelta(days=1), by=persona("senco"))
    assert "is in the future" in refused.value.message_dict["taken_on"][0]
    assert not Result.objects.filter(pupil=a, taken_on__gt=today).exists()


def test_a_pupil_of_another_school_or_not_yet_born_is_refused(persona):
    a, _, _ = class_pupils()
    elsewhere = targets.pupil_elsewhere()
    with pytest.raises(ValidationError) as refused:
        recorded(entries={a: "8.07", elsewhere: "8.07"}, by=persona("senco"))
    assert "not at the school" in refused.value.message_dict[str(elsewhere.public_id)][0]
    with pytest.raises(ValidationError) as refused:
        recorded(entries={a: "8.07"}, taken_on=a.date_of_birth - dt.timedelta(days=1))
    assert "before this pupil was born" in refused.value.message_dict[str(a.public_id)][0]


def test_an_import_never_overwrites_a_result_entered_by_hand(persona):
    a, b, _ = class_pupils()
    recorded(entries={a: "8.07"}, by=persona("teacher"))
    recorded(entries={b: "9.00"}, source=Source.IMPORTED)
    with pytest.raises(ValidationError) as refused:
        recorded(entries={a: "8.09", b: "9.01"}, source=Source.IMPORTED)
    assert "entered by hand" in refused.value.message_dict[str(a.public_id)][0]
    assert Result.objects.get(pupil=b, taken_on=DAY).months == 108
    # The same import with the hand-entered value agrees, so it goes through.
    changed = recorded(entries={a: "8.07", b: "9.01"}, source=Source.IMPORTED)
    assert [r.pupil for r in changed] == [b]
    # By hand, an imported result can be corrected.
    recorded(entries={b: "9.03"}, by=persona("senco"))
    assert Result.objects.get(pupil=b, taken_on=DAY).source == Source.ENTERED


def test_labels_and_scores_are_stored_in_their_own_fields(persona):
    a, b, _ = class_pupils()
    recorded("judgement", entries={a: "expected"}, by=persona("senco"))
    recorded("raw", entries={b: "31/40"}, by=persona("senco"))
    assert Result.objects.get(pupil=a, taken_on=DAY).label == "Expected"
    assert Result.objects.get(pupil=b, taken_on=DAY).score == Decimal(31)


def test_an_assessment_type_is_added_with_the_usual_scale_and_audited(persona):
    made = services.create_assessment_type(
        school=targets.home_school(), name="  Engagement:   persistence ", kind="engagement",
        by=persona("senco"), mean=50, maximum=7,
    )  # fmt: skip
    assert made.name == "Engagement: persistence"
    assert made.scale == ["Emerging", "Developing", "Secure"]
    assert (made.maximum, made.mean) == (None, 100)  # what does not apply is not kept
    entry = audit("assessment.type_created").get()
    assert entry.changes["after"]["scale"] == ["Emerging", "Developing", "Secure"]
    assert entry.school_id == targets.home_school().pk


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "salford READING age", "kind": "reading_age"}, "name", "already has"),
        ({"name": "", "kind": "reading_age"}, "name", "Give the assessment a name"),
        ({"name": "Quiz", "kind": "raw"}, "maximum", "highest mark"),
        ({"name": "Quiz", "kind": "raw", "maximum": "2.5"}, "maximum", "whole number"),
        ({"name": "T", "kind": "standardised", "reliability": "1.5"}, "reliability", "0 and 1"),
        ({"name": "T", "kind": "standardised", "sd": "0"}, "sd", "above 0"),
        ({"name": "T", "kind": "judgement", "scale": ["A", "a"]}, "scale", "listed twice"),
        ({"name": "T", "kind": "iq"}, "kind", "not a kind"),
    ],
)
def test_a_bad_assessment_type_is_refused_with_the_fix(persona, fields, field, message):
    with pytest.raises(ValidationError) as refused:
        services.create_assessment_type(school=targets.home_school(), by=persona("senco"), **fields)
    assert message in " ".join(refused.value.message_dict[field])
    assert not audit("assessment.type_created").exists()


def test_changing_a_type_keeps_the_results_it_already_holds(persona):
    senco = persona("senco")
    judgement = helpers.assessment_type("judgement")
    a, _, _ = class_pupils()
    recorded("judgement", entries={a: "Expected"}, by=senco)
    with pytest.raises(ValidationError, match="keep that label"):
        services.change_assessment_type(
            judgement, by=senco, scale=["Working towards", "Greater depth"]
        )
    changed = services.change_assessment_type(
        judgement, by=senco, name="Reading judgement", scale=["Below", *judgement.scale]
    )
    assert changed.scale[0] == "Below" and changed.kind == "judgement"
    entry = audit("assessment.type_changed").get()
    assert entry.changes["before"]["name"] == "Teacher judgement: reading"
    assert entry.changes["after"]["name"] == "Reading judgement"


def test_a_maximum_or_norms_that_would_orphan_a_result_are_refused(persona):
    senco = persona("senco")
    a, b, _ = class_pupils()
    recorded("raw", entries={a: "38"}, by=senco)
    with pytest.raises(ValidationError, match="cannot go below it"):
        services.change_assessment_type(helpers.assessment_type("raw"), by=senco, maximum=30)
    recorded("standardised", entries={b: "145"}, by=senco)
    with pytest.raises(ValidationError, match="would fall outside"):
        services.change_assessment_type(helpers.assessment_type("standardised"), by=senco, sd=10)
    assert not audit("assessment.type_changed").exists()


def test_saving_a_type_unchanged_writes_no_audit_entry(persona):
    services.change_assessment_type(helpers.assessment_type(), by=persona("senco"))
    assert not audit("assessment.type_changed").exists()


def test_a_name_another_type_has_is_refused_on_change(persona):
    with pytest.raises(ValidationError, match="already has an assessment called"):
        services.change_assessment_type(
            helpers.assessment_type(), by=persona("senco"), name="Engagement model"
        )
    assert AssessmentType.objects.filter(name="Salford reading age").exists()
