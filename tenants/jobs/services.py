"""Writes on jobs: start, cancel, retry failed chunks. One door each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.db import connection
from tenants.jobs.models import ChunkStatus, Job, JobChunk, JobLogLine, JobStatus
from tenants.jobs.registry import get_kind
from tenants.selectors.current import current_municipality
from tenants.selectors.gyomu import gyomu_is_subscribed


class JobRefused(Exception):
    """A job that may not start; the message is Japanese and shown to the clerk."""


def _dispatch_chunks(job_id: int, chunk_ids: list[int]) -> None:
    from tenants.jobs.tasks import run_job_chunk

    schema = connection.schema_name
    for chunk_id in chunk_ids:
        run_job_chunk.apply_async(args=[job_id, chunk_id], headers={"_schema_name": schema})


def job_log(job: Job, message: str, *, level: str = "info") -> None:
    JobLogLine.objects.create(job=job, message=message[:500], level=level)


def job_start(*, kind: str, params: dict[str, Any], actor: Actor) -> Job:
    """Create a job and its chunks, then send the chunks to the workers after commit.

    Refused (JobRefused) when the kind is unknown or its module is not subscribed by
    this municipality: an unsubscribed module is unreachable by batch too.
    """
    job_kind = get_kind(kind)
    if job_kind is None:
        raise JobRefused("この処理種別はありません。")
    if not gyomu_is_subscribed(
        municipality=current_municipality(), gyomu_code=job_kind.gyomu, on=timezone.localdate()
    ):
        raise JobRefused("この業務は利用契約がないため実行できません。")
    clean = job_kind.validate(params)
    with transaction.atomic(durable=True):
        job = Job.objects.create(
            kind=kind,
            gyomu=job_kind.gyomu,
            title=job_kind.title,
            params=clean,
            started_by_id=actor.user_id,
            started_by_name=actor.username or actor.api_client,
            status=JobStatus.QUEUED,
        )
        planned = job_kind.plan(job)
        chunks = JobChunk.objects.bulk_create(
            JobChunk(job=job, index=i, params=p, size=size) for i, (p, size) in enumerate(planned)
        )
        job.total = sum(c.size for c in chunks)
        job.save(update_fields=["total"])
        job_log(job, f"処理を登録しました（{len(chunks)}単位、{job.total}件）。")
        access_record(
            actor=actor,
            action=AccessAction.JOB,
            gyomu=job_kind.gyomu,
            screen=f"job:{kind}",
            record_type="job",
            record_id=job.pk,
        )
        chunk_ids = [c.pk for c in chunks]
        if not chunk_ids:
            transaction.on_commit(lambda: _finish_job_by_id(job.pk))
        else:
            transaction.on_commit(lambda: _dispatch_chunks(job.pk, chunk_ids))
    return job


def _finish_job_by_id(job_id: int) -> None:
    from tenants.jobs.tasks import finish_job

    finish_job.apply_async(args=[job_id], headers={"_schema_name": connection.schema_name})


def job_cancel(*, job: Job, actor: Actor) -> Job:
    with transaction.atomic(durable=True):
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.is_finished:
            raise JobRefused("終了した処理は中止できません。")
        locked.cancel_requested = True
        locked.save(update_fields=["cancel_requested"])
        JobChunk.objects.filter(job=locked, status=ChunkStatus.PENDING).update(
            status=ChunkStatus.CANCELLED
        )
        job_log(locked, f"{actor.username or actor.api_client} が中止を要求しました。")
        transaction.on_commit(lambda: _finish_job_by_id(locked.pk))
    return locked


def stale_after() -> timedelta:
    """How long a chunk may stay 実行中 before it counts as stale (its worker is gone)."""
    return timedelta(seconds=int(getattr(settings, "JC_JOB_STALE_SECONDS", 1800)))


def stale_chunks(job: Job) -> QuerySet[JobChunk]:
    """Chunks 実行中 for longer than :func:`stale_after`: their worker died with the message
    (a main process killed before Redis gives the message back, which takes up to the
    broker's visibility timeout). Sending them again is safe: chunks are idempotent."""
    return JobChunk.objects.filter(
        job=job, status=ChunkStatus.RUNNING, started_at__lt=timezone.now() - stale_after()
    )


def job_retry_failed(*, job: Job, actor: Actor) -> int:
    """Send again only the chunks that failed (or were cancelled) and those stale while
    running; done ones stay done. Refused while a cancel is still winding down."""
    with transaction.atomic(durable=True):
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.cancel_requested and not locked.is_finished:
            raise JobRefused("中止の処理中です。処理が止まってから再実行してください。")
        retry = list(
            JobChunk.objects.filter(
                job=locked, status__in=[ChunkStatus.FAILED, ChunkStatus.CANCELLED]
            ).values_list("pk", flat=True)
        )
        stale = list(stale_chunks(locked).values_list("pk", flat=True))
        if not retry and not stale:
            if not locked.is_finished:
                minutes = int(stale_after().total_seconds() // 60)
                raise JobRefused(
                    "処理中です。再実行できるのは、失敗した処理単位と、"
                    f"{minutes}分以上終わらない処理単位だけです。"
                )
            raise JobRefused("再実行する処理単位はありません。")
        failed_sum = sum(JobChunk.objects.filter(pk__in=retry).values_list("failed", flat=True))
        JobChunk.objects.filter(pk__in=retry + stale).update(
            status=ChunkStatus.PENDING, error="", failed=0, done=0
        )
        locked.status = JobStatus.RUNNING
        locked.cancel_requested = False
        locked.finished_at = None
        locked.failed = F("failed") - failed_sum
        locked.save(update_fields=["status", "cancel_requested", "finished_at", "failed"])
        who = actor.username or actor.api_client
        if retry:
            job_log(locked, f"{who} が失敗した{len(retry)}単位を再実行しました。")
        if stale:
            job_log(locked, f"{who} が止まっていた{len(stale)}単位を再実行しました。")
        chunk_ids = retry + stale
        transaction.on_commit(lambda: _dispatch_chunks(locked.pk, chunk_ids))
    return len(chunk_ids)
