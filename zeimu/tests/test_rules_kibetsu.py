"""期別 of 普通徴収 and 給与特別徴収: exact sums, 端数 in the first 期, no closed-day due dates."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zeimu.rules.kibetsu import futsu_choshu, tokubetsu_choshu

LAW = {
    "zeimu.kojin_juminzei.futsu_choshu.nouki_months": [6, 8, 10, 1],
    "zeimu.kojin_juminzei.futsu_choshu.nouki_day": 0,
    "zeimu.kojin_juminzei.futsu_choshu.hasu_tani": 1000,
    "zeimu.kojin_juminzei.tokubetsu_choshu.hasu_tani": 100,
    "zeimu.kojin_juminzei.tokubetsu_choshu.nonyu_day": 10,
}


def lookup(overrides: dict[str, Any] | None = None) -> Any:
    values = {**LAW, **(overrides or {})}
    return lambda key, fy: values[key]


def test_futsu_choshu_2025_worked_by_hand() -> None:
    # 116,500円: 116,500 / 4 = 29,125 → 29,000 ×4 = 116,000; 500 goes to 第1期.
    ki = futsu_choshu(116_500, 2025, lookup())
    assert [k.amount for k in ki] == [29_500, 29_000, 29_000, 29_000]
    # 2025-06-30 Mon; 2025-08-31 Sun → 9/1; 2025-10-31 Fri; 2026-01-31 Sat → 2/2.
    assert [k.due for k in ki] == [
        date(2025, 6, 30),
        date(2025, 9, 1),
        date(2025, 10, 31),
        date(2026, 2, 2),
    ]
    assert [k.moved for k in ki] == [False, True, False, True]


def test_futsu_choshu_with_a_100_yen_ordinance_and_a_fixed_day() -> None:
    ordinance = {
        "zeimu.kojin_juminzei.futsu_choshu.hasu_tani": 100,
        "zeimu.kojin_juminzei.futsu_choshu.nouki_day": 15,
    }
    ki = futsu_choshu(116_500, 2025, lookup(ordinance))
    assert [k.amount for k in ki] == [29_200, 29_100, 29_100, 29_100]
    assert ki[0].due_nominal == date(2025, 6, 15) and ki[0].due == date(2025, 6, 16)  # Sunday


def test_tokubetsu_choshu_twelve_months_june_to_may() -> None:
    # 196,100円: /12 = 16,341.6 → 16,300 ×12 = 195,600; 500 goes to June → 16,800.
    ki = tokubetsu_choshu(196_100, 2025, lookup())
    assert [k.label for k in ki][:2] == ["6月分", "7月分"] and ki[-1].label == "5月分"
    assert ki[0].amount == 16_800 and all(k.amount == 16_300 for k in ki[1:])
    # June's tax is paid by 7/10 (Thu); May's by 2026-06-10 (Wed); 2025-08-10 is a Sunday
    # (and 8/11 山の日), so July's goes to 8/12.
    assert ki[0].due == date(2025, 7, 10)
    assert ki[1].due_nominal == date(2025, 8, 10) and ki[1].due == date(2025, 8, 12)
    assert ki[-1].due == date(2026, 6, 10)


@given(st.integers(min_value=0, max_value=50_000_000))
def test_installments_always_sum_to_the_tax(total: int) -> None:
    assert sum(k.amount for k in futsu_choshu(total, 2025, lookup())) == total
    assert sum(k.amount for k in tokubetsu_choshu(total, 2025, lookup())) == total


def test_negative_tax_is_refused() -> None:
    with pytest.raises(ValueError, match="負の金額"):
        futsu_choshu(-1, 2025, lookup())


@pytest.mark.django_db
def test_from_the_parameter_store_with_a_towns_ordinance(in_alpha: Any) -> None:
    from tenants.params.services import param_value
    from tenants.params.tenant.models import MunicipalParameter

    assert futsu_choshu(116_500, 2025, param_value)[0].amount == 29_500
    MunicipalParameter.objects.create(
        key="zeimu.kojin_juminzei.futsu_choshu.hasu_tani",
        fiscal_year_from=2025,
        value=100,
        source="葉山町税条例（テスト）",
        created_by="test",
    )
    assert futsu_choshu(116_500, 2025, param_value)[0].amount == 29_200
