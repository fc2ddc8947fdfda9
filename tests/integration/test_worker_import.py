"""The 中間標準レイアウト import on a real Celery worker, with towns of its own (issue 19).

Two towns are provisioned for this module in a consortium of their own (never the
session's 葉山町 and 寒川町, which other tests share): 元町 (the source) gets a small
synthetic registry and is exported as a bundle (CSV and XML) addressed to 先町 (the
target), whose registry is empty. Each test imports into 先町 through the job, on a real
prefork worker whose settings read every bundle here with two processes
(``JC_MIGRATION_IMPORT_TWO_PROCESSES_BYTES`` below their size), and proves:

- the import loads the bundle item by item (exported again, zero differences);
- a bundle with an error loads nothing: 先町's tables are as they were;
- the worker's pool process killed in the middle of the import (SIGKILL: the kernel's
  OOM killer) leaves nothing loaded, and the chunk, delivered again (acks_late,
  reject_on_worker_lost), runs again from the stored files and loads everything once;
- and every time, 元町 is unchanged: each table's row count and checksum.

Both towns are dropped at the end (``municipality_drop``: their schemas, rows and
files), so a later run that gets the same 団体コード starts with no files of theirs.
"""

from __future__ import annotations

import os
import random
import signal
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.test import override_settings
from django_tenants.utils import tenant_context
from psycopg import sql

from juminkiroku.public import registry_is_empty
from juminkiroku.synth.load import residents_load
from migration_io.importer.jobkind import IMPORT_JOB, import_accept, import_report
from migration_io.importer.roundtrip import RoundtripResult, compare_dirs, export_to_dir
from migration_io.layout import layout_load
from tenants.accesslog.models import AccessAction, AccessLog, AccessLogLink
from tenants.accesslog.services import Actor
from tenants.checkdigits import dantai_code_check_digit
from tenants.db import connection
from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
from tenants.jobs.models import ChunkStatus, Job, JobChunk, JobFile, JobLogLine, JobStatus
from tenants.models import Consortium, Municipality, StaffUser
from tests.integration import wait_until
from tests.integration.cleanup import truncate_tables
from tests.integration.conftest import forget_queue, forget_service, start_celery_worker

if TYPE_CHECKING:
    from tests.integration.conftest import CeleryWorker

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("committed")]

LAYOUT = "jumin_kihon_daicho"
POPULATION = 1_500
SEED = 1919
LOADED_ON = date(2025, 10, 1)
ENCODING = "utf-8-sig"
#: the worker's threshold for two reading processes: every bundle here is above it
TWO_PROCESSES_BYTES = 64 * 1024
TWO_PROCESSES_LOG = "read by two processes"
JOB_TIMEOUT = 120.0
IKO_LOAD_EVENT = "juminkiroku.iko_load"
#: a job's own rows and the access log: written by any job, loaded or not
JOB_TABLES = frozenset(m._meta.db_table for m in (Job, JobChunk, JobLogLine, JobFile))
LOG_TABLES = frozenset(m._meta.db_table for m in (AccessLog, AccessLogLink))


@dataclass
class Towns:
    source: Municipality
    target: Municipality
    admin: Actor
    bundle: Path


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


def _unused_dantai_codes(count: int) -> list[str]:
    """全国地方公共団体コード with a correct 検査数字 that no town of the database uses
    (prefecture 47, 沖縄県, from 800 to 899: no real code there)."""
    rng = random.Random()
    codes: list[str] = []
    while len(codes) < count:
        first5 = f"47{rng.randrange(800, 900):03d}"
        code = f"{first5}{dantai_code_check_digit(first5)}"
        if code not in codes and not Municipality.objects.filter(dantai_code=code).exists():
            codes.append(code)
    return codes


def _provision(consortium: Consortium, code: str, name: str, slug: str) -> Any:
    from tenants.services.municipality import municipality_provision

    return municipality_provision(
        consortium=consortium,
        dantai_code=code,
        name=name,
        name_kana="いこうしけんまち",
        prefecture="沖縄県",
        population=POPULATION,
        population_date=None,
        go_live=None,
        subdomain=slug,
        gyomu_codes=["juminkiroku"],
        networks=["127.0.0.0/8", "::1/128"],
        admin_username=f"{slug}-admin",
        acting_user=None,
        status="active",
    )


@pytest.fixture(scope="module")
def towns(
    django_db_setup: None,
    django_db_blocker: Any,
    media_root: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Towns]:
    """元町 with ~1,500 synthetic residents, exported as CSV and XML addressed to 先町
    (empty); both dropped at the end with their schemas, staff and files. This process
    stores its uploads where the worker reads them (``media_root``)."""
    from tenants.services.municipality import municipality_drop

    directory = tmp_path_factory.mktemp("import-bundle")
    slug = f"io{uuid.uuid4().hex[:6]}"
    storages = {**settings.STORAGES}  # (the storage made again, on the new root)
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media_root, STORAGES=storages),
    ):
        assert str(connection.settings_dict["NAME"]).startswith("test_")
        consortium = Consortium.objects.create(
            name=f"移行試験組合{slug}", kind="ichibu_jimu_kumiai"
        )
        made: list[Municipality] = []
        try:
            source_code, target_code = _unused_dantai_codes(2)
            source = _provision(consortium, source_code, "移行元町", f"{slug}a").municipality
            made.append(source)
            result = _provision(consortium, target_code, "移行先町", f"{slug}b")
            made.append(result.municipality)
            for town in made:  # (a town of that schema dropped earlier left no files)
                assert not (media_root / town.schema_name).exists(), town.schema_name
            with tenant_context(source):
                residents_load(population=POPULATION, seed=SEED, on=LOADED_ON, analyze=True)
                export_to_dir(
                    layout_load(LAYOUT),
                    directory,
                    formats=("csv", "xml"),
                    encoding=ENCODING,
                    dantai_code=target_code,
                    actor=Actor(user_id=None, username="integration"),
                )
            connection.set_schema_to_public()
            admin = result.admin
            yield Towns(
                source=source,
                target=result.municipality,
                admin=Actor(user_id=admin.pk, username=admin.username),
                bundle=directory,
            )
        finally:
            connection.set_schema_to_public()
            for town in made:
                _settled(town)
            StaffUser.objects.filter(home_municipality__in=made).delete()
            for town in made:
                municipality_drop(municipality=town, acting_user=None)
                assert not (media_root / town.schema_name).exists()
            consortium.delete()


def _settled(town: Municipality) -> None:
    """Wait until the load's event has been delivered (the worker may still be at it)."""
    with tenant_context(town):
        pending = Delivery.objects.filter(event__name=IKO_LOAD_EVENT, status=DeliveryStatus.PENDING)
        wait_until(
            lambda: not pending.exists(), timeout=JOB_TIMEOUT, what="the load's event delivered"
        )
    connection.set_schema_to_public()


@pytest.fixture
def target(towns: Towns) -> Iterator[Municipality]:
    """先町, its registry empty and no import job, before and after the test."""
    _empty(towns.target)
    try:
        yield towns.target
    finally:
        _empty(towns.target)


def _empty(town: Municipality) -> None:
    _settled(town)
    with tenant_context(town):
        events = DomainEvent.objects.filter(name=IKO_LOAD_EVENT)
        Delivery.objects.filter(event__in=events).delete()
        events.delete()
        Job.objects.filter(kind=IMPORT_JOB).delete()
        truncate_tables(town.schema_name, "juminkiroku_")
    connection.set_schema_to_public()


# --- what a town holds ----------------------------------------------------------------


def _tables(schema: str) -> list[str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema]
        )
        return [str(row[0]) for row in cur.fetchall()]


def _state(
    town: Municipality, *, leave_out: frozenset[str] = frozenset()
) -> dict[str, tuple[int, str]]:
    """Every table of the town's schema (but ``leave_out``): its rows and the MD5 of its
    rows as text, in order."""
    schema = town.schema_name
    out: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cur:
        for table in _tables(schema):
            if table in leave_out:
                continue
            cur.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text),"
                    " '')) FROM {} t"
                ).format(sql.Identifier(schema, table))
            )
            count, digest = cur.fetchone()
            out[table] = (int(count), str(digest))
    return out


def _files(directory: Path, fmt: str) -> dict[str, Path]:
    layout = layout_load(LAYOUT)
    found = {f.id: directory / f"{f.id}.{fmt}" for f in layout.files}
    return {k: p for k, p in found.items() if p.exists()}


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


def _loads_logged() -> int:
    """The current town's access-log rows of a load of residents."""
    return AccessLog.objects.filter(action=AccessAction.CREATE, record_type="atena").count()


def _export_differences(
    town: Municipality, bundle: Path, out: Path, fmt: str
) -> tuple[int, int, list[Any]]:
    """The town exported again, compared item by item with the bundle."""
    out.mkdir()
    layout = layout_load(LAYOUT)
    export_to_dir(
        layout,
        out,
        formats=(fmt,),
        encoding=ENCODING,
        dantai_code=town.dantai_code,
        actor=Actor(user_id=None, username="integration"),
    )
    result = RoundtripResult(formats=(fmt,))
    compare_dirs(layout, bundle, out, fmt=fmt, encoding=ENCODING, result=result)
    return result.items_compared[fmt], result.difference_count, result.differences[:5]


def _two_process_lines(worker: CeleryWorker) -> int:
    return worker.log_path.read_text(encoding="utf-8", errors="replace").count(TWO_PROCESSES_LOG)


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


# --- the tests ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xml"])
def test_the_worker_imports_the_bundle_item_by_item_and_the_other_town_is_untouched(
    celery_worker: CeleryWorker,
    towns: Towns,
    target: Municipality,
    media_root: Path,
    tmp_path: Path,
    fmt: str,
) -> None:
    # given: the bundle above the worker's two-process threshold, and 元町 as it is
    assert sum(p.stat().st_size for p in _files(towns.bundle, fmt).values()) > TWO_PROCESSES_BYTES
    source = _state(towns.source)
    seen = _two_process_lines(celery_worker)
    with tenant_context(target):
        loads_logged = _loads_logged()
        # when: 先町's administrator imports it through the job, on the real worker
        job = _wait_finished(_accept(towns.bundle, fmt, towns.admin).pk)
        # then: it loaded, read by two processes in the worker
        assert job.status == JobStatus.SUCCEEDED, _job_log(job)
        assert _two_process_lines(celery_worker) == seen + 1
        report = import_report(job)
        assert report is not None and report.loaded and report.errors == 0
        assert report.counts["JUMIN"] >= POPULATION
        assert job.done == sum(report.counts.values())
        assert _loads_logged() == loads_logged + 1
        # the registry, exported again, is the bundle item by item
        compared, differences, shown = _export_differences(
            target, towns.bundle, tmp_path / "again", fmt
        )
        assert compared > 0 and differences == 0, shown
        # the uploaded files were removed once the import had ended
        for entry in job.params["files"].values():
            assert not (media_root / target.schema_name / entry["path"]).exists()
    connection.set_schema_to_public()
    # and 元町 is as it was: every table, row for row
    assert _state(towns.source) == source


def test_a_bundle_with_an_error_loads_nothing_and_leaves_both_towns_as_they_were(
    celery_worker: CeleryWorker, towns: Towns, target: Municipality, tmp_path: Path
) -> None:
    # given: the CSV bundle with one 世帯 missing (its members point at no household)
    broken = tmp_path / "broken"
    broken.mkdir()
    for file_id, path in _files(towns.bundle, "csv").items():
        data = path.read_bytes()
        if file_id == "SETAI":
            lines = data.splitlines(keepends=True)
            data = b"".join(lines[:-1])  # the last household's row left out
        (broken / path.name).write_bytes(data)
    source = _state(towns.source)
    before = _state(target, leave_out=JOB_TABLES | LOG_TABLES)
    with tenant_context(target):
        loads_logged = _loads_logged()
        # when
        job = _wait_finished(_accept(broken, "csv", towns.admin).pk)
        # then: the job failed with the report's findings, and nothing was loaded
        assert job.status == JobStatus.FAILED, _job_log(job)
        report = import_report(job)
        assert report is not None and not report.loaded and report.errors > 0
        # (the 世帯's 独自項目 row, on the file's last line, has no 世帯 to belong to)
        dokuji_lines = len((broken / "SETAI_DOKUJI.csv").read_bytes().splitlines())
        assert report.summary == (
            "ファイルの間の関連・世帯の誤りが1件あるため、1件も読み込みませんでした。"
        )
        assert [(f.file, f.line, f.item, f.message) for f in report.findings] == [
            ("SETAI_DOKUJI", dokuji_lines, "世帯番号", "対応する本体のレコードがありません。")
        ]
        assert registry_is_empty()
        assert _loads_logged() == loads_logged
        assert not DomainEvent.objects.filter(name=IKO_LOAD_EVENT).exists()
    connection.set_schema_to_public()
    # 先町's tables (but the job's own rows and the access log) are as they were
    assert _state(target, leave_out=JOB_TABLES | LOG_TABLES) == before
    assert _state(towns.source) == source


def test_the_worker_killed_mid_import_leaves_nothing_and_the_chunk_runs_again_to_the_end(
    celery_worker: CeleryWorker, towns: Towns, target: Municipality, tmp_path: Path
) -> None:
    # given: the worker's one pool process, which will run the import
    pool = celery_worker.pool_pids()
    assert len(pool) == 1, pool
    source = _state(towns.source)
    with tenant_context(target):
        loads_logged = _loads_logged()
        job = _accept(towns.bundle, "csv", towns.admin)
        # when: the pool process is killed (kill -9) in the middle of the import: as soon
        # as its reading child exists (the files are being read, nothing committed)
        deadline = time.monotonic() + JOB_TIMEOUT
        killed = False
        while not killed:
            if _children(pool[0]):
                os.kill(pool[0], signal.SIGKILL)
                killed = True
                break
            assert not Job.objects.get(pk=job.pk).is_finished, "the import ended unseen"
            assert time.monotonic() < deadline, "the import did not start"
            time.sleep(0.002)
        # then: the message goes back to the queue, a new pool process runs the chunk
        # again from the stored files, and the job ends 正常終了 with everything loaded once
        job = _wait_finished(job.pk)
        assert job.status == JobStatus.SUCCEEDED, _job_log(job)
        assert list(job.chunks.values_list("status", "attempts")) == [(ChunkStatus.DONE, 2)]
        report = import_report(job)
        assert report is not None and report.loaded and report.errors == 0
        assert _loads_logged() == loads_logged + 1
        assert DomainEvent.objects.filter(name=IKO_LOAD_EVENT).count() == 1
        compared, differences, shown = _export_differences(
            target, towns.bundle, tmp_path / "again", "csv"
        )
        assert compared > 0 and differences == 0, shown
    connection.set_schema_to_public()
    assert _state(towns.source) == source
    assert celery_worker.pool_pids(), "the worker did not replace its pool process"
