"""Job kind of the 固定資産税・都市計画税 当初賦課 (docs/architecture.md, "Batch work is a job
kind"): one job per town and 年度.

The plan lists every 納税義務者 holding a parcel or a house priced for the year or a
償却資産 on its 賦課期日, in id
order, cut into chunks of fixed ids (a chunk reads the same 納税義務者 every time it runs).
A chunk computes them (``zeimu.services.kotei.assess_rows``: 5 queries) and COPYs the rows
in with ON CONFLICT DO NOTHING on the one-current index, so a chunk run again — a killed
worker, a retry — writes nothing new. A second job of the same 年度 is refused while one
is queued or running (an advisory lock in the job's own transaction).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.jobs.memo import job_memo
from tenants.jobs.models import Job, JobChunk, JobLogLine
from tenants.jobs.registry import ChunkResult, register
from tenants.printing.jobs import print_actor
from tenants.wareki import format_nendo
from zeimu.gyomu import KOTEI_SHISANZEI
from zeimu.models import KoteiFuka, KoteiNozeisha
from zeimu.services.kotei_shokyaku import held_filter
from zeimu.year_jobs import fiscal_year_validated, one_job_a_year

TOSHO = "zeimu_kotei_tosho"


class KoteiTosho:
    code = TOSHO
    gyomu = KOTEI_SHISANZEI
    title = "固定資産税・都市計画税 当初賦課"
    chunk_rows = 2000

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        from zeimu.services.kotei import KoteiYear

        return fiscal_year_validated(
            params, KoteiYear.build, "固定資産税の法令の値（負担調整措置など）"
        )

    def result_url(self, job: Job) -> str:
        return f"{reverse('zeimu_kotei_fuka_list')}?fiscal_year={int(job.params['fiscal_year'])}"

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        fy = one_job_a_year(job, kind=TOSHO, what="固定資産税の当初賦課")
        ids = list(
            KoteiNozeisha.objects.filter(
                Q(tochi__kakaku__fiscal_year=fy)
                | Q(kaoku__kakaku__fiscal_year=fy)
                | held_filter(fy, "shokyaku_shisan__")
            )
            .distinct()
            .order_by("id")
            .values_list("id", flat=True)
        )
        return [
            ({"nozeisha_ids": ids[i : i + self.chunk_rows]}, len(ids[i : i + self.chunk_rows]))
            for i in range(0, len(ids), self.chunk_rows)
        ]

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        from zeimu.services.kotei import RECORD_TYPE, KoteiYear, assess_rows, copy_in
        from zeimu.services.kotei_chotei import kotei_chotei_post_job

        fy = int(job.params["fiscal_year"])
        # the year's law and 条例 values: read by the first chunk this process runs
        year = job_memo(job.pk, "year", lambda: KoteiYear.build(fy))
        ids = [int(x) for x in chunk.params["nozeisha_ids"]]
        rows = assess_rows(year, ids, job_id=job.pk)
        written = copy_in(rows, job.started_by_name or "")
        # the 期別 into the 収納 ledger, in the chunk's transaction: a chunk run again posts
        # the same refs, i.e. nothing new
        kotei_chotei_post_job(
            job_id=job.pk,
            fiscal_year=year.fiscal_year,
            nozeisha_ids=ids,
            on=timezone.localdate(),
            actor=Actor(user_id=job.started_by_id, username=job.started_by_name or ""),
            # the 期別 just computed: the rows this job wrote for them are these (a row the
            # job wrote earlier would be from a committed chunk, which does not run again)
            kibetsu_of={r["nozeisha_id"]: r["kibetsu"] for r in rows},
        )
        if written:
            access_record(
                actor=print_actor(job),
                action=AccessAction.CREATE,
                gyomu=KOTEI_SHISANZEI,
                screen=f"job:{TOSHO}",
                record_type=RECORD_TYPE,
                record_count=written,
                detail={"job_id": job.pk, "chunk": chunk.index, "nozeisha_ids": ids},
            )
        if written < len(rows):
            JobLogLine.objects.create(
                job=job,
                level="info",
                message=(
                    f"処理単位{chunk.index + 1}: {len(rows) - written:,}人は既にこの年度の賦課が"
                    "あるため変更しませんでした（変えるときは更正してください）。"
                ),
            )
        return ChunkResult(done=len(ids))

    def finish(self, job: Job) -> None:
        fy = int(job.params["fiscal_year"])
        agg = KoteiFuka.objects.filter(fiscal_year=fy, is_current=True).aggregate(
            n=Count("id"),
            kazei=Count("id", filter=Q(nengaku__gt=0)),
            kotei=Sum("kotei_zeigaku"),
            toshi=Sum("toshi_zeigaku"),
        )
        JobLogLine.objects.create(
            job=job,
            level="info",
            message=(
                f"{format_nendo(fy)} 当初賦課の結果: 納税義務者 {agg['n'] or 0:,}人"
                f"（うち課税 {agg['kazei'] or 0:,}人）、固定資産税 {agg['kotei'] or 0:,}円、"
                f"都市計画税 {agg['toshi'] or 0:,}円"
            ),
        )


register(KoteiTosho())
