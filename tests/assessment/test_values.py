"""values.parse: every form schools write is read, everything else is refused with the fix."""

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from senco.assessment import values
from senco.assessment.values import Parsed

SCALE = ("Emerging", "Developing", "Secure")
years = st.integers(min_value=values.AGE_YEARS[0], max_value=values.AGE_YEARS[1])
months = st.integers(min_value=0, max_value=11)
ages = st.sampled_from(sorted(values.AGE_KINDS))
kinds = st.sampled_from(list(values.NAMES))


def options(kind: str) -> dict:
    return {"maximum": 40, "scale": SCALE} if kind in (values.RAW, *values.LABEL_KINDS) else {}


@given(ages, years, months)
def test_an_age_reads_the_same_in_every_form_schools_write(kind, y, m):
    forms = [f"{y}.{m:02d}", f"{y}.{m}", f"{y}:{m:02d}", f"{y}y{m}m", f"{y}y {m}m",
             f" {y} years {m} months ", f"{y}Y {m}M", f"{y} yrs {m} mths"]  # fmt: skip
    for text in forms:
        assert values.parse(kind, text) == Parsed(months=y * 12 + m), text


@given(ages, years)
def test_whole_years_need_no_months(kind, y):
    for text in (f"{y}", f"{y}y", f"{y} years", f"{y}.00"):
        assert values.parse(kind, text).months == y * 12


def test_the_part_after_the_point_is_months_not_a_fraction():
    assert values.parse(values.READING_AGE, "8.11").months == 8 * 12 + 11
    assert values.parse(values.READING_AGE, "8.1").months == 8 * 12 + 1
    assert values.parse(values.READING_AGE, "8.10").months == 8 * 12 + 10


def test_thirteen_months_is_refused_with_both_fixes():
    with pytest.raises(ValueError) as refused:
        values.parse(values.READING_AGE, "8.13")
    assert str(refused.value) == "Reading age 8.13: months go from 0 to 11; write 8.11 or 9.01."


@given(ages, years, st.integers(min_value=12, max_value=99))
def test_months_beyond_eleven_are_refused_with_the_carried_age(kind, y, m):
    with pytest.raises(ValueError, match="months go from 0 to 11") as refused:
        values.parse(kind, f"{y}.{m}")
    assert f"{y + m // 12}.{m % 12:02d}" in str(refused.value)


@given(ages, st.integers(min_value=0, max_value=99), months)
def test_years_out_of_range_are_refused(kind, y, m):
    assume(not values.AGE_YEARS[0] <= y <= values.AGE_YEARS[1])
    with pytest.raises(ValueError, match="years go from 2 to 25"):
        values.parse(kind, f"{y}.{m:02d}")


@pytest.mark.parametrize("text", ["<5.00", ">15.06", "16+", "below 5", "over 16"])
def test_an_age_beyond_the_tests_range_is_not_a_measured_age(text):
    with pytest.raises(ValueError, match="beyond the test's range"):
        values.parse(values.SPELLING_AGE, text)


ARABIC_INDIC_8_07 = "\u0668.\u0660\u0667"


@pytest.mark.parametrize(
    "text", ["103m", "8-7", "eight", "8.7.1", "8,07", "8.007", ARABIC_INDIC_8_07]
)
def test_other_age_forms_are_refused_with_an_example(text):
    with pytest.raises(ValueError, match=r"such as 8\.07 or 8y 7m"):
        values.parse(values.READING_AGE, text)


@given(st.integers(min_value=40, max_value=160))
def test_standardised_scores_are_whole_numbers_from_40_to_160(score):
    assert values.parse(values.STANDARDISED, str(score)) == Parsed(score=Decimal(score))
    assert values.parse(values.STANDARDISED, f"{score}.0").score == score


@given(st.integers(min_value=-999, max_value=9999))
def test_standardised_scores_outside_four_sds_are_refused(score):
    assume(not 40 <= score <= 160)
    with pytest.raises(ValueError, match="scores go from 40 to 160"):
        values.parse(values.STANDARDISED, str(score))


def test_a_test_with_other_norms_has_its_own_range():
    assert values.standardised_range(50, 10) == (10, 90)
    assert values.parse(values.STANDARDISED, "20", mean=50, sd=10).score == 20
    with pytest.raises(ValueError, match="from 10 to 90"):
        values.parse(values.STANDARDISED, "95", mean=50, sd=10)


def test_half_a_standardised_point_is_refused_with_the_neighbours():
    with pytest.raises(ValueError, match="whole numbers; write 104 or 105"):
        values.parse(values.STANDARDISED, "104.5")


@given(st.integers(min_value=-200, max_value=400))
def test_key_stage_scaled_scores_go_from_80_to_120(score):
    if 80 <= score <= 120:
        assert values.parse(values.KS_SCALED, str(score)).score == score
    else:
        with pytest.raises(ValueError, match="scores go from 80 to 120"):
            values.parse(values.KS_SCALED, str(score))


@given(st.integers(min_value=1, max_value=500), st.data())
def test_raw_scores_go_from_0_to_the_maximum(maximum, data):
    mark = data.draw(st.integers(min_value=0, max_value=maximum))
    assert values.parse(values.RAW, str(mark), maximum=maximum).score == mark
    assert values.parse(values.RAW, f"{mark}/{maximum}", maximum=maximum).score == mark
    with pytest.raises(ValueError, match=f"scores go from 0 to {maximum}"):
        values.parse(values.RAW, str(maximum + 1), maximum=maximum)


def test_raw_scores_take_half_marks_but_not_another_maximum():
    assert values.parse(values.RAW, "17.5", maximum=40).score == Decimal("17.5")
    with pytest.raises(ValueError, match="out of 40"):
        values.parse(values.RAW, "17/50", maximum=40)
    with pytest.raises(ValueError, match="two decimal places"):
        values.parse(values.RAW, "17.125", maximum=40)
    with pytest.raises(ValueError, match="no maximum"):
        values.parse(values.RAW, "17")


@given(st.sampled_from(SCALE), st.sampled_from([str.lower, str.upper, str.title, str]))
def test_labels_match_the_scale_without_regard_to_capitals(label, case):
    text = f"  {case(label)} "
    assert values.parse(values.JUDGEMENT, text, scale=SCALE) == Parsed(label=label)


def test_an_unknown_label_lists_the_scale():
    with pytest.raises(ValueError) as refused:
        values.parse(values.ENGAGEMENT, "Secur", scale=SCALE)
    assert str(refused.value) == (
        "Engagement Model Secur: not on this scale; write one of Emerging, Developing or Secure."
    )


def test_the_pre_key_stage_standards_run_from_1_to_6():
    scale = values.DEFAULT_SCALES[values.PRE_KEY_STAGE]
    assert scale[0] == "Standard 1" and scale[-1] == "Standard 6" and len(scale) == 6
    assert values.parse(values.PRE_KEY_STAGE, "standard 4", scale=scale).label == "Standard 4"


@given(kinds, st.text(max_size=300))
def test_any_text_gives_a_result_or_a_value_error_never_anything_else(kind, text):
    try:
        parsed = values.parse(kind, text, **options(kind))
    except ValueError as e:
        message = str(e)
        assert message.startswith(values.NAMES[kind])
        assert len(message) < 300  # a pasted essay is not repeated back in full
    else:
        assert [parsed.score, parsed.months, parsed.label].count(None) == 2


@given(kinds, st.integers(min_value=101, max_value=10_000))
def test_very_long_text_is_refused_without_quoting_it(kind, length):
    with pytest.raises(ValueError, match="far too long") as refused:
        values.parse(kind, "9" * length, **options(kind))
    assert "9" * 40 not in str(refused.value)


def test_blank_text_and_unknown_kinds_are_refused():
    with pytest.raises(ValueError, match="nothing was written"):
        values.parse(values.READING_AGE, "   ")
    with pytest.raises(ValueError, match="not a kind of assessment"):
        values.parse("iq", "100")


@st.composite
def results(draw):
    kind = draw(kinds)
    if kind in values.AGE_KINDS:
        return kind, Parsed(months=draw(years) * 12 + draw(months))
    if kind in values.LABEL_KINDS:
        return kind, Parsed(label=draw(st.sampled_from(SCALE)))
    low, high = {values.STANDARDISED: (40, 160), values.KS_SCALED: (80, 120)}.get(kind, (0, 40))
    score = Decimal(draw(st.integers(min_value=low * 2, max_value=high * 2))) / 2
    if kind != values.RAW:
        score = score.to_integral_value()
    return kind, Parsed(score=score)


@given(results())
def test_a_result_shown_reads_back_as_itself(result):
    kind, parsed = result
    shown = values.show(
        kind, score=parsed.score, months=parsed.months, label=parsed.label, maximum=40
    )
    assert values.parse(kind, shown, **options(kind)) == parsed


def test_results_show_as_people_read_them():
    assert values.show(values.READING_AGE, months=103) == "8y 7m"
    assert values.show(values.STANDARDISED, score=Decimal("104.00")) == "104"
    assert values.show(values.RAW, score=Decimal("17.00"), maximum=40) == "17/40"
    assert values.show(values.RAW, score=Decimal("17.50"), maximum=40) == "17.5/40"
    assert values.show(values.JUDGEMENT, label="Secure") == "Secure"


def test_a_scale_is_tidied_and_checked():
    assert values.clean_scale(["  Emerging ", "", "Developing", "Secure"]) == list(SCALE)
    for labels, message in [
        ([], "one a line"),
        (["Secure", "secure"], "listed twice"),
        ([str(n) for n in range(21)], "at most 20"),
        (["x" * 61], "the most is 60"),
    ]:
        with pytest.raises(ValueError, match=message):
            values.clean_scale(labels)
