"""Job kind of the 軽自動車税（種別割）当初賦課 (docs/architecture.md, "Batch work is a job
kind"): one job per town and 年度.

The plan lists every vehicle registered on or before the 賦課期日 (4月1日), in id order,
cut into chunks of fixed ids (a chunk reads the same vehicles every time it runs). A chunk
finds each one's holder on the 賦課期日 and its 減免 (``assess_many``: three queries), COPYs
the rows in with ON CONFLICT DO NOTHING on the one-current index and posts them to the
収納 ledger (``kei_chotei_post``: the refs are the assessment ids, so a chunk run again —
a killed worker, a retry — writes nothing new), all in the chunk's transaction. A second
job of the same 年度 is refused while one is queued or running (an advisory lock).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import access_record
from tenants.jobs.memo import job_memo
from tenants.jobs.models import Job, JobChunk, JobLogLine
from tenants.jobs.registry import ChunkResult, register
from tenants.printing.jobs import print_actor
from tenants.wareki import format_nendo
from zeimu.gyomu import KEI_JIDOSHAZEI
from zeimu.models import KeiFuka, KeiIdo, KeiIdoKind
from zeimu.year_jobs import fiscal_year_validated, one_job_a_year

TOSHO = "zeimu_kei_tosho"


class KeiTosho:
    code = TOSHO
    gyomu = KEI_JIDOSHAZEI
    title = "軽自動車税（種別割）当初賦課"
    chunk_rows = 2000

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        from zeimu.services.keijidosha import KeiYear

        return fiscal_year_validated(
            params, KeiYear.build, "軽自動車税の法令の値（グリーン化特例など）"
        )

    def result_url(self, job: Job) -> str:
        return f"{reverse('zeimu_kei_fuka_list')}?fiscal_year={int(job.params['fiscal_year'])}"

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        from zeimu.services.keijidosha import KeiYear

        fy = one_job_a_year(job, kind=TOSHO, what="軽自動車税の当初賦課")
        kijitsu = KeiYear.build(fy).fuka_kijitsu
        ids = list(
            KeiIdo.objects.filter(kind=KeiIdoKind.TOROKU, ido_date__lte=kijitsu)
            .order_by("sharyo_id")
            .values_list("sharyo_id", flat=True)
            .distinct()
        )
        return [
            ({"sharyo_ids": ids[i : i + self.chunk_rows]}, len(ids[i : i + self.chunk_rows]))
            for i in range(0, len(ids), self.chunk_rows)
        ]

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        from zeimu.services.keijidosha import (
            RECORD_TYPE,
            KeiYear,
            assess_many,
            copy_in,
            kei_chotei_post,
        )

        fy = int(job.params["fiscal_year"])
        # the year's law and 条例 values: read by the first chunk this process runs
        year = job_memo(job.pk, "year", lambda: KeiYear.build(fy))
        ids = [int(x) for x in chunk.params["sharyo_ids"]]
        rows = assess_many(year, ids, job_id=job.pk)
        written = copy_in(rows, job.started_by_name or "")
        actor = print_actor(job)
        kei_chotei_post(
            job_id=job.pk, sharyo_ids=ids, fiscal_year=fy, on=timezone.localdate(), actor=actor
        )
        if written:
            access_record(
                actor=actor,
                action=AccessAction.CREATE,
                gyomu=KEI_JIDOSHAZEI,
                screen=f"job:{TOSHO}",
                record_type=RECORD_TYPE,
                record_count=written,
                detail={"job_id": job.pk, "chunk": chunk.index, "sharyo_ids": ids},
            )
        if written < len(rows):
            JobLogLine.objects.create(
                job=job,
                level="info",
                message=(
                    f"処理単位{chunk.index + 1}: {len(rows) - written:,}台は既にこの年度の賦課が"
                    "あるため変更しませんでした（変えるときは更正してください）。"
                ),
            )
        return ChunkResult(done=len(ids))

    def finish(self, job: Job) -> None:
        fy = int(job.params["fiscal_year"])
        agg = KeiFuka.objects.filter(fiscal_year=fy, is_current=True).aggregate(
            n=Count("id"),
            kazei=Count("id", filter=Q(nengaku__gt=0)),
            total=Sum("nengaku"),
            juka=Count("id", filter=Q(kubun="juka")),
            green=Count("id", filter=Q(kubun="green")),
        )
        JobLogLine.objects.create(
            job=job,
            level="info",
            message=(
                f"{format_nendo(fy)} 当初賦課の結果: 車両 {agg['n'] or 0:,}台"
                f"（うち課税 {agg['kazei'] or 0:,}台、重課 {agg['juka'] or 0:,}台、"
                f"グリーン化特例 {agg['green'] or 0:,}台）、税額 {agg['total'] or 0:,}円"
            ),
        )


register(KeiTosho())
