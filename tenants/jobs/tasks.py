"""Workers' side of jobs. Each task takes ids only, re-reads its rows, and returns
quietly when they are gone or already done (acks_late may deliver a chunk twice)."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import Now
from django.utils import timezone
from tenant_schemas_celery.task import TenantTask

from tenants.db import connection
from tenants.jobs.heartbeat import ChunkHeartbeat
from tenants.jobs.models import ChunkStatus, Job, JobChunk, JobLogLine, JobStatus
from tenants.jobs.registry import get_kind

logger = logging.getLogger(__name__)


class _Superseded(Exception):
    """This attempt is no longer the chunk's current one: its result must not count."""


def _record(chunk_id: int, attempt: int, **fields: Any) -> bool:
    """The fence: write a result only while ``attempt`` is still the chunk's running
    attempt. The row lock this UPDATE takes orders it against a takeover, so exactly one
    of the two wins (READ COMMITTED re-checks the condition after the wait)."""
    return bool(
        JobChunk.objects.filter(pk=chunk_id, attempts=attempt, status=ChunkStatus.RUNNING).update(
            **fields
        )
    )


@shared_task(base=TenantTask, acks_late=True)
def run_job_chunk(job_id: int, chunk_id: int, dispatch: int | None = None) -> None:
    """Run one chunk. ``dispatch`` is the chunk's dispatch number when it was sent (None
    from messages sent before numbers existed): a message of an earlier sending is dropped.

    While the kind works, a thread beats (tenants/jobs/heartbeat.py); the result is
    recorded in the kind's own transaction only if this attempt is still current, so a
    process that was taken for dead and comes back writes nothing."""
    with transaction.atomic():
        chunk = (
            JobChunk.objects.select_for_update(of=("self",))
            .filter(pk=chunk_id, job_id=job_id)
            .first()
        )
        if chunk is None or chunk.status in {ChunkStatus.DONE, ChunkStatus.CANCELLED}:
            return
        if dispatch is not None and dispatch != chunk.dispatch:
            logger.info("job %s chunk %s: message of an earlier sending dropped", job_id, chunk_id)
            return
        job = Job.objects.get(pk=job_id)
        if job.cancel_requested:
            chunk.status = ChunkStatus.CANCELLED
            chunk.save(update_fields=["status"])
            finish_needed = True
        else:
            finish_needed = False
            chunk.status = ChunkStatus.RUNNING
            chunk.attempts += 1
            chunk.started_at = timezone.now()
            chunk.heartbeat_at = Now()
            chunk.save(update_fields=["status", "attempts", "started_at", "heartbeat_at"])
            if job.status == JobStatus.QUEUED:
                Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
                    status=JobStatus.RUNNING, started_at=timezone.now()
                )
    if finish_needed:
        _maybe_finish(job_id)
        return

    attempt = chunk.attempts
    with ChunkHeartbeat(schema_name=connection.schema_name, chunk_id=chunk_id, attempt=attempt):
        if not _run_attempt(job, chunk, attempt):
            return
    _maybe_finish(job_id)


def _run_attempt(job: Job, chunk: JobChunk, attempt: int) -> bool:
    """The kind's work and its result in one transaction; False when superseded."""
    kind = get_kind(job.kind)
    try:
        if kind is None:
            raise LookupError(f"job kind {job.kind} is not registered")
        with transaction.atomic():
            result = kind.run_chunk(job, chunk)
            # (the job's row first, the chunk's last: the chunk's row is locked only for
            # the moment before the commit, and a heartbeat never waits for it)
            Job.objects.filter(pk=job.pk).update(
                done=F("done") + result.done, failed=F("failed") + result.failed
            )
            recorded = _record(
                chunk.pk,
                attempt,
                status=ChunkStatus.DONE,
                done=result.done,
                failed=result.failed,
                # (replaced, not added: a chunk that runs again leaves its last counts)
                counts=dict(result.counts) if result.counts is not None else None,
                finished_at=timezone.now(),
                error="",
            )
            if not recorded:
                raise _Superseded
    except _Superseded:
        _log_superseded(job, chunk, attempt)
        return False
    except Exception as exc:
        logger.exception("job %s chunk %s failed", job.pk, chunk.pk)
        with transaction.atomic():
            failed = _record(
                chunk.pk,
                attempt,
                status=ChunkStatus.FAILED,
                failed=chunk.size,
                counts=None,
                error=type(exc).__name__,
                finished_at=timezone.now(),
            )
            if not failed:
                _log_superseded(job, chunk, attempt)
                return False
            Job.objects.filter(pk=job.pk).update(failed=F("failed") + chunk.size)
            JobLogLine.objects.create(
                job_id=job.pk,
                level="error",
                message=(
                    f"処理単位{chunk.index + 1}でエラーが発生しました（{type(exc).__name__}）。"
                    # an error that carries a message safe to show (no personal data)
                    + str(getattr(exc, "public_message", ""))
                ),
            )
    return True


def _log_superseded(job: Job, chunk: JobChunk, attempt: int) -> None:
    logger.warning(
        "job %s chunk %s: attempt %s superseded, result discarded", job.pk, chunk.pk, attempt
    )
    JobLogLine.objects.create(
        job_id=job.pk,
        level="warning",
        message=(
            f"処理単位{chunk.index + 1}の{attempt}回目の試行は、停止と判定されて再実行されたため、"
            "結果を破棄しました。"
        ),
    )


def _maybe_finish(job_id: int) -> None:
    open_chunks = JobChunk.objects.filter(
        job_id=job_id, status__in=[ChunkStatus.PENDING, ChunkStatus.RUNNING]
    ).exists()
    if not open_chunks:
        finish_job(job_id)


@shared_task(base=TenantTask, acks_late=True)
def finish_job(job_id: int) -> None:
    """Close a job exactly once, when no chunk is open any more."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return
        chunks = JobChunk.objects.filter(job=job)
        if chunks.filter(status__in=[ChunkStatus.PENDING, ChunkStatus.RUNNING]).exists():
            return
        totals = chunks.aggregate(done=Sum("done"), failed=Sum("failed"))
        job.done = totals["done"] or 0
        job.failed = totals["failed"] or 0
        if chunks.filter(status=ChunkStatus.CANCELLED).exists():
            job.status = JobStatus.CANCELLED
            message = "処理を中止しました。"
        elif chunks.filter(status=ChunkStatus.FAILED).exists():
            job.status = JobStatus.FAILED
            message = "一部の処理単位が失敗しました。失敗分のみ再実行できます。"
        else:
            kind = get_kind(job.kind)
            outcome = kind.finish(job) if kind is not None else None
            job.status = JobStatus.SUCCEEDED
            message = f"正常に終了しました（{job.done}件）。"
            if outcome is not None:
                job.status = JobStatus.FAILED if outcome.failed else JobStatus.SUCCEEDED
                message = outcome.message
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "done", "failed", "finished_at"])
        JobLogLine.objects.create(job=job, message=message)


@shared_task(base=TenantTask, acks_late=True)
def requeue_dead_chunks() -> int:
    """Periodic, per municipality (beat → tenants.tasks.dispatch_for_all_municipalities,
    every JC_JOB_WATCHDOG_SECONDS): send again the chunks whose process is gone."""
    from tenants.jobs.services import WATCHDOG, job_requeue_dead_chunks

    return job_requeue_dead_chunks(actor=WATCHDOG)
