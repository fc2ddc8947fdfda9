"""Mass printing of 介護保険被保険者証 on the platform's print-job framework
(tenants.printing.jobs: one PDF a chunk, the PRINT/EXPORT access rows, the print-data
CSV for the 印刷・封入 contractor).

Plan: every 第1号 period covering the 交付日 (基準日) — the 証 is sent to every 第1号
when they become one; a 第2号 gets theirs with the 認定 — by 宛名 id, 1,000 a chunk, the
period ids fixed in the chunk so a chunk run again prints the same people; a period ended
or cancelled since the plan is not printed (counted and said in the job log).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

from django.utils import timezone

from kaigo.forms.hihokenshasho import FORM, FORM_LABEL, PRINT_DATA_HEADER, Card, cards, cards_render
from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import Kubun
from kaigo.selectors.shikaku import periods_on
from tenants.csvout import DEFAULT_ENCODING, check_encoding
from tenants.jobs.models import Job, JobChunk
from tenants.jobs.registry import register
from tenants.printing.jobs import MassPrintJob, PrintedItem
from tenants.printing.yearly import issuer_name


class HihokenshashoPrint(MassPrintJob):
    code = "kaigo_hihokenshasho_print"
    gyomu = KAIGO_HOKEN
    title = "介護保険被保険者証の一括印刷"
    chunk_size = 1000
    file_prefix = "kaigo"
    print_data_header = PRINT_DATA_HEADER

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        raw = params.get("kofu_date")
        try:
            kofu = date.fromisoformat(raw) if raw else timezone.localdate()
        except (TypeError, ValueError) as exc:
            raise ValueError("交付年月日を正しく指定してください。") from exc
        return {
            "form": FORM,
            "kofu_date": kofu.isoformat(),
            "print_data_encoding": check_encoding(
                params.get("print_data_encoding") or DEFAULT_ENCODING
            ),
        }

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        kofu = date.fromisoformat(job.params["kofu_date"])
        ids = list(periods_on(kofu, Kubun.DAI1).order_by("atena_id").values_list("id", flat=True))
        return [
            ({"form": FORM, "shikaku_ids": ids[i : i + self.chunk_size]},
             len(ids[i : i + self.chunk_size]))
            for i in range(0, len(ids), self.chunk_size)
        ]  # fmt: skip

    def items(self, job: Job, chunk: JobChunk) -> tuple[list[Card], int]:
        kofu = date.fromisoformat(job.params["kofu_date"])
        ids = chunk.params["shikaku_ids"]
        rows = {s.pk: s for s in periods_on(kofu).filter(pk__in=ids)}
        periods = [rows[i] for i in ids if i in rows]
        made = cards(periods, kofu_date=kofu)
        return made, len(ids) - len(made)

    def render(self, job: Job, form: str, items: Sequence[PrintedItem]) -> bytes:
        return cards_render(
            cast("list[Card]", list(items)),
            issuer=issuer_name(),
            kofu_date=date.fromisoformat(job.params["kofu_date"]),
            timestamp=job.created_at or datetime.now().astimezone(),
        )

    def gone_message(self, chunk: JobChunk, gone: int) -> str:
        return f"処理単位{chunk.index + 1}: {gone}件は資格を喪失・取消したため印刷しませんでした。"

    def finish_message(self, job: Job, rows: int) -> str:
        return f"{FORM_LABEL}: 印刷データ {rows:,}件を作成しました。"


register(HihokenshashoPrint())
