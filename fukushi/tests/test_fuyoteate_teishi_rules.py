"""児童扶養手当: 扶養義務者 read from the registry's 続柄 (fukushi.rules.fuyoteate_gimusha),
the 一部支給停止 month (法第13条の3第1項) at its boundaries, the months an 適用除外事由届出
covers, and the half stopped in the amount (令和7年度 values of fukushi/params/fuyoteate.yaml).
"""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.rules.fuyoteate import FuyoGimusha, FuyoteateInput, Jukyusha, fuyoteate_calculate
from fukushi.rules.fuyoteate_gimusha import ichibu_teishi_kaishi, kankei, tekiyo_jogai_kikan
from fukushi.tests.test_fuyoteate_rules import lookup


@pytest.mark.parametrize(
    ("applicant", "member", "expected"),
    [
        ("01", "04", "直系血族"),  # 世帯主 and 子
        ("01", "0404", "直系血族"),  # 世帯主 and 孫 (子の子)
        ("01", "05", "直系血族"),  # 世帯主 and 父
        ("01", "11", "兄弟姉妹"),  # 世帯主 and 姉
        ("01", "02", None),  # 妻: 配偶者, not a 扶養義務者 of 法第11条
        ("04", "01", "直系血族"),  # a daughter living with her father, the 世帯主
        ("04", "02", None),  # 世帯主's 妻: mother or step-mother, the registry cannot say
        ("04", "05", "直系血族"),  # 世帯主's 父: the applicant's 祖父
        ("04", "04", "兄弟姉妹"),  # another 子 of the 世帯主
        ("04", "0404", "直系血族"),  # 子の子: read as the applicant's child
        ("04", "14", None),  # 子の妻: 姻族
        ("04", "10", None),  # 世帯主's 兄: the applicant's uncle
        ("05", "01", "直系血族"),  # the 世帯主's father applying: the 世帯主 is his child
        ("05", "04", "直系血族"),
        ("10", "01", "兄弟姉妹"),
        ("10", "12", "兄弟姉妹"),
        ("02", "04", None),  # the applicant is the 世帯主's 配偶者: entered by hand
        ("20", "01", None),  # 同居人
        ("01", "24", None),  # 縁故者
    ],
)
def test_kankei_from_zokugara(applicant, member, expected):
    assert kankei(applicant, member) == expected


def test_ichibu_teishi_starts_the_month_after_five_years():
    # given 支給開始 令和2年7月分: 5年 from 2020-07-01 end on 2025-06-30
    start = ichibu_teishi_kaishi(shikyu_kaishi=date(2020, 7, 1), yoken_gaito=None, sansai=None)
    # then 令和7年7月分 is the first month half stopped, 6月分 is not
    assert start == date(2025, 7, 1)
    # 7年 from the month of the 支給要件 (離婚 2019-03-15 → 2019-03-01 + 84 months) is earlier
    assert ichibu_teishi_kaishi(
        shikyu_kaishi=date(2020, 7, 1), yoken_gaito=date(2018, 3, 15), sansai=None
    ) == date(2025, 3, 1)
    # and later than the 5年: the 5年 counts
    assert ichibu_teishi_kaishi(
        shikyu_kaishi=date(2020, 7, 1), yoken_gaito=date(2019, 3, 15), sansai=None
    ) == date(2025, 7, 1)
    # a child under 3 at the 請求, 3歳 on 2021-05-09: 5年 from 2021-06-01 → 2026-06分
    assert ichibu_teishi_kaishi(
        shikyu_kaishi=date(2020, 7, 1), yoken_gaito=date(2018, 3, 15), sansai=date(2021, 5, 9)
    ) == date(2026, 6, 1)


def test_tekiyo_jogai_covers_to_the_october_of_its_genkyo_year():
    assert tekiyo_jogai_kikan(date(2025, 8, 5)) == (date(2025, 8, 1), date(2026, 10, 1))
    assert tekiyo_jogai_kikan(date(2025, 7, 31)) == (date(2025, 7, 1), date(2025, 10, 1))
    assert tekiyo_jogai_kikan(date(2026, 1, 20)) == (date(2026, 1, 1), date(2026, 10, 1))


def _inp(*, teishi: bool, fubo: bool = True, gimusha=()) -> FuyoteateInput:
    return FuyoteateInput(
        year=2025,
        month=7,
        jido_su=2,
        jukyusha=Jukyusha(kyuyo_shotoku=1_000_000, fuyo_shinzoku=2, fubo=fubo),
        fuyo_gimusha=gimusha,
        ichibu_teishi=teishi,
    )


def test_half_stopped_in_the_amount():
    # given 令和7年度 全部支給 46,690 + 第2子 11,030 = 57,720円
    # (所得 1,000,000 − 100,000 − 80,000 = 820,000 < 1,450,000: 全部支給)
    full = fuyoteate_calculate(_inp(teishi=False), lookup)
    assert (full.getsugaku, full.teishi_gaku) == (57_720, 0)
    # when half is stopped (法第13条の3, 施行令第7条): 28,860 stopped, 28,860 paid
    half = fuyoteate_calculate(_inp(teishi=True), lookup)
    assert (half.getsugaku, half.teishi_gaku) == (28_860, 28_860)
    assert any("一部支給停止" in line for line in half.lines)
    assert any("端数処理" in u for u in half.unconfirmed)  # marked unconfirmed in the YAML
    # an 養育者 is never stopped (法第13条の3: 父又は母 only)
    assert fuyoteate_calculate(_inp(teishi=True, fubo=False), lookup).teishi_gaku == 0


def test_fuyo_gimusha_limit_of_reiwa7():
    # 扶養義務者 limit (施行令第2条の4, 令和6年11月分から): 2,360,000円 with 0 扶養親族
    # 給与所得 2,540,000 − 100,000 − 80,000 = 2,360,000 ≥ 2,360,000 → 全部支給停止
    over = FuyoGimusha(kyuyo_shotoku=2_540_000, label="同居の直系血族（世帯主）")
    r = fuyoteate_calculate(_inp(teishi=False, gimusha=(over,)), lookup)
    assert r.hantei.value == "teishi" and r.getsugaku == 0
    assert r.gimusha == ((2_360_000, 2_360_000),)
    assert r.gimusha_labels == ("同居の直系血族（世帯主）",)
    # 10円 less 所得: under the limit → the applicant's own judgement (全部支給)
    under = FuyoGimusha(kyuyo_shotoku=2_539_990)
    r = fuyoteate_calculate(_inp(teishi=False, gimusha=(under,)), lookup)
    assert r.hantei.value == "zenbu" and r.getsugaku == 57_720
    # with 1 扶養親族 the limit is 2,740,000 (+380,000)
    one = FuyoGimusha(kyuyo_shotoku=2_540_000, fuyo_shinzoku=1)
    assert fuyoteate_calculate(_inp(teishi=False, gimusha=(one,)), lookup).getsugaku == 57_720
