"""保育料 rules against the national table (国の利用者負担上限額基準, fukushi/params/hoiku.yaml,
子ども・子育て支援法施行令第4条) at every band boundary, 保育標準時間 and 保育短時間, 多子軽減
(第2子 half, 第3子 free, the 年収約360万円未満相当 count-all rule), 無償化 from the first April
after the 3rd birthday (the 3号 → 2号 shift mid-year keeps the 満3歳未満 fee until March), and
the 4–8月 / 9–3月 tax years.

Sources of the expected figures (the same as the YAML's):
- national 3号 table: 内閣府「利用者負担（保育料）の国の基準」(階層の境目 48,600 / 97,000 /
  169,000 / 301,000 / 397,000円: https://expydoc.com/doc/7725584 , https://expydoc.com/doc/7678646 ;
  the 3号 amounts could not be matched to the ministry's document here, see the YAML note)
- 無償化 from 満3歳になった後の4月1日:
  https://www.city.yame.fukuoka.jp/kosodate/5/1/1602565049926.html ;
  「誕生日を迎えて3歳になった児童についても、年度内は保育料を納入」:
  https://www.city.kitakata.fukushima.jp/site/kosodate/1547.html
- 多子軽減 57,700円未満 counts every child: https://expydoc.com/doc/10496458
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from fukushi.rules import hoiku as r

PARAMS = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "params" / "hoiku.yaml").read_text(encoding="utf-8")
)


def _param(key: str) -> object:
    (p,) = [p for p in PARAMS["parameters"] if p["key"] == key]
    return p["values"][-1]["value"]


TABLE = r.kaiso_table(_param("fukushi.hoiku.kokukijun.sangou")["kaiso"])  # type: ignore[index]
STD = r.Hitsuyoryo.HYOJUN
SHORT = r.Hitsuyoryo.TANJIKAN
ONE = date(2024, 5, 10)  # a one-year-old in 令和7年度 (class age 0 on 2025-04-01)
JULY = date(2025, 7, 1)


def _fee(shotokuwari: int, *, h=STD, order=1, birth=ONE, month=JULY, seiho=False, hikazei=False):
    return r.fee(
        r.FeeInput(
            birth=birth,
            month=month,
            hitsuyoryo=h,
            setai=r.Setai(seiho=seiho, hikazei=hikazei, shotokuwari=shotokuwari),
            order=order,
        ),
        table=TABLE,
        mushoka_sai=3,
        dai2_percent=50,
        dai3_percent=0,
    )


@pytest.mark.parametrize(
    ("shotokuwari", "kaiso", "hyojun", "tanjikan"),
    [
        (0, 3, 19_500, 19_300),  # 均等割のみ
        (48_599, 3, 19_500, 19_300),
        (48_600, 4, 30_000, 29_600),
        (96_999, 4, 30_000, 29_600),
        (97_000, 5, 44_500, 43_900),
        (168_999, 5, 44_500, 43_900),
        (169_000, 6, 61_000, 60_100),
        (300_999, 6, 61_000, 60_100),
        (301_000, 7, 80_000, 78_800),
        (396_999, 7, 80_000, 78_800),
        (397_000, 8, 104_000, 102_400),
        (2_000_000, 8, 104_000, 102_400),
    ],
)
def test_national_bands_at_their_boundaries(shotokuwari, kaiso, hyojun, tanjikan):
    # given a 課税 household of a one-year-old, first child
    # when the fee is computed, then the band and both amounts are the national ones
    std, short = _fee(shotokuwari), _fee(shotokuwari, h=SHORT)
    assert (std.kaiso.no, std.amount) == (kaiso, hyojun)
    assert (short.kaiso.no, short.amount) == (kaiso, tanjikan)


def test_seiho_and_hikazei_pay_nothing():
    assert _fee(0, seiho=True).kaiso.no == 1 and _fee(0, seiho=True).amount == 0
    # 非課税世帯 0–2 free since 令和元年10月
    assert _fee(0, hikazei=True).kaiso.no == 2 and _fee(0, hikazei=True).amount == 0


@pytest.mark.parametrize(
    ("shotokuwari", "order", "amount"),
    [
        (48_600, 1, 30_000),
        (48_600, 2, 15_000),  # 第2子 half
        (48_600, 3, 0),  # 第3子 free
        (397_000, 2, 52_000),
        (397_000, 4, 0),
    ],
)
def test_tashi_keigen(shotokuwari, order, amount):
    assert _fee(shotokuwari, order=order).amount == amount
    # the short-time fee halves too: 29,600 → 14,800
    if (shotokuwari, order) == (48_600, 2):
        assert _fee(shotokuwari, order=order, h=SHORT).amount == 14_800


def test_town_extension_second_child_free():
    # a town that makes the 第2子 free (fukushi.hoiku.tashi.dai2_percent = 0)
    res = r.fee(
        r.FeeInput(ONE, JULY, STD, r.Setai(False, False, 100_000), order=2),
        table=TABLE,
        mushoka_sai=3,
        dai2_percent=0,
        dai3_percent=0,
    )
    assert (res.kijun, res.amount) == (44_500, 0)


def test_counting_siblings_depends_on_income():
    # an 8-year-old (小学生), a 4-year-old at a 保育所 and the one-year-old in question
    day = date(2025, 7, 1)
    kids = [
        r.Kyodai(key=1, birth=date(2017, 6, 1), riyo=False),
        r.Kyodai(key=2, birth=date(2021, 5, 1), riyo=True),
        r.Kyodai(key=3, birth=ONE, riyo=True),
    ]
    # normally only 就学前 children using a facility count: the one-year-old is 第2子
    assert r.tashi_order(3, kids, day=day, zenin_kazoe=False) == 2
    # 所得割 under 57,700円: every child counts, so 第3子 (free)
    assert r.tashi_order(3, kids, day=day, zenin_kazoe=True) == 3
    # a 4-year-old staying at home does not count in the normal rule
    home = [kids[0], r.Kyodai(key=2, birth=date(2021, 5, 1), riyo=False), kids[2]]
    assert r.tashi_order(3, home, day=day, zenin_kazoe=False) == 1
    assert _param("fukushi.hoiku.tashi.zenin_kazoe_under") == 57_700


def test_mushoka_from_the_first_april_after_turning_three():
    # born 2022-06-15: reaches 3 on 2025-06-14 (the day before the birthday)
    birth = date(2022, 6, 15)
    assert r.sansai_tasshi_bi(birth) == date(2025, 6, 14)
    # 3号 until the day before that day, 2号 from it
    assert r.kubun_for(birth, date(2025, 6, 13), hoiku=True) is r.Kubun.SAN
    assert r.kubun_for(birth, date(2025, 6, 14), hoiku=True) is r.Kubun.NI
    # but the fee stays the 満3歳未満 fee until March 2026 (2歳児クラス) …
    assert _fee(100_000, birth=birth, month=date(2025, 7, 1)).amount == 44_500
    assert _fee(100_000, birth=birth, month=date(2026, 3, 1)).amount == 44_500
    # … and is 0 from April 2026 (3歳児クラス)
    april = _fee(100_000, birth=birth, month=date(2026, 4, 1))
    assert (april.mushoka, april.amount) == (True, 0)


def test_april_first_birthday_belongs_to_the_older_class():
    # born 2022-04-01 reaches 3 on 2025-03-31, so is in the 3歳児クラス of 令和7年度
    assert r.class_age(date(2022, 4, 1), 2025) == 3
    assert r.mushoka(date(2022, 4, 1), date(2025, 4, 1), mushoka_sai=3)
    # born 2022-04-02 is one class younger
    assert r.class_age(date(2022, 4, 2), 2025) == 2
    assert not r.mushoka(date(2022, 4, 2), date(2025, 4, 1), mushoka_sai=3)


@pytest.mark.parametrize(
    ("month", "tax_year"),
    [
        (date(2025, 4, 1), 2024),
        (date(2025, 8, 1), 2024),
        (date(2025, 9, 1), 2025),
        (date(2026, 3, 1), 2025),
    ],
)
def test_april_to_august_use_last_years_tax(month, tax_year):
    assert r.kazei_nendo(month, kirikae_tsuki=9) == tax_year


def test_hitsuyoryo_from_working_hours():
    assert r.hitsuyoryo_for_shuro(120, kagen=64, hyojun=120) is r.Hitsuyoryo.HYOJUN
    assert r.hitsuyoryo_for_shuro(119, kagen=64, hyojun=120) is r.Hitsuyoryo.TANJIKAN
    assert r.hitsuyoryo_for_shuro(64, kagen=64, hyojun=120) is r.Hitsuyoryo.TANJIKAN
    assert r.hitsuyoryo_for_shuro(63, kagen=64, hyojun=120) is None
    assert r.hitsuyoryo_for_shuro(48, kagen=48, hyojun=120) is r.Hitsuyoryo.TANJIKAN


def test_chosei_ranks_by_points_then_the_towns_tie_break():
    a = r.Applicant(
        key=1, points=80, shotokuwari=200_000, birth=date(2024, 1, 1), wishes=(10,), age_class=1
    )
    b = r.Applicant(
        key=2, points=80, shotokuwari=50_000, birth=date(2023, 6, 1), wishes=(10,), age_class=1
    )
    c = r.Applicant(
        key=3, points=90, shotokuwari=300_000, birth=date(2023, 5, 1), wishes=(10, 20), age_class=1
    )
    free = {(10, 1): 1, (20, 1): 1}
    # c has the most points and takes facility 10; of the tied a and b, the rule decides
    assert r.chosei_assign([a, b, c], free, dosu_junjo=1) == {3: 10, 2: None, 1: None}
    assert [x.key for x in r.chosei_rank([a, b, c], dosu_junjo=1)] == [3, 2, 1]
    assert [x.key for x in r.chosei_rank([a, b, c], dosu_junjo=2)] == [3, 1, 2]
    assert [x.key for x in r.chosei_rank([a, b, c], dosu_junjo=3)] == [3, 1, 2]
    # a place in another age class is no place
    assert r.chosei_assign([a], {(10, 2): 5}, dosu_junjo=1) == {1: None}


def test_a_town_table_must_be_ordered():
    with pytest.raises(ValueError):
        r.kaiso_table(
            [
                {
                    "no": 1,
                    "label": "x",
                    "kind": "kazei",
                    "under": 90_000,
                    "hyojun": 1,
                    "tanjikan": 1,
                },
                {
                    "no": 2,
                    "label": "y",
                    "kind": "kazei",
                    "under": 50_000,
                    "hyojun": 1,
                    "tanjikan": 1,
                },
                {"no": 3, "label": "z", "kind": "kazei", "under": None, "hyojun": 1, "tanjikan": 1},
            ]
        )
