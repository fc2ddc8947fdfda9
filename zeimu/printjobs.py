"""Mass printing of 個人住民税 notices: 納税通知書（普通徴収）and 特別徴収税額決定通知書
（特別徴収義務者用）for the print house (印刷・封入 BPO).

Each chunk renders ONE PDF of many notices (zeimu.forms.notices, the templates the
single reprint uses too) and stores it as a JobFile named by job id and chunk number
only; a chunk that runs again replaces its file. ``finish`` writes the print-data CSV
(one row per notice: file, pages, 宛名, amounts, 納期限) from the parts the chunks left.

Plan: 普通徴収 notices in 郵便番号・宛名番号 order (区分郵便 discount), 1,000 a chunk, the
assessment ids fixed in the chunk so a re-run prints the same people; then employers in
指定番号 order, packed ≈1,000 employees a chunk (a big employer alone). A chunk of 1,000
notices renders in ≈2.5 s on one core and makes a PDF of ≈10 MB (bench/notices.py).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Count
from django.utils import timezone

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.jobs.models import Job, JobChunk, JobFile
from tenants.jobs.registry import ChunkResult, register
from tenants.jobs.services import job_log
from tenants.selectors.current import current_municipality
from zeimu.forms.notices import (
    FORM_FUTSU,
    FORM_LABELS,
    FORM_TOKUCHO,
    PRINT_DATA_HEADER,
    Issuer,
    Notice,
    futsu_notice,
    futsu_queryset,
    futsu_render,
    tokucho_notices,
    tokucho_render,
)
from zeimu.models import Fuka

FORMS = (FORM_FUTSU, FORM_TOKUCHO)


def print_actor(job: Job) -> Actor:
    """The clerk who started the job, as the reader of what the job prints."""
    return Actor(user_id=job.started_by_id, username=job.started_by_name, terminal="batch")


def latest_tsuchi_date(fiscal_year: int) -> date | None:
    """通知日 of the last finished mass print of the year: a reprint carries it, so it is
    the page the taxpayer received."""
    from tenants.jobs.models import JobStatus

    job = (
        Job.objects.filter(
            kind=NoticePrint.code, status=JobStatus.SUCCEEDED, params__fiscal_year=fiscal_year
        )
        .order_by("-created_at", "-id")
        .first()
    )
    return date.fromisoformat(job.params["tsuchi_date"]) if job else None


class NoticePrint:
    code = "zeimu_notice_print"
    gyomu = "kojin_juminzei"
    title = "個人住民税 納税通知書等の一括印刷"
    chunk_notices = 1000
    chunk_employees = 1000

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            fiscal_year = int(params["fiscal_year"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError("年度（西暦）を指定してください。") from exc
        forms = params.get("forms") or list(FORMS)
        if isinstance(forms, str) or not set(forms) <= set(FORMS) or not forms:
            raise ValueError(
                "帳票は 普通徴収の納税通知書・特別徴収税額決定通知書 から選んでください。"
            )
        raw = params.get("tsuchi_date")
        try:
            tsuchi = date.fromisoformat(raw) if raw else timezone.localdate()
        except (TypeError, ValueError) as exc:
            raise ValueError("通知日を正しく指定してください。") from exc
        return {
            "fiscal_year": fiscal_year,
            "forms": [f for f in FORMS if f in forms],
            "tsuchi_date": tsuchi.isoformat(),
        }

    # --- plan ---------------------------------------------------------------------

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        fiscal_year = int(job.params["fiscal_year"])
        chunks: list[tuple[dict[str, Any], int]] = []
        if FORM_FUTSU in job.params["forms"]:
            ids = list(futsu_queryset(fiscal_year).values_list("id", flat=True))
            for start in range(0, len(ids), self.chunk_notices):
                part = ids[start : start + self.chunk_notices]
                chunks.append(({"form": FORM_FUTSU, "fuka_ids": part}, len(part)))
        if FORM_TOKUCHO in job.params["forms"]:
            employers = (
                Fuka.objects.filter(
                    fiscal_year=fiscal_year, is_current=True, kyuyo_tokucho_gaku__gt=0
                )
                .exclude(tokucho_shitei_no="")
                .values_list("tokucho_shitei_no")
                .annotate(n=Count("id"))
                .order_by("tokucho_shitei_no")
            )
            batch: list[str] = []
            employees = 0
            for shitei_no, n in employers:
                if batch and employees + n > self.chunk_employees:
                    chunks.append(({"form": FORM_TOKUCHO, "shitei_nos": batch}, len(batch)))
                    batch, employees = [], 0
                batch.append(shitei_no)
                employees += n
            if batch:
                chunks.append(({"form": FORM_TOKUCHO, "shitei_nos": batch}, len(batch)))
        return chunks

    # --- files --------------------------------------------------------------------

    @staticmethod
    def pdf_name(job: Job, chunk: JobChunk) -> str:
        # job id and chunk number only: nothing personal in a file name (or a log line)
        return f"notice_{job.pk}_{chunk.index + 1:04d}_{chunk.params['form']}.pdf"

    @staticmethod
    def csv_name(job: Job) -> str:
        return f"notice_{job.pk}_print_data.csv"

    @staticmethod
    def _part_path(job: Job, index: int) -> str:
        return f"jobs/{job.pk}/print-data-part-{index:05d}.csv"

    @staticmethod
    def _store(job: Job, name: str, content: bytes, content_type: str) -> JobFile:
        """Write (or overwrite) one result file and its JobFile row."""
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
            contains_personal_data=True,
        )

    # --- run ----------------------------------------------------------------------

    def _notices(self, job: Job, chunk: JobChunk) -> tuple[list[Notice], int]:
        """The chunk's notices and how many planned ones are no longer printable (the
        assessment was corrected since: its 更正 sends its own notice)."""
        fiscal_year = int(job.params["fiscal_year"])
        if chunk.params["form"] == FORM_FUTSU:
            ids = chunk.params["fuka_ids"]
            rows = {f.pk: f for f in futsu_queryset(fiscal_year).filter(pk__in=ids)}
            notices = [futsu_notice(rows[i]) for i in ids if i in rows]
            return notices, len(ids) - len(notices)
        notices = tokucho_notices(fiscal_year, chunk.params["shitei_nos"])
        return notices, len(chunk.params["shitei_nos"]) - len(notices)

    def render(self, job: Job, form: str, notices: list[Notice]) -> bytes:
        kwargs: dict[str, Any] = {
            "issuer": Issuer.of(current_municipality()),
            "fiscal_year": int(job.params["fiscal_year"]),
            "tsuchi_date": date.fromisoformat(job.params["tsuchi_date"]),
            "timestamp": job.created_at or datetime.now().astimezone(),
        }
        if form == FORM_FUTSU:
            return futsu_render(notices, **kwargs)
        return tokucho_render(notices, **kwargs)

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        form = chunk.params["form"]
        notices, gone = self._notices(job, chunk)
        access_record(
            actor=print_actor(job),
            action=AccessAction.PRINT,
            gyomu=self.gyomu,
            screen=f"job:{self.code}",
            record_type="job_chunk",
            record_id=chunk.pk,
            record_count=sum(len(n.atena_ids) for n in notices),
            detail={
                "job": job.pk,
                "chunk": chunk.index,
                "form": form,
                "atena_ids": [a for n in notices for a in n.atena_ids],
            },
        )
        name = self.pdf_name(job, chunk)
        if notices:
            self._store(job, name, self.render(job, form, notices), "application/pdf")
        else:  # nothing left to print in this chunk: no stale file from an earlier run
            for old in JobFile.objects.filter(job=job, name=name):
                default_storage.delete(old.path)
                old.delete()
        # the print-data rows of this chunk, joined by finish() in chunk order
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        page = 1
        for n in notices:
            writer.writerow([name, page, n.pages, *n.csv])
            page += n.pages
        path = self._part_path(job, chunk.index)
        if default_storage.exists(path):
            default_storage.delete(path)
        default_storage.save(path, ContentFile(buffer.getvalue().encode("utf-8")))
        if gone:
            job_log(
                job,
                f"処理単位{chunk.index + 1}: {gone}件は賦課が更正・取消されたため"
                "印刷しませんでした。",
                level="warning",
            )
        return ChunkResult(done=len(notices), failed=gone)

    def finish(self, job: Job) -> None:
        out = io.BytesIO()
        out.write("\ufeff".encode())
        header = io.StringIO()
        csv.writer(header, lineterminator="\r\n").writerow(PRINT_DATA_HEADER)
        out.write(header.getvalue().encode("utf-8"))
        rows = 0
        for chunk in job.chunks.order_by("index"):
            with default_storage.open(self._part_path(job, chunk.index), "rb") as part:
                out.write(part.read())
            rows += chunk.done
        self._store(job, self.csv_name(job), out.getvalue(), "text/csv; charset=utf-8")
        for chunk in job.chunks.all():
            default_storage.delete(self._part_path(job, chunk.index))
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
        forms = "・".join(FORM_LABELS[f] for f in job.params["forms"])
        job_log(job, f"{forms}: 印刷データ {rows:,}件を作成しました。")


register(NoticePrint())
