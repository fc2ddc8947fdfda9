"""Age by 年齢計算ニ関スル法律 + 民法143条, and 学年 by 学校教育法 第17条."""

from __future__ import annotations

from datetime import date

import pytest

from tenants.age import (
    age_group_5,
    age_on,
    gakunen,
    gakunen_birth_range,
    latest_birth_for_age,
    months_before,
    school_year_of,
    shogakko_entry_year,
)


def test_birthday_eve_counts_as_reached():
    birth = date(2007, 9, 2)
    assert age_on(birth, date(2025, 8, 31)) == 17
    assert age_on(birth, date(2025, 9, 1)) == 18  # eve of the 18th birthday
    assert age_on(birth, date(2025, 9, 2)) == 18
    assert age_on(birth, date(2007, 9, 2)) == 0


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 2, 27), 20),
        (date(2025, 2, 28), 21),  # common year: grows older at the end of 28 Feb
        (date(2025, 3, 1), 21),
        (date(2028, 2, 27), 23),
        (date(2028, 2, 28), 24),  # leap year: eve of 29 Feb
        (date(2028, 2, 29), 24),
    ],
)
def test_born_on_29_february(day, expected):
    assert age_on(date(2004, 2, 29), day) == expected


def test_latest_birth_for_age_matches_age_on():
    for day in (date(2025, 9, 1), date(2028, 2, 28), date(2027, 2, 28), date(2025, 12, 31)):
        cutoff = latest_birth_for_age(18, day)
        assert age_on(cutoff, day) >= 18
        nxt = date.fromordinal(cutoff.toordinal() + 1)
        assert age_on(nxt, day) == 17
    # 基準日 2028-02-28: the day after is 29 Feb; 18 years earlier has no 29 Feb.
    assert latest_birth_for_age(18, date(2028, 2, 28)) == date(2010, 2, 28)


def test_months_before_clamps_to_month_end():
    assert months_before(date(2025, 9, 1), 3) == date(2025, 6, 1)
    assert months_before(date(2025, 5, 31), 3) == date(2025, 2, 28)
    assert months_before(date(2025, 2, 15), 3) == date(2024, 11, 15)


@pytest.mark.parametrize(
    ("birth", "entry"),
    [
        (date(2018, 4, 1), 2024),  # youngest of the class entering 2024
        (date(2018, 4, 2), 2025),  # oldest of the class entering 2025
        (date(2019, 4, 1), 2025),
        (date(2019, 4, 2), 2026),
        (date(2020, 2, 29), 2026),
        (date(2019, 12, 31), 2026),
    ],
)
def test_shogakko_entry_at_the_4_1_and_4_2_boundaries(birth, entry):
    assert shogakko_entry_year(birth) == entry
    assert gakunen(birth, entry) == 1
    assert gakunen(birth, entry - 1) is None
    assert gakunen(birth, entry + 8) == 9  # 中3
    assert gakunen(birth, entry + 9) is None


def test_birth_range_is_the_inverse_of_gakunen():
    assert gakunen_birth_range(1, 2025) == (date(2018, 4, 2), date(2019, 4, 1))
    assert gakunen_birth_range(9, 2025) == (date(2010, 4, 2), date(2011, 4, 1))
    for grade in range(1, 10):
        first, last = gakunen_birth_range(grade, 2025)
        assert gakunen(first, 2025) == grade and gakunen(last, 2025) == grade
    with pytest.raises(ValueError):
        gakunen_birth_range(10, 2025)


def test_school_year_and_age_groups():
    assert school_year_of(date(2025, 3, 31)) == 2024
    assert school_year_of(date(2025, 4, 1)) == 2025
    assert [age_group_5(a) for a in (0, 4, 5, 99, 100, 107)] == [0, 0, 5, 95, 100, 100]
