"""National holidays 2019–2027 as data, and business days for due dates."""

from __future__ import annotations

from datetime import date, timedelta

import jpholiday
import pytest

from tenants.holidays import (
    HolidayDataMissing,
    covered_years,
    holiday_name,
    holidays_between,
    is_business_day,
    is_holiday,
    next_business_day,
)


def test_data_agrees_with_an_independent_calculation():
    """Every day 2019–2027 agrees with the jpholiday package (rules + 特例法)."""
    day = date(covered_years().start, 1, 1)
    end = date(covered_years().stop - 1, 12, 31)
    mismatches = []
    while day <= end:
        if is_holiday(day) != jpholiday.is_holiday(day):
            mismatches.append(day)
        day += timedelta(days=1)
    assert mismatches == []


def test_special_days_furikae_and_kokumin_no_kyujitsu():
    assert holiday_name(date(2019, 5, 1)) == "天皇の即位の日"
    assert holiday_name(date(2019, 4, 30)) == "国民の休日"
    assert holiday_name(date(2019, 10, 22)) == "即位礼正殿の儀"
    assert holiday_name(date(2020, 7, 24)) == "スポーツの日"  # Olympics special law
    assert holiday_name(date(2021, 8, 9)) == "振替休日"
    assert holiday_name(date(2026, 9, 22)) == "国民の休日"  # between 敬老の日 and 秋分の日
    assert holiday_name(date(2020, 5, 6)) == "振替休日"  # 5/3 was a Sunday
    assert holiday_name(date(2025, 6, 2)) == ""
    assert [h.day for h in holidays_between(date(2025, 5, 1), date(2025, 5, 31))] == [
        date(2025, 5, 3),
        date(2025, 5, 4),
        date(2025, 5, 5),
        date(2025, 5, 6),
    ]


def test_business_days():
    assert is_business_day(date(2025, 6, 2))  # Monday
    assert not is_business_day(date(2025, 6, 1))  # Sunday
    assert not is_business_day(date(2025, 5, 6))  # 振替休日
    assert not is_business_day(date(2025, 12, 29))  # 年末年始
    assert not is_business_day(date(2026, 1, 2))
    # Golden week 2025: after Friday 5/2 comes Wednesday 5/7.
    assert next_business_day(date(2025, 5, 2)) == date(2025, 5, 7)
    assert next_business_day(date(2025, 5, 3), inclusive=True) == date(2025, 5, 7)
    assert next_business_day(date(2025, 5, 7), inclusive=True) == date(2025, 5, 7)
    # Year end: a due date of 12/30 moves to 1/5 2026 (1/3 is Saturday, 1/4 Sunday).
    assert next_business_day(date(2025, 12, 30), inclusive=True) == date(2026, 1, 5)


def test_outside_the_data_is_an_error_not_a_guess():
    with pytest.raises(HolidayDataMissing):
        is_holiday(date(2030, 1, 1))
    with pytest.raises(HolidayDataMissing):
        is_business_day(date(2018, 12, 3))


def test_the_fast_loader_reads_the_same_data_as_the_pure_python_one():
    """The C loader (when PyYAML has libyaml) gives the very objects ``safe_load`` gives."""
    import yaml

    from tenants import holidays

    text = holidays.DATA_FILE.read_bytes()
    assert yaml.load(text, Loader=holidays._LOADER) == yaml.safe_load(text)
    if hasattr(yaml, "CSafeLoader"):
        assert holidays._LOADER is yaml.CSafeLoader
