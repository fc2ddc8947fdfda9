"""Job kinds of the platform itself."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from tenants.accesslog.models import AccessAction, AccessLog
from tenants.csvout import (
    DEFAULT_ENCODING,
    CsvWriter,
    check_encoding,
    content_type,
    csv_join,
)
from tenants.jobs.models import Job, JobChunk, JobFile
from tenants.jobs.registry import ChunkResult, register
from tenants.labels import WordBook
from tenants.modules.spec import PLATFORM

EXPORT_COLUMNS = [
    ("at", "日時"),
    ("username", "職員"),
    ("is_support", "応援職員"),
    ("api_client", "APIシステム"),
    ("ip_address", "接続元"),
    ("terminal", "端末"),
    ("action", "操作（コード）"),
    ("gyomu", "業務コード"),
    ("screen", "画面・機能（記録値）"),
    ("record_type", "対象の種類（コード）"),
    ("record_id", "対象ID"),
    ("purpose", "利用目的"),
    ("mynumber_viewed", "個人番号の表示"),
    ("record_count", "件数"),
]
# The export keeps the stored codes (操作, 業務, 画面・機能, 対象の種類: what an auditor's
# tool filters on) and adds, at the end so existing column positions stay, the words a
# person reads (tenants.labels).
LABEL_COLUMNS = ["操作の名称", "業務名", "画面・機能の名称", "対象の種類の名称"]


def export_headings() -> list[str]:
    return [label for _, label in EXPORT_COLUMNS] + LABEL_COLUMNS


class AccessLogExport:
    """The access log of a period as one CSV (UTF-8 with BOM, opens in Excel, or cp932 as
    the administrator chose; tenants.csvout), for the municipality's own audits. 5,000 rows
    a chunk; each chunk rewrites its own part file, so a chunk that runs twice produces
    the same output."""

    code = "accesslog_export"
    gyomu = PLATFORM
    title = "アクセスログ抽出"
    chunk_rows = 5000

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            start = date.fromisoformat(params["date_from"])
            end = date.fromisoformat(params["date_to"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError("開始日と終了日を正しく指定してください。") from exc
        if start > end:
            raise ValueError("終了日は開始日以降の日付を指定してください。")
        encoding = check_encoding(params.get("encoding") or DEFAULT_ENCODING)
        return {"date_from": start.isoformat(), "date_to": end.isoformat(), "encoding": encoding}

    def _rows(self, job: Job):
        # Rows written after the job was created are excluded, so re-runs are stable.
        return AccessLog.objects.filter(
            at__date__gte=job.params["date_from"],
            at__date__lte=job.params["date_to"],
            at__lt=job.created_at,
        )

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        ids = list(self._rows(job).order_by("id").values_list("id", flat=True))
        chunks = []
        for start in range(0, len(ids), self.chunk_rows):
            part = ids[start : start + self.chunk_rows]
            chunks.append(({"first_id": part[0], "last_id": part[-1]}, len(part)))
        return chunks

    def _part_path(self, job: Job, index: int) -> str:
        return f"jobs/{job.pk}/part-{index:05d}.csv"

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        rows = (
            self._rows(job)
            .filter(id__gte=chunk.params["first_id"], id__lte=chunk.params["last_id"])
            .order_by("id")
        )
        encoding = job.params.get("encoding", DEFAULT_ENCODING)
        buffer = io.BytesIO()
        # line numbers in an encoding error: header is line 1, earlier chunks before this
        first_line = 2 + sum(c.size for c in job.chunks.filter(index__lt=chunk.index))
        # a character cp932 cannot hold fails the chunk; the job log names line and column
        writer = CsvWriter(
            buffer,
            encoding=encoding,
            bom=False,
            first_line=first_line,
            headings=export_headings(),
        )
        count = 0
        book = WordBook()
        actions = dict(AccessAction.choices)
        names = [c for c, _ in EXPORT_COLUMNS]
        at, action, gyomu, screen, record_type = (
            names.index(n) for n in ("at", "action", "gyomu", "screen", "record_type")
        )
        for row in rows.values_list(*names):
            values = list(row)
            values[at] = timezone.localtime(values[at]).strftime("%Y-%m-%d %H:%M:%S")
            values += [
                str(actions.get(values[action], values[action])),
                book.word(values[gyomu]),
                book.word(values[screen]),
                book.word(values[record_type]),
            ]
            writer.writerow(values)
            count += 1
        path = self._part_path(job, chunk.index)
        if default_storage.exists(path):
            default_storage.delete(path)
        default_storage.save(path, ContentFile(buffer.getvalue()))
        return ChunkResult(done=count)

    def finish(self, job: Job) -> None:
        # the file name is shown on the job's page: compact dates, as every export names them
        start, end = (job.params[k].replace("-", "") for k in ("date_from", "date_to"))
        name = f"accesslog_{start}_{end}.csv"
        encoding = job.params.get("encoding", DEFAULT_ENCODING)
        out = io.BytesIO()
        parts = [
            default_storage.open(self._part_path(job, chunk.index), "rb")
            for chunk in job.chunks.order_by("index")
        ]
        try:
            header = export_headings()
            csv_join(out, header, parts, encoding=encoding)
        finally:
            for part in parts:
                part.close()
        final_path = f"jobs/{job.pk}/{name}"
        if default_storage.exists(final_path):
            default_storage.delete(final_path)
        saved = default_storage.save(final_path, ContentFile(out.getvalue()))
        for chunk in job.chunks.all():
            default_storage.delete(self._part_path(job, chunk.index))
        JobFile.objects.filter(job=job, name=name).delete()
        JobFile.objects.create(
            job=job,
            name=name,
            path=saved,
            content_type=content_type(encoding),
            size=default_storage.size(saved),
            contains_personal_data=False,
        )


register(AccessLogExport())
