"""健診の対象 (pure rules over fukushi/params/kenshin.yaml's shape).

Ages and intervals: がん予防重点健康教育及びがん検診実施のための指針 第3 2 (3)・(4)
（厚生労働省 https://www.gankenshin50.mhlw.go.jp/campaign_30/screening/index.html の表、
令和6年2月14日改正のHPV検査単独法は https://msuisin.jp/gan-net/preventing/screening）:
胃 50歳以上 2年に1回（エックス線は40歳以上・年1回も可）、子宮頸 20歳以上 女性 2年に1回、
乳 40歳以上 女性 2年に1回。年度末年齢で数えるのは当社の読み（YAML に未確認と書いた）。
満年齢は年齢計算ニ関スル法律（誕生日の前日に1歳加わる）."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from fukushi.rules.kenshin import (
    age_on,
    gan_table_of,
    is_due,
    jushin_errors,
    methods_for,
    nendo_age,
    tokutei_of,
)

PARAMS = Path(__file__).resolve().parents[1] / "params" / "kenshin.yaml"
HPV = "fukushi.kenko.kenshin.shikei_hpv"


def _value(key: str, nendo: int):
    doc = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))
    p = next(p for p in doc["parameters"] if p["key"] == key)
    return next(
        v["value"]
        for v in p["values"]
        if v["from"] <= nendo and (v.get("to") is None or v["to"] >= nendo)
    )


def gan(nendo: int = 2025):
    return gan_table_of(_value("fukushi.kenko.kenshin.gan", nendo))


def test_age_counts_from_the_day_before_the_birthday():
    assert age_on(date(1985, 4, 1), date(2025, 3, 30)) == 39
    assert age_on(date(1985, 4, 1), date(2025, 3, 31)) == 40  # 誕生日の前日
    assert age_on(date(1984, 2, 29), date(2025, 2, 27)) == 40  # 平年: 2月28日に41歳
    assert age_on(date(1984, 2, 29), date(2025, 2, 28)) == 41


def test_nendo_end_age_takes_in_those_born_on_april_first():
    """4月1日生まれは前の学年: 令和7年度末（令和8年3月31日）に40歳 = 1986年4月1日生まれまで."""
    assert nendo_age(date(1986, 4, 1), 2025) == 40
    assert nendo_age(date(1986, 4, 2), 2025) == 39
    daicho = gan()["daicho"]
    assert methods_for(daicho, nendo_age(date(1986, 4, 1), 2025), "男")
    assert not methods_for(daicho, nendo_age(date(1986, 4, 2), 2025), "男")


def test_stomach_methods_by_age():
    i = gan()["i"]
    assert [m.code for m in methods_for(i, 45, "男")] == ["xsen"]
    assert [m.code for m in methods_for(i, 50, "女")] == ["naishikyo", "xsen"]
    assert methods_for(i, 39, "男") == []


def test_women_only_and_the_two_year_interval():
    nyu = gan()["nyu"]
    assert methods_for(nyu, 45, "男") == []
    ms = methods_for(nyu, 45, "女")
    assert is_due(ms, 2025, [])
    assert not is_due(ms, 2025, [2024])  # 前年度に受けた: 2年に1回
    assert is_due(ms, 2025, [2023])
    assert not is_due(ms, 2025, [2025])  # 今年度に受けた
    # 胃: 内視鏡は2年に1回でもエックス線は年1回受けられる
    i = gan()["i"]
    assert is_due(methods_for(i, 55, "男"), 2025, [2024])


def test_hpv_only_where_the_town_adopts_it():
    shikei = gan(2025)["shikei"]
    assert [m.code for m in methods_for(shikei, 35, "女")] == ["saibo"]
    adopted = [m.code for m in methods_for(shikei, 35, "女", [HPV])]
    assert adopted == ["hpv"]  # 細胞診に代わる
    assert [m.code for m in methods_for(shikei, 25, "女", [HPV])] == ["saibo"]
    assert [m.code for m in methods_for(shikei, 61, "女", [HPV])] == ["saibo"]
    hpv = methods_for(shikei, 35, "女", [HPV])
    assert not is_due(hpv, 2025, [2021])  # 5年に1回
    assert is_due(hpv, 2025, [2020])
    # 令和5年度の表に HPV検査単独法はない
    assert [m.code for m in gan(2023)["shikei"].methods] == ["saibo"]


def test_tokutei_is_40_to_74():
    t = tokutei_of(_value("fukushi.kenko.kenshin.tokutei", 2025))
    assert methods_for(t, 40, "男") and methods_for(t, 74, "女")
    assert not methods_for(t, 39, "男") and not methods_for(t, 75, "男")


def test_record_checks_in_japanese():
    i = gan()["i"]
    birth = date(1980, 6, 1)
    today = date(2025, 10, 1)
    assert jushin_errors(i, "xsen", date(2025, 6, 1), birth, "男", today=today) == []
    assert jushin_errors(i, "naishikyo", date(2025, 6, 1), birth, "男", today=today) == [
        "受診日の年度の年齢では胃内視鏡検査の対象ではありません。"
    ]
    assert "受診日が未来の日付です。" in jushin_errors(
        i, "xsen", date(2025, 10, 2), birth, "男", today=today
    )
    assert jushin_errors(
        gan()["nyu"], "mammography", date(2025, 6, 1), birth, "男", today=today
    ) == ["乳がん検診の対象は女性です。"]
    assert jushin_errors(i, "ct", date(2025, 6, 1), birth, "男", today=today) == [
        "胃がん検診の方法が正しくありません。"
    ]
