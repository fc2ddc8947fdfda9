"""The 中間標準レイアウト import on a real Celery worker, read by two processes (issue 19):
the prefork pool process running the job forks the reading child of
``migration_io.importer.run._read_two`` (the worker here has
``JC_MIGRATION_IMPORT_TWO_PROCESSES_BYTES`` set below every bundle's size). The result
must be the one-process import's, report and registry item by item; a reading child
killed (kill -9, as the kernel's OOM killer would) must leave nothing loaded, and the
job, sent again, must then load everything.

葉山町 (alpha) gets ~8,000 synthetic residents (COPY, juminkiroku.synth) once for this
module and is exported as a bundle addressed to 寒川町 (beta), whose registry is empty;
each test starts and ends with 寒川町 empty and no import job; 葉山町 is never touched by
the imports (its counts and access log are compared). Everything is removed afterwards.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pytest
from django.db import transaction
from django_tenants.utils import tenant_context

from juminkiroku.public import registry_is_empty
from juminkiroku.synth.load import residents_load, town_is_empty
from migration_io.importer.jobkind import IMPORT_JOB, import_accept, import_report
from migration_io.importer.roundtrip import RoundtripResult, compare_dirs, export_to_dir
from migration_io.importer.run import Source, import_run
from migration_io.layout import layout_load
from tenants.accesslog.models import AccessAction, AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
from tenants.jobs.models import ChunkStatus, Job, JobStatus
from tenants.jobs.services import job_retry_failed
from tenants.models import StaffUser
from tests.integration import wait_until
from tests.integration.cleanup import truncate_tables
from tests.integration.conftest import forget_queue, forget_service, start_celery_worker
from tests.personas import Town, load_world

if TYPE_CHECKING:
    from tests.integration.conftest import CeleryWorker

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("committed")]

LAYOUT = "jumin_kihon_daicho"
POPULATION = 8_000
SEED = 1919
LOADED_ON = date(2025, 10, 1)
ENCODING = "utf-8-sig"
#: the worker's threshold for two reading processes: every bundle here is above it
TWO_PROCESSES_BYTES = 64 * 1024
TWO_PROCESSES_LOG = "read by two processes"
JOB_TIMEOUT = 180.0
IKO_LOAD_EVENT = "juminkiroku.iko_load"


# --- a worker of its own, with the two-process threshold low -------------------------


@pytest.fixture(scope="module")
def celery_worker(service_env: dict[str, str], service_log_dir: Path) -> Iterator[CeleryWorker]:
    """Overrides the session's worker for this module: a real prefork worker (concurrency
    1) on a queue of its own, whose settings read every bundle with two processes."""
    env = {
        **service_env,
        "JC_CELERY_QUEUE": f"test-import-{uuid.uuid4().hex}",
        "JC_MIGRATION_IMPORT_TWO_PROCESSES_BYTES": str(TWO_PROCESSES_BYTES),
    }
    worker = start_celery_worker(env, service_log_dir, name="celery-worker-import")
    yield worker
    forget_service(worker)
    forget_queue(worker.queue)


# --- the towns and the bundle ---------------------------------------------------------


def _forget(town: Town) -> None:
    """The imports' rows: jobs, the load's event once delivered (介護 reacts to it) and its
    deliveries, the residents and what points at them (the access log keeps its rows)."""
    with tenant_context(town.municipality):
        events = DomainEvent.objects.filter(name=IKO_LOAD_EVENT)
        pending = Delivery.objects.filter(event__in=events, status=DeliveryStatus.PENDING)
        wait_until(
            lambda: not pending.exists(), timeout=JOB_TIMEOUT, what="the load's event delivered"
        )
        Delivery.objects.filter(event__in=events).delete()
        events.delete()
        Job.objects.filter(kind=IMPORT_JOB).delete()
        truncate_tables(town.schema, "juminkiroku_")
    connection.set_schema_to_public()


@pytest.fixture(scope="module")
def bundle(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """葉山町's synthetic registry as CSV and XML files addressed to 寒川町."""
    directory = tmp_path_factory.mktemp("import-bundle")
    with django_db_blocker.unblock():
        assert str(connection.settings_dict["NAME"]).startswith("test_")
        world = load_world()
        for town in (world.alpha, world.beta):
            with tenant_context(town.municipality):
                if not town_is_empty():
                    pytest.fail(f"{town.schema} already has residents (left by another test?)")
        try:
            with tenant_context(world.alpha.municipality):
                residents_load(population=POPULATION, seed=SEED, on=LOADED_ON, analyze=True)
                export_to_dir(
                    layout_load(LAYOUT),
                    directory,
                    formats=("csv", "xml"),
                    encoding=ENCODING,
                    dantai_code=world.beta.municipality.dantai_code,
                    actor=Actor(user_id=None, username="integration"),
                )
            connection.set_schema_to_public()
            yield directory
        finally:
            _forget(world.beta)
            _forget(world.alpha)


@pytest.fixture
def samukawa(bundle: Path, committed: None) -> Iterator[Town]:
    """寒川町, empty, with no import job, before and after the test."""
    town = load_world().beta
    _forget(town)
    try:
        yield town
    finally:
        _forget(town)


@pytest.fixture
def samukawa_admin(committed: None) -> Actor:
    user = StaffUser.objects.get(username="samukawa-admin")
    return Actor(user_id=user.pk, username=user.username)


def _files(directory: Path, fmt: str) -> dict[str, Path]:
    layout = layout_load(LAYOUT)
    found = {f.id: directory / f"{f.id}.{fmt}" for f in layout.files}
    return {k: p for k, p in found.items() if p.exists()}


def _hayama_state() -> tuple[int, int, int]:
    """葉山町's residents, its access log's rows and its import jobs."""
    with tenant_context(load_world().alpha.municipality):
        state = (
            _count("juminkiroku_atena"),
            AccessLog.objects.count(),
            Job.objects.filter(kind=IMPORT_JOB).count(),
        )
    connection.set_schema_to_public()
    return state


def _count(table: str) -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {table}")
        return int(cur.fetchone()[0])


def _loads_logged() -> int:
    """The current town's access-log rows of a load of residents."""
    return AccessLog.objects.filter(action=AccessAction.CREATE, record_type="atena").count()


def _report_dict(report: Any) -> dict[str, Any]:
    return {
        "findings": [asdict(f) for f in report.findings],
        "truncated": report.truncated,
        "counts": report.counts,
        "errors": report.errors,
        "loaded": report.loaded,
        "summary": report.summary,
    }


def _export(town: Town, directory: Path, fmt: str) -> None:
    directory.mkdir()
    export_to_dir(
        layout_load(LAYOUT),
        directory,
        formats=(fmt,),
        encoding=ENCODING,
        dantai_code=town.municipality.dantai_code,
        actor=Actor(user_id=None, username="integration"),
    )


def _differences(first: Path, second: Path, fmt: str) -> tuple[int, int, list[Any]]:
    result = RoundtripResult(formats=(fmt,))
    compare_dirs(layout_load(LAYOUT), first, second, fmt=fmt, encoding=ENCODING, result=result)
    return result.items_compared[fmt], result.difference_count, result.differences[:5]


def _source(path: Path) -> Source:
    def open_() -> IO[bytes]:
        return path.open("rb")

    return Source(open=open_, size=path.stat().st_size)


def _one_process(town: Town, directory: Path, fmt: str, settings: Any, out: Path) -> Any:
    """The same bundle imported in this process by one process (the threshold off), the
    town exported to ``out``, then all of it rolled back."""
    settings.JC_MIGRATION_IMPORT_TWO_PROCESSES_BYTES = -1
    files = _files(directory, fmt)
    with tenant_context(town.municipality), transaction.atomic():
        report = import_run(
            layout=layout_load(LAYOUT),
            sources={k: _source(p) for k, p in files.items()},
            fmt=fmt,
            encoding=ENCODING,
            dantai_code=town.municipality.dantai_code,
            dry_run=False,
            actor=Actor(user_id=None, username="integration"),
        )
        assert report.loaded, report.findings[:5]
        _export(town, out, fmt)
        transaction.set_rollback(True)
    connection.set_schema_to_public()
    return report


def _uploads_to(media_root: Path, settings: Any) -> None:
    """This process stores the uploads where the worker reads them: the storage is made
    again (django-tenants' storage keeps the first MEDIA_ROOT it saw)."""
    settings.MEDIA_ROOT = media_root
    settings.STORAGES = {**settings.STORAGES}


def _accept(directory: Path, fmt: str, actor: Actor) -> Job:
    with ExitStack() as stack:
        files: dict[str, IO[bytes]] = {
            k: stack.enter_context(p.open("rb")) for k, p in _files(directory, fmt).items()
        }
        return import_accept(files=files, fmt=fmt, encoding=ENCODING, dry_run=False, actor=actor)


def _wait_finished(job_id: int) -> Job:
    def finished() -> Job | None:
        job = Job.objects.get(pk=job_id)
        return job if job.is_finished else None

    return wait_until(finished, timeout=JOB_TIMEOUT, what=f"import job {job_id} to finish")


def _job_log(job: Job) -> str:
    return "\n".join(f"[{line.level}] {line.message}" for line in job.log.all())


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _two_process_lines(worker: CeleryWorker) -> int:
    return worker.log_path.read_text(encoding="utf-8", errors="replace").count(TWO_PROCESSES_LOG)


# --- the tests ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xml"])
def test_the_worker_reads_with_two_processes_and_loads_what_one_process_loads(
    celery_worker: CeleryWorker,
    bundle: Path,
    samukawa: Town,
    samukawa_admin: Actor,
    settings: Any,
    media_root: Path,
    tmp_path: Path,
    fmt: str,
) -> None:
    # given: the bundle's files above the worker's threshold, and the one-process result
    assert sum(p.stat().st_size for p in _files(bundle, fmt).values()) > TWO_PROCESSES_BYTES
    one = _one_process(samukawa, bundle, fmt, settings, tmp_path / "one")
    hayama = _hayama_state()
    seen = _two_process_lines(celery_worker)
    _uploads_to(media_root, settings)
    # when: 寒川町's administrator imports the bundle through the job, on the real worker
    with tenant_context(samukawa.municipality):
        loads_logged = _loads_logged()
        job = _wait_finished(_accept(bundle, fmt, samukawa_admin).pk)
        # then: it loaded, read by two processes in the worker
        assert job.status == JobStatus.SUCCEEDED, _job_log(job)
        assert _two_process_lines(celery_worker) == seen + 1
        report = import_report(job)
        assert report is not None and report.loaded
        # the report is the one-process report, finding for finding, count for count
        assert _report_dict(report) == _report_dict(one)
        assert report.counts["JUMIN"] == one.counts["JUMIN"] >= POPULATION
        assert job.done == sum(one.counts.values())
        # the registry, exported again, is item by item the one-process registry
        _export(samukawa, tmp_path / "two", fmt)
        compared, differences, shown = _differences(tmp_path / "one", tmp_path / "two", fmt)
        assert compared > 0 and differences == 0, shown
        # and item by item the bundle it came from
        compared, differences, shown = _differences(bundle, tmp_path / "two", fmt)
        assert compared > 0 and differences == 0, shown
        assert _loads_logged() == loads_logged + 1
        # the uploaded files were removed once the import had ended
        for entry in job.params["files"].values():
            assert not (media_root / samukawa.schema / entry["path"]).exists()
    connection.set_schema_to_public()
    # and 葉山町 is as it was: no resident more or less, no access-log row, no job
    assert _hayama_state() == hayama


def test_a_reading_child_killed_in_the_worker_leaves_nothing_loaded_and_the_retry_loads_all(
    celery_worker: CeleryWorker,
    bundle: Path,
    samukawa: Town,
    samukawa_admin: Actor,
    settings: Any,
    media_root: Path,
    tmp_path: Path,
) -> None:
    # given: the worker's pool process, which will fork the reading child
    fmt = "csv"
    pool = celery_worker.pool_pids()
    assert len(pool) == 1, pool
    hayama = _hayama_state()
    _uploads_to(media_root, settings)
    with tenant_context(samukawa.municipality):
        loads_logged = _loads_logged()  # (append-only: earlier tests' rows stay)
        job = _accept(bundle, fmt, samukawa_admin)
        # when: the reading child is killed (kill -9) as soon as it exists
        deadline = time.monotonic() + JOB_TIMEOUT
        killed: int | None = None
        while killed is None and time.monotonic() < deadline:
            for child in _children(pool[0]):
                os.kill(child, signal.SIGKILL)
                killed = child
            if killed is None:
                assert not Job.objects.get(pk=job.pk).is_finished, "the import ended unseen"
                time.sleep(0.002)
        assert killed is not None, "no reading child appeared"
        job = _wait_finished(job.pk)
        # then: the job failed, and nothing of the bundle is in 寒川町
        assert job.status == JobStatus.FAILED, _job_log(job)
        assert list(job.chunks.values_list("status", "error")) == [
            (ChunkStatus.FAILED, "RuntimeError")
        ]
        assert "RuntimeError" in _job_log(job)
        assert registry_is_empty()
        assert _count("juminkiroku_atena") == 0
        assert _loads_logged() == loads_logged
        assert not DomainEvent.objects.filter(name=IKO_LOAD_EVENT).exists()
        assert import_report(job) is None
        # the stored files stay for the retry
        for entry in job.params["files"].values():
            assert (media_root / samukawa.schema / entry["path"]).is_file()

        # when: the job is sent again, the child left alone
        assert job_retry_failed(job=job, actor=samukawa_admin) == 1
        job = _wait_finished(job.pk)
        # then: everything is loaded, item by item the bundle
        assert job.status == JobStatus.SUCCEEDED, _job_log(job)
        report = import_report(job)
        assert report is not None and report.loaded and report.errors == 0
        assert _loads_logged() == loads_logged + 1
        _export(samukawa, tmp_path / "again", fmt)
        compared, differences, shown = _differences(bundle, tmp_path / "again", fmt)
        assert compared > 0 and differences == 0, shown
    connection.set_schema_to_public()
    assert _hayama_state() == hayama
