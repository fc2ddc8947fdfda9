"""The yearly 現況届 of 児童扶養手当 (施行規則第4条: every August) as a job on the platform's
print-job framework: each chunk opens the 現況届 of the year 未提出 for its 受給者
(``genkyo_open_many``, idempotent) and prints their 現況届の案内 in one PDF; the print-data
CSV goes to the 印刷・封入 contractor.

Plan: every 受給者 受給中 whose 支給 began by 8月1日 of the year (the 届 states the 8月1日
situation), without a 届 already received, by 証書番号, 1,000 a chunk, their ids fixed in the
chunk so a chunk run again prints the same 案内.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from fukushi.gyomu import JIDO_FUYO_TEATE
from fukushi.models import FuyoGenkyoJotai, FuyoGenkyoTodoke, FuyoJotai, FuyoJukyusha
from fukushi.services.fuyoteate_todoke import genkyo_open_many
from juminkiroku.public import address_blocks, person_identities
from tenants.csvout import DEFAULT_ENCODING, check_encoding
from tenants.jobs.models import Job, JobChunk
from tenants.jobs.registry import register
from tenants.labels import postal
from tenants.printing.engine import render
from tenants.printing.jobs import MassPrintJob, PrintedItem, print_actor
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_wareki, format_wareki_year

TEMPLATE = "fukushi/fuyoteate_genkyo_annai.typ"
FORM = "genkyo_annai"
FORM_LABEL = "児童扶養手当現況届のご案内"
KIND = "fukushi_fuyoteate_genkyo_annai"
PRINT_DATA_HEADER = [
    "ファイル名", "開始頁", "頁数", "帳票", "証書番号", "宛名番号", "届出の年", "郵便番号",
]  # fmt: skip


@dataclass
class Annai:
    item: dict[str, Any]
    csv: list[Any]
    pages: int = 1
    atena_ids: list[int] = field(default_factory=list)


def annai_of(rows: Sequence[FuyoJukyusha], nen: int) -> list[Annai]:
    ids = [j.atena_id for j in rows]
    persons, blocks = person_identities(ids), address_blocks(ids)
    out: list[Annai] = []
    for j in rows:
        person, block = persons.get(j.atena_id), blocks.get(j.atena_id)
        if person is None or block is None:
            continue
        out.append(
            Annai(
                item={
                    "postal": postal(block.postal_code),
                    "address": block.jusho,
                    "katagaki": block.katagaki,
                    "name": person.shimei,
                    "bango": j.jukyusha_bango,
                },
                csv=[FORM_LABEL, j.jukyusha_bango, person.atena_no, nen, block.postal_code],
                atena_ids=[j.atena_id],
            )
        )
    return out


class GenkyoAnnaiPrint(MassPrintJob):
    code = KIND
    gyomu = JIDO_FUYO_TEATE
    title = "児童扶養手当 現況届（案内の一括印刷と未提出の記録）"
    chunk_size = 1000
    file_prefix = "fuyoteate_genkyo"
    print_data_header = PRINT_DATA_HEADER

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            nen = int(params.get("nen", 0))
        except (TypeError, ValueError) as exc:
            raise ValueError("届出の年を指定してください。") from exc
        if not 2000 <= nen <= 2100:
            raise ValueError("届出の年を指定してください。")
        try:
            kigen = date.fromisoformat(str(params.get("kigen") or f"{nen}-08-31"))
            tsuchi = date.fromisoformat(str(params.get("tsuchi_date") or f"{nen}-07-20"))
        except ValueError as exc:
            raise ValueError("提出期限・通知日を正しく指定してください。") from exc
        if kigen.year != nen:
            raise ValueError("提出期限は届出の年の日付です。")
        return {
            "form": FORM,
            "nen": nen,
            "kigen": kigen.isoformat(),
            "tsuchi_date": tsuchi.isoformat(),
            "print_data_encoding": check_encoding(
                params.get("print_data_encoding") or DEFAULT_ENCODING
            ),
        }

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        nen = int(job.params["nen"])
        ids = list(
            FuyoJukyusha.objects.filter(jotai=FuyoJotai.JUKYU, shikyu_kaishi__lte=date(nen, 8, 1))
            .exclude(
                pk__in=FuyoGenkyoTodoke.objects.filter(
                    nen=nen, jotai=FuyoGenkyoJotai.TEISHUTSU
                ).values("jukyusha_id")
            )
            .order_by("jukyusha_bango")
            .values_list("pk", flat=True)
        )
        return [
            ({"form": FORM, "jukyusha_ids": ids[i : i + self.chunk_size]},
             len(ids[i : i + self.chunk_size]))
            for i in range(0, len(ids), self.chunk_size)
        ]  # fmt: skip

    def items(self, job: Job, chunk: JobChunk) -> tuple[list[Annai], int]:
        ids = chunk.params["jukyusha_ids"]
        rows = genkyo_open_many(
            jukyusha_ids=ids, nen=int(job.params["nen"]), job_id=job.pk, actor=print_actor(job)
        )
        made = annai_of(rows, int(job.params["nen"]))
        return made, len(ids) - len(made)

    def render(self, job: Job, form: str, items: Sequence[PrintedItem]) -> bytes:
        nen = int(job.params["nen"])
        return render(
            TEMPLATE,
            common={
                "title": FORM_LABEL,
                "issuer": issuer_name(),
                "tsuchi": format_wareki(date.fromisoformat(job.params["tsuchi_date"])),
                "nen": format_wareki_year(nen),
                "kigen": format_wareki(date.fromisoformat(job.params["kigen"])),
            },
            items=[cast("Annai", i).item for i in items],
            timestamp=job.created_at or datetime.now().astimezone(),
        )

    def finish_message(self, job: Job, rows: int) -> str:
        return f"{FORM_LABEL}: {rows:,}件（現況届を未提出として記録し、案内を作成しました）。"


register(GenkyoAnnaiPrint())
