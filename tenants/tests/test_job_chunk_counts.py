"""A chunk's counts (``ChunkResult.counts``): stored with its DONE mark in its own
transaction, added up at the finish, once per chunk however often it ran."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.accesslog.services import Actor
from tenants.jobs.models import ChunkStatus, Job, JobChunk, JobStatus
from tenants.jobs.services import job_retry_failed, job_start
from tenants.jobs.tasks import run_job_chunk
from tenants.selectors.jobs import job_chunk_counts

ACTOR = Actor(user_id=None, username="tester")


def test_the_finish_adds_up_each_chunks_counts_once(
    world, counting, django_capture_on_commit_callbacks
):
    with schema_context(world.alpha.schema):
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(kind="test_counting", params={"n": 25, "per": 10}, actor=ACTOR)
        # then: 0…24 holds 13 even and 12 odd numbers, counted by three chunks
        assert counting.finished_counts[job.pk] == {"even": 13, "odd": 12}
        assert sorted(job.chunks.values_list("counts", flat=True), key=str) == [
            {"even": 3, "odd": 2},
            {"even": 5, "odd": 5},
            {"even": 5, "odd": 5},
        ]
        # when: a chunk's message is delivered again (acks_late)
        run_job_chunk(job.pk, job.chunks.get(index=0).pk)
        # then: it is not counted twice
        assert job_chunk_counts(job.pk) == {"even": 13, "odd": 12}


def test_a_failed_chunk_counts_nothing_until_its_rerun_succeeds(
    world, counting, django_capture_on_commit_callbacks
):
    counting.fail = {1}
    with schema_context(world.alpha.schema):
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(kind="test_counting", params={"n": 30, "per": 10}, actor=ACTOR)
        failed = job.chunks.get(index=1)
        assert (failed.status, failed.counts) == (ChunkStatus.FAILED, None)
        assert job_chunk_counts(job.pk) == {"even": 10, "odd": 10}
        assert job.pk not in counting.finished_counts  # (no finish of a failed job)
        counting.fail = set()
        with django_capture_on_commit_callbacks(execute=True):
            assert job_retry_failed(job=job, actor=ACTOR) == 1
        job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert counting.finished_counts[job.pk] == {"even": 15, "odd": 15}


def test_a_killed_chunk_sent_again_is_counted_once(
    world, counting, django_capture_on_commit_callbacks
):
    with schema_context(world.alpha.schema):
        # given: chunk 0 was running in a worker that was killed: its transaction (rows,
        # counts, DONE mark) never committed, so it is left RUNNING without counts
        job = job_start(kind="test_counting", params={"n": 30, "per": 10}, actor=ACTOR)
        chunks = list(job.chunks.order_by("index"))
        job.chunks.filter(pk=chunks[0].pk).update(
            status=ChunkStatus.RUNNING,
            attempts=1,
            started_at=timezone.now() - timedelta(minutes=31),
            heartbeat_at=timezone.now() - timedelta(minutes=31),
        )
        for chunk in chunks[1:]:
            run_job_chunk(job.pk, chunk.pk)
        assert job_chunk_counts(job.pk) == {"even": 10, "odd": 10}
        # when: it is sent again and runs to its end
        with django_capture_on_commit_callbacks(execute=True):
            assert job_retry_failed(job=job, actor=ACTOR) == 1
        job.refresh_from_db()
        # then: every number counted once, and a late duplicate of the message adds nothing
        assert job.status == JobStatus.SUCCEEDED
        assert counting.finished_counts[job.pk] == {"even": 15, "odd": 15}
        run_job_chunk(job.pk, chunks[0].pk)
        assert job_chunk_counts(job.pk) == {"even": 15, "odd": 15}


def test_each_town_adds_up_only_its_own_chunks(world, counting, django_capture_on_commit_callbacks):
    # (a count no other test makes: 0…9,972 holds 4,987 even and 4,986 odd numbers)
    alpha_counts = {"even": 4987, "odd": 4986}
    with schema_context(world.alpha.schema), django_capture_on_commit_callbacks(execute=True):
        alpha_job = job_start(kind="test_counting", params={"n": 9973, "per": 10000}, actor=ACTOR)
    with schema_context(world.beta.schema):
        # 寒川町 (without 個人住民税) has a done job of its own, with its chunk's counts
        beta_job = Job.objects.create(kind="other", gyomu="other", title="寒川町の処理")
        JobChunk.objects.create(
            job=beta_job, index=0, size=7, status=ChunkStatus.DONE, counts={"even": 4, "odd": 3}
        )
        # it adds up its own job's chunks, and never 葉山町's (job ids are per town: the
        # same number there is another job, or none)
        assert job_chunk_counts(beta_job.pk) == {"even": 4, "odd": 3}
        assert job_chunk_counts(alpha_job.pk) != alpha_counts
    with schema_context(world.alpha.schema):
        assert job_chunk_counts(alpha_job.pk) == alpha_counts
        assert job_chunk_counts(beta_job.pk) != {"even": 4, "odd": 3}
