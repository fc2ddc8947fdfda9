"""定期接種 schedule rules (pure): the 対象期間 of a dose for a birth date, the checks on a
接種記録, and where a person stands on a date.

Ages: 予防接種法施行令第3条の表 (令和6年政令第116号による改正後; read at
https://www.sn-hoki.co.jp/data/pickup_hourei/onct/YOBOUSESSHUHOU-REI20240329-116.html ).
「生後N月に至るまで」 ends the day before the N-month 応当日 (年齢計算ニ関スル法律・民法第143条).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from fukushi.rules.yobo_sesshu import (
    Status,
    add_months,
    due_for,
    record_errors,
    schedule_of,
    shugaku_date,
    window,
)

YAML = Path(__file__).resolve().parents[1] / "params" / "yobo_sesshu.yaml"


def _table(nendo: int):
    values = yaml.safe_load(YAML.read_text(encoding="utf-8"))["parameters"][0]["values"]
    row = next(v for v in values if v["from"] <= nendo and v.get("to", 9999) >= nendo)
    return schedule_of(row["value"])


R6 = _table(2024)
R5 = _table(2023)


def test_the_schedule_changes_in_2024_to_goshu_kongo():
    """令和6年4月1日から五種混合 (令和6年政令第116号 施行): 令和5年度は四種混合."""
    assert R5["dpt_ipv"].name.startswith("四種混合")
    assert R6["dpt_ipv"].name.startswith("五種混合")
    assert R6["dpt_ipv"].also_counts == "hib"
    assert R5["dpt_ipv"].also_counts == ""


def test_every_entry_has_doses_in_order():
    for table in (R5, R6):
        for v in table.values():
            assert [d.no for d in v.doses] == list(range(1, len(v.doses) + 1)), v.code


def test_month_arithmetic_without_the_day():
    """1月31日生まれの生後1月の応当日は3月1日（2月に31日がない: 民法第143条第2項）."""
    assert add_months(date(2024, 1, 31), 1) == date(2024, 3, 1)
    assert add_months(date(2024, 5, 15), 12) == date(2025, 5, 15)


def test_mr_first_period_ends_the_day_before_the_second_birthday():
    """麻しん・風しん 第1期: 生後十二月から生後二十四月に至るまで (施行令第3条)."""
    assert window(date(2024, 5, 15), R6["mr"].doses[0]) == (date(2025, 5, 15), date(2026, 5, 14))


@pytest.mark.parametrize(
    ("birth", "school"),
    [
        (date(2019, 4, 1), date(2025, 4, 1)),  # 4月1日生まれは早生まれの学年
        (date(2019, 4, 2), date(2026, 4, 1)),
        (date(2020, 3, 31), date(2026, 4, 1)),
    ],
)
def test_shugaku_and_the_mr_second_period(birth, school):
    """第2期: 小学校就学の始期に達する日の1年前の日から前日まで (施行令第3条、学校教育法第17条)."""
    assert shugaku_date(birth) == school
    first, last = window(birth, R6["mr"].doses[1])
    assert first == date(school.year - 1, 4, 1)
    assert last == date(school.year, 3, 31)


def test_hpv_runs_from_the_fiscal_year_of_12_to_that_of_16():
    """HPV: 十二歳となる日の属する年度の初日から十六歳となる日の属する年度の末日まで
    (施行令第3条)."""
    assert window(date(2013, 6, 10), R6["hpv"].doses[0]) == (date(2025, 4, 1), date(2030, 3, 31))
    # 4月1日生まれ: 12歳となる日は3月31日, the 年度 before
    assert window(date(2013, 4, 1), R6["hpv"].doses[0]) == (date(2024, 4, 1), date(2029, 3, 31))


BIRTH = date(2024, 6, 10)


def test_record_before_birth_is_refused():
    errors = record_errors(R6["hib"], 1, date(2024, 6, 1), BIRTH, {}, teiki=True)
    assert errors == ["接種日が生年月日より前です。"]


def test_interval_shorter_than_the_minimum_is_refused():
    """ヒブ 初回: 27日以上の間隔 (京都府ちゃいるす・相生市の頁が引く実施要領)."""
    first = date(2024, 8, 10)
    short = record_errors(R6["hib"], 2, date(2024, 9, 5), BIRTH, {1: first}, teiki=True)
    assert any("27日に満たない" in e for e in short)
    assert record_errors(R6["hib"], 2, date(2024, 9, 6), BIRTH, {1: first}, teiki=True) == []


def test_b_kanen_third_dose_counts_139_days_from_the_first():
    """B型肝炎 3回目: 1回目から139日以上 (高崎市の頁)."""
    given = {1: date(2024, 8, 10), 2: date(2024, 9, 10)}
    v = R6["b_kanen"]
    assert any(
        "1回目からの間隔" in e
        for e in record_errors(v, 3, date(2024, 12, 26), BIRTH, given, teiki=True)
    )
    assert record_errors(v, 3, date(2024, 12, 27), BIRTH, given, teiki=True) == []


def test_a_dose_beyond_the_count_is_refused():
    errors = record_errors(
        R6["bcg"], 2, date(2024, 12, 1), BIRTH, {1: date(2024, 11, 1)}, teiki=True
    )
    assert errors == ["BCG（結核）の定期接種は1回までです（2回目は登録できません）。"]


def test_teiki_outside_the_age_window_is_refused_but_nini_is_not():
    """BCG: 一歳に至るまで; 1歳の誕生日は対象外."""
    day = date(2025, 6, 10)
    assert record_errors(R6["bcg"], 1, day, BIRTH, {}, teiki=True)
    assert record_errors(R6["bcg"], 1, day, BIRTH, {}, teiki=False) == []
    assert record_errors(R6["bcg"], 1, date(2025, 6, 9), BIRTH, {}, teiki=True) == []


def test_due_statuses_for_hib():
    """ヒブ: 生後2月から60月に至るまで、標準は生後2月〜7月に至るまでに開始."""
    v = R6["hib"]
    assert due_for(v, BIRTH, "", {}, date(2024, 8, 9)) is None  # before 2 months
    d = due_for(v, BIRTH, "", {}, date(2024, 8, 10))
    assert d is not None and (d.dose_no, d.status) == (1, Status.TAISHO)
    d = due_for(v, BIRTH, "", {}, date(2025, 1, 10))  # 7 months: past the standard
    assert d is not None and d.status == Status.HYOJUN_KEIKA
    d = due_for(v, BIRTH, "", {}, date(2029, 6, 10))  # the 5th birthday: no longer
    assert d is not None and d.status == Status.KIGEN_GIRE and d.last == date(2029, 6, 9)


def test_due_waits_for_the_interval_and_skips_closed_doses():
    v = R6["hib"]
    given = {1: date(2024, 8, 10)}
    assert due_for(v, BIRTH, "", given, date(2024, 9, 5)) is None  # 26 days on
    d = due_for(v, BIRTH, "", given, date(2024, 9, 6))
    assert d is not None and d.dose_no == 2
    # past 1歳 the 初回2・3回目 are not given; the 追加 is next
    d = due_for(v, BIRTH, "", given, date(2025, 7, 1))
    assert d is not None and d.dose_no == 4 and d.status == Status.TAISHO


def test_hpv_only_for_girls_and_influenza_once_a_year():
    birth = date(2012, 5, 1)
    on = date(2025, 5, 1)
    assert due_for(R6["hpv"], birth, "男", {}, on) is None
    assert due_for(R6["hpv"], birth, "女", {}, on) is not None
    old = date(1955, 5, 1)
    assert due_for(R6["influenza"], old, "男", [], on) is not None
    assert due_for(R6["influenza"], old, "男", [date(2025, 4, 20)], on) is None
    assert due_for(R6["influenza"], old, "男", [date(2025, 3, 20)], on) is not None
