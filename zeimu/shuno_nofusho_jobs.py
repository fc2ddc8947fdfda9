"""The 納付書 jobs (issue 18 item 5): the 納付書 of every 期別 with a balance (narrowed by
税目, 年度 and 期), on the print-job framework (tenants.printing.jobs): each chunk writes
its slips (``NofushoHakko``) and prints them as one PDF, in the chunk's transaction.
``NofushoJob`` prints the persons' (by 宛名), ``HojinNofushoJob`` the corporations'
(法人住民税・事業所税, by 法人番号; also narrowed by 納期限), on the same path.

Plan: the 期別 with a balance on the 発行日, in 宛名 (法人番号) order, cut into chunks that
never split a taxpayer's slips (so each taxpayer's pages are together in one PDF). A chunk
run again finds the slips it wrote (same job) and prints them again without writing more.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from django.urls import reverse
from django.utils import timezone

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import access_record
from tenants.csvout import DEFAULT_ENCODING, check_encoding
from tenants.jobs.models import Job, JobChunk
from tenants.jobs.registry import register
from tenants.printing.jobs import MassPrintJob, PrintedItem, print_actor
from tenants.selectors.current import current_municipality
from tenants.wareki import format_wareki
from zeimu.forms.notices import Issuer, Notice
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import Hojin, Kibetsu, Zeimoku
from zeimu.services.shuno_nofusho import (
    FORM,
    HOJIN_ZEIMOKU,
    PRINT_DATA_HEADER,
    hojin_nofusho_candidates,
    nofusho_candidates,
    nofusho_issue,
    nofusho_notices,
    nofusho_render,
)

NOFUSHO = "zeimu_shuno_nofusho"
HOJIN_NOFUSHO = "zeimu_shuno_hojin_nofusho"


def taxpayer_chunks(
    ids: list[int], owner: dict[int, Any], size: int
) -> list[tuple[dict[str, Any], int]]:
    """``ids`` (in taxpayer order) cut into chunks of up to ``size`` taxpayers, a
    taxpayer's slips never split; a chunk's size is its taxpayers (one print-data row
    each)."""
    chunks: list[tuple[list[int], set[Any]]] = []
    for i in ids:
        payer = owner[i]
        if not chunks or (payer not in chunks[-1][1] and len(chunks[-1][1]) >= size):
            chunks.append(([], set()))
        chunks[-1][0].append(i)
        chunks[-1][1].add(payer)
    return [({"form": FORM, "kibetsu_ids": c}, len(payers)) for c, payers in chunks]


class NofushoJob(MassPrintJob):
    code = NOFUSHO
    gyomu = SHUNO_KANRI
    title = "納付書の一括作成"
    chunk_notices = 1000
    file_prefix = "nofusho"
    print_data_header = PRINT_DATA_HEADER

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            raw = params.get("hakko_date")
            hakko = date.fromisoformat(raw) if raw else timezone.localdate()
            nendo = int(params["nendo"]) if params.get("nendo") else None
            ki = int(params["ki"]) if params.get("ki") else None
        except (TypeError, ValueError) as exc:
            raise ValueError("発行日・年度・期を正しく指定してください。") from exc
        zeimoku = params.get("zeimoku") or None
        if zeimoku is not None and zeimoku not in Zeimoku.values:
            raise ValueError("税目を一覧から選んでください。")
        return {
            "hakko_date": hakko.isoformat(),
            "zeimoku": zeimoku,
            "nendo": nendo,
            "ki": ki,
            "print_data_encoding": check_encoding(
                params.get("print_data_encoding") or DEFAULT_ENCODING
            ),
        }

    def _hakko(self, job: Job) -> date:
        return date.fromisoformat(job.params["hakko_date"])

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        ids = nofusho_candidates(
            on=self._hakko(job),
            zeimoku=job.params.get("zeimoku"),
            nendo=job.params.get("nendo"),
            ki=job.params.get("ki"),
        )
        owner = dict(Kibetsu.objects.filter(pk__in=ids).values_list("pk", "atena_id"))
        return taxpayer_chunks(ids, owner, self.chunk_notices)

    def items(self, job: Job, chunk: JobChunk) -> tuple[list[Notice], int]:
        ids = [int(i) for i in chunk.params["kibetsu_ids"]]
        rows = nofusho_issue(
            ids, hakko_date=self._hakko(job), job_id=job.pk, created_by=job.started_by_name or ""
        )
        notices = nofusho_notices(rows)
        return notices, chunk.size - len(notices)

    def render(self, job: Job, form: str, items: Sequence[PrintedItem]) -> bytes:
        return nofusho_render(
            cast("list[Notice]", list(items)), issuer=Issuer.of(current_municipality())
        )

    def gone_message(self, chunk: JobChunk, gone: int) -> str:
        return f"処理単位{chunk.index + 1}: {gone}人は計画の後に完納されたため作成しませんでした。"

    def finish_message(self, job: Job, rows: int) -> str:
        return f"納付書を{rows:,}人分作成しました（発行日 {format_wareki(self._hakko(job))}）。"

    def result_url(self, job: Job) -> str:
        return reverse("zeimu_shuno_nofusho")


register(NofushoJob())


class HojinNofushoJob(NofushoJob):
    """The corporations' 納付書 (法人住民税・事業所税): the 期別 kept by 法人番号 with a
    balance on the 発行日, narrowed by 税目, 年度, 期 and 納期限; each corporation's slips
    together under its 名称・本店所在地 from the town's 法人 register. A corporation's tax
    affairs are confidential (地方税法第22条): each chunk also logs the ids of the
    corporations it printed (``zeimu.Hojin``)."""

    code = HOJIN_NOFUSHO
    title = "納付書の一括作成（法人）"
    file_prefix = "nofusho_hojin"

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        zeimoku = params.get("zeimoku") or None
        if zeimoku is not None and zeimoku not in HOJIN_ZEIMOKU:
            raise ValueError("税目は法人住民税または事業所税から選んでください。")
        try:
            raw = params.get("nouki")
            nouki = date.fromisoformat(raw) if raw else None
        except (TypeError, ValueError) as exc:
            raise ValueError("納期限を正しく指定してください。") from exc
        out = super().validate({**params, "zeimoku": zeimoku})
        out["nouki"] = nouki.isoformat() if nouki else None
        return out

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        nouki = job.params.get("nouki")
        ids = hojin_nofusho_candidates(
            on=self._hakko(job),
            zeimoku=job.params.get("zeimoku"),
            nendo=job.params.get("nendo"),
            ki=job.params.get("ki"),
            nouki=date.fromisoformat(nouki) if nouki else None,
        )
        owner = dict(Kibetsu.objects.filter(pk__in=ids).values_list("pk", "hojin_bango"))
        return taxpayer_chunks(ids, owner, self.chunk_notices)

    def items(self, job: Job, chunk: JobChunk) -> tuple[list[Notice], int]:
        notices, gone = super().items(job, chunk)
        ids = [int(i) for i in chunk.params["kibetsu_ids"]]
        printed = set(
            Kibetsu.objects.filter(pk__in=ids, nofusho__job_id=job.pk).values_list(
                "hojin_bango", flat=True
            )
        )
        hojin_ids = sorted(
            Hojin.objects.filter(hojin_bango__in=printed).values_list("pk", flat=True)
        )
        access_record(
            actor=print_actor(job),
            action=AccessAction.PRINT,
            gyomu=self.gyomu,
            screen=f"job:{self.code}",
            record_type="zeimu.Hojin",
            record_id=chunk.pk,
            record_count=len(printed),
            detail={"job": job.pk, "chunk": chunk.index, "hojin_ids": hojin_ids},
        )
        return notices, gone

    def gone_message(self, chunk: JobChunk, gone: int) -> str:
        return (
            f"処理単位{chunk.index + 1}: {gone}法人は計画の後に完納されたため作成しませんでした。"
        )

    def finish_message(self, job: Job, rows: int) -> str:
        return (
            f"法人の納付書を{rows:,}法人分作成しました"
            f"（発行日 {format_wareki(self._hakko(job))}）。"
        )

    def result_url(self, job: Job) -> str:
        return reverse("zeimu_shuno_hojin_nofusho")


register(HojinNofushoJob())
