"""徴収方法の振り分けと期別: 普通徴収・給与特別徴収・年金特別徴収 (hand-worked and properties)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenants.fields import json_text
from zeimu.rules.choshu import (
    Bunkatsu,
    ChoshuCalendar,
    choshu_bunkatsu,
    kibetsu_json,
    kibetsu_text,
)

LAW = {
    "zeimu.kojin_juminzei.futsu_choshu.nouki_months": [6, 8, 10, 1],
    "zeimu.kojin_juminzei.futsu_choshu.nouki_day": 0,
    "zeimu.kojin_juminzei.futsu_choshu.hasu_tani": 1000,
    "zeimu.kojin_juminzei.tokubetsu_choshu.hasu_tani": 100,
    "zeimu.kojin_juminzei.tokubetsu_choshu.nonyu_day": 10,
    "zeimu.kojin_juminzei.nenkin_tokucho.karichoshu_months": [4, 6, 8],
    "zeimu.kojin_juminzei.nenkin_tokucho.honchoshu_months": [10, 12, 2],
    "zeimu.kojin_juminzei.nenkin_tokucho.kaishi_nenrei": 65,
    "zeimu.kojin_juminzei.nenkin_tokucho.hasu_tani": 100,
}
CAL = ChoshuCalendar.build(2025, lambda key, fy: LAW[key])
#: another town's calendar: 100円 units, five 納期 on the 15th, 仮徴収 in two months
OTHER = ChoshuCalendar.build(
    2026,
    lambda key, fy: {
        **LAW,
        "zeimu.kojin_juminzei.futsu_choshu.nouki_months": [6, 7, 9, 11, 2],
        "zeimu.kojin_juminzei.futsu_choshu.nouki_day": 15,
        "zeimu.kojin_juminzei.futsu_choshu.hasu_tani": 100,
        "zeimu.kojin_juminzei.nenkin_tokucho.karichoshu_months": [4, 6],
    }[key],
)


def split(**kw: Any) -> Any:
    args: dict[str, Any] = {
        "shotokuwari": 0,
        "kintowari": 0,
        "kyuyo_shotoku": 0,
        "nenkin_shotoku": 0,
        "sonota_shotoku": 0,
        "kyuyo_tokucho": False,
        "nenkin_tokucho": False,
        "futsu_kibo": False,
        "nenkin_prev": None,
        "calendar": CAL,
    }
    args.update(kw)
    return choshu_bunkatsu(**args)


def test_no_tokucho_is_all_futsu_in_four_ki() -> None:
    b = split(shotokuwari=111_500, kintowari=5_000, kyuyo_shotoku=2_020_000)
    assert (b.futsu, b.kyuyo, b.nenkin) == (116_500, 0, 0)
    k = kibetsu_json(b, CAL)
    assert [x["amount"] for x in k["futsu"]] == [29_500, 29_000, 29_000, 29_000]
    # 2025-08-31 is a Sunday: 納期限 9/1, the nominal date kept for the notice.
    assert k["futsu"][1]["due"] == "2025-09-01" and k["futsu"][1]["nominal"] == "2025-08-31"
    assert "kyuyo" not in k and "nenkin" not in k


def test_kyuyo_tokucho_takes_salary_kintowari_and_other_income_unless_asked() -> None:
    # 所得割 100,000 over 給与 3,000,000 and 事業 1,000,000: 75,000 / 25,000.
    b = split(
        shotokuwari=100_000,
        kintowari=5_000,
        kyuyo_shotoku=3_000_000,
        sonota_shotoku=1_000_000,
        kyuyo_tokucho=True,
    )
    assert (b.shotokuwari_kyuyo, b.shotokuwari_sonota) == (75_000, 25_000)
    assert (b.futsu, b.kyuyo) == (0, 105_000)
    k = kibetsu_json(b, CAL)
    # 105,000 / 12 = 8,750 → 8,700 ×11 = 95,700 and June 9,300.
    assert [x["amount"] for x in k["kyuyo"]] == [9_300] + [8_700] * 11
    assert k["kyuyo"][0]["label"] == "6月分" and k["kyuyo"][0]["due"] == "2025-07-10"
    asked = split(
        shotokuwari=100_000,
        kintowari=5_000,
        kyuyo_shotoku=3_000_000,
        sonota_shotoku=1_000_000,
        kyuyo_tokucho=True,
        futsu_kibo=True,
    )
    assert (asked.futsu, asked.kyuyo) == (25_000, 80_000)


def test_nenkin_first_year_half_by_futsu_in_first_two_ki() -> None:
    # 年金所得だけ、所得割 30,000 + 均等割等 5,000 = 35,000: 特徴なし前年 → 初年度.
    b = split(shotokuwari=30_000, kintowari=5_000, nenkin_shotoku=1_200_000, nenkin_tokucho=True)
    assert (b.futsu, b.nenkin, b.nenkin_shonendo_futsu) == (17_500, 17_500, 17_500)
    k = kibetsu_json(b, CAL)
    assert [x["amount"] for x in k["futsu"]] == [8_800, 8_700, 0, 0]
    assert [(x["label"], x["kind"], x["amount"]) for x in k["nenkin"]] == [
        ("10月", "本徴収", 5_900),
        ("12月", "本徴収", 5_800),
        ("2月", "本徴収", 5_800),
    ]


def test_nenkin_continuing_kari_is_half_of_last_year() -> None:
    # 前年度の年金特徴 36,000 → 仮徴収 18,000 (6,000 ×3); 本徴収 (35,000 − 18,000) / 3.
    b = split(
        shotokuwari=30_000,
        kintowari=5_000,
        nenkin_shotoku=1_200_000,
        nenkin_tokucho=True,
        nenkin_prev=36_000,
    )
    assert (b.futsu, b.nenkin) == (0, 35_000)
    assert b.nenkin_kari == (6_000, 6_000, 6_000)
    assert b.nenkin_hon == (5_800, 5_600, 5_600)  # 17,000 / 3 → 5,600; 200 to October
    k = kibetsu_json(b, CAL)
    assert "futsu" not in k
    assert [x["year"] for x in k["nenkin"]] == [2025, 2025, 2025, 2025, 2025, 2026]


def test_nenkin_kari_beyond_this_year_is_refunded_not_negative() -> None:
    b = split(
        shotokuwari=2_000,
        kintowari=5_000,
        nenkin_shotoku=400_000,
        nenkin_tokucho=True,
        nenkin_prev=40_000,
    )
    assert b.nenkin == 7_000 and b.nenkin_hon == (0, 0, 0)
    assert b.nenkin_kagonou == 13_000
    assert kibetsu_json(b, CAL)["nenkin_kagonou"] == 13_000


def test_employee_pensioner_pension_part_goes_to_nenkin_kintowari_to_employer() -> None:
    b = split(
        shotokuwari=60_000,
        kintowari=5_000,
        kyuyo_shotoku=2_000_000,
        nenkin_shotoku=1_000_000,
        kyuyo_tokucho=True,
        nenkin_tokucho=True,
        nenkin_prev=20_000,
    )
    assert (b.shotokuwari_kyuyo, b.shotokuwari_nenkin) == (40_000, 20_000)
    assert (b.kyuyo, b.nenkin, b.futsu) == (45_000, 20_000, 0)


def test_hikazei_has_no_kibetsu() -> None:
    b = split()
    assert b.total == 0 and kibetsu_json(b, CAL) == {}


@given(
    shotokuwari=st.integers(0, 5_000_000).map(lambda x: x // 100 * 100),
    kintowari=st.sampled_from([0, 5_000, 6_000, 4_500]),
    kyuyo=st.integers(-10, 20_000_000),
    nenkin=st.integers(0, 5_000_000),
    sonota=st.integers(-3_000_000, 10_000_000),
    kyuyo_tokucho=st.booleans(),
    nenkin_tokucho=st.booleans(),
    futsu_kibo=st.booleans(),
    prev=st.one_of(st.none(), st.integers(0, 400_000)),
)
def test_methods_and_installments_always_sum_to_the_tax(
    shotokuwari: int,
    kintowari: int,
    kyuyo: int,
    nenkin: int,
    sonota: int,
    kyuyo_tokucho: bool,
    nenkin_tokucho: bool,
    futsu_kibo: bool,
    prev: int | None,
) -> None:
    b = split(
        shotokuwari=shotokuwari,
        kintowari=kintowari,
        kyuyo_shotoku=kyuyo,
        nenkin_shotoku=nenkin,
        sonota_shotoku=sonota,
        kyuyo_tokucho=kyuyo_tokucho,
        nenkin_tokucho=nenkin_tokucho,
        futsu_kibo=futsu_kibo,
        nenkin_prev=prev,
    )
    assert b.total == shotokuwari + kintowari
    assert min(b.futsu, b.kyuyo, b.nenkin) >= 0
    k = kibetsu_json(b, CAL)
    assert sum(x["amount"] for x in k.get("futsu", [])) == b.futsu
    assert sum(x["amount"] for x in k.get("kyuyo", [])) == b.kyuyo
    nenkin_paid = sum(x["amount"] for x in k.get("nenkin", []))
    assert nenkin_paid - k.get("nenkin_kagonou", 0) == b.nenkin
    assert all(x["amount"] >= 0 for v in k.values() if isinstance(v, list) for x in v)
    for item in k.get("futsu", []) + k.get("kyuyo", []):
        assert date.fromisoformat(item["due"]).weekday() < 5


@given(
    shotokuwari=st.integers(0, 5_000_000).map(lambda x: x // 100 * 100),
    kintowari=st.sampled_from([0, 5_000, 6_000, 4_500]),
    kyuyo=st.integers(-10, 20_000_000),
    nenkin=st.integers(0, 5_000_000),
    sonota=st.integers(-3_000_000, 10_000_000),
    kyuyo_tokucho=st.booleans(),
    nenkin_tokucho=st.booleans(),
    futsu_kibo=st.booleans(),
    prev=st.one_of(st.none(), st.integers(0, 400_000)),
    other=st.booleans(),
)
def test_kibetsu_text_is_the_json_text_of_kibetsu_json(
    shotokuwari: int,
    kintowari: int,
    kyuyo: int,
    nenkin: int,
    sonota: int,
    kyuyo_tokucho: bool,
    nenkin_tokucho: bool,
    futsu_kibo: bool,
    prev: int | None,
    other: bool,
) -> None:
    """The 当初賦課 writes the 期別 from the calendar's templates: the same text, character
    for character, as the JSON of ``kibetsu_json`` (every method, 初年度 and 仮徴収, 過誤納,
    two calendars)."""
    cal = OTHER if other else CAL
    b = split(
        shotokuwari=shotokuwari,
        kintowari=kintowari,
        kyuyo_shotoku=kyuyo,
        nenkin_shotoku=nenkin,
        sonota_shotoku=sonota,
        kyuyo_tokucho=kyuyo_tokucho,
        nenkin_tokucho=nenkin_tokucho,
        futsu_kibo=futsu_kibo,
        nenkin_prev=prev,
        calendar=cal,
    )
    assert kibetsu_text(b, cal) == json_text(kibetsu_json(b, cal))


def test_kibetsu_text_of_a_kagonou_and_of_nothing() -> None:
    b = split(shotokuwari=20_000, nenkin_shotoku=1_000_000, nenkin_tokucho=True, nenkin_prev=90_000)
    assert b.nenkin_kagonou > 0
    assert kibetsu_text(b, CAL) == json_text(kibetsu_json(b, CAL))
    assert '"nenkin_kagonou":' in kibetsu_text(b, CAL)
    assert kibetsu_text(split(), CAL) == "{}" == json_text(kibetsu_json(split(), CAL))


def test_kibetsu_text_refuses_what_kibetsu_json_refuses() -> None:
    """A split no ``choshu_bunkatsu`` makes (本徴収 amounts for two months of three) is
    refused the same way, not written with a 期 missing."""
    b = Bunkatsu(futsu=0, kyuyo=0, nenkin=2_000, nenkin_hon=(1_000, 1_000))
    with pytest.raises(ValueError):
        kibetsu_json(b, CAL)
    with pytest.raises(ValueError):
        kibetsu_text(b, CAL)
