"""Job kind of the 保育料 September 切替 (docs/architecture.md, "Batch work is a job kind"):
once the new 年度's 市町村民税所得割 is known, recompute the fees of 9月〜3月 (from the
``fukushi.hoiku.kirikae_tsuki`` month to March) of one 年度.

One chunk per month. A chunk runs ``hoikuryo_compute`` for its month inside the chunk's
transaction (a killed worker leaves nothing half-written; the chunk runs again from the
start) and marks its history rows with the job. Recomputing a month whose figures did not
change changes nothing: no fee row moves and no history row is written, so a chunk run
again — a retry, a second job — is harmless. Each chunk writes a log line with its counts;
``finish`` writes the totals and stores the 決定（変更）通知書 (one page per household whose
fee changed) as the job's result file, on the shared print path.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from fukushi.gyomu import HOIKURYO
from fukushi.models.hoiku import HoikuRireki
from fukushi.printjobs_hoiku import HENKO_LABEL, henko_render, henko_tsuchi
from fukushi.services.hoiku_ryo import FISCAL_MONTHS, fee_params, hoikuryo_compute, month_first
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import access_record
from tenants.jobs.models import Job, JobChunk, JobLogLine
from tenants.jobs.registry import ChunkResult, register
from tenants.jobs.services import refuse_if_running
from tenants.params.services import ParameterMissing
from tenants.printing.jobs import job_file_store, print_actor
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_nendo

KIRIKAE = "fukushi_hoikuryo_kirikae"


def kirikae_months(kirikae_tsuki: int) -> list[int]:
    """The months of a 年度 from the 切替 month to March, in 年度 order."""
    return list(FISCAL_MONTHS[FISCAL_MONTHS.index(kirikae_tsuki) :])


class HoikuryoKirikae:
    code = KIRIKAE
    gyomu = HOIKURYO
    title = "保育料 9月の切替（当年度の所得割で9月〜3月を再算定）"

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            nendo = int(str(params.get("nendo") or ""))
        except ValueError as exc:
            raise ValueError("年度を指定してください。") from exc
        try:
            fee_params(nendo)
        except ParameterMissing as exc:
            raise ValueError(f"{format_nendo(nendo)}の保育料の基準が登録されていません。") from exc
        return {"nendo": nendo}

    def result_url(self, job: Job) -> str:
        p = fee_params(int(job.params["nendo"]))
        return (
            f"{reverse('fukushi_hoikuryo_list')}?nendo={int(job.params['nendo'])}"
            f"&month={p.kirikae_tsuki}"
        )

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        nendo = int(job.params["nendo"])
        refuse_if_running(
            job,
            kinds=[KIRIKAE],
            param="nendo",
            message=f"{format_nendo(nendo)}の保育料の切替が実行中です。",
        )
        p = fee_params(nendo)
        return [({"month": m}, 1) for m in kirikae_months(p.kirikae_tsuki)]

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        nendo, month = int(job.params["nendo"]), int(chunk.params["month"])
        res = hoikuryo_compute(nendo=nendo, months=(month,), actor=print_actor(job), job_id=job.pk)
        waiting = (
            f"、市町村民税の課税の情報がなく算定しなかった子ども {len(res.waiting):,}人"
            if (res.waiting)
            else ""
        )
        JobLogLine.objects.create(
            job=job,
            level="info",
            message=(
                f"{month_first(nendo, month).year}年{month}月分: 算定 {res.computed:,}人、"
                f"保育料が変わった子ども {res.changed:,}人、在籍しなくなり削除 {res.removed:,}人"
                f"{waiting}"
            ),
        )
        return ChunkResult(done=1)

    def finish(self, job: Job) -> None:
        nendo = int(job.params["nendo"])
        changed = HoikuRireki.objects.filter(
            action="hoikuryo_santei", detail__job_id=job.pk
        ).aggregate(rows=Count("id"), children=Count("atena_id", distinct=True))
        notices = henko_tsuchi(job_id=job.pk)
        JobLogLine.objects.create(
            job=job,
            level="info",
            message=(
                f"{format_nendo(nendo)} 保育料の切替の結果: "
                f"保育料が変わった月 {changed['rows']:,}件"
                f"（子ども {changed['children']:,}人）、決定（変更）通知書 {len(notices):,}世帯"
            ),
        )
        if not notices:
            return
        pdf = henko_render(
            notices,
            issuer=issuer_name(),
            hakko_date=timezone.localdate(),
            timestamp=job.created_at,
        )
        job_file_store(job, f"hoikuryo_henko_tsuchi_{nendo}.pdf", pdf, "application/pdf")
        access_record(
            actor=print_actor(job),
            action=AccessAction.PRINT,
            gyomu=HOIKURYO,
            screen=f"job:{KIRIKAE}",
            record_type=HENKO_LABEL,
            record_count=len(notices),
            detail={
                "job_id": job.pk,
                "atena_ids": sorted({a for n in notices for a in n.atena_ids}),
            },
        )


register(HoikuryoKirikae())
