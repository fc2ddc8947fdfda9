"""A worker process killed in the middle of a chunk loses nothing (acks_late and
reject_on_worker_lost): the chunk is delivered again, runs again from the start,
and is counted once."""

from __future__ import annotations

import os
import signal
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.accesslog.services import Actor
from tenants.jobs.models import ChunkStatus, Job, JobChunk, JobStatus
from tenants.jobs.services import job_start
from tenants.models import StaffUser
from tests.integration import wait_until
from tests.integration.exports import export_rows_and_filler
from tests.personas import load_world

if TYPE_CHECKING:
    from tests.integration.conftest import CeleryWorker

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("committed")]


def _backends_waiting_for_a_lock() -> list[int]:
    with connection.cursor() as cursor:
        # Inside a transaction pg_stat_activity is a snapshot unless cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid() ORDER BY pid"
        )
        return [int(row[0]) for row in cursor.fetchall()]


def _backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def test_chunk_of_a_killed_worker_process_runs_again_and_counts_once(
    celery_worker: CeleryWorker, hayama_access_rows: int, media_root: Path
) -> None:
    town = load_world().alpha
    user = StaffUser.objects.get(username="hayama-admin")
    actor = Actor(user_id=user.pk, username=user.username)
    today = timezone.localdate()
    params = {"date_from": (today - timedelta(days=1)).isoformat(), "date_to": today.isoformat()}

    with tenant_context(town.municipality):
        # given: a job whose chunk in progress stops, after writing its part file, at
        # the update of the job's counters (this test holds the job's row lock)
        celery_worker.pause()
        try:
            job = job_start(kind="accesslog_export", params=params, actor=actor)
            # Marked running already, so the chunk's first step does not need the lock.
            Job.objects.filter(pk=job.pk).update(
                status=JobStatus.RUNNING, started_at=timezone.now()
            )
            with transaction.atomic():
                Job.objects.select_for_update().get(pk=job.pk)
                celery_worker.resume()
                blocked = wait_until(
                    _backends_waiting_for_a_lock, timeout=30, what="the chunk to block"
                )
                assert len(blocked) == 1, blocked
                running = JobChunk.objects.get(job=job, status=ChunkStatus.RUNNING)
                assert running.attempts == 1

                # when: the process running it is killed
                pids = celery_worker.pool_pids()
                assert len(pids) == 1, pids
                os.kill(pids[0], signal.SIGKILL)

                # then: a new pool process takes the next message and waits behind the
                # killed process's session, which still holds its locks (PostgreSQL
                # notices the lost client only when it next talks to it, and then rolls
                # back). The rejected message goes back to the queue, behind the chunks
                # still waiting; the final counts show it ran again (attempts == 2).
                wait_until(
                    lambda: len(_backends_waiting_for_a_lock()) == 2,
                    timeout=30,
                    what="the chunk to be delivered again",
                )
                assert _backend_alive(blocked[0])
            # (the lock is released here)
        finally:
            celery_worker.resume()  # a no-op when already consuming

        def finished() -> Job | None:
            current = Job.objects.get(pk=job.pk)
            return current if current.is_finished else None

        job = wait_until(finished, timeout=90, what="the job to finish")

        # and: it ran to the end, and every row is in the file exactly once
        assert job.status == JobStatus.SUCCEEDED, [line.message for line in job.log.all()]
        assert job.done == job.total >= hayama_access_rows
        attempts = dict(job.chunks.values_list("index", "attempts"))
        assert attempts.pop(running.index) == 2
        assert set(attempts.values()) <= {1}
        written, filler = export_rows_and_filler(job, media_root, town.schema)
        assert written == job.total
        assert len(filler) == hayama_access_rows
        assert set(filler.values()) == {1}
    assert celery_worker.pool_pids(), "the worker did not replace its pool process"
