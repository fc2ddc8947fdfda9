"""法人住民税・事業所税 rules (zeimu/rules/hojin.py, jigyosho.py) against the law's tables
and worked examples published by municipalities (each cited at the test).

The law values are read from zeimu/params/hojin_juminzei.yaml itself (no database), with
a town's 条例 values set where an example needs them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from zeimu.rules.hojin import (
    HOJIN_BANGO_CHECK_MESSAGE,
    HOJIN_BANGO_MESSAGE,
    KAKUTEI,
    YOTEI,
    HojinParams,
    HojinRefused,
    ShinkokuInput,
    add_months,
    hojin_bango_check_digit,
    hojin_bango_problem,
    hojinzeiwari_compute,
    juugyosha_for_bunkatsu,
    kintowari_compute,
    kintowari_months,
    shinkoku_compute,
)
from zeimu.rules.jigyosho import JigyoshoInput, JigyoshoParams, jigyosho_compute

YAML = Path(__file__).resolve().parents[1] / "params" / "hojin_juminzei.yaml"


def lookup_with(**town: Any) -> Any:
    doc = yaml.safe_load(YAML.read_text(encoding="utf-8"))

    def lookup(key: str, fy: int) -> Any:
        if key in town:
            return town[key]
        for p in doc["parameters"]:
            if p["key"] == key:
                for v in p["values"]:
                    if v["from"] <= fy and (v.get("to") is None or fy <= v["to"]):
                        return v["value"]
        raise LookupError(key)

    return lookup


STD = HojinParams.build(2025, lookup_with())


# --- 法人番号 ----------------------------------------------------------------------------


def test_hojin_bango_check_digit_published_examples():
    # expydoc「法人番号検査用数字を算出する算式」の計算例: 7123456789012 → 7
    # (https://expydoc.com/doc/8196212/ , 財務省令第七十号第二条の算式)
    assert hojin_bango_check_digit("123456789012") == 7
    assert hojin_bango_problem("7123456789012") is None
    # 株式会社FoundingBase 4011001098993 (https://qiita.com/mziyut/items/bab37dbce1c23771c817)
    assert hojin_bango_problem("4011001098993") is None
    # 日本税理士会連合会 7010705000725 (Wikipedia「法人番号」の表, weblio 転載)
    assert hojin_bango_problem("7010705000725") is None


def test_hojin_bango_refused_with_japanese_messages():
    assert hojin_bango_problem("8123456789012") == HOJIN_BANGO_CHECK_MESSAGE
    assert hojin_bango_problem("712345678901") == HOJIN_BANGO_MESSAGE
    assert hojin_bango_problem("712345678901X") == HOJIN_BANGO_MESSAGE
    assert hojin_bango_problem("７123456789012") == HOJIN_BANGO_MESSAGE  # full-width digit


# --- 均等割 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shihon", "juugyosha", "nengaku"),
    [
        # 朝日市「法人市民税 税額表」(https://www.city.asahi.lg.jp/soshiki/6/2612.html) and
        # 喜多方市「法人市民税の税額（税率）」: the band edges
        (10_000_000, 50, 50_000),  # 1千万円ちょうどは「1千万円以下」、50人は「50人以下」
        (10_000_000, 51, 120_000),
        (10_000_001, 50, 130_000),
        (10_000_001, 51, 150_000),
        (100_000_000, 51, 150_000),
        (100_000_001, 50, 160_000),
        (1_000_000_000, 51, 400_000),
        (1_000_000_001, 50, 410_000),
        (5_000_000_000, 51, 1_750_000),
        (5_000_000_001, 50, 410_000),
        (5_000_000_001, 51, 3_000_000),
        (None, 300, 50_000),  # 資本金等の額を有しない法人
    ],
)
def test_kintowari_bands(shihon, juugyosha, nengaku):
    r = kintowari_compute(shihon=shihon, juugyosha=juugyosha, months=12, params=STD)
    assert (r.nengaku, r.gaku) == (nengaku, nengaku)


def test_kintowari_band_uses_shihonkin_plus_junbikin_when_larger():
    # 第312条第6項 (平成27年4月1日以後開始事業年度): 資本金等の額 800万円 but 資本金＋資本準備金
    # 1,200万円 → the 1千万円超 band
    r = kintowari_compute(
        shihon=8_000_000, shihon_junbikin=12_000_000, juugyosha=3, months=12, params=STD
    )
    assert r.nengaku == 130_000


def test_kintowari_jorei_1_2_times_kitakyushu():
    # 北九州市 (https://ssl.city.kitakyushu.lg.jp/contents/08801047.html): 1千万円以下・50人以下
    # 60,000円, 50億円超・50人超 3,600,000円 (標準税率の1.2倍)
    kk = HojinParams.build(2025, lookup_with(**{"zeimu.hojin.kintowari_jorei": 1200}))
    assert kintowari_compute(shihon=1, juugyosha=1, months=12, params=kk).nengaku == 60_000
    big = kintowari_compute(shihon=6_000_000_000, juugyosha=60, months=12, params=kk)
    assert big.nengaku == 3_600_000


def test_kintowari_months_nagasaki_examples():
    # 長崎市FAQ (http://city.nagasaki.ajisai-call.jp/print/faq/356): 9か月と16日 → 9か月,
    # 50,000 × 9 ÷ 12 = 37,500円; 15日（1月未満）→ 1か月, 50,000 × 1 ÷ 12 = 4,100円
    assert kintowari_months(date(2024, 6, 16), date(2025, 3, 31)) == 9
    r = kintowari_compute(shihon=5_000_000, juugyosha=2, months=9, params=STD)
    assert r.gaku == 37_500
    assert kintowari_months(date(2025, 3, 17), date(2025, 3, 31)) == 1
    assert kintowari_compute(shihon=5_000_000, juugyosha=2, months=1, params=STD).gaku == 4_100


def test_kintowari_months_kokubunji_and_setsuritsu_mid_year():
    # 国分寺市 (https://mobile.city.kokubunji.tokyo.jp/faq/kurashi/1005234/1005254/1005451.html):
    # 事業年度4月1日〜3月31日、7月10日設置 → 8か月と22日 → 8か月; 3月15日設置 → 17日 → 1か月
    assert kintowari_months(date(2024, 7, 10), date(2025, 3, 31)) == 8
    assert kintowari_months(date(2025, 3, 15), date(2025, 3, 31)) == 1
    # 設立1年目 令和7年1月14日〜12月31日 → 11か月と18日 → 11か月 (zei-komon.com/?p=28092)
    assert kintowari_months(date(2025, 1, 14), date(2025, 12, 31)) == 11
    # 設立1月29日・決算11月30日 → 10か月と2日 → 10か月 (zeiri4.com/c_5/q_164181 の回答)
    assert kintowari_months(date(2025, 1, 29), date(2025, 11, 30)) == 10
    # a full year and the 応当日 at a month's end (民法第143条第2項)
    assert kintowari_months(date(2025, 4, 1), date(2026, 3, 31)) == 12
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)


# --- 法人税割 -----------------------------------------------------------------------------


def test_hojinzeiwari_bunkatsu_kyoto_example():
    # 京都市「法人税割のあん分方法」(https://www.city.kyoto.lg.jp/gyozai/page/0000173416.html):
    # 法人税額3,157,000円、A市25人・B市10人・C町4人（計39人）→ 1人当たり80,948.71円
    # A市 2,023,000円, B市 809,000円, C町 323,000円
    bases = {
        town: hojinzeiwari_compute(
            hojinzeigaku=3_157_000,
            rate=6000,
            params=STD,
            juugyosha_town=n,
            juugyosha_all=39,
        )
        for town, n in (("A", 25), ("B", 10), ("C", 4))
    }
    assert bases["A"].per_juugyosha == Fraction(8_094_871, 100)
    assert [b.kazei_hyojun for b in bases.values()] == [2_023_000, 809_000, 323_000]
    # × 6.0% (標準税率, 令和元年10月1日以後開始), 100円未満切捨て
    assert [b.gaku for b in bases.values()] == [121_300, 48_500, 19_300]


def test_hojinzeiwari_rounds_hyojun_to_1000_and_tax_to_100():
    # 大和市「法人市民税の税額計算について」: 課税標準 1,000円未満・税額 100円未満切捨て
    r = hojinzeiwari_compute(hojinzeigaku=1_234_567, rate=6000, params=STD)
    assert (r.kazei_hyojun, r.gaku) == (1_234_000, 74_000)


def test_hojinzeiwari_rate_by_start_of_jigyo_nendo_and_jorei_cap():
    # 喜多方市: 平成26年10月1日〜令和元年9月30日開始 9.7%, 令和元年10月1日以後 6.0%
    assert STD.rate_for(date(2019, 9, 30)) == 9700
    assert STD.rate_for(date(2019, 10, 1)) == 6000
    town = HojinParams.build(2025, lookup_with(**{"zeimu.hojin.hojinzeiwari_jorei": 8400}))
    assert town.rate_for(date(2025, 4, 1)) == 8400  # 大崎市 8.4% (制限税率)
    with pytest.raises(LookupError):
        HojinParams.build(2014, lookup_with())  # no values before 平成27年度


def test_juugyosha_for_bunkatsu_yamato_examples():
    # 大和市「法人税割の従業者数の計算例について」
    # (https://www.city.yamato.lg.jp/gyosei/kurashi/zeikin/hojinshiminzei/8795.html):
    # 6月3日開設・期末14人 → 14 × 10/12 = 11.66… → 12人; 6月3日廃止・5月末14人 → 14 × 3/12 → 4人
    kw = {"kaishi": date(2024, 4, 1), "shuryo": date(2025, 3, 31)}
    assert juugyosha_for_bunkatsu(count=14, kaisetsu=date(2024, 6, 3), haishi=None, **kw) == 12
    assert juugyosha_for_bunkatsu(count=14, kaisetsu=None, haishi=date(2024, 6, 3), **kw) == 4
    assert juugyosha_for_bunkatsu(count=14, kaisetsu=None, haishi=None, **kw) == 14


# --- a whole 申告 --------------------------------------------------------------------------


def test_kakutei_shinkoku_with_bunkatsu_and_yotei_paid():
    inp = ShinkokuInput(
        kind=KAKUTEI,
        kaishi=date(2024, 4, 1),
        shuryo=date(2025, 3, 31),
        shihon=50_000_000,
        juugyosha_town=25,
        office_from=date(2024, 4, 1),
        office_to=date(2025, 3, 31),
        hojinzeigaku=3_157_400,
        juugyosha_all=39,
        juugyosha_bunkatsu=25,
        kinofu=60_000,
    )
    r = shinkoku_compute(inp, STD)
    assert r.kintowari.gaku == 130_000
    assert r.hojinzeiwari_gaku == 121_300
    assert (r.gokei, r.sashihiki) == (251_300, 191_300)
    assert r.nouki == date(2025, 5, 31)  # 事業年度終了の日から2月以内


def test_yotei_shinkoku_zenki_times_6_over_months():
    inp = ShinkokuInput(
        kind=YOTEI,
        kaishi=date(2025, 4, 1),
        shuryo=date(2026, 3, 31),
        shihon=5_000_000,
        juugyosha_town=4,
        office_from=date(2025, 4, 1),
        office_to=date(2026, 3, 31),
        zenki_hojinzeiwari=121_300,
        zenki_months=12,
    )
    r = shinkoku_compute(inp, STD)
    assert r.kintowari.gaku == 25_000  # 50,000 × 6 / 12
    assert r.hojinzeiwari_gaku == 60_600  # 121,300 × 6 / 12 = 60,650 → 60,600
    assert r.nouki == date(2025, 11, 30)  # 6月経過日（10月1日）から2月以内


def test_shinkoku_refuses_inconsistent_figures():
    base: dict[str, Any] = {
        "kind": KAKUTEI,
        "kaishi": date(2024, 4, 1),
        "shuryo": date(2025, 3, 31),
        "shihon": 1,
        "juugyosha_town": 1,
        "office_from": date(2024, 4, 1),
        "office_to": date(2025, 3, 31),
    }
    with pytest.raises(HojinRefused, match="町内の従業者数は全従業者数以下"):
        shinkoku_compute(
            ShinkokuInput(**base, juugyosha_all=3, juugyosha_bunkatsu=4, hojinzeigaku=1), STD
        )
    with pytest.raises(HojinRefused, match="事業年度の中で"):
        shinkoku_compute(ShinkokuInput(**{**base, "office_from": date(2024, 3, 1)}), STD)
    with pytest.raises(HojinRefused, match="1年を超える"):
        shinkoku_compute(ShinkokuInput(**{**base, "shuryo": date(2025, 5, 31)}), STD)


# --- 事業所税 -----------------------------------------------------------------------------


def test_jigyoshozei_kurume_examples():
    # 久留米市「事業所税の税額の計算例」設例1・設例2
    # (https://www.city.kurume.fukuoka.jp/1050kurashi/2020zeikin/3120jigyosho/2009-0210-1659-47.html)
    p = JigyoshoParams.build(2025, lookup_with(**{"zeimu.jigyosho.kazei_dantai": 1}))
    r1 = jigyosho_compute(
        JigyoshoInput(Decimal(1500), Decimal(100), juugyosha=120, kyuyo=720_000_000), p
    )
    assert (r1.shisanwari, r1.juugyoshawari, r1.gokei) == (840_000, 1_800_000, 2_640_000)
    r2 = jigyosho_compute(
        JigyoshoInput(Decimal(2500), Decimal(300), juugyosha=20, kyuyo=65_000_000), p
    )
    assert (r2.shisanwari, r2.juugyoshawari, r2.juugyosha_menzei) == (1_320_000, 0, True)


def test_jigyoshozei_menzeiten_edges_and_town_that_does_not_levy():
    p = JigyoshoParams.build(2025, lookup_with(**{"zeimu.jigyosho.kazei_dantai": 1}))
    at = jigyosho_compute(JigyoshoInput(Decimal(1000), Decimal(0), 100, 500_000_000), p)
    assert (at.shisanwari, at.juugyoshawari) == (0, 0)
    # 神戸市FAQ: 免税点は基礎控除ではない — 1,000.5㎡ is taxed on the whole area
    over = jigyosho_compute(JigyoshoInput(Decimal("1000.5"), Decimal(0), 101, 500_000_999), p)
    assert (over.shisanwari, over.juugyoshawari) == (600_300, 1_250_000)
    with pytest.raises(HojinRefused, match="事業所税の課税団体ではありません"):
        jigyosho_compute(
            JigyoshoInput(Decimal(5000), Decimal(0), 500, 1),
            JigyoshoParams.build(2025, lookup_with()),
        )
