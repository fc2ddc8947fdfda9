"""延滞金 of an increase due by its own 更正 notice (zeimu.rules.entaikin.nouki_layers,
``entaikin_by_nouki``; docs/standard/shuno.md S-7c).

A 賦課課税 (固定資産税 …) raised by a 更正 after the 期別's 納期限 is due by the 納期限 its
notice sets (地方税法第364条 納税通知書, 第369条: 延滞金 「納期限の翌日から」): the part added bears
延滞金 from the day after that 納期限, not the 期別's.

Worked example: 豊橋市「延滞金について」(www.city.toyohashi.lg.jp, menuid=10874; the figures of
zeimu/tests/test_rules_entaikin.py): 65,000円, 納期限 令和3年5月31日, 納付 令和4年1月31日 →
2.5%×30日 = 133円, 8.8%×184日 = 2,883円, 8.7%×31日 = 480円, 計 3,496円 → 3,400円. Here the
65,000円 is an increase of a 期別 due 令和3年4月30日 (当初 100,000円, paid on time) whose 更正
notice sets 令和3年5月31日: its 延滞金 is that example's, 3,400円. Counted from the 期別's
納期限 instead (the ledger before this change) it would be, by hand: 65,000×2.5%×31/365 = 138;
65,000×8.8%×214/365 = 3,353; 65,000×8.7%×31/365 = 480 → 3,971 → 3,900円. No municipality's
worked example of a 増額更正 with its own 納期限 was found (searched 2026-12-07:
「増額更正 延滞金 納期限 変更通知書」, 「住民税 修正申告 税額変更 追加納付 延滞金」); the
split into parts is the Toyohashi example applied to the added part.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from zeimu.rules.entaikin import (
    ChoteiEntry,
    entaikin_by_nouki,
    entaikin_calculate,
    nouki_layers,
)
from zeimu.tests.test_rules_entaikin import lookup

NOUKI = date(2021, 4, 30)
NOTICE = date(2021, 5, 31)
PAID = date(2022, 1, 31)


def test_the_increase_counts_from_its_notices_nouki_toyohashi_3400() -> None:
    # given: 当初 100,000円 paid on time, then +65,000円 due by the notice's 令和3年5月31日
    entries = [
        ChoteiEntry(100_000, date(2021, 4, 1)),
        ChoteiEntry(65_000, date(2021, 5, 10), nouki=NOTICE),
    ]
    # when: the 65,000円 is paid on 令和4年1月31日
    r = entaikin_by_nouki(
        nouki=NOUKI, entries=entries, by_day=[(NOUKI, 100_000)], paid_on=PAID, lookup=lookup
    )
    # then: the published example, segment by segment
    assert [(s.start, s.days, s.base, s.amount) for s in r.segments if s.amount] == [
        (date(2021, 6, 1), 30, 65_000, 133),
        (date(2021, 7, 1), 184, 65_000, 2_883),
        (date(2022, 1, 1), 31, 65_000, 480),
    ]
    assert (r.total_raw, r.entaikin) == (3_496, 3_400)


def test_without_the_notices_nouki_it_counts_from_the_kibetsus_3900() -> None:
    entries = [ChoteiEntry(100_000, date(2021, 4, 1)), ChoteiEntry(65_000, date(2021, 5, 10))]
    r = entaikin_by_nouki(
        nouki=NOUKI, entries=entries, by_day=[(NOUKI, 100_000)], paid_on=PAID, lookup=lookup
    )
    assert [(s.days, s.amount) for s in r.segments] == [(31, 138), (214, 3_353), (31, 480)]
    assert (r.total_raw, r.entaikin) == (3_971, 3_900)


def test_money_pays_the_earliest_nouki_first_and_each_part_has_its_own_cuts() -> None:
    entries = [
        ChoteiEntry(100_000, date(2021, 4, 1)),
        ChoteiEntry(65_000, date(2021, 5, 10), nouki=NOTICE),
    ]
    # 100,000円 paid late on 令和3年6月10日 pays the 期別's own part (41 days late), the rest on
    # 令和4年1月31日 the added part
    r = entaikin_by_nouki(
        nouki=NOUKI,
        entries=entries,
        by_day=[(date(2021, 6, 10), 100_000)],
        paid_on=PAID,
        lookup=lookup,
    )
    # own part: 100,000×2.5%×31/365 = 212; ×8.8%×10/365 = 241 → 453 → under 1,000円: 0
    # added part: 3,400円 as above
    assert r.entaikin == 3_400
    assert r.total_raw == 453 + 3_496


def test_a_decrease_takes_the_latest_part_first() -> None:
    entries = [
        ChoteiEntry(100_000, date(2021, 4, 1)),
        ChoteiEntry(65_000, date(2021, 5, 10), nouki=NOTICE),
        ChoteiEntry(-30_000, date(2021, 9, 1)),
    ]
    layers = nouki_layers(NOUKI, entries)
    assert [(la.nouki, la.amount) for la in layers] == [(NOUKI, 100_000), (NOTICE, 35_000)]
    entries.append(ChoteiEntry(-50_000, date(2021, 10, 1)))
    layers = nouki_layers(NOUKI, entries)
    assert [(la.nouki, la.amount) for la in layers] == [(NOUKI, 85_000), (NOTICE, 0)]


def test_a_notice_nouki_on_or_before_the_kibetsus_is_the_kibetsus() -> None:
    entries = [
        ChoteiEntry(100_000, date(2021, 4, 1)),
        ChoteiEntry(65_000, date(2021, 4, 10), nouki=NOUKI),
    ]
    assert [(la.nouki, la.amount) for la in nouki_layers(NOUKI, entries)] == [(NOUKI, 165_000)]


@given(
    amounts=st.lists(st.integers(min_value=-80_000, max_value=200_000), min_size=1, max_size=5),
    payments=st.lists(
        st.tuples(st.integers(min_value=-30, max_value=700), st.integers(0, 200_000)),
        max_size=4,
    ),
    late=st.integers(min_value=0, max_value=800),
)
def test_with_no_nouki_of_its_own_it_is_the_single_count(
    amounts: list[int], payments: list[tuple[int, int]], late: int
) -> None:
    # given: entries with no 納期限 of their own (every 期別 before this change), the 調定額
    # kept at or above 0 as the ledger keeps it
    entries, total = [], 0
    for a in amounts:
        a = max(a, -total)
        total += a
        entries.append(ChoteiEntry(a, NOUKI))
    by_day: dict[date, int] = {}
    paid_on = NOUKI + timedelta(days=late)
    for d, amount in payments:
        day = NOUKI + timedelta(days=d)
        if day < paid_on:
            by_day[day] = by_day.get(day, 0) + amount
    days = sorted(by_day.items())
    # then: the same as the one-base count the ledger always made
    start = NOUKI + timedelta(days=1)
    owed, received = [(start, total)], 0
    for on, amount in days:
        received += amount
        owed.append((max(start, on + timedelta(days=1)), max(0, total - received)))
    want = entaikin_calculate(nouki=NOUKI, paid_on=paid_on, owed=owed, lookup=lookup)
    got = entaikin_by_nouki(
        nouki=NOUKI, entries=entries, by_day=days, paid_on=paid_on, lookup=lookup
    )
    assert got == want
