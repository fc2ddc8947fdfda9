"""The job framework: chunks, progress, cancel, retry of failed chunks only."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.storage import default_storage
from django_tenants.utils import schema_context

from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor, access_record
from tenants.jobs.models import ChunkStatus, Job, JobStatus
from tenants.jobs.services import JobRefused, job_cancel, job_retry_failed, job_start
from tests.personas import ALPHA_HOST

ACTOR = Actor(user_id=None, username="tester")


def test_job_runs_all_chunks_and_finishes_once(world, counting, django_capture_on_commit_callbacks):
    with schema_context(world.alpha.schema):
        # when
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(kind="test_counting", params={"n": 25, "per": 10}, actor=ACTOR)
        job.refresh_from_db()
    # then
    assert (job.status, job.total, job.done, job.failed, job.percent) == (
        JobStatus.SUCCEEDED,
        25,
        25,
        0,
        100,
    )
    assert sorted(counting.ran) == [0, 1, 2]
    assert counting.finished == [job.pk]


def test_failed_chunk_is_retried_alone(world, counting, django_capture_on_commit_callbacks):
    counting.fail = {1}
    with schema_context(world.alpha.schema):
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(kind="test_counting", params={"n": 30, "per": 10}, actor=ACTOR)
        job.refresh_from_db()
        assert (job.status, job.done, job.failed) == (JobStatus.FAILED, 20, 10)
        # when: the cause is fixed and the failed chunks are retried
        counting.fail = set()
        counting.ran.clear()
        with django_capture_on_commit_callbacks(execute=True):
            retried = job_retry_failed(job=job, actor=ACTOR)
        job.refresh_from_db()
    # then: only chunk 1 ran again
    assert retried == 1
    assert counting.ran == [1]
    assert (job.status, job.done, job.failed) == (JobStatus.SUCCEEDED, 30, 0)


def test_cancel_stops_pending_chunks(world, counting):
    with schema_context(world.alpha.schema):
        # given: a job whose chunks were not sent yet (no on-commit execution)
        job = job_start(kind="test_counting", params={"n": 30, "per": 10}, actor=ACTOR)
        # when
        from tenants.jobs.tasks import finish_job, run_job_chunk

        job_cancel(job=job, actor=ACTOR)
        for chunk in job.chunks.all():
            run_job_chunk(job.pk, chunk.pk)
        finish_job(job.pk)
        job.refresh_from_db()
        statuses = set(job.chunks.values_list("status", flat=True))
    # then
    assert counting.ran == []
    assert job.status == JobStatus.CANCELLED
    assert statuses == {ChunkStatus.CANCELLED}


def test_cancelling_a_finished_job_is_refused(world, counting, django_capture_on_commit_callbacks):
    with schema_context(world.alpha.schema):
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(kind="test_counting", params={"n": 5}, actor=ACTOR)
        with pytest.raises(JobRefused):
            job_cancel(job=job, actor=ACTOR)


def test_a_chunk_delivered_twice_counts_once(world, counting, django_capture_on_commit_callbacks):
    from tenants.jobs.tasks import run_job_chunk

    with schema_context(world.alpha.schema):
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(kind="test_counting", params={"n": 20, "per": 10}, actor=ACTOR)
        chunk = job.chunks.get(index=0)
        run_job_chunk(job.pk, chunk.pk)
        job.refresh_from_db()
    assert job.done == 20
    assert len(counting.ran) == 2


def test_invalid_params_are_refused_before_anything_is_written(world, counting):
    with schema_context(world.alpha.schema):
        before = Job.objects.count()
        with pytest.raises(ValueError, match="件数を指定してください"):
            job_start(kind="test_counting", params={"n": 0}, actor=ACTOR)
        assert Job.objects.count() == before


def test_accesslog_export_contains_only_this_towns_rows(world, django_capture_on_commit_callbacks):
    # given
    with schema_context(world.alpha.schema):
        access_record(actor=ACTOR, action="read", screen="alpha-marker")
    with schema_context(world.beta.schema):
        access_record(actor=ACTOR, action="read", screen="beta-marker")
    with schema_context(world.alpha.schema):
        # when
        from django.utils import timezone

        today = timezone.localdate().isoformat()
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(
                kind="accesslog_export", params={"date_from": today, "date_to": today}, actor=ACTOR
            )
        job.refresh_from_db()
        result = job.files.get()
        with default_storage.open(result.path, "rb") as handle:
            text = handle.read().decode("utf-8-sig")
        expected_rows = AccessLog.objects.filter(at__date=today, at__lt=job.created_at).count()
        stored_at = default_storage.path(result.path)
    # then
    rows = list(csv.reader(io.StringIO(text)))
    assert job.status == JobStatus.SUCCEEDED
    assert rows[0][:3] == ["日時", "職員", "応援職員"]
    assert len(rows) - 1 == expected_rows == job.done
    assert "alpha-marker" in text
    assert "beta-marker" not in text
    assert result.path.startswith("jobs/")
    assert f"/{world.alpha.schema}/jobs/" in stored_at


def test_job_pages_and_progress(world, login, django_capture_on_commit_callbacks):
    client = login("hayama-admin", ALPHA_HOST)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/jobs/new/accesslog-export/", {"date_from": "令和7年4月1日", "date_to": "R8.3.31"}
        )
    assert response.status_code == 302
    detail = client.get(response["Location"])
    progress = client.get(response["Location"] + "progress/")
    assert "アクセスログ抽出" in detail.content.decode()
    assert 'aria-valuenow="100"' in progress.content.decode()
    assert "正常終了" in progress.content.decode()


def test_export_form_rejects_bad_dates_in_japanese(world, login):
    client = login("hayama-admin", ALPHA_HOST)
    response = client.post(
        "/jobs/new/accesslog-export/", {"date_from": "平成31年5月1日", "date_to": "R7.3.31"}
    )
    assert response.status_code == 200
    assert "平成" in response.content.decode()


def test_viewer_cannot_start_jobs(world, login):
    client = login("hayama-viewer", ALPHA_HOST)
    assert client.get("/jobs/new/accesslog-export/").status_code == 403


def test_a_chunk_left_running_by_a_dead_worker_is_sent_again(
    world, counting, login, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from tenants.jobs.tasks import run_job_chunk

    with schema_context(world.alpha.schema):
        # given: a job whose chunk 0 was taken by a worker that died with the message
        job = job_start(kind="test_counting", params={"n": 30, "per": 10}, actor=ACTOR)
        chunks = list(job.chunks.order_by("index"))
        job.chunks.filter(pk=chunks[0].pk).update(
            status=ChunkStatus.RUNNING, attempts=1, started_at=timezone.now()
        )
        for chunk in chunks[1:]:
            run_job_chunk(job.pk, chunk.pk)
        job.refresh_from_db()
        assert job.status == JobStatus.RUNNING
        # when: it has been running only a minute, a retry is refused with the reason
        with pytest.raises(JobRefused, match="10分以上応答のない"):
            job_retry_failed(job=job, actor=ACTOR)
        # when: half an hour later, the page offers it and a retry sends it again
        job.chunks.filter(pk=chunks[0].pk).update(started_at=timezone.now() - timedelta(minutes=31))
    page = login("hayama-clerk", ALPHA_HOST).get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-testid="job-stale"' in page and "止まっている処理単位を再実行する" in page
    with schema_context(world.alpha.schema):
        counting.ran.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert job_retry_failed(job=job, actor=ACTOR) == 1
        job.refresh_from_db()
        # then: only that chunk ran, once more, and the job finished with every row once
        assert counting.ran == [0]
        assert job.chunks.get(pk=chunks[0].pk).attempts == 2
        assert (job.status, job.done, job.failed) == (JobStatus.SUCCEEDED, 30, 0)
        assert job.log.filter(message__contains="止まっていた1単位を再実行").exists()


def test_retry_waits_for_a_cancel_to_wind_down(world, counting):
    from django.utils import timezone

    with schema_context(world.alpha.schema):
        job = job_start(kind="test_counting", params={"n": 20, "per": 10}, actor=ACTOR)
        first = job.chunks.order_by("index").first()
        assert first is not None
        job.chunks.filter(pk=first.pk).update(status=ChunkStatus.RUNNING, started_at=timezone.now())
        job_cancel(job=job, actor=ACTOR)
        with pytest.raises(JobRefused, match="中止の処理中"):
            job_retry_failed(job=Job.objects.get(pk=job.pk), actor=ACTOR)


def test_accesslog_export_in_cp932_and_its_refusal(world, django_capture_on_commit_callbacks):
    # given: a row in each town; 葉山町's second export meets a staff name cp932 lacks
    with schema_context(world.beta.schema):
        access_record(actor=ACTOR, action="read", screen="beta-marker")
    with schema_context(world.alpha.schema):
        from django.utils import timezone

        today = timezone.localdate().isoformat()
        params = {"date_from": today, "date_to": today, "encoding": "cp932"}
        access_record(actor=ACTOR, action="read", screen="葉山の画面")
        # when
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(kind="accesslog_export", params=params, actor=ACTOR)
        job.refresh_from_db()
        result = job.files.get()
        with default_storage.open(result.path, "rb") as handle:
            data = handle.read()
        access_record(
            actor=Actor(user_id=None, username="𠮷田", terminal="t1"), action="read", screen="x"
        )
        with django_capture_on_commit_callbacks(execute=True):
            refused = job_start(kind="accesslog_export", params=params, actor=ACTOR)
        refused.refresh_from_db()
        log = [line.message for line in refused.log.all()]
        refused_files = refused.files.count()
    # then
    assert (
        job.status == JobStatus.SUCCEEDED and result.content_type == "text/csv; charset=Shift_JIS"
    )
    text = data.decode("cp932")
    assert not data.startswith(b"\xef\xbb\xbf")
    assert text.splitlines()[0].startswith("日時,職員,応援職員")
    assert "葉山の画面" in text and "beta-marker" not in text
    assert refused.status == JobStatus.FAILED and refused_files == 0
    assert any("列目（職員）に Shift_JIS（cp932）で表せない文字（U+20BB7）" in m for m in log)
    assert not any("𠮷" in m for m in log)


def test_accesslog_export_refuses_an_unknown_encoding(world):
    with schema_context(world.alpha.schema), pytest.raises(ValueError, match="文字コード"):
        job_start(
            kind="accesslog_export",
            params={"date_from": "2025-04-01", "date_to": "2025-04-01", "encoding": "latin-1"},
            actor=ACTOR,
        )


def test_one_job_per_kind_and_value_at_a_time_in_each_town(world, counting):
    """refuse_if_running: a second queued/running job of the same kinds and value is refused in
    Japanese; another value, a finished job or another town's job does not block."""
    from tenants.jobs.registry import get_kind
    from tenants.jobs.services import refuse_if_running

    kind = get_kind("test_counting")
    assert kind is not None

    def make(n: int, status: str = JobStatus.QUEUED) -> Job:
        return Job.objects.create(
            kind="test_counting", gyomu=kind.gyomu, title="t", params={"n": n}, status=status
        )

    def refuse(job: Job) -> object:
        return refuse_if_running(
            job, kinds=["test_counting"], param="n", message="この処理は実行中です。"
        )

    with schema_context(world.alpha.schema):
        first = make(5)
        assert refuse(first) == 5
        second = make(5)
        with pytest.raises(JobRefused, match="この処理は実行中です。"):
            refuse(second)
        assert refuse(make(6)) == 6
    with schema_context(world.beta.schema):
        assert refuse(make(5)) == 5
    with schema_context(world.alpha.schema):
        Job.objects.filter(pk=first.pk).update(status=JobStatus.SUCCEEDED)
        Job.objects.filter(pk=second.pk).update(status=JobStatus.CANCELLED)
        assert refuse(make(5, JobStatus.RUNNING)) == 5
