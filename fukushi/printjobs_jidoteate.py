"""Mass printing of the 児童手当 支払通知書 of one payment run on the platform's print-job
framework (tenants.printing.jobs: one PDF a chunk, the PRINT/EXPORT access rows, the
print-data CSV for the 印刷・封入 contractor).

Plan: the 受給者 of the run's payment lines, by 受給者番号, 1,000 a chunk, their ids fixed
in the chunk so a chunk run again prints the same notices. Only a run whose 総合振込データ is
made (確定) is printed: the notice states what the bank is asked to pay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from django.db.models import Count, Sum
from django.utils import timezone

from fukushi.gyomu import JIDO_TEATE
from fukushi.models import (
    JidoteateShiharai,
    JidoteateShiharaiMeisai,
    MeisaiKind,
    ShiharaiStatus,
)
from juminkiroku.public import address_blocks, person_identities
from tenants.csvout import DEFAULT_ENCODING, check_encoding
from tenants.jobs.models import Job, JobChunk
from tenants.jobs.registry import register
from tenants.labels import postal, wareki_month
from tenants.printing.engine import render
from tenants.printing.jobs import MassPrintJob, PrintedItem
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_wareki
from tenants.zengin import SHUMOKU

TEMPLATE = "fukushi/jidoteate_shiharai_tsuchi.typ"
FORM = "shiharai_tsuchi"
FORM_LABEL = "児童手当支払通知書"
KIND = "fukushi_jidoteate_tsuchi_print"
PRINT_DATA_HEADER = [
    "ファイル名", "開始頁", "頁数", "帳票", "受給者番号", "宛名番号", "支払月", "支払額",
    "郵便番号",
]  # fmt: skip


@dataclass
class Tsuchi:
    item: dict[str, Any]
    csv: list[Any]
    pages: int = 1
    atena_ids: list[int] = field(default_factory=list)


def tsuchi_of(run: JidoteateShiharai, jukyusha_ids: Sequence[int]) -> list[Tsuchi]:
    """The notices of ``jukyusha_ids`` in that order: four queries for any number."""
    lines: dict[int, list[JidoteateShiharaiMeisai]] = {}
    for m in (
        JidoteateShiharaiMeisai.objects.filter(shiharai=run, jukyusha_id__in=list(jukyusha_ids))
        .select_related("jukyusha")
        .order_by("month")
    ):
        lines.setdefault(m.jukyusha_id, []).append(m)
    atena = {j: ls[0].jukyusha.atena_id for j, ls in lines.items()}
    persons = person_identities(atena.values())
    blocks = address_blocks(atena.values())
    out: list[Tsuchi] = []
    for jid in jukyusha_ids:
        ls = lines.get(jid)
        if not ls:
            continue
        j = ls[0].jukyusha
        person, block = persons.get(j.atena_id), blocks.get(j.atena_id)
        if person is None or block is None:
            continue
        total = sum(m.amount for m in ls)
        shumoku = SHUMOKU.get(j.yokin_shumoku, "")
        out.append(
            Tsuchi(
                item={
                    "postal": postal(block.postal_code),
                    "address": block.jusho,
                    "katagaki": block.katagaki,
                    "name": person.shimei,
                    "jukyusha_no": j.jukyusha_no,
                    "months": [
                        [
                            f"{wareki_month(m.month)}分"
                            + ("" if m.kind == MeisaiKind.TSUJO else f"（{m.get_kind_display()}）"),
                            f"{m.jido_count}人",
                            f"{m.amount:,}円",
                        ]
                        for m in ls
                    ],
                    "total": f"{total:,}円",
                    # the account's last 3 digits only: the notice goes by post
                    "koza": (
                        f"金融機関 {j.kinyu_kikan} 支店 {j.shiten} {shumoku}"
                        f" ****{j.koza_bango[-3:]}"
                    ),
                },
                csv=[
                    FORM_LABEL,
                    j.jukyusha_no,
                    person.atena_no,
                    run.shiharai_month.isoformat()[:7],
                    total,
                    block.postal_code,
                ],
                atena_ids=[j.atena_id],
            )
        )
    return out


def tsuchi_render(
    notices: Sequence[Tsuchi], *, run: JidoteateShiharai, tsuchi_date: date, timestamp: datetime
) -> bytes:
    return render(
        TEMPLATE,
        common={
            "title": FORM_LABEL,
            "issuer": issuer_name(),
            "tsuchi": format_wareki(tsuchi_date),
            "shiharai": wareki_month(run.shiharai_month),
            "torikumi": format_wareki(run.torikumi_date) if run.torikumi_date else "",
        },
        items=[n.item for n in notices],
        timestamp=timestamp,
    )


class ShiharaiTsuchiPrint(MassPrintJob):
    code = KIND
    gyomu = JIDO_TEATE
    title = "児童手当支払通知書の一括印刷"
    chunk_size = 1000
    file_prefix = "jidoteate"
    print_data_header = PRINT_DATA_HEADER

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            run = JidoteateShiharai.objects.get(pk=int(params.get("shiharai_id", 0)))
        except (TypeError, ValueError, JidoteateShiharai.DoesNotExist) as exc:
            raise ValueError("支払を指定してください。") from exc
        if run.status != ShiharaiStatus.KAKUTEI:
            raise ValueError("総合振込データを作成（確定）した支払だけを印刷できます。")
        raw = params.get("tsuchi_date")
        try:
            tsuchi = date.fromisoformat(raw) if raw else run.torikumi_date or timezone.localdate()
        except (TypeError, ValueError) as exc:
            raise ValueError("通知日を正しく指定してください。") from exc
        return {
            "form": FORM,
            "shiharai_id": run.pk,
            "tsuchi_date": tsuchi.isoformat(),
            "print_data_encoding": check_encoding(
                params.get("print_data_encoding") or DEFAULT_ENCODING
            ),
        }

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        ids = list(
            JidoteateShiharaiMeisai.objects.filter(shiharai_id=job.params["shiharai_id"])
            .values("jukyusha_id", "jukyusha__jukyusha_no")
            .annotate(n=Count("id"), s=Sum("amount"))
            .order_by("jukyusha__jukyusha_no")
            .values_list("jukyusha_id", flat=True)
        )
        return [
            ({"form": FORM, "jukyusha_ids": ids[i : i + self.chunk_size]},
             len(ids[i : i + self.chunk_size]))
            for i in range(0, len(ids), self.chunk_size)
        ]  # fmt: skip

    def items(self, job: Job, chunk: JobChunk) -> tuple[list[Tsuchi], int]:
        run = JidoteateShiharai.objects.get(pk=job.params["shiharai_id"])
        ids = chunk.params["jukyusha_ids"]
        made = tsuchi_of(run, ids)
        return made, len(ids) - len(made)

    def render(self, job: Job, form: str, items: Sequence[PrintedItem]) -> bytes:
        run = JidoteateShiharai.objects.get(pk=job.params["shiharai_id"])
        return tsuchi_render(
            cast("list[Tsuchi]", list(items)),
            run=run,
            tsuchi_date=date.fromisoformat(job.params["tsuchi_date"]),
            timestamp=job.created_at or datetime.now().astimezone(),
        )

    def finish_message(self, job: Job, rows: int) -> str:
        return f"{FORM_LABEL}: 印刷データ {rows:,}件を作成しました。"


register(ShiharaiTsuchiPrint())
