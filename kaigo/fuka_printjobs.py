"""Mass printing of 介護保険料額決定通知書 (with the 納入通知書 for 普通徴収) and 変更通知書 on
the platform's print-job framework (tenants.printing.jobs: one PDF a chunk, the
PRINT/EXPORT access rows, the print-data CSV).

Plan: the current 賦課 of the 年度 — the 本算定's (決定通知書) or the 更正 made from a date
on (変更通知書) — by 宛名 id, 500 a chunk, the 賦課 ids fixed in the chunk; one no longer
current since the plan (a 更正 after it) is not printed and is counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

from django.db.models import QuerySet
from django.utils import timezone

from kaigo.forms.fuka import (
    FORM_HENKO,
    FORM_LABELS,
    FORMS,
    PRINT_DATA_HEADER,
    Notice,
    notices,
    notices_render,
)
from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import FukaSantei, KaigoFuka
from tenants.csvout import DEFAULT_ENCODING, check_encoding
from tenants.jobs.models import Job, JobChunk
from tenants.jobs.registry import register
from tenants.printing.jobs import MassPrintJob, PrintedItem
from tenants.selectors.current import current_municipality

NOTICE_PRINT = "kaigo_fuka_notice_print"


def issuer_name() -> str:
    return f"{current_municipality().name}長"


class FukaNoticePrint(MassPrintJob):
    code = NOTICE_PRINT
    gyomu = KAIGO_HOKEN
    title = "介護保険料額決定通知書・変更通知書の一括印刷"
    chunk_size = 500
    file_prefix = KAIGO_HOKEN
    print_data_header = PRINT_DATA_HEADER

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        form = params.get("form")
        if form not in FORMS:
            raise ValueError("帳票は 決定通知書・変更通知書 から選んでください。")
        try:
            fy = int(params["fiscal_year"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError("年度を指定してください。") from exc
        try:
            tsuchi = (
                date.fromisoformat(params["tsuchi_date"])
                if params.get("tsuchi_date")
                else timezone.localdate()
            )
            since = date.fromisoformat(params["since"]) if params.get("since") else None
        except (TypeError, ValueError) as exc:
            raise ValueError("日付を正しく指定してください。") from exc
        return {
            "form": form,
            "fiscal_year": fy,
            "tsuchi_date": tsuchi.isoformat(),
            "since": since.isoformat() if since else None,
            "print_data_encoding": check_encoding(
                params.get("print_data_encoding") or DEFAULT_ENCODING
            ),
        }

    def _rows(self, job: Job) -> QuerySet[KaigoFuka]:
        qs = KaigoFuka.objects.filter(fiscal_year=int(job.params["fiscal_year"]), is_current=True)
        if job.params["form"] == FORM_HENKO:
            qs = qs.filter(santei=FukaSantei.KOSEI)
            if job.params.get("since"):
                qs = qs.filter(created_at__date__gte=date.fromisoformat(job.params["since"]))
        else:
            qs = qs.filter(santei=FukaSantei.HON)
        return qs

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        ids = list(self._rows(job).order_by("atena_id").values_list("id", flat=True))
        return [
            ({"form": job.params["form"], "fuka_ids": ids[i : i + self.chunk_size]},
             len(ids[i : i + self.chunk_size]))
            for i in range(0, len(ids), self.chunk_size)
        ]  # fmt: skip

    def items(self, job: Job, chunk: JobChunk) -> tuple[list[Notice], int]:
        ids = chunk.params["fuka_ids"]
        rows = {f.pk: f for f in self._rows(job).filter(pk__in=ids)}
        made = notices(
            [rows[i] for i in ids if i in rows],
            tsuchi_date=date.fromisoformat(job.params["tsuchi_date"]),
        )
        return made, len(ids) - len(made)

    def render(self, job: Job, form: str, items: Sequence[PrintedItem]) -> bytes:
        return notices_render(
            cast("list[Notice]", list(items)),
            issuer=issuer_name(),
            tsuchi_date=date.fromisoformat(job.params["tsuchi_date"]),
            timestamp=job.created_at or datetime.now().astimezone(),
        )

    def gone_message(self, chunk: JobChunk, gone: int) -> str:
        return f"処理単位{chunk.index + 1}: {gone}件は計画の後に更正されたため印刷しませんでした。"

    def finish_message(self, job: Job, rows: int) -> str:
        return f"{FORM_LABELS[job.params['form']]}: 印刷データ {rows:,}件を作成しました。"


register(FukaNoticePrint())
