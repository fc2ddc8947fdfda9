"""The print-job framework: a module's mass print (納税通知書, 保険証, 決定通知書 …) is a
job kind that subclasses :class:`MassPrintJob` and says only what is its own: the plan,
the items of a chunk and how to render them (with ``tenants.printing.engine``).

The framework does the rest the same way for every module:

- each chunk renders ONE PDF of many items and stores it as a ``JobFile`` named by job
  id and chunk number only (nothing personal in a file name or a log line); a chunk that
  runs again replaces its file, one with nothing left to print removes it;
- each chunk logs one PRINT access row with the 宛名 ids it printed;
- each chunk writes its rows of the **print-data CSV** for the 印刷・封入 contractor
  (file, first page, pages, then the module's columns) as a part file; ``finish`` joins
  the parts in chunk order under the module's header (``tenants.csvout``: UTF-8 with BOM
  unless the job's ``print_data_encoding`` says cp932), logs one EXPORT access row and
  removes the parts;
- items planned but no longer printable (e.g. an assessment corrected since the plan)
  are counted as failed and said in the job log.
"""

from __future__ import annotations

import io
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, Protocol

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.csvout import DEFAULT_ENCODING, CsvWriter, check_encoding, content_type, csv_join
from tenants.jobs.models import Job, JobChunk, JobFile
from tenants.jobs.registry import ChunkResult
from tenants.jobs.services import job_log


class PrintedItem(Protocol):
    """One printed document (a notice, a card): what the template prints, its row of the
    print-data CSV (without file and page, which the framework adds), its page count and
    the 宛名 ids it shows (for the access log)."""

    @property
    def item(self) -> dict[str, Any]: ...

    @property
    def csv(self) -> list[Any]: ...

    @property
    def pages(self) -> int: ...

    @property
    def atena_ids(self) -> list[int]: ...


#: the framework's own first columns of every print-data CSV
PRINT_DATA_LEAD = ["ファイル名", "開始頁", "頁数"]


def print_actor(job: Job) -> Actor:
    """The clerk who started the job, as the reader of what the job prints."""
    return Actor(user_id=job.started_by_id, username=job.started_by_name, terminal="batch")


def job_file_store(
    job: Job, name: str, content: bytes, content_type: str, *, personal: bool = True
) -> JobFile:
    """Write (or overwrite) one result file of ``job`` and its JobFile row."""
    path = f"jobs/{job.pk}/{name}"
    if default_storage.exists(path):
        default_storage.delete(path)
    saved = default_storage.save(path, ContentFile(content))
    JobFile.objects.filter(job=job, name=name).delete()
    return JobFile.objects.create(
        job=job,
        name=name,
        path=saved,
        content_type=content_type,
        size=len(content),
        contains_personal_data=personal,
    )


def job_file_remove(job: Job, name: str) -> None:
    for old in JobFile.objects.filter(job=job, name=name):
        default_storage.delete(old.path)
        old.delete()


class MassPrintJob(ABC):
    """Base of a mass-print job kind (``tenants.jobs.registry`` protocol). A subclass sets
    ``code``, ``gyomu``, ``title``, ``print_data_header`` (the whole header: the first
    three columns are :data:`PRINT_DATA_LEAD`, then the module's) and implements
    ``validate``, ``plan``, :meth:`items` and :meth:`render`; chunk params carry
    ``"form"`` unless :meth:`form_of` says otherwise.
    """

    code: str
    gyomu: str
    title: str
    #: file names: ``<prefix>_<job>_<chunk>_<form>.pdf`` and ``<prefix>_<job>_print_data.csv``
    file_prefix = "print"
    print_data_header: Sequence[str] = ()

    @abstractmethod
    def validate(self, params: dict[str, Any]) -> dict[str, Any]: ...

    @abstractmethod
    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]: ...

    @abstractmethod
    def items(self, job: Job, chunk: JobChunk) -> tuple[Sequence[PrintedItem], int]:
        """The chunk's items in print order, and how many planned ones are no longer
        printable."""

    @abstractmethod
    def render(self, job: Job, form: str, items: Sequence[PrintedItem]) -> bytes:
        """One PDF of ``items`` (``tenants.printing.engine.render``)."""

    # --- names and hooks ----------------------------------------------------------

    def form_of(self, chunk: JobChunk) -> str:
        return str(chunk.params["form"])

    def pdf_name(self, job: Job, chunk: JobChunk) -> str:
        # job id and chunk number only: nothing personal in a file name (or a log line)
        return f"{self.file_prefix}_{job.pk}_{chunk.index + 1:04d}_{self.form_of(chunk)}.pdf"

    def csv_name(self, job: Job) -> str:
        return f"{self.file_prefix}_{job.pk}_print_data.csv"

    def print_data_encoding(self, job: Job) -> str:
        return check_encoding(job.params.get("print_data_encoding") or DEFAULT_ENCODING)

    def gone_message(self, chunk: JobChunk, gone: int) -> str:
        return (
            f"処理単位{chunk.index + 1}: {gone}件は印刷の対象でなくなったため印刷しませんでした。"
        )

    def finish_message(self, job: Job, rows: int) -> str:
        return f"{self.title}: 印刷データ {rows:,}件を作成しました。"

    @staticmethod
    def _part_path(job: Job, index: int) -> str:
        return f"jobs/{job.pk}/print-data-part-{index:05d}.csv"

    # --- run ----------------------------------------------------------------------

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        form = self.form_of(chunk)
        items, gone = self.items(job, chunk)
        access_record(
            actor=print_actor(job),
            action=AccessAction.PRINT,
            gyomu=self.gyomu,
            screen=f"job:{self.code}",
            record_type="job_chunk",
            record_id=chunk.pk,
            record_count=sum(len(i.atena_ids) for i in items),
            detail={
                "job": job.pk,
                "chunk": chunk.index,
                "form": form,
                "atena_ids": [a for i in items for a in i.atena_ids],
            },
        )
        name = self.pdf_name(job, chunk)
        if items:
            job_file_store(job, name, self.render(job, form, items), "application/pdf")
        else:  # nothing left to print in this chunk: no stale file from an earlier run
            job_file_remove(job, name)
        # the print-data rows of this chunk, joined by finish() in chunk order
        buffer = io.BytesIO()
        writer = CsvWriter(
            buffer,
            encoding=self.print_data_encoding(job),
            bom=False,
            first_line=2 + sum(c.size for c in job.chunks.filter(index__lt=chunk.index)),
            headings=self.print_data_header,
        )
        page = 1
        for i in items:
            writer.writerow([name, page, i.pages, *i.csv])
            page += i.pages
        path = self._part_path(job, chunk.index)
        if default_storage.exists(path):
            default_storage.delete(path)
        default_storage.save(path, ContentFile(buffer.getvalue()))
        if gone:
            job_log(job, self.gone_message(chunk, gone), level="warning")
        return ChunkResult(done=len(items), failed=gone)

    def finish(self, job: Job) -> None:
        encoding = self.print_data_encoding(job)
        chunks = list(job.chunks.order_by("index"))
        out = io.BytesIO()
        parts = [default_storage.open(self._part_path(job, c.index), "rb") for c in chunks]
        try:
            csv_join(out, list(self.print_data_header), parts, encoding=encoding)
        finally:
            for part in parts:
                part.close()
        job_file_store(job, self.csv_name(job), out.getvalue(), content_type(encoding))
        for c in chunks:
            default_storage.delete(self._part_path(job, c.index))
        rows = sum(c.done for c in chunks)
        access_record(
            actor=print_actor(job),
            action=AccessAction.EXPORT,
            gyomu=self.gyomu,
            screen=f"job:{self.code}",
            record_type="job",
            record_id=job.pk,
            record_count=rows,
            detail={"file": self.csv_name(job)},
        )
        job_log(job, self.finish_message(job, rows))
