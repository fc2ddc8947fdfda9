"""The only worker killed with SIGKILL (its main process and its pool) in the middle of a
chunk: a new worker is started, beat runs on, and nothing else is done by hand. The
watchdog (heartbeats of running chunks, checked per municipality by a beat task) finds
the dead chunk, sends it again and says so in the job log; the job ends 正常終了 with
every row once.

Before that, the same chunk is kept waiting (this test holds the job's row) for longer
than a chunk may go without a heartbeat: alive, it keeps beating and is not dead.

The services get short thresholds through their environment (heartbeat every second,
dead after 4 s, watchdog every second), and a queue of their own, so no other worker of
the session can take the work.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import ChunkStatus, Job, JobChunk, JobStatus
from tenants.jobs.services import dead_chunks, job_start
from tenants.models import StaffUser
from tests.integration import wait_until
from tests.integration.conftest import (
    forget_queue,
    forget_service,
    start_celery_beat,
    start_celery_worker,
)
from tests.integration.exports import export_rows_and_filler
from tests.integration.locks import JobRowLock
from tests.personas import load_world

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("committed")]

HEARTBEAT_SECONDS = 1
DEAD_AFTER_SECONDS = 4
WATCHDOG_SECONDS = 1
# From the kill to 正常終了: the dead session's end, a worker's start (≈5 s here), the
# three chunks still queued, the watchdog's next round, the chunk again, the finish.
RECOVERY_TIMEOUT = 40.0


@pytest.fixture
def services_env(service_env: dict[str, str]) -> Iterator[dict[str, str]]:
    """The session's service environment with short job thresholds and a new queue;
    this process sends its tasks there too."""
    from config.celery import app

    env = {
        **service_env,
        "JC_CELERY_QUEUE": f"test-dead-{uuid.uuid4().hex}",
        "JC_JOB_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
        "JC_JOB_DEAD_AFTER_SECONDS": str(DEAD_AFTER_SECONDS),
        "JC_JOB_WATCHDOG_SECONDS": str(WATCHDOG_SECONDS),
    }
    saved = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = env["JC_CELERY_QUEUE"]
    try:
        yield env
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = saved
        forget_queue(env["JC_CELERY_QUEUE"])


def _backend_alive(pid: int) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_stat_clear_snapshot()")
        cur.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cur.fetchone() is not None


def _job_log(job_id: int) -> list[str]:
    return list(Job.objects.get(pk=job_id).log.values_list("message", flat=True))


def test_the_only_worker_killed_mid_chunk_recovers_by_itself(
    services_env: dict[str, str],
    service_log_dir: Path,
    hayama_access_rows: int,
    media_root: Path,
    settings: Any,
) -> None:
    settings.JC_JOB_DEAD_AFTER_SECONDS = DEAD_AFTER_SECONDS  # (for dead_chunks() here)
    town = load_world().alpha
    user = StaffUser.objects.get(username="hayama-admin")
    actor = Actor(user_id=user.pk, username=user.username)
    today = timezone.localdate()
    params = {"date_from": (today - timedelta(days=1)).isoformat(), "date_to": today.isoformat()}
    started: list[Any] = []

    try:
        with tenant_context(town.municipality):
            # given: a job of several chunks waiting in the queue, already 実行中 (so a
            # chunk's first step does not need the job's row)
            job = job_start(kind="accesslog_export", params=params, actor=actor)
            assert job.chunks.count() >= 3
            Job.objects.filter(pk=job.pk).update(
                status=JobStatus.RUNNING, started_at=timezone.now()
            )
            lock = JobRowLock(town.schema, job.pk)
            try:
                # and: the only worker, and beat
                worker = start_celery_worker(services_env, service_log_dir, name="worker-a")
                started.append(worker)
                started.append(start_celery_beat(services_env, service_log_dir))
                blocked = wait_until(lock.waiting, timeout=30, what="the first chunk to block")
                assert len(blocked) == 1, blocked
                running = JobChunk.objects.get(job=job, status=ChunkStatus.RUNNING)
                assert running.attempts == 1
                first_beat = running.heartbeat_at
                assert first_beat is not None

                # when: the chunk waits longer than a chunk may go without a heartbeat
                time.sleep(DEAD_AFTER_SECONDS + 2)

                # then: it is alive, and so not dead: it kept beating
                running.refresh_from_db()
                assert running.status == ChunkStatus.RUNNING and running.attempts == 1
                assert running.heartbeat_at is not None and running.heartbeat_at > first_beat
                assert timezone.now() - running.heartbeat_at < timedelta(seconds=DEAD_AFTER_SECONDS)
                assert not dead_chunks().exists()

                # when: the only worker is killed, main process and pool, mid-chunk
                os.killpg(worker.process.pid, signal.SIGKILL)
                worker.process.wait(timeout=10)
                killed_at = time.monotonic()
            finally:
                lock.release()
            # (the job's row is free: the killed session gets it, finds its client gone
            # and rolls back)
            wait_until(
                lambda: not _backend_alive(blocked[0]),
                timeout=30,
                what="the killed process's session to end",
            )
            assert JobChunk.objects.get(pk=running.pk).status == ChunkStatus.RUNNING

            # and: a new worker is started; beat runs on; nothing else is done by hand
            started.append(start_celery_worker(services_env, service_log_dir, name="worker-b"))

            def finished() -> Job | None:
                current = Job.objects.get(pk=job.pk)
                return current if current.is_finished else None

            job = wait_until(finished, timeout=RECOVERY_TIMEOUT, what="the job to finish")
            recovered_in = time.monotonic() - killed_at

            # then: 正常終了, the dead chunk ran twice, the others once, every row once
            log = _job_log(job.pk)
            assert job.status == JobStatus.SUCCEEDED, log
            assert job.done == job.total >= hayama_access_rows
            assert job.failed == 0
            attempts = dict(job.chunks.values_list("index", "attempts"))
            assert attempts.pop(running.index) == 2
            assert set(attempts.values()) == {1}
            written, filler = export_rows_and_filler(job, media_root, town.schema)
            assert written == job.total
            assert len(filler) == hayama_access_rows
            assert set(filler.values()) == {1}

            # and: the job page's log says which chunk was sent again, and why, once
            requeued = [m for m in log if "担当プロセスの停止を検出" in m]
            assert requeued == [
                f"処理単位{running.index + 1}を再実行しました（担当プロセスの停止を検出）。"
            ], log
            assert recovered_in < RECOVERY_TIMEOUT
    finally:
        for service in reversed(started):
            forget_service(service)
