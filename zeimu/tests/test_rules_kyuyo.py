"""給与所得（所得税法別表第五）・公的年金等に係る雑所得・所得金額調整控除.

The expected figures are computed by hand from the law (所得税法第28条・別表第五、第35条、
租税特別措置法第41条の3の3) and checked against the 別表第五 rows as printed by 国税庁
(e.g. 6,596,000円以上6,600,000円未満 → 4,836,800円).  The 令和7年改正（最低保障額65万円、
給与収入190万円以下）is the one described by 小野市「令和8年度から適用される個人住民税
(市・県民税)の主な改正について」
http://www.city.ono.hyogo.jp/soshikikarasagasu/somubu_zeimuka/2_1/9/1/14369.html and
土浦市「令和8年度から適用される市・県民税の主な改正」
https://www.city.tsuchiura.lg.jp/sp/kurashi-tetsuzuki/zeikin/shikenminzei/kaiseigaiyo/page022326.html
(no published 別表第五 example was found with the search tool: the rows below are computed
by hand and say so).
"""

from __future__ import annotations

import pytest

from zeimu.rules import kyuyo_shotoku, nenkin_shotoku
from zeimu.rules.shotoku import shotoku_kingaku_chosei_kojo

R6, R7, R8 = 2024, 2025, 2026


@pytest.mark.parametrize(
    ("shunyu", "expected"),
    [
        # below the table's 4,000-yen part: 収入 − 55万 (min 0)
        (550_000, 0),
        (551_000, 1_000),
        (1_000_000, 450_000),
        # the irregular rows of 別表第五 just below 1,628,000
        (1_618_999, 1_068_999),
        (1_619_000, 1_069_000),
        (1_623_999, 1_072_000),
        (1_627_999, 1_074_000),
        # 1,628,000: floored to 4,000 → 1,628,000×60%+100,000 = 1,076,800
        (1_628_000, 1_076_800),
        (1_631_999, 1_076_800),
        (1_632_000, 1_079_200),
        # mid value: 3,000,000 → 3,000,000×70% − 80,000 = 2,020,000
        (3_000_000, 2_020_000),
        # 3,001,999 → floored 3,000,000 → same row
        (3_001_999, 2_020_000),
        # 6,599,999 → floored 6,596,000×80% − 440,000 = 4,836,800 (last row of the table)
        (6_599_999, 4_836_800),
        # 6,600,000: outside the table: 6,600,000 − (660,000 + 1,100,000) = 4,840,000
        (6_600_000, 4_840_000),
        # 6,600,005: 控除 660,000.5 + 1,100,000 → 所得 4,840,004.5 → 1円未満切捨て
        (6_600_005, 4_840_004),
        # 850万超: 控除 195万
        (10_000_000, 8_050_000),
    ],
)
def test_kyuyo_shotoku_r6_r7_table(params, shunyu: int, expected: int) -> None:
    for fy in (R6, R7):
        assert kyuyo_shotoku(shunyu, params(fy)).shotoku == expected


@pytest.mark.parametrize(
    ("shunyu", "expected"),
    [
        # 令和8年度（令和7年分）: 190万円以下は控除65万円
        (650_000, 0),
        (651_000, 1_000),
        (1_100_000, 450_000),
        (1_627_999, 977_999),
        (1_628_000, 978_000),
        (1_899_999, 1_249_999),
        # 1,900,000 = 190万: ×70% − 80,000 = 1,250,000 (= 190万 − 65万, continuous)
        (1_900_000, 1_250_000),
        (1_903_999, 1_250_000),
        (1_904_000, 1_252_800),
        (3_000_000, 2_020_000),
        (6_599_999, 4_836_800),
        (6_600_000, 4_840_000),
    ],
)
def test_kyuyo_shotoku_r8_minimum_650000(params, shunyu: int, expected: int) -> None:
    result = kyuyo_shotoku(shunyu, params(R8))
    assert result.shotoku == expected
    assert result.kojo == shunyu - expected


def test_kyuyo_table_floors_to_4000_before_the_rate(params) -> None:
    r = kyuyo_shotoku(1_799_999, params(R6))
    # floored 1,796,000 ×60% + 100,000 = 1,177,600 (the formula on 1,799,999 would give 1,179,999.4)
    assert r.table_base == 1_796_000
    assert r.shotoku == 1_177_600
    assert "4,000円単位" in r.method


@pytest.mark.parametrize(
    ("fy", "shunyu", "age", "other", "expected"),
    [
        # 65歳以上: 330万円以下は控除110万円 → 2,000,000 − 1,100,000
        (R6, 2_000_000, 67, 0, 900_000),
        # 65歳未満: 2,000,000×25% + 275,000 = 775,000 → 1,225,000
        (R6, 2_000_000, 64, 0, 1_225_000),
        # 65歳未満・130万円以下: 控除60万円
        (R7, 1_000_000, 60, 0, 400_000),
        # 公的年金等以外の合計所得金額が1,000万円超2,000万円以下: 控除10万円少ない
        (R8, 2_000_000, 70, 15_000_000, 1_000_000),
        # 2,000万円超: 控除20万円少ない
        (R8, 2_000_000, 70, 25_000_000, 1_100_000),
        # 65歳以上 4,000,000: 4,000,000×25% + 275,000 = 1,275,000 → 2,725,000
        (R8, 4_000_000, 80, 0, 2_725_000),
    ],
)
def test_nenkin_shotoku(params, fy: int, shunyu: int, age: int, other: int, expected: int) -> None:
    assert nenkin_shotoku(shunyu, age, other, params(fy)).shotoku == expected


def test_shotoku_kingaku_chosei_kojo(params) -> None:
    p = params(R6)
    # 子育て: (9,000,000 − 8,500,000)×10% = 50,000
    assert shotoku_kingaku_chosei_kojo(
        kyuyo_shunyu=9_000_000,
        kyuyo_shotoku=7_050_000,
        nenkin_shotoku=0,
        kosodate_kaigo=True,
        p=p,
    ) == (50_000, 0)
    # 収入は1,000万円が限度: (10,000,000 − 8,500,000)×10% = 150,000
    assert shotoku_kingaku_chosei_kojo(
        kyuyo_shunyu=12_000_000,
        kyuyo_shotoku=10_050_000,
        nenkin_shotoku=0,
        kosodate_kaigo=True,
        p=p,
    ) == (150_000, 0)
    # 対象者がいなければ0
    assert shotoku_kingaku_chosei_kojo(
        kyuyo_shunyu=9_000_000,
        kyuyo_shotoku=7_050_000,
        nenkin_shotoku=0,
        kosodate_kaigo=False,
        p=p,
    ) == (0, 0)
    # 給与・年金の双方: min(450,000, 10万) + min(900,000, 10万) − 10万 = 100,000
    assert shotoku_kingaku_chosei_kojo(
        kyuyo_shunyu=1_000_000,
        kyuyo_shotoku=450_000,
        nenkin_shotoku=900_000,
        kosodate_kaigo=False,
        p=p,
    ) == (0, 100_000)
    # 給与所得 60,000 + 年金 30,000 − 10万 < 0 → 0
    assert shotoku_kingaku_chosei_kojo(
        kyuyo_shunyu=610_000,
        kyuyo_shotoku=60_000,
        nenkin_shotoku=30_000,
        kosodate_kaigo=False,
        p=p,
    ) == (0, 0)


def test_floats_are_refused(params) -> None:
    from zeimu.rules import JuminzeiInput

    with pytest.raises(TypeError, match="float"):
        JuminzeiInput(age=40, kyuyo_shunyu=3_000_000.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="負の値"):
        JuminzeiInput(age=40, shakai_hokenryo=-1)
