"""The evidence pack for a needs assessment request: the pupil's plan cycles and provision impact,
assembled from what is recorded, as a PDF with contents and appendices, in a fixed number of
queries however long the history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from senco.audit.models import AuditEntry
from senco.ehcp import evidence_pack
from senco.plans.models import Cycle, Plan
from senco.provision import impact
from senco.provision import services as provision
from tests import targets
from tests.documents.test_documents import pdf_content
from tests.ehcp.helpers import request_for, senco
from tests.plans import helpers as plans
from tests.provision import helpers as groups
from tests.queries import queries_for

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
NAME = "Reading catch-up for the pack"


def url(pupil, needs_request) -> str:
    kwargs = {"public_id": pupil.public_id, "request_id": needs_request.public_id}
    return reverse("pupils:ehcp:request_evidence", kwargs=kwargs)


def fresh_plan(pupil, cycles: int) -> Plan:
    """A new plan with `cycles` cycles, every one but the last reviewed."""
    Plan.objects.filter(pupil=pupil).delete()
    plan = plans.plan_for(pupil)
    for _ in range(cycles - 1):
        plans.review(plans.current(pupil), pupil_view="I like the reading games.")
    assert plan.cycles.count() == cycles
    return plan


def reading_place(pupil, name: str = NAME, tested_later: int = 0):
    """A place in a reading group: two sessions delivered (one attended), a reading age of
    7y 0m at entry and 7y 9m nine weeks later (`tested_later` days after the group starts), and
    the TA's hourly rate set so it is costed."""
    provision.set_rate(pupil.school, by=groups.senco(), role="ta", hourly_cost=Decimal(20))
    others = [p for p in groups.pupils(2) if p.pk != pupil.pk][:1]
    group = groups.group(groups.library_entry(name=name), members=[pupil, *others])
    for days_ago, came in ((60, [pupil.pk]), (53, [])):
        provision.record_session(
            group,
            by=groups.senco(),
            held_on=TODAY - dt.timedelta(days=days_ago),
            delivered=True,
            minutes=30,
            present=came,
        )
    member = group.members.get(pupil=pupil)
    provision.record_results(
        member,
        by=groups.senco(),
        entry=groups.result(pupil, 84, group.starts + dt.timedelta(days=tested_later)),
        exit=groups.result(pupil, 93, group.starts + dt.timedelta(days=tested_later, weeks=9)),
    )
    return group


def test_the_pack_holds_the_pupils_plan_cycles_and_provision_impact():
    pupil = targets.taught_pupil()
    fresh_plan(pupil, 2)
    reading_place(pupil)
    needs_request = request_for(pupil)
    found = evidence_pack.context(senco(), pupil, needs_request, TODAY)

    cycles = [c for plan in found["plans"] for c in plan.cycles.all()]
    assert [c.number for c in cycles] == [1, 2]
    reviewed = cycles[0]
    assert reviewed.status == Cycle.Status.REVIEWED
    assert {o.progress_label for o in reviewed.outcomes.all()} == {"Good progress"}
    assert [v.text for v in found["views"] if v.who == "The pupil"] == ["I like the reading games."]

    place = next(p for p in found["places"] if p.group.provision.name == NAME)
    assert (place.figures.present, place.figures.delivered, place.figures.attendance) == (1, 2, 50)
    months = impact.months_between(place.figures.entry.taken_on, place.figures.exit.taken_on)
    assert place.figures.gain == 9 and place.figures.ratio_gain.value == pytest.approx(9 / months)
    assert place.cost.per_pupil is not None and place.cost.members == 2

    html = render_to_string(
        "documents/evidence_pack.html",
        found | {"school": pupil.school, "printed_by": "Test", "printed_at": timezone.now()},
    )
    assert f"{NAME}: Year 3 reading, Tuesday" in html
    assert "1 of 2 (50%)" in html and "Ratio gain" in html
    assert f"£{place.cost.per_pupil:,.2f}" in html
    assert place.per_month.value is not None and f"£{place.per_month.value}" in html
    for outcome in reviewed.outcomes.all():
        assert outcome.text in html
    assert "Contents" in html and 'href="#provision"' in html


def test_the_pdf_opens_with_its_sections_and_names_the_pupil_by_initials_only(client_for):
    pupil = targets.taught_pupil()
    fresh_plan(pupil, 2)
    reading_place(pupil)
    needs_request = request_for(pupil)
    response = client_for("senco").get(url(pupil, needs_request))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    content = pdf_content(response.content)
    for heading in (b"1. Pupil details", b"3. Assess, plan, do, review", b"8. Appendices"):
        assert heading in content
    assert b"SEN support plan, cycle 2" in content
    assert NAME.encode() in content
    disposition = response["Content-Disposition"]
    assert f"ehc-evidence-{pupil.initials}-" in disposition
    assert pupil.last_name not in disposition and "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="ehcp.evidence_pack_downloaded")
    assert entry.pupil_id == pupil.pk and entry.actor_label == "senco"


def test_the_reports_from_outside_are_listed_and_each_is_an_appendix():
    pupil = targets.parents_child()
    found = evidence_pack.context(senco(), pupil, request_for(pupil), TODAY)
    reports = list(pupil.reports.order_by("dated", "pk"))
    assert [a.report for a in found["appendices"]] == reports
    assert [a.letter for a in found["appendices"]] == [chr(65 + n) for n in range(len(reports))]


def test_appendix_letters_go_on_after_z():
    assert [evidence_pack._letter(n) for n in (0, 25, 26, 27, 52)] == ["A", "Z", "AA", "AB", "BA"]


def test_the_pack_costs_the_same_queries_at_2_and_8_cycles(client_for):
    pupil = targets.taught_pupil()
    needs_request = request_for(pupil)
    client = client_for("senco")
    fresh_plan(pupil, 2)
    reading_place(pupil)
    queries_for(client, url(pupil, needs_request))  # the session is saved on the first
    few = queries_for(client, url(pupil, needs_request))
    fresh_plan(pupil, 8)
    reading_place(pupil, "Phonics for the pack", tested_later=1)
    reading_place(pupil, "Spelling for the pack", tested_later=2)
    assert queries_for(client, url(pupil, needs_request)) == few


HOSTILE = '<img src=x onerror=alert(1)> <script>alert("x")</script> said\x01 \x07so\x0b'


def test_hostile_text_in_a_view_is_printed_as_text(client_for):
    pupil = targets.taught_pupil()
    plan = fresh_plan(pupil, 1)
    plans.review(plans.current(pupil), pupil_view=HOSTILE)
    response = client_for("senco").get(url(pupil, request_for(pupil)))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert b"/Subtype /Image" not in pdf_content(response.content)
    assert plan.cycles.count() == 2
