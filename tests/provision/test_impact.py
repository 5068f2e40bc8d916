"""A group's impact against hand calculations (METRICS.md): attendance, ratio gains, the single
group effect size with its warning, EEF months, reliable change, and cost per month of progress."""

import datetime as dt
import html
import itertools
from decimal import Decimal

import pytest

from senco.accounts.models import User
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


# A comparison group, a provision across its groups, and what works here.

COMPARE_ENTRY, COMPARE_EXIT = dt.date(2026, 1, 20), dt.date(2026, 4, 20)


def own_test(name: str = "Reading age (impact comparison)") -> AssessmentType:
    """A reading-age test nobody else's results use, so the comparison holds only ours."""
    return AssessmentType.objects.create(
        school=helpers.senco().staff.first().school, name=name, kind="reading_age"
    )


def measured_group(entry, pupils, before, after, later=0, name="Year 3 reading, Tuesday"):
    group = services.start_group(
        entry, by=helpers.senco(), name=name, staff=[helpers.ta_staff()], pupils=pupils,
        starts=helpers.TODAY - dt.timedelta(days=70), ends=helpers.TODAY + dt.timedelta(days=10),
    )  # fmt: skip
    kind = entry.entry_assessment
    members = list(group.members.select_related("pupil").order_by("pk"))
    for member, pre, post in zip(members, before, after, strict=False):
        services.record_results(
            member, by=helpers.senco(),
            entry=Result.objects.create(pupil=member.pupil, assessment_type=kind, months=pre,
                                        taken_on=ENTRY + dt.timedelta(days=later)),
            exit=Result.objects.create(pupil=member.pupil, assessment_type=kind, months=post,
                                       taken_on=EXIT + dt.timedelta(days=later)),
        )  # fmt: skip
    return group


def on_roll(n: int) -> list:
    """n pupils of the demo school that the SENCO sees, on the register or not."""
    from senco.pupils.models import Pupil

    pupils = Pupil.objects.filter(
        school=helpers.senco().staff.first().school, left_on__isnull=True, is_confidential=False
    )
    return list(pupils.order_by("pk")[:n])


def one_a_year(n: int = 4) -> list:
    """The first register pupil of each year group that has another, for n year groups: the
    others are the comparison group's candidates."""
    from collections import Counter

    from senco.pupils import census
    from senco.pupils.models import Pupil

    register = list(
        Pupil.objects.filter(
            school=helpers.senco().staff.first().school, sen_provision__in=census.REGISTER_CODES,
            left_on__isnull=True, is_confidential=False,
        ).order_by("pk")
    )  # fmt: skip
    years = Counter(p.year_group for p in register)
    chosen: dict = {}
    for pupil in register:
        if years[pupil.year_group] > 1:
            chosen.setdefault(pupil.year_group, pupil)
    return list(chosen.values())[:n]


def others_like(members, n: int):
    """Pupils on the register, visible to the SENCO, in the members' year groups, not members."""
    from senco.pupils import census
    from senco.pupils.models import Pupil

    years = {p.year_group for p in members}
    return list(
        Pupil.objects.filter(
            school=members[0].school, sen_provision__in=census.REGISTER_CODES,
            left_on__isnull=True, is_confidential=False, year_group__in=years,
        ).exclude(pk__in=[p.pk for p in members]).order_by("pk")[:n]
    )  # fmt: skip


def two_results(pupil, kind, before: int, after: int, on=COMPARE_ENTRY, then=COMPARE_EXIT):
    Result.objects.create(pupil=pupil, assessment_type=kind, taken_on=on, months=before)
    Result.objects.create(pupil=pupil, assessment_type=kind, taken_on=then, months=after)


def group_with_comparison(gains=(2, 3, 4)):
    kind = own_test()
    entry = helpers.library_entry(entry_assessment=kind, exit_assessment=kind)
    members = one_a_year()
    group = measured_group(entry, members, [84, 90, 96, 100], [93, 96, 99, 100])
    others = others_like(members, len(gains) + 2)
    for pupil, gain in zip(others, gains, strict=False):
        two_results(pupil, kind, 90, 90 + gain)
    # Two more who do not count: tested 100 days before the window, and only once.
    two_results(others[len(gains)], kind, 80, 99, on=ENTRY - dt.timedelta(days=100))
    Result.objects.create(
        pupil=others[len(gains) + 1], assessment_type=kind, taken_on=COMPARE_ENTRY, months=80
    )
    return group, others[: len(gains)]


def test_hedges_g_against_similar_pupils_not_in_the_group_matches_a_hand_calculation(client_for):
    from senco.audit.models import AuditEntry

    group, others = group_with_comparison()
    page = client_for("senco").get(impact_url(group))
    comparison = page.context["comparison"]
    assert sorted(c.pupil.pk for c in comparison.pupils) == sorted(p.pk for p in others)
    # Gains 9, 6, 3, 0 (mean 4.5, SD √15) against 2, 3, 4 (mean 3, SD 1):
    # pooled SD = √((3·15 + 2·1)/5) = √9.4 = 3.06594; d = 1.5/3.06594 = 0.489246;
    # J = 1 - 3/(4·5 - 1) = 16/19; g = 0.411997.
    # SE = √(7/12 + g²/14) = 0.771659; 95% CI = g ± 1.96·SE = -1.100454 to 1.924448.
    figure = comparison.effect_size
    assert figure.value == pytest.approx(0.411997, abs=1e-6)
    assert figure.low == pytest.approx(-1.100454, abs=1e-5)
    assert figure.high == pytest.approx(1.924448, abs=1e-5)
    assert comparison.eef.months == 5  # 0.41 is 5 months
    assert b"0.41 (95% CI -1.10 to 1.92)" in page.content
    assert len(comparison.treated) == 4 and len(comparison.pupils) == 3
    entry = AuditEntry.objects.filter(action="provision.impact_viewed").latest("pk")
    assert {p.pk for p in others} <= set(entry.pupil_ids)


def test_too_few_comparison_pupils_say_so_instead_of_a_number(client_for):
    group, _ = group_with_comparison(gains=(2,))
    page = client_for("senco").get(impact_url(group))
    figure = page.context["comparison"].effect_size
    assert figure.value is None
    assert "1 in the comparison group" in figure.reason
    assert b"too few pupils to compare" in page.content


def test_the_comparison_group_narrows_by_year_and_need_and_refuses_unknown_choices(client_for):
    group, others = group_with_comparison()
    client = client_for("senco")
    year = others[0].year_group
    narrowed = client.get(impact_url(group), {"year": year}).context["comparison"]
    assert {c.pupil.year_group for c in narrowed.pupils} == {year}
    need = others[0].primary_need or "SPLD"
    by_need = client.get(impact_url(group), {"need": need}).context["comparison"]
    assert all(c.pupil.primary_need == need for c in by_need.pupils)
    for hostile in ({"year": "99"}, {"need": "<script>x</script>"}, {"year": "x" * 5000}):
        page = client.get(impact_url(group), hostile)
        assert page.status_code == 200 and page.context["comparison"] is None
        assert b"choose a year group and a need" in page.content
        assert b"<script>x" not in page.content


def two_groups_of_one_provision():
    """Two groups of the same reading provision; the second has a fifth pupil, not measured."""
    from senco.provision.costs import rates_of

    school = helpers.senco().staff.first().school
    head = User.objects.get(username="head")
    services.set_rate(school, by=head, role="ta", hourly_cost=Decimal(20))
    assert rates_of(school)["ta"] == Decimal(20)
    kind = own_test("Reading age (pooled)")
    entry = helpers.library_entry(
        name="Pooled reading (test)", entry_assessment=kind, exit_assessment=kind
    )
    pupils = on_roll(9)
    first = measured_group(entry, pupils[:4], [84, 90, 96, 100], [93, 96, 99, 100])
    second = measured_group(
        entry, pupils[4:], [80, 84, 88, 92], [86, 90, 94, 98], later=3, name="Second group"
    )
    return entry, first, second


def provision_url(entry) -> str:
    from django.urls import reverse

    return reverse("provision:provision_impact", args=[entry.public_id])


def test_a_provisions_impact_across_its_groups_matches_a_hand_calculation(client_for):
    entry, _, _ = two_groups_of_one_provision()
    page = client_for("senco").get(provision_url(entry))
    pooled = page.context["impact"]
    assert len(pooled.groups) == 2 and len(pooled.pupils) == 9 and len(pooled.measured) == 8
    # Gains 9, 6, 3, 0, 6, 6, 6, 6 over 3 months each: mean gain 5.25 / 3 = 1.75; the pupils'
    # own ratios 3, 2, 1, 0, 2, 2, 2, 2 have the same mean, 1.75.
    assert pooled.group_ratio_gain.value == pytest.approx(1.75)
    assert pooled.mean_ratio_gain.value == pytest.approx(1.75)
    # Before: mean 89.25, SD √(311.5/7) = 6.67083; after: mean 94.5.
    # c(7) = 1 - 3/27; d = (24/27)·5.25/6.67083 = 0.699563, which is 0.70: 9 months.
    assert pooled.effect_size.value == pytest.approx(0.699563, abs=1e-6)
    assert pooled.eef.months == 9
    # £20 an hour x 1.5 hours a week x 11 weeks = £330: £82.50 for 4 pupils, £66.00 for 5;
    # the mean of the groups' costs per pupil is £74.25.
    assert pooled.cost_per_pupil == Decimal("74.25")
    # £74.25 ÷ (5 months gained, 5.25 half up, - 3 elapsed) = £37.125, £37.13 to the penny.
    assert pooled.per_month.value == Decimal("37.13")
    assert pooled.attendance is None
    assert "8 pupils" in pooled.caution
    assert b"\xc2\xa374.25" in page.content and b"9 months of additional progress" in page.content


def test_another_schools_provision_or_group_is_not_found(client_for):
    entry, first, _ = two_groups_of_one_provision()
    client = client_for("other_senco")
    assert client.get(provision_url(entry)).status_code == 404
    assert client.get(impact_url(first)).status_code == 404


def works_url(**query) -> str:
    from django.urls import reverse

    url = reverse("provision:works")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_what_works_here_ranks_provisions_by_impact_with_their_cost(client_for):
    from django.urls import reverse

    entry, _, _ = two_groups_of_one_provision()
    weaker = helpers.library_entry(name="Weaker reading (test)")
    measured_group(weaker, on_roll(12)[9:], [84, 90, 96], [87, 93, 98], name="Weak")
    client = client_for("senco")
    page = client.get(works_url())
    rows = page.context["rows"]
    names = [r.provision.name for r in rows]
    assert names.index("Pooled reading (test)") < names.index("Weaker reading (test)")
    assert all(r.rank_key <= s.rank_key for r, s in itertools.pairwise(rows))
    assert b"\xc2\xa374.25" in page.content
    chosen = client.get(works_url(provision=entry.public_id))
    gains = [line["gain"] for line in chosen.context["before_after"]]
    assert sorted(gains) == [0, 3, 6, 6, 6, 6, 6, 9]
    for name in ("gain", "before-after"):
        svg = client.get(
            reverse("provision:works_chart", args=[name]), {"provision": entry.public_id}
        )
        assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert client.get(reverse("provision:works_chart", args=["nothing"])).status_code == 404
    document = client.get(reverse("provision:works_pdf"), {"provision": entry.public_id})
    assert document["Content-Type"] == "application/pdf"
    assert document.content.startswith(b"%PDF")
    assert client.get(works_url(year="1066")).status_code == 400
    assert client.get(works_url(provision="not-an-id")).status_code == 404


def test_the_impact_pages_cost_the_same_queries_however_many_groups_and_pupils(client_for):
    from tests.queries import queries_for

    entry, first, _ = two_groups_of_one_provision()
    client = client_for("senco")
    client.get(works_url())  # the first page a client reads loads its session once
    provision_before = queries_for(client, provision_url(entry))
    works_before = queries_for(client, works_url())
    group_before = queries_for(client, impact_url(first))
    measured_group(entry, on_roll(14)[9:], [84, 90, 96, 100, 90], [86, 93, 98, 104, 91],
                   name="Third group")  # fmt: skip
    two_results(others_like(one_a_year(), 1)[0], first.provision.entry_assessment, 90, 93)
    assert queries_for(client, provision_url(entry)) == provision_before
    assert queries_for(client, works_url()) == works_before
    assert queries_for(client, impact_url(first)) == group_before


def test_what_works_offers_the_year_before_when_this_year_has_nothing_measured(client_for):
    from django.urls import reverse

    from senco.provision.models import Member
    from senco.schools.calendar import academic_year_start

    this_year = dt.date(academic_year_start(dt.date.today()), 9, 1)
    Member.objects.filter(group__starts__gte=this_year).update(exit_result=None)
    page = client_for("senco").get(reverse("provision:works"))
    assert b"See the year before" in page.content


def test_the_impact_page_has_a_short_title_naming_no_pupil(client_for):
    group, _ = reading_group([84, 90, 96, 100], [93, 96, 99, 100])
    page = client_for("senco").get(impact_url(group)).content.decode()
    assert "<title>Impact of a group \N{EN DASH} OpenSENCO</title>" in page
