"""延滞金 (zeimu.rules.entaikin) against published worked examples.

- 豊橋市「延滞金について」(www.city.toyohashi.lg.jp, menuid=10874): 令和3年度 固定資産税・都市計画税
  第1期 65,000円, 納期限 令和3年5月31日, 納付 令和4年1月31日: 2.5% × 30日 = 133円, 8.8% × 184日
  = 2,883円, 8.7% × 31日 = 480円, 計 3,496円 → 延滞金 3,400円. It crosses the 1-month boundary
  and a change of the rate (令和3年 8.8% → 令和4年 8.7%).
- 福岡市 FAQ3274: 152,500円 → 152,000円 (1,000円未満切捨て); 納期限 令和7年9月1日 → the first
  period 令和7年9月2日〜10月1日, 30日.
- The rates per year: 袋井市「延滞金などの割合の改正」(2026-01-01), 福山市, 岐阜市 (cited in
  zeimu/params/shuno.yaml).
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenants.params.services import _rows_from_file
from zeimu.rules.entaikin import entaikin_calculate, ikkagetsu_end

ROWS = _rows_from_file(Path(__file__).resolve().parents[1] / "params" / "shuno.yaml")


def lookup(key: str, year: int) -> Any:
    for row in ROWS:
        if (
            row.key == key
            and row.fiscal_year_from <= year
            and (row.fiscal_year_to is None or year <= row.fiscal_year_to)
        ):
            return row.value
    raise LookupError(key)


def test_toyohashi_example_across_the_month_and_the_new_year() -> None:
    nouki = date(2021, 5, 31)
    r = entaikin_calculate(
        nouki=nouki, paid_on=date(2022, 1, 31), owed=[(date(2021, 6, 1), 65_000)], lookup=lookup
    )
    got = [(s.start, s.end, s.days, s.rate, s.amount) for s in r.segments]
    assert got == [
        (date(2021, 6, 1), date(2021, 6, 30), 30, Fraction(25, 1000), 133),
        (date(2021, 7, 1), date(2021, 12, 31), 184, Fraction(88, 1000), 2883),
        (date(2022, 1, 1), date(2022, 1, 31), 31, Fraction(87, 1000), 480),
    ]
    assert r.total_raw == 3496
    assert r.entaikin == 3400


def test_fukuoka_first_period_and_the_thousand_yen_cut() -> None:
    nouki = date(2025, 9, 1)
    assert ikkagetsu_end(nouki) == date(2025, 10, 1)
    r = entaikin_calculate(
        nouki=nouki, paid_on=date(2025, 10, 1), owed=[(date(2025, 9, 2), 152_500)], lookup=lookup
    )
    (seg,) = r.segments
    assert (seg.days, seg.base, seg.rate) == (30, 152_000, Fraction(24, 1000))
    # 152,000 × 2.4% × 30 ÷ 365 = 299.8… → 299円: under 1,000円, so no 延滞金
    assert (seg.amount, r.entaikin) == (299, 0)


def test_the_2026_rates_apply_from_the_first_of_january() -> None:
    """令和7年 2.4%・8.7% → 令和8年 2.8%・9.1% (袋井市). The segments are the Toyohashi method
    applied to 福岡市's case paid on 令和8年2月5日 (the page's own total was not read)."""
    r = entaikin_calculate(
        nouki=date(2025, 9, 1),
        paid_on=date(2026, 2, 5),
        owed=[(date(2025, 9, 2), 152_500)],
        lookup=lookup,
    )
    got = [(s.start, s.end, s.days, s.rate, s.later) for s in r.segments]
    assert got == [
        (date(2025, 9, 2), date(2025, 10, 1), 30, Fraction(24, 1000), False),
        (date(2025, 10, 2), date(2025, 12, 31), 91, Fraction(87, 1000), True),
        (date(2026, 1, 1), date(2026, 2, 5), 36, Fraction(91, 1000), True),
    ]
    assert [s.amount for s in r.segments] == [299, 3296, 1364]
    assert r.entaikin == 4900


def test_a_part_paid_lowers_the_base_from_the_next_day() -> None:
    nouki = date(2025, 5, 31)  # a Saturday in the real calendar; the ledger moves it
    r = entaikin_calculate(
        nouki=nouki,
        paid_on=date(2025, 12, 1),
        owed=[(date(2025, 6, 1), 100_000), (date(2025, 8, 1), 60_000)],
        lookup=lookup,
    )
    bases = [(s.start, s.base) for s in r.segments]
    assert bases == [
        (date(2025, 6, 1), 100_000),
        (date(2025, 7, 1), 100_000),
        (date(2025, 8, 1), 60_000),
    ]
    # 100,000×2.4%×30/365 = 197; 100,000×8.7%×31/365 = 738; 60,000×8.7%×123/365 = 1,759
    assert [s.amount for s in r.segments] == [197, 738, 1759]
    assert r.entaikin == 2600


def test_small_taxes_bear_nothing() -> None:
    r = entaikin_calculate(
        nouki=date(2025, 5, 31),
        paid_on=date(2026, 5, 31),
        owed=[(date(2025, 6, 1), 1_999)],
        lookup=lookup,
    )
    assert r.entaikin == 0 and all(s.base == 0 for s in r.segments)
    paid_in_time = entaikin_calculate(
        nouki=date(2025, 5, 31),
        paid_on=date(2025, 5, 31),
        owed=[(date(2025, 6, 1), 900_000)],
        lookup=lookup,
    )
    assert paid_in_time.entaikin == 0 and paid_in_time.segments == ()


@pytest.mark.parametrize(
    ("nouki", "end"),
    [
        (date(2025, 1, 30), date(2025, 2, 28)),  # from 31 Jan: February has no 31st
        (date(2024, 1, 30), date(2024, 2, 29)),
        (date(2025, 12, 31), date(2026, 1, 31)),
        (date(2025, 2, 28), date(2025, 3, 31)),
        (date(2025, 3, 31), date(2025, 4, 30)),
    ],
)
def test_one_month_from_the_day_after_the_nouki(nouki: date, end: date) -> None:
    assert ikkagetsu_end(nouki) == end


def test_rates_before_2014_are_refused() -> None:
    with pytest.raises(ValueError, match="2013年の延滞金の割合"):
        entaikin_calculate(
            nouki=date(2013, 5, 31),
            paid_on=date(2013, 8, 1),
            owed=[(date(2013, 6, 1), 50_000)],
            lookup=lookup,
        )


@given(
    amount=st.integers(min_value=0, max_value=5_000_000),
    nouki=st.dates(min_value=date(2014, 1, 1), max_value=date(2027, 12, 31)),
    late=st.integers(min_value=0, max_value=900),
)
def test_properties(amount: int, nouki: date, late: int) -> None:
    from datetime import timedelta

    paid = nouki + timedelta(days=late)
    if paid.year > 2027:
        return
    r = entaikin_calculate(
        nouki=nouki, paid_on=paid, owed=[(nouki + timedelta(days=1), amount)], lookup=lookup
    )
    assert sum(s.days for s in r.segments) == max(0, late)
    assert r.entaikin % 100 == 0 and (r.entaikin == 0 or r.entaikin >= 1000)
    assert r.entaikin <= r.total_raw
    # never more than the later rate of the dearest year over the whole span
    assert r.total_raw <= amount * Fraction(920, 10_000) * late / 365 + 1


# --- 除算期間 (地方税法第321条の2第3項・第4項) ------------------------------------------------
# No municipality's or 総務省's worked example with figures was found (searched 2026-12-07:
# 「延滞金 除算期間 修正申告 個人住民税」, the article's phrases); the figures below are worked
# by hand from the article as read (税務研究会's excerpt of 第321条の2) and the rates of
# zeimu/params/shuno.yaml (令和6・7年 2.4%・8.7%).


def test_ichinen_end_is_the_day_before_the_same_date_a_year_on() -> None:
    from zeimu.rules.entaikin import ichinen_end

    # 納期限 令和6年7月1日: 7月2日から1年を経過する日 = 令和7年7月1日
    assert ichinen_end(date(2024, 7, 1)) == date(2025, 7, 1)
    # from 29 February: no such date the next year, so that month's last day
    assert ichinen_end(date(2024, 2, 28)) == date(2025, 2, 28)


def test_josan_ko3_leaves_out_the_days_after_a_year_until_the_notice() -> None:
    """第3項, by hand: 令和6年度 第1期 (納期限 令和6年7月1日) paid in time; a 所得税 修正申告
    raises it by 30,000円, notified on 令和7年10月15日, paid 令和7年11月14日. The 30,000円
    bears no 延滞金 from 令和7年7月2日 (the day after one year from 7月2日 has passed) to
    10月15日 (106日):
    30,000×2.4%×31/365 = 61; ×8.7%×152/365 = 1,086; ×8.7%×182/365 = 1,301; 0 for 106日;
    ×8.7%×30/365 = 214 → 2,662 → 2,600円 (without the 除算期間: 3,420 → 3,400円)."""
    from zeimu.rules.entaikin import ChoteiEntry, Josan, josan_periods

    nouki = date(2024, 7, 1)
    entries = [
        ChoteiEntry(50_000, date(2024, 6, 1)),
        ChoteiEntry(30_000, date(2025, 10, 10), shotoku=True, tsuchi=date(2025, 10, 15)),
    ]
    josan = josan_periods(nouki, entries)
    assert josan == [Josan(date(2025, 7, 2), date(2025, 10, 15), 30_000, 3)]
    owed = [(date(2024, 7, 2), 30_000)]
    r = entaikin_calculate(
        nouki=nouki, paid_on=date(2025, 11, 14), owed=owed, lookup=lookup, josan=josan
    )
    got = [(s.start, s.end, s.days, s.base, s.josan, s.amount) for s in r.segments]
    assert got == [
        (date(2024, 7, 2), date(2024, 8, 1), 31, 30_000, 0, 61),
        (date(2024, 8, 2), date(2024, 12, 31), 152, 30_000, 0, 1086),
        (date(2025, 1, 1), date(2025, 7, 1), 182, 30_000, 0, 1301),
        (date(2025, 7, 2), date(2025, 10, 15), 106, 0, 30_000, 0),
        (date(2025, 10, 16), date(2025, 11, 14), 30, 30_000, 0, 214),
    ]
    assert (r.total_raw, r.entaikin) == (2662, 2600)
    plain = entaikin_calculate(nouki=nouki, paid_on=date(2025, 11, 14), owed=owed, lookup=lookup)
    # 61 + 1,086 + 1,301 + 30,000×8.7%×136/365 = 972 → 3,420
    assert (plain.total_raw, plain.entaikin) == (3420, 3400)


def test_josan_ko3_needs_the_year_to_have_passed_and_the_shotoku_basis() -> None:
    from zeimu.rules.entaikin import ChoteiEntry, josan_periods

    nouki = date(2024, 7, 1)
    # notified within the year (令和7年7月1日 is its last day): no 除算期間
    within = ChoteiEntry(30_000, date(2025, 7, 1), shotoku=True)
    assert josan_periods(nouki, [ChoteiEntry(50_000, date(2024, 6, 1)), within]) == []
    # a 更正 of the town's own (not due to the 所得税): none either
    own = ChoteiEntry(30_000, date(2025, 10, 15))
    assert josan_periods(nouki, [ChoteiEntry(50_000, date(2024, 6, 1)), own]) == []


def test_josan_ko4_after_a_gengaku_the_part_up_to_what_was_lowered() -> None:
    """第4項 (bounds our reading, 未確認): 300,000円 due 令和6年7月1日, paid in time; a 所得税
    減額更正 lowers it by 200,000円 (notified 令和6年10月1日; refunded 10月15日); a 修正申告
    raises it by 250,000円 (notified 令和7年3月3日), paid 令和7年4月2日. Of the 250,000円,
    200,000円 bears none from 10月1日 to 3月3日; 50,000円 (within the year: no 第3項) bears it
    throughout. By hand (the ledger counts the 調定 as standing from the 納期限, so 50,000円 is
    owed from 7月2日 and 250,000円 from the day after the refund):
    50,000×2.4%×31/365 = 101; ×8.7%×60/365 = 715; 10月1日〜15日: 50,000 − min(50,000,
    200,000) = 0; 10月16日〜12月31日 50,000×8.7%×77/365 = 917; 令和7年1月1日〜3月3日
    ×8.7%×62/365 = 738; 3月4日〜4月2日 250,000×8.7%×30/365 = 1,787 → 4,258 → 4,200円."""
    from zeimu.rules.entaikin import ChoteiEntry, Josan, josan_periods

    nouki = date(2024, 7, 1)
    entries = [
        ChoteiEntry(300_000, date(2024, 6, 1)),
        ChoteiEntry(-200_000, date(2024, 9, 30), shotoku=True, tsuchi=date(2024, 10, 1)),
        ChoteiEntry(250_000, date(2025, 3, 3), shotoku=True),
    ]
    josan = josan_periods(nouki, entries)
    assert josan == [Josan(date(2024, 10, 1), date(2025, 3, 3), 200_000, 4)]
    owed = [(date(2024, 7, 2), 50_000), (date(2024, 10, 16), 250_000)]
    r = entaikin_calculate(
        nouki=nouki, paid_on=date(2025, 4, 2), owed=owed, lookup=lookup, josan=josan
    )
    got = [(s.start, s.days, s.base, s.josan, s.amount) for s in r.segments]
    assert got == [
        (date(2024, 7, 2), 31, 50_000, 0, 101),
        (date(2024, 8, 2), 60, 50_000, 0, 715),
        (date(2024, 10, 1), 15, 0, 50_000, 0),
        (date(2024, 10, 16), 77, 50_000, 200_000, 917),
        (date(2025, 1, 1), 62, 50_000, 200_000, 738),
        (date(2025, 3, 4), 30, 250_000, 0, 1787),
    ]
    assert (r.total_raw, r.entaikin) == (4258, 4200)
