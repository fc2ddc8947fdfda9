"""Age and school year, by the law (pure functions, no Django).

年齢計算ニ関スル法律 counts age from the day of birth and 民法 第143条 ends a period of
years on the day before the anniversary, so a person becomes one year older at the end of
the day *before* the birthday. "Age on D" therefore counts a birthday on D+1 as reached:
someone whose 18th birthday is the day after an election may vote (公職選挙法 第9条).

A person born on 29 February: in a year without that day the period ends on the last day
of February (民法 第143条 第2項 ただし書), so they too grow older at the end of 28 February.

School: a child starts 小学校 at the first school year (4月1日) after the day following the
day they reach 6 (学校教育法 第17条 第1項). Children born 4月2日 of year Y to 4月1日 of
Y+1 therefore enter in April of Y+7; the 4月1日 children are the youngest of their class.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

SCHOOL_YEAR_START_MONTH = 4
SHOGAKKO_ENTRY_OFFSET = 7  # born in school-birth-year Y → 小1 in April Y+7
GAKUNEN_COUNT = 9  # 小1–小6, 中1–中3 (学齢: 学校教育法 第17条)

GAKUNEN_LABELS: dict[int, str] = {
    1: "小1",
    2: "小2",
    3: "小3",
    4: "小4",
    5: "小5",
    6: "小6",
    7: "中1",
    8: "中2",
    9: "中3",
}


def age_on(birth: date, day: date) -> int:
    """Completed years of age on ``day`` (a birthday on ``day + 1`` counts as reached)."""
    if day < birth - timedelta(days=1):
        raise ValueError("the day is before the birth")
    nxt = day + timedelta(days=1)
    # Comparing (month, day) handles 29 February: in a common year (3, 1) >= (2, 29),
    # so the year is complete at the end of 28 February.
    return nxt.year - birth.year - (1 if (nxt.month, nxt.day) < (birth.month, birth.day) else 0)


def _same_day_years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return date(day.year - years, 2, 28)


def latest_birth_for_age(age: int, day: date) -> date:
    """The latest birth date of someone who is at least ``age`` on ``day``.

    ``age_on(b, day) >= age`` exactly when ``b <= latest_birth_for_age(age, day)``.
    """
    return _same_day_years_before(day + timedelta(days=1), age)


def months_before(day: date, months: int) -> date:
    """The corresponding day ``months`` months earlier (the month's last day if missing)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def school_year_of(day: date) -> int:
    """The school year (学年度, starting 4月1日) that ``day`` falls in."""
    return day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1


def shogakko_entry_year(birth: date) -> int:
    """The year in whose April a child born on ``birth`` enters 小学校.

    Shifting the birth back one day maps the cohort 4/2–4/1 onto an ordinary April–March
    school year; the child enters seven school years later.
    """
    return school_year_of(birth - timedelta(days=1)) + SHOGAKKO_ENTRY_OFFSET


def gakunen(birth: date, school_year: int) -> int | None:
    """The grade (1–6 小学校, 7–9 中学校) in ``school_year``, or None outside 学齢."""
    grade = school_year - shogakko_entry_year(birth) + 1
    return grade if 1 <= grade <= GAKUNEN_COUNT else None


def gakunen_birth_range(grade: int, school_year: int) -> tuple[date, date]:
    """Births (first, last; inclusive) of the children in ``grade`` during ``school_year``."""
    if not 1 <= grade <= GAKUNEN_COUNT:
        raise ValueError("grade must be 1..9")
    cohort = school_year - grade + 1 - SHOGAKKO_ENTRY_OFFSET
    return date(cohort, 4, 2), date(cohort + 1, 4, 1)


def age_group_5(age: int, *, top: int = 100) -> int:
    """The lower bound of the 5-year age group (0, 5, …, ``top`` for ``top`` and over)."""
    return min(age // 5 * 5, top)
