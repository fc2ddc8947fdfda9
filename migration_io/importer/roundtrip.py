"""★ The round trip (issue 19 item 5): a town's registry exported in the layout, imported
into a scratch town, exported again, and the two exports compared item by item.

- :func:`export_to_dir` writes a town's bundle files (CSV and/or XML) into a directory
  with the same writers as the export job (``migration_io.writers``), one query a range,
  an EXPORT access row per set;
- :func:`scratch_town` creates a municipality and its schema (cloned from the template)
  that exists only inside the caller's transaction: the round trip rolls it back, so the
  scratch town, its data and its access log are gone however the run ends;
- :func:`compare_dirs` reads both exports with the import's readers, record by record in
  file order (the import gives ids in file order, so a faithful load exports in the same
  order) and lists every item that differs (file, line, item: never the values).

The 団体コード written into the second export is the source town's (the scratch town has
its own, unused code), so the files can be compared byte for byte as well.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.db import transaction

from juminkiroku.public import GYOMU, held_ranges, held_read
from migration_io.codec import Context
from migration_io.importer.readers import read_csv, read_xml
from migration_io.importer.run import Source, import_run
from migration_io.layout import Layout, LayoutFile
from migration_io.writers import csv_join_parts, csv_part, xml_join, xml_part
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.checkdigits import dantai_code_check_digit
from tenants.db import connection
from tenants.models import Municipality
from tenants.services.schema_template import schema_create_from_template

#: records read at a time when exporting (one query each)
CHUNK = 2000
#: differences listed at most (the count is always whole)
MAX_DIFFERENCES = 100
ROUNDTRIP_ACTOR = Actor(user_id=None, username="mio_roundtrip", terminal="command")


def export_to_dir(
    layout: Layout,
    directory: Path,
    *,
    formats: tuple[str, ...],
    encoding: str,
    dantai_code: str,
    actor: Actor,
) -> dict[str, int]:
    """Write ``<FILE>.csv`` / ``<FILE>.xml`` of the current town into ``directory``;
    returns the records per file."""
    ctx = Context(dantai_code=dantai_code)
    counts: dict[str, int] = {}
    with ExitStack() as stack:
        csv_parts: dict[str, list[IO[bytes]]] = {}
        xml_parts: dict[str, list[IO[bytes]]] = {}
        for held in layout.sets:
            read = 0
            for r in held_ranges(held, CHUNK):
                records = held_read(held, r.first_id, r.last_id)
                for file in layout.files_of(held):
                    if "csv" in formats:
                        part = stack.enter_context(tempfile.TemporaryFile())
                        csv_part(
                            part,
                            layout,
                            file,
                            records,
                            ctx,
                            encoding=encoding,
                            first_line=2 + read,
                        )
                        csv_parts.setdefault(file.id, []).append(part)
                    if "xml" in formats:
                        part = stack.enter_context(tempfile.TemporaryFile())
                        xml_part(part, layout, file, records, ctx)
                        xml_parts.setdefault(file.id, []).append(part)
                read += len(records)
            for file in layout.files_of(held):
                counts[file.id] = read
            access_record(
                actor=actor,
                action=AccessAction.EXPORT,
                gyomu=GYOMU,
                screen="mio_roundtrip",
                record_type="mio_bundle_file",
                record_count=max(read, 1),
                detail={"set": held, "records": read},
            )
        for file in layout.files:
            if "csv" in formats:
                parts = csv_parts.get(file.id, [])
                for p in parts:
                    p.seek(0)
                with (directory / f"{file.id}.csv").open("wb") as out:
                    csv_join_parts(out, file, parts, encoding=encoding)
            if "xml" in formats:
                parts = xml_parts.get(file.id, [])
                for p in parts:
                    p.seek(0)
                with (directory / f"{file.id}.xml").open("wb") as out:
                    xml_join(
                        out,
                        layout,
                        file,
                        parts,
                        count=counts.get(file.id, 0),
                        dantai_code=dantai_code,
                    )
    return counts


def _free_dantai_code() -> str:
    """An unused code in the 99 range (no prefecture has it), with its check digit."""
    for _ in range(100):
        body = f"99{secrets.randbelow(1000):03d}"
        code = body + str(dantai_code_check_digit(body))
        if not Municipality.objects.filter(dantai_code=code).exists():
            return code
    raise RuntimeError("no free scratch code")


@contextmanager
def scratch_town(source: Municipality) -> Iterator[Municipality]:
    """A municipality with an empty schema, inside a transaction that is always rolled
    back: when the block ends, the scratch town and everything in it never existed."""
    with transaction.atomic():
        connection.set_schema_to_public()
        schema = f"mio_scratch_{secrets.token_hex(4)}"
        town = Municipality(
            schema_name=schema,
            consortium=source.consortium,
            dantai_code=_free_dantai_code(),
            name="移行検証用（一時）",
            name_kana="いこうけんしょうよう",
            prefecture=source.prefecture,
            population=1,
        )
        town.save()
        schema_create_from_template(schema)
        try:
            connection.set_tenant(town)
            yield town
        finally:
            connection.set_schema_to_public()
            transaction.set_rollback(True)


@dataclass
class Difference:
    format: str
    file: str
    line: int
    item: str
    what: str


@dataclass
class RoundtripResult:
    formats: tuple[str, ...]
    records: dict[str, dict[str, int]] = field(default_factory=dict)
    items_compared: dict[str, int] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)
    difference_count: int = 0
    import_summary: dict[str, str] = field(default_factory=dict)
    import_errors: dict[str, list[str]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def same(self) -> bool:
        return self.difference_count == 0 and not any(self.import_errors.values())

    def lines(self) -> list[str]:
        """The report in Japanese, one line each."""
        out = []
        for fmt in self.formats:
            records = sum(self.records.get(fmt, {}).values())
            out.append(
                f"{fmt.upper()}: {records:,}レコード、"
                f"{self.items_compared.get(fmt, 0):,}項目を比較。"
                f"取込: {self.import_summary.get(fmt, '')}"
            )
            for file_id, n in sorted(self.records.get(fmt, {}).items()):
                out.append(f"  {file_id}: {n:,}件")
            out += [f"  取込の誤り: {e}" for e in self.import_errors.get(fmt, [])[:20]]
        out += [
            f"差異: {d.format.upper()} {d.file} {d.line}行目 {d.item}: {d.what}"
            for d in self.differences
        ]
        out.append(
            "結果: 差異なし（すべての項目が一致）"
            if self.same
            else f"結果: 差異あり（{self.difference_count:,}項目）"
        )
        return out


def _rows(
    path: Path, layout: Layout, file: LayoutFile, fmt: str, encoding: str, problems: list[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    def note(line: int, item: str, message: str) -> None:
        problems.append(f"{path.name} {line}行目 {item}: {message}")

    with path.open("rb") as stream:
        if fmt == "csv":
            yield from read_csv(stream, file, encoding=encoding, report=note)
        else:
            yield from read_xml(stream, layout, file, report=note)


def compare_dirs(
    layout: Layout, first: Path, second: Path, *, fmt: str, encoding: str, result: RoundtripResult
) -> None:
    """Every item of every file of ``first`` against ``second``, in file order."""
    compared = 0
    for file in layout.files:
        problems: list[str] = []
        a_rows = _rows(first / f"{file.id}.{fmt}", layout, file, fmt, encoding, problems)
        b_rows = _rows(second / f"{file.id}.{fmt}", layout, file, fmt, encoding, problems)
        sentinel: tuple[int, dict[str, str]] = (0, {})
        while True:
            a = next(a_rows, sentinel)
            b = next(b_rows, sentinel)
            if a is sentinel and b is sentinel:
                break
            if a is sentinel or b is sentinel:
                line = (b if a is sentinel else a)[0]
                _diff(result, fmt, file.id, line, "", "レコードの数が異なります。")
                break
            for item in file.items:
                compared += 1
                if a[1][item.id] != b[1][item.id]:
                    _diff(result, fmt, file.id, a[0], item.name, "値が異なります。")
        for p in problems:
            _diff(result, fmt, file.id, 0, "", p)
    result.items_compared[fmt] = compared


def _diff(result: RoundtripResult, fmt: str, file: str, line: int, item: str, what: str) -> None:
    result.difference_count += 1
    if len(result.differences) < MAX_DIFFERENCES:
        result.differences.append(Difference(fmt, file, line, item, what))


def roundtrip(
    source: Municipality,
    layout: Layout,
    *,
    formats: tuple[str, ...] = ("csv", "xml"),
    encoding: str = "utf-8-sig",
    actor: Actor = ROUNDTRIP_ACTOR,
) -> RoundtripResult:
    """Export ``source`` → import into a scratch town → export → compare, per format."""
    result = RoundtripResult(formats=formats)
    with tempfile.TemporaryDirectory() as tmp:
        first = Path(tmp) / "source"
        first.mkdir()
        connection.set_tenant(source)
        try:
            started = time.perf_counter()
            counts = export_to_dir(
                layout,
                first,
                formats=formats,
                encoding=encoding,
                dantai_code=source.dantai_code,
                actor=actor,
            )
            result.seconds["export"] = round(time.perf_counter() - started, 3)
        finally:
            connection.set_schema_to_public()
        for fmt in formats:
            result.records[fmt] = dict(counts)
            second = Path(tmp) / f"again_{fmt}"
            second.mkdir()
            with scratch_town(source):
                started = time.perf_counter()
                report = import_run(
                    layout=layout,
                    sources={f.id: _source(first / f"{f.id}.{fmt}") for f in layout.files},
                    fmt=fmt,
                    encoding=encoding,
                    dantai_code=source.dantai_code,
                    dry_run=False,
                    actor=actor,
                )
                result.seconds[f"import_{fmt}"] = round(time.perf_counter() - started, 3)
                result.import_summary[fmt] = report.summary
                result.import_errors[fmt] = [
                    f"{f.file} {f.line}行目 {f.item}: {f.message}"
                    for f in report.findings
                    if f.level == "誤り"
                ]
                if report.loaded:
                    started = time.perf_counter()
                    export_to_dir(
                        layout,
                        second,
                        formats=(fmt,),
                        encoding=encoding,
                        dantai_code=source.dantai_code,
                        actor=actor,
                    )
                    result.seconds[f"export_again_{fmt}"] = round(time.perf_counter() - started, 3)
            if report.loaded:
                started = time.perf_counter()
                compare_dirs(layout, first, second, fmt=fmt, encoding=encoding, result=result)
                result.seconds[f"compare_{fmt}"] = round(time.perf_counter() - started, 3)
    return result


def _source(path: Path) -> Source:
    return Source(open=lambda: path.open("rb"), size=path.stat().st_size)
