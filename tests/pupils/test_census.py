import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from senco.pupils import census
from senco.pupils.census import Period

D = dt.date


def messages(breaches):
    return " ".join(b.message for b in breaches)


def test_a_valid_support_entry_has_no_breach():
    assert census.check_entry("K", ["SLCN", "SPLD"]) == []
    assert census.check_entry("K", ["NSA"]) == []
    assert census.check_entry("E", ["ASD"]) == []
    assert census.check_entry("N", []) == []


def test_a_need_with_no_sen_is_refused_with_the_fix():
    assert "remove the needs" in messages(census.check_entry("N", ["SLCN"]))


def test_support_or_a_plan_without_a_need_is_refused():
    assert "primary need" in messages(census.check_entry("K", []))
    assert "primary need" in messages(census.check_entry("E", []))


def test_nsa_is_valid_only_with_sen_support():
    assert "only with SEN support" in messages(census.check_entry("E", ["NSA"]))


def test_legacy_codes_cannot_be_entered_by_hand():
    for code in "SAP":
        assert "can no longer be recorded" in messages(census.check_entry(code, ["MLD"]))


def test_unknown_codes_and_repeated_needs_are_refused():
    assert "not a census need code" in messages(census.check_entry("K", ["XYZ"]))
    assert "listed twice" in messages(census.check_entry("K", ["MLD", "MLD"]))
    assert "not an SEN status" in messages(census.check_entry("Q", []))


def test_history_reports_overlapping_statuses():
    statuses = [Period("K", D(2020, 1, 1), D(2021, 1, 1)), Period("N", D(2020, 6, 1))]
    assert "overlaps" in messages(census.check_history(statuses, []))


def test_history_reports_an_end_before_a_start():
    statuses = [Period("K", D(2021, 1, 1), D(2020, 1, 1)), Period("N", D(2021, 1, 2))]
    assert "ends (01/01/2020) before it starts" in messages(census.check_history(statuses, []))


def test_history_reports_two_rank_one_needs():
    statuses = [Period("K", D(2020, 1, 1))]
    needs = [(1, Period("SLCN", D(2020, 1, 1))), (1, Period("MLD", D(2020, 1, 1)))]
    assert "share a rank" in messages(census.check_history(statuses, needs))


def test_history_reports_needs_left_open_under_no_sen():
    statuses = [Period("K", D(2019, 1, 1), D(2019, 12, 31)), Period("N", D(2020, 1, 1))]
    needs = [(1, Period("SLCN", D(2019, 1, 1)))]
    assert "has no need" in messages(census.check_history(statuses, needs))


def test_history_maps_legacy_codes_for_the_census():
    statuses = [Period("S", D(2012, 1, 1))]
    assert census.check_history(statuses, [(1, Period("ASD", D(2012, 1, 1)))]) == []
    assert census.census_provision("S") == "E"
    assert census.census_provision("A") == census.census_provision("P") == "K"


def test_a_real_upn_has_the_right_check_letter():
    assert census.check_upn("G335311012004") is None


def test_a_upn_with_the_wrong_check_letter_names_the_right_one():
    problem = census.check_upn("A335311012004")
    assert problem is not None and "it is G" in problem


def test_malformed_upns_say_what_is_wrong():
    assert "13 characters" in (census.check_upn("G33531101200") or "")
    assert "digits" in (census.check_upn("G3353110X2004") or "")
    assert "check letter" in (census.check_upn("I335311012004") or "")


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_every_upn_made_with_its_check_letter_is_valid(body):
    assert census.check_upn(census.upn_check_letter(body) + body) is None


@given(
    st.text(alphabet="0123456789", min_size=12, max_size=12),
    st.integers(min_value=1, max_value=11),
    st.sampled_from("0123456789"),
)
def test_changing_one_digit_breaks_the_check_letter(body, position, digit):
    upn = census.upn_check_letter(body) + body
    changed = upn[:position] + digit + upn[position + 1 :]
    if changed != upn:
        assert census.check_upn(changed) is not None


@given(
    st.sampled_from(census.CURRENT_PROVISION),
    st.lists(st.sampled_from(sorted(census.NEEDS)), max_size=4, unique=True),
)
def test_an_accepted_entry_always_meets_the_census_rules(provision, needs):
    if not census.check_entry(provision, needs):
        assert (provision == "N") == (not needs)
        assert "NSA" not in needs or provision == "K"
