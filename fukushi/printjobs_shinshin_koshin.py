"""心身障害者医療 受給者証 of every certificate renewed by one 一斉更新 job (SG-18), as a job on
the platform's print-job framework: one PDF per chunk (the card of
``fukushi/shinshin_jukyushasho.typ``, one per page) and the print-data CSV for the 印刷・封入
contractor. The scheduled run (``fukushi.shinshin_jobs.koshin_schedule_due``) starts it
when the 一斉更新 job has finished; a clerk may start it again for the same job (a reprint).

Plan: the ``ShinshinKoshinKekka`` rows of the 一斉更新 job that renewed (``kekka="koshin"``),
by 受給者番号, ``CHUNK`` a chunk, the certificate ids fixed in the chunk. The card shows the
renewed period, from the first day of the 更新月 to the new end. A certificate that is no
longer valid when its chunk runs (ended since by a 見直し or a 喪失) is not printed and is
counted as failed in the job's log. Printing records nothing; each chunk is one PRINT
access row with the 宛名 ids it printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from fukushi.gyomu import SHINSHIN_SHOGAISHA_IRYO
from fukushi.models import ShinshinJotai, ShinshinJukyusha, ShinshinKoshinKekka
from fukushi.printjobs_shinshin import TEMPLATE, TITLE, card_items
from juminkiroku.public import person_identities
from tenants.csvout import DEFAULT_ENCODING, check_encoding
from tenants.jobs.models import Job, JobChunk, JobStatus
from tenants.jobs.registry import register
from tenants.printing.engine import render
from tenants.printing.jobs import MassPrintJob, PrintedItem
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_wareki

CODE = "fukushi_shinshin_koshin_jukyushasho"
FORM = "jukyushasho"
#: cards per chunk (one PDF each): ~1,000 one-page cards render in well under a minute
CHUNK = 1000
PRINT_DATA_HEADER = [
    "ファイル名", "開始頁", "頁数", "帳票", "受給者番号", "宛名番号", "有効期間の終わり",
]  # fmt: skip


@dataclass
class Card:
    item: dict[str, Any]
    csv: list[Any]
    pages: int = 1
    atena_ids: list[int] = field(default_factory=list)


class ShinshinKoshinCardPrint(MassPrintJob):
    code = CODE
    gyomu = SHINSHIN_SHOGAISHA_IRYO
    title = "心身障害者医療 受給者証の一括印刷（一斉更新）"
    file_prefix = "shinshin_jukyushasho"
    print_data_header = PRINT_DATA_HEADER

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        from fukushi.shinshin_jobs import KOSHIN

        try:
            koshin_job = int(str(params.get("koshin_job") or ""))
            hakko = date.fromisoformat(str(params.get("hakko_date") or ""))
        except ValueError as exc:
            raise ValueError("一斉更新の処理と交付日を正しく指定してください。") from exc
        if not Job.objects.filter(pk=koshin_job, kind=KOSHIN, status=JobStatus.SUCCEEDED).exists():
            raise ValueError("正常終了した受給者証の一斉更新の処理を指定してください。")
        return {
            "form": FORM,
            "koshin_job": koshin_job,
            "hakko_date": hakko.isoformat(),
            "print_data_encoding": check_encoding(
                params.get("print_data_encoding") or DEFAULT_ENCODING
            ),
        }

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        ids = list(
            ShinshinKoshinKekka.objects.filter(job_id=int(job.params["koshin_job"]), kekka="koshin")
            .order_by("jukyusha__jukyusha_bango")
            .values_list("pk", flat=True)
        )
        return [
            ({"form": FORM, "ids": ids[i : i + CHUNK]}, len(ids[i : i + CHUNK]))
            for i in range(0, len(ids), CHUNK)
        ]

    def items(self, job: Job, chunk: JobChunk) -> tuple[list[Card], int]:
        ids = [int(i) for i in chunk.params["ids"]]
        rows = list(
            ShinshinKoshinKekka.objects.filter(pk__in=ids, kekka="koshin")
            .filter(jukyusha__jotai=ShinshinJotai.YUKO)
            .select_related("jukyusha", "jukyusha__techo")
            .order_by("jukyusha__jukyusha_bango")
        )
        # the card as the 受給者証 prints it, with the renewed period
        jukyusha: list[ShinshinJukyusha] = [k.jukyusha for k in rows]
        atena = person_identities(j.atena_id for j in jukyusha)
        made: list[Card] = []
        for k, item in zip(rows, card_items(jukyusha), strict=True):
            j = k.jukyusha
            p = atena.get(j.atena_id)
            if p is None:
                continue
            item["kikan"] = f"{format_wareki(k.kaishi)}から{format_wareki(j.yuko_shuryo)}まで"
            made.append(
                Card(
                    item=item,
                    csv=["心身障害者医療費助成 受給者証", j.jukyusha_bango, p.atena_no,
                         j.yuko_shuryo.isoformat()],
                    atena_ids=[j.atena_id],
                )
            )  # fmt: skip
        return made, len(ids) - len(made)

    def render(self, job: Job, form: str, items: Sequence[PrintedItem]) -> bytes:
        return render(
            TEMPLATE,
            common={
                "title": TITLE,
                "issuer": issuer_name(),
                "hakko": format_wareki(date.fromisoformat(job.params["hakko_date"])),
            },
            items=[cast("Card", i).item for i in items],
        )

    def finish_message(self, job: Job, rows: int) -> str:
        return f"心身障害者医療 受給者証（一斉更新）: {rows:,}件。"


register(ShinshinKoshinCardPrint())
