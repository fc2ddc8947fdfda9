"""時効 and 執行停止 periods (zeimu/rules/shuno_taino.py), pure.

Sources: 地方税法第18条第1項 (5年, 法定納期限の翌日から), 第18条の2第1項 (督促, 交付要求),
第15条の7第4項・第5項 (停止3年, 即時消滅); 民法第140条・第143条 (periods), 第148条 (差押),
第150条 (催告 6箇月), 第152条 (承認). Worked example of the plain 5 years:
https://susumarunouzei.com/?p=215 (「令和2年度に課税された住民税(第1期分)… 法定納期限:
令和2年6月30日 時効が成立する日:令和7年7月1日」; a former 徴税吏員's page: no municipality
page with dates was found). Every other figure here is worked from the articles."""

from __future__ import annotations

from datetime import date

from zeimu.rules.shuno_taino import (
    EventKind,
    Jiko,
    JikoEvent,
    end_of_period,
    jiko_compute,
    teishi_shometsu,
)


def jiko(nouki: date, *events: JikoEvent, nensu: int = 5) -> Jiko:
    return jiko_compute(nouki=nouki, nensu=nensu, events=events, saikoku_months=6)


def test_five_years_from_the_day_after_the_nouki_published_example() -> None:
    # 納期限 令和2年6月30日 → 時効が成立する日 令和7年7月1日 (susumarunouzei.com/?p=215)
    r = jiko(date(2020, 6, 30))
    assert (r.shometsu, r.kisanbi, r.by) == (date(2025, 7, 1), date(2020, 7, 1), "")


def test_periods_follow_minpo_143() -> None:
    # a period from 29 February: 5 years end on the last day of February (no 29th in 2029)
    assert end_of_period(date(2024, 2, 29), years=5) == date(2029, 2, 28)
    # 6 months from 31 August end on 28 February (no 31st): 民法第143条第2項 ただし書
    assert end_of_period(date(2025, 8, 31), months=6) == date(2026, 2, 28)
    assert end_of_period(date(2025, 7, 1), months=6) == date(2025, 12, 31)


def test_tokusoku_renews_from_the_tenth_day() -> None:
    # 督促状 発付 2020-07-15: 10日を経過した日 2020-07-25 (第18条の2第1項第2号) → new 5 years
    ev = JikoEvent(EventKind.KOSHIN, date(2020, 7, 15), start=date(2020, 7, 25), label="督促")
    r = jiko(date(2020, 6, 30), ev)
    assert (r.shometsu, r.by) == (date(2025, 7, 25), "督促")


def test_bunno_seiyaku_is_shonin_and_renews_from_the_next_day() -> None:
    ev = JikoEvent(EventKind.KOSHIN, date(2023, 3, 10), start=date(2023, 3, 11), label="承認")
    assert jiko(date(2020, 6, 30), ev).shometsu == date(2028, 3, 11)


def test_an_act_after_completion_revives_nothing() -> None:
    late = JikoEvent(EventKind.KOSHIN, date(2025, 7, 1), start=date(2025, 7, 2), label="承認")
    assert jiko(date(2020, 6, 30), late).shometsu == date(2025, 7, 1)
    # the last day still counts
    last = JikoEvent(EventKind.KOSHIN, date(2025, 6, 30), start=date(2025, 7, 1), label="承認")
    assert jiko(date(2020, 6, 30), last).shometsu == date(2030, 7, 1)


def test_sashiosae_withholds_until_released_then_renews() -> None:
    hold = JikoEvent(EventKind.HOLD, date(2024, 5, 1), label="差押")
    r = jiko(date(2020, 6, 30), hold)
    assert r.shometsu is None and "差押中" in r.yuyo
    released = JikoEvent(EventKind.HOLD, date(2024, 5, 1), end=date(2026, 1, 20), label="差押")
    assert jiko(date(2020, 6, 30), released).shometsu == date(2031, 1, 21)


def test_saikoku_withholds_six_months_once() -> None:
    # 催告 on 2025-03-10, 5 years would end 2025-07-01: withheld until 6 months have passed
    # (counted from 3月11日: the period ends 9月10日) → gone from 9月11日 (民法第150条第1項)
    s1 = JikoEvent(EventKind.SAIKOKU, date(2025, 3, 10), label="催告")
    assert jiko(date(2020, 6, 30), s1).shometsu == date(2025, 9, 11)
    # a second 催告 during the first one's 猶予 does nothing (同条第2項)
    s2 = JikoEvent(EventKind.SAIKOKU, date(2025, 8, 1), label="催告")
    assert jiko(date(2020, 6, 30), s1, s2).shometsu == date(2025, 9, 11)
    # but a 差押 within the 6 months does renew
    hold = JikoEvent(EventKind.HOLD, date(2025, 8, 1), end=date(2025, 8, 31), label="差押")
    assert jiko(date(2020, 6, 30), s1, hold).shometsu == date(2030, 9, 1)
    # a 催告 long before the end changes nothing
    early = JikoEvent(EventKind.SAIKOKU, date(2022, 1, 10), label="催告")
    assert jiko(date(2020, 6, 30), early).shometsu == date(2025, 7, 1)


def test_premiums_two_years() -> None:
    # 介護保険料: 2 years (介護保険法第200条第1項)
    assert jiko(date(2024, 7, 31), nensu=2).shometsu == date(2026, 8, 1)


def test_teishi_three_years() -> None:
    # 停止 2022-03-15: 3 years from 3月16日 end on 2025-03-15 → 消滅 2025-03-16 (第15条の7第4項)
    assert teishi_shometsu(date(2022, 3, 15), nensu=3) == date(2025, 3, 16)
    assert teishi_shometsu(date(2024, 2, 28), nensu=3) == date(2027, 3, 1)
