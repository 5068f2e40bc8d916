"""A group's impact against hand calculations (METRICS.md): attendance, ratio gains, the single
group effect size with its warning, EEF months, reliable change, and cost per month of progress."""

import datetime as dt
import html
from decimal import Decimal

import pytest

from senco.assessment import metrics
from senco.assessment.models import AssessmentType, Result
from senco.provision import impact, services
from tests.provision import helpers

pytestmark = pytest.mark.django_db
ENTRY, EXIT = dt.date(2026, 1, 10), dt.date(2026, 4, 10)  # three whole months apart


def reading_group(
    before: list[int], after: list[int], name: str = "Reading catch-up (test)", later: int = 0
):
    """A reading group of four whose pupils were tested on ENTRY and EXIT (`later` days on)."""
    group = helpers.group(helpers.library_entry(name=name))
    entry, exit_ = ENTRY + dt.timedelta(days=later), EXIT + dt.timedelta(days=later)
    members = list(group.members.select_related("pupil").order_by("pk"))
    for member, pre, post in zip(members, before, after, strict=True):
        services.record_results(
            member,
            by=helpers.senco(),
            entry=helpers.result(member.pupil, pre, entry),
            exit=helpers.result(member.pupil, post, exit_),
        )
    members = list(
        group.members.select_related(
            "pupil", "entry_result__assessment_type", "exit_result__assessment_type"
        ).order_by("pk")
    )
    return group, members


def test_months_between_counts_a_month_once_its_day_is_reached():
    assert impact.months_between(dt.date(2026, 9, 10), dt.date(2026, 12, 9)) == 2
    assert impact.months_between(dt.date(2026, 9, 10), dt.date(2026, 12, 10)) == 3


def test_a_reading_groups_impact_matches_a_hand_calculation():
    # Reading ages before 7.00, 7.06, 8.00, 8.04 (84, 90, 96, 100 months); after 93, 96, 99, 100.
    group, members = reading_group([84, 90, 96, 100], [93, 96, 99, 100])
    # Ten sessions; one pupil missed two: 38 of 40 places taken.
    present = {m.pupil_id: 10 for m in members} | {members[0].pupil_id: 8}
    result = impact.measure(group, members, present, delivered=10)
    assert result.attendance == 95
    assert [p.gain for p in result.pupils] == [9, 6, 3, 0]
    assert [p.elapsed_months for p in result.pupils] == [3, 3, 3, 3]
    # Group ratio gain (Brooks): mean gain 4.5 / mean elapsed 3 = 1.5; the mean of ratios is
    # (3 + 2 + 1 + 0) / 4 = 1.5 too here, as every pupil had the same time.
    assert result.group_ratio_gain.value == pytest.approx(1.5)
    assert result.mean_ratio_gain.value == pytest.approx(1.5)
    # Single group change: SD before = sqrt((8.5² + 2.5² + 3.5² + 7.5²) / 3) = 7;
    # c(3) = 1 - 3/11; d = (1 - 3/11) * (97 - 92.5) / 7 = 0.4675, which is 0.47: 6 months.
    assert result.effect_size.value == pytest.approx(0.467532, abs=1e-6)
    assert metrics.SINGLE_GROUP_WARNING in result.effect_size.notes
    assert result.eef is not None and result.eef.months == 6
    assert "4" in result.caution
    # Cost per month: £125 a pupil ÷ (5 months gained, half up from 4.5, - 3 elapsed) = £62.50.
    assert impact.cost_per_month(Decimal(125), result).value == Decimal("62.50")


def test_no_progress_beyond_normal_and_no_results_say_why_instead_of_a_number():
    group, members = reading_group([84, 90, 96, 100], [86, 92, 98, 102])
    result = impact.measure(group, members, {}, delivered=0)
    assert result.attendance is None
    figure = impact.cost_per_month(Decimal(125), result)
    assert figure.value is None and "no progress beyond normal" in figure.reason
    empty = impact.measure(group, [], {}, delivered=3)
    assert empty.group_ratio_gain.value is None and empty.group_ratio_gain.reason
    assert empty.effect_size.value is None and empty.eef is None


def test_a_standardised_test_gives_reliable_change_only_with_its_reliability():
    kind = AssessmentType.objects.create(
        school=helpers.senco().staff.first().school, name="Reading test (impact)",
        kind="standardised", reliability=Decimal("0.9"),
    )  # fmt: skip
    group = helpers.group(helpers.library_entry(entry_assessment=kind, exit_assessment=kind))
    member = group.members.select_related("pupil")[0]
    services.record_results(
        member,
        by=helpers.senco(),
        entry=Result.objects.create(
            pupil=member.pupil, assessment_type=kind, taken_on=ENTRY, score=80
        ),
        exit=Result.objects.create(
            pupil=member.pupil, assessment_type=kind, taken_on=EXIT, score=95
        ),
    )
    member = group.members.select_related(
        "pupil", "entry_result__assessment_type", "exit_result__assessment_type"
    ).get(pk=member.pk)
    pupil = impact.measure(group, [member], {}, delivered=0).pupils[0]
    # S_diff = sqrt(2) * 15 * sqrt(0.1) = 6.708; RC = 15 / 6.708 = 2.236: reliable.
    assert pupil.reliable_change.value == pytest.approx(2.2361, abs=1e-4)
    assert pupil.ratio_gain is None
    kind.reliability = None
    kind.save()
    member.entry_result.assessment_type.reliability = None
    pupil = impact.measure(group, [member], {}, delivered=0).pupils[0]
    assert pupil.reliable_change.value is None and "reliability" in pupil.reliable_change.reason
    assert impact.measure(group, [member], {}, delivered=0).group_ratio_gain.value is None


def impact_url(group) -> str:
    from django.urls import reverse

    return reverse("provision:group_impact", args=[group.public_id])


def test_the_impact_page_shows_the_figures_and_costs_the_same_however_many_pupils(client_for):
    from tests.queries import queries_for

    group, _ = reading_group([84, 90, 96, 100], [93, 96, 99, 100])
    client = client_for("senco")
    page = client.get(impact_url(group))
    assert b"1.50: small impact (modest)" in page.content
    assert b"6 months of additional progress" in page.content
    assert html.escape(metrics.SINGLE_GROUP_WARNING).encode() in page.content
    before = queries_for(client, impact_url(group))
    bigger, _ = reading_group([84, 90, 96, 100], [93, 96, 99, 100], name="Bigger group", later=1)
    services.add_member(bigger, helpers.pupils(6)[5], by=helpers.senco(), joined=bigger.starts)
    assert queries_for(client, impact_url(bigger)) == before
    assert client_for("teacher").get(impact_url(group)).status_code == 403
