import datetime as dt

import pytest

from senco.schools.calendar import (
    academic_year_start,
    census_days,
    parse_term_dates,
    year_group_for,
    year_group_label,
)


def test_the_school_year_turns_on_the_first_of_september():
    assert academic_year_start(dt.date(2026, 8, 31)) == 2025
    assert academic_year_start(dt.date(2026, 9, 1)) == 2026


def test_a_child_turning_five_this_year_is_in_reception():
    assert year_group_for(dt.date(2021, 9, 1), dt.date(2026, 11, 24)) == 0
    assert year_group_for(dt.date(2021, 8, 31), dt.date(2026, 11, 24)) == 1
    assert year_group_label(0) == "Reception" and year_group_label(7) == "Year 7"


def test_census_days_are_the_first_and_third_thursdays():
    assert census_days(2025) == [dt.date(2025, 10, 2), dt.date(2026, 1, 15), dt.date(2026, 5, 21)]


def test_term_dates_come_from_the_setting():
    terms = parse_term_dates("09-03:12-19,01-05:03-27,04-13:07-22", 2026)
    assert terms[0] == ("autumn", dt.date(2026, 9, 3), dt.date(2026, 12, 19))
    assert terms[2] == ("summer", dt.date(2027, 4, 13), dt.date(2027, 7, 22))


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("09-01:12-31", "three terms"),
        ("09-01:12-31,01-01:13-40,04-13:08-31", "spring term"),
        ("12-31:09-01,01-01:04-12,04-13:08-31", "ends before it starts"),
    ],
)
def test_bad_term_dates_say_which_term_is_wrong(setting, message):
    with pytest.raises(ValueError, match=message):
        parse_term_dates(setting, 2026)
