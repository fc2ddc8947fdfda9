"""The export job: a town's 住民基本台帳 in the 中間標準レイアウト (標準仕様書 10.6), as a
bundle of CSV and/or XML files, the 表形式 documents and a manifest.

- ``plan`` cuts each set the layout reads (住登者, 住民票の版, 異動, 世帯) into id ranges
  of ``chunk_records`` (``juminkiroku.public.held_ranges``: one query a set);
- ``run_chunk`` reads its range in one query (``held_read``) and writes one part file
  per layout file and format, under names fixed by job, file and chunk number, so an
  attempt that runs again replaces the earlier attempt's parts; it logs one EXPORT
  access row for the records it read (who: the clerk who started the job);
- ``finish`` joins the parts in chunk order into ``<FILE>.csv`` / ``<FILE>.xml``, writes
  the 表形式 documents, computes the SHA-256 and size of every file and writes
  ``manifest.json`` (layout and version, 団体コード, record counts, checksums, 縮退 or
  not), then removes the parts.

``shukutai`` (off by default; 「Excel 向け（縮退）」 on the screen, ``--shukutai`` on the
command) folds every text cell of the CSV files to JIS X 0213
(``migration_io.gaiji.shukutai_text``: an IVS dropped or its MJ縮退マップ candidate
written) for a spreadsheet that cannot carry 異体字セレクタ. Such a bundle is no longer the
registry item for item (葛󠄂 is written 葛): the manifest says ``"shukutai": true`` and names
the folded files, and the XML files, which are UTF-8 for a system, are never folded.

The bundle lives under ``MEDIA_ROOT/<schema>/migration/<job>/`` (the town's own storage)
and is offered on the export screen only, to the 住民記録 管理 role: not as a job file,
which every 閲覧 clerk of the 業務 could open from the job page.

A chunk reads the registry as it is when it runs; an export started while 異動 are being
approved may hold a household's members from two moments. The export screen says so;
run it after the day's 本登録.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from juminkiroku.public import GYOMU, HeldSet, held_ranges, held_read
from migration_io.codec import CodecError, Context
from migration_io.documents import tables
from migration_io.gaiji import shukutai_text
from migration_io.layout import LAYOUTS, Layout, layout_load, uncovered
from migration_io.writers import csv_join_parts, csv_part, xml_join, xml_part
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.csvout import DEFAULT_ENCODING, CsvEncodingError, check_encoding, csv_bytes
from tenants.jobs.models import Job, JobChunk
from tenants.jobs.registry import ChunkResult, register
from tenants.jobs.services import job_log
from tenants.selectors.current import current_municipality

FORMATS = ("csv", "xml")
MANIFEST = "manifest.json"


class ExportError(RuntimeError):
    """A chunk that cannot be written; ``public_message`` (Japanese, nothing personal) goes
    to the job log."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.public_message = message


def export_dir(job: Job) -> str:
    return f"migration/{job.pk}"


def _part_path(job: Job, file_id: str, fmt: str, index: int) -> str:
    return f"{export_dir(job)}/parts/{file_id}-{index:05d}.{fmt}"


def _actor(job: Job) -> Actor:
    return Actor(user_id=job.started_by_id, username=job.started_by_name, terminal="batch")


def _replace(path: str, content: IO[bytes]) -> None:
    if default_storage.exists(path):
        default_storage.delete(path)
    saved = default_storage.save(path, File(content))
    if saved != path:  # pragma: no cover (the storage renamed it: a concurrent attempt)
        raise ExportError("出力ファイルを保存できませんでした。")


class _Hashing:
    """A write-only stream that counts and hashes what passes to ``target``."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.size += len(data)
        return self.target.write(data)

    def flush(self) -> None:
        self.target.flush()


@contextmanager
def _output(path: str) -> Iterator[_Hashing]:
    """Write a bundle file through a temporary file, then store it under ``path``."""
    with tempfile.TemporaryFile() as tmp:
        stream = _Hashing(tmp)
        yield stream
        tmp.seek(0)
        _replace(path, tmp)


class ChukanExport:
    """中間標準レイアウトでのデータ提供 (住民基本台帳)."""

    code = "migration_export"
    gyomu = GYOMU
    title = "中間標準レイアウトでのデータ提供（住民基本台帳）"
    #: records a chunk: one query, and one part file per layout file and format (not
    #: measured at scale yet: no benchmark of the 380,000-person town so far)
    chunk_records = 2000

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        layout = params.get("layout") or LAYOUTS[0]
        if layout not in LAYOUTS:
            raise ValueError("このレイアウトはありません。")
        formats = [f for f in FORMATS if f in (params.get("formats") or FORMATS)]
        if not formats:
            raise ValueError("出力形式（CSV・XML）を一つ以上選んでください。")
        encoding = check_encoding(params.get("encoding") or DEFAULT_ENCODING)
        shukutai = params.get("shukutai", False)
        if not isinstance(shukutai, bool):
            raise ValueError("縮退の指定が正しくありません。")
        return {"layout": layout, "formats": formats, "encoding": encoding, "shukutai": shukutai}

    def layout(self, job: Job) -> Layout:
        return layout_load(job.params["layout"])

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        chunks: list[tuple[dict[str, Any], int]] = []
        for held in self.layout(job).sets:
            for r in held_ranges(held, self.chunk_records):
                chunks.append(({"set": held, "first": r.first_id, "last": r.last_id}, r.count))
        return chunks

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        layout = self.layout(job)
        held: HeldSet = chunk.params["set"]
        records = held_read(held, chunk.params["first"], chunk.params["last"])
        ctx = Context(dantai_code=current_municipality().dantai_code)
        # the records of the same set in the chunks before this one (the first line number
        # of this part): summed by the database, not by loading every earlier chunk
        earlier = (
            job.chunks.filter(index__lt=chunk.index, params__set=held).aggregate(n=Sum("size"))["n"]
            or 0
        )
        try:
            for file in layout.files_of(held):
                for fmt in job.params["formats"]:
                    with tempfile.TemporaryFile() as tmp:
                        if fmt == "csv":
                            csv_part(
                                tmp,
                                layout,
                                file,
                                records,
                                ctx,
                                encoding=job.params["encoding"],
                                first_line=2 + earlier,
                                fold=shukutai_text if job.params.get("shukutai") else None,
                            )
                        else:
                            xml_part(tmp, layout, file, records, ctx)
                        tmp.seek(0)
                        _replace(_part_path(job, file.id, fmt, chunk.index), tmp)
        except CsvEncodingError as exc:
            raise ExportError(f"{file.name}: {exc}") from None
        except CodecError as exc:
            raise ExportError(str(exc)) from None
        access_record(
            actor=_actor(job),
            action=AccessAction.EXPORT,
            gyomu=self.gyomu,
            screen=f"job:{self.code}",
            record_type="job_chunk",
            record_id=chunk.pk,
            record_count=len(records),
            detail={
                "job": job.pk,
                "chunk": chunk.index,
                "set": held,
                "first_id": chunk.params["first"],
                "last_id": chunk.params["last"],
            },
        )
        return ChunkResult(done=len(records))

    def finish(self, job: Job) -> None:
        layout = self.layout(job)
        municipality = current_municipality()
        encoding = job.params["encoding"]
        folded = bool(job.params.get("shukutai"))
        chunks = list(job.chunks.order_by("index"))
        counts: dict[str, int] = {}
        for c in chunks:
            counts[c.params["set"]] = counts.get(c.params["set"], 0) + c.done
        entries: list[dict[str, Any]] = []
        for file in layout.files:
            mine = [c for c in chunks if c.params["set"] == file.set]
            for fmt in job.params["formats"]:
                name = f"{file.id}.{fmt}"
                parts = [
                    default_storage.open(_part_path(job, file.id, fmt, c.index), "rb") for c in mine
                ]
                try:
                    with _output(f"{export_dir(job)}/{name}") as out:
                        if fmt == "csv":
                            csv_join_parts(out, file, parts, encoding=encoding)  # type: ignore[arg-type]
                        else:
                            xml_join(
                                out,  # type: ignore[arg-type]
                                layout,
                                file,
                                parts,
                                count=counts.get(file.set, 0),
                                dantai_code=municipality.dantai_code,
                            )
                finally:
                    for part in parts:
                        part.close()
                entries.append(
                    {
                        "name": name,
                        "file": file.id,
                        "title": file.name,
                        "format": fmt,
                        "encoding": encoding if fmt == "csv" else "utf-8",
                        "shukutai": folded and fmt == "csv",
                        "records": counts.get(file.set, 0),
                        "bytes": out.size,
                        "sha256": out.sha.hexdigest(),
                        "personal": True,
                    }
                )
        for table in tables(layout):
            name = f"{table.code}.csv"
            with _output(f"{export_dir(job)}/{name}") as out:
                out.write(csv_bytes(table.header, table.rows, encoding=encoding))
            entries.append(
                {
                    "name": name,
                    "file": table.code,
                    "title": table.title,
                    "format": "csv",
                    "encoding": encoding,
                    "records": len(table.rows),
                    "bytes": out.size,
                    "sha256": out.sha.hexdigest(),
                    "personal": False,
                }
            )
        manifest = {
            "layout": layout.code,
            "title": layout.title,
            "version": layout.version,
            "dantai_code": municipality.dantai_code,
            "job": job.pk,
            "created_at": timezone.localtime().isoformat(timespec="seconds"),
            "formats": job.params["formats"],
            "encoding": encoding,
            "shukutai": folded,
            "uncovered": uncovered(layout),
            "files": entries,
        }
        with _output(f"{export_dir(job)}/{MANIFEST}") as out:
            out.write(json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
        for file in layout.files:
            for fmt in job.params["formats"]:
                for c in chunks:
                    if c.params["set"] == file.set:
                        default_storage.delete(_part_path(job, file.id, fmt, c.index))
        rows = sum(counts.values())
        job_log(
            job,
            f"{layout.title}の移行ファイル {len(entries)}個を作成しました"
            f"（{rows:,}件、マニフェスト付き）。",
        )

    def result_url(self, job: Job) -> str:
        return reverse("mio_export_result", kwargs={"pk": job.pk})


def manifest_of(job: Job) -> dict[str, Any] | None:
    """The bundle's manifest, or None while the job has not finished it."""
    path = f"{export_dir(job)}/{MANIFEST}"
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as handle:
        data: dict[str, Any] = json.loads(handle.read().decode("utf-8"))
    return data


def bundle_open(job: Job, name: str) -> IO[bytes]:
    """One file of the bundle (a name the manifest lists, or the manifest itself)."""
    return default_storage.open(f"{export_dir(job)}/{name}", "rb")


EXPORT = register(ChukanExport())

# The EUC extraction's kind (migration_io.euc.jobs) registers itself when imported.
from migration_io.euc import jobs as _euc_jobs  # noqa: E402, F401

# The import's job kind registers itself on import (migration_io.importer.jobkind).
from migration_io.importer import jobkind as _importer_jobkind  # noqa: E402, F401
