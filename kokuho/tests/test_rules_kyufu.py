"""国保 給付 rules (所得区分, 高額療養費, 出産育児一時金), pure, against published examples.

The values come from ``kokuho/params/kyufu.yaml`` (and the 基礎控除 of
``kokuho/params/hokenzei.yaml``) read with the platform's YAML parser, no database.
Each example cites the page it follows; "constructed" ones apply the published formula to
a household of our own and say which published figures they rest on.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kokuho.rules.kyufu import (
    Futan,
    GendoMissing,
    Income,
    KubunMember,
    KyufuParameters,
    gendo_amount,
    is_koreisha,
    kijun_shunyu_gaito,
    kogaku_calculate,
    parameters_from_lookup,
    shotoku_kubun,
    shotoku_nendo,
    shussan_calculate,
    tasukai_applies,
    tokurei75_applies,
)
from tenants.params.services import _rows_from_file

PARAMS = Path(__file__).resolve().parents[1] / "params"
ROWS = [
    *_rows_from_file(PARAMS / "kyufu.yaml"),
    *_rows_from_file(PARAMS / "hokenzei.yaml"),
    *_rows_from_file(PARAMS / "kokuho_shikaku.yaml"),
]


def national(key: str, year: int) -> Any:
    for row in ROWS:
        if (
            row.key == key
            and row.fiscal_year_from <= year
            and (row.fiscal_year_to is None or year <= row.fiscal_year_to)
        ):
            return row.value
    raise LookupError(key)


def params(year: int = 2025) -> KyufuParameters:
    return parameters_from_lookup(national, year, kiso_year=year)


def kazei(sogaku: int = 0, *, kazei_shotoku: int = 0, **kw: Any) -> Income:
    return Income(hikazei=False, sonota=sogaku, gokei=sogaku, kazei_shotoku=kazei_shotoku, **kw)


def hikazei(**kw: Any) -> Income:
    return Income(hikazei=True, **kw)


def member(key: str, birth: str, income: Income | None, *, insured=True, head=False):
    return KubunMember(key, date.fromisoformat(birth), insured, head, income)


# --- dates ---------------------------------------------------------------------------------


def test_the_income_year_turns_in_august_and_age_70_counts_from_the_next_month():
    # 施行令第27条の2: 8月〜12月 the 前年's 所得, 1月〜7月 the 前々年's (みやま市の説明)
    assert shotoku_nendo(2025, 8, 8) == 2025
    assert shotoku_nendo(2026, 7, 8) == 2025
    # born 1955-06-15: 70 on 2025-06-15 (reached 06-14) → 70歳以上 from 7月
    assert not is_koreisha(date(1955, 6, 15), 2025, 6, 70)
    assert is_koreisha(date(1955, 6, 15), 2025, 7, 70)
    # born on the 1st: reached on the last day of the month before → from the birthday month
    assert is_koreisha(date(1955, 6, 1), 2025, 6, 70)
    assert not is_koreisha(date(1955, 6, 1), 2025, 5, 70)


# --- 所得区分 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "kubun"),
    [
        (9_010_001, "a"),
        (9_010_000, "i"),
        (6_000_001, "i"),
        (6_000_000, "u"),
        (2_100_001, "u"),
        (2_100_000, "e"),
        (0, "e"),
    ],
)
def test_under_70_kubun_at_each_boundary(total, kubun):
    # given a couple, both insured, whose 旧ただし書所得 (所得 − 基礎控除 43万円 each)
    # add up to ``total`` (春日市・みやま市の表: 901万円超 ア … 210万円以下 エ)
    p = params()
    a = total // 2
    members = [
        member("夫", "1980-01-01", kazei(a + 430_000), head=True),
        member("妻", "1982-01-01", kazei(total - a + 430_000)),
    ]
    # when
    r = shotoku_kubun(members, 2025, 9, p)
    # then
    assert (r.under70, r.kyu_tadashigaki) == (kubun, total)
    assert r.over70 == "ippan" and not r.has_koreisha


def test_o_needs_the_gisei_setainushi_to_be_hikazei_too():
    p = params()
    wife = member("妻", "1982-01-01", hikazei())
    # the 擬制世帯主 (not insured) is taxed: not オ (世帯主 and 被保険者全員が非課税, 春日市 注3)
    taxed_head = member("夫", "1980-01-01", kazei(3_000_000), insured=False, head=True)
    r = shotoku_kubun([taxed_head, wife], 2025, 9, p)
    assert r.under70 == "e" and r.kyu_tadashigaki == 0  # his 所得 is not counted
    head = member("夫", "1980-01-01", hikazei(), insured=False, head=True)
    assert shotoku_kubun([head, wife], 2025, 9, p).under70 == "o"


def test_mishinkoku_is_a_and_an_unassessed_70_year_old_cannot_be_judged():
    p = params()
    # 所得の申告をしていないかたがいる世帯も区分ア (三郷市)
    members = [
        member("夫", "1980-01-01", kazei(1_000_000), head=True),
        member("子", "2005-01-01", Income(hikazei=False, shinkoku=False)),
    ]
    assert shotoku_kubun(members, 2025, 9, p).under70 == "a"
    old = [member("祖父", "1953-01-01", None, head=True)]
    r = shotoku_kubun(old, 2025, 9, p)
    assert r.under70 == "a" and r.over70 is None and r.has_koreisha


@pytest.mark.parametrize(
    ("kazei_shotoku", "born", "over70"),
    [
        (6_900_000, "1953-01-01", "gen3"),
        (6_899_999, "1953-01-01", "gen2"),
        (3_800_000, "1953-01-01", "gen2"),
        (1_450_000, "1944-06-01", "gen1"),
        (1_449_999, "1953-01-01", "ippan"),
    ],
)
def test_over_70_by_the_highest_kazei_shotoku(kazei_shotoku, born, over70):
    # 課税所得 690万・380万・145万円以上 (長野県国保連合会・七戸町の表)
    p = params()
    members = [member("本人", born, kazei(9_000_000, kazei_shotoku=kazei_shotoku), head=True)]
    assert shotoku_kubun(members, 2025, 9, p).over70 == over70


def test_over_70_genekinami_becomes_ippan_under_the_210man_rule():
    # given a 71-year-old born after 1945-01-02 with 課税所得 150万 but 旧ただし書所得
    # 2,000,000 (expydoc 掲載の表: 一般に「旧ただし書き所得の合計額が210万円以下を含む」)
    p = params()
    members = [member("本人", "1954-01-01", kazei(2_430_000, kazei_shotoku=1_500_000), head=True)]
    r = shotoku_kubun(members, 2025, 9, p)
    assert r.over70 == "ippan" and "一般" in r.lines[-1]


def test_teishotoku_1_and_2_count_pensions_at_income_minus_800000():
    p = params()
    # 年金収入 80万円 only → 所得 0 → 低所得Ⅰ; 80万1円 → 低所得Ⅱ
    one = [member("本人", "1953-01-01", hikazei(nenkin_shunyu=800_000), head=True)]
    assert shotoku_kubun(one, 2025, 9, p).over70 == "tei1"
    two = [member("本人", "1953-01-01", hikazei(nenkin_shunyu=800_001), head=True)]
    r = shotoku_kubun(two, 2025, 9, p)
    assert (r.under70, r.over70) == ("o", "tei2")


# --- 高額療養費 ----------------------------------------------------------------------------


def test_mhlw_example_one_million_yen_of_care_in_kubun_u():
    # 厚生労働省「高額療養費制度を利用される皆さまへ」: 医療費100万円、窓口負担30万円、
    # 80,100円＋(1,000,000円−267,000円)×1%＝87,430円、高額療養費 212,570円
    p = params()
    futan = [Futan("本人", False, "A病院", True, False, 300_000, 1_000_000)]
    r = kogaku_calculate(futan, year=2025, month=9, under70="u", over70="ippan", tasukai=False, p=p)
    assert [(s.futan, s.iryohi, s.gendo, s.shikyu) for s in r.steps] == [
        (300_000, 1_000_000, 87_430, 212_570)
    ]
    assert r.shikyu == 212_570 == r.setai_shikyu
    # 多数回該当: 44,400円 (the same table)
    r = kogaku_calculate(futan, year=2025, month=9, under70="u", over70="ippan", tasukai=True, p=p)
    assert r.shikyu == 300_000 - 44_400


def test_kijun_shunyu_at_each_base():
    # 五條市「基準収入額適用の申請」・大仙市: 70〜74歳が1人で収入383万円未満; 1人で旧国保被保険者
    # (後期高齢者医療へ移った方) との合計520万円未満; 2人以上で合計520万円未満 → 一般
    p = params()
    assert kijun_shunyu_gaito([3_829_999], [], p)[0]
    assert not kijun_shunyu_gaito([3_830_000], [], p)[0]
    assert kijun_shunyu_gaito([4_000_000], [1_199_999], p) == (
        True,
        "旧国保被保険者との収入の合計 5,199,999円（5,200,000円未満）",
    )
    assert not kijun_shunyu_gaito([4_000_000], [1_200_000], p)[0]
    assert kijun_shunyu_gaito([3_000_000, 2_199_999], [], p)[0]
    assert not kijun_shunyu_gaito([3_000_000, 2_200_000], [], p)[0]
    with pytest.raises(ValueError):
        kijun_shunyu_gaito([], [], p)


def test_kijun_shunyu_makes_a_genekinami_household_ippan():
    # 課税所得 2,000,000 (現役並みⅠ) and 旧ただし書所得 over 210万: 一般 only by the 申請
    p = params()
    income = kazei(3_500_000, kazei_shotoku=2_000_000)
    m = [member("夫", "1953-03-03", income, head=True)]
    assert shotoku_kubun(m, 2025, 10, p).over70 == "gen1"
    r = shotoku_kubun(m, 2025, 10, p, kijun_shunyu=True)
    assert r.over70 == "ippan" and "基準収入額適用の申請（収入が基準額未満）により一般" in r.lines


def test_tokurei75_gamagori_halves_the_persons_own_limits_not_the_households():
    # 蒲郡市「国民健康保険【高額療養費】75歳到達月における自己負担限度額の特例」
    # (https://www.city.gamagori.lg.jp/unit/nenkin/kokuhokyufu008.html): in the month of the
    # 75th birthday (not the 1st) the 国保 limit of 一般 is 57,600 ÷ 2 = 28,800円; 全国健康保険協会
    # (https://www.kyoukaikenpo.or.jp/g7/cat710/sb3160/sb3190/sbb3193/1972-6413/): the person's
    # own limits halve, the 世帯合算 limit stays the 本来額.
    p = params()
    # 夫 (75 on 5月15日) 入院 100,000 (医療費 50万): his own limit 28,800 → 71,200
    alone = [Futan("夫", True, "A病院", True, False, 100_000, 500_000, tokurei75=True)]
    r = kogaku_calculate(alone, year=2025, month=5, under70="e", over70="ippan", tasukai=False, p=p)
    assert [(s.label, s.futan, s.gendo, s.shikyu) for s in r.steps] == [
        ("75歳到達月の特例（個人）", 100_000, 28_800, 71_200),
        ("70歳以上 世帯", 28_800, 57_600, 0),
    ]
    assert r.shikyu == 71_200 and "本来額の2分の1" in r.lines[0]
    # without the 特例 (another month) the same bill gives 100,000 − 57,600
    plain = [Futan("夫", True, "A病院", True, False, 100_000, 500_000)]
    assert (
        kogaku_calculate(
            plain, year=2025, month=6, under70="e", over70="ippan", tasukai=False, p=p
        ).shikyu
        == 42_400
    )
    # 妻 (72) 入院 50,000 too: the household limit is the whole 57,600:
    # 28,800 + 50,000 − 57,600 = 21,200 more, 92,400 in all
    both = [*alone, Futan("妻", True, "B病院", True, False, 50_000, 250_000)]
    r = kogaku_calculate(both, year=2025, month=5, under70="e", over70="ippan", tasukai=False, p=p)
    assert [s.shikyu for s in r.steps] == [71_200, 21_200] and r.shikyu == 92_400
    # 外来 only: the 外来（個人） limit halves too, 18,000 → 9,000
    gairai = [Futan("夫", True, "C医院", False, False, 20_000, 100_000, tokurei75=True)]
    r = kogaku_calculate(
        gairai, year=2025, month=5, under70="e", over70="ippan", tasukai=False, p=p
    )
    s0 = r.steps[0]
    assert (s0.label, s0.gendo, s0.shikyu) == (
        "70歳以上 外来（個人）・75歳到達月の特例",
        9_000,
        11_000,
    )
    assert r.shikyu == 11_000


def test_tokurei75_genekinami_one_percent_above_half_the_threshold():
    # 全国健康保険協会 (page above): 「1%部分は、医療費が133,500円を超える部分について」 — for
    # 現役並みⅠ 80,100＋(医療費−267,000)×1% halves to 40,050＋(医療費−133,500)×1%.
    # 医療費 600,000, 3割 180,000: 40,050 + 4,665 = 44,715 → 135,285
    p = params()
    futan = [Futan("夫", True, "A病院", True, False, 180_000, 600_000, tokurei75=True)]
    r = kogaku_calculate(futan, year=2025, month=5, under70="u", over70="gen1", tasukai=False, p=p)
    assert (r.steps[0].gendo, r.steps[0].shikyu, r.shikyu) == (44_715, 135_285, 135_285)


def test_tokurei75_applies_in_the_birthday_month_unless_on_the_first():
    # 蒲郡市: 「月初1日に75歳に到達した場合」は対象外
    p = params()
    assert tokurei75_applies(date(1950, 5, 15), 2025, 5, p)
    assert not tokurei75_applies(date(1950, 5, 15), 2025, 4, p)
    assert not tokurei75_applies(date(1950, 5, 1), 2025, 5, p)
    # born 29 February: the 資格 moves on 1 March of a common year, a 1st: no 特例
    assert not tokurei75_applies(date(1952, 2, 29), 2027, 3, p)
    assert not tokurei75_applies(date(1952, 2, 29), 2027, 2, p)
    # and in a leap year, 29 February itself
    assert tokurei75_applies(date(1953, 2, 28), 2028, 2, p)


def test_the_one_percent_rounds_half_a_yen_up():
    # 施行令: 1円未満の端数は50銭未満切捨て・50銭以上切上げ (健康保険法施行令第42条と同じ)
    table = params().gendo_table(2025, 9)
    g = table.under70["u"]
    assert gendo_amount(g, 267_050, tasukai=False, rate=table.rate) == 80_101  # 0.5円 → 1
    assert gendo_amount(g, 267_049, tasukai=False, rate=table.rate) == 80_100  # 0.49円 → 0
    assert gendo_amount(g, 100_000, tasukai=False, rate=table.rate) == 80_100  # not below base


def test_yamato_city_example_two_people_over_70_ippan():
    # 大和市「高額療養費の計算例（70歳以上の人のみの世帯）」: 夫 A・B病院 外来 1万円ずつ、
    # 妻 C病院 入院 57,600円 (医療費80万円) → 夫の外来 2,000円 ＋ 世帯 18,000円 = 20,000円
    p = params()
    futan = [
        Futan("夫", True, "A病院", False, False, 10_000, 50_000),
        Futan("夫", True, "B病院", False, False, 10_000, 50_000),
        Futan("妻", True, "C病院", True, False, 57_600, 800_000),
    ]
    r = kogaku_calculate(futan, year=2025, month=9, under70="e", over70="ippan", tasukai=False, p=p)
    assert [(s.label, s.key, s.futan, s.gendo, s.shikyu) for s in r.steps] == [
        ("70歳以上 外来（個人）", "夫", 20_000, 18_000, 2_000),
        ("70歳以上 世帯", None, 75_600, 57_600, 18_000),
    ]
    assert r.shikyu == 20_000
    # the 外来 (個人) part is not a household payment for 多数回
    assert r.setai_shikyu == 18_000


def test_under_70_lines_below_21000_are_not_added():
    # constructed on 春日市's rule (受診者・医療機関・入院外来・医科歯科ごとに 2万1,000円以上
    # のものを合計) and the ウ formula: 夫 入院 90,000 (医療費30万), 妻 外来 21,000 (7万) and
    # 歯科 20,999 (7万) at the same clinic → 111,000 counted, 医療費 37万
    p = params()
    futan = [
        Futan("夫", False, "A病院", True, False, 90_000, 300_000),
        Futan("妻", False, "B医院", False, False, 21_000, 70_000),
        Futan("妻", False, "B医院", False, True, 20_999, 70_000),
    ]
    r = kogaku_calculate(futan, year=2025, month=9, under70="u", over70=None, tasukai=False, p=p)
    # 80,100 + (370,000 − 267,000) × 1% = 81,130 → 111,000 − 81,130 = 29,870
    assert [(s.futan, s.iryohi, s.gendo, s.shikyu) for s in r.steps] == [
        (111_000, 370_000, 81_130, 29_870)
    ]
    assert r.excluded == (("妻", "B医院（外来・歯科）", 20_999),)


def test_mixed_household_adds_what_the_over_70_step_left():
    # constructed: 夫 72歳 一般 外来 30,000 (医療費15万); 妻 65歳 入院 120,000 (医療費40万),
    # household エ: step 1 12,000 (30,000 − 18,000); step 2 18,000 ≤ 57,600 → 0;
    # step 3 18,000 + 120,000 = 138,000 over エ 57,600 → 80,400. Total 92,400.
    p = params()
    futan = [
        Futan("夫", True, "A医院", False, False, 30_000, 150_000),
        Futan("妻", False, "B病院", True, False, 120_000, 400_000),
    ]
    r = kogaku_calculate(futan, year=2025, month=9, under70="e", over70="ippan", tasukai=False, p=p)
    assert [s.shikyu for s in r.steps] == [12_000, 0, 80_400]
    assert r.shikyu == 92_400 and r.setai_shikyu == 80_400


def test_tasukai_counts_three_months_in_the_twelve_before():
    p = params()
    assert tasukai_applies([(2024, 10), (2025, 1), (2025, 5)], 2025, 9, p)
    # 2024-09 is 12 months before 2025-09: outside the window (その月以前の12月以内 = 10月〜8月)
    assert not tasukai_applies([(2024, 9), (2025, 1), (2025, 5)], 2025, 9, p)
    assert not tasukai_applies([(2025, 1), (2025, 5), (2025, 9)], 2025, 9, p)


def test_months_without_confirmed_amounts_are_refused():
    # 令和8年8月からの改定は額を確かめられなかった (kyufu.yaml): 計算しない
    p = params(2026)
    futan = [Futan("本人", False, "A病院", True, False, 300_000, 1_000_000)]
    assert p.gendo_table(2026, 7).under70["u"].base == 80_100
    with pytest.raises(GendoMissing, match="2026年8月診療分"):
        kogaku_calculate(futan, year=2026, month=8, under70="u", over70=None, tasukai=False, p=p)
    with pytest.raises(GendoMissing):
        params(2021).gendo_table(2018, 7)  # before 平成30年8月: not entered


# --- 出産育児一時金 -------------------------------------------------------------------------


def test_shussan_ichijikin_500000_from_april_2023_and_488000_without_the_kasan():
    p = params(2025)
    r = shussan_calculate(birth=date(2025, 6, 1), children=1, sanka_hosho=True, chokusetsu=0, p=p)
    assert (r.per_child, r.total, r.shikyu) == (500_000, 500_000, 500_000)
    r = shussan_calculate(birth=date(2025, 6, 1), children=1, sanka_hosho=False, chokusetsu=0, p=p)
    assert r.shikyu == 488_000
    # twins, 直接支払制度 paid 460,000 + 470,000 to the hospital: the difference is paid
    r = shussan_calculate(
        birth=date(2025, 6, 1), children=2, sanka_hosho=True, chokusetsu=930_000, p=p
    )
    assert (r.total, r.chokusetsu, r.shikyu) == (1_000_000, 930_000, 70_000)
    # before 令和5年4月: 42万円 (408,000 + 12,000)
    r = shussan_calculate(
        birth=date(2023, 3, 31), children=1, sanka_hosho=True, chokusetsu=0, p=params(2022)
    )
    assert r.shikyu == 420_000
