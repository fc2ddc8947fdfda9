"""The 口座振替依頼 job (issue 18 item 4): one job per 納期限 (first 振替 on the 納期限, or the
再振替 on the town's 再振替日), one chunk per 引落銀行, each writing that bank's 依頼 rows and
its 全銀協 file (a ``JobFile``) in the chunk's transaction.

Plan: ``koza_irai_targets`` (the 期別 due that day with a balance and an open registration),
grouped by bank, the ids fixed in the chunk. A chunk run again replaces its rows and file;
a second job for the same day and bank is refused by ``koza_irai_write`` (the chunk fails
with its message), so no bank receives two files for one 引落日.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from tenants.jobs.models import Job, JobChunk
from tenants.jobs.registry import ChunkResult, JobOutcome, register
from tenants.jobs.services import job_log
from tenants.printing.jobs import job_file_store, print_actor
from tenants.wareki import format_wareki
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import KozaIrai
from zeimu.services.shuno import ShunoRefused
from zeimu.services.shuno_koza import (
    irai_banks,
    itakusha,
    koza_irai_targets,
    koza_irai_write,
    saifurikae_date,
)

KOZA_IRAI = "zeimu_shuno_koza_irai"


class KozaIraiJob:
    code = KOZA_IRAI
    gyomu = SHUNO_KANRI
    title = "口座振替依頼データの作成"

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            nouki = date.fromisoformat(str(params["nouki"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError("納期限を正しく指定してください。") from exc
        sai = bool(params.get("saifurikae"))
        furikae = saifurikae_date(nouki) if sai else nouki
        if furikae is None:
            raise ValueError("この団体は再振替を行わない設定です（再振替日の日数が0）。")
        itakusha(furikae)  # refuses with its message when the town has no 委託者コード
        return {"nouki": nouki.isoformat(), "saifurikae": sai, "furikae_date": furikae.isoformat()}

    def _days(self, job: Job) -> tuple[date, date, bool]:
        p = job.params
        return (
            date.fromisoformat(p["nouki"]),
            date.fromisoformat(p["furikae_date"]),
            bool(p["saifurikae"]),
        )

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        nouki, furikae, sai = self._days(job)
        targets = koza_irai_targets(nouki=nouki, furikae_date=furikae, saifurikae=sai)
        return [
            ({"bank": bank, "kibetsu_ids": ids}, len(ids))
            for bank, ids in irai_banks(targets).items()
        ]

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        nouki, furikae, sai = self._days(job)
        ids = [int(i) for i in chunk.params["kibetsu_ids"]]
        try:
            irai, data = koza_irai_write(
                nouki=nouki, furikae_date=furikae, bank=str(chunk.params["bank"]),
                saifurikae=sai, kibetsu_ids=ids, job_id=job.pk, actor=print_actor(job),
            )  # fmt: skip
        except (ShunoRefused, ValueError) as exc:
            job_log(job, f"処理単位{chunk.index + 1}: {exc}", level="error")
            return ChunkResult(done=0, failed=len(ids))
        job_file_store(job, irai.file_name, data, "text/plain; charset=Shift_JIS")
        gone = len(ids) - irai.lines
        if gone:
            job_log(
                job,
                f"処理単位{chunk.index + 1}: {gone:,}件は計画の後に納付されたか登録が停止されたため"
                "依頼に含めませんでした。",
            )
        return ChunkResult(done=irai.lines, failed=0)

    def finish(self, job: Job) -> JobOutcome | None:
        _, furikae, sai = self._days(job)
        made = KozaIrai.objects.filter(job=job)
        n = sum(i.lines for i in made)
        if job.chunks.count() > made.count():
            return JobOutcome(
                failed=True,
                message="作成済みの依頼があるため、作成できなかった金融機関があります"
                "（処理の記録を確認してください）。",
            )
        job_log(
            job,
            f"{format_wareki(furikae)}の{'再振替' if sai else '口座振替'}依頼を"
            f"{made.count():,}金融機関・{n:,}件作成しました。",
        )
        return None

    def result_url(self, job: Job) -> str:
        return reverse("zeimu_shuno_koza_irai")


register(KozaIraiJob())
