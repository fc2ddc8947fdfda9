"""The 健康管理 demo loader: the same families registered in 葉山町 and, in the opposite order
(other database ids), in 寒川町 get the same 予防接種 and 健診 records (chosen by a hash of
フリガナ and birth date, never by id); every dose it writes passes the clerk's checks; most
children are up to date, the due list still has someone; a second run changes nothing.

Schedule: fukushi/params/yobo_sesshu.yaml (予防接種法施行令第3条); 検診: fukushi/params/
kenshin.yaml (がん予防重点健康教育及びがん検診実施のための指針)."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine

from fukushi.demo_kenko import load
from fukushi.models import KenshinJushin, YoboSesshu
from fukushi.rules.yobo_sesshu import record_errors
from fukushi.services.yobo_sesshu import due_rows, schedule
from juminkiroku.public import person_identities
from juminkiroku.tests import factories as jk
from tenants.accesslog.models import AccessLog
from tenants.db import connection

pytestmark = pytest.mark.django_db

KIDS = [("ハルト", "2022-08-01"), ("ユイ", "2024-01-20"), ("ソウタ", "2019-05-05"),
        ("メイ", "2015-06-01"), ("リク", "2025-03-03")]  # fmt: skip
FAMILIES = [("青木", "アオキ", 0), ("井上", "イノウエ", 1), ("上田", "ウエダ", 2),
            ("遠藤", "エンドウ", 3), ("加藤", "カトウ", 4), ("木村", "キムラ", 5)]  # fmt: skip


def _register(town: str, families, capture) -> None:
    for surname, kana, i in families:
        members = [
            jk.person_fields(shimei=f"{surname}　父", shimei_kana=f"{kana}　チチ",
                             birth_date=f"19{70 + i}-02-02", sex="1"),
            jk.person_fields(shimei=f"{surname}　母", shimei_kana=f"{kana}　ハハ",
                             birth_date=f"19{72 + i}-07-07", sex="2", zokugara="02",
                             setai_order=2),
        ] + [
            jk.person_fields(shimei=f"{surname}　{k}", shimei_kana=f"{kana}　{k}", birth_date=b,
                             sex="2" if j % 2 else "1", zokugara="04", setai_order=3 + j)
            for j, (k, b) in enumerate(KIDS)
        ]  # fmt: skip
        with capture(execute=True):
            jk.household_tennyu(town, members=members, ido_date=date(2025, 4, 1))


def _snapshot() -> tuple[set, set]:
    kana = {}
    ids = set(YoboSesshu.objects.values_list("atena_id", flat=True)) | set(
        KenshinJushin.objects.values_list("atena_id", flat=True)
    )
    kana = {a: (p.shimei_kana, p.birth_date) for a, p in person_identities(ids).items()}
    sesshu = {
        (kana[a], v, n, d)
        for a, v, n, d in YoboSesshu.objects.values_list(
            "atena_id", "vaccine", "dose_no", "sesshu_date"
        )
    }
    jushin = {
        (kana[a], k, m, d, x)
        for a, k, m, d, x in KenshinJushin.objects.values_list(
            "atena_id", "kenshin", "method", "jushin_date", "kekka"
        )
    }
    return sesshu, jushin


@time_machine.travel(date(2025, 10, 15))
def test_demo_is_the_same_in_two_towns_and_valid(alpha, beta, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    _register("hayama", FAMILIES, django_capture_on_commit_callbacks)
    out = io.StringIO()
    load(out)
    assert "予防接種の記録" in out.getvalue()
    mine = _snapshot()
    assert len(mine[0]) > 100 and mine[1]
    # every dose passes the checks a clerk's entry does (the schedule of its 年度)
    births = {a: p.birth_date for a, p in person_identities(
        set(YoboSesshu.objects.values_list("atena_id", flat=True))).items()}  # fmt: skip
    for row in YoboSesshu.objects.order_by("sesshu_date"):
        v = schedule(
            row.sesshu_date.year if row.sesshu_date.month >= 4 else row.sesshu_date.year - 1
        )[row.vaccine]
        earlier = dict(
            YoboSesshu.objects.filter(atena_id=row.atena_id, vaccine=row.vaccine,
                                      sesshu_date__lt=row.sesshu_date)
            .values_list("dose_no", "sesshu_date")
        )  # fmt: skip
        assert record_errors(v, row.dose_no, row.sesshu_date, births[row.atena_id], earlier,
                             teiki=True) == []  # fmt: skip
    # most children are up to date; the due list is not empty (the skipped ones, the next doses)
    assert due_rows(date(2025, 10, 15))
    assert AccessLog.objects.filter(username="load_kenko_demo", action="create").count() == 2
    load(io.StringIO())  # the town has its data: left alone
    assert _snapshot() == mine
    connection.set_tenant(beta.municipality)
    assert not YoboSesshu.objects.exists()
    _register("samukawa", list(reversed(FAMILIES)), django_capture_on_commit_callbacks)
    load(io.StringIO())
    assert _snapshot() == mine
