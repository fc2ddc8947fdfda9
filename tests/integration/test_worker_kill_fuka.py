"""The 当初賦課 job on a real worker assesses every resident of 1 January exactly once,
even when the worker process running a chunk is killed (kill -9) after it wrote its
rows but before it committed, and when the job is cancelled half-way and resumed.

葉山町 gets ~11,000 synthetic residents (COPY, juminkiroku.synth) and 給与/年金 reports
for most of them, once for this module; each test starts with no 賦課 and no job of
this kind, and everything is removed afterwards. The counts are asserted black-box
(rows of zeimu_fuka against the as-of resident list), so they hold whatever else a
賦課 row carries.
"""

from __future__ import annotations

import os
import random
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
from django.db.models import Count
from django_tenants.utils import tenant_context
from psycopg import sql

from juminkiroku.codes import JuminJotai
from juminkiroku.models import Atena
from juminkiroku.selectors.asof import residents_on
from juminkiroku.synth.load import residents_load, town_is_empty
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import ChunkStatus, Job, JobChunk, JobStatus
from tenants.jobs.services import JobRefused, job_cancel, job_retry_failed, job_start
from tenants.models import StaffUser
from tenants.params.tenant.models import MunicipalParameter
from tests.integration import wait_until
from tests.integration.cleanup import truncate_tables
from tests.integration.locks import JobRowLock, backends_waiting_for_a_lock
from tests.personas import Town, load_world
from zeimu.models import Fuka, FukaStatus, KyuyoHokoku, NenkinHokoku

if TYPE_CHECKING:
    from tests.integration.conftest import CeleryWorker

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("committed")]

KIND = "zeimu_tosho_fuka"
FISCAL_YEAR = 2025
KIJUN = date(FISCAL_YEAR, 1, 1)  # 賦課期日
POPULATION = 11_000  # six chunks of 2,000 宛名
SEED = 318
LOADED_ON = date(FISCAL_YEAR, 4, 1)  # some moved in after 1 January: not assessed
KYUCHI_KEY = "zeimu.kojin_juminzei.kyuchi"
JOB_TIMEOUT = 120.0


# --- the town -------------------------------------------------------------------------


def _tax_data(seed: int) -> None:
    """給与 for ~70% of residents aged 18–64 and ~15% of those 65+, 年金 for ~90% of 65+
    (as bench.fuka does, through the ORM); everyone else has no data (未申告)."""
    rng = random.Random(seed)
    income_year = FISCAL_YEAR - 1
    kyuyo, nenkin = [], []
    people = Atena.objects.filter(jotai=JuminJotai.JUMIN).order_by("id")
    for atena_id, birth in people.values_list("id", "birth_date"):
        age = income_year - birth.year
        if (18 <= age < 65 and rng.random() < 0.70) or (age >= 65 and rng.random() < 0.15):
            pay = int(min(max(rng.lognormvariate(15.0, 0.6), 300_000), 30_000_000))
            kyuyo.append(
                KyuyoHokoku(
                    atena_id=atena_id,
                    shotoku_year=income_year,
                    employer_no=f"E{rng.randrange(1, 300):05d}",
                    employer_name="合成事業所",
                    shiharai_kingaku=pay,
                    shakai_hoken=pay * 15 // 100,
                )
            )
        if age >= 65 and rng.random() < 0.90:
            pension = int(min(max(rng.lognormvariate(14.2, 0.4), 400_000), 6_000_000))
            nenkin.append(
                NenkinHokoku(
                    atena_id=atena_id,
                    shotoku_year=income_year,
                    payer_no="NP0001",
                    payer_name="日本年金機構",
                    shiharai_kingaku=pension,
                    shakai_hoken=pension // 10,
                )
            )
    KyuyoHokoku.objects.bulk_create(kyuyo, batch_size=2000)
    NenkinHokoku.objects.bulk_create(nenkin, batch_size=2000)


def _forget_town_data(town: Town) -> None:
    """This module's rows: 賦課, jobs of the kind, 課税資料, the residents (the access
    log keeps its rows: append-only)."""
    with tenant_context(town.municipality):
        Fuka.objects.all().delete()
        Job.objects.filter(kind=KIND).delete()
        KyuyoHokoku.objects.all().delete()
        NenkinHokoku.objects.all().delete()
        MunicipalParameter.objects.filter(key=KYUCHI_KEY, created_by="integration").delete()
        truncate_tables(town.schema, "juminkiroku_")
    connection.set_schema_to_public()


@pytest.fixture(scope="module")
def hayama(django_db_setup: None, django_db_blocker: Any) -> Iterator[Town]:
    """葉山町 with synthetic residents, their 課税資料 for 2024 and the 級地 (committed)."""
    with django_db_blocker.unblock():
        assert str(connection.settings_dict["NAME"]).startswith("test_")
        town = load_world().alpha
        with tenant_context(town.municipality):
            if not town_is_empty():
                pytest.fail(f"{town.schema} already has residents (left by another test?)")
            try:
                residents_load(population=POPULATION, seed=SEED, on=LOADED_ON, analyze=True)
                _tax_data(SEED)
                MunicipalParameter.objects.create(
                    key=KYUCHI_KEY,
                    fiscal_year_from=2020,
                    value=2,
                    source="テスト",
                    created_by="integration",
                )
                with connection.cursor() as cur:
                    cur.execute("ANALYZE zeimu_kyuyohokoku")
                    cur.execute("ANALYZE zeimu_nenkinhokoku")
            except BaseException:
                _forget_town_data(town)
                raise
        connection.set_schema_to_public()
        try:
            yield town
        finally:
            _forget_town_data(town)


@pytest.fixture
def actor(committed: None) -> Actor:
    user = StaffUser.objects.get(username="hayama-admin")
    return Actor(user_id=user.pk, username=user.username)


@pytest.fixture
def in_hayama(hayama: Town, committed: None) -> Iterator[Town]:
    """Inside 葉山町, with no 賦課 and no job of the kind before and after the test."""

    def clear() -> None:
        Fuka.objects.filter(fiscal_year=FISCAL_YEAR).delete()
        Job.objects.filter(kind=KIND).delete()

    with tenant_context(hayama.municipality):
        clear()
        try:
            yield hayama
        finally:
            clear()


# --- database probes ------------------------------------------------------------------


def _waiting() -> list[int]:
    with connection.cursor() as cur:
        return backends_waiting_for_a_lock(cur)


def _backend_alive(pid: int) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_stat_clear_snapshot()")
        cur.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cur.fetchone() is not None


def _has_written_fuka(pid: int, schema: str) -> bool:
    """The backend holds the lock an INSERT takes on this town's zeimu_fuka."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE l.pid = %s AND l.granted AND l.mode = 'RowExclusiveLock'"
            " AND n.nspname = %s AND c.relname = %s",
            [pid, schema, Fuka._meta.db_table],
        )
        return cur.fetchone() is not None


@contextmanager
def _job_row_locked(schema: str, job_id: int) -> Iterator[JobRowLock]:
    lock = JobRowLock(schema, job_id)
    try:
        yield lock
    finally:
        lock.release()


# --- waiting and asserting ------------------------------------------------------------


def _job_log(job: Job) -> str:
    return "\n".join(f"[{line.level}] {line.message}" for line in job.log.all())


def _wait_finished(job_id: int) -> Job:
    def finished() -> Job | None:
        job = Job.objects.get(pk=job_id)
        return job if job.is_finished else None

    return wait_until(finished, timeout=JOB_TIMEOUT, what=f"job {job_id} to finish")


def _wait_chunks_done(job_id: int, at_least: int = 1) -> None:
    """Until ``at_least`` chunks are done; fails at once when one failed (a broken job
    kind would otherwise run to the end before the test notices)."""

    def progress() -> bool:
        chunks = JobChunk.objects.filter(job_id=job_id)
        failed = list(chunks.filter(status=ChunkStatus.FAILED).values_list("index", "error"))
        assert not failed, f"chunks failed: {failed}\n{_job_log(Job.objects.get(pk=job_id))}"
        return chunks.filter(status=ChunkStatus.DONE).count() >= at_least

    # (polled often: a chunk of 2,000 people takes well under a second)
    wait_until(progress, timeout=JOB_TIMEOUT, interval=0.02, what=f"job {job_id} to progress")


def _start(actor: Actor) -> Job:
    job = job_start(kind=KIND, params={"fiscal_year": FISCAL_YEAR}, actor=actor)
    chunks = job.chunks.count()
    assert chunks >= 5, f"only {chunks} chunks: the kill must land in the middle of the job"
    return job


def _assert_everyone_assessed_once(job: Job) -> None:
    """The job's result, black-box: one current 賦課 per resident of 1 January."""
    residents = set(residents_on(KIJUN).values_list("atena_id", flat=True))
    assert len(residents) == residents_on(KIJUN).count()  # one version per person
    this_year = Fuka.objects.filter(fiscal_year=FISCAL_YEAR)
    current = this_year.filter(is_current=True)

    assert job.status == JobStatus.SUCCEEDED, _job_log(job)
    assert job.total == job.done == len(residents), (job.total, job.done, len(residents))
    assert job.failed == 0
    assert set(job.chunks.values_list("status", flat=True)) == {ChunkStatus.DONE}

    assert current.count() == len(residents)
    twice = (
        current.values("atena_id").annotate(n=Count("id")).filter(n__gt=1).values("atena_id", "n")
    )
    assert list(twice) == []
    same_job_twice = (
        this_year.values("job_id", "atena_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("job_id", "atena_id", "n")
    )
    assert list(same_job_twice) == []
    assert set(current.values_list("atena_id", flat=True)) == residents
    assert set(this_year.values_list("job_id", flat=True)) == {job.pk}

    with_data = set(
        KyuyoHokoku.objects.filter(shotoku_year=FISCAL_YEAR - 1).values_list("atena_id", flat=True)
    ) | set(
        NenkinHokoku.objects.filter(shotoku_year=FISCAL_YEAR - 1).values_list("atena_id", flat=True)
    )
    without_data = residents - with_data
    mishinkoku = set(
        current.filter(status=FukaStatus.MISHINKOKU).values_list("atena_id", flat=True)
    )
    assert mishinkoku == without_data
    # the test data is what the test means: most are assessed, some have nothing
    assert 0 < len(without_data) < len(residents) // 2
    assert current.exclude(status=FukaStatus.MISHINKOKU).filter(gokei_zeigaku__gt=0).exists()


def _assert_other_town_untouched(job: Job) -> None:
    """寒川町 (its own schema) has no 賦課 and no trace of the job."""
    beta = load_world().beta
    with tenant_context(beta.municipality):
        assert Fuka.objects.count() == 0
        assert not Job.objects.filter(kind=KIND).exists()
        same_id = Job.objects.filter(pk=job.pk).first()
        assert same_id is None or (same_id.kind, same_id.created_at) != (job.kind, job.created_at)
        assert not JobChunk.objects.filter(job__kind=KIND).exists()


# --- the tests ------------------------------------------------------------------------


def test_a_chunk_killed_before_its_commit_runs_again_and_assesses_everyone_once(
    celery_worker: CeleryWorker, in_hayama: Town, actor: Actor
) -> None:
    # given: the job running, one chunk done at least
    job = _start(actor)
    _wait_chunks_done(job.pk)

    with _job_row_locked(in_hayama.schema, job.pk) as lock:
        # and: the chunk in progress stopped at its last statement, its 賦課 rows
        # written but not committed (this test holds the job's row)
        blocked = wait_until(_waiting, timeout=60, what="a chunk to block")
        assert len(blocked) == 1, blocked
        running = JobChunk.objects.get(job=job, status=ChunkStatus.RUNNING)
        assert running.attempts == 1
        assert _has_written_fuka(blocked[0], in_hayama.schema)
        in_chunk = Fuka.objects.filter(
            fiscal_year=FISCAL_YEAR,
            atena_id__gte=running.params["first_id"],
            atena_id__lte=running.params["last_id"],
        )
        assert not in_chunk.exists()  # (not visible: uncommitted)
        statuses = dict(
            job.chunks.values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        assert statuses.get(ChunkStatus.DONE, 0) >= 1
        assert statuses.get(ChunkStatus.PENDING, 0) >= 1, statuses
        done_before = Fuka.objects.filter(fiscal_year=FISCAL_YEAR).count()
        assert 0 < done_before < job.total

        # when: the worker process running it is killed
        pids = celery_worker.pool_pids()
        assert len(pids) == 1, pids
        os.kill(pids[0], signal.SIGKILL)

        # then: the worker replaces its pool process, which goes on with the job and
        # soon waits too: for the job's row (the next chunk) or, for the killed chunk
        # delivered again, for the chunk's row, still held by the killed process's
        # session (Redis puts a rejected message at the back of the queue, so with
        # this broker it is usually the former)
        wait_until(
            lambda: [p for p in celery_worker.pool_pids() if p != pids[0]],
            timeout=30,
            what="a new pool process",
        )
        wait_until(lambda: len(lock.waiting()) == 2, timeout=30, what="the job to go on")
        assert _backend_alive(blocked[0])
        assert not in_chunk.exists()
    # (the job's row is released: the killed session ends and rolls back)
    wait_until(
        lambda: not _backend_alive(blocked[0]),
        timeout=30,
        what="the killed process's session to end",
    )

    job = _wait_finished(job.pk)

    # and: everyone resident on 1 January is assessed once; the killed chunk ran twice
    _assert_everyone_assessed_once(job)
    attempts = dict(job.chunks.values_list("index", "attempts"))
    assert attempts.pop(running.index) == 2
    assert set(attempts.values()) == {1}
    new_pids = celery_worker.pool_pids()
    assert new_pids and pids[0] not in new_pids, (pids, new_pids)
    _assert_other_town_untouched(job)


def test_a_cancelled_job_resumed_assesses_everyone_once(
    celery_worker: CeleryWorker, in_hayama: Town, actor: Actor
) -> None:
    # given: the job running, one chunk done at least, one stopped before its commit
    job = _start(actor)
    _wait_chunks_done(job.pk)
    with _job_row_locked(in_hayama.schema, job.pk) as lock:
        wait_until(lambda: len(lock.waiting()) == 1, timeout=60, what="a chunk to block")

        # when: the clerk cancels (the service waits for the job's row behind the chunk;
        # the row is released once both wait)
        def release_when_cancel_waits() -> None:
            try:
                wait_until(lambda: len(lock.waiting()) >= 2, timeout=30, what="the cancel to wait")
            finally:
                lock.release()

        releaser = threading.Thread(target=release_when_cancel_waits, daemon=True)
        releaser.start()
        job_cancel(job=job, actor=actor)
        releaser.join(timeout=30)

    # then: it stops with part of the town assessed, each of those once
    job = _wait_finished(job.pk)
    assert job.status == JobStatus.CANCELLED, _job_log(job)
    chunks = list(job.chunks.all())
    done = [c for c in chunks if c.status == ChunkStatus.DONE]
    cancelled = [c for c in chunks if c.status == ChunkStatus.CANCELLED]
    assert len(done) >= 2 and len(cancelled) >= 1, [(c.index, c.status) for c in chunks]
    assert len(done) + len(cancelled) == len(chunks)
    current = Fuka.objects.filter(fiscal_year=FISCAL_YEAR, is_current=True)
    assert current.count() == sum(c.size for c in done) == job.done < job.total
    with pytest.raises(JobRefused):
        job_cancel(job=job, actor=actor)

    # when: it is resumed (the cancelled chunks only)
    assert job_retry_failed(job=job, actor=actor) == len(cancelled)
    job = _wait_finished(job.pk)

    # then: everyone is assessed once; no chunk that was done ran again
    _assert_everyone_assessed_once(job)
    attempts = dict(job.chunks.values_list("index", "attempts"))
    assert all(attempts[c.index] == 1 for c in done), attempts
    assert set(attempts.values()) == {1}, attempts
    _assert_other_town_untouched(job)


def test_the_other_town_sees_neither_the_job_nor_its_assessments(
    celery_worker: CeleryWorker, in_hayama: Town, actor: Actor
) -> None:
    # given: 寒川町 does not subscribe to 個人住民税: it cannot start the job
    beta = load_world().beta
    with tenant_context(beta.municipality):
        with pytest.raises(JobRefused):
            job_start(kind=KIND, params={"fiscal_year": FISCAL_YEAR}, actor=actor)
        assert not Job.objects.filter(kind=KIND).exists()

    # when: 葉山町 runs it on the worker
    job = _wait_finished(_start(actor).pk)

    # then: 葉山町 has its assessments, 寒川町 nothing of them
    _assert_everyone_assessed_once(job)
    _assert_other_town_untouched(job)
    with connection.cursor() as cur:  # (schema-qualified: no search_path involved)
        counts = {}
        for town in (in_hayama, beta):
            cur.execute(
                sql.SQL("SELECT count(*) FROM {} WHERE job_id = %s").format(
                    sql.Identifier(town.schema, Fuka._meta.db_table)
                ),
                [job.pk],
            )
            counts[town.schema] = cur.fetchone()[0]
    assert counts == {in_hayama.schema: job.total, beta.schema: 0}
