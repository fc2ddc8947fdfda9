"""Job kinds of 税務."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from psycopg import sql

from juminkiroku import public as juminkiroku_public
from tenants.jobs.models import Job, JobChunk, JobLogLine
from tenants.jobs.registry import ChunkResult, register
from tenants.params.services import ParameterMissing, param_value
from tenants.wareki import format_nendo
from zeimu.gyomu import KOJIN_JUMINZEI
from zeimu.models import Fuka, FukaStatus
from zeimu.services.common import KYUCHI_KEY

FUKA_COLUMNS = [
    "fiscal_year", "atena_id", "kind", "status", "job_id", "is_current", "gokei_shotoku",
    "kazei_shotoku", "shotokuwari_shichoson", "shotokuwari_dofuken", "kintowari_shichoson",
    "kintowari_dofuken", "shinrin_kankyozei", "gokei_zeigaku", "futsu_choshu_gaku",
    "kyuyo_tokucho_gaku", "nenkin_tokucho_gaku", "tokucho_shitei_no", "tokucho_employer_name",
    "kibetsu", "detail", "reason", "created_by", "computed_at",
]  # fmt: skip


def _copy_in(rows: list[Fuka]) -> int:
    """COPY the rows into a temporary table, then INSERT … ON CONFLICT DO NOTHING on the
    one-current-assessment index: a person assessed already (a re-run chunk) is skipped.
    ≈10× faster than bulk_create's parameterised INSERT for rows with a JSON 内訳."""
    now = timezone.now()
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in FUKA_COLUMNS)
    with transaction.atomic():
        raw = connection.connection
        with raw.cursor() as cur:
            # (dropped at commit; dropped here too when an outer transaction is still open)
            cur.execute("DROP TABLE IF EXISTS pg_temp.fuka_in")
            cur.execute(
                sql.SQL(
                    "CREATE TEMP TABLE fuka_in ON COMMIT DROP AS SELECT {} FROM zeimu_fuka "
                    "WITH NO DATA"
                ).format(cols)
            )
            with cur.copy(sql.SQL("COPY fuka_in ({}) FROM STDIN").format(cols)) as copy:
                for r in rows:
                    copy.write_row(
                        (r.fiscal_year, r.atena_id, r.kind, r.status, r.job_id, True,
                         r.gokei_shotoku, r.kazei_shotoku, r.shotokuwari_shichoson,
                         r.shotokuwari_dofuken, r.kintowari_shichoson, r.kintowari_dofuken,
                         r.shinrin_kankyozei, r.gokei_zeigaku, r.futsu_choshu_gaku,
                         r.kyuyo_tokucho_gaku, r.nenkin_tokucho_gaku, r.tokucho_shitei_no,
                         r.tokucho_employer_name, json.dumps(r.kibetsu, ensure_ascii=False),
                         json.dumps(r.detail, ensure_ascii=False), r.reason, r.created_by, now)
                    )  # fmt: skip
            cur.execute(
                sql.SQL(
                    "INSERT INTO zeimu_fuka ({}) SELECT {} FROM fuka_in "
                    # the one-current-assessment index (fuka_one_current), and only it
                    "ON CONFLICT (fiscal_year, atena_id) WHERE is_current DO NOTHING"
                ).format(cols, cols)
            )
            return int(cur.rowcount)


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
    chunk_rows = 2000

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
        from zeimu.services.fuka import YearContext, assess_many

        ctx = YearContext.build(int(job.params["fiscal_year"]))
        lo, hi = chunk.params["first_id"], chunk.params["last_id"]
        # one query for the chunk (≈2,000 people)
        residents = juminkiroku_public.residents_on(ctx.kijun, first_id=lo, last_id=hi)
        people = [(r.atena_id, r.birth_date) for r in residents]
        written = _copy_in(assess_many(ctx, people, job_id=job.pk))
        if written < len(people):
            JobLogLine.objects.create(
                job=job,
                level="info",
                message=(
                    f"{len(people) - written}人は既にこの年度の賦課があるため変更しませんでした"
                    "（賦課の内容を変えるときは更正してください）。"
                ),
            )
        return ChunkResult(done=len(people))

    def finish(self, job: Job) -> None:
        counts = dict(
            Fuka.objects.filter(fiscal_year=int(job.params["fiscal_year"]), is_current=True)
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        summary = "、".join(
            f"{FukaStatus(s).label} {counts.get(s, 0):,}人" for s in FukaStatus.values
        )
        JobLogLine.objects.create(job=job, level="info", message=f"当初賦課の結果: {summary}")


register(ToshoFuka())

# The mass-printing job kinds register themselves on import.
from zeimu import printjobs  # noqa: E402, F401
