"""Mass printing of 個人住民税 notices: 納税通知書（普通徴収）and 特別徴収税額決定通知書
（特別徴収義務者用）for the print house (印刷・封入 BPO), on the platform's print-job
framework (tenants.printing.jobs: one PDF a chunk, the PRINT/EXPORT access rows, the
print-data CSV joined at the end).

What is zeimu's own is here: the plan and the notices of a chunk (zeimu.forms.notices,
the templates the single reprint uses too).

Plan: 普通徴収 notices in 郵便番号・宛名番号 order (区分郵便 discount), 1,000 a chunk, the
assessment ids fixed in the chunk so a re-run prints the same people; then employers in
指定番号 order, packed ≈1,000 employees a chunk (a big employer alone). A chunk of 1,000
notices renders in ≈2.5 s on one core and makes a PDF of ≈10 MB (bench/notices.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

from django.db.models import Count
from django.utils import timezone

from tenants.csvout import DEFAULT_ENCODING, check_encoding
from tenants.jobs.models import Job, JobChunk
from tenants.jobs.registry import register
from tenants.printing.jobs import MassPrintJob, PrintedItem, print_actor
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
from zeimu.gyomu import KOJIN_JUMINZEI
from zeimu.models import Fuka

FORMS = (FORM_FUTSU, FORM_TOKUCHO)

__all__ = ["FORMS", "NoticePrint", "latest_tsuchi_date", "print_actor"]


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


class NoticePrint(MassPrintJob):
    code = "zeimu_notice_print"
    gyomu = KOJIN_JUMINZEI
    title = "個人住民税 納税通知書等の一括印刷"
    chunk_notices = 1000
    chunk_employees = 1000
    file_prefix = "notice"
    print_data_header = PRINT_DATA_HEADER

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
            # the print house's CSV: UTF-8 with BOM unless the clerk chose cp932
            "print_data_encoding": check_encoding(
                params.get("print_data_encoding") or DEFAULT_ENCODING
            ),
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

    # --- run ----------------------------------------------------------------------

    def items(self, job: Job, chunk: JobChunk) -> tuple[list[Notice], int]:
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

    def render(self, job: Job, form: str, items: Sequence[PrintedItem]) -> bytes:
        notices = cast("list[Notice]", list(items))  # what items() returned
        kwargs: dict[str, Any] = {
            "issuer": Issuer.of(current_municipality()),
            "fiscal_year": int(job.params["fiscal_year"]),
            "tsuchi_date": date.fromisoformat(job.params["tsuchi_date"]),
            "timestamp": job.created_at or datetime.now().astimezone(),
        }
        if form == FORM_FUTSU:
            return futsu_render(notices, **kwargs)
        return tokucho_render(notices, **kwargs)

    def gone_message(self, chunk: JobChunk, gone: int) -> str:
        return (
            f"処理単位{chunk.index + 1}: {gone}件は賦課が更正・取消されたため印刷しませんでした。"
        )

    def finish_message(self, job: Job, rows: int) -> str:
        forms = "・".join(FORM_LABELS[f] for f in job.params["forms"])
        return f"{forms}: 印刷データ {rows:,}件を作成しました。"


register(NoticePrint())
