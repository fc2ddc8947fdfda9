"""和暦 (Japanese era calendar) conversion helpers.

Pure functions, no Django import, so they can be used from models, forms, PDF
templates, import scripts and plain tests alike.

Supported range: 1873-01-01 (明治6年1月1日) onwards.  Japan adopted the
Gregorian calendar on 明治6年1月1日 (明治5年太政官布告第337号); dates before that
were written in the lunisolar calendar (天保暦), so a 明治1–5年 date cannot be
converted to a Gregorian date arithmetically and is rejected here.

Era boundaries (first day of each era):

* 明治 1873-01-01 (supported start; the era itself began in 1868)
* 大正 1912-07-30
* 昭和 1926-12-25
* 平成 1989-01-08
* 令和 2019-05-01
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = [
    "ERAS",
    "MIN_DATE",
    "Era",
    "Wareki",
    "era_of",
    "fiscal_year_of",
    "format_nendo",
    "format_wareki",
    "format_wareki_year",
    "parse_wareki",
    "to_wareki",
]


@dataclass(frozen=True, slots=True)
class Era:
    """One era (元号)."""

    name: str
    """Full name, e.g. "令和"."""
    letter: str
    """Romaji initial used in the short form, e.g. "R"."""
    first_year: int
    """Gregorian year of 元年 (year 1 of the era)."""
    start: date
    """First supported day of the era."""
    end: date | None
    """Last day of the era, or None for the current era."""

    def contains(self, d: date) -> bool:
        return self.start <= d and (self.end is None or d <= self.end)


ERAS: tuple[Era, ...] = (
    Era("明治", "M", 1868, date(1873, 1, 1), date(1912, 7, 29)),
    Era("大正", "T", 1912, date(1912, 7, 30), date(1926, 12, 24)),
    Era("昭和", "S", 1926, date(1926, 12, 25), date(1989, 1, 7)),
    Era("平成", "H", 1989, date(1989, 1, 8), date(2019, 4, 30)),
    Era("令和", "R", 2019, date(2019, 5, 1), None),
)
"""All supported eras, oldest first."""

MIN_DATE: date = ERAS[0].start
"""Earliest date the module accepts (明治6年1月1日, 1873-01-01)."""

_ERA_BY_TOKEN: dict[str, Era] = {}
for _era in ERAS:
    _ERA_BY_TOKEN[_era.name] = _era
    _ERA_BY_TOKEN[_era.name[0]] = _era  # 明/大/昭/平/令
    _ERA_BY_TOKEN[_era.letter] = _era


@dataclass(frozen=True, slots=True)
class Wareki:
    """A date expressed in the Japanese era calendar."""

    era: str
    """Era name, e.g. "令和"."""
    era_letter: str
    """Era initial, e.g. "R"."""
    year: int
    """Year within the era (1 = 元年)."""
    month: int
    day: int

    @property
    def year_label(self) -> str:
        """ "元" for the first year of an era, otherwise the number."""
        return "元" if self.year == 1 else str(self.year)


def _check_supported(d: date) -> None:
    if d < MIN_DATE:
        raise ValueError(
            f"{d.isoformat()} は対応範囲外です。"
            "明治6年1月1日（1873年1月1日）より前の日付は太陰太陽暦のため扱えません。"
        )


def era_of(d: date) -> Era:
    """Return the era in effect on ``d``."""
    _check_supported(d)
    for era in reversed(ERAS):
        if era.start <= d:
            return era
    raise AssertionError("unreachable: MIN_DATE is the start of the first era")


def to_wareki(d: date) -> Wareki:
    """Convert a Gregorian date to 和暦."""
    era = era_of(d)
    return Wareki(
        era=era.name,
        era_letter=era.letter,
        year=d.year - era.first_year + 1,
        month=d.month,
        day=d.day,
    )


def format_wareki(d: date, *, style: Literal["long", "short"] = "long") -> str:
    """Format a date as 和暦.

    ``style="long"`` gives "令和7年4月1日" (year 1 is written "元年", e.g.
    "令和元年5月1日"); ``style="short"`` gives "R7.4.1".
    """
    w = to_wareki(d)
    if style == "long":
        return f"{w.era}{w.year_label}年{w.month}月{w.day}日"
    if style == "short":
        return f"{w.era_letter}{w.year}.{w.month}.{w.day}"
    raise ValueError(f"不正な書式指定です: {style!r}（'long' または 'short' を指定してください）")


_ERA_TOKEN = r"(?P<era>明治|大正|昭和|平成|令和|[明大昭平令]|[MTSHR])"
_ERA_YEAR = r"(?P<year>元|\d{1,2})"
_WAREKI_KANJI = re.compile(
    rf"{_ERA_TOKEN}\s*{_ERA_YEAR}\s*年\s*(?P<month>\d{{1,2}})\s*月\s*(?P<day>\d{{1,2}})\s*日"
)
_WAREKI_SEP = re.compile(
    rf"{_ERA_TOKEN}\s*{_ERA_YEAR}(?P<sep>[./-])(?P<month>\d{{1,2}})(?P=sep)(?P<day>\d{{1,2}})"
)
_SEIREKI_SEP = re.compile(
    r"(?P<year>\d{4})(?P<sep>[./-])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"
)
_SEIREKI_KANJI = re.compile(
    r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"
)
_SEIREKI_COMPACT = re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})")

# Dash-like characters that NFKC leaves alone but users type in place of "-".
_DASHES = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-", "ー": "-"})


def _normalise(text: str) -> str:
    # NFKC folds full-width digits/letters/punctuation (７ → 7, ／ → /, Ｒ → R)
    # and the era ligatures (㍻ → 平成, ㋿ → 令和).
    s = unicodedata.normalize("NFKC", text).strip().translate(_DASHES)
    return s.upper()


def _make_date(year: int, month: int, day: int, original: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"存在しない日付です: {original!r}") from None


def parse_wareki(text: str) -> date:
    """Parse a 和暦 or 西暦 date string.

    Accepted forms (full-width characters allowed, case-insensitive):

    * "令和7年4月1日", "令和元年5月1日", "平成31年4月30日", "R7年4月1日"
    * "R7.4.1", "R07/04/01", "r7-4-1", "H31.4.30", "令7.4.1"
    * "2025-04-01", "2025/4/1", "2025.4.1", "2025年4月1日", "20250401"

    Raises ``ValueError`` (with a Japanese message) when the text is not a
    date, the date does not exist, the date lies outside the named era (e.g.
    "平成31年5月1日", "昭和64年1月8日") or is before 1873-01-01.
    """
    s = _normalise(text)
    if not s:
        raise ValueError("日付が入力されていません。")

    m = _WAREKI_KANJI.fullmatch(s) or _WAREKI_SEP.fullmatch(s)
    if m is not None:
        era = _ERA_BY_TOKEN[m["era"]]
        era_year = 1 if m["year"] == "元" else int(m["year"])
        if era_year < 1:
            raise ValueError(f"{era.name}0年は存在しません: {text!r}")
        d = _make_date(era.first_year + era_year - 1, int(m["month"]), int(m["day"]), text)
        if not era.contains(d):
            _check_supported(d)
            first = f"{era.start.year}年{era.start.month}月{era.start.day}日"
            if era.end is None:
                span = f"{first}以降"
            else:
                span = f"{first}から{era.end.year}年{era.end.month}月{era.end.day}日まで"
            raise ValueError(f"{text!r} は{era.name}の期間外です（{era.name}は{span}）。")
        return d

    m = _SEIREKI_SEP.fullmatch(s) or _SEIREKI_KANJI.fullmatch(s) or _SEIREKI_COMPACT.fullmatch(s)
    if m is not None:
        d = _make_date(int(m["year"]), int(m["month"]), int(m["day"]), text)
        _check_supported(d)
        return d

    raise ValueError(f"日付として解釈できません: {text!r}")


def fiscal_year_of(d: date) -> int:
    """Return the 年度 (fiscal year, April–March) containing ``d``.

    地方自治法第208条第1項: 普通地方公共団体の会計年度は、毎年4月1日に始まり、
    翌年3月31日に終わる.  The year is named after the calendar year in which it
    begins, so 2026-03-31 belongs to 2025年度.  The rule is applied as-is to
    any date (it is not a historical reconstruction of pre-1886 会計年度).
    """
    return d.year if d.month >= 4 else d.year - 1


def format_wareki_year(year: int) -> str:
    """Format a calendar year (a 所得年) as 和暦, e.g. 2024 → "令和6年", 2019 → "令和元年".

    A year in which the era changed is named by the new era, as the tax office names the
    income of 2019 "令和元年分"."""
    if year < MIN_DATE.year:
        raise ValueError(f"{year}年は対応範囲外です（1873年以降を指定してください）。")
    era = next(e for e in reversed(ERAS) if e.first_year <= year)
    n = year - era.first_year + 1
    return f"{era.name}{'元' if n == 1 else n}年"


def format_nendo(fy: int) -> str:
    """Format a fiscal year as 和暦年度, e.g. 2025 → "令和7年度".

    When an era changes during a fiscal year, the era whose 元年 is the fiscal
    year's starting calendar year is used, as municipalities did after the 2019
    改元: 2019 → "令和元年度", 2018 → "平成30年度", 1988 → "昭和63年度",
    1989 → "平成元年度".
    """
    if fy < MIN_DATE.year:
        raise ValueError(f"{fy}年度は対応範囲外です（1873年度以降を指定してください）。")
    era = next(e for e in reversed(ERAS) if e.first_year <= fy)
    n = fy - era.first_year + 1
    return f"{era.name}{'元' if n == 1 else n}年度"
