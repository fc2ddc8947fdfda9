"""児童扶養手当: the 併給調整 with 公的年金等 (法第13条の2) in the month's amount, and the
支払期月 and 時効 (法第22条) of a month (fukushi.rules.fuyoteate, .fuyoteate_jiko).

Sources (also in fukushi/params/fuyoteate.yaml):
- 猪名川町 https://www.town.hyogo-inami.lg.jp/0000004896.html : 令和3年3月分から「児童扶養
  手当の額と障害基礎年金等の子の加算部分との差額を児童扶養手当として受給」; 障害基礎年金等
  以外の公的年金等は「公的年金等の額が児童扶養手当額を下回る場合は、その差額分」.
- 安来市 https://www.city.yasugi.shimane.jp/kurashi/kyoiku/teate/konokasan.html : the
  published 子の加算 of one child, 18,916円 a month, the figure the clerk enters below (the
  page compares it with the 手当 of its own year; no page found here works the 令和3年 rule
  with figures, so the differences below are ours by the rule above, on the 令和7年度
  全部支給 46,690円 and 第2子 11,030円 of 平戸市).
- 昭和47年8月25日 児企第33号 (mhlw.go.jp): the 時効 runs from the 支払期月; 法第22条: 2年.
"""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.rules.fuyoteate import FuyoteateInput, Hantei, Jukyusha, fuyoteate_calculate
from fukushi.rules.fuyoteate_jiko import jiko_kisanbi, jiko_manryo, shiharai_kizuki
from fukushi.tests.test_fuyoteate_rules import lookup


def calc(*, jido: int = 1, nenkin: int = 0, teishi: bool = False, sonota: int = 0):
    return fuyoteate_calculate(
        FuyoteateInput(
            year=2025,
            month=6,
            jido_su=jido,
            jukyusha=Jukyusha(sonota_shotoku=sonota, fuyo_shinzoku=jido),
            ichibu_teishi=teishi,
            nenkin_getsugaku=nenkin,
        ),
        lookup,
    )


def test_the_difference_with_the_kasan_of_the_shogai_kiso_nenkin_is_paid():
    # 全部支給 1人 46,690円 − 子の加算部分 18,916円 (安来市) = 27,774円
    r = calc(nenkin=18_916)
    assert r.hantei is Hantei.ZENBU and (r.heikyu_gaku, r.getsugaku) == (18_916, 27_774)
    assert any("併給調整" in line and "27,774円" in line for line in r.lines)
    assert r.unconfirmed  # the 月額 entered as is and the order after the 一部支給停止
    # 2人: 46,690 + 11,030 = 57,720 − 2 × 18,916 = 19,888円
    r = calc(jido=2, nenkin=2 * 18_916)
    assert (r.heikyu_gaku, r.getsugaku) == (37_832, 19_888)


def test_a_pension_above_the_allowance_leaves_nothing_and_none_leaves_it_whole():
    r = calc(nenkin=60_000)  # e.g. a 遺族年金 above the 手当: no 手当
    assert (r.heikyu_gaku, r.getsugaku) == (46_690, 0)
    r = calc()
    assert (r.heikyu_gaku, r.getsugaku) == (0, 46_690)
    assert not any("併給調整" in line for line in r.lines)
    with pytest.raises(ValueError, match="0円以上"):
        calc(nenkin=-1)


def test_taken_after_the_ichibu_teishi_and_not_below_zero_when_stopped():
    # 46,690 → 一部支給停止 1/2 = 23,350 (10円未満四捨五入) → 23,340 − 20,000 = 3,340
    r = calc(teishi=True, nenkin=20_000)
    assert (r.teishi_gaku, r.heikyu_gaku, r.getsugaku) == (23_350, 20_000, 3_340)
    # 全部支給停止 (所得が一部支給の限度額以上): nothing to take
    r = calc(sonota=5_000_000, nenkin=18_916)
    assert r.hantei is Hantei.TEISHI and (r.heikyu_gaku, r.getsugaku) == (0, 0)


@pytest.mark.parametrize(
    ("month", "kizuki", "kisanbi", "manryo"),
    [
        (date(2024, 11, 1), date(2025, 1, 1), date(2025, 2, 1), date(2027, 2, 1)),
        (date(2024, 12, 15), date(2025, 1, 1), date(2025, 2, 1), date(2027, 2, 1)),
        (date(2025, 1, 1), date(2025, 3, 1), date(2025, 4, 1), date(2027, 4, 1)),
        (date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1), date(2027, 4, 1)),
        (date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1), date(2027, 12, 1)),
    ],
)
def test_shiharai_kizuki_and_jiko(month, kizuki, kisanbi, manryo):
    # 支払期月 1・3・5・7・9・11月, each for the two months before it (法第7条第3項)
    assert shiharai_kizuki(month) == kizuki
    assert jiko_kisanbi(month) == kisanbi
    assert jiko_manryo(month, 2) == manryo
