"""児童扶養手当 返還金の督促 as a job on the platform's print-job framework: each chunk
records the 督促 of its 返還金 (``tokusoku_many``: 督促日, 指定期限, 残額, history; a chunk
run again prints the same 督促 and makes none twice) and prints their 督促状 in one PDF;
the print-data CSV goes to the 印刷・封入 contractor.

Plan: every 返還金 未納 whose 納期限 passed before the 督促日 and not yet 督促'd
(``tokusoku_taisho``), by 納期限, 500 a chunk, their ids fixed in the chunk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from fukushi.gyomu import JIDO_FUYO_TEATE
from fukushi.models import FuyoKabaraiTokusoku
from fukushi.services.fuyoteate_kabarai_tokusoku import (
    TOKUSOKU_TITLE,
    tokusoku_items,
    tokusoku_many,
    tokusoku_render,
    tokusoku_taisho,
)
from tenants.csvout import DEFAULT_ENCODING, check_encoding
from tenants.jobs.models import Job, JobChunk
from tenants.jobs.registry import register
from tenants.printing.jobs import MassPrintJob, PrintedItem, print_actor

FORM = "kabarai_tokusoku"
KIND = "fukushi_fuyoteate_kabarai_tokusoku"
PRINT_DATA_HEADER = [
    "ファイル名", "開始頁", "頁数", "帳票", "証書番号", "宛名番号", "返還金番号", "未納の額",
    "指定期限", "郵便番号",
]  # fmt: skip


@dataclass
class Tokusokujo:
    item: dict[str, Any]
    csv: list[Any]
    pages: int = 1
    atena_ids: list[int] = field(default_factory=list)


def tokusokujo_of(rows: Sequence[FuyoKabaraiTokusoku]) -> list[Tokusokujo]:
    items = {i["kabarai_no"]: i for i in tokusoku_items(rows)}
    out: list[Tokusokujo] = []
    for t in rows:
        item = items.get(f"{t.kabarai_id:08d}")
        if item is None:
            continue
        out.append(
            Tokusokujo(
                item=item,
                csv=[TOKUSOKU_TITLE, item["bango"], item["atena_no"], item["kabarai_no"], t.zan,
                     t.shitei_kigen.isoformat(), item["postal"]],
                atena_ids=[t.kabarai.jukyusha.atena_id],
            )
        )  # fmt: skip
    return out


class KabaraiTokusokuPrint(MassPrintJob):
    code = KIND
    gyomu = JIDO_FUYO_TEATE
    title = "児童扶養手当 返還金の督促（督促の記録と督促状の一括印刷）"
    chunk_size = 500
    file_prefix = "fuyoteate_tokusoku"
    print_data_header = PRINT_DATA_HEADER

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            tokusoku = date.fromisoformat(str(params.get("tokusoku_date") or ""))
        except ValueError as exc:
            raise ValueError("督促日を正しく指定してください。") from exc
        return {
            "form": FORM,
            "tokusoku_date": tokusoku.isoformat(),
            "print_data_encoding": check_encoding(
                params.get("print_data_encoding") or DEFAULT_ENCODING
            ),
        }

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        on = date.fromisoformat(job.params["tokusoku_date"])
        ids = list(tokusoku_taisho(on).values_list("pk", flat=True))
        return [
            ({"form": FORM, "kabarai_ids": ids[i : i + self.chunk_size]},
             len(ids[i : i + self.chunk_size]))
            for i in range(0, len(ids), self.chunk_size)
        ]  # fmt: skip

    def items(self, job: Job, chunk: JobChunk) -> tuple[list[Tokusokujo], int]:
        ids = chunk.params["kabarai_ids"]
        rows = tokusoku_many(
            kabarai_ids=ids,
            tokusoku_date=date.fromisoformat(job.params["tokusoku_date"]),
            job_id=job.pk,
            actor=print_actor(job),
        )
        rows = list(
            FuyoKabaraiTokusoku.objects.filter(pk__in=[t.pk for t in rows])
            .select_related("kabarai__jukyusha")
            .order_by("kabarai__nouki", "kabarai_id")
        )
        made = tokusokujo_of(rows)
        return made, len(ids) - len(made)

    def render(self, job: Job, form: str, items: Sequence[PrintedItem]) -> bytes:
        return tokusoku_render([cast("Tokusokujo", i).item for i in items])

    def finish_message(self, job: Job, rows: int) -> str:
        return f"{TOKUSOKU_TITLE}: {rows:,}件（督促を記録し、督促状を作成しました）。"


register(KabaraiTokusokuPrint())
