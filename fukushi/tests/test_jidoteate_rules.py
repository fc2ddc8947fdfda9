"""児童手当 rules (fukushi.rules.jidoteate) against published tables and examples, read
through the law-parameter store (fukushi/params/jidoteate.yaml).

Sources:
- 改正前後の月額・支給対象・第3子の数え方・支払期月: 富加町「令和6年10月(12月支給分)から制度内容が
  変わります」 https://www.town.tomika.gifu.jp/docs/564.html (対照表), and the こども家庭庁
  summary quoted at https://hirono-office.com/blog/3572 .
- 第3子の数え方の例 1〜3 (21歳・10歳・5歳 → 10,000円・30,000円; 23歳・10歳・5歳 → 10,000円・
  10,000円; 22歳・20歳・16歳 → 16歳が第3子 30,000円): 恩納村「監護相当・生計費の負担についての
  確認書」 http://www.vill.onna.okinawa.jp/living/childcare/1700096343/1739501977 .
- 3歳の誕生月まで15,000円: 浜松市 FAQ
  https://www.hamamatsu-pippi.net/sodan/faq/docs/2014031200320/ .
- 15日特例 (4月30日出生, 5月15日請求 → 5月分から; 5月16日 → 6月分から): 江戸川区 Q&A
  https://www.city.edogawa.tokyo.jp/e049/qa/kosodate/kosodate/teate/teate007.html .
- 所得制限限度額・所得上限限度額 (扶養0人 622万円 / 858万円 …): 内閣府の表
  (https://gentosha-go.com/articles/-/45440), 広野町 (0〜3人).
"""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.rules.jidoteate import (
    Child,
    SeidoMissing,
    ShotokuKubun,
    covered_months,
    month_amounts,
    month_total,
    nendomatsu_month,
    seido_of,
    shikyu_start,
    shometsu_month,
    shotoku_hantei,
)

pytestmark = pytest.mark.django_db

JUNE_2025 = date(2025, 6, 1)


def _born_aged(age: int, on: date = JUNE_2025) -> date:
    """A birth date giving ``age`` on ``on`` (birthday in late July, after June)."""
    return date(on.year - age - 1, 7, 20)


def _amounts(children: list[Child], month: date, **kw: object) -> list[int]:
    by_key = {a.key: a.amount for a in month_amounts(children, month, **kw)}  # type: ignore[arg-type]
    return [by_key.get(c.key, 0) for c in children]


def test_onna_examples_of_third_child_counting_after_the_reform():
    # 例1: 21歳（大学生年代、監護相当）・10歳・5歳 → 支給なし・10,000円・30,000円
    ex1 = [
        Child(_born_aged(21), kanshu=True, key=1),
        Child(_born_aged(10), key=2),
        Child(_born_aged(5), key=3),
    ]
    assert _amounts(ex1, JUNE_2025) == [0, 10_000, 30_000]
    # 例2: 23歳・10歳・5歳 → 23歳は数えない: 10,000円・10,000円
    ex2 = [
        Child(_born_aged(23), kanshu=True, key=1),
        Child(_born_aged(10), key=2),
        Child(_born_aged(5), key=3),
    ]
    assert _amounts(ex2, JUNE_2025) == [0, 10_000, 10_000]
    # 例3: 22歳（年度末まで）・20歳・16歳 → 16歳が第3子 30,000円
    ex3 = [
        Child(date(2003, 5, 20), kanshu=True, key=1),  # 22 in June 2025, 年度末 2026-03
        Child(_born_aged(20), kanshu=True, key=2),
        Child(_born_aged(16), key=3),
    ]
    assert _amounts(ex3, JUNE_2025) == [0, 0, 30_000]
    # without the 確認書 (監護相当・生計費の負担) the 大学生年代 are not counted
    no_kanshu = [Child(c.birth_date, key=c.key) for c in ex1]
    assert _amounts(no_kanshu, JUNE_2025) == [0, 10_000, 10_000]


def test_age_bands_at_the_3rd_birthday_and_the_18th_year_end():
    # 3歳の誕生日 2025年6月10日: 6月分まで15,000円, 7月分から10,000円 (浜松市 FAQ)
    c = [Child(date(2022, 6, 10), key=1)]
    assert month_total(c, date(2025, 6, 1)) == 15_000
    assert month_total(c, date(2025, 7, 1)) == 10_000
    # born on 4月1日: reaches 18 on 3月31日, so that 3月 is the last month (高校生年代)
    april1 = [Child(date(2007, 4, 1), key=1)]
    assert nendomatsu_month(date(2007, 4, 1), 18) == date(2025, 3, 1)
    assert month_total(april1, date(2025, 3, 1)) == 10_000
    assert month_total(april1, date(2025, 4, 1)) == 0
    # born on 4月2日: one school year later
    april2 = [Child(date(2007, 4, 2), key=1)]
    assert month_total(april2, date(2025, 4, 1)) == 10_000
    assert month_total(april2, date(2026, 3, 1)) == 10_000
    assert month_total(april2, date(2026, 4, 1)) == 0
    # paid from the birth month's allowance only when alive that month
    assert month_total([Child(date(2025, 7, 3), key=1)], date(2025, 6, 1)) == 0


def test_the_october_2024_reform_september_old_rules_october_new():
    # a 高校1年 (16), a 中学1年 (12 → 13) and a 6-year-old: 富加町の対照表
    kids = [
        Child(date(2008, 5, 10), key=1),  # 高校生: 改正前は支給なし（第1子として数える）
        Child(date(2011, 5, 10), key=2),  # 中学生
        Child(date(2018, 5, 10), key=3),  # 3歳〜小学校修了前の第3子
    ]
    sep, octo = date(2024, 9, 1), date(2024, 10, 1)
    assert seido_of(sep).shikyu_nenrei == 15 and seido_of(octo).shikyu_nenrei == 18
    # 9月分 (改正前): 高校生 0, 中学生 10,000, 第3子(小学生) 15,000
    assert _amounts(kids, sep) == [0, 10_000, 15_000]
    # 10月分 (改正後): 高校生 10,000, 中学生 10,000, 第3子 30,000
    assert _amounts(kids, octo) == [10_000, 10_000, 30_000]
    # 改正前の3歳未満は第3子でも15,000円、改正後は30,000円
    baby3 = [*kids[:2], Child(date(2023, 1, 5), key=3)]
    assert _amounts(baby3, sep) == [0, 10_000, 15_000]
    assert _amounts(baby3, octo) == [10_000, 10_000, 30_000]
    # 改正前の特例給付 5,000円 (中学校修了前の児童1人につき), 上限以上は支給なし;
    # 改正後は所得制限なし
    assert _amounts(kids, sep, shotoku_kubun=ShotokuKubun.TOKUREI) == [0, 5_000, 5_000]
    assert _amounts(kids, sep, shotoku_kubun=ShotokuKubun.JOGEN) == [0, 0, 0]
    assert _amounts(kids, octo, shotoku_kubun=ShotokuKubun.TOKUREI) == [10_000, 10_000, 30_000]
    # 改正前は18歳年度末を過ぎた大学生を数えない: 19歳の上の子がいても第3子加算はない
    with_student = [Child(date(2005, 5, 10), kanshu=True, key=9), *kids[1:]]
    assert _amounts(with_student, sep) == [0, 10_000, 10_000]
    assert _amounts(with_student, octo) == [0, 10_000, 30_000]


def test_income_limit_before_the_reform_at_the_boundaries():
    sep, octo = date(2024, 9, 1), date(2024, 10, 1)
    # 扶養親族等0人: 限度額 622万円, 上限額 858万円 (所得額)
    assert shotoku_hantei(sep, shotoku=6_219_999, fuyo_su=0) is ShotokuKubun.IKA
    assert shotoku_hantei(sep, shotoku=6_220_000, fuyo_su=0) is ShotokuKubun.TOKUREI
    assert shotoku_hantei(sep, shotoku=8_579_999, fuyo_su=0) is ShotokuKubun.TOKUREI
    assert shotoku_hantei(sep, shotoku=8_580_000, fuyo_su=0) is ShotokuKubun.JOGEN
    # 扶養3人: 736万円 / 972万円
    assert shotoku_hantei(sep, shotoku=7_359_999, fuyo_su=3) is ShotokuKubun.IKA
    assert shotoku_hantei(sep, shotoku=9_720_000, fuyo_su=3) is ShotokuKubun.JOGEN
    # 改正後: no income limit
    assert shotoku_hantei(octo, shotoku=50_000_000, fuyo_su=0) is ShotokuKubun.IKA


def test_months_start_end_and_payment():
    # 15日特例 (江戸川区 Q&A): born 4月30日
    assert shikyu_start(seikyu_date=date(2025, 5, 15), jiyu_date=date(2025, 4, 30)) == date(
        2025, 5, 1
    )
    assert shikyu_start(seikyu_date=date(2025, 5, 16), jiyu_date=date(2025, 4, 30)) == date(
        2025, 6, 1
    )
    # ordinary 請求: from the next month
    assert shikyu_start(seikyu_date=date(2025, 5, 3)) == date(2025, 6, 1)
    # 転出予定日 6月20日: paid through 6月分, ended from 7月分
    assert shometsu_month(jiyu_date=date(2025, 6, 20)) == date(2025, 7, 1)
    # payment months: 令和6年10月 pays 6〜9月分 (改正前), 12月 the 10・11月分 (first bimonthly)
    assert covered_months(date(2024, 10, 1)) == tuple(date(2024, m, 1) for m in (6, 7, 8, 9))
    assert covered_months(date(2024, 12, 1)) == (date(2024, 10, 1), date(2024, 11, 1))
    assert covered_months(date(2025, 2, 1)) == (date(2024, 12, 1), date(2025, 1, 1))
    assert covered_months(date(2025, 4, 1)) == (date(2025, 2, 1), date(2025, 3, 1))
    assert covered_months(date(2025, 5, 1)) == ()
    assert covered_months(date(2024, 8, 1)) == ()  # 改正前: 2・6・10月だけ


def test_no_data_for_the_year_is_a_clean_refusal():
    with pytest.raises(SeidoMissing):
        seido_of(date(2019, 5, 1))
