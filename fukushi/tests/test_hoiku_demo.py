"""The 保育 demo loader: the same families registered in 葉山町 and, in the opposite order (so
with other database ids), in 寒川町 give the same children in 保育 — the choice is by a hash
of フリガナ and birth date, never by id (a demo test was once flaky for picking by id) — and a
second run changes nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine

from fukushi.demo_hoiku import load
from fukushi.models.hoiku import HoikuNintei, HoikuNyusho, HoikuryoGetsugaku, HoikuShisetsu
from juminkiroku.public import person_identities
from juminkiroku.tests import factories as jk
from tenants.db import connection
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

FAMILIES = [
    ("青木", "アオキ", [("ハルト", date(2022, 8, 1)), ("ユイ", date(2024, 1, 20))]),
    ("井上", "イノウエ", [("ソウタ", date(2021, 9, 9)), ("メイ", date(2023, 5, 5))]),
    ("上田", "ウエダ", [("リク", date(2022, 11, 11)), ("ミオ", date(2024, 7, 7))]),
    ("遠藤", "エンドウ", [("ユウト", date(2021, 6, 6)), ("サクラ", date(2023, 12, 12))]),
    ("加藤", "カトウ", [("ユナ", date(2022, 10, 10))]),
]


def _register(town: str, families, capture) -> None:
    for surname, kana, kids in families:
        members = [
            jk.person_fields(
                shimei=f"{surname}　父", shimei_kana=f"{kana}　チチ", birth_date="1988-02-02"
            )
        ] + [
            jk.person_fields(
                shimei=f"{surname}　{k}",
                shimei_kana=f"{kana}　{k}",
                birth_date=b.isoformat(),
                zokugara=jk.Zokugara.KO,
                setai_order=i + 2,
            )
            for i, (k, b) in enumerate(kids)
        ]
        with capture(execute=True):
            _, people = jk.household_tennyu(town, members=members, ido_date=date(2025, 4, 1))
        for fy in (2024, 2025):
            kazei(people[0].pk, fy, kyuyo=4_000_000, shotokuwari=100_000)


def _chosen() -> list[str]:
    ids = HoikuNintei.objects.values_list("atena_id", flat=True)
    return sorted(p.shimei_kana for p in person_identities(ids).values())


@time_machine.travel(date(2025, 10, 15))
def test_demo_picks_the_same_children_whatever_the_ids(
    alpha, beta, django_capture_on_commit_callbacks
):
    out = io.StringIO()
    connection.set_tenant(alpha.municipality)
    _register("hayama", FAMILIES, django_capture_on_commit_callbacks)
    load(out)
    hayama = _chosen()
    # the hash picks the 4-year-olds ソウタ and ユウト (3歳児クラス and up: free) and ユナ,
    # 3号 until the day before she reaches 3 (2025-10-09)
    assert hayama == ["イノウエ　ソウタ", "エンドウ　ユウト", "カトウ　ユナ"]
    assert HoikuShisetsu.objects.count() == 2 and HoikuNyusho.objects.count() == 3
    yuna = HoikuNintei.objects.get(kubun="3")
    assert yuna.end_date == date(2025, 10, 8)
    fees = dict(
        HoikuryoGetsugaku.objects.filter(atena_id=yuna.atena_id).values_list("month", "amount")
    )
    # her hours (from the same hash) make her 保育短時間; 所得割 60,000円 is 第4階層: 29,600円
    # from April to October
    assert yuna.hitsuyoryo == "tanjikan"
    assert len(fees) == 7 and set(fees.values()) == {29_600}
    assert "入所3人" in out.getvalue()
    # a second run changes nothing
    load(out)
    assert HoikuNintei.objects.count() == 3
    # 寒川町: the same families entered in the opposite order
    connection.set_tenant(beta.municipality)
    _register("samukawa", list(reversed(FAMILIES)), django_capture_on_commit_callbacks)
    load(io.StringIO())
    assert _chosen() == hayama
