"""国保税 本算定 as a job: each 国保世帯 of 葉山町 assessed once with every figure kept and its
期別, 寒川町 untouched; a killed chunk run again gives the same rows; a second job of the
same 年度 refused while one runs; 仮算定 where the town's 条例 uses it."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.tests.factories import family, person_fields
from kokuho.fuka_jobs import HONSANTEI
from kokuho.models import KokuhoFuka, Santei
from kokuho.tests.factories import tennyu
from kokuho.tests.fuka_helpers import ACTOR, run_job, set_rates
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.jobs.models import Job, JobStatus
from tenants.jobs.registry import get_kind
from tenants.jobs.services import JobRefused, job_start
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

FY = 2025
TENNYU = date(2020, 4, 1)


def _rows() -> list[tuple]:
    return list(
        KokuhoFuka.objects.order_by("setai_id", "version").values_list(
            "setai_id", "version", "santei", "is_current", "nozei_gimusha_id", "nengaku",
            "iryo", "shien", "kaigo", "keigen_wari", "kibetsu", "detail", "input_hash",
        )
    )  # fmt: skip


def test_honsantei_assesses_each_household_once_with_its_figures_and_kibetsu(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given 寒川町 with an insured household and rates of its own
    connection.set_tenant(beta.municipality)
    set_rates()
    tennyu(
        django_capture_on_commit_callbacks, "samukawa", members=family("佐藤", "サトウ"), day=TENNYU
    )
    # and in 葉山町 one insured man of 45 with 給与所得 3,000,000 and a household of three
    # whose income is 0 (7割軽減)
    connection.set_tenant(alpha.municipality)
    set_rates()
    _, (single,) = tennyu(
        django_capture_on_commit_callbacks,
        members=[person_fields(shimei="独身　一人", shimei_kana="ドクシン　ヒトリ")],
        day=TENNYU,
    )
    _, (head, wife, _child) = tennyu(
        django_capture_on_commit_callbacks, members=family(), day=TENNYU
    )
    kazei(single.pk, FY, kyuyo=3_000_000)
    for a in (head, wife):
        kazei(a.pk, FY)  # 所得 0, assessed (均等割のみ/非課税)
    # when 葉山町 runs the 本算定 of 令和7年度 as of 令和7年7月1日
    job = run_job(
        django_capture_on_commit_callbacks, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01"
    )
    # then
    assert job.status == JobStatus.SUCCEEDED and job.total == 2
    rows = {f.setai_id: f for f in KokuhoFuka.objects.all()}
    assert set(rows) == {single.setai_id, head.setai_id}
    one = rows[single.setai_id]
    # 基準所得 3,000,000 − 430,000 = 2,570,000: 医療分 179,900 + 30,000 + 20,000,
    # 支援金分 51,400 + 10,000 + 5,000, 介護分 51,400 + 10,000 + 5,000
    assert (one.iryo, one.shien, one.kaigo, one.nengaku) == (229_900, 66_400, 66_400, 362_700)
    assert (one.santei, one.version, one.is_current, one.keigen_wari) == ("hon", 1, True, 0)
    assert one.nozei_gimusha_id == single.pk and not one.gisei
    # 9期 (7月〜3月), 1,000円 units, the remainder in the first 期
    assert [k["amount"] for k in one.kibetsu] == [42_700] + [40_000] * 8
    assert one.kibetsu[0]["due_nominal"] == "2025-07-31"
    assert one.detail["result"]["keigen"]["hantei_shotoku"] == 3_000_000
    assert one.detail["result"]["lines"][-1] == "年税額 362,700円"
    fam = rows[head.setai_id]
    assert fam.keigen_wari == 7 and fam.hihokensha_su == 3
    # the child (15 in 2024) has no 課税資料: 所得なし by our rule, so the 軽減 holds
    assert fam.detail["input"]["members"][2]["shotoku"]["shinkoku"] is True
    # the access log holds the chunk's write
    assert AccessLog.objects.filter(gyomu="kokuho_fuka", record_type="kokuho.KokuhoFuka").exists()
    # and 寒川町 has nothing from 葉山町's job
    connection.set_tenant(beta.municipality)
    assert not KokuhoFuka.objects.exists()
    assert not Job.objects.filter(kind=HONSANTEI).exists()


def test_a_killed_chunk_run_again_gives_the_same_rows(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    set_rates()
    for surname, kana in (("山田", "ヤマダ"), ("田中", "タナカ"), ("鈴木", "スズキ")):
        _, people = tennyu(
            django_capture_on_commit_callbacks, members=family(surname, kana), day=TENNYU
        )
        kazei(people[0].pk, FY, kyuyo=2_400_000)
    kind = get_kind(HONSANTEI)
    assert kind is not None
    kind.chunk_setai = 2  # type: ignore[attr-defined]
    try:
        # the job is planned; its chunks are not sent (a worker will take them)
        job = job_start(
            kind=HONSANTEI, params={"fiscal_year": FY, "kijun_date": "2025-06-01"}, actor=ACTOR
        )
        chunks = list(job.chunks.order_by("index"))
        assert len(chunks) == 2
        # a worker killed in the middle of chunk 1: its transaction never commits
        from django.db import transaction

        with pytest.raises(RuntimeError), transaction.atomic():
            kind.run_chunk(job, chunks[0])
            assert KokuhoFuka.objects.count() == 2
            raise RuntimeError("SIGKILL")
        assert KokuhoFuka.objects.count() == 0
        for c in chunks:
            with transaction.atomic():
                kind.run_chunk(job, c)
        first = _rows()
        assert len(first) == 3
        # delivered again (acks_late): the same rows, nothing added
        for c in chunks:
            with transaction.atomic():
                kind.run_chunk(job, c)
        assert _rows() == first
    finally:
        kind.chunk_setai = 1000  # type: ignore[attr-defined]


def test_refused_while_a_job_of_the_same_year_runs_and_without_rates(
    alpha, beta, django_capture_on_commit_callbacks
):
    connection.set_tenant(beta.municipality)
    with pytest.raises(ValueError, match="税率"):
        job_start(kind=HONSANTEI, params={"fiscal_year": FY}, actor=ACTOR)
    connection.set_tenant(alpha.municipality)
    set_rates()
    Job.objects.create(
        kind=HONSANTEI, gyomu="kokuho_fuka", title="t", params={"fiscal_year": FY},
        status=JobStatus.RUNNING,
    )  # fmt: skip
    with pytest.raises(JobRefused, match="実行中"):
        job_start(kind=HONSANTEI, params={"fiscal_year": FY}, actor=ACTOR)
    assert Job.objects.filter(kind=HONSANTEI).count() == 1
    # another 年度 may run
    job_start(kind=HONSANTEI, params={"fiscal_year": FY + 1}, actor=ACTOR)
    # 寒川町's own job is not blocked by 葉山町's
    connection.set_tenant(beta.municipality)
    set_rates()
    job_start(kind=HONSANTEI, params={"fiscal_year": FY}, actor=ACTOR)


def test_karisantei_then_honsantei_keeps_the_kari_ki(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    set_rates({"kokuho.fuka.karisantei_kisu": 2})
    _, (single,) = tennyu(django_capture_on_commit_callbacks, members=[person_fields()], day=TENNYU)
    kazei(single.pk, FY - 1, kyuyo=3_000_000)
    kazei(single.pk, FY, kyuyo=2_000_000)
    run_job(
        django_capture_on_commit_callbacks, HONSANTEI, fiscal_year=FY - 1, kijun_date="2024-07-01"
    )
    prev = KokuhoFuka.objects.get(fiscal_year=FY - 1)
    # when the 仮算定 of 令和7年度 runs, then the 本算定
    run_job(
        django_capture_on_commit_callbacks, HONSANTEI,
        fiscal_year=FY, kijun_date="2025-04-01", santei="kari",
    )  # fmt: skip
    kari = KokuhoFuka.objects.get(fiscal_year=FY, is_current=True)
    per_ki = prev.nengaku // 9 // 1000 * 1000
    assert kari.santei == Santei.KARI
    assert [k["amount"] for k in kari.kibetsu] == [per_ki, per_ki] + [0] * 7
    run_job(django_capture_on_commit_callbacks, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    hon = KokuhoFuka.objects.get(fiscal_year=FY, is_current=True)
    kari.refresh_from_db()
    assert (hon.santei, hon.version, kari.superseded_by_id) == ("hon", 2, hon.pk)
    amounts = [k["amount"] for k in hon.kibetsu]
    assert amounts[:2] == [per_ki, per_ki] and sum(amounts) == hon.nengaku
