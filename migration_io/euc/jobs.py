"""The EUC extraction job (``migration_euc``): the clerk's definition over one layout
file, read on a read-only connection, written as CSV or XLSX.

- ``validate`` checks the definition's shape and the output format; the items the clerk
  may see are checked against the grants of the person who started the job in every
  chunk (``_checked``), so a job started by another road (the jobs API) cannot reach a
  個人番号 its starter may not see;
- ``plan`` cuts the file's set into id ranges (``juminkiroku.public.held_ranges``);
- ``run_chunk`` reads its range in one query on the read-only connection, leaves out the
  persons an extraction never shows, applies the filters and writes the rows (with their
  sort values) as a JSON-lines part named by job and chunk (a chunk run again replaces
  its part);
- ``finish`` reads the parts, sorts the rows in memory (≈100 bytes a cell: a 380,000-row
  extraction of ten items ≈0.4 GB at worst, not measured), writes the file through
  ``tenants.csvout`` or openpyxl (write-only mode; text cells are typed as text, so a
  value starting with ``=`` is never a formula), records the row count and writes ONE
  access-log row (EXPORT) with the items, the filters' items and kinds and the count.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date, datetime
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from juminkiroku.public import (
    GYOMU,
    KENGEN_EUC,
    KENGEN_KOJIN_BANGO,
    euc_hidden_atena_nos,
    held_ranges,
    held_read,
)
from migration_io.codec import CodecError, Context
from migration_io.euc.readonly import readonly_reads
from migration_io.euc.spec import (
    Checked,
    Definition,
    DefinitionError,
    definition_check,
    headings,
    sort_rows,
    visible,
)
from migration_io.layout import LAYOUTS, layout_load
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.csvout import CP932, UTF8_BOM, CsvEncodingError, CsvWriter
from tenants.grants.selectors import grants_of
from tenants.jobs.models import Job, JobChunk
from tenants.jobs.registry import ChunkResult, JobOutcome, register
from tenants.jobs.services import job_log
from tenants.selectors.current import current_municipality

XLSX = "xlsx"
FORMATS = {UTF8_BOM: "CSV（UTF-8）", CP932: "CSV（Shift_JIS）", XLSX: "Excel（XLSX）"}
RESULT = "result.json"


class EucError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.public_message = message


def euc_dir(job: Job) -> str:
    return f"migration/euc/{job.pk}"


def output_name(job: Job) -> str:
    return f"euc_{job.pk}.{'xlsx' if job.params['format'] == XLSX else 'csv'}"


def _part(job: Job, index: int) -> str:
    return f"{euc_dir(job)}/parts/{index:05d}.jsonl"


def _replace(path: str, content: IO[bytes]) -> None:
    if default_storage.exists(path):
        default_storage.delete(path)
    default_storage.save(path, File(content))


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _back(checked: Checked, row: list[Any]) -> list[Any]:
    """A row read from a part, with its dates as dates again."""
    items = list(checked.columns) + [checked.file.items[p] for p, _ in checked.sort]
    out = []
    for item, value in zip(items, row, strict=True):
        if value is not None and item.type == "日付" and item.source:
            value = date.fromisoformat(value)
        out.append(value)
    return out


def may_see_kojin_bango(user_id: int | None) -> bool:
    return KENGEN_KOJIN_BANGO in grants_of(user_id)


class EucExtract:
    """EUC抽出（中間標準レイアウト）."""

    code = "migration_euc"
    gyomu = GYOMU
    title = "EUC抽出（中間標準レイアウトの項目）"
    #: records a chunk: one query on the read-only connection
    chunk_records = 5000

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        definition = Definition.from_params(params)
        if definition.layout not in LAYOUTS:
            raise ValueError("このレイアウトはありません。")
        fmt = params.get("format") or UTF8_BOM
        if fmt not in FORMATS:
            raise ValueError("出力形式を選んでください。")
        # the shape is checked here with every item offered; the starter's grants per chunk
        try:
            definition_check(layout_load(definition.layout), definition, kojin_bango=True)
        except DefinitionError as exc:
            raise ValueError(str(exc)) from None
        return {**definition.to_params(), "format": fmt}

    def _checked(self, job: Job) -> Checked:
        grants = grants_of(job.started_by_id)
        if KENGEN_EUC not in grants:
            raise EucError("EUC抽出の権限がない職員の処理です。")
        definition = Definition.from_params(job.params)
        try:
            return definition_check(
                layout_load(definition.layout),
                definition,
                kojin_bango=KENGEN_KOJIN_BANGO in grants,
            )
        except DefinitionError as exc:
            raise EucError(" ".join(exc.messages)) from None

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        checked = self._checked(job)
        with readonly_reads() as alias:
            ranges = held_ranges(checked.file.set, self.chunk_records, using=alias)
        return [({"first": r.first_id, "last": r.last_id}, r.count) for r in ranges]

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        checked = self._checked(job)
        ctx = Context(dantai_code=current_municipality().dantai_code)
        with readonly_reads() as alias:
            records = held_read(
                checked.file.set, chunk.params["first"], chunk.params["last"], using=alias
            )
            hidden = euc_hidden_atena_nos(timezone.localdate())
        rows = []
        try:
            for record in visible(records, hidden):
                row = checked.row(record.id, record.values, ctx)
                if row is not None:
                    rows.append(row)
        except CodecError as exc:
            raise EucError(str(exc)) from None
        with tempfile.TemporaryFile() as tmp:
            for row in rows:
                tmp.write(json.dumps([_json(v) for v in row], ensure_ascii=False).encode())
                tmp.write(b"\n")
            tmp.seek(0)
            _replace(_part(job, chunk.index), tmp)
        return ChunkResult(done=len(records))

    def finish(self, job: Job) -> JobOutcome | None:
        checked = self._checked(job)
        rows: list[list[Any]] = []
        chunks = list(job.chunks.order_by("index"))
        for c in chunks:
            with default_storage.open(_part(job, c.index), "rb") as handle:
                for line in handle:
                    rows.append(_back(checked, json.loads(line)))
        rows = sort_rows(checked, rows)
        fmt = job.params["format"]
        with tempfile.TemporaryFile() as tmp:
            try:
                if fmt == XLSX:
                    _xlsx(tmp, headings(checked), rows)
                else:
                    writer = CsvWriter(tmp, encoding=fmt, headings=headings(checked))
                    writer.writerow(headings(checked))
                    writer.writerows([_json(v) for v in row] for row in rows)
            except CsvEncodingError as exc:
                return JobOutcome(failed=True, message=f"出力できませんでした。{exc}")
            tmp.seek(0)
            _replace(f"{euc_dir(job)}/{output_name(job)}", tmp)
        result = {**checked.definition.described(), "rows": len(rows), "format": fmt}
        with tempfile.TemporaryFile() as tmp:
            tmp.write(json.dumps(result, ensure_ascii=False).encode("utf-8"))
            tmp.seek(0)
            _replace(f"{euc_dir(job)}/{RESULT}", tmp)
        for c in chunks:
            default_storage.delete(_part(job, c.index))
        access_record(
            actor=Actor(user_id=job.started_by_id, username=job.started_by_name, terminal="batch"),
            action=AccessAction.EXPORT,
            gyomu=self.gyomu,
            screen=f"job:{self.code}",
            record_type="mio_euc",
            record_id=job.pk,
            record_count=len(rows),
            mynumber_viewed=any(i.source == "kojin_bango" for i in checked.columns) and bool(rows),
            detail=result,
        )
        job_log(job, f"{checked.file.name}から{len(rows):,}件を抽出しました。")
        return None

    def result_url(self, job: Job) -> str:
        return reverse("mio_euc_result", kwargs={"pk": job.pk})


def _xlsx(target: IO[bytes], header: list[str], rows: list[list[Any]]) -> None:
    # (imported here: a process that never writes XLSX starts without openpyxl)
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("抽出結果")
    sheet.append(header)
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, datetime):
                value = timezone.localtime(value).replace(tzinfo=None)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the first character
            elif isinstance(value, date):
                cell.number_format = "yyyy/mm/dd"
            cells.append(cell)
        sheet.append(cells)
    book.save(target)


def result_of(job: Job) -> dict[str, Any] | None:
    path = f"{euc_dir(job)}/{RESULT}"
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as handle:
        data: dict[str, Any] = json.loads(handle.read().decode("utf-8"))
    return data


EUC = register(EucExtract())
