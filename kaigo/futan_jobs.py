"""Job kinds of the 負担割合 (docs/architecture.md, "Batch work is a job kind"):

- ``kaigo_futan_hantei``: the yearly 判定 of one 年度 (8月1日〜7月31日), one job per town and
  年度 at a time (advisory lock in the job's transaction). The plan fixes each chunk's persons
  and their 判定基準日 (1,000 a chunk, 宛名 id order); a chunk writes keyed on the one-current
  row and the input's fingerprint (``kaigo.services.futan.futan_hantei_many``), so a chunk
  run again — a killed worker, a retry — writes nothing new, and the same job run later in
  the year writes the 更正 of those whose 所得 or household changed and judges the newly
  insured.
- ``kaigo_futansho_print``: the mass print of 介護保険負担割合証 on the shared print path
  (one PDF a chunk, the print-data CSV), the current judgements of the 年度 kept by the same
  selection as the 判定, the judgement ids fixed in the chunk; one corrected since the plan is
  not printed (counted and said in the job log). The counter's single PDF calls the same
  function (``kaigo.forms.futan.wariai_sho``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from kaigo.forms.futan import (
    FORM_WARIAI,
    FORM_WARIAI_LABEL,
    PRINT_DATA_HEADER,
    Sho,
    sho_render,
    wariai_sho,
)
from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import FutanWariai, Wari
from kaigo.printjobs import issuer_name
from kaigo.services import futan as futan_services
from kaigo.services.futan import Taishosha, futan_hantei_many, futan_params, futan_taishosha, kikan
from tenants.accesslog.services import Actor
from tenants.csvout import DEFAULT_ENCODING, check_encoding
from tenants.jobs.models import Job, JobChunk, JobLogLine
from tenants.jobs.registry import ChunkResult, register
from tenants.jobs.services import refuse_if_running
from tenants.params.services import ParameterMissing
from tenants.printing.jobs import MassPrintJob, PrintedItem
from tenants.wareki import format_wareki

HANTEI = "kaigo_futan_hantei"
PRINT = "kaigo_futansho_print"


def nendo_label(nendo: int) -> str:
    """令和7年度（令和7年8月1日〜令和8年7月31日）."""
    start, end = kikan(nendo)
    return f"{format_wareki(start)}〜{format_wareki(end)}"


def _nendo(params: dict[str, Any]) -> int:
    try:
        nendo = int(params["nendo"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError("年度を指定してください。") from exc
    if not 2018 <= nendo <= 2100:
        raise ValueError("年度を正しく指定してください。")
    try:
        futan_params(nendo)
        kikan(nendo)
    except (ParameterMissing, LookupError, ValueError, TypeError) as exc:
        raise ValueError("この年度の負担割合の基準（法令の値）がありません。") from exc
    return nendo


def _kijun(params: dict[str, Any], nendo: int) -> date:
    raw = params.get("kijun_date")
    try:
        day = date.fromisoformat(raw) if raw else timezone.localdate()
    except (TypeError, ValueError) as exc:
        raise ValueError("判定基準日を正しく指定してください。") from exc
    start, end = kikan(nendo)
    return min(max(day, start), end)


class FutanHantei:
    code = HANTEI
    gyomu = KAIGO_HOKEN
    title = "介護保険 負担割合の判定"
    chunk_size = 1000

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        nendo = _nendo(params)
        return {"nendo": nendo, "kijun_date": _kijun(params, nendo).isoformat()}

    def result_url(self, job: Job) -> str:
        return reverse("kaigo_futan_list", args=[int(job.params["nendo"])])

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        nendo = int(job.params["nendo"])
        refuse_if_running(
            job,
            kinds=[HANTEI],
            param="nendo",
            message="この年度の負担割合の判定が実行中です。終わってから開始してください。",
        )
        taishosha = futan_taishosha(nendo, date.fromisoformat(job.params["kijun_date"]))
        return [
            (
                {"taishosha": [[t.atena_id, t.kubun, t.kijun] for t in part]},
                len(part),
            )
            for part in (
                taishosha[i : i + self.chunk_size]
                for i in range(0, len(taishosha), self.chunk_size)
            )
        ]

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        taishosha = [Taishosha(int(a), str(k), str(d)) for a, k, d in chunk.params["taishosha"]]
        futan_hantei_many(
            nendo=int(job.params["nendo"]),
            taishosha=taishosha,
            actor=Actor(user_id=job.started_by_id, username=job.started_by_name),
            job_id=job.pk,
            screen=f"job:{HANTEI}",
        )
        return ChunkResult(done=len(taishosha))

    def finish(self, job: Job) -> None:
        nendo = int(job.params["nendo"])
        counts = dict(
            FutanWariai.objects.filter(nendo=nendo, is_current=True)
            .values_list("wari")
            .annotate(n=Count("id"))
            .values_list("wari", "n")
        )
        written = FutanWariai.objects.filter(job_id=job.pk).count()
        parts = "、".join(f"{Wari(w).label} {counts.get(w, 0):,}人" for w in Wari.values)
        JobLogLine.objects.create(
            job=job,
            level="info",
            message=(
                f"負担割合（{nendo_label(nendo)}）: {parts}。"
                f"この処理で判定・更正したのは{written:,}人です。"
            ),
        )


class FutanshoPrint(MassPrintJob):
    code = PRINT
    gyomu = KAIGO_HOKEN
    title = "介護保険負担割合証の一括印刷"
    chunk_size = 1000
    file_prefix = "kaigo_futan"
    print_data_header = PRINT_DATA_HEADER

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        nendo = _nendo(params)
        raw = params.get("kofu_date")
        try:
            kofu = date.fromisoformat(raw) if raw else timezone.localdate()
        except (TypeError, ValueError) as exc:
            raise ValueError("交付年月日を正しく指定してください。") from exc
        return {
            "form": FORM_WARIAI,
            "nendo": nendo,
            "kofu_date": kofu.isoformat(),
            "print_data_encoding": check_encoding(
                params.get("print_data_encoding") or DEFAULT_ENCODING
            ),
        }

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        nendo = int(job.params["nendo"])
        rows = list(
            FutanWariai.objects.filter(nendo=nendo, is_current=True)
            .order_by("atena_id")
            .values_list("id", "atena_id")
        )
        keep = futan_services.TAISHOSHA_SENTAKU({a for _, a in rows})
        ids = [i for i, a in rows if a in keep]
        return [
            ({"form": FORM_WARIAI, "ids": ids[i : i + self.chunk_size]},
             len(ids[i : i + self.chunk_size]))
            for i in range(0, len(ids), self.chunk_size)
        ]  # fmt: skip

    def items(self, job: Job, chunk: JobChunk) -> tuple[list[Sho], int]:
        ids = chunk.params["ids"]
        found = {r.pk: r for r in FutanWariai.objects.filter(pk__in=ids, is_current=True)}
        rows = [found[i] for i in ids if i in found]
        made = wariai_sho(rows, kofu_date=date.fromisoformat(job.params["kofu_date"]))
        return made, len(ids) - len(made)

    def render(self, job: Job, form: str, items: Sequence[PrintedItem]) -> bytes:
        return sho_render(
            cast("list[Sho]", list(items)),
            title=FORM_WARIAI_LABEL,
            issuer=issuer_name(),
            kofu_date=date.fromisoformat(job.params["kofu_date"]),
            timestamp=job.created_at or datetime.now().astimezone(),
        )

    def gone_message(self, chunk: JobChunk, gone: int) -> str:
        return (
            f"処理単位{chunk.index + 1}: {gone}件は計画の後に判定が更正されたため"
            "印刷しませんでした（更正後の証を印刷してください）。"
        )

    def finish_message(self, job: Job, rows: int) -> str:
        return f"{FORM_WARIAI_LABEL}: 印刷データ {rows:,}件を作成しました。"


register(FutanHantei())
register(FutanshoPrint())
