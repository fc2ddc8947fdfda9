"""One import: every file read once, every record checked and staged, the registry's checks
across files, then the load, all in one transaction, or nothing.

The files of a set come in parts (the layout file, then its 独自項目 file); each record's
held values go by COPY into ``juminkiroku``'s staging tables (``iko_begin``), so memory
stays flat whatever the size of the town. When any error was found, when the run is a
dry run, or when anything fails, the savepoint is rolled back: the town is as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.db import transaction

from juminkiroku.public import HELD_ITEMS, HeldSet, IkoRefused, iko_begin
from migration_io.importer.checks import FileChecks, check_record
from migration_io.importer.readers import read_csv, read_xml, size_problem
from migration_io.importer.report import ERROR, WARNING, Finding, Report
from migration_io.layout import Layout, LayoutFile
from tenants.accesslog.services import Actor

#: the files a bundle must hold (a 独自項目 file may be left out: its items stay empty)
REQUIRED_FILES = ("JUMIN", "SETAI", "RIREKI", "IDO")
#: progress is reported every so many records
PROGRESS_EVERY = 5000


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
                }
            )
        except IkoRefused as exc:
            report.add(Finding("", "", 0, "", str(exc)))
            report.summary = str(exc)
            transaction.set_rollback(True)
            return report
        read = 0
        for held, files in parts.items():
            for index, file in enumerate(files):
                fc = FileChecks(layout, file, fmt == "csv", dantai_code)
                records = 0
                place = [0]  # the record being checked (its place in the file)

                def read_note(line: int, item: str, message: str, file: LayoutFile = file) -> None:
                    report.add(Finding(file.id, file.name, line, item, message))

                def note(
                    line: int,
                    item: str,
                    message: str,
                    file: LayoutFile = file,
                    place: list[int] = place,
                ) -> None:
                    report.add(Finding(file.id, file.name, line, item, message, record=place[0]))

                with sources[file.id].open() as stream, staging.part(held, index) as writer:
                    rows = (
                        read_csv(stream, file, encoding=encoding, report=read_note)
                        if fmt == "csv"
                        else read_xml(stream, layout, file, report=read_note)
                    )
                    for line, texts in rows:
                        records += 1
                        place[0] = records
                        values = check_record(fc, line, texts, note)
                        if values is not None and not report.errors:
                            writer.write(line, values)
                        read += 1
                        if progress is not None and read % PROGRESS_EVERY == 0:
                            progress(read)
                report.counts[file.id] = records
        if progress is not None:
            progress(read)
        if report.errors:
            report.summary = (
                f"項目の誤りが{report.errors:,}件{'以上' if report.truncated else ''}あるため、"
                "1件も読み込みませんでした（ファイル間の関連は、項目の誤りを直してから確かめます）。"
            )
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
