"""Dates of the 国民健康保険税 year: ages reached, 年度 months, school-year limits.

Ages follow 年齢計算ニ関スル法律 (an age is reached at the end of the day before the
birthday); "the first 3月31日 after reaching N" is the school-year limit the law uses for
未就学児 (6) and the 子ども・子育て支援納付金分's 18歳未満 (18).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

__all__ = [
    "age_reached_on",
    "anniversary",
    "fiscal_months",
    "is_before_first_march31",
    "month_ends",
]


def anniversary(birth: date, age: int) -> date:
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:  # 2月29日生まれ: the anniversary in a common year is 3月1日
        return date(birth.year + age, 3, 1)


def age_reached_on(birth: date, age: int) -> date:
    """The day ``age`` is reached: the day before the birthday (年齢計算ニ関スル法律)."""
    return anniversary(birth, age) - timedelta(days=1)


def is_before_first_march31(birth: date, age: int, fiscal_year: int) -> bool:
    """Whether the person is, throughout ``fiscal_year``, on or before the first 3月31日
    after reaching ``age`` (未就学児 with 6, the 子ども分's 18歳未満 with 18)."""
    reached = age_reached_on(birth, age)
    march31 = date(reached.year, 3, 31)
    if reached > march31:
        march31 = date(reached.year + 1, 3, 31)
    return march31 >= date(fiscal_year + 1, 3, 31)


def fiscal_months(fiscal_year: int) -> list[tuple[int, int]]:
    """(year, month) of the 年度, 4月 to 3月."""
    return [(fiscal_year, m) for m in range(4, 13)] + [(fiscal_year + 1, m) for m in (1, 2, 3)]


@lru_cache(maxsize=32)
def month_ends(fiscal_year: int) -> tuple[tuple[int, date], ...]:
    """(month, its last day) for the 12 months of the 年度."""
    return tuple(
        (mo, date(y, mo, calendar.monthrange(y, mo)[1])) for y, mo in fiscal_months(fiscal_year)
    )
