"""Writes on jobs: start, cancel, retry failed chunks, send dead chunks again. One door
each."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Now
from django.utils import timezone

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.db import connection
from tenants.jobs.heartbeat import dead_after
from tenants.jobs.models import ChunkStatus, Job, JobChunk, JobLogLine, JobStatus
from tenants.jobs.registry import get_kind
from tenants.selectors.current import current_municipality
from tenants.selectors.gyomu import gyomu_is_subscribed

logger = logging.getLogger(__name__)


class JobRefused(Exception):
    """A job that may not start; the message is Japanese and shown to the clerk."""


#: Who sends dead chunks again (the job log names no person for it).
WATCHDOG = Actor(user_id=None, username="watchdog")

#: At most this many dead chunks are taken over per municipality and round.
REQUEUE_BATCH = 500


def _dispatch_chunks(job_id: int, sendings: list[tuple[int, int]]) -> None:
    """Send (chunk id, dispatch number) pairs; a worker drops a message whose number is
    not the chunk's current one."""
    from tenants.jobs.tasks import run_job_chunk

    schema = connection.schema_name
    for chunk_id, dispatch in sendings:
        run_job_chunk.apply_async(
            args=[job_id, chunk_id], kwargs={"dispatch": dispatch}, headers={"_schema_name": schema}
        )


def _send_again(chunks: list[JobChunk]) -> list[tuple[int, int]]:
    """Reset locked chunks to 未処理 under a new dispatch number; the caller sends them
    after commit (their counts were never added to the job's unless they were done)."""
    for chunk in chunks:
        chunk.status = ChunkStatus.PENDING
        chunk.error = ""
        chunk.done = 0
        chunk.failed = 0
        chunk.dispatch += 1
    JobChunk.objects.bulk_update(chunks, ["status", "error", "done", "failed", "dispatch"])
    return [(chunk.pk, chunk.dispatch) for chunk in chunks]


def refuse_if_running(job: Job, *, kinds: Iterable[str], param: str, message: str) -> Any:
    """Inside ``job.plan`` (job_start's transaction): refuse a second job of ``kinds`` for the
    same ``job.params[param]`` (a 年度, a 年 …) while one is queued or running in this town.

    Two clerks pressing 開始 at once are serialised by a transaction-scoped advisory lock keyed
    on the kinds and the value, so exactly one job is created; the other gets JobRefused with
    ``message`` (Japanese, shown to the clerk). Returns the value of ``job.params[param]``."""
    kinds = sorted(kinds)
    value = job.params[param]
    key = zlib.crc32(f"{','.join(kinds)}:{param}={value}".encode())
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [key])
    busy = (
        Job.objects.filter(kind__in=kinds, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        .filter(**{f"params__{param}": value})
        .exclude(pk=job.pk)
        .exists()
    )
    if busy:
        raise JobRefused(message)
    return value


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
        sendings = [(c.pk, c.dispatch) for c in chunks]
        if not sendings:
            transaction.on_commit(lambda: _finish_job_by_id(job.pk))
        else:
            transaction.on_commit(lambda: _dispatch_chunks(job.pk, sendings))
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
    """How long a running chunk may stay silent before the job page offers to send it
    again by hand: the watchdog should have done it long before (it is not running?)."""
    return timedelta(seconds=int(settings.JC_JOB_STALE_SECONDS))


def _silent_since(cutoff: Any) -> Q:
    """Running, and no heartbeat since ``cutoff`` (a chunk started by a worker of an
    older release has none: its start counts)."""
    return Q(status=ChunkStatus.RUNNING) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )


def stale_chunks(job: Job) -> QuerySet[JobChunk]:
    """Chunks of ``job`` silent for longer than :func:`stale_after`. Sending them again is
    safe: chunks are idempotent, and only the latest attempt may record its result."""
    return JobChunk.objects.filter(_silent_since(timezone.now() - stale_after()), job=job)


def dead_chunks() -> QuerySet[JobChunk]:
    """Running chunks of this municipality whose heartbeat is older than
    JC_JOB_DEAD_AFTER_SECONDS (by the database's clock, which stamped it): their process
    is gone."""
    return JobChunk.objects.filter(_silent_since(Now() - dead_after()))


def job_retry_failed(*, job: Job, actor: Actor) -> int:
    """Send again only the chunks that failed (or were cancelled) and those stale while
    running; done ones stay done. Refused while a cancel is still winding down."""
    with transaction.atomic(durable=True):
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.cancel_requested and not locked.is_finished:
            raise JobRefused("中止の処理中です。処理が止まってから再実行してください。")
        retry = list(
            JobChunk.objects.select_for_update()
            .filter(job=locked, status__in=[ChunkStatus.FAILED, ChunkStatus.CANCELLED])
            .order_by("index")
        )
        stale = list(stale_chunks(locked).select_for_update().order_by("index"))
        if not retry and not stale:
            if not locked.is_finished:
                minutes = int(stale_after().total_seconds() // 60)
                raise JobRefused(
                    "処理中です。再実行できるのは、失敗した処理単位と、"
                    f"{minutes}分以上応答のない処理単位だけです。"
                )
            raise JobRefused("再実行する処理単位はありません。")
        failed_sum = sum(chunk.failed for chunk in retry)
        sendings = _send_again(retry + stale)
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
        transaction.on_commit(lambda: _dispatch_chunks(locked.pk, sendings))
    return len(sendings)


def job_requeue_dead_chunks(*, actor: Actor) -> int:
    """Send again every dead chunk of this municipality (:func:`dead_chunks`), each with a
    line in its job's log; a dead chunk of a job being cancelled is cancelled instead.

    Safe to run at any time and in parallel with itself: rows another transaction holds
    are skipped (a chunk recording its result, or a concurrent round), and a chunk whose
    worker was only stalled and comes back cannot record its result any more (its
    attempt number is no longer the chunk's). Returns how many chunks it took over."""
    with transaction.atomic(durable=True):
        dead = list(
            dead_chunks()
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("job")
            .order_by("job_id", "index")[:REQUEUE_BATCH]
        )
        if not dead:
            return 0
        cancelled = [c for c in dead if c.job.cancel_requested]
        again = [c for c in dead if not c.job.cancel_requested]
        for chunk in cancelled:
            chunk.status = ChunkStatus.CANCELLED
            job_log(
                chunk.job, f"処理単位{chunk.index + 1}を中止しました（担当プロセスの停止を検出）。"
            )
        JobChunk.objects.bulk_update(cancelled, ["status"])
        sendings = _send_again(again)
        for chunk in again:
            job_log(
                chunk.job,
                f"処理単位{chunk.index + 1}を再実行しました（担当プロセスの停止を検出）。",
            )
        by_job: dict[int, list[tuple[int, int]]] = {}
        for chunk, sending in zip(again, sendings, strict=True):
            by_job.setdefault(chunk.job_id, []).append(sending)
        finish = sorted({c.job_id for c in cancelled})
        logger.warning(
            "%s: %d dead chunk(s) sent again, %d cancelled",
            actor.username,
            len(again),
            len(cancelled),
        )

        def send() -> None:
            for job_id, job_sendings in by_job.items():
                _dispatch_chunks(job_id, job_sendings)
            for job_id in finish:
                _finish_job_by_id(job_id)

        transaction.on_commit(send)
    return len(dead)
