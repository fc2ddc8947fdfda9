"""One import: every file read once, every record checked and staged, the registry's checks
across files, then the load, all in one transaction, or nothing.

The files of a set come in parts (the layout file, then its 独自項目 file); each record's
held values go by COPY into ``juminkiroku``'s staging tables (``iko_begin``), so memory
stays flat whatever the size of the town. When any error was found, when the run is a
dry run, or when anything fails, the savepoint is rolled back: the town is as before.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import IO

from django.conf import settings
from django.db import transaction

from juminkiroku.public import (
    HELD_ITEMS,
    HeldSet,
    IkoPartWriter,
    IkoRefused,
    IkoStaging,
    iko_begin,
)
from migration_io.importer.checks import FileChecks, check_record
from migration_io.importer.fast import BatchChecks
from migration_io.importer.readers import read_csv_rows, read_xml_rows, size_problem
from migration_io.importer.report import ERROR, WARNING, Finding, Report
from migration_io.layout import Layout, LayoutFile
from tenants.accesslog.services import Actor

logger = logging.getLogger(__name__)

#: the files a bundle must hold (a 独自項目 file may be left out: its items stay empty)
REQUIRED_FILES = ("JUMIN", "SETAI", "RIREKI", "IDO")
#: progress is reported every so many records
PROGRESS_EVERY = 5000
#: records checked together by the fast path (``importer.fast``): a few MB at most
BATCH = 2000


@dataclass(frozen=True)
class Source:
    """One file to import: how to open it (binary) and its size in bytes."""

    open: Callable[[], IO[bytes]]
    size: int


def _parts(layout: Layout, present: set[str]) -> dict[HeldSet, list[LayoutFile]]:
    out: dict[HeldSet, list[LayoutFile]] = {}
    for held in layout.sets:
        files = [f for f in layout.files_of(held) if f.id in present]
        files.sort(key=lambda f: f.is_dokuji)
        out[held] = files
    return out


def _held_label(held: HeldSet, name: str) -> str:
    return next((i.label for i in HELD_ITEMS[held] if i.name == name), name)


class _Notes:
    """The reader's findings of one batch, kept with the number of records the reader had
    given before each, so that they join the checks' findings in the order of the file."""

    def __init__(self, report: Report, file: LayoutFile) -> None:
        self.report = report
        self.file = file
        self.given = 0
        self.pending: list[tuple[int, Finding]] = []

    def __call__(self, line: int, item: str, message: str) -> None:
        self.pending.append(
            (self.given, Finding(self.file.id, self.file.name, line, item, message))
        )

    def counted(self, rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
        for row in rows:
            self.given += 1
            yield row

    def flush(self, upto: int | None = None) -> None:
        """Report the findings made before the reader gave record ``upto`` (all: None)."""
        while self.pending and (upto is None or self.pending[0][0] <= upto):
            self.report.add(self.pending.pop(0)[1])


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a file is read and checked (on again after,
    as it was). A batch holds a few thousand lists and tuples (the rows, the columns) and
    no reference cycle; the collector's passes over them and over the rest of the heap
    cost a third of the CSV reader's CPU and gave nothing back (reference counting frees
    every batch)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _check_file(
    fc: FileChecks,
    stream: IO[bytes],
    encoding: str,
    writer: IkoPartWriter,
    report: Report,
    progress: Callable[[int], None] | None,
    read: int,
) -> int:
    """Read, check and stage one file, a batch at a time: the fast path proves a batch
    clean column by column (``importer.fast``); a batch it cannot prove is checked record
    by record (``check_record``), which reports every problem by line and item. Returns
    the records read."""
    file = fc.file
    notes = _Notes(report, file)
    rows = notes.counted(
        read_csv_rows(stream, file, encoding=encoding, report=notes)
        if fc.csv
        else read_xml_rows(stream, fc.layout, file, report=notes)
    )
    fast = BatchChecks(fc)
    ids = [i.id for i in file.items]
    with _collector_paused():
        return _check_batches(fc, rows, fast, ids, notes, writer, report, progress, read)


def _check_batches(
    fc: FileChecks,
    rows: Iterator[tuple[int, list[str]]],
    fast: BatchChecks,
    ids: list[str],
    notes: _Notes,
    writer: IkoPartWriter,
    report: Report,
    progress: Callable[[int], None] | None,
    read: int,
) -> int:
    file = fc.file
    records = 0
    while batch := list(islice(rows, BATCH)):
        columns = fast.batch([texts for _, texts in batch])
        if columns is not None:
            notes.flush()
            if not report.errors:
                writer.write_columns([line for line, _ in batch], columns)
        else:  # the exact check, record by record, reports what is wrong
            first = notes.given - len(batch)
            for n, (line, texts) in enumerate(batch):
                notes.flush(first + n)
                place = records + n + 1

                def note(line: int, item: str, message: str, place: int = place) -> None:
                    report.add(Finding(file.id, file.name, line, item, message, record=place))

                values = check_record(fc, line, dict(zip(ids, texts, strict=True)), note)
                if values is not None and not report.errors:
                    writer.write(line, values)
            notes.flush()
        records += len(batch)
        if (
            progress is not None
            and (read + records) // PROGRESS_EVERY > (read + records - len(batch)) // PROGRESS_EVERY
        ):
            progress(read + records)
    notes.flush()
    return records


@dataclass(frozen=True)
class _Job:
    """One file of the import: the staging part it fills and its checks."""

    held: HeldSet
    index: int
    file: LayoutFile
    checks: FileChecks


def _two_processes(jobs: list[_Job], sources: dict[str, Source]) -> bool:
    """Whether the files are read by two processes (:func:`_read_two`): from
    ``settings.JC_MIGRATION_IMPORT_TWO_PROCESSES_BYTES`` bytes in all (below it a fork
    costs more than it gives), with two files or more (fewer than 255: a file's place is
    one byte), where ``os.fork`` exists."""
    limit = int(settings.JC_MIGRATION_IMPORT_TWO_PROCESSES_BYTES)
    return (
        limit >= 0
        and 2 <= len(jobs) < 255
        and hasattr(os, "fork")
        and sum(sources[j.file.id].size for j in jobs) >= limit
    )


class _Encoded:
    """A text sink over a binary file (UTF-8, as psycopg sends COPY text)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw

    def write(self, text: str) -> None:
        self.raw.write(text.encode())


def _merge(report: Report, part: Report) -> None:
    """Add the findings of one file's own report to ``report``, as if they had been added
    there (the errors past a report's limit are counted, not kept)."""
    for finding in part.findings:
        report.add(finding)
    report.errors += part.errors - sum(1 for f in part.findings if f.level == ERROR)
    report.truncated = report.truncated or part.truncated


#: bytes of staged COPY text read and sent at a time
_SEND_BYTES = 1 << 20


def _take(queue: int) -> int | None:
    """The next file (its place) from the shared queue, or None when none is left: each
    place is one byte of a pipe whose writing end is closed, and a read of one byte from a
    pipe is atomic, so each file is taken by exactly one of the two processes."""
    got = os.read(queue, 1)
    return got[0] if got else None


def _read_two(
    jobs: list[_Job],
    sources: dict[str, Source],
    encoding: str,
    staging: IkoStaging,
    report: Report,
    progress: Callable[[int], None] | None,
) -> int:
    """Read, check and stage the files with two processes. Both take the next file from a
    shared queue (the largest first): a forked child checks each of its files into a
    temporary file of COPY text and says so on a pipe; this process checks and COPYs its
    own, then sends the child's text file by file as each is ready (the server ingests it
    at COPY's speed while the child goes on). The child touches no database and leaves by
    ``os._exit``; each file gets its own report, merged in the order of the files, so the
    findings, counts and staged rows are those of one process reading the files in turn.
    Returns the records read."""
    logger.info(
        "import: %d files, %d bytes, read by two processes",
        len(jobs),
        sum(sources[j.file.id].size for j in jobs),
    )
    staged = [tempfile.TemporaryFile() for _ in jobs]  # noqa: SIM115
    kept = [tempfile.TemporaryFile() for _ in jobs]  # noqa: SIM115 (the child's reports)
    queue, queue_in = os.pipe()
    order = sorted(range(len(jobs)), key=lambda p: -sources[jobs[p].file.id].size)
    os.write(queue_in, bytes(order))
    os.close(queue_in)
    done_out, done_in = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: check files into the temporary files, nothing else
        code = 1
        try:
            os.close(done_out)
            while (place := _take(queue)) is not None:
                job = jobs[place]
                own = Report()
                writer = staging.part_writer(job.held, job.index, _Encoded(staged[place]))
                with sources[job.file.id].open() as stream:
                    records = _check_file(job.checks, stream, encoding, writer, own, None, 0)
                staged[place].flush()
                pickle.dump((records, writer.rows, own), kept[place])
                kept[place].flush()
                os.write(done_in, bytes([place]))
            code = 0
        except BaseException as exc:  # the parent reports the kind of failure
            with contextlib.suppress(BaseException):
                os.write(done_in, b"\xff" + type(exc).__name__.encode()[:200])
        finally:
            os._exit(code)
    os.close(done_in)
    done = os.fdopen(done_out, "rb", buffering=0)
    reaped = False
    try:
        reports: dict[int, tuple[int, Report]] = {}
        read = 0
        while (place := _take(queue)) is not None:
            job = jobs[place]
            own = Report()
            with sources[job.file.id].open() as stream, staging.part(job.held, job.index) as w:
                records = _check_file(job.checks, stream, encoding, w, own, progress, read)
            reports[place] = (records, own)
            read += records
        failure = b""
        while place_byte := done.read(1):
            if place_byte == b"\xff":
                failure = done.read(256)
                break
            place = place_byte[0]
            kept[place].seek(0)
            records, rows, own = pickle.load(kept[place])  # noqa: S301 (our child's)
            reports[place] = (records, own)
            if not any(r.errors for _n, r in reports.values()):
                # (with an error anywhere nothing is loaded: nothing to send)
                job, text = jobs[place], staged[place]
                text.seek(0)
                with staging.part(job.held, job.index) as writer:
                    while chunk := text.read(_SEND_BYTES):
                        writer.write_text(chunk, rows)
                        rows = 0
            read += records
            if progress is not None:
                progress(read)
        _pid, status = os.waitpid(pid, 0)
        reaped = True
        if status != 0 or len(reports) != len(jobs):
            kind = failure.decode(errors="replace") or str(status)
            raise RuntimeError(f"file reader process failed ({kind})")
        for place, job in enumerate(jobs):
            records, own = reports[place]
            _merge(report, own)
            report.counts[job.file.id] = records
        return read
    finally:
        os.close(queue)
        done.close()
        if not reaped:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
        for handle in (*staged, *kept):
            handle.close()


def import_run(
    *,
    layout: Layout,
    sources: dict[str, Source],
    fmt: str,
    encoding: str,
    dantai_code: str,
    dry_run: bool,
    actor: Actor,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Check (and unless ``dry_run`` load) the files ``sources`` (layout file id → file).
    Runs in a savepoint of the caller's transaction; returns the report (``loaded`` says
    whether the town now holds the data)."""
    report = Report(dry_run=dry_run)
    known = {f.id for f in layout.files}
    for file_id in sources:
        if file_id not in known:
            report.add(Finding(file_id[:40], "", 0, "", "このレイアウトにないファイルです。"))
    for file_id in REQUIRED_FILES:
        if file_id not in sources:
            f = layout.file(file_id)
            report.add(Finding(f.id, f.name, 0, "", "必要なファイルがありません。"))
    for file_id, source in sources.items():
        problem = size_problem(source.size)
        if problem and file_id in known:
            report.add(Finding(file_id, layout.file(file_id).name, 0, "", problem))
    if report.findings:
        report.summary = "ファイルの構成に誤りがあるため、読み込みませんでした。"
        return report
    parts = _parts(layout, set(sources))
    with transaction.atomic():
        try:
            staging = iko_begin(
                {
                    held: [[i.source for i in f.items if i.source] for f in files]
                    for held, files in parts.items()
                },
                report_held=True,
            )
        except IkoRefused as exc:
            report.add(Finding("", "", 0, "", str(exc)))
            report.summary = str(exc)
            transaction.set_rollback(True)
            return report
        jobs = [
            _Job(held, index, file, FileChecks(layout, file, fmt == "csv", dantai_code))
            for held, files in parts.items()
            for index, file in enumerate(files)
        ]
        if _two_processes(jobs, sources):
            read = _read_two(jobs, sources, encoding, staging, report, progress)
        else:
            read = 0
            for job in jobs:
                with (
                    sources[job.file.id].open() as stream,
                    staging.part(job.held, job.index) as writer,
                ):
                    records = _check_file(
                        job.checks, stream, encoding, writer, report, progress, read
                    )
                report.counts[job.file.id] = records
                read += records
        if progress is not None:
            progress(read)
        if report.errors:
            report.summary = (
                f"項目の誤りが{report.errors:,}件{'以上' if report.truncated else ''}あるため、"
                "1件も読み込みませんでした（ファイル間の関連は、項目の誤りを直してから確かめます）。"
            )
            if staging.refused:
                report.add(Finding("", "", 0, "", staging.refused))
                report.summary = f"{staging.refused}{report.summary}"
            transaction.set_rollback(True)
            return report
        for p in staging.problems():
            file = parts[p.set][p.part]
            item = next((i.name for i in file.items if p.item and i.source == p.item), "")
            if p.item and not item:
                item = _held_label(p.set, p.item)
            report.add(
                Finding(
                    file.id, file.name, p.line, item, p.message, WARNING if p.warning else ERROR
                )
            )
        if staging.refused:  # a 追加 import: the records the town already holds, by line
            already = report.errors
            report.add(Finding("", "", 0, "", staging.refused))
            report.summary = (
                f"{staging.refused}1件も読み込みませんでした（既にある住民票コード・宛名番号などの"
                f"行が{already:,}件{'以上' if report.truncated else ''}あります）。"
            )
            transaction.set_rollback(True)
            return report
        if report.errors:
            report.summary = (
                f"ファイルの間の関連・世帯の誤りが{report.errors:,}件"
                f"{'以上' if report.truncated else ''}あるため、1件も読み込みませんでした。"
            )
            transaction.set_rollback(True)
            return report
        if dry_run:
            report.summary = (
                f"誤りはありません（{read:,}件を確認）。試行のため、何も登録していません。"
            )
            transaction.set_rollback(True)
            return report
        try:
            result = staging.load(actor=actor, note="中間標準レイアウトの移行ファイルの取込")
        except IkoRefused as exc:
            report.add(Finding("", "", 0, "", str(exc)))
            report.summary = str(exc)
            transaction.set_rollback(True)
            return report
        report.loaded = True
        report.summary = (
            f"住民{result.persons:,}人、住民票の版{result.versions:,}件、異動{result.idos:,}件、"
            f"世帯{result.households:,}件を読み込みました。"
        )
    return report
