"""The set-based 本算定 chunk writes the same rows as the path it replaced
(``kaigo/tests/fuka_reference.py``, the code of commit 5500a71): for a small 葉山町 with
every kind of person the chunk meets — 特別徴収 with and without 仮徴収, 普通徴収, a
household with a taxed member, 未申告, no assessment at all, 均等割のみ, turning 65
mid-year, a death, a 被保護者 from October (月割の合算), a 老齢福祉年金 受給者 — every
column but the id, the job and the time is equal, the 期別 and the 内訳 JSON to the byte
as PostgreSQL stores them; 寒川町's persons are not read."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.db import connection as dj
from django.db import transaction

from fukushi.tests.factories import kaishi
from kaigo.fuka_jobs import HONSANTEI
from kaigo.models import KaigoFuka, TokuchoTaisho
from kaigo.public import dai1_of_nendo
from kaigo.rules.hokenryo_params import parameters_for
from kaigo.services.fuka import FukaYear
from kaigo.services.nenrei import nenrei_totatsu_due
from kaigo.services.rorei import rorei_toroku
from kaigo.tests.factories import elders, shibo, tennyu
from kaigo.tests.fuka_helpers import ACTOR, alone, hikazei, run_job, set_table
from kaigo.tests.fuka_reference import reference_honsantei
from kaigo.tests.test_rules_hokenryo import P
from tenants.db import connection
from tenants.jobs.models import JobStatus
from tenants.params.services import param_value, param_values
from zeimu.tests.factories import kazei_set, mishinkoku

pytestmark = pytest.mark.django_db

FY = 2025
KIJUN = date(2025, 10, 1)

_COLUMNS = (
    "fiscal_year, atena_id, hihokensha_no, version, santei, is_current, kijun_date, dankai,"
    " kijungaku, ritsu, gokei_shotoku, kazei_nenkin_shunyu, honnin_jokyo, setai_kazei,"
    " nengaku, keigengaku, tsukisu, hokenryo, choshu_hoho, kanou, kibetsu::text,"
    " detail::jsonb::text, input_hash, reason, cause, created_by"  # (内訳: text, as its value)
)


def _stored(fy: int) -> list[tuple[Any, ...]]:
    with dj.cursor() as cur:
        cur.execute(
            f"SELECT {_COLUMNS} FROM kaigo_kaigofuka WHERE fiscal_year = %s ORDER BY atena_id",
            [fy],
        )
        return list(cur.fetchall())


def _tokucho(atena_id: int, fy: int) -> None:
    TokuchoTaisho.objects.create(
        fiscal_year=fy, atena_id=atena_id, nenkin_hokensha="001", kiso_nenkin_no="1234567890",
        nenkin_code="1150", nenkin_gaku=2_400_000, tsuchi_month=5, file_name="t.csv",
        created_by="test",
    )  # fmt: skip


def _town(cap: Any) -> None:
    set_table()
    # a couple and their son: he 課税 (特別徴収, 仮徴収 from 令和6年度), she 非課税
    _, (husband, wife, son) = tennyu(cap, members=elders(), day=date(2020, 4, 1))
    for fy, gokei in ((FY - 1, 1_500_000), (FY, 2_100_000)):
        kazei_set(husband.pk, fy, sonota=gokei)
        _tokucho(husband.pk, fy)
    hikazei(wife.pk, FY, 809_000)
    kazei_set(son.pk, FY, kyuyo=3_000_000)
    # a couple with no assessment for her and 未申告 for him
    _, (h2, w2, _son2) = tennyu(cap, members=elders("鈴木", "スズキ"), day=date(2020, 4, 1))
    mishinkoku(h2.pk, FY)
    _tokucho(w2.pk, FY)
    # alone: 非課税 with 1,000,000 of pension (特別徴収 without 仮徴収), 均等割のみ, 課税 high
    a = alone(cap, "年金　一", "ネンキン　ハジメ", "1948-05-05")
    hikazei(a.pk, FY, 1_000_000)
    _tokucho(a.pk, FY)
    b = alone(cap, "均等　二", "キントウ　ジ", "1949-06-06")
    kazei_set(b.pk, FY, sonota=400_000, shotokuwari=0, kintowari=5_000)
    c = alone(cap, "高額　三", "コウガク　サン", "1951-07-07")
    kazei_set(c.pk, FY, sonota=9_000_000, nenkin=1_000_000, nenkin_shunyu=2_100_000)
    # turning 65 in September (普通徴収 of 7 months), and a death in August (4 months)
    young = alone(cap, "若葉　六十", "ワカバ　ロクジュウ", "1960-09-10")
    nenrei_totatsu_due(today=date(2025, 9, 30))
    hikazei(young.pk, FY, 1_000_000)
    old = alone(cap, "長寿　花子", "チョウジュ　ハナコ", "1945-01-01")
    _tokucho(old.pk, FY)
    shibo(cap, old, day=date(2025, 8, 20))
    hikazei(old.pk, FY, 1_300_000)
    # 保護開始 on 15 October (第2段階 to September, 第1段階 from October), and a 老齢福祉年金
    # 受給者 alone and 非課税 (第1段階 the whole year)
    hogo = alone(cap, "保護　十月", "ホゴ　ジュウガツ", "1958-06-06", day=date(2024, 4, 1))
    hikazei(hogo.pk, FY, 1_000_000)
    kaishi(cap, [hogo], day=date(2025, 10, 15))
    rorei = alone(cap, "福祉　年金", "フクシ　ネンキン", "1910-05-01")
    hikazei(rorei.pk, FY, 1_000_000)
    rorei_toroku(atena_id=rorei.pk, kaishi_date=date(1976, 4, 1), kakunin="shosho", shorui="",
                 actor=ACTOR)  # fmt: skip


def test_honsantei_rows_are_those_of_the_old_path(alpha, beta, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    # given 寒川町 with 第1号 of its own
    connection.set_tenant(beta.municipality)
    set_table()
    _, (bh, bw, _bs) = tennyu(cap, "samukawa", members=elders("佐藤", "サトウ"),
                               day=date(2020, 4, 1))  # fmt: skip
    kazei_set(bh.pk, FY, sonota=2_100_000)
    # and 葉山町's persons, with last year's 本算定 giving the 仮徴収
    connection.set_tenant(alpha.municipality)
    _town(cap)
    assert run_job(cap, HONSANTEI, fiscal_year=FY - 1).status == JobStatus.SUCCEEDED
    ids = sorted(d.atena_id for d in dai1_of_nendo(FY) if d.months)
    assert len(ids) == 11
    # when the old path writes the 本算定 of 令和7年度 (then is rolled back)
    with transaction.atomic():
        assert (
            reference_honsantei(fiscal_year=FY, atena_ids=ids, kijun=KIJUN, job_id=0,
                                actor="tester")
            == 11
        )  # fmt: skip
        before = _stored(FY)
        transaction.set_rollback(True)
    assert not KaigoFuka.objects.filter(fiscal_year=FY).exists()
    # and the job does
    job = run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date=KIJUN.isoformat())
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    after = _stored(FY)
    # then every row is the same, to the byte of the stored JSON
    assert after == before
    assert ACTOR.username == "tester"
    assert set(KaigoFuka.objects.filter(fiscal_year=FY).values_list("job_id", flat=True)) == {
        job.pk
    }
    # the cases the test means to cover are there
    assert {r[18] for r in after} == {"tokucho", "futsu"}  # choshu_hoho
    assert {r[16] for r in after} >= {12, 7, 4}  # tsukisu
    kari = [k for r in after for k in json.loads(r[20]) if k["kind"] == "kari" and k["amount"]]
    assert kari, "a 仮徴収 from last year's February"
    fumei = [json.loads(r[21])["input"]["honnin"] for r in after]
    assert {h["fumei"] for h in fumei} == {True, False}
    results = [json.loads(r[21])["result"] for r in after]
    split = [x["tsukiwari"] for x in results if "tsukiwari" in x]
    assert [[(p["dankai"], len(p["months"]), p["hokenryo"]) for p in s] for s in split] == [
        [(2, 6, 13_050), (1, 6, 8_550)]
    ]
    assert [x["riyu"] for x in results].count("世帯全員が住民税非課税で老齢福祉年金を受給") == 1
    # 寒川町: nothing written by 葉山町's job; its own 本算定 leaves 葉山町's rows alone
    connection.set_tenant(beta.municipality)
    assert not KaigoFuka.objects.exists()
    assert run_job(cap, HONSANTEI, fiscal_year=FY).status == JobStatus.SUCCEEDED
    assert sorted(KaigoFuka.objects.values_list("atena_id", flat=True)) == sorted([bh.pk, bw.pk])
    connection.set_tenant(alpha.municipality)
    assert _stored(FY) == after


def test_the_years_values_read_at_once_are_those_of_param_value(alpha, beta):
    """``FukaYear.build`` reads the 保険料 values in two queries (``param_values``): each
    is what ``param_value`` answers, the town's own 条例 value winning, each town its own."""
    connection.set_tenant(beta.municipality)
    set_table({P + "kijungaku": 72_000})
    connection.set_tenant(alpha.municipality)
    set_table()
    set_table({P + "kijungaku": 61_000}, year_from=FY)  # a later 条例 value wins
    set_table({P + "futsu.nouki_day": 25}, year_from=FY + 1)  # not yet in force
    values = param_values(P, FY)
    assert values and all(k.startswith(P) for k in values)
    for key, value in values.items():
        assert value == param_value(key, FY), key
    year = FukaYear.build(FY)
    assert year.params == parameters_for(FY)
    assert year.params.kijungaku == 61_000
    assert year.lookup(P + "futsu.nouki_day", FY) == param_value(P + "futsu.nouki_day", FY) != 25
    connection.set_tenant(beta.municipality)
    assert FukaYear.build(FY).params.kijungaku == 72_000
    assert param_values(P, FY)[P + "kijungaku"] == 72_000
