"""第1号保険料 and 利用者負担割合 rules, checked against stage tables towns published.

Each test cites the page it follows and feeds in that town's own 基準額, rates and
rounding as its 条例 values. The pages were read from stored copies (the search corpus);
where a copy was cut short only the figures it showed are asserted, and the values the
table needs but the copy did not show are marked "not published here" and never asserted.
Tests marked "constructed" apply the law's rule to a person of our own because no
published worked example was found.

The national values come from ``kaigo/params/hokenryo.yaml`` read with the platform's
YAML parser (the kaigo app is not registered in this branch); a town's values override
them as its 条例 values do through ``param_value``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kaigo.rules.hokenryo import (
    HokenryoInput,
    HokenryoResult,
    Nenkin,
    Shotoku,
    dankai_hantei,
    dankai_nengaku,
    hasu_shori,
    hokenryo_calculate,
    kazei_tsukisu,
    shutoku_date_65,
    soshitsu_date_shibo,
    soshitsu_date_tenshutsu,
)
from kaigo.rules.hokenryo_futan import FutanInput, FutanMember, futan_wariai_hantei
from kaigo.rules.hokenryo_params import (
    FutanParameters,
    HokenryoParameters,
    P,
    futan_parameters_from_lookup,
    hokenryo_parameters_from_lookup,
)
from tenants.params.services import _rows_from_file
from tenants.params.settable import _settable

YAML = Path(__file__).resolve().parents[1] / "params" / "hokenryo.yaml"
ROWS = _rows_from_file(YAML)


def national(key: str, year: int) -> Any:
    for row in ROWS:
        if (
            row.key == key
            and row.fiscal_year_from <= year
            and (row.fiscal_year_to is None or year <= row.fiscal_year_to)
        ):
            return row.value
    raise LookupError(key)


def params(year: int, town: Mapping[str, Any]) -> HokenryoParameters:
    def lookup(key: str, y: int) -> Any:
        return town[key] if key in town else national(key, y)

    return hokenryo_parameters_from_lookup(lookup, year)


def futan_params(year: int) -> FutanParameters:
    return futan_parameters_from_lookup(national, year)


def ritsu(rates: Mapping[int, int]) -> dict[str, int]:
    return {f"{P}dankai.{n:02d}.ritsu": r for n, r in rates.items()}


def keigengo(rates: Mapping[int, int]) -> dict[str, int]:
    return {f"{P}dankai.{n:02d}.keigengo_ritsu": r for n, r in rates.items()}


def kijun(bounds: Mapping[int, int]) -> dict[str, int]:
    return {f"{P}dankai.{n:02d}.kijun_shotoku": b for n, b in bounds.items()}


def rorei(shunyu: int) -> tuple[Nenkin, ...]:
    return (Nenkin(shurui="rorei", shunyu=shunyu),)


def nenkin_only(shunyu: int) -> Shotoku:
    """Someone whose only income is an 老齢年金 of at most 110万円 (公的年金等控除 110万円
    for 65歳以上: 年金所得 0, 合計所得金額 0)."""
    return Shotoku(nenkin=rorei(shunyu))


def kazei(gokei: int, **kw: Any) -> Shotoku:
    """A 課税 person whose 合計所得金額 is all 不動産所得 etc. (no 給与・年金)."""
    return Shotoku(gokei_shotoku=gokei, **kw)


def calc(
    year: int,
    town: Mapping[str, Any],
    shotoku: Shotoku,
    *,
    honnin: bool,
    setai: bool,
    **kw: Any,
) -> HokenryoResult:
    inp = HokenryoInput(
        fiscal_year=year, shotoku=shotoku, honnin_kazei=honnin, setai_kazei=setai, **kw
    )
    return hokenryo_calculate(inp, params(year, town))


# --- the data file itself ------------------------------------------------------------


def test_every_town_value_is_declared_settable_with_a_type_the_screen_knows() -> None:
    # given the file's parameters
    import yaml

    doc = yaml.safe_load(YAML.read_text(encoding="utf-8"))
    # when
    settable = {
        p["key"]: _settable(p, YAML.name, ()) for p in doc["parameters"] if "municipal" in p
    }
    # then: the 基準額, 段階数, each rate and bound, and the rounding are per-town
    assert settable[P + "kijungaku"].kind == "integer"
    assert settable[P + "dankai.20.ritsu"].kind == "integer"
    assert settable[P + "dankai.19.kijun_shotoku"].kind == "integer"
    assert settable[P + "hasu.tani"].choices == (1, 10, 100)
    assert all(key.startswith(("kaigo.hokenryo.", "kaigo.futan.")) for key in settable)
    assert all(p["key"].startswith(("kaigo.hokenryo.", "kaigo.futan.")) for p in doc["parameters"])


def test_national_ninth_period_is_the_standard_thirteen_stages() -> None:
    # given a town that sets only its 基準額 (令和6年度)
    p = params(2024, {P + "kijungaku": 60_000})
    # then: 令和6年政令第13号 — 13 stages, 0.455/0.685/0.69 reduced to 0.285/0.485/0.685
    assert (p.ki, p.ki_kaishi, p.ki_shuryo, p.dankai_su) == (9, 2024, 2026, 13)
    assert [d.ritsu * 1000 for d in p.dankai] == [
        455, 685, 690, 900, 1000, 1200, 1300, 1500, 1700, 1900, 2100, 2300, 2400,
    ]  # fmt: skip
    assert [d.keigengo_ritsu * 1000 for d in p.dankai[:3]] == [285, 485, 685]
    assert [d.kijun_shotoku for d in p.dankai[5:]] == [
        1_200_000, 2_100_000, 3_200_000, 4_200_000, 5_200_000, 6_200_000, 7_200_000, None,
    ]  # fmt: skip


def test_a_town_without_its_kijungaku_cannot_assess() -> None:
    with pytest.raises(LookupError):
        params(2024, {})


def test_bounds_that_do_not_rise_and_a_reduction_that_raises_are_refused() -> None:
    with pytest.raises(ValueError, match="第8段階の基準所得金額"):
        params(2024, {P + "kijungaku": 60_000} | kijun({8: 2_100_000}))
    with pytest.raises(ValueError, match="第2段階の公費軽減後の割合"):
        params(2024, {P + "kijungaku": 60_000} | keigengo({2: 70_000}))


# --- 島田市 (静岡県): 第9期 令和7年度, 13段階, every boundary ----------------------------
# 島田市第1号被保険者介護保険料率(令和6年度~令和8年度).csv, the city's open data as
# mirrored at http://dos-green-ci-tea.com/dataset/207/resource/1567/content.html (80万9千円:
# the 令和7年度 version). 年間保険料額: 第1段階 17,100 … 第11段階 108,000円 (基準額 = 第5段階
# 60,000円); 第12・13段階 amounts are not published here, so those stages are given the
# national rates and only the 段階 is asserted. The 軽減前 rates of 第2・3段階 are not
# published either (only the amounts, i.e. the 軽減後 rates 0.435 and 0.685).

SHIMADA = (
    {P + "kijungaku": 60_000}
    | keigengo({1: 28_500, 2: 43_500, 3: 68_500})
    | ritsu({6: 110_000, 7: 130_000, 8: 150_000, 9: 170_000, 10: 175_000, 11: 180_000})
)
SHIMADA_NENGAKU = {
    1: 17_100, 2: 26_100, 3: 41_100, 4: 54_000, 5: 60_000, 6: 66_000,
    7: 78_000, 8: 90_000, 9: 102_000, 10: 105_000, 11: 108_000,
}  # fmt: skip


@pytest.mark.parametrize(
    ("nenkin", "setai", "dankai"),
    [
        (809_000, False, 1),  # 80万9千円以下: just in
        (809_001, False, 2),  # just out
        (1_200_000, False, 2),  # 120万円以下: just in
        (1_200_001, False, 3),  # just out
        (809_000, True, 4),
        (809_001, True, 5),
    ],
)
def test_shimada_r7_hikazei_boundaries(nenkin: int, setai: bool, dankai: int) -> None:
    # given a 本人非課税 person whose only income is a 老齢年金 of ``nenkin``
    # (年金所得 0: only the 収入 counts, the 年金所得 is left out of その他の合計所得金額)
    shotoku = Shotoku(nenkin_shotoku=max(0, nenkin - 1_100_000), nenkin=rorei(nenkin))
    # when
    r = calc(2025, SHIMADA, shotoku, honnin=False, setai=setai)
    # then
    assert r.hantei.nenkin_sonota_gokei == nenkin
    assert r.dankai == dankai
    assert r.nengaku == SHIMADA_NENGAKU[dankai]
    assert r.hokenryo == r.nengaku
    assert r.tsukisu == 12


@pytest.mark.parametrize(
    ("gokei", "dankai"),
    [
        (1_199_999, 6),
        (1_200_000, 7),
        (2_099_999, 7),
        (2_100_000, 8),
        (3_199_999, 8),
        (3_200_000, 9),
        (4_199_999, 9),
        (4_200_000, 10),
        (5_199_999, 10),
        (5_200_000, 11),
        (6_199_999, 11),
        (6_200_000, 12),
        (7_199_999, 12),
        (7_200_000, 13),
    ],
)
def test_shimada_r7_kazei_boundaries(gokei: int, dankai: int) -> None:
    # given a 本人課税 person with 合計所得金額 ``gokei`` (「未満」/「以上」 as the CSV says)
    # when
    r = calc(2025, SHIMADA, kazei(gokei), honnin=True, setai=True)
    # then
    assert r.dankai == dankai
    if dankai in SHIMADA_NENGAKU:
        assert r.nengaku == SHIMADA_NENGAKU[dankai]


def test_shimada_seikatsu_hogo_and_rorei_fukushi_are_first_stage() -> None:
    # given 生活保護 (even in a 課税世帯) and 老齢福祉年金 in a 非課税世帯, with income
    many = nenkin_only(1_000_000)
    # when / then
    assert calc(2025, SHIMADA, many, honnin=False, setai=True, seikatsu_hogo=True).dankai == 1
    r = calc(2025, SHIMADA, many, honnin=False, setai=False, rorei_fukushi_nenkin=True)
    assert (r.dankai, r.nengaku) == (1, 17_100)
    # and 老齢福祉年金 in a 課税世帯 does not make 第1段階
    assert (
        calc(2025, SHIMADA, many, honnin=False, setai=True, rorei_fukushi_nenkin=True).dankai == 5
    )


def test_shimada_shogai_izoku_nenkin_are_not_kazei_nenkin() -> None:
    # given 老齢年金 70万円 and 遺族年金 50万円 + 障害年金 30万円 (非課税), 世帯非課税
    shotoku = Shotoku(
        nenkin=(
            Nenkin(shurui="rorei", shunyu=700_000),
            Nenkin(shurui="izoku", shunyu=500_000),
            Nenkin(shurui="shogai", shunyu=300_000),
        )
    )
    # when
    r = calc(2025, SHIMADA, shotoku, honnin=False, setai=False)
    # then: only the 老齢年金 counts → 第1段階
    assert r.hantei.kazei_nenkin_shunyu == 700_000
    assert r.dankai == 1


def test_shimada_joto_tokubetsu_kojo_and_nenkin_shotoku_are_taken_out() -> None:
    # given (constructed) a 課税 person whose 合計所得金額 2,500,000 includes a land sale
    # with a 特別控除 of 1,500,000
    r = calc(
        2025, SHIMADA, kazei(2_500_000, joto_tokubetsu_kojo=1_500_000), honnin=True, setai=True
    )
    # then: 1,000,000 < 120万円 → 第6段階
    assert r.hantei.gokei_shotoku_kojogo == 1_000_000
    assert (r.dankai, r.nengaku) == (6, 66_000)
    # given a 本人非課税 person in a 課税世帯: 年金収入 1,500,000 (年金所得 400,000) and
    # 給与所得 200,000 → 合計所得金額 600,000
    s = Shotoku(
        gokei_shotoku=600_000,
        nenkin_shotoku=400_000,
        kyuyo_shotoku=200_000,
        nenkin=rorei(1_500_000),
    )
    r = calc(2025, SHIMADA, s, honnin=False, setai=True)
    # then: その他の合計所得金額 = 600,000 − 400,000 (令和7年度: no 10万円 特例)
    assert r.hantei.sonota_gokei_shotoku == 200_000
    assert r.hantei.nenkin_sonota_gokei == 1_700_000
    assert r.dankai == 5


# --- 豊明市 (愛知県): 15段階, 100円未満切捨て, and the 80.9万円 change ------------------------
# https://www.city.toyoake.lg.jp/item/29455.htm (基準額 69,900円, 15段階, each stage's
# 割合 and 年額) and https://www.city.toyoake.lg.jp/3901.htm (「令和7年度から…80万円から
# 80.9万円」; the 年額 did not change). The 基準所得金額 of 第6〜第8段階 (120万・210万・320万)
# are published there; those of 第9〜第14段階 are not published here: the values below only
# complete the table and no test depends on them. The 軽減前 rates are not published
# either: the 軽減後 rates are given as both.

TOYOAKE_RATES = {
    1: 28_500, 2: 45_000, 3: 65_000, 4: 90_000, 5: 100_000, 6: 120_000, 7: 130_000,
    8: 140_000, 9: 160_000, 10: 180_000, 11: 200_000, 12: 220_000, 13: 230_000,
    14: 250_000, 15: 260_000,
}  # fmt: skip
TOYOAKE = (
    {P + "kijungaku": 69_900, P + "dankai_su": 15, P + "hasu.tani": 100}
    | ritsu(TOYOAKE_RATES)
    | keigengo({1: 28_500, 2: 45_000, 3: 65_000})
    # 6–8 published; 9–14 not published here (placeholders, never asserted)
    | kijun({6: 1_200_000, 7: 2_100_000, 8: 3_200_000})
    | kijun({9: 4_000_000, 10: 5_000_000, 11: 6_000_000, 12: 7_000_000, 13: 8_000_000})
    | kijun({14: 9_000_000})
)
TOYOAKE_NENGAKU = [
    19_900, 31_400, 45_400, 62_900, 69_900, 83_800, 90_800, 97_800, 111_800, 125_800,
    139_800, 153_700, 160_700, 174_700, 181_700,
]  # fmt: skip


def test_toyoake_fifteen_stages_rounded_down_to_100_yen() -> None:
    # given
    p = params(2025, TOYOAKE)
    # when
    nengaku = [dankai_nengaku(p, d.keigengo_ritsu) for d in p.dankai]
    # then: e.g. 69,900 × 0.285 = 19,921.5 → 19,900; × 2.2 = 153,780 → 153,700
    assert p.dankai_su == 15
    assert nengaku == TOYOAKE_NENGAKU


@pytest.mark.parametrize(
    ("year", "nenkin", "setai", "dankai"),
    [
        (2024, 800_000, False, 1),  # 令和6年度: 80万円以下
        (2024, 805_000, False, 2),  # 令和6年度: 80万円超 → 第2段階
        (2025, 805_000, False, 1),  # 令和7年度: 80.9万円以下 → 第1段階
        (2025, 809_000, False, 1),
        (2025, 809_001, False, 2),
        (2024, 805_000, True, 5),  # the 第4/第5 boundary moves the same way
        (2025, 805_000, True, 4),
    ],
)
def test_toyoake_the_809_change_between_r6_and_r7(
    year: int, nenkin: int, setai: bool, dankai: int
) -> None:
    # given the same person and the same 第9期 table in both years
    # when
    r = calc(year, TOYOAKE, nenkin_only(nenkin), honnin=False, setai=setai)
    # then
    assert r.dankai == dankai
    assert r.nengaku == TOYOAKE_NENGAKU[dankai - 1]


def test_r8_threshold_8265_from_seirei_394() -> None:
    # given (constructed) the national 令和8年度 value (令和7年政令第394号) with 豊明市's
    # unchanged 第9期 table
    # when / then
    assert calc(2026, TOYOAKE, nenkin_only(826_500), honnin=False, setai=False).dankai == 1
    assert calc(2026, TOYOAKE, nenkin_only(826_501), honnin=False, setai=False).dankai == 2
    assert params(2026, TOYOAKE).hikazei_kijun_1 == 826_500


@pytest.mark.parametrize(
    ("gokei", "dankai"),
    [(1_199_999, 6), (1_200_000, 7), (2_099_999, 7), (2_100_000, 8), (3_199_999, 8)],
)
def test_toyoake_published_kazei_boundaries(gokei: int, dankai: int) -> None:
    r = calc(2025, TOYOAKE, kazei(gokei), honnin=True, setai=True)
    assert (r.dankai, r.nengaku) == (dankai, TOYOAKE_NENGAKU[dankai - 1])


# --- 中種子町 (鹿児島県): 令和6年度, 10円未満切捨て ---------------------------------------------
# https://town.nakatane.kagoshima.jp/kaigo/kenko-fukushi/kaigohoken/hokenryo.html (更新日
# 2024年7月1日): 基準額 75,600円, national rates; 第1〜第7段階 21,540 … 98,280円.

NAKATANE = {P + "kijungaku": 75_600, P + "hasu.tani": 10}


def test_nakatane_r6_ten_yen_rounding_and_the_koohi_keigen() -> None:
    # given
    p = params(2024, NAKATANE)
    # when
    nengaku = [dankai_nengaku(p, d.keigengo_ritsu) for d in p.dankai[:7]]
    # then: 75,600 × 0.285 = 21,546 → 21,540
    assert nengaku == [21_540, 36_660, 51_780, 68_040, 75_600, 90_720, 98_280]
    # and (constructed) the 公費軽減 of 第1段階 shown beside it: 75,600 × 0.455 = 34,398 →
    # 34,390; rounded once after the reduction, so 軽減額 = 34,390 − 21,540
    r = calc(2024, NAKATANE, nenkin_only(500_000), honnin=False, setai=False)
    assert (r.keigen_mae_nengaku, r.keigengaku, r.nengaku) == (34_390, 12_850, 21_540)


# --- 鳥栖地区広域市町村圏組合 (みやき町の案内): 令和6年度, 月額を1円未満切上げて12倍 --------------
# https://www.town.miyaki.lg.jp/kenko/kaigohoken/_1458/_1219.html: 基準額 68,292円
# (= 5,691円 × 12); 第1段階 19,464, 第2段階 33,132 … 第7段階 88,788円. A yearly rounding
# would give 33,122 for 第2段階 (68,292 × 0.485 = 33,121.62): only the monthly rule matches.

MIYAKI = {P + "kijungaku": 68_292, P + "hasu.kijun": 2, P + "hasu.hoho": 2}


def test_miyaki_r6_monthly_round_up_times_twelve() -> None:
    # given
    p = params(2024, MIYAKI)
    # when
    nengaku = [dankai_nengaku(p, d.keigengo_ritsu) for d in p.dankai[:7]]
    # then
    assert nengaku == [19_464, 33_132, 46_788, 61_464, 68_292, 81_960, 88_788]
    yearly = params(2024, {P + "kijungaku": 68_292, P + "hasu.hoho": 2})
    assert dankai_nengaku(yearly, yearly.of(2).keigengo_ritsu) == 33_122


def test_monthly_rounding_needs_a_kijungaku_divisible_by_twelve() -> None:
    with pytest.raises(ValueError, match="12で割り切れる"):
        params(2024, MIYAKI | {P + "kijungaku": 68_293})


# --- 月割: turning 65, death, moving out (島田市 第5段階 60,000円 = 5,000円/月) -------------------
# The dates follow 年齢計算ニ関スル法律 and 民法第143条 (age is reached at the end of the
# day before the birthday: 介護保険法第10条 makes that day the 取得日) and 介護保険法第11条
# (喪失 the day after death or after the address ends). Constructed: no town publishes a
# worked example with these dates in the stored pages.


@pytest.mark.parametrize(
    ("birth", "shutoku", "tsukisu", "hokenryo"),
    [
        (date(1960, 10, 15), date(2025, 10, 14), 6, 30_000),  # October → March
        (date(1960, 10, 1), date(2025, 9, 30), 7, 35_000),  # the eve is in September
        (date(1960, 4, 2), date(2025, 4, 1), 12, 60_000),  # 取得 on 4月1日: the whole year
        (date(1960, 4, 1), date(2025, 3, 31), 12, 60_000),  # 取得 in the previous 年度
        (date(1961, 3, 1), date(2026, 2, 28), 2, 10_000),  # February and March
    ],
)
def test_turning_65_mid_year_pays_from_the_month_of_the_eve(
    birth: date, shutoku: date, tsukisu: int, hokenryo: int
) -> None:
    # given
    assert shutoku_date_65(birth) == shutoku
    # when
    r = calc(2025, SHIMADA, nenkin_only(900_000), honnin=False, setai=True, shutoku_date=shutoku)
    # then
    assert (r.dankai, r.nengaku) == (5, 60_000)
    assert (r.tsukisu, r.hokenryo) == (tsukisu, hokenryo)


def test_born_on_29_february_reaches_65_on_28_february() -> None:
    # the 65th anniversary always falls in a common year (65 is odd): it is taken as
    # 1 March, so the eve — the 取得日 — is 28 February
    assert shutoku_date_65(date(1960, 2, 29)) == date(2025, 2, 28)
    assert shutoku_date_65(date(1964, 2, 29)) == date(2029, 2, 28)


def test_the_eve_rule_for_a_previous_years_birth_gives_one_month_in_that_year() -> None:
    # born 1 April 1960: 取得 31 March 2025 → 令和6年度 pays March only
    assert kazei_tsukisu(2024, date(2025, 3, 31), None) == 1


@pytest.mark.parametrize(
    ("death", "soshitsu", "tsukisu", "hokenryo"),
    [
        (date(2026, 1, 15), date(2026, 1, 16), 9, 45_000),  # April–December
        (date(2026, 1, 31), date(2026, 2, 1), 10, 50_000),  # death on the last day: January too
        (date(2026, 3, 31), date(2026, 4, 1), 12, 60_000),  # 喪失 in the next 年度
        (date(2025, 4, 30), date(2025, 5, 1), 1, 5_000),
        (date(2025, 3, 31), date(2025, 4, 1), 0, 0),  # died before the 年度
    ],
)
def test_death_charges_up_to_the_month_before_the_soshitsu(
    death: date, soshitsu: date, tsukisu: int, hokenryo: int
) -> None:
    # given
    assert soshitsu_date_shibo(death) == soshitsu
    # when
    r = calc(2025, SHIMADA, nenkin_only(900_000), honnin=False, setai=True, soshitsu_date=soshitsu)
    # then
    assert (r.tsukisu, r.hokenryo) == (tsukisu, hokenryo)


def test_turning_65_then_dying_in_the_same_year() -> None:
    # 取得 14 October 2025, died 15 January 2026 → October, November, December
    r = calc(
        2025,
        SHIMADA,
        nenkin_only(900_000),
        honnin=False,
        setai=True,
        shutoku_date=shutoku_date_65(date(1960, 10, 15)),
        soshitsu_date=soshitsu_date_shibo(date(2026, 1, 15)),
    )
    assert (r.tsukisu, r.hokenryo) == (3, 15_000)


def test_moving_out_on_the_last_day_of_a_month() -> None:
    # the address ends 31 August: 喪失 1 September (August charged) unless the person
    # became resident elsewhere that same day (喪失 31 August: August not charged here)
    assert kazei_tsukisu(2025, None, soshitsu_date_tenshutsu(date(2025, 8, 31))) == 5
    gone = soshitsu_date_tenshutsu(date(2025, 8, 31), same_day_elsewhere=True)
    assert gone == date(2025, 8, 31)
    assert kazei_tsukisu(2025, None, gone) == 4


def test_tsukiwari_rounding_is_the_towns() -> None:
    # given (constructed) 豊明市 第1段階 19,900円 for 7 months: 11,608.33…
    base = calc(2025, TOYOAKE, nenkin_only(500_000), honnin=False, setai=False,
                shutoku_date=date(2025, 9, 30))  # fmt: skip
    town = TOYOAKE | {P + "tsukiwari.hasu_tani": 100}
    r = calc(2025, town, nenkin_only(500_000), honnin=False, setai=False,
             shutoku_date=date(2025, 9, 30))  # fmt: skip
    # then
    assert (base.tsukisu, base.hokenryo) == (7, 11_608)
    assert r.hokenryo == 11_600


def test_hasu_shori_methods() -> None:
    from fractions import Fraction

    assert hasu_shori(Fraction(19_921_5, 10), 100, 1) == 19_900
    assert hasu_shori(Fraction(19_921_5, 10), 100, 2) == 20_000
    assert hasu_shori(Fraction(19_950), 100, 3) == 20_000
    assert hasu_shori(Fraction(19_949), 100, 3) == 19_900


# --- 大牟田市 (福岡県): the 10万円 特例 of 令和3〜5年度 and its end for the premium ---
# https://www.city.omuta.lg.jp/kiji00319516/index.html: 課税, 年金収入 236万円 only (市民税の
# 合計所得 126万円). 保険料算定に用いる合計所得: 令和3〜5年度 116万円 (第6段階), 令和6年度から
# 126万円 (第7段階); 利用者負担割合 keeps the 令和3〜5年度 rule. Its 基準額 (72,000円, 第9期)
# does not affect the 段階 and is not asserted; the 令和5年度 table is the national
# 第8期 one (its rates are marked 未確認 in the YAML; only the 段階 is asserted).

OMUTA_PERSON = Shotoku(gokei_shotoku=1_260_000, nenkin_shotoku=1_260_000, nenkin=rorei(2_360_000))


def test_omuta_tokurei_ends_for_the_premium_in_r6() -> None:
    town = {P + "kijungaku": 72_000}
    inp5 = HokenryoInput(
        fiscal_year=2023, shotoku=OMUTA_PERSON, honnin_kazei=True, setai_kazei=True
    )
    inp6 = HokenryoInput(
        fiscal_year=2024, shotoku=OMUTA_PERSON, honnin_kazei=True, setai_kazei=True
    )
    r5 = dankai_hantei(inp5, params(2023, town))
    r6 = dankai_hantei(inp6, params(2024, town))
    assert (r5.hantei_gokei_shotoku, r5.dankai) == (1_160_000, 6)
    assert (r6.hantei_gokei_shotoku, r6.dankai) == (1_260_000, 7)


def test_omuta_futan_wariai_keeps_the_tokurei() -> None:
    r = futan_wariai_hantei(
        FutanInput(fiscal_year=2025, shotoku=OMUTA_PERSON, honnin_kazei=True), futan_params(2025)
    )
    assert r.honnin_gokei_shotoku == 1_160_000
    assert r.wari == 1


def test_r3_to_r5_tokurei_takes_10man_off_kyuyo_for_stages_1_to_5() -> None:
    # given (constructed, 天草市's note for 令和3〜5年度) a 本人非課税 person in a 課税世帯
    # with 給与所得 300,000 and 年金収入 500,000 → その他 = 300,000 − 100,000
    s = Shotoku(gokei_shotoku=300_000, kyuyo_shotoku=300_000, nenkin=rorei(500_000))
    inp = HokenryoInput(fiscal_year=2023, shotoku=s, honnin_kazei=False, setai_kazei=True)
    h = dankai_hantei(inp, params(2023, {P + "kijungaku": 72_000}))
    # then: 500,000 + 200,000 = 700,000 ≤ 80万円 → 第4段階 (令和7年度 rules would give 800,000)
    assert (h.sonota_gokei_shotoku, h.nenkin_sonota_gokei, h.dankai) == (200_000, 700_000, 4)


# --- 利用者負担割合 (厚生労働省の判定の流れ: 水戸市・東海村・三島市・筑後市の公表) ---
# Constructed persons at each threshold. 本人: 合計所得金額 G all 不動産所得 (no 給与・年金,
# so the 10万円 特例 does not apply), plus an 老齢年金 N ≤ 110万円 (年金所得 0).


def futan(g: int, n: int, *others: Shotoku, **kw: Any) -> tuple[int, int, int]:
    s = Shotoku(gokei_shotoku=g, nenkin=rorei(n))
    inp = FutanInput(
        fiscal_year=2025,
        shotoku=s,
        honnin_kazei=kw.pop("honnin_kazei", True),
        setai_dai1go=tuple(FutanMember(shotoku=o) for o in others),
        **kw,
    )
    r = futan_wariai_hantei(inp, futan_params(2025))
    return r.wari, r.honnin_gokei_shotoku, r.nenkin_sonota_gokei


def spouse(nenkin: int) -> Shotoku:
    """Another 第1号 with only an 老齢年金 (年金所得 = 収入 − 110万円, その他 0)."""
    return Shotoku(
        gokei_shotoku=max(0, nenkin - 1_100_000),
        nenkin_shotoku=max(0, nenkin - 1_100_000),
        nenkin=rorei(nenkin),
    )


@pytest.mark.parametrize(
    ("g", "n", "others", "wari", "total"),
    [
        # 単身 2割: G ≥ 160万 and total ≥ 280万
        (1_700_000, 1_100_000, (), 2, 2_800_000),
        (1_699_999, 1_100_000, (), 1, 2_799_999),  # total just out
        # 2人以上 2割: total ≥ 346万
        (1_600_000, 0, (1_860_000,), 2, 3_460_000),
        (1_600_000, 0, (1_859_999,), 1, 3_459_999),
        # G just out: whatever the household's total
        (1_599_999, 0, (3_000_000,), 1, 4_599_999),
        (1_600_000, 0, (3_000_000,), 2, 4_600_000),
        # 単身 3割: G ≥ 220万 and total ≥ 340万
        (2_300_000, 1_100_000, (), 3, 3_400_000),
        (2_299_999, 1_100_000, (), 2, 3_399_999),
        (2_200_000, 1_100_000, (), 2, 3_300_000),
        # 2人以上 3割: total ≥ 463万
        (2_200_000, 0, (2_430_000,), 3, 4_630_000),
        (2_200_000, 0, (2_429_999,), 2, 4_629_999),
        (2_199_999, 0, (2_500_000,), 2, 4_699_999),  # G just out of 3割
    ],
)
def test_futan_wariai_boundaries(
    g: int, n: int, others: tuple[int, ...], wari: int, total: int
) -> None:
    got = futan(g, n, *(spouse(o) for o in others))
    assert (got[0], got[2]) == (wari, total)


def test_futan_hikazei_seikatsu_hogo_and_dai2go_are_one_wari() -> None:
    assert futan(3_000_000, 1_100_000, honnin_kazei=False)[0] == 1
    assert futan(3_000_000, 1_100_000, seikatsu_hogo=True)[0] == 1
    assert futan(3_000_000, 1_100_000, dai1go=False)[0] == 1


def test_futan_before_h30_has_no_sanwari() -> None:
    p = futan_parameters_from_lookup(national, 2017)
    inp = FutanInput(fiscal_year=2017, shotoku=Shotoku(gokei_shotoku=5_000_000), honnin_kazei=True)
    assert p.sanwari is None
    assert futan_wariai_hantei(inp, p).wari == 2
