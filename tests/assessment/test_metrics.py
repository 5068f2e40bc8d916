"""metrics: each figure against a hand calculation (arithmetic in the comments) or a published one.

Pure functions: no database.
"""

import ast
import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from senco.assessment import metrics
from senco.assessment.metrics import Figure, NotComputable

effect_sizes = st.floats(min_value=-2, max_value=2, allow_nan=False)
scores = st.integers(min_value=40, max_value=160)


# --- ages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "months"),
    [("8.11", 107), ("8.1", 97), ("8.10", 106), ("8.07", 103), ("8:11", 107), ("8y 11m", 107),
     ("8 years 11 months", 107), ("8", 96), (" 7.06 ", 90)],
)  # fmt: skip
def test_an_age_is_years_and_months_not_a_decimal(text, months):
    # 8.11 = 8 x 12 + 11 = 107; 8.1 = 8 x 12 + 1 = 97; 7.06 = 84 + 6 = 90
    assert metrics.parse_age(text) == months


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("8.12", "Age 8.12: months go from 0 to 11; write 8.11 or 9.00."),
        ("-1", "Age -1: an age cannot be negative."),
        ("-8.03", "Age -8.03: an age cannot be negative."),
        ("16+", "beyond the test's range"),
        ("<5.00", "beyond the test's range"),
        ("eight", "write years and months, such as 8.07 or 8y 7m"),
        ("8.5 years", "write years and months"),
        ("1.06", "years go from 2 to 25"),
        ("", "nothing was written"),
    ],
)
def test_nonsense_ages_are_refused_saying_what_is_wrong(text, message):
    with pytest.raises(ValueError) as refused:
        metrics.parse_age(text)
    assert message in str(refused.value)


def test_a_refusal_names_the_kind_of_age_it_was_given():
    with pytest.raises(ValueError, match=r"^Reading age 8\.13: months go from 0 to 11"):
        metrics.parse_age("8.13", name="Reading age")


def test_ages_are_shown_as_years_point_months():
    assert metrics.show_age(107) == "8.11"
    assert metrics.show_age(103) == "8.07"
    assert metrics.show_age(96) == "8.00"
    with pytest.raises(ValueError):
        metrics.show_age(-1)


@given(st.integers(min_value=2 * 12, max_value=25 * 12 + 11))
def test_a_shown_age_reads_back_the_same(months):
    assert metrics.parse_age(metrics.show_age(months)) == months


# --- ratio gain ---------------------------------------------------------------------------


def test_the_worked_ratio_gain():
    # 7.06 -> 8.02 over 6 months: 90 -> 98 months, gain 8; RG = 8 / 6 = 1.33, below 1.4
    gain = metrics.parse_age("8.02") - metrics.parse_age("7.06")
    rg = metrics.ratio_gain(gain, 6)
    assert gain == 8
    assert rg == pytest.approx(1.3333, abs=1e-4)
    assert metrics.ratio_gain_band(rg) == "very small impact (doubtful significance)"
    assert metrics.ratio_gain_band(rg, metrics.BROOKS_LATER) == "modest impact"


@pytest.mark.parametrize(
    ("rg", "label"),
    [(-0.5, "very small"), (1.39, "very small"), (1.4, "small"), (1.99, "small"),
     (2.0, "medium"), (2.99, "medium"), (3.0, "large"), (5.0, "large")],
)  # fmt: skip
def test_brooks_bands_start_at_their_lower_bound(rg, label):
    assert metrics.ratio_gain_band(rg).startswith(label)


def test_the_bands_are_data_with_their_source():
    assert "Brooks" in metrics.BROOKS_2007.source
    assert "2007" in metrics.BROOKS_2007.edition
    own = metrics.Bands("school's", "our policy", "2025", (-math.inf, 1.0), ("no", "yes"))
    assert metrics.ratio_gain_band(1.2, own) == "yes"


def test_group_ratio_gain_and_the_mean_of_ratio_gains_differ():
    pupils = [(84, 96, 6), (90, 93, 12)]
    # gains 12 and 3; elapsed 6 and 12
    # Brooks: mean gain 7.5 / mean elapsed 9 = 0.8333
    assert metrics.group_ratio_gain(pupils) == pytest.approx(0.8333, abs=1e-4)
    # pupils' own: 12 / 6 = 2.0 and 3 / 12 = 0.25; mean 1.125
    assert metrics.mean_ratio_gain(pupils) == pytest.approx(1.125)


def test_a_ratio_gain_needs_time_to_pass_and_pupils():
    with pytest.raises(ValueError, match="must come after the first"):
        metrics.ratio_gain(8, 0)
    with pytest.raises(NotComputable, match="No pupil has both results"):
        metrics.group_ratio_gain([])
    with pytest.raises(ValueError, match="Pupil 2's months elapsed must be at least 1"):
        metrics.group_ratio_gain([(84, 96, 6), (84, 96, 0)])
    with pytest.raises(ValueError, match="Pupil 1: give"):
        metrics.mean_ratio_gain([(84, 96)])  # type: ignore[list-item]


def test_a_ratio_gain_figure_says_na_for_a_scale_without_ages():
    figure = metrics.group_ratio_gain_figure([(84, 96, 6)], age_based=False)
    assert figure.value is None
    assert figure.shown().startswith("n/a: a ratio gain needs a reading or spelling age")


def test_a_ratio_gain_figure_leaves_out_missing_pupils_and_cautions_small_groups():
    figure = metrics.group_ratio_gain_figure([(84, 96, 6), None, (90, 93, 12)])
    assert figure.value == pytest.approx(0.8333, abs=1e-4)
    assert figure.method.startswith("Brooks")
    assert any("With 2 pupils" in note for note in figure.notes)
    empty = metrics.mean_ratio_gain_figure([None, None])
    assert empty.value is None and "No pupil has both results" in empty.reason


def test_a_pupil_at_the_tests_ceiling_is_noted():
    figure = metrics.mean_ratio_gain_figure([(150, 160, 6), (84, 90, 6)], ceiling_months=160)
    assert "1 of 2 reached the test's ceiling (13.04)" in " ".join(figure.notes)


@given(st.integers(-24, 48), st.integers(-24, 48), st.integers(1, 36))
def test_more_gain_never_gives_a_smaller_ratio_gain(a, b, elapsed):
    low, high = sorted((a, b))
    assert metrics.ratio_gain(low, elapsed) <= metrics.ratio_gain(high, elapsed)


@given(
    st.lists(st.tuples(st.integers(60, 200), st.integers(0, 30)), min_size=1), st.integers(1, 24)
)
def test_both_group_figures_agree_when_every_pupil_had_the_same_time(pupils, elapsed):
    triples = [(pre, pre + gain, elapsed) for pre, gain in pupils]
    assert metrics.group_ratio_gain(triples) == pytest.approx(metrics.mean_ratio_gain(triples))


# --- standardised scores ------------------------------------------------------------------


def test_percentiles_of_standardised_scores():
    # Φ(0) = 0.5; Φ(-1) = 0.158655; Φ(-2) = 0.022750; Φ(1) = 0.841345
    assert metrics.percentile(100) == pytest.approx(50)
    assert metrics.percentile(85) == pytest.approx(15.8655, abs=1e-4)
    assert metrics.percentile(70) == pytest.approx(2.2750, abs=1e-4)
    assert metrics.percentile(115) == pytest.approx(84.1345, abs=1e-4)
    # another test's norms: mean 50, SD 10, score 60 is z = 1
    assert metrics.percentile(60, mean=50, sd=10) == pytest.approx(84.1345, abs=1e-4)


@pytest.mark.parametrize(
    ("score", "band"),
    [(69, "bottom 2%"), (70, "below average"), (84, "below average"), (85, "average"),
     (115, "average"), (116, "above average")],
)  # fmt: skip
def test_standardised_bands(score, band):
    assert metrics.standardised_band(score).startswith(band)


def test_jcq_counts_84_or_lower_as_below_average():
    assert metrics.jcq_below_average(84)
    assert not metrics.jcq_below_average(85)


@given(st.floats(min_value=0, max_value=60))
def test_percentiles_are_symmetric_about_100(distance):
    above, below = metrics.percentile(100 + distance), metrics.percentile(100 - distance)
    assert above + below == pytest.approx(100)
    assert below <= 50 <= above


# --- effect sizes -------------------------------------------------------------------------


def test_hedges_g_by_hand():
    # T: mean 105, SD 10, n 10; C: mean 100, SD 12, n 12
    # pooled SD = √((9 x 100 + 11 x 144) / 20) = √(2484 / 20) = √124.2 = 11.14451
    # d = 5 / 11.14451 = 0.448651
    # J = 1 - 3 / (4 x 20 - 1) = 1 - 3/79 = 0.962025; g = 0.962025 x 0.448651 = 0.431614
    # SE = √(22/120 + 0.431614² / 44) = √(0.183333 + 0.004234) = √0.187567 = 0.433090
    # CI = 0.431614 ± 1.96 x 0.433090 = 0.431614 ± 0.848857 = (-0.417243, 1.280471)
    assert metrics.pooled_sd(10, 10, 12, 12) == pytest.approx(11.14451, abs=1e-5)
    assert metrics.cohens_d(105, 10, 10, 100, 12, 12) == pytest.approx(0.448651, abs=1e-6)
    g, low, high = metrics.hedges_g(105, 10, 10, 100, 12, 12)
    assert g == pytest.approx(0.431614, abs=1e-6)
    assert low == pytest.approx(-0.417243, abs=1e-6)
    assert high == pytest.approx(1.280471, abs=1e-6)
    # Glass: 5 / 12 = 0.416667
    assert metrics.glass_delta(105, 100, 12) == pytest.approx(0.416667, abs=1e-6)


def test_hedges_g_matches_borenstein_et_al_worked_example():
    # Borenstein, Hedges, Higgins and Rothstein (2009), Introduction to Meta-Analysis, ch. 4:
    # 103 (SD 5.5, n 50) against 100 (SD 4.5, n 50): published d = 0.5970, J = 0.9923, g = 0.5924
    assert metrics.cohens_d(103, 5.5, 50, 100, 4.5, 50) == pytest.approx(0.5970, abs=5e-5)
    assert metrics.hedges_j(98) == pytest.approx(0.9923, abs=5e-5)
    g, low, high = metrics.hedges_g(103, 5.5, 50, 100, 4.5, 50)
    assert g == pytest.approx(0.5924, abs=5e-5)
    # METRICS.md's SE, with g: √(100/2500 + 0.59244² / 200) = √0.041755 = 0.204340
    # CI = 0.59244 ± 0.400507 = (0.19193, 0.99295)
    assert (low, high) == (pytest.approx(0.19193, abs=1e-5), pytest.approx(0.99295, abs=1e-5))


def test_the_exact_j_is_offered_and_close_to_the_approximation():
    # exact J(98) = 0.992324; approximate 1 - 3/391 = 0.992327
    assert metrics.hedges_j(98, exact=True) == pytest.approx(0.992324, abs=1e-6)
    # exact J(2) = Γ(1) / (1 x Γ(0.5)) = 1 / √π = 0.564190; approximate 1 - 3/7 = 0.571429
    assert metrics.hedges_j(2, exact=True) == pytest.approx(1 / math.sqrt(math.pi))
    assert metrics.hedges_j(2) == pytest.approx(4 / 7)
    assert "EEF" in metrics.J_APPROXIMATE


def test_effect_sizes_refuse_groups_of_one_and_no_spread():
    with pytest.raises(NotComputable, match="A group of one has no standard deviation"):
        metrics.hedges_g(105, 0, 1, 100, 12, 12)
    with pytest.raises(NotComputable, match="no spread"):
        metrics.cohens_d(105, 0, 4, 100, 0, 4)
    with pytest.raises(NotComputable, match="no spread"):
        metrics.glass_delta(105, 100, 0)
    with pytest.raises(ValueError, match="cannot be negative"):
        metrics.pooled_sd(-1, 4, 10, 4)


def test_hedges_g_figure_from_scores():
    # T: 98, 102, 106, 110 (mean 104, SD √(80/3) = 5.163978)
    # C: 96, 100, 104 (mean 100, SD 4); pooled = √((3 x 80/3 + 2 x 16) / 5) = √(112/5) = 4.732864
    # d = 4 / 4.732864 = 0.845154; J = 1 - 3/19 = 0.842105; g = 0.711709
    figure = metrics.hedges_g_figure([98, 102, 106, 110], [96, 100, 104])
    assert figure.value == pytest.approx(0.711709, abs=1e-6)
    # SE = √(7/12 + 0.711709² / 14) = √(0.583333 + 0.036181) = √0.619514 = 0.787092
    # CI = 0.711709 ± 1.96 x 0.787092 = 0.711709 ± 1.542700 = (-0.830991, 2.254409)
    assert figure.low == pytest.approx(-0.830991, abs=1e-5)
    assert figure.high == pytest.approx(2.254409, abs=1e-5)
    assert "4·df - 1" in figure.method
    assert any("With 4 pupils" in note for note in figure.notes)
    alone = metrics.hedges_g_figure([104], [96, 100, 104])
    assert alone.value is None and "at least 2" in alone.reason


def test_the_single_group_change_carries_its_warning():
    # before 80, 85, 90, 95: mean 87.5, SD √((56.25 + 6.25 + 6.25 + 56.25) / 3) = 6.454972
    # after 88, 90, 97, 101: mean 94; change 6.5
    # c(3) = 1 - 3 / 11 = 0.727273; d = 0.727273 x 6.5 / 6.454972 = 0.732346
    figure = metrics.single_group_change([80, 85, 90, 95], [88, 90, 97, 101])
    assert figure.value == pytest.approx(0.732346, abs=1e-6)
    assert metrics.SINGLE_GROUP_WARNING in figure.notes
    assert metrics.standardised_mean_change(87.5, 94, 6.454972, 4) == pytest.approx(
        0.732346, abs=1e-6
    )


def test_a_single_group_too_small_or_without_spread_gives_no_figure():
    # c(1) = 1 - 3/3 = 0: two pupils would always show 0
    two = metrics.single_group_change([80, 90], [90, 95])
    assert two.value is None and "at least 3 pupils" in two.reason
    assert metrics.SINGLE_GROUP_WARNING in two.notes
    same = metrics.single_group_change([90, 90, 90], [95, 96, None])
    assert same.value is None and "at least 3 pupils" in same.reason
    flat = metrics.single_group_change([90, 90, 90], [95, 96, 97])
    assert flat.value is None and "no spread" in flat.reason


def test_the_change_beyond_expected_growth():
    # (observed 12 - expected 4) / SD 15 = 8 / 15 = 0.533333
    assert metrics.growth_adjusted_change(12, 4, 15) == pytest.approx(0.533333, abs=1e-6)


@given(
    st.floats(80, 120), st.floats(1, 20), st.integers(2, 40),
    st.floats(80, 120), st.floats(1, 20), st.integers(2, 40),
)  # fmt: skip
def test_swapping_the_groups_mirrors_hedges_g(mt, st_, nt, mc, sc, nc):
    g, low, high = metrics.hedges_g(mt, st_, nt, mc, sc, nc)
    g2, low2, high2 = metrics.hedges_g(mc, sc, nc, mt, st_, nt)
    assert g2 == pytest.approx(-g)
    assert (low2, high2) == (pytest.approx(-high), pytest.approx(-low))
    assert low <= g <= high
    assert abs(g) <= abs(metrics.cohens_d(mt, st_, nt, mc, sc, nc)) + 1e-12


# --- EEF months ---------------------------------------------------------------------------

BOUNDARIES = [
    (0, "-0.01", "0.01"), (1, "0.02", "0.09"), (2, "0.10", "0.18"), (3, "0.19", "0.26"),
    (4, "0.27", "0.35"), (5, "0.36", "0.44"), (6, "0.45", "0.52"), (7, "0.53", "0.61"),
    (8, "0.62", "0.69"), (9, "0.70", "0.78"), (10, "0.79", "0.87"), (11, "0.88", "0.95"),
    (12, "0.96", "1.00"),
]  # fmt: skip


@pytest.mark.parametrize(("months", "lower", "upper"), BOUNDARIES)
def test_eef_months_at_every_band_boundary(months, lower, upper):
    for text in (lower, upper):
        assert metrics.eef_months(float(text)) == months, text
        assert metrics.eef_months(Decimal(text)) == months, text
    # half a hundredth above the upper bound rounds up (half up) into the next band:
    # 0.015 -> 0.02 (1), 0.095 -> 0.10 (2), 0.185 -> 0.19 (3) ... 0.955 -> 0.96 (12)
    above = str(Decimal(upper) + Decimal("0.005"))
    if months < 12:
        assert metrics.eef_months(float(above)) == months + 1, above
    # and just under half a hundredth stays in the band: 0.0149 -> 0.01
    below = str(Decimal(upper) + Decimal("0.0049"))
    assert metrics.eef_months(float(below)) == months, below


def test_eef_half_up_not_bankers_rounding():
    # round(0.125, 2) is 0.12 in Python (binary and half even); half up on the decimal is 0.13
    assert metrics.eef_progress(0.125).rounded == Decimal("0.13")
    assert metrics.eef_months(0.015) == 1
    assert metrics.eef_months(0.185) == 3
    assert metrics.eef_months(0.005) == 0


def test_negative_effect_sizes_give_the_same_months_negative():
    assert metrics.eef_months(-0.44) == -5
    assert metrics.eef_months(-0.015) == -1
    assert metrics.eef_progress(-0.5).label == "high"


def test_effect_sizes_above_one_are_capped_at_twelve_and_say_so():
    assert metrics.eef_months(1.2) == 12
    progress = metrics.eef_progress(1.2)
    assert progress.capped and progress.months == 12
    assert metrics.eef_progress(-3).months == -12 and metrics.eef_progress(-3).capped
    assert not metrics.eef_progress(1.004).capped  # rounds to 1.00, in the table
    assert metrics.eef_progress(1.005).capped  # rounds to 1.01
    assert "capped" in metrics.EEF_TOOLKIT.cap_note
    assert "Education Endowment Foundation" in metrics.EEF_TOOLKIT.source


@pytest.mark.parametrize("nonsense", [math.nan, math.inf, "abc", None])
def test_eef_months_refuses_what_is_not_a_number(nonsense):
    with pytest.raises(ValueError, match="must be a number"):
        metrics.eef_months(nonsense)


@given(effect_sizes, effect_sizes)
def test_eef_months_never_fall_as_the_effect_size_rises(a, b):
    low, high = sorted((a, b))
    assert metrics.eef_months(low) <= metrics.eef_months(high)


@given(effect_sizes)
def test_eef_months_are_symmetric(es):
    assert metrics.eef_months(-es) == -metrics.eef_months(es)
    assert 0 <= abs(metrics.eef_months(es)) <= 12


# --- reliable change ----------------------------------------------------------------------


def test_reliable_change_with_sd_15_and_reliability_point_9():
    # SE_m = 15 x √(1 - 0.9) = 15 x 0.316228 = 4.743416; S_diff = √2 x 4.743416 = 6.708204
    # 80 -> 95: RC = 15 / 6.708204 = 2.236068, beyond 1.96: reliable
    # 80 -> 92: RC = 12 / 6.708204 = 1.788854: within measurement error
    rc = metrics.reliable_change(80, 95, 15, 0.9)
    assert rc == pytest.approx(2.236068, abs=1e-6)
    assert metrics.is_reliable_change(rc)
    assert metrics.reliable_change(80, 92, 15, 0.9) == pytest.approx(1.788854, abs=1e-6)
    assert not metrics.is_reliable_change(1.788854)
    assert metrics.is_reliable_change(-2.0)


@pytest.mark.parametrize(("sd", "r"), [(0, 0.9), (-15, 0.9), (15, 1), (15, -0.1), (15, 1.5)])
def test_reliable_change_refuses_impossible_tests(sd, r):
    with pytest.raises(ValueError):
        metrics.reliable_change(80, 95, sd, r)


@given(scores, scores, st.floats(min_value=0, max_value=0.99))
def test_reliable_change_is_antisymmetric_and_grows_with_reliability(pre, post, r):
    rc = metrics.reliable_change(pre, post, 15, r)
    assert metrics.reliable_change(post, pre, 15, r) == pytest.approx(-rc)
    assert abs(metrics.reliable_change(pre, post, 15, min(r + 0.005, 0.995))) >= abs(rc)


# --- cost ---------------------------------------------------------------------------------


def test_cost_per_pupil_of_the_issues_group_of_four():
    # £25 an hour x 2 hours a week x 10 weeks = £500; ÷ 4 pupils = £125
    assert metrics.cost_per_pupil(25, 2, 10, 4) == 125
    assert metrics.cost_per_pupil(25, 2, 10, 4) == Decimal("125.00")


def test_other_costs_are_the_groups_total_shared_across_its_pupils():
    # (£500 staff + £100 materials and licences) ÷ 4 = £150
    assert metrics.cost_per_pupil(25, 2, 10, 4, other_costs=100) == Decimal("150.00")
    # £18.40 x 1.5 x 12 = £331.20; (331.20 + 45) ÷ 3 = 125.40
    assert metrics.cost_per_pupil("18.40", "1.5", 12, 3, other_costs=45) == Decimal("125.40")


def test_cost_is_rounded_to_the_penny_half_up():
    # £20 ÷ 3 = 6.6666... -> 6.67; £10 ÷ 3 = 3.333... -> 3.33; £0.25 ÷ 2 = 0.125 -> 0.13
    assert metrics.cost_per_pupil(20, 1, 1, 3) == Decimal("6.67")
    assert metrics.cost_per_pupil(10, 1, 1, 3) == Decimal("3.33")
    assert metrics.cost_per_pupil("0.25", 1, 1, 2) == Decimal("0.13")


@pytest.mark.parametrize(
    ("args", "message"),
    [((-25, 2, 10, 4), "hourly cost cannot be negative"),
     ((25, 2, 10, 0), "group size must be at least 1"),
     ((25, 2, 10, 2.5), "group size must be a whole number"),
     ((25, "two", 10, 4), "hours a week must be an amount")],
)  # fmt: skip
def test_impossible_costs_are_refused(args, message):
    with pytest.raises(ValueError, match=message):
        metrics.cost_per_pupil(*args)
    with pytest.raises(ValueError, match="other costs cannot be negative"):
        metrics.cost_per_pupil(25, 2, 10, 4, other_costs=-1)


@given(st.integers(1, 30), st.integers(1, 30), st.integers(0, 100), st.integers(0, 100))
def test_a_bigger_group_never_costs_more_per_pupil(a, b, hours, other):
    small, big = sorted((a, b))
    assert metrics.cost_per_pupil(25, hours, 10, big, other) <= metrics.cost_per_pupil(
        25, hours, 10, small, other
    )


@pytest.mark.parametrize(
    ("cost", "rating"),
    [(0, "£"), ("79.99", "£"), (80, "££"), (200, "££"), ("200.01", "£££"), (720, "£££"),
     ("720.01", "££££"), (1200, "££££"), ("1200.01", "£££££")],
)  # fmt: skip
def test_eef_cost_ratings(cost, rating):
    assert metrics.cost_rating(cost).rating == rating


def test_cost_per_month_of_progress_beyond_normal():
    # £125 ÷ (12 months gained - 6 elapsed) = 125 / 6 = 20.8333 -> £20.83
    figure = metrics.cost_per_month_of_progress(125, 12, 6)
    assert figure.value == Decimal("20.83")
    assert "derived" in figure.method


@pytest.mark.parametrize(("gain", "elapsed"), [(6, 6), (5, 6), (-2, 6)])
def test_no_progress_beyond_normal_gives_no_cost_per_month(gain, elapsed):
    figure = metrics.cost_per_month_of_progress(125, gain, elapsed)
    assert figure.value is None
    assert figure.reason.startswith("no progress beyond normal")
    assert figure.shown().startswith("n/a: no progress beyond normal")


def test_the_element_2_threshold():
    check = metrics.against_threshold(6450)
    assert check.above and check.difference == 450
    assert check.words() == (
        "£6,450.00 a year of additional provision: £450.00 above the £6,000.00 element 2 threshold."
    )
    assert not metrics.against_threshold(6000).above
    assert "exactly at" in metrics.against_threshold(6000).words()
    below = metrics.against_threshold(2500, threshold=3000)
    assert not below.above and "£500.00 below the £3,000.00" in below.words()


# --- figures and small groups -------------------------------------------------------------


def test_a_figure_has_a_value_or_a_reason_never_both():
    with pytest.raises(ValueError):
        Figure(None, "ratio", "method")
    with pytest.raises(ValueError):
        Figure(1.0, "ratio", "method", reason="why")
    assert Figure(1.3333, "ratio", "method").shown() == "1.33"


@pytest.mark.parametrize(
    ("n", "words"),
    [(0, "nothing to measure"), (1, "that pupil's own result"),
     (4, "With 4 pupils, a single pupil's result moves the group figure a lot"), (10, "")],
)  # fmt: skip
def test_small_groups_say_how_little_they_can_show(n, words):
    assert words in metrics.caution(n)
    if not words:
        assert metrics.caution(n) == ""


def test_metrics_imports_only_the_standard_library():
    with open(metrics.__file__, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
        )
    }
    assert imported <= {"__future__", "collections", "dataclasses", "decimal", "math", "re",
                        "statistics"}  # fmt: skip
