"""Job kinds of 住民記録."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from juminkiroku.codes import AtenaKubun
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena, IkouKekka, JohyoIkouKekka
from juminkiroku.services.johyo import (
    JOHYO_JOTAI,
    hanbouki_months,
    johyo_ikou_chunk,
    shojo_limit,
)
from tenants.accesslog.services import Actor
from tenants.jobs.models import Job, JobChunk
from tenants.jobs.registry import ChunkResult, JobOutcome, register
from tenants.params.services import ParameterMissing
from tenants.wareki import format_wareki


class JohyoIkou:
    """除票用データベースへの移行 (標準仕様書 9.3): every 除票 whose 消除 is
    ``juminkiroku.johyo.ikou_nensu`` years before the day the job was started.

    The candidates are fixed by the plan (宛名 ids, 200 a chunk). A chunk moves each person
    in a savepoint of its transaction (``services.johyo``), so a killed worker leaves the
    whole chunk undone, and a chunk run again skips those already 「除票移行済」 and writes
    its results keyed by (job, 宛名). Refused in the town's 繁忙期 (a 条例 value set on the
    parameters screen). ≈ 30 queries a person: 200 persons take a few seconds."""

    code = "juminkiroku_johyo_ikou"
    gyomu = JUMINKIROKU
    title = "除票用データベースへの移行"
    chunk_rows = 200

    def result_url(self, job: Job) -> str:
        return reverse("juminkiroku_johyo_kekka", kwargs={"job_id": job.pk})

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        today = timezone.localdate()
        try:
            day = date.fromisoformat(str(params.get("kijun") or today.isoformat()))
        except ValueError as exc:
            raise ValueError("基準日の指定が正しくありません。") from exc
        if day > today:
            raise ValueError("基準日に将来の日付は指定できません。")
        if today.month in hanbouki_months(today):
            raise ValueError(
                f"{today.month}月は繁忙期として移行を行わない月に設定されています"
                "（設定 > 条例で定める値）。"
            )
        try:
            shojo_limit(day)
        except ParameterMissing as exc:
            raise ValueError("除票を移行する経過年数が登録されていません。") from exc
        return {"kijun": day.isoformat()}

    def _day(self, job: Job) -> date:
        return date.fromisoformat(str(job.params["kijun"]))

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        ids = list(
            Atena.objects.filter(
                kubun=AtenaKubun.JUTOSHA,
                jotai__in=JOHYO_JOTAI,
                shojo_date__lte=shojo_limit(self._day(job)),
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        return [
            ({"ids": ids[i : i + self.chunk_rows]}, len(ids[i : i + self.chunk_rows]))
            for i in range(0, len(ids), self.chunk_rows)
        ]

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        actor = Actor(user_id=job.started_by_id, username=job.started_by_name)
        results = johyo_ikou_chunk(
            atena_ids=[int(i) for i in chunk.params["ids"]],
            day=self._day(job),
            job_id=job.pk,
            actor=actor,
        )
        return ChunkResult(done=len(results))

    def finish(self, job: Job) -> JobOutcome | None:
        counts = dict(
            JohyoIkouKekka.objects.filter(job_id=job.pk)
            .values_list("kekka")
            .annotate(n=Count("id"))
            .values_list("kekka", "n")
        )
        moved, kept = counts.get(IkouKekka.MOVED, 0), counts.get(IkouKekka.REFUSED, 0)
        return JobOutcome(
            failed=False,
            message=(
                f"正常に終了しました。{format_wareki(self._day(job))}を基準日として、"
                f"{moved:,}人の除票を除票用データベースへ移行しました"
                f"（移行しなかった方 {kept:,}人）。"
            ),
        )


register(JohyoIkou())
