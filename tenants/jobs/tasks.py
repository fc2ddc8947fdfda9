"""Workers' side of jobs. Each task takes ids only, re-reads its rows, and returns
quietly when they are gone or already done (acks_late may deliver a chunk twice)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from tenant_schemas_celery.task import TenantTask

from tenants.jobs.models import ChunkStatus, Job, JobChunk, JobLogLine, JobStatus
from tenants.jobs.registry import get_kind

logger = logging.getLogger(__name__)


@shared_task(base=TenantTask, acks_late=True)
def run_job_chunk(job_id: int, chunk_id: int) -> None:
    with transaction.atomic():
        chunk = (
            JobChunk.objects.select_for_update(of=("self",))
            .filter(pk=chunk_id, job_id=job_id)
            .first()
        )
        if chunk is None or chunk.status in {ChunkStatus.DONE, ChunkStatus.CANCELLED}:
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
            chunk.save(update_fields=["status", "attempts", "started_at"])
            if job.status == JobStatus.QUEUED:
                Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
                    status=JobStatus.RUNNING, started_at=timezone.now()
                )
    if finish_needed:
        _maybe_finish(job_id)
        return

    kind = get_kind(job.kind)
    try:
        if kind is None:
            raise LookupError(f"job kind {job.kind} is not registered")
        with transaction.atomic():
            result = kind.run_chunk(job, chunk)
            JobChunk.objects.filter(pk=chunk_id).update(
                status=ChunkStatus.DONE,
                done=result.done,
                failed=result.failed,
                finished_at=timezone.now(),
                error="",
            )
            Job.objects.filter(pk=job_id).update(
                done=F("done") + result.done, failed=F("failed") + result.failed
            )
    except Exception as exc:
        logger.exception("job %s chunk %s failed", job_id, chunk_id)
        with transaction.atomic():
            JobChunk.objects.filter(pk=chunk_id).update(
                status=ChunkStatus.FAILED,
                failed=chunk.size,
                error=type(exc).__name__,
                finished_at=timezone.now(),
            )
            Job.objects.filter(pk=job_id).update(failed=F("failed") + chunk.size)
            JobLogLine.objects.create(
                job_id=job_id,
                level="error",
                message=(
                    f"処理単位{chunk.index + 1}でエラーが発生しました（{type(exc).__name__}）。"
                    # an error that carries a message safe to show (no personal data)
                    + str(getattr(exc, "public_message", ""))
                ),
            )
    _maybe_finish(job_id)


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
            if kind is not None:
                kind.finish(job)
            job.status = JobStatus.SUCCEEDED
            message = f"正常に終了しました（{job.done}件）。"
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "done", "failed", "finished_at"])
        JobLogLine.objects.create(job=job, message=message)
