"""Jobs and events on a real Celery worker: each task runs in the schema of the
municipality that sent it, and nothing of one town reaches the other."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.accesslog.models import AccessAction, AccessLog
from tenants.accesslog.services import Actor, access_record
from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
from tenants.events.registry import subscriber_id
from tenants.events.services import event_publish
from tenants.jobs.models import ChunkStatus, Job, JobStatus
from tenants.jobs.services import job_cancel, job_retry_failed, job_start
from tenants.models import StaffUser
from tests.integration import (
    PROBE_EVENT,
    PROBE_SCREEN,
    ProbePayload,
    record_probe_event,
    wait_until,
)
from tests.personas import Personas, load_world

if TYPE_CHECKING:
    from tests.integration.conftest import CeleryWorker

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("committed")]

JOB_TIMEOUT = 60.0


@pytest.fixture
def towns(committed: None) -> Personas:
    return load_world()


@pytest.fixture
def hayama_admin(committed: None) -> Actor:
    user = StaffUser.objects.get(username="hayama-admin")
    return Actor(user_id=user.pk, username=user.username)


def _today_params() -> dict[str, str]:
    """Yesterday and today: rows written just before midnight are still in range."""
    today = timezone.localdate()
    return {"date_from": (today - timedelta(days=1)).isoformat(), "date_to": today.isoformat()}


def _job_log(job: Job) -> str:
    return "\n".join(f"[{line.level}] {line.message}" for line in job.log.all())


def _wait_finished(job_id: int) -> Job:
    def finished() -> Job | None:
        job = Job.objects.get(pk=job_id)
        return job if job.is_finished else None

    return wait_until(finished, timeout=JOB_TIMEOUT, what=f"job {job_id} to finish")


def _csv_of(job: Job, media_root: Path, schema: str) -> tuple[Path, list[list[str]]]:
    files = list(job.files.all())
    assert len(files) == 1, files
    path = media_root / schema / files[0].path
    assert path.is_file(), path
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    return path, rows


def test_export_job_runs_in_the_schema_of_its_town(
    celery_worker: CeleryWorker, towns: Personas, hayama_admin: Actor, media_root: Path
) -> None:
    # given: one marker row in each town's access log
    marker = uuid.uuid4().hex[:12]
    markers = {}
    for town in (towns.alpha, towns.beta):
        with tenant_context(town.municipality):
            markers[town.schema] = f"marker-{town.schema}-{marker}"
            access_record(
                actor=Actor(user_id=None, username="integration"),
                action=AccessAction.READ,
                gyomu="platform",
                screen=markers[town.schema],
            )

    # when: 葉山町 exports today's access log on the real worker
    with tenant_context(towns.alpha.municipality):
        job = job_start(kind="accesslog_export", params=_today_params(), actor=hayama_admin)
        job = _wait_finished(job.pk)

        # then: it finished in 葉山町's schema, with its file in 葉山町's media folder
        assert job.status == JobStatus.SUCCEEDED, _job_log(job)
        assert job.started_at is not None
        assert job.done == job.total > 0
        assert job.failed == 0
        assert set(job.chunks.values_list("status", flat=True)) == {ChunkStatus.DONE}
        path, rows = _csv_of(job, media_root, towns.alpha.schema)
        assert path.parent == media_root / towns.alpha.schema / "jobs" / str(job.pk)
        assert rows[0][0] == "日時"
        assert len(rows) - 1 == job.total
        screens = {row[8] for row in rows[1:]}
        assert markers[towns.alpha.schema] in screens
        assert markers[towns.beta.schema] not in screens
        assert not list(path.parent.glob("part-*.csv"))

    # and: nothing of it in 寒川町
    with tenant_context(towns.beta.municipality):
        same_id = Job.objects.filter(pk=job.pk).first()
        assert same_id is None or (same_id.kind, same_id.created_at) != (job.kind, job.created_at)
    beta_job_dir = media_root / towns.beta.schema / "jobs" / str(job.pk)
    assert same_id is not None or not beta_job_dir.exists()


def test_event_reaches_the_subscriber_in_its_own_town_only(
    celery_worker: CeleryWorker, towns: Personas
) -> None:
    # given: one probe event published in each town, each with its own nonce
    probe = subscriber_id(record_probe_event)
    published: dict[str, tuple[int, str]] = {}
    for town in (towns.alpha, towns.beta):
        nonce = uuid.uuid4().hex
        with tenant_context(town.municipality), transaction.atomic():
            event = event_publish(
                event=PROBE_EVENT, payload=ProbePayload(nonce=nonce), acting_user_id=None
            )
        published[town.schema] = (event.pk, nonce)

    for town, other in ((towns.alpha, towns.beta), (towns.beta, towns.alpha)):
        event_id, nonce = published[town.schema]
        with tenant_context(town.municipality):
            # when: the worker delivers it
            def delivered(event_id: int = event_id) -> Delivery | None:
                d = Delivery.objects.get(event_id=event_id, subscriber=probe)
                return d if d.status != DeliveryStatus.PENDING else None

            delivery = wait_until(delivered, timeout=JOB_TIMEOUT, what="the probe delivery")

            # then: the subscriber ran once, in this town's schema
            assert delivery.status == DeliveryStatus.DONE, delivery.last_error
            assert delivery.attempts == 1
            traces = list(AccessLog.objects.filter(screen=PROBE_SCREEN, detail__nonce=nonce))
            assert len(traces) == 1
            assert traces[0].record_id == str(event_id)
            assert traces[0].detail["schema"] == town.schema
        with tenant_context(other.municipality):
            # and: the other town has neither the event nor a trace of it
            assert not DomainEvent.objects.filter(payload__nonce=nonce).exists()
            assert not AccessLog.objects.filter(screen=PROBE_SCREEN, detail__nonce=nonce).exists()


def test_cancelled_job_is_retried_to_success(
    celery_worker: CeleryWorker,
    towns: Personas,
    hayama_admin: Actor,
    hayama_access_rows: int,
    media_root: Path,
) -> None:
    with tenant_context(towns.alpha.municipality):
        # given: a job of several chunks, cancelled before the worker took any of them
        celery_worker.pause()
        try:
            job = job_start(kind="accesslog_export", params=_today_params(), actor=hayama_admin)
            job_cancel(job=job, actor=hayama_admin)
        finally:
            celery_worker.resume()
        chunk_count = job.chunks.count()
        assert chunk_count >= 2
        job = _wait_finished(job.pk)
        assert job.status == JobStatus.CANCELLED, _job_log(job)
        assert set(job.chunks.values_list("status", flat=True)) == {ChunkStatus.CANCELLED}
        assert not job.files.exists()

        # when: the clerk retries
        assert job_retry_failed(job=job, actor=hayama_admin) == chunk_count
        job = _wait_finished(job.pk)

        # then: every chunk ran once and the file is complete
        assert job.status == JobStatus.SUCCEEDED, _job_log(job)
        assert job.done == job.total >= hayama_access_rows
        assert job.failed == 0
        assert list(job.chunks.values_list("attempts", flat=True)) == [1] * chunk_count
        _, rows = _csv_of(job, media_root, towns.alpha.schema)
        assert len(rows) - 1 == job.total


def test_failed_chunks_are_retried_and_done_ones_kept(
    celery_worker: CeleryWorker, towns: Personas, hayama_admin: Actor, media_root: Path
) -> None:
    jobs_dir = media_root / towns.alpha.schema / "jobs"
    aside = jobs_dir.with_name("jobs.aside")
    with tenant_context(towns.alpha.municipality):
        # given: the town's jobs folder cannot be written (a file sits in its place)
        if jobs_dir.exists():
            jobs_dir.rename(aside)
        jobs_dir.parent.mkdir(parents=True, exist_ok=True)
        jobs_dir.write_text("not a folder")
        try:
            job = job_start(kind="accesslog_export", params=_today_params(), actor=hayama_admin)
            job = _wait_finished(job.pk)
        finally:
            jobs_dir.unlink()
            if aside.exists():
                aside.rename(jobs_dir)

        # then: it failed, and every row is counted as an error
        assert job.status == JobStatus.FAILED, _job_log(job)
        assert job.done == 0
        assert job.failed == job.total > 0
        chunk_count = job.chunks.count()
        assert set(job.chunks.values_list("status", flat=True)) == {ChunkStatus.FAILED}
        assert job.log.filter(level="error").count() == chunk_count

        # when: the folder is back and the failed chunks are retried
        assert job_retry_failed(job=job, actor=hayama_admin) == chunk_count
        job = _wait_finished(job.pk)

        # then: success, with the error count back to zero
        assert job.status == JobStatus.SUCCEEDED, _job_log(job)
        assert job.done == job.total
        assert job.failed == 0
        assert list(job.chunks.values_list("attempts", flat=True)) == [2] * chunk_count
        _, rows = _csv_of(job, media_root, towns.alpha.schema)
        assert len(rows) - 1 == job.total
