"""軽自動車税（種別割）rules (zeimu/rules/keijidosha.py) against what municipalities publish.

The law values are read from zeimu/params/keijidosha.yaml itself (no database). Sources:

- 松戸市「重課税率について」(更新日 2020年2月18日), the table 「軽自動車税（種別割）重課税率
  （13年経過）適用開始年度について」: 初度検査 平成24年4月から平成25年3月まで → 令和8年度から,
  平成25年4月から平成26年3月まで → 令和9年度から.
  https://www.city.matsudo.chiba.jp/kurashi/zeikin_top/keiji/jukazeiritsu.html
- 八代市「軽自動車税（種別割）の税額変更について」, the table of 三輪・四輪: 平成27年3月31日まで
  (旧税率) / 平成27年4月1日以後 (新税率) / 13年を経過 (重課), e.g. 四輪 乗用 自家用 7,200円 /
  10,800円 / 12,900円. https://www.city.yatsushiro.lg.jp/kiji0036652/index.html
- 多良木町「軽自動車税 燃費性能に応じたグリーン化特例（軽課）について」(更新日 2025年11月26日):
  令和5年4月1日〜令和8年3月31日の新規登録, 75%軽減 乗用 自家用 2,700円・営業用 1,800円,
  50%軽減 営業用 3,500円, 25%軽減 営業用 5,200円 (令和7年3月31日まで).
  https://www.town.tara.lg.jp/kurashi/_1020/_3678/_7240.html
- 佐伯市 (グリーン化特例 軽課の概要): 令和7年4月1日から令和8年3月31日までに初回車両番号指定
  → 概ね50% (営業用乗用, 令和12年度燃費基準90%達成) と 概ね75% (電気・天然ガス) だけ.
  https://www.city.saiki.oita.jp/kiji0033532/index.html

These pages are HTML (no page numbers); the table each test uses is named in it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from zeimu.rules.keijidosha import KeiParams, SharyoInput, kei_compute, kei_kibetsu, nendo_of

YAML = Path(__file__).resolve().parents[1] / "params" / "keijidosha.yaml"


def lookup_with(**town: Any) -> Any:
    doc = yaml.safe_load(YAML.read_text(encoding="utf-8"))

    def lookup(key: str, fy: int) -> Any:
        short = key.removeprefix("zeimu.keijidosha.")
        if short in town:
            return town[short]
        for p in doc["parameters"]:
            if p["key"] == key:
                for v in p["values"]:
                    if v["from"] <= fy and (v.get("to") is None or fy <= v["to"]):
                        return v["value"]
        raise LookupError(key)

    return lookup


R7, R8 = 2025, 2026
P7 = KeiParams.build(R7, lookup_with())
P8 = KeiParams.build(R8, lookup_with())


def car(shubetsu: str, ym: tuple[int, int] | None, **kw: Any) -> SharyoInput:
    return SharyoInput(shubetsu=shubetsu, shodo_kensa=date(ym[0], ym[1], 1) if ym else None, **kw)


def test_13_year_boundary_for_reiwa_8_matsudo_table():
    # 松戸市's table: 初度検査 平成25年3月 → 重課 from 令和8年度; 平成25年4月 → from 令和9年度
    # given a 四輪 乗用 自家用 first inspected in March 2013 and one in April 2013
    march, april = car("joyo_jika", (2013, 3)), car("joyo_jika", (2013, 4))
    # when assessed for 令和8年度
    a, b = kei_compute(march, P8), kei_compute(april, P8)
    # then the first is 重課 12,900円 (八代市's table), the second still the 旧税率 7,200円
    # (初度検査 before 平成27年4月)
    assert (a.zeigaku, a.kubun) == (12_900, "juka")
    assert (b.zeigaku, b.kubun) == (7_200, "kyu")
    # and 平成24年4月 (the first month of 松戸市's 令和8年度 row) is not yet 重課 in 令和7年度
    c = kei_compute(car("joyo_jika", (2012, 4)), P7)
    assert (c.zeigaku, c.kubun) == (7_200, "kyu")
    assert kei_compute(car("joyo_jika", (2012, 3)), P7).zeigaku == 12_900
    # the April 2013 vehicle becomes 重課 in 令和9年度 (rates as in 令和8年度: no 軽課 data
    # exists for 令和9年度, so its params are built with 令和8年度's 軽課 for the check)
    p9 = KeiParams.build(2027, lookup_with(green=lookup_with()("zeimu.keijidosha.green", R8)))
    assert kei_compute(april, p9).zeigaku == 12_900


@pytest.mark.parametrize(
    ("shubetsu", "kyu", "shin", "juka"),
    [
        # 八代市's table of 三輪・四輪: 旧税率 / 新税率 / 13年経過
        ("sanrin", 3_100, 3_900, 4_600),
        ("joyo_jika", 7_200, 10_800, 12_900),
        ("joyo_eigyo", 5_500, 6_900, 8_200),
        ("kamotsu_jika", 4_000, 5_000, 6_000),
        ("kamotsu_eigyo", 3_000, 3_800, 4_500),
    ],
)
def test_kyu_shin_and_juka_rates_yatsushiro_table(shubetsu, kyu, shin, juka):
    assert kei_compute(car(shubetsu, (2014, 6)), P8).zeigaku == kyu
    assert kei_compute(car(shubetsu, (2015, 4)), P8).zeigaku == shin  # 平成27年4月: 新税率
    assert kei_compute(car(shubetsu, (2010, 1)), P8).zeigaku == juka


def test_other_kinds_take_the_standard_rate_without_juka():
    # 八代市's table of 原付・小型特殊・軽二輪・小型二輪 (no 初度検査, no 重課)
    expected = {
        "gentsuki_50": 2_000,
        "gentsuki_90": 2_000,
        "gentsuki_125": 2_400,
        "minicar": 3_700,
        "kotoku_noko": 2_400,
        "kotoku_sonota": 5_900,
        "nirin_kei": 3_600,
        "nirin_kogata": 6_000,
    }
    for shubetsu, amount in expected.items():
        assert kei_compute(car(shubetsu, None), P8).zeigaku == amount
    # a 小型二輪 of 1995 has no 重課
    assert kei_compute(car("nirin_kogata", (1995, 5)), P8).zeigaku == 6_000


def test_juka_excluded_for_electric_natural_gas_hybrid_and_trailers():
    old = (2005, 7)
    assert kei_compute(car("joyo_jika", old, nenryo="denki"), P8).zeigaku == 7_200
    assert kei_compute(car("joyo_jika", old, nenryo="tennen_gas"), P8).zeigaku == 7_200
    assert kei_compute(car("joyo_jika", old, nenryo="hybrid"), P8).zeigaku == 7_200
    r = kei_compute(car("kamotsu_jika", old, hikennin=True), P8)
    assert r.zeigaku == 4_000 and "被けん引車" in r.lines[0]
    assert kei_compute(car("joyo_jika", old, nenryo="gasoline"), P8).zeigaku == 12_900


def test_green_tokurei_reiwa_8_only_75_and_50_percent():
    # 佐伯市: first registered 令和7年4月〜令和8年3月 → 令和8年度: 75% (電気・天然ガス)
    ev = kei_compute(car("joyo_jika", (2025, 4), nenryo="denki", green_kubun="denki_tennen"), P8)
    assert (ev.zeigaku, ev.kubun) == (2_700, "green")  # 多良木町: 自家用乗用 2,700円
    truck = car("kamotsu_jika", (2026, 3), nenryo="denki", green_kubun="denki_tennen")
    assert kei_compute(truck, P8).zeigaku == 1_300
    # 営業用乗用, 令和12年度燃費基準90%: 3,500円
    taxi = car("joyo_eigyo", (2025, 10), green_kubun="nenpi_90")
    assert kei_compute(taxi, P8).zeigaku == 3_500
    # the 25% tier (70%達成) ended with vehicles acquired by 令和7年3月: 令和8年度 standard
    r = kei_compute(car("joyo_eigyo", (2025, 10), green_kubun="nenpi_70"), P8)
    assert (r.zeigaku, r.kubun) == (6_900, "hyojun")
    # 自家用乗用 has no 50% tier: the standard rate
    assert kei_compute(car("joyo_jika", (2025, 10), green_kubun="nenpi_90"), P8).zeigaku == 10_800


def test_green_tokurei_only_the_year_after_registration():
    # registered in 令和6年度 (May 2024): 軽課 in 令和7年度 only, 新税率 in 令和8年度
    ev = car("joyo_jika", (2024, 5), nenryo="denki", green_kubun="denki_tennen")
    assert kei_compute(ev, P7).zeigaku == 2_700
    assert kei_compute(ev, P8).zeigaku == 10_800
    # 令和7年度: the 25% tier still applies (多良木町: 営業用 5,200円)
    assert kei_compute(car("joyo_eigyo", (2024, 9), green_kubun="nenpi_70"), P7).zeigaku == 5_200
    # registered in 令和8年度 itself (after the 賦課期日 year began): no 軽課 for 令和8年度
    assert (
        kei_compute(car("joyo_jika", (2026, 4), green_kubun="denki_tennen"), P8).zeigaku == 10_800
    )


def test_years_without_green_data_are_refused_not_guessed():
    with pytest.raises(LookupError):
        KeiParams.build(2023, lookup_with())
    with pytest.raises(LookupError):
        KeiParams.build(2027, lookup_with())


def test_a_towns_own_rate_wins_and_the_kibetsu_is_one_ki_in_may():
    # given a town whose 条例 sets 四輪 乗用 自家用 at 12,000円 and the 納期限 on 5月末
    town = KeiParams.build(R8, lookup_with(**{"zeiritsu.joyo_jika": 12_000}))
    assert kei_compute(car("joyo_jika", (2020, 1)), town).zeigaku == 12_000
    # one 期; 令和8年5月31日 is a Sunday → 6月1日 (地方税法第20条の5)
    [ki] = kei_kibetsu(10_800, P8)
    assert (ki["amount"], ki["nominal"], ki["due"]) == (10_800, "2026-05-31", "2026-06-01")


def test_nendo_of_and_missing_shodo_kensa():
    assert (nendo_of(date(2013, 3, 1)), nendo_of(date(2013, 4, 1))) == (2012, 2013)
    with pytest.raises(ValueError, match="初度検査年月"):
        kei_compute(car("joyo_jika", None), P8)
