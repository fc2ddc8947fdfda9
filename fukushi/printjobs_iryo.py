"""子ども医療費助成・ひとり親家庭等医療費助成: the 受給者証 of every 受給者 renewed by a
year's 一斉更新 (``fukushi.services.iryo.ikkatsu_koshin``), in one PDF per chunk, as a job on
the platform's print-job framework (one job kind per 業務, so each is run and seen under
its own 業務); the print-data CSV goes to the 印刷・封入 contractor.

Plan: every 受給者証 of the 業務 有効 on the first day of the year's 更新月 and issued
before it (those the 一斉更新 extended: before it every certificate ends on the day before
the 更新月), by 受給者番号, 1,000 a chunk, their ids fixed in the chunk. The card shows the
renewed period: from the first day of the 更新月 to its new end. Printing records nothing
(a chunk run again prints the same cards); each chunk is one PRINT access row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from fukushi.gyomu import HITORIOYA_IRYO, NYUYOJI_IRYO
from fukushi.models import IryoGyomu, IryoJotai, IryoJukyusha
from fukushi.services.iryo import IryoRefused, ichibu_futan_of, koshin_kaishi
from juminkiroku.public import person_identities
from tenants.csvout import DEFAULT_ENCODING, check_encoding
from tenants.jobs.models import Job, JobChunk
from tenants.jobs.registry import register
from tenants.printing.engine import render
from tenants.printing.jobs import MassPrintJob, PrintedItem
from tenants.printing.yearly import issuer_name
from tenants.wareki import fiscal_year_of, format_wareki

TEMPLATE = "fukushi/iryo_jukyushasho.typ"
FORM = "jukyushasho"
PRINT_DATA_HEADER = [
    "ファイル名", "開始頁", "頁数", "帳票", "受給者番号", "宛名番号", "有効期間の終わり",
]  # fmt: skip


@dataclass
class Card:
    item: dict[str, Any]
    csv: list[Any]
    pages: int = 1
    atena_ids: list[int] = field(default_factory=list)


def card_items(rows: Sequence[IryoJukyusha], gyomu: str, kaishi: date | None) -> list[Card]:
    """The card of each certificate (from ``kaishi`` when given, else its own start); one
    whose person cannot be read is left out."""
    persons = person_identities(
        list(dict.fromkeys([j.atena_id for j in rows] + [j.hogosha_atena_id for j in rows]))
    )
    label = f"{IryoGyomu(gyomu).label} 受給者証"
    out: list[Card] = []
    for j in rows:
        p, h = persons.get(j.atena_id), persons.get(j.hogosha_atena_id)
        if p is None:
            continue
        start = max(j.yuko_kaishi, kaishi) if kaishi else j.yuko_kaishi
        futan = ichibu_futan_of(gyomu, fiscal_year_of(start))
        out.append(
            Card(
                item={
                    "bango": j.jukyusha_bango,
                    "name": p.shimei,
                    "birth": format_wareki(p.birth_date),
                    "hogosha": h.shimei if h else "",
                    "kikan": f"{format_wareki(start)}から{format_wareki(j.yuko_shuryo)}まで",
                    "futan": f"1件 {futan:,}円" if futan else "なし",
                },
                csv=[label, j.jukyusha_bango, p.atena_no, j.yuko_shuryo.isoformat()],
                atena_ids=[a for a in (j.atena_id, j.hogosha_atena_id) if a],
            )
        )
    return out


class _JukyushashoPrint(MassPrintJob):
    chunk_size = 1000
    file_prefix = "iryo_jukyushasho"
    print_data_header = PRINT_DATA_HEADER

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            nen = int(params.get("nen", 0))
            hakko = date.fromisoformat(str(params.get("hakko_date") or ""))
        except (TypeError, ValueError) as exc:
            raise ValueError("更新の年と交付日を正しく指定してください。") from exc
        if not 2000 <= nen <= 2100:
            raise ValueError("更新の年を正しく指定してください。")
        try:
            koshin_kaishi(self.gyomu, nen)
        except IryoRefused as exc:
            raise ValueError(" ".join(m for _, m in exc.errors)) from exc
        return {
            "form": FORM,
            "nen": nen,
            "hakko_date": hakko.isoformat(),
            "print_data_encoding": check_encoding(
                params.get("print_data_encoding") or DEFAULT_ENCODING
            ),
        }

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        kaishi = koshin_kaishi(self.gyomu, int(job.params["nen"]))
        ids = list(
            IryoJukyusha.objects.filter(
                gyomu=self.gyomu,
                jotai=IryoJotai.YUKO,
                yuko_kaishi__lt=kaishi,
                yuko_shuryo__gte=kaishi,
            )
            .order_by("jukyusha_bango")
            .values_list("pk", flat=True)
        )
        return [
            ({"form": FORM, "ids": ids[i : i + self.chunk_size]},
             len(ids[i : i + self.chunk_size]))
            for i in range(0, len(ids), self.chunk_size)
        ]  # fmt: skip

    def items(self, job: Job, chunk: JobChunk) -> tuple[list[Card], int]:
        ids = chunk.params["ids"]
        kaishi = koshin_kaishi(self.gyomu, int(job.params["nen"]))
        rows = list(
            IryoJukyusha.objects.filter(
                pk__in=ids, gyomu=self.gyomu, jotai=IryoJotai.YUKO
            ).order_by("jukyusha_bango")
        )
        made = card_items(rows, self.gyomu, kaishi)
        return made, len(ids) - len(made)

    def render(self, job: Job, form: str, items: Sequence[PrintedItem]) -> bytes:
        return render(
            TEMPLATE,
            common={
                "title": f"{IryoGyomu(self.gyomu).label} 受給者証",
                "issuer": issuer_name(),
                "hakko": format_wareki(date.fromisoformat(job.params["hakko_date"])),
            },
            items=[cast("Card", i).item for i in items],
        )

    def finish_message(self, job: Job, rows: int) -> str:
        return f"{IryoGyomu(self.gyomu).label} 受給者証（一斉更新）: {rows:,}件。"


class KodomoJukyushashoPrint(_JukyushashoPrint):
    code = "fukushi_kodomo_iryo_jukyushasho"
    gyomu = NYUYOJI_IRYO
    title = "子ども医療費助成 受給者証の一括印刷（一斉更新）"


class HitorioyaJukyushashoPrint(_JukyushashoPrint):
    code = "fukushi_hitorioya_iryo_jukyushasho"
    gyomu = HITORIOYA_IRYO
    title = "ひとり親家庭等医療費助成 受給者証の一括印刷（一斉更新）"


JOB_OF = {NYUYOJI_IRYO: KodomoJukyushashoPrint.code, HITORIOYA_IRYO: HitorioyaJukyushashoPrint.code}

register(KodomoJukyushashoPrint())
register(HitorioyaJukyushashoPrint())
