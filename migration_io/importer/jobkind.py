"""The import job: a bundle's files (stored by :func:`import_accept`), all records or none,
in one chunk (one transaction: a town is never half loaded). The heartbeat thread shows
how many records have been read (``report_progress``); a worker killed on the way leaves
nothing, and the chunk runs again from the stored files, which are removed once the
import has ended. The report (JSON) stays beside the job: the result screen and its CSV
read it.
"""

from __future__ import annotations

import dataclasses
import functools
import uuid
from collections.abc import Callable
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse

from juminkiroku.public import GYOMU, registry_is_empty
from migration_io.importer.readers import size_problem
from migration_io.importer.report import Report, report_load, report_save
from migration_io.importer.run import Source, import_run
from migration_io.layout import LAYOUTS, layout_load
from tenants.accesslog.services import Actor
from tenants.csvout import DEFAULT_ENCODING, check_encoding
from tenants.jobs.heartbeat import report_progress
from tenants.jobs.models import Job, JobChunk
from tenants.jobs.registry import ChunkResult, JobOutcome, register
from tenants.jobs.services import job_log, job_start
from tenants.selectors.current import current_municipality

IMPORT_JOB = "migration_import"
INBOX = "migration/import/inbox"
FORMATS = ("csv", "xml")


def import_dir(job: Job) -> str:
    return f"migration/import/{job.pk}"


def report_path(job: Job) -> str:
    return f"{import_dir(job)}/report.json"


def import_report(job: Job) -> Report | None:
    return report_load(report_path(job))


def _lines(stream: IO[bytes]) -> int:
    lines = 0
    for block in iter(lambda: stream.read(1024 * 1024), b""):
        lines += block.count(b"\n")
    stream.seek(0)
    return lines


def import_accept(
    *,
    files: dict[str, IO[bytes]],
    fmt: str,
    encoding: str,
    dry_run: bool,
    actor: Actor,
    layout: str = LAYOUTS[0],
) -> Job:
    """Store the uploaded files (random names in the town's storage) and start the job.
    ValueError for a file too big or an unknown layout / format; JobRefused when the
    module may not run."""
    stored: dict[str, dict[str, Any]] = {}
    try:
        for file_id, upload in files.items():
            upload.seek(0, 2)
            size = upload.tell()
            upload.seek(0)
            problem = size_problem(size)
            if problem:
                raise ValueError(problem)
            lines = _lines(upload)
            path = default_storage.save(f"{INBOX}/{uuid.uuid4().hex}.{fmt}", File(upload))
            stored[file_id] = {"path": path, "size": size, "lines": lines}
        return job_start(
            kind=IMPORT_JOB,
            params={
                "layout": layout,
                "format": fmt,
                "encoding": encoding,
                "dry_run": dry_run,
                "files": stored,
                "actor": dataclasses.asdict(actor),
            },
            actor=actor,
        )
    except BaseException:
        for entry in stored.values():
            default_storage.delete(entry["path"])
        raise


class ChukanImport:
    """中間標準レイアウトの移行ファイルの取込 (住民基本台帳): 初期データ移行."""

    code = IMPORT_JOB
    gyomu = GYOMU
    title = "中間標準レイアウトの移行ファイルの取込（住民基本台帳）"

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            layout = str(params.get("layout") or LAYOUTS[0])
            fmt = str(params["format"])
            files = {
                str(k): {"path": str(v["path"]), "size": int(v["size"]), "lines": int(v["lines"])}
                for k, v in dict(params["files"]).items()
            }
            actor = Actor(**params["actor"]).__dict__
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError("取込ファイルの指定に誤りがあります。") from exc
        if layout not in LAYOUTS:
            raise ValueError("このレイアウトはありません。")
        if fmt not in FORMATS:
            raise ValueError("形式は CSV か XML です。")
        return {
            "layout": layout,
            "format": fmt,
            "encoding": check_encoding(params.get("encoding") or DEFAULT_ENCODING),
            "dry_run": bool(params.get("dry_run")),
            "files": files,
            "actor": actor,
        }

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        lines = sum(max(f["lines"] - 1, 0) for f in job.params["files"].values())
        return [({"import": True}, max(lines, 1))]

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        done = import_report(job)
        # ended already (a message sent twice): a load that committed, or a refusal or dry
        # run, which wrote nothing (a load whose commit failed is run again)
        if done is not None and (not done.loaded or not registry_is_empty()):
            return ChunkResult(done=0 if done.errors else sum(done.counts.values()))
        files = job.params["files"]
        for entry in files.values():
            transaction.on_commit(functools.partial(default_storage.delete, entry["path"]))

        def opener(path: str) -> Callable[[], IO[bytes]]:
            def open_() -> IO[bytes]:
                handle: IO[bytes] = default_storage.open(path, "rb")
                return handle

            return open_

        report = import_run(
            layout=layout_load(job.params["layout"]),
            sources={k: Source(open=opener(v["path"]), size=v["size"]) for k, v in files.items()},
            fmt=job.params["format"],
            encoding=job.params["encoding"],
            dantai_code=current_municipality().dantai_code,
            dry_run=job.params["dry_run"],
            actor=Actor(**job.params["actor"]),
            progress=report_progress,
        )
        report_save(report_path(job), report)
        job_log(job, report.summary, level="error" if report.errors else "info")
        read = sum(report.counts.values())
        return ChunkResult(done=read) if not report.errors else ChunkResult(done=0, failed=1)

    def finish(self, job: Job) -> JobOutcome | None:
        report = import_report(job)
        if report is None or report.errors:
            return JobOutcome(
                failed=True,
                message="移行ファイルに誤りがあるため読み込みませんでした（登録は0件）。",
            )
        return None

    def result_url(self, job: Job) -> str:
        return reverse("mio_import_result", kwargs={"pk": job.pk})


IMPORT = register(ChukanImport())
