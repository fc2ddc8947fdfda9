"""Dead chunks are found by their heartbeat and sent again by the watchdog; an attempt
taken for dead cannot record its result; a message of an earlier sending is dropped.

(The heartbeat thread itself, and the watchdog run by beat, are exercised on a real
worker killed with SIGKILL: tests/integration/test_worker_dead.py.)
"""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor, access_record
from tenants.jobs.heartbeat import ChunkHeartbeat
from tenants.jobs.models import ChunkStatus, Job, JobChunk, JobStatus
from tenants.jobs.services import (
    WATCHDOG,
    dead_chunks,
    job_cancel,
    job_requeue_dead_chunks,
    job_start,
)
from tenants.jobs.tasks import requeue_dead_chunks, run_job_chunk
from tenants.tasks import dispatch_for_all_municipalities
from tests.personas import ALPHA_HOST, BETA_HOST

ACTOR = Actor(user_id=None, username="tester")
LONG_AGO = timedelta(minutes=2)  # more than JC_JOB_DEAD_AFTER_SECONDS (60 s)


def _running(chunk: JobChunk, *, silent_for: timedelta, attempts: int = 1) -> None:
    """As a worker leaves a chunk: 実行中, last heartbeat ``silent_for`` ago."""
    beat = timezone.now() - silent_for
    JobChunk.objects.filter(pk=chunk.pk).update(
        status=ChunkStatus.RUNNING, attempts=attempts, started_at=beat, heartbeat_at=beat
    )


def _job_with_chunks(n: int = 30) -> tuple[Job, list[JobChunk]]:
    """A job whose chunks were not sent (no on-commit execution), marked 実行中."""
    job = job_start(kind="test_counting", params={"n": n, "per": 10}, actor=ACTOR)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    return job, list(job.chunks.order_by("index"))


def _job_rows_in_beta(n: int) -> tuple[Job, list[JobChunk]]:
    """The same, written directly: 寒川町 does not subscribe 個人住民税, the counting
    kind's module (a job of it left over from before a subscription ended)."""
    job = Job.objects.create(
        kind="test_counting",
        gyomu="kojin_juminzei",
        title="テスト用の集計",
        params={"n": n, "per": 10},
        status=JobStatus.RUNNING,
        total=n,
    )
    chunks = [
        JobChunk.objects.create(job=job, index=i, params={"start": s}, size=min(10, n - s))
        for i, s in enumerate(range(0, n, 10))
    ]
    return job, chunks


def test_a_dead_chunk_is_sent_again_and_a_live_one_is_not(
    world, counting, login, django_capture_on_commit_callbacks
):
    with schema_context(world.beta.schema):
        # given: in 寒川町, a dead chunk too
        beta_job, beta_chunks = _job_rows_in_beta(10)
        _running(beta_chunks[0], silent_for=LONG_AGO)
    with schema_context(world.alpha.schema):
        # given: in 葉山町, chunk 1 dead (no heartbeat for 2 minutes), chunk 2 alive
        # (beat 5 s ago, however long it has run), chunk 3 waiting in the queue
        job, chunks = _job_with_chunks(30)
        _running(chunks[0], silent_for=LONG_AGO)
        _running(chunks[1], silent_for=timedelta(seconds=5))
        JobChunk.objects.filter(pk=chunks[1].pk).update(
            started_at=timezone.now() - timedelta(hours=3)
        )
        assert list(dead_chunks().values_list("pk", flat=True)) == [chunks[0].pk]

        # when: the watchdog's round in 葉山町 (the chunk it sends runs inline here)
        with django_capture_on_commit_callbacks(execute=True):
            taken = requeue_dead_chunks.apply(headers={"_schema_name": world.alpha.schema}).get()

        # then: only the dead chunk ran again, as its second attempt and second sending
        assert taken == 1
        assert counting.ran == [0]
        first, second, third = (JobChunk.objects.get(pk=c.pk) for c in chunks)
        assert (first.status, first.attempts, first.dispatch, first.done) == (
            ChunkStatus.DONE,
            2,
            2,
            10,
        )
        assert (second.status, second.attempts, second.dispatch) == (ChunkStatus.RUNNING, 1, 1)
        assert third.status == ChunkStatus.PENDING
        log = list(job.log.values_list("message", flat=True))
        assert log.count("処理単位1を再実行しました（担当プロセスの停止を検出）。") == 1
        assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING  # two chunks open
        # and: a second round finds nothing more
        assert job_requeue_dead_chunks(actor=WATCHDOG) == 0

    # and: the job page shows it
    page = login("hayama-clerk", ALPHA_HOST).get(f"/jobs/{job.pk}/").content.decode()
    assert "処理単位1を再実行しました（担当プロセスの停止を検出）。" in page

    # and: 寒川町's staff, on their own host, do not see it (a job of theirs with the
    # same id, if any, has no such line yet)
    other = login("samukawa-clerk", BETA_HOST).get(f"/jobs/{job.pk}/")
    assert "処理単位1を再実行しました" not in other.content.decode()
    with schema_context(world.beta.schema):
        # and: 寒川町's dead chunk was not touched by 葉山町's round ...
        untouched = JobChunk.objects.get(pk=beta_chunks[0].pk)
        assert (untouched.status, untouched.attempts, untouched.dispatch) == (
            ChunkStatus.RUNNING,
            1,
            1,
        )
        assert not beta_job.log.filter(message__contains="担当プロセスの停止").exists()
        # ... and its own round takes it
        with django_capture_on_commit_callbacks(execute=True):
            assert job_requeue_dead_chunks(actor=WATCHDOG) == 1
        beta_job.refresh_from_db()
        assert (beta_job.status, beta_job.done) == (JobStatus.SUCCEEDED, 10)


def test_a_dead_chunk_of_a_job_being_cancelled_is_cancelled(
    world, counting, django_capture_on_commit_callbacks
):
    with schema_context(world.alpha.schema):
        # given: a cancel asked while chunk 1's worker was dying
        job, chunks = _job_with_chunks(20)
        _running(chunks[0], silent_for=LONG_AGO)
        job_cancel(job=job, actor=ACTOR)
        # when
        with django_capture_on_commit_callbacks(execute=True):
            assert job_requeue_dead_chunks(actor=WATCHDOG) == 1
        job.refresh_from_db()
        # then: nothing ran; the job is 中止, and says why the chunk stopped
        assert counting.ran == []
        assert set(job.chunks.values_list("status", flat=True)) == {ChunkStatus.CANCELLED}
        assert job.status == JobStatus.CANCELLED
        assert job.log.filter(
            message="処理単位1を中止しました（担当プロセスの停止を検出）。"
        ).exists()


def test_an_attempt_taken_for_dead_records_nothing(
    world, counting, monkeypatch, django_capture_on_commit_callbacks
):
    with schema_context(world.alpha.schema):
        job, chunks = _job_with_chunks(10)
        real_run = counting.run_chunk

        def stalled_then_back(job_: Job, chunk: JobChunk):
            # the kind writes (in the attempt's transaction) ...
            access_record(actor=ACTOR, action="read", screen="superseded-attempt")
            # ... while the watchdog, meanwhile, took the chunk over: a newer attempt
            JobChunk.objects.filter(pk=chunk.pk).update(attempts=F("attempts") + 1)
            return real_run(job_, chunk)

        monkeypatch.setattr(counting, "run_chunk", stalled_then_back)
        # when: the old attempt comes back and finishes
        run_job_chunk(job.pk, chunks[0].pk)
        # then: nothing it wrote counts: not its rows, not the chunk, not the job
        assert not AccessLog.objects.filter(screen="superseded-attempt").exists()
        chunk = JobChunk.objects.get(pk=chunks[0].pk)
        assert (chunk.status, chunk.done) == (ChunkStatus.RUNNING, 0)
        job.refresh_from_db()
        assert (job.done, job.failed, job.status) == (0, 0, JobStatus.RUNNING)
        assert job.log.filter(
            level="warning", message__contains="処理単位1の1回目の試行は、停止と判定されて"
        ).exists()


def test_a_message_of_an_earlier_sending_is_dropped(
    world, counting, django_capture_on_commit_callbacks
):
    with schema_context(world.alpha.schema):
        # given: chunk 1 sent a second time by the watchdog, not yet taken
        job, chunks = _job_with_chunks(10)
        _running(chunks[0], silent_for=LONG_AGO)
        job_requeue_dead_chunks(actor=WATCHDOG)  # (its message is not sent here)
        assert JobChunk.objects.get(pk=chunks[0].pk).dispatch == 2
        # when: the broker gives back the dead worker's message, of the first sending
        run_job_chunk(job.pk, chunks[0].pk, dispatch=1)
        # then: dropped
        assert counting.ran == []
        assert JobChunk.objects.get(pk=chunks[0].pk).attempts == 1
        # when: the second sending's message arrives
        run_job_chunk(job.pk, chunks[0].pk, dispatch=2)
        # then: it runs
        assert counting.ran == [0]
        assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED


def test_a_heartbeat_beats_only_for_the_current_attempt(world, counting):
    with schema_context(world.alpha.schema):
        _, chunks = _job_with_chunks(10)
        _running(chunks[0], silent_for=timedelta(seconds=50))
        before = JobChunk.objects.get(pk=chunks[0].pk).heartbeat_at
        beat = ChunkHeartbeat(schema_name=world.alpha.schema, chunk_id=chunks[0].pk, attempt=1)
        # when: a beat of the running attempt
        assert beat._beat() is True
        # then: stamped with the database's clock
        after = JobChunk.objects.get(pk=chunks[0].pk).heartbeat_at
        assert before is not None and after is not None and after > before
        # when: the chunk was sent again (a newer attempt runs): the old beat stops
        JobChunk.objects.filter(pk=chunks[0].pk).update(attempts=2)
        assert beat._beat() is False


def test_progress_reported_by_the_work_is_written_by_the_heartbeat(world, counting):
    """A chunk's work cannot show its progress (its transaction commits at the end): it
    reports it, and the heartbeat's own connection writes it; the job page counts it."""
    from tenants.jobs.heartbeat import report_progress
    from tenants.selectors.jobs import with_progress

    with schema_context(world.alpha.schema):
        job, chunks = _job_with_chunks(10)
        _running(chunks[0], silent_for=timedelta(seconds=1))
        report_progress(5)  # outside a chunk: nothing happens
        beat = ChunkHeartbeat(schema_name=world.alpha.schema, chunk_id=chunks[0].pk, attempt=1)
        with mock.patch("tenants.jobs.heartbeat._current") as current:
            current.beat = beat
            report_progress(7)
        assert beat.progress == 7
        assert beat._beat() is True
        assert JobChunk.objects.get(pk=chunks[0].pk).done == 7
        shown = with_progress(Job.objects.get(pk=job.pk))
        assert (shown.in_flight, shown.done_so_far, shown.percent) == (7, 7, 70)
        # a chunk no longer running counts only through the job's own totals
        JobChunk.objects.filter(pk=chunks[0].pk).update(status=ChunkStatus.PENDING)
        assert with_progress(Job.objects.get(pk=job.pk)).in_flight == 0


def test_the_watchdog_is_on_beats_schedule_and_its_rounds_expire():
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-dead-job-chunks"]
    assert entry["task"] == "tenants.tasks.dispatch_for_all_municipalities"
    assert entry["args"] == ["tenants.jobs.tasks.requeue_dead_chunks"]
    assert entry["schedule"] == settings.JC_JOB_WATCHDOG_SECONDS == 30
    # a dead chunk is sent again within two minutes of its process's death (issue 12)
    assert settings.JC_JOB_DEAD_AFTER_SECONDS + settings.JC_JOB_WATCHDOG_SECONDS <= 120
    # and a live one, beating, is far from dead
    assert settings.JC_JOB_DEAD_AFTER_SECONDS >= 5 * settings.JC_JOB_HEARTBEAT_SECONDS


def test_each_round_is_sent_to_every_town_with_an_expiry(world):
    with mock.patch("tenants.tasks.current_app.send_task") as send:
        count = dispatch_for_all_municipalities(
            "tenants.jobs.tasks.requeue_dead_chunks", expires=30.0
        )
    assert count == 2
    assert sorted(
        (call.args[0], call.kwargs["headers"]["_schema_name"], call.kwargs["expires"])
        for call in send.call_args_list
    ) == sorted(
        ("tenants.jobs.tasks.requeue_dead_chunks", schema, 30.0)
        for schema in (world.alpha.schema, world.beta.schema)
    )
