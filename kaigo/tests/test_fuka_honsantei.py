"""介護保険料 本算定 as a job: each 第1号被保険者 of 葉山町 assessed once with every figure
kept and its 期別 (普通徴収 / 特別徴収), 寒川町 untouched; the acceptance cases (turning 65
mid-year, a death, the 80.9万 change, stage boundaries of 島田市's published table) through
the registry, zeimu's public face and the job; a killed chunk run again writes nothing
twice; a second job refused while one runs."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from kaigo.fuka_jobs import HONSANTEI
from kaigo.models import KaigoFuka, TokuchoTaisho
from kaigo.services.nenrei import nenrei_totatsu_due
from kaigo.tests.factories import elders, shibo, tennyu
from kaigo.tests.fuka_helpers import (
    ACTOR,
    SHIMADA_NENGAKU,
    alone,
    hikazei,
    run_job,
    set_table,
)
from kaigo.tests.test_rules_hokenryo import P
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.jobs.models import Job, JobStatus
from tenants.jobs.registry import get_kind
from tenants.jobs.services import JobRefused, job_start
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

FY = 2025


def _rows() -> list[tuple]:
    return list(
        KaigoFuka.objects.order_by("atena_id", "version").values_list(
            "atena_id", "version", "santei", "is_current", "dankai", "nengaku", "tsukisu",
            "hokenryo", "choshu_hoho", "kibetsu", "detail", "input_hash",
        )
    )  # fmt: skip


def test_honsantei_assesses_each_dai1_once_with_its_figures_and_kibetsu(
    alpha, beta, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    # given 寒川町 with its own 基準額 and a couple of 第1号
    connection.set_tenant(beta.municipality)
    set_table({P + "kijungaku": 72_000})
    tennyu(cap, "samukawa", members=elders("佐藤", "サトウ"), day=date(2020, 4, 1))
    # and in 葉山町 (島田市's table): a husband 課税 with 合計所得金額 2,100,000 (第8段階:
    # 「210万円以上320万円未満」), his wife 非課税 with a 老齢年金 of 809,000 (世帯課税:
    # 第4段階), their son of 45 (not 第1号); the husband is a 特別徴収対象者
    connection.set_tenant(alpha.municipality)
    set_table()
    _, (husband, wife, son) = tennyu(cap, members=elders(), day=date(2020, 4, 1))
    kazei_set(husband.pk, FY, sonota=2_100_000)
    hikazei(wife.pk, FY, 809_000)
    kazei_set(son.pk, FY, kyuyo=3_000_000)
    TokuchoTaisho.objects.create(
        fiscal_year=FY, atena_id=husband.pk, nenkin_hokensha="001", kiso_nenkin_no="1234567890",
        nenkin_code="1150", nenkin_gaku=2_400_000, tsuchi_month=5, file_name="t.csv",
        created_by="test",
    )  # fmt: skip
    # when 葉山町 runs the 本算定 of 令和7年度
    job = run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    # then
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    assert job.total == 2
    rows = {f.atena_id: f for f in KaigoFuka.objects.all()}
    assert set(rows) == {husband.pk, wife.pk}
    h, w = rows[husband.pk], rows[wife.pk]
    assert (h.dankai, h.nengaku, h.tsukisu, h.hokenryo) == (8, SHIMADA_NENGAKU[8], 12, 90_000)
    assert (w.dankai, w.nengaku, w.hokenryo) == (4, SHIMADA_NENGAKU[4], 54_000)
    # every intermediate figure is kept
    assert (
        h.detail["result"]["riyu"]
        == "本人が住民税課税で合計所得金額が2,100,000円以上3,200,000円未満"
    )
    assert h.detail["result"]["kijungaku"] == 60_000 and h.detail["result"]["ritsu"] == "3/2"
    assert w.detail["result"]["nenkin_sonota_gokei"] == 809_000
    assert w.detail["input"]["honnin"]["jokyo"] == "hikazei" and w.detail["input"]["setai_kazei"]
    # 特別徴収 without a previous 年度: no 仮徴収, 本徴収 Oct/Dec/Feb
    assert h.choshu_hoho == "tokucho"
    assert [(k["month"], k["kind"], k["amount"]) for k in h.kibetsu] == [
        (4, "kari", 0), (6, "kari", 0), (8, "kari", 0),
        (10, "hon", 30_000), (12, "hon", 30_000), (2, "hon", 30_000),
    ]  # fmt: skip
    # 普通徴収 in 9 期 (7月〜3月) of 100円, the remainder in the first
    assert w.choshu_hoho == "futsu"
    assert [k["amount"] for k in w.kibetsu] == [6_000] * 9
    assert w.kibetsu[0]["due"] == "2025-07-31"
    assert AccessLog.objects.filter(
        gyomu="kaigo_hoken", record_type="kaigo.KaigoFuka", action="create"
    ).exists()
    # a second 本算定 of the year writes nothing (idempotent) and says so
    before = _rows()
    again = run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    assert again.status == JobStatus.SUCCEEDED and _rows() == before
    assert "既にこの年度の賦課がある" in " ".join(again.log.values_list("message", flat=True))
    # and 寒川町 has nothing from 葉山町's job
    connection.set_tenant(beta.municipality)
    assert not KaigoFuka.objects.exists()
    assert not Job.objects.filter(kind=HONSANTEI).exists()


def test_turning_65_mid_year_and_a_death_are_charged_their_months(
    alpha, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    set_table()
    # given a man born 1960-09-10: 第1号 from 2025-09-09 (the eve), premium from 9月
    young = alone(cap, "若葉　六十", "ワカバ　ロクジュウ", "1960-09-10")
    nenrei_totatsu_due(today=date(2025, 9, 30))
    # and a woman who dies on 2025-08-20 (喪失 8-21: charged April to July)
    old = alone(cap, "長寿　花子", "チョウジュ　ハナコ", "1945-01-01")
    shibo(cap, old, day=date(2025, 8, 20))
    # both 非課税 alone with a 老齢年金 of 1,000,000 (第2段階, 26,100円)
    hikazei(young.pk, FY, 1_000_000)
    hikazei(old.pk, FY, 1_000_000)
    # when
    job = run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-10-01")
    # then
    assert job.status == JobStatus.SUCCEEDED
    y = KaigoFuka.objects.get(atena_id=young.pk)
    o = KaigoFuka.objects.get(atena_id=old.pk)
    # 26,100 × 7 / 12 = 15,225 (9月〜3月)
    assert (y.dankai, y.nengaku, y.tsukisu, y.hokenryo) == (2, 26_100, 7, 15_225)
    assert y.detail["input"]["months"] == [9, 10, 11, 12, 1, 2, 3]
    # 26,100 × 4 / 12 = 8,700 (4月〜7月)
    assert (o.dankai, o.tsukisu, o.hokenryo) == (2, 4, 8_700)
    assert o.detail["input"]["months"] == [4, 5, 6, 7]
    assert y.choshu_hoho == o.choshu_hoho == "futsu"


@pytest.mark.parametrize(
    ("fy", "nenkin", "dankai"),
    [
        (2024, 805_000, 2),  # 令和6年度: 80万円超 → 第2段階
        (2025, 805_000, 1),  # 令和7年度: 80.9万円以下 → 第1段階
        (2025, 809_000, 1),
        (2025, 809_001, 2),
        (2025, 1_200_000, 2),
        (2025, 1_200_001, 3),
    ],
)
def test_the_809_change_and_the_hikazei_boundaries_through_the_job(
    alpha, django_capture_on_commit_callbacks, fy, nenkin, dankai
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    set_table()
    p = alone(cap, "境界　一", "キョウカイ　ハジメ", "1950-04-10")
    hikazei(p.pk, fy, nenkin)
    run_job(cap, HONSANTEI, fiscal_year=fy, kijun_date=f"{fy}-07-01")
    f = KaigoFuka.objects.get(atena_id=p.pk, fiscal_year=fy)
    assert (f.dankai, f.hokenryo) == (dankai, SHIMADA_NENGAKU[dankai])


@pytest.mark.parametrize(
    ("gokei", "dankai"), [(1_199_999, 6), (1_200_000, 7), (3_199_999, 8), (3_200_000, 9)]
)
def test_kazei_boundaries_of_shimada_through_the_job(
    alpha, django_capture_on_commit_callbacks, gokei, dankai
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    set_table()
    p = alone(cap, "課税　二郎", "カゼイ　ジロウ", "1950-04-10")
    kazei_set(p.pk, FY, sonota=gokei)
    run_job(cap, HONSANTEI, fiscal_year=FY)
    f = KaigoFuka.objects.get(atena_id=p.pk)
    assert (f.dankai, f.gokei_shotoku, f.hokenryo) == (dankai, gokei, SHIMADA_NENGAKU[dankai])


def test_karichoshu_is_the_previous_february_and_honchoshu_the_rest(
    alpha, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    set_table()
    p = alone(cap, "年金　三郎", "ネンキン　サブロウ", "1950-04-10")
    for fy, gokei in ((2024, 1_200_000), (2025, 3_200_000)):
        kazei_set(p.pk, fy, sonota=gokei)
        TokuchoTaisho.objects.create(
            fiscal_year=fy, atena_id=p.pk, nenkin_hokensha="001", kiso_nenkin_no="1111111111",
            nenkin_code="1150", nenkin_gaku=2_000_000, tsuchi_month=5, file_name="t.csv",
            created_by="test",
        )  # fmt: skip
        run_job(cap, HONSANTEI, fiscal_year=fy)
    r6 = KaigoFuka.objects.get(atena_id=p.pk, fiscal_year=2024)
    r7 = KaigoFuka.objects.get(atena_id=p.pk, fiscal_year=2025)
    # 令和6年度 第7段階 78,000: 本徴収 26,000 × 3
    assert r6.hokenryo == 78_000 and [k["amount"] for k in r6.kibetsu] == [0, 0, 0] + [26_000] * 3
    # 令和7年度 第9段階 102,000: 仮徴収 26,000 × 3 (前年度2月), 本徴収 (102,000 − 78,000) / 3
    assert r7.hokenryo == 102_000
    assert [k["amount"] for k in r7.kibetsu] == [26_000] * 3 + [8_000] * 3


def test_a_killed_chunk_run_again_writes_nothing_twice(alpha, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    set_table()
    for i, kana in enumerate(("イチ", "ニ", "サン")):
        p = alone(cap, f"試験　{i}", f"シケン　{kana}", "1950-04-10")
        hikazei(p.pk, FY, 1_000_000)
    kind = get_kind(HONSANTEI)
    assert kind is not None
    kind.chunk_size = 2  # type: ignore[attr-defined]
    try:
        job = job_start(kind=HONSANTEI, params={"fiscal_year": FY}, actor=ACTOR)
        chunks = list(job.chunks.order_by("index"))
        assert len(chunks) == 2
        with pytest.raises(RuntimeError), transaction.atomic():
            kind.run_chunk(job, chunks[0])
            assert KaigoFuka.objects.count() == 2
            raise RuntimeError("SIGKILL")
        assert KaigoFuka.objects.count() == 0
        for c in chunks:
            with transaction.atomic():
                kind.run_chunk(job, c)
        first = _rows()
        assert len(first) == 3
        for c in chunks:
            with transaction.atomic():
                kind.run_chunk(job, c)
        assert _rows() == first
    finally:
        kind.chunk_size = 2000  # type: ignore[attr-defined]


def test_refused_while_a_job_of_the_same_year_runs_and_without_kijungaku(alpha, beta):
    connection.set_tenant(beta.municipality)
    with pytest.raises(ValueError, match="基準額"):
        job_start(kind=HONSANTEI, params={"fiscal_year": FY}, actor=ACTOR)
    connection.set_tenant(alpha.municipality)
    set_table()
    Job.objects.create(
        kind=HONSANTEI, gyomu="kaigo_hoken", title="t", params={"fiscal_year": FY},
        status=JobStatus.RUNNING,
    )  # fmt: skip
    with pytest.raises(JobRefused, match="実行中"):
        job_start(kind=HONSANTEI, params={"fiscal_year": FY}, actor=ACTOR)
    job_start(kind=HONSANTEI, params={"fiscal_year": FY + 1}, actor=ACTOR)
