"""The yearly 負担割合 判定 as a job in two towns (figures of the rule's published flow: 水戸市・
東海村・三島市, thresholds in kaigo/params/hokenryo.yaml), its 更正 when 所得 changes (a new
version, the old one kept), a chunk run again writing nothing, the 第2号 and the 所得不明, and
neither town seeing the other's judgements."""

from __future__ import annotations

from datetime import date

import pytest

from kaigo.futan_jobs import HANTEI
from kaigo.models import FutanWariai
from kaigo.services.futan import (
    futan_hantei_many,
    futan_saihantei,
    futan_taishosha,
    kikan,
    nendo_of,
    taishosha_all,
)
from kaigo.services.todoke import dai2_register
from kaigo.tests.factories import elders, tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import Job, JobStatus
from tenants.jobs.services import job_start
from zeimu.tests.factories import kazei_kosei, kazei_set

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")
TENNYU = date(2020, 4, 1)


def _judge(capture, nendo: int = 2025, kijun: str = "2025-08-01") -> Job:
    with capture(execute=True):
        job = job_start(kind=HANTEI, params={"nendo": nendo, "kijun_date": kijun}, actor=ACTOR)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    return job


def _current() -> dict[int, FutanWariai]:
    return {r.atena_id: r for r in FutanWariai.objects.filter(is_current=True)}


def test_the_period_is_august_to_july():
    assert kikan(2025) == (date(2025, 8, 1), date(2026, 7, 31))
    assert nendo_of(date(2025, 7, 31)) == 2024
    assert nendo_of(date(2025, 8, 1)) == 2025


def test_yearly_hantei_job_kosei_and_two_towns(alpha, beta, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    # given 寒川町's couple with no tax data
    connection.set_tenant(beta.municipality)
    _, (s_husband, s_wife, _) = tennyu(
        cap, "samukawa", members=elders("佐藤", "サトウ"), day=TENNYU
    )
    # and 葉山町's couple: the husband 課税 (年金収入190万, 年金所得80万, その他150万 → 合計230万),
    # the wife 非課税 (年金収入80万, 年金所得20万), and their son of 45 who applied for 認定
    connection.set_tenant(alpha.municipality)
    _, (husband, wife, son) = tennyu(cap, members=elders(), day=TENNYU)
    kazei_set(husband.pk, 2025, nenkin=800_000, sonota=1_500_000, nenkin_shunyu=1_900_000)
    kazei_set(wife.pk, 2025, status="hikazei", nenkin=200_000, nenkin_shunyu=800_000)
    dai2_register(atena_id=son.pk, iryo_hoken="kyokai", shinsei_date=date(2025, 5, 1), actor=ACTOR)
    # when 葉山町 runs the 判定 of 令和7年8月〜
    job = _judge(cap)
    # then: the husband 2割 — 合計所得 230万−10万（特例）=220万 ≥ 160万, and 年金収入＋その他
    # (190万+150万) + the wife's (80万+0) = 420万: ≥ 346万 (2人以上) but < 463万 (no 3割)
    rows = _current()
    assert set(rows) == {husband.pk, wife.pk, son.pk}
    h = rows[husband.pk]
    assert (h.wari, h.honnin_gokei_shotoku, h.nenkin_sonota_gokei, h.ninzu) == (
        2,
        2_200_000,
        4_200_000,
        2,
    )
    assert h.hantei_result["nenkin_sonota"] == [3_400_000, 800_000]
    assert (h.tekiyo_start, h.tekiyo_end, h.version, h.jiyu) == (
        date(2025, 8, 1),
        date(2026, 7, 31),
        1,
        "nenji",
    )
    assert "3,460,000円以上" in h.riyu
    assert (rows[wife.pk].wari, rows[wife.pk].riyu) == (1, "本人が住民税非課税")
    assert (rows[son.pk].wari, rows[son.pk].kubun, rows[son.pk].riyu) == (1, "2", "第2号被保険者")
    assert h.job_id == job.pk
    logged = AccessLog.objects.filter(
        action="job", screen=f"job:{HANTEI}", detail__has_key="atena_ids"
    )
    assert {a for r in logged for a in r.detail["atena_ids"]} == {husband.pk, wife.pk, son.pk}
    # when the job runs again with nothing changed: nothing written
    _judge(cap)
    assert FutanWariai.objects.count() == 3
    # when the husband's 所得 is corrected (その他 200万 → 合計280万) and the job runs again
    kazei_kosei(husband.pk, 2025, nenkin=800_000, sonota=2_000_000)
    # (kazei_kosei keeps no 年金収入: the 課税年金収入 falls to 0 → 0+200万+80万 = 280万 < 346万)
    _judge(cap, kijun="2025-10-01")
    rows = _current()
    h2 = rows[husband.pk]
    assert (h2.version, h2.jiyu, h2.previous_id, h2.nenkin_sonota_gokei) == (
        2,
        "kosei",
        h.pk,
        2_800_000,
    )
    assert h2.wari == 1 and h2.tekiyo_start == date(2025, 8, 1)
    assert FutanWariai.objects.get(pk=h.pk).is_current is False
    assert FutanWariai.objects.filter(atena_id=wife.pk).count() == 1
    # and 寒川町 has no judgement until it runs its own; then 1割 on an unknown 所得
    connection.set_tenant(beta.municipality)
    assert not FutanWariai.objects.exists()
    assert not Job.objects.filter(kind=HANTEI).exists()
    _judge(cap)
    rows = _current()
    assert set(rows) == {s_husband.pk, s_wife.pk}
    assert all(r.wari == 1 and r.shotoku_fumei for r in rows.values())
    assert rows[s_husband.pk].riyu.startswith("本人の所得が不明")
    connection.set_tenant(alpha.municipality)
    assert FutanWariai.objects.count() == 4


def test_three_wari_alone_and_a_chunk_run_twice(alpha, beta, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    _, (husband,) = tennyu(cap, members=elders()[:1], day=TENNYU)
    # 本人のみ: 合計所得 230万 → 220万 after the 特例; 190万+150万 = 340万 ≥ 340万 → 3割
    kazei_set(husband.pk, 2025, nenkin=800_000, sonota=1_500_000, nenkin_shunyu=1_900_000)
    taishosha = futan_taishosha(2025, date(2025, 8, 1))
    first = futan_hantei_many(nendo=2025, taishosha=taishosha, actor=ACTOR)
    again = futan_hantei_many(nendo=2025, taishosha=taishosha, actor=ACTOR)
    assert (first.created, first.kosei, again.created, again.kosei, again.unchanged) == (
        1,
        0,
        0,
        0,
        1,
    )
    row = FutanWariai.objects.get()
    assert (row.wari, row.ninzu, row.nenkin_sonota_gokei) == (3, 1, 3_400_000)
    # the counter's 再判定 with nothing changed writes nothing either
    assert futan_saihantei(atena_id=husband.pk, nendo=2025, actor=ACTOR).unchanged == 1
    connection.set_tenant(beta.municipality)
    assert futan_taishosha(2025, date(2025, 8, 1)) == []


def test_the_selection_is_a_function_of_the_ids(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    _, (husband, wife, _son) = tennyu(
        django_capture_on_commit_callbacks, members=elders(), day=TENNYU
    )
    every = futan_taishosha(2025, date(2025, 8, 1), sentaku=taishosha_all)
    assert [t.atena_id for t in every] == sorted([husband.pk, wife.pk])
    only = futan_taishosha(2025, date(2025, 8, 1), sentaku=lambda ids: {wife.pk} & ids)
    assert [t.atena_id for t in only] == [wife.pk]
