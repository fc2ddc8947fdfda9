"""The 督促 job (issue 18 item 6): one job per town and 納期限 (or every 期別 due), on the
print-job framework (tenants.printing.jobs): each chunk writes its 督促 and prints their
督促状 as one PDF, in the chunk's transaction.

Plan: the 期別 past their 納期限, unpaid on the 発付日, with no 督促 yet
(``tokusoku_candidates``), 1,000 a chunk, the ids fixed in the chunk. A chunk run again
(killed worker, retry) finds the 督促 it wrote (same job) and prints them again without
writing a second one; a second job finds nothing left. A 期別 paid since the plan is not
sent. Those sent more than 20 days after the 納期限 are sent and flagged, with a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from django.urls import reverse
from django.utils import timezone

from tenants.csvout import DEFAULT_ENCODING, check_encoding
from tenants.jobs.models import Job, JobChunk
from tenants.jobs.registry import ChunkResult, register
from tenants.jobs.services import job_log
from tenants.printing.jobs import MassPrintJob, PrintedItem
from tenants.selectors.current import current_municipality
from tenants.wareki import format_wareki
from zeimu.forms.notices import Issuer, Notice
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import Tokusoku
from zeimu.services.shuno_tokusoku import (
    FORM,
    PRINT_DATA_HEADER,
    tokusoku_candidates,
    tokusoku_issue_many,
    tokusoku_notices,
    tokusoku_render,
)

TOKUSOKU = "zeimu_shuno_tokusoku"


class TokusokuJob(MassPrintJob):
    code = TOKUSOKU
    gyomu = SHUNO_KANRI
    title = "督促状の発付"
    chunk_notices = 1000
    file_prefix = "tokusoku"
    print_data_header = PRINT_DATA_HEADER

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            raw = params.get("hakko_date")
            hakko = date.fromisoformat(raw) if raw else timezone.localdate()
            raw_nouki = params.get("nouki")
            nouki = date.fromisoformat(raw_nouki) if raw_nouki else None
        except (TypeError, ValueError) as exc:
            raise ValueError("発付日・納期限を正しく指定してください。") from exc
        if nouki is not None and nouki >= hakko:
            raise ValueError("納期限を過ぎていない期別には督促状を発付できません。")
        return {
            "hakko_date": hakko.isoformat(),
            "nouki": nouki.isoformat() if nouki else None,
            "print_data_encoding": check_encoding(
                params.get("print_data_encoding") or DEFAULT_ENCODING
            ),
        }

    def _hakko(self, job: Job) -> date:
        return date.fromisoformat(job.params["hakko_date"])

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        raw = job.params.get("nouki")
        ids = tokusoku_candidates(
            hakko_date=self._hakko(job), nouki=date.fromisoformat(raw) if raw else None
        )
        n = self.chunk_notices
        return [
            ({"form": FORM, "kibetsu_ids": ids[i : i + n]}, len(ids[i : i + n]))
            for i in range(0, len(ids), n)
        ]

    def items(self, job: Job, chunk: JobChunk) -> tuple[list[Notice], int]:
        ids = [int(i) for i in chunk.params["kibetsu_ids"]]
        rows = tokusoku_issue_many(
            ids, hakko_date=self._hakko(job), job_id=job.pk, created_by=job.started_by_name or ""
        )
        return tokusoku_notices(rows), len(ids) - len(rows)

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        result = super().run_chunk(job, chunk)
        late = Tokusoku.objects.filter(
            job=job, late=True, kibetsu_id__in=chunk.params["kibetsu_ids"]
        ).count()
        if late:
            job_log(
                job,
                f"処理単位{chunk.index + 1}: {late:,}件は納期限後20日を過ぎてからの督促です"
                "（地方税法第329条第1項ほか）。発付しましたが、督促の一覧で確認してください。",
                level="warning",
            )
        return result

    def render(self, job: Job, form: str, items: Sequence[PrintedItem]) -> bytes:
        return tokusoku_render(
            cast("list[Notice]", list(items)), issuer=Issuer.of(current_municipality())
        )

    def gone_message(self, chunk: JobChunk, gone: int) -> str:
        return (
            f"処理単位{chunk.index + 1}: {gone}件は計画の後に納付されたか督促済みのため"
            "発付しませんでした。"
        )

    def finish_message(self, job: Job, rows: int) -> str:
        return f"督促状を{rows:,}件発付しました（発付日 {format_wareki(self._hakko(job))}）。"

    def result_url(self, job: Job) -> str:
        return reverse("zeimu_shuno_tokusoku")


register(TokusokuJob())
