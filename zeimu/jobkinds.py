"""Job kinds of 税務."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from juminkiroku import public as juminkiroku_public
from tenants.accesslog.services import Actor
from tenants.jobs.bulk import copy_insert
from tenants.jobs.heartbeat import report_progress
from tenants.jobs.memo import job_memo
from tenants.jobs.models import Job, JobChunk, JobLogLine
from tenants.jobs.registry import ChunkResult, JobOutcome, register
from tenants.params.services import ParameterMissing, param_value
from tenants.selectors.jobs import job_chunk_counts
from tenants.wareki import format_nendo
from zeimu.gyomu import KOJIN_JUMINZEI
from zeimu.models import Fuka, FukaStatus, ShiryoImport, ShiryoImportStatus
from zeimu.services.common import KYUCHI_KEY
from zeimu.services.fuka_chotei import juminzei_chotei_post_job
from zeimu.services.kazei_import import (
    IMPORT_JOB,
    ImportRejected,
    kazei_import_reject,
    kazei_import_run,
)
from zeimu.services.kazei_layouts import LAYOUTS


class ToshoFuka:
    """当初賦課: every resident on 1 January of the fiscal year (賦課期日, 地方税法第318条)
    with tax base data is assessed; residents without data are listed as 未申告.

    Chunks are ranges of 宛名 id over the as-of resident list of a past date, so a chunk
    reads the same people every time it runs; rows go in with ON CONFLICT DO NOTHING on
    the one-current-assessment index, so a re-run chunk (killed worker, retry) adds no
    second assessment for anyone."""

    code = "zeimu_tosho_fuka"
    gyomu = KOJIN_JUMINZEI
    title = "個人住民税 当初賦課"
    #: people a chunk. Measured on the 380,000-person town, 2 processes, quiet machine
    #: (docs/benchmarks.md, issue 23): 2,000 29.4 s, 5,000 29.0 s, 10,000 28.5 s — since
    #: the year is read once per job, the per-chunk costs are small and the size hardly
    #: matters; 2,000 keeps a killed worker's lost chunk small and the progress fine.
    chunk_rows = 2000

    def result_url(self, job: Job) -> str:
        """The job page's 「結果を表示」: the assessments of the year it ran for."""
        from django.urls import reverse

        return f"{reverse('zeimu_fuka_list')}?fiscal_year={int(job.params['fiscal_year'])}"

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            fiscal_year = int(params["fiscal_year"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError("年度（西暦）を指定してください。") from exc
        from zeimu.rules.parameters import parameters_for

        try:
            parameters_for(fiscal_year)
        except (ParameterMissing, LookupError, ValueError) as exc:
            raise ValueError(
                f"{format_nendo(fiscal_year)}の税率・控除額が登録されていません。"
            ) from exc
        try:
            kyuchi = int(param_value(KYUCHI_KEY, fiscal_year))
        except ParameterMissing as exc:
            raise ValueError(
                f"この団体の級地（{KYUCHI_KEY}）が設定されていません。"
                "非課税限度額の判定に必要です。"
            ) from exc
        if kyuchi not in (1, 2, 3):
            raise ValueError(f"級地は1・2・3のいずれかです（設定値 {kyuchi}）。")
        return {"fiscal_year": fiscal_year}

    def _kijun(self, job: Job) -> date:
        return date(int(job.params["fiscal_year"]), 1, 1)

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        ids = juminkiroku_public.resident_ids_on(self._kijun(job))
        chunks: list[tuple[dict[str, Any], int]] = []
        for start in range(0, len(ids), self.chunk_rows):
            part = ids[start : start + self.chunk_rows]
            chunks.append(({"first_id": part[0], "last_id": part[-1]}, len(part)))
        if chunks:
            # Open ends, so a person whose 1 January residence is registered after the plan
            # (a late 届出 dated before 1 January gets a new, higher id) is not missed.
            chunks[0][0]["first_id"] = None
            chunks[-1][0]["last_id"] = None
        return chunks

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        from zeimu.services.fuka import FUKA_COLUMNS, YearContext, assess_rows

        fiscal_year = int(job.params["fiscal_year"])
        # This chunk's commit does not wait for its WAL to reach the disk (≈ 3 MB a chunk;
        # the wait was the commit's wall time, docs/benchmarks.md, issue 23). Safe for the
        # job: the rows, their ledger and the chunk's DONE mark commit together, so a
        # server crash can only lose the whole transaction — the chunk is then still
        # RUNNING (marked in an earlier, synchronous commit) and the watchdog sends it
        # again (tenants.jobs.services.job_requeue_dead_chunks); the WAL is written in
        # order, so a later synchronous commit (the next chunk's start, the job's
        # finish) makes every earlier chunk durable first. A killed worker loses nothing
        # committed: this changes only what a crash of the database server may undo.
        # (SET LOCAL: the chunk's transaction only, not the connection.)
        with connection.cursor() as cur:
            cur.execute("SET LOCAL synchronous_commit = off")
        # the year's law, settings and 納期: read by the first chunk this process runs
        ctx = job_memo(job.pk, "year", lambda: YearContext.build(fiscal_year))
        lo, hi = chunk.params["first_id"], chunk.params["last_id"]
        # one query for the chunk (≈2,000 people)
        residents = juminkiroku_public.residents_on(ctx.kijun, first_id=lo, last_id=hi)
        people = [(r.atena_id, r.birth_date) for r in residents]
        # COPY (binary: each value as its column's type, no text to format and parse),
        # straight in or, when a row is there already, into staging then INSERT … ON
        # CONFLICT DO NOTHING on the one-current-assessment index (fuka_one_current): a
        # person assessed already (a re-run chunk) is skipped
        rows = assess_rows(ctx, people, job_id=job.pk)
        written = copy_insert(
            Fuka._meta.db_table,
            FUKA_COLUMNS,
            rows,
            on_conflict="(fiscal_year, atena_id) WHERE is_current DO NOTHING",
            binary=True,
        )
        # the 普通徴収 期別 into the 収納 ledger, in the chunk's transaction (a re-run chunk
        # posts the same refs: nothing new); ≈4 statements for the chunk's ≈2,000 people
        juminzei_chotei_post_job(
            job_id=job.pk,
            fiscal_year=ctx.fiscal_year,
            first_id=lo,
            last_id=hi,
            on=timezone.localdate(),
            actor=Actor(user_id=job.started_by_id, username=job.started_by_name),
        )
        counts: dict[str, int]
        if written == len(people):
            # every row went in: the chunk's people stand as assessed here
            status_at = FUKA_COLUMNS.index("status")
            counts = Counter(row[status_at] for row in rows)
        else:
            # some had an assessment of the year already (kept as it is): their current
            # 課税状況 is the one in the table — one query, on this rare path only
            counts = dict(
                Fuka.objects.filter(
                    fiscal_year=ctx.fiscal_year,
                    is_current=True,
                    atena_id__in=[p[0] for p in people],
                )
                .values_list("status")
                .annotate(n=Count("id"))
                .values_list("status", "n")
            )
            JobLogLine.objects.create(
                job=job,
                level="info",
                message=(
                    f"{len(people) - written}人は既にこの年度の賦課があるため変更しませんでした"
                    "（賦課の内容を変えるときは更正してください）。"
                ),
            )
        # the 課税状況 of the chunk's people, for the finish to add up (stored on the chunk
        # with its DONE mark: a chunk run again replaces its counts)
        return ChunkResult(done=len(people), counts=counts)

    def finish(self, job: Job) -> None:
        """The result line: the job's people by their current 課税状況, added up from the
        counts each chunk returned (no second read of the year's assessments)."""
        counts = job_chunk_counts(job.pk)
        summary = "、".join(
            f"{FukaStatus(s).label} {counts.get(s, 0):,}人" for s in FukaStatus.values
        )
        JobLogLine.objects.create(job=job, level="info", message=f"当初賦課の結果: {summary}")


register(ToshoFuka())


class KazeiImport:
    """課税資料の取込: one uploaded file (stored by ``kazei_import_accept``), all its rows or
    none, in one chunk (one transaction: a file is never half registered). The heartbeat
    thread shows how many rows have been read; a worker killed on the way leaves nothing
    and the chunk runs again from the file, which is removed once the import has ended."""

    code = IMPORT_JOB
    gyomu = KOJIN_JUMINZEI
    title = "課税資料の取込"

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            clean = {
                "kind": str(params["kind"]),
                "file_name": str(params["file_name"])[:200],
                "sha256": str(params["sha256"]),
                "path": str(params["path"]),
                "lines": int(params["lines"]),
                "size": int(params["size"]),
                "actor": Actor(**params["actor"]).__dict__,
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError("取込ファイルの指定に誤りがあります。") from exc
        if clean["kind"] not in LAYOUTS:
            raise ValueError(f"不明な資料の種類です: {clean['kind']}")
        return clean

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        # created with the job, in its transaction: the same file uploaded twice at once
        # fails here, on the unique constraint, and neither job nor import is left
        shiryo = ShiryoImport.objects.create(
            kind=job.params["kind"],
            file_name=job.params["file_name"],
            sha256=job.params["sha256"],
            status=ShiryoImportStatus.QUEUED,
            job=job,
            imported_by=job.started_by_name,
        )
        rows = max(int(job.params["lines"]) - 1, 1)  # the header is a line
        return [({"import_id": shiryo.pk}, rows)]

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        shiryo = ShiryoImport.objects.select_for_update().get(pk=chunk.params["import_id"])
        if shiryo.status in {ShiryoImportStatus.DONE, ShiryoImportStatus.REJECTED}:
            return ChunkResult(done=shiryo.rows)  # ended already (a message sent twice)
        path = job.params["path"]
        actor = Actor(**job.params["actor"])  # who sent the file
        label = LAYOUTS[shiryo.kind].label
        transaction.on_commit(lambda: default_storage.delete(path))
        with default_storage.open(path, "rb") as source:
            try:
                result = kazei_import_run(
                    shiryo=shiryo, source=source, actor=actor, progress=report_progress
                )
            except ImportRejected as exc:
                kazei_import_reject(shiryo=shiryo, rejected=exc)
                lines = len({e.line for e in exc.errors}) or 1
                JobLogLine.objects.create(
                    job=job,
                    level="error",
                    message=(
                        f"誤りが{len(exc.errors):,}件{'以上' if exc.truncated else ''}あるため、"
                        "1件も登録しませんでした。課税資料の取込画面で誤りの一覧を確認してください。"
                    ),
                )
                return ChunkResult(done=0, failed=lines)
        message = f"{label}を{result.rows:,}件取り込みました（取込ID {shiryo.pk}）。"
        if result.replaced:
            message += (
                f"うち{result.replaced:,}件は、既にあった同じ人・同じ年の申告を置き換えました。"
            )
        JobLogLine.objects.create(job=job, level="info", message=message)
        return ChunkResult(done=result.rows)

    def result_url(self, job: Job) -> str:
        """The import's page: its rows or its errors (the job page's 「結果を表示」)."""
        pk = ShiryoImport.objects.filter(job=job).values_list("pk", flat=True).first()
        return reverse("zeimu_kazei_import_detail", args=[pk]) if pk is not None else ""

    def finish(self, job: Job) -> JobOutcome | None:
        shiryo = ShiryoImport.objects.filter(job=job).first()
        if shiryo is not None and shiryo.status == ShiryoImportStatus.REJECTED:
            return JobOutcome(
                failed=True,
                message="ファイルに誤りがあるため取り込みませんでした（登録は0件）。",
            )
        return None


register(KazeiImport())

# The mass-printing job kinds register themselves on import.
from zeimu import (  # noqa: E402, F401
    keijidosha_jobs,
    keijidosha_printjobs,
    kotei_jobs,
    kotei_printjobs,
    printjobs,
    shuno_koza_jobs,
    shuno_nofusho_jobs,
    shuno_taino_jobs,
    shuno_tokusoku_jobs,
)
