"""期別 of the 国保税 (pure): the town's 納期 and 端数, the 仮算定's 期 kept by the 本算定,
a 更正 keeping the 期 already due and spreading the 差額 (過納 when it cannot)."""

from __future__ import annotations

from datetime import date
from typing import Any

from kokuho.rules.fuka_kibetsu import kibetsu_hon, kibetsu_kari, kibetsu_kosei, nouki, split_ki

TOWN: dict[str, Any] = {
    "kokuho.fuka.nouki_months": [7, 8, 9, 10, 11, 12, 1, 2, 3],
    "kokuho.fuka.nouki_day": 0,
    "kokuho.fuka.hasu_tani": 1000,
    "kokuho.fuka.karisantei_kisu": 2,
}


def lookup(key: str, year: int) -> Any:
    return TOWN[key]


def test_split_puts_the_remainder_in_the_first_ki() -> None:
    assert split_ki(362_700, 9, 1000) == [42_700] + [40_000] * 8
    assert split_ki(362_750, 9, 100) == [40_350] + [40_300] * 8
    assert sum(split_ki(999, 9, 1000)) == 999


def test_due_dates_are_month_ends_moved_to_the_next_business_day() -> None:
    ki = nouki(2025, lookup)
    assert [k.month for k in ki] == [7, 8, 9, 10, 11, 12, 1, 2, 3]
    # 令和7年8月31日 is a Sunday: due on 9月1日 (地方税法第20条の5)
    aug = ki[1]
    assert aug.due_nominal == date(2025, 8, 31) and aug.due == date(2025, 9, 1)
    # 3月31日 of the next year
    assert ki[-1].due_nominal == date(2026, 3, 31)


def test_kari_then_hon_keeps_the_kari_ki() -> None:
    kari = kibetsu_kari(450_000, 2025, lookup)
    assert kari.amounts == (50_000, 50_000, 0, 0, 0, 0, 0, 0, 0)
    hon = kibetsu_hon(362_700, 2025, lookup, kari=kari)
    assert hon.amounts[:2] == (50_000, 50_000) and hon.total == 362_700
    # 262,700 over seven 期: 37,000 each, the 3,700 remainder in the first of them
    assert hon.amounts[2:] == (40_700, *([37_000] * 6))


def test_kosei_keeps_the_ki_due_and_spreads_the_sagaku() -> None:
    before = [42_700] + [40_000] * 8
    after = kibetsu_kosei(300_000, before, 2025, lookup, on=date(2025, 10, 15))
    # 7月・8月・9月 were due before 10月15日
    assert after.amounts[:3] == (42_700, 40_000, 40_000)
    assert after.total == 300_000 and after.kanou == 0
    assert [r["sagaku"] for r in after.as_json()][:3] == [0, 0, 0]


def test_kosei_below_what_was_due_is_kanou() -> None:
    before = [42_700] + [40_000] * 8
    after = kibetsu_kosei(100_000, before, 2025, lookup, on=date(2025, 12, 2))
    # 7月〜11月 (five 期, 202,700円; 11月30日 is a Sunday, due 12月1日) were due before
    # 12月2日: nothing left to levy, 102,700円 refunded
    assert after.amounts == (42_700, 40_000, 40_000, 40_000, 40_000, 0, 0, 0, 0)
    assert after.kanou == 102_700
