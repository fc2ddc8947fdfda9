"""当初賦課 batch: everyone resident on 1 January with data is assessed once; re-running a
chunk adds nothing; people without data are 未申告; the other town sees none of it."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.tests.factories import family, household_tennyu, person_fields, tenshutsu
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import JobStatus
from tenants.jobs.registry import get_kind
from tenants.jobs.services import JobRefused, job_start
from tenants.params.tenant.models import MunicipalParameter
from zeimu.models import Fuka, FukaStatus, KyuyoHokoku

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")


def _kyuyo(atena_id: int, shunyu: int, hoken: int = 0) -> None:
    KyuyoHokoku.objects.create(
        atena_id=atena_id,
        shotoku_year=2024,
        employer_no=f"E{atena_id}",
        employer_name="株式会社葉山",
        shiharai_kingaku=shunyu,
        shakai_hoken=hoken,
    )


def _kyuchi(value: int) -> None:
    MunicipalParameter.objects.create(
        key="zeimu.kojin_juminzei.kyuchi",
        fiscal_year_from=2020,
        value=value,
        source="テスト",
        created_by="test",
    )


def test_batch_assesses_residents_on_1_january_once(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    _kyuchi(3)
    _, (head, wife, child) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    # moved in after 賦課期日 2025-01-01: not assessed by 葉山町 for 令和7年度
    _, (late,) = household_tennyu(
        "hayama", members=[person_fields(shimei="転入　後子")], ido_date=date(2025, 1, 2)
    )
    _kyuyo(head.pk, 5_200_000, 760_000)
    _kyuyo(wife.pk, 930_000)
    _kyuyo(late.pk, 4_000_000)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="zeimu_tosho_fuka", params={"fiscal_year": 2025}, actor=ACTOR)
    job.refresh_from_db()
    errors = [c.error for c in job.chunks.all() if c.error]
    assert job.status == JobStatus.SUCCEEDED and job.total == 3, errors
    rows = {f.atena_id: f for f in Fuka.objects.filter(fiscal_year=2025)}
    assert set(rows) == {head.pk, wife.pk, child.pk}
    assert rows[head.pk].status == FukaStatus.KAZEI and rows[head.pk].gokei_zeigaku > 0
    assert rows[head.pk].gokei_zeigaku == (
        rows[head.pk].shotokuwari_shichoson
        + rows[head.pk].shotokuwari_dofuken
        + rows[head.pk].kintowari_shichoson
        + rows[head.pk].kintowari_dofuken
        + rows[head.pk].shinrin_kankyozei
    )
    assert rows[head.pk].detail["result"]["explanation"]
    assert rows[wife.pk].status == FukaStatus.HIKAZEI  # 給与収入 93万: under the 限度額
    assert rows[child.pk].status == FukaStatus.MISHINKOKU
    # A chunk delivered again (acks_late after a killed worker) writes nothing new.
    kind = get_kind("zeimu_tosho_fuka")
    assert kind is not None
    for chunk in job.chunks.all():
        kind.run_chunk(job, chunk)
    assert Fuka.objects.filter(fiscal_year=2025).count() == 3
    skipped = [line.message for line in job.log.all() if "既にこの年度の賦課" in line.message]
    assert skipped and skipped[0].startswith("3人は")
    summary = [line.message for line in job.log.all() if "当初賦課の結果" in line.message]
    assert summary == ["当初賦課の結果: 課税 1人、非課税 1人、未申告（課税資料なし） 1人"]


def test_a_person_who_left_before_1_january_is_not_assessed(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    _kyuchi(3)
    _, (head,) = household_tennyu("hayama", ido_date=date(2020, 4, 1))
    tenshutsu(head, ido_date=date(2024, 12, 31), todoke_date=date(2024, 12, 20), saki="東京都港区")
    _kyuyo(head.pk, 5_000_000)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="zeimu_tosho_fuka", params={"fiscal_year": 2025}, actor=ACTOR)
    job.refresh_from_db()
    assert job.total == 0 and Fuka.objects.count() == 0


def test_refused_without_kyuchi_or_in_a_town_without_the_module(alpha, beta):
    connection.set_tenant(alpha.municipality)
    with pytest.raises((JobRefused, ValueError), match="級地"):
        job_start(kind="zeimu_tosho_fuka", params={"fiscal_year": 2025}, actor=ACTOR)
    # 寒川町 does not subscribe to 個人住民税 in the test world
    connection.set_tenant(beta.municipality)
    with pytest.raises(JobRefused):
        job_start(kind="zeimu_tosho_fuka", params={"fiscal_year": 2025}, actor=ACTOR)
    assert Fuka.objects.count() == 0


def test_clerk_starts_it_from_the_screen_and_other_town_cannot(
    login, alpha, django_capture_on_commit_callbacks
):
    from tests.personas import ALPHA_HOST, BETA_HOST

    connection.set_tenant(alpha.municipality)
    _kyuchi(3)
    _, (head,) = household_tennyu("hayama", ido_date=date(2020, 4, 1))
    _kyuyo(head.pk, 4_000_000)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    with django_capture_on_commit_callbacks(execute=True):
        r = clerk.post("/zeimu/tosho-fuka/", {"fiscal_year": 2025})
    assert r.status_code == 302 and r["Location"].startswith("/jobs/")
    page = clerk.get(r["Location"]).content.decode()
    assert "個人住民税 当初賦課" in page
    connection.set_tenant(alpha.municipality)
    assert Fuka.objects.filter(fiscal_year=2025).count() == 1
    connection.set_schema_to_public()
    assert login("hayama-viewer", ALPHA_HOST).post("/zeimu/tosho-fuka/").status_code == 403
    assert login("samukawa-clerk", BETA_HOST).get("/zeimu/tosho-fuka/").status_code == 404


def test_a_chunk_commits_without_waiting_for_its_wal_and_only_its_own_transaction(
    alpha, beta, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import connection as dj

    import zeimu.jobkinds as jobkinds

    def show() -> str:
        with dj.cursor() as cur:
            cur.execute("SHOW synchronous_commit")
            return str(cur.fetchone()[0])

    seen: list[str] = []
    post = jobkinds.juminzei_chotei_post_job

    def spy(**kw: object) -> int:
        seen.append(show())  # in the chunk's transaction, after the assessments' COPY
        return post(**kw)  # type: ignore[arg-type]

    monkeypatch.setattr(jobkinds, "juminzei_chotei_post_job", spy)
    connection.set_tenant(alpha.municipality)
    _kyuchi(3)
    _, (head, *_) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    _kyuyo(head.pk, 5_200_000, 760_000)
    with dj.cursor() as cur:  # the test servers may run with it off (JC_FAST_PG): on here
        cur.execute("SET synchronous_commit = on")
    assert show() == "on"  # the default, for everything else
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="zeimu_tosho_fuka", params={"fiscal_year": 2025}, actor=ACTOR)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and seen == ["off"]
    assert Fuka.objects.filter(fiscal_year=2025).count() == 3
    connection.set_tenant(beta.municipality)
    assert not Fuka.objects.exists()


def test_the_result_line_adds_up_each_chunks_counts_once_after_a_killed_chunk(
    alpha, monkeypatch, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from tenants.jobs.models import ChunkStatus
    from tenants.jobs.services import job_retry_failed
    from tenants.jobs.tasks import run_job_chunk

    connection.set_tenant(alpha.municipality)
    _kyuchi(3)
    _, (head, wife, _child) = household_tennyu(
        "hayama", members=family(), ido_date=date(2020, 4, 1)
    )
    _kyuyo(head.pk, 5_200_000, 760_000)
    _kyuyo(wife.pk, 930_000)
    kind = get_kind("zeimu_tosho_fuka")
    assert kind is not None
    monkeypatch.setattr(kind, "chunk_rows", 1)  # one person a chunk
    # given: the first chunk's worker was killed (nothing of it committed), the others ran
    job = job_start(kind="zeimu_tosho_fuka", params={"fiscal_year": 2025}, actor=ACTOR)
    chunks = list(job.chunks.order_by("index"))
    assert len(chunks) == 3
    long_ago = timezone.now() - timedelta(minutes=31)
    job.chunks.filter(pk=chunks[0].pk).update(
        status=ChunkStatus.RUNNING, attempts=1, started_at=long_ago, heartbeat_at=long_ago
    )
    for chunk in chunks[1:]:
        run_job_chunk(job.pk, chunk.pk)
    # when: it is sent again and the job finishes
    with django_capture_on_commit_callbacks(execute=True):
        assert job_retry_failed(job=job, actor=ACTOR) == 1
    job.refresh_from_db()
    # then: each person counted once, as the table has them
    assert job.status == JobStatus.SUCCEEDED
    assert [sum((c.counts or {}).values()) for c in job.chunks.order_by("index")] == [1, 1, 1]
    summary = [line.message for line in job.log.all() if "当初賦課の結果" in line.message]
    assert summary == ["当初賦課の結果: 課税 1人、非課税 1人、未申告（課税資料なし） 1人"]
    # and: a second run of the year keeps everyone's assessment and reports what stands
    with django_capture_on_commit_callbacks(execute=True):
        again = job_start(kind="zeimu_tosho_fuka", params={"fiscal_year": 2025}, actor=ACTOR)
    again.refresh_from_db()
    assert Fuka.objects.filter(fiscal_year=2025).count() == 3
    summary = [line.message for line in again.log.all() if "当初賦課の結果" in line.message]
    assert summary == ["当初賦課の結果: 課税 1人、非課税 1人、未申告（課税資料なし） 1人"]
