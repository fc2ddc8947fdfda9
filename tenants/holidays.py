"""Japanese national holidays and business days, from ``tenants/data/holidays.yaml``.

The holidays are data (with the law and the Cabinet Office list cited in the file), not
a calculation: 春分・秋分 are fixed by announcement, and special laws moved days in 2019–2021.
A date outside the covered years raises ``HolidayDataMissing`` instead of silently answering
"not a holiday" — extend the data file when a new year's list is published.

A business day (開庁日) is neither a Saturday, a Sunday, a holiday, nor 12月29日–1月3日
(行政機関の休日に関する法律 第1条; for due dates 地方税法 第20条の5 第2項 and 施行令 第6条の18).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).resolve().parent / "data" / "holidays.yaml"

#: libyaml's loader when PyYAML was built with it (≈10× faster on this file, the same
#: objects: tested), else the pure-Python one; every process of a job reads the file once
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = [
    "Holiday",
    "HolidayDataMissing",
    "covered_years",
    "holiday_name",
    "holidays_between",
    "is_business_day",
    "is_holiday",
    "is_nenmatsu_nenshi",
    "next_business_day",
]


class HolidayDataMissing(LookupError):
    """The date lies outside the years the holiday list covers."""


@dataclass(frozen=True, slots=True)
class Holiday:
    day: date
    name: str
    kind: str  # shukujitsu | furikae | kokumin | tokubetsu


@dataclass(frozen=True, slots=True)
class _Table:
    first_year: int
    last_year: int
    by_day: dict[date, Holiday]
    nenmatsu_from: tuple[int, int]
    nenmatsu_to: tuple[int, int]


def _month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


@functools.cache
def _table() -> _Table:
    raw = yaml.load(DATA_FILE.read_bytes(), Loader=_LOADER)  # noqa: S506 (a safe loader)
    by_day: dict[date, Holiday] = {}
    for row in raw["holidays"]:
        day = row["date"] if isinstance(row["date"], date) else date.fromisoformat(row["date"])
        if day in by_day:
            raise ValueError(f"holidays.yaml lists {day} twice")
        by_day[day] = Holiday(day=day, name=str(row["name"]), kind=str(row["kind"]))
    table = _Table(
        first_year=int(raw["first_year"]),
        last_year=int(raw["last_year"]),
        by_day=by_day,
        nenmatsu_from=_month_day(raw["nenmatsu_nenshi"]["from"]),
        nenmatsu_to=_month_day(raw["nenmatsu_nenshi"]["to"]),
    )
    outside = [d for d in by_day if not table.first_year <= d.year <= table.last_year]
    if outside:
        raise ValueError(f"holidays.yaml has dates outside its years: {outside[:3]}")
    return table


def covered_years() -> range:
    table = _table()
    return range(table.first_year, table.last_year + 1)


def _check(day: date) -> _Table:
    table = _table()
    if not table.first_year <= day.year <= table.last_year:
        raise HolidayDataMissing(
            f"祝日データは{table.first_year}年から{table.last_year}年までです（{day.isoformat()}）。"
        )
    return table


def is_holiday(day: date) -> bool:
    """A 国民の祝日, 振替休日, 国民の休日 or a holiday by special law."""
    return day in _check(day).by_day


def holiday_name(day: date) -> str:
    """The holiday's name ("" when the day is not a holiday)."""
    found = _check(day).by_day.get(day)
    return found.name if found else ""


def holidays_between(start: date, end: date) -> list[Holiday]:
    """Holidays in ``[start, end]`` (both ends inclusive, both inside the covered years)."""
    table = _check(start)
    _check(end)
    return sorted((h for d, h in table.by_day.items() if start <= d <= end), key=lambda h: h.day)


def is_nenmatsu_nenshi(day: date) -> bool:
    """12月29日–1月3日 (the year-end closing of public offices)."""
    table = _table()
    md = (day.month, day.day)
    return md >= table.nenmatsu_from or md <= table.nenmatsu_to


def is_business_day(day: date) -> bool:
    """開庁日: not Saturday/Sunday, not a holiday, not 12/29–1/3."""
    if day.weekday() >= 5:
        return False
    if is_nenmatsu_nenshi(day):
        return False
    return not is_holiday(day)


def next_business_day(day: date, *, inclusive: bool = False) -> date:
    """The first business day after ``day`` (``inclusive=True``: on or after ``day``).

    Due dates use ``inclusive=True``: a 期限 on a closed day moves to the next 開庁日
    (地方税法 第20条の5 第2項).
    """
    current = day if inclusive else day + timedelta(days=1)
    while not is_business_day(current):
        current += timedelta(days=1)
    return current
