"""Tests for tenants.wareki (no Django, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from tenants.wareki import (
    MIN_DATE,
    Wareki,
    era_of,
    fiscal_year_of,
    format_nendo,
    format_wareki,
    parse_wareki,
    to_wareki,
)

# --- era boundaries ----------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(1873, 1, 1), Wareki("明治", "M", 6, 1, 1)),
        (date(1912, 7, 29), Wareki("明治", "M", 45, 7, 29)),
        (date(1912, 7, 30), Wareki("大正", "T", 1, 7, 30)),
        (date(1926, 12, 24), Wareki("大正", "T", 15, 12, 24)),
        (date(1926, 12, 25), Wareki("昭和", "S", 1, 12, 25)),
        (date(1989, 1, 7), Wareki("昭和", "S", 64, 1, 7)),
        (date(1989, 1, 8), Wareki("平成", "H", 1, 1, 8)),
        (date(2019, 4, 30), Wareki("平成", "H", 31, 4, 30)),
        (date(2019, 5, 1), Wareki("令和", "R", 1, 5, 1)),
        (date(2025, 4, 1), Wareki("令和", "R", 7, 4, 1)),
    ],
)
def test_to_wareki_at_era_boundaries(d: date, expected: Wareki) -> None:
    # given a Gregorian date on either side of an era change
    # when it is converted
    result = to_wareki(d)
    # then era, letter and era year are exact
    assert result == expected


@pytest.mark.parametrize(
    ("d", "long", "short"),
    [
        (date(1912, 7, 29), "明治45年7月29日", "M45.7.29"),
        (date(1912, 7, 30), "大正元年7月30日", "T1.7.30"),
        (date(1926, 12, 24), "大正15年12月24日", "T15.12.24"),
        (date(1926, 12, 25), "昭和元年12月25日", "S1.12.25"),
        (date(1989, 1, 7), "昭和64年1月7日", "S64.1.7"),
        (date(1989, 1, 8), "平成元年1月8日", "H1.1.8"),
        (date(2019, 4, 30), "平成31年4月30日", "H31.4.30"),
        (date(2019, 5, 1), "令和元年5月1日", "R1.5.1"),
        (date(2025, 4, 1), "令和7年4月1日", "R7.4.1"),
        (date(2025, 12, 31), "令和7年12月31日", "R7.12.31"),
    ],
)
def test_format_wareki_long_and_short(d: date, long: str, short: str) -> None:
    # given a date
    # when it is formatted in both styles
    long_text = format_wareki(d)
    short_text = format_wareki(d, style="short")
    # then 元年 is used in the long style only and no zero padding is added
    assert long_text == long
    assert short_text == short


def test_format_wareki_rejects_unknown_style() -> None:
    # given an unsupported style
    # when / then formatting fails
    with pytest.raises(ValueError, match="不正な書式指定"):
        format_wareki(date(2025, 4, 1), style="medium")  # type: ignore[arg-type]


def test_year_label() -> None:
    # given the first and seventh years of 令和
    # when / then year_label uses 元 for year 1
    assert to_wareki(date(2019, 5, 1)).year_label == "元"
    assert to_wareki(date(2025, 4, 1)).year_label == "7"


def test_era_of_returns_era_metadata() -> None:
    # given the first day of 平成
    # when its era is looked up
    era = era_of(date(1989, 1, 8))
    # then the table entry is exact
    assert (era.name, era.letter, era.first_year) == ("平成", "H", 1989)
    assert era.end == date(2019, 4, 30)


def test_dates_before_1873_are_rejected() -> None:
    # given the last day of the lunisolar calendar period
    # when / then conversion fails with a Japanese message
    assert date(1873, 1, 1) == MIN_DATE
    with pytest.raises(ValueError, match="1873年1月1日"):
        to_wareki(date(1872, 12, 31))
    with pytest.raises(ValueError, match="対応範囲外"):
        format_wareki(date(1868, 10, 23))


# --- parse_wareki ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和7年4月1日", date(2025, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("令和1年5月1日", date(2019, 5, 1)),
        ("R7.4.1", date(2025, 4, 1)),
        ("R07/04/01", date(2025, 4, 1)),
        ("r7-4-1", date(2025, 4, 1)),
        ("H31.4.30", date(2019, 4, 30)),
        ("h1.1.8", date(1989, 1, 8)),
        ("S64.1.7", date(1989, 1, 7)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("大正元年7月30日", date(1912, 7, 30)),
        ("明治45年7月29日", date(1912, 7, 29)),
        ("明治6年1月1日", date(1873, 1, 1)),
        ("T15.12.24", date(1926, 12, 24)),
        ("S1.12.25", date(1926, 12, 25)),
        ("令和７年４月１日", date(2025, 4, 1)),
        ("Ｒ７．４．１", date(2025, 4, 1)),
        ("R7年4月1日", date(2025, 4, 1)),
        ("令7.4.1", date(2025, 4, 1)),
        ("  令和 7 年 4 月 1 日  ", date(2025, 4, 1)),
        ("㍻31年4月30日", date(2019, 4, 30)),
        ("2025-04-01", date(2025, 4, 1)),
        ("2025/4/1", date(2025, 4, 1)),
        ("2025.4.1", date(2025, 4, 1)),
        ("2025年4月1日", date(2025, 4, 1)),
        ("20250401", date(2025, 4, 1)),
        ("２０２５－０４－０１", date(2025, 4, 1)),
    ],
)
def test_parse_wareki_accepts(text: str, expected: date) -> None:
    # given a date written in one of the accepted notations
    # when it is parsed
    result = parse_wareki(text)
    # then the Gregorian date is exact
    assert result == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("平成31年5月1日", "平成の期間外"),
        ("H31.5.1", "平成の期間外"),
        ("昭和64年1月8日", "昭和の期間外"),
        ("昭和元年12月24日", "昭和の期間外"),
        ("大正15年12月25日", "大正の期間外"),
        ("明治45年7月30日", "明治の期間外"),
        ("令和元年4月30日", "令和の期間外"),
        ("令和0年5月1日", "令和0年は存在しません"),
        ("明治5年12月2日", "対応範囲外"),
        ("1872-12-31", "対応範囲外"),
        ("R7.2.29", "存在しない日付"),
        ("2025-02-30", "存在しない日付"),
        ("20251301", "存在しない日付"),
        ("R7.4/1", "解釈できません"),
        ("X7.4.1", "解釈できません"),
        ("令和七年四月一日", "解釈できません"),
        ("2025-4", "解釈できません"),
        ("", "入力されていません"),
        ("   ", "入力されていません"),
    ],
)
def test_parse_wareki_rejects(text: str, message: str) -> None:
    # given an invalid or out-of-era date string
    # when / then parsing raises ValueError with a Japanese message
    with pytest.raises(ValueError, match=message):
        parse_wareki(text)


@pytest.mark.parametrize(
    "d",
    [
        date(1873, 1, 1),
        date(1912, 7, 29),
        date(1912, 7, 30),
        date(1926, 12, 24),
        date(1926, 12, 25),
        date(1989, 1, 7),
        date(1989, 1, 8),
        date(2000, 2, 29),
        date(2019, 4, 30),
        date(2019, 5, 1),
        date(2025, 4, 1),
    ],
)
def test_parse_round_trips_both_styles(d: date) -> None:
    # given a formatted date in each style
    long_text = format_wareki(d)
    short_text = format_wareki(d, style="short")
    # when it is parsed back
    # then the original date is recovered
    assert parse_wareki(long_text) == d
    assert parse_wareki(short_text) == d


def test_parse_round_trips_every_day_around_2019() -> None:
    # given every day from 2018-04-01 to 2020-03-31
    d = date(2018, 4, 1)
    while d <= date(2020, 3, 31):
        # when formatted and parsed
        # then it round-trips
        assert parse_wareki(format_wareki(d)) == d
        d = date.fromordinal(d.toordinal() + 1)


# --- 年度 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (date(2025, 4, 1), 2025),
        (date(2026, 3, 31), 2025),
        (date(2025, 3, 31), 2024),
        (date(2025, 1, 1), 2024),
        (date(2025, 12, 31), 2025),
    ],
)
def test_fiscal_year_of(d: date, fy: int) -> None:
    # given a date
    # when its fiscal year (April–March) is computed
    # then it is named after the calendar year in which it begins
    assert fiscal_year_of(d) == fy


@pytest.mark.parametrize(
    ("fy", "text"),
    [
        (2025, "令和7年度"),
        (2020, "令和2年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
        (1927, "昭和2年度"),
        (1913, "大正2年度"),
        (1911, "明治44年度"),
    ],
)
def test_format_nendo(fy: int, text: str) -> None:
    # given a fiscal year
    # when / then it is formatted as 和暦年度, with 元年度 in the year of 改元
    assert format_nendo(fy) == text


def test_format_nendo_rejects_pre_1873() -> None:
    # given a fiscal year before the supported range
    # when / then formatting fails
    with pytest.raises(ValueError, match="対応範囲外"):
        format_nendo(1872)
