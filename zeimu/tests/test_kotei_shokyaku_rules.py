"""償却資産 rules (zeimu/rules/kotei_shokyaku.py) against the worked examples municipalities
publish; the law values are read from zeimu/params/kotei_shisanzei.yaml (no database)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from zeimu.rules.kotei import KoteiParams, nozeisha_compute
from zeimu.rules.kotei_shokyaku import (
    ShisanInput,
    ShisanResult,
    ShokyakuParams,
    shisan_compute,
)
from zeimu.tests.test_kotei_rules import lookup_with

LOOKUP = lookup_with()
SP = ShokyakuParams.build(2025, LOOKUP)


def _series(cost: int, nensu: int, acquired: int, years: int) -> list[int]:
    a = ShisanInput(shisan_id=1, shutoku_year=acquired, shutoku_kakaku=cost, taiyo_nensu=nensu)
    return [shisan_compute(a, acquired + n, SP).hyoka for n in range(1, years + 1)]


def test_hakone_400000_yen_five_years_over_nine_years_with_the_floor():
    # given 箱根町「償却資産の評価額の計算」(web page, 計算例):
    # https://www.town.hakone.kanagawa.jp/www/contents/1100000000961/index.html
    # 取得価額400,000円、耐用年数5年（減価率0.369、前年中0.815、前年前0.631）
    # when valued for the nine 年度 after the 取得年
    got = _series(400_000, 5, 2016, 9)
    # then the published figures, year by year: 8年目 12,983 < 20,000 → 20,000 (5%)
    assert got == [
        326_000, 205_706, 129_800, 81_903, 51_680, 32_610, 20_576, 20_000, 20_000,
    ]  # fmt: skip


def test_hikone_250000_yen_three_years_reaches_the_floor_in_the_fifth_year():
    # given 彦根市「償却資産の評価」(web page, 評価額の算出の例):
    # https://www.city.hikone.lg.jp/kakuka/somubu/6/syuruishikumi/koteisisan/hyouka/28813.html
    # 取得価額250,000円、耐用年数3年（前年中0.732、前年前0.464）
    got = _series(250_000, 3, 2019, 6)
    # then 183,000 / 84,912 / 39,399 / 18,281 / 8,482 < 12,500 → 12,500, and it stays there
    assert got == [183_000, 84_912, 39_399, 18_281, 12_500, 12_500]
    last = shisan_compute(
        ShisanInput(shisan_id=1, shutoku_year=2019, shutoku_kakaku=250_000, taiyo_nensu=3),
        2024,
        SP,
    )
    assert last.saitei and last.hyojun == 12_500


def test_the_table_matches_the_formula_of_the_standard():
    # 1 − r is exact; 1 − r/2 is printed truncated to three decimals (別表第15 as the
    # towns publish it)
    for nensu, (r, nenchu, nenmae) in SP.genka.items():
        assert nenmae == 1000 - r, nensu
        assert nenchu == (2000 - r) // 2, nensu
    assert SP.saitei == Fraction(5, 100)


def test_refusals_in_japanese():
    with pytest.raises(ValueError, match="1月1日より後"):
        shisan_compute(ShisanInput(1, 2025, 100, 5), 2025, SP)
    with pytest.raises(ValueError, match="耐用年数1年の減価率"):
        shisan_compute(ShisanInput(1, 2020, 100, 1), 2025, SP)
    with pytest.raises(ValueError, match="特例の区分"):
        shisan_compute(ShisanInput(1, 2020, 100, 5, tokurei="nai"), 2025, SP)


def test_tokurei_applies_for_its_years_only():
    # 再生可能エネルギー発電設備（太陽光）: 3年度分、2/3 (参酌基準, 附則第15条第25項)
    a = ShisanInput(1, 2022, 9_000_000, 17, tokurei="saiene_taiyoko")
    years = {fy: shisan_compute(a, fy, SP) for fy in (2023, 2025, 2026)}
    assert years[2023].hyoka == 9_000_000 * 936 // 1000
    assert years[2023].hyojun == years[2023].hyoka * 2 // 3
    assert years[2025].hyojun == years[2025].hyoka * 2 // 3
    assert years[2026].hyojun == years[2026].hyoka and years[2026].tokurei == ""


def test_menzeiten_150man_on_the_shokyaku_total_apart_from_land_and_houses():
    p = KoteiParams.build(2025, LOOKUP)
    assert p.menzeiten_shokyaku == 1_500_000

    def asset(cost: int) -> ShisanResult:
        return shisan_compute(ShisanInput(1, 2024, cost, 10), 2025, SP)

    # 前年中取得 耐用年数10年: ×0.897. 1,672,240 × 0.897 = 1,499,999 → below 150万
    below = nozeisha_compute([], [], p, [asset(1_672_240)])
    assert below.shokyaku_hyojun == 1_499_999
    assert below.shokyaku_menzei and below.kotei_zeigaku == 0
    # 1,672,241 × 0.897 = 1,500,000 (at the limit: 「未満」 is not met) → 1.4% = 21,000円
    at = nozeisha_compute([], [], p, [asset(1_672_241)])
    assert at.shokyaku_hyojun == 1_500_000 and not at.shokyaku_menzei
    assert at.kazei_hyojun_kotei == 1_500_000
    assert at.kotei_zeigaku == 21_000
    # 償却資産 bear no 都市計画税 (地方税法第702条: 土地及び家屋)
    town = KoteiParams.build(2025, lookup_with(toshi_zeiritsu=300))
    assert nozeisha_compute([], [], town, [asset(1_672_241)]).toshi_zeigaku == 0
