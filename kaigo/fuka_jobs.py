"""Job kinds of the 第1号保険料 賦課 (docs/architecture.md, "Batch work is a job kind"):

- ``kaigo_fuka_honsantei``: the 本算定 of one 年度, one job per town and 年度, chunked by
  第1号被保険者 (宛名 id). The plan fixes each chunk's persons; a chunk's writes are keyed
  on the one-current-賦課 index (a person already assessed is left alone), so a chunk run
  again — a killed worker, a retry — writes nothing twice, and a second 本算定 of the same
  年度 writes nothing.
- ``kaigo_fuka_kosei``: the 更正候補 sweep: the same plan as of the day, each person's
  input compared with their current 賦課; a difference (資格 months, 所得, 課税状況) becomes
  their open 更正候補, replaced when the sweep runs again.

Both refuse to start while a 賦課 job of the same 年度 is queued or running (checked under
an advisory lock in the job's own transaction).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone

from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import FukaKoseiStatus, KaigoFuka, KaigoKoseiKoho
from kaigo.public import dai1_of_nendo
from kaigo.services.fuka import FukaYear, honsantei_chunk, kosei_sweep_chunk
from tenants.accesslog.services import Actor
from tenants.jobs.models import Job, JobChunk, JobLogLine
from tenants.jobs.registry import ChunkResult, register
from tenants.jobs.services import refuse_if_running
from tenants.params.services import ParameterMissing
from tenants.wareki import format_nendo, format_wareki

HONSANTEI = "kaigo_fuka_honsantei"
KOSEI_SWEEP = "kaigo_fuka_kosei"
FUKA_KINDS = (HONSANTEI, KOSEI_SWEEP)


def fiscal_year_param(params: dict[str, Any]) -> int:
    try:
        fy = int(params["fiscal_year"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError("年度を指定してください。") from exc
    if not 2000 <= fy <= 2100:
        raise ValueError("年度を正しく指定してください。")
    return fy


def _kijun(params: dict[str, Any], fy: int) -> date:
    raw = params.get("kijun_date")
    try:
        day = date.fromisoformat(raw) if raw else timezone.localdate()
    except (TypeError, ValueError) as exc:
        raise ValueError("算定基準日を正しく指定してください。") from exc
    return min(max(day, date(fy, 4, 1)), date(fy + 1, 3, 31))


def check_params(fy: int) -> None:
    try:
        FukaYear.build(fy)
    except (ParameterMissing, LookupError, ValueError, TypeError) as exc:
        raise ValueError(
            f"{format_nendo(fy)}の介護保険料の基準額（条例で定める値）が設定されていません。"
            "設定 > 条例で定める値 で基準額を設定してください。"
        ) from exc


def _refuse_if_running(job: Job) -> None:
    fy = int(job.params["fiscal_year"])
    refuse_if_running(
        job,
        kinds=FUKA_KINDS,
        param="fiscal_year",
        message=f"{format_nendo(fy)}の介護保険料の賦課処理が実行中です。終わってから開始してください。",
    )


def _chunks(ids: list[int], size: int, key: str = "atena_ids") -> list[tuple[dict[str, Any], int]]:
    return [
        ({key: ids[i : i + size], **({"gone": []} if key == "atena_ids" else {})},
         len(ids[i : i + size]))
        for i in range(0, len(ids), size)
    ]  # fmt: skip


def plan_ids(fy: int) -> list[int]:
    return sorted(d.atena_id for d in dai1_of_nendo(fy) if d.months)


class Honsantei:
    code = HONSANTEI
    gyomu = KAIGO_HOKEN
    title = "介護保険料 本算定"
    chunk_size = 2000

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        fy = fiscal_year_param(params)
        check_params(fy)
        return {"fiscal_year": fy, "kijun_date": _kijun(params, fy).isoformat()}

    def result_url(self, job: Job) -> str:
        return reverse("kaigo_fuka_kekka", args=[int(job.params["fiscal_year"])])

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        _refuse_if_running(job)
        return _chunks(plan_ids(int(job.params["fiscal_year"])), self.chunk_size)

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        fy = int(job.params["fiscal_year"])
        ids = [int(x) for x in chunk.params["atena_ids"]]
        out = honsantei_chunk(
            year=FukaYear.build(fy),
            atena_ids=ids,
            kijun=date.fromisoformat(job.params["kijun_date"]),
            job_id=job.pk,
            actor=Actor(user_id=job.started_by_id, username=job.started_by_name),
        )
        if out.skipped:
            JobLogLine.objects.create(
                job=job,
                level="info",
                message=(
                    f"処理単位{chunk.index + 1}: {out.skipped:,}人は既にこの年度の賦課があるため"
                    "変更しませんでした（変えるときは更正してください）。"
                ),
            )
        return ChunkResult(done=len(ids))

    def finish(self, job: Job) -> None:
        from kaigo.services.fuka_chotei import kaigo_chotei_post_job

        fy = int(job.params["fiscal_year"])
        # the 普通徴収 期別 into the 収納 ledger (zeimu.public; refs make a second finish
        # post nothing new)
        kaigo_chotei_post_job(
            job_id=job.pk,
            fiscal_year=fy,
            on=date.fromisoformat(job.params["kijun_date"]),  # 調定日: the 算定基準日
            actor=Actor(user_id=job.started_by_id, username=job.started_by_name),
        )
        agg = KaigoFuka.objects.filter(fiscal_year=fy, is_current=True, job_id=job.pk).aggregate(
            n=Count("id"), total=Sum("hokenryo")
        )
        JobLogLine.objects.create(
            job=job,
            level="info",
            message=(
                f"{format_nendo(fy)} 本算定"
                f"（算定基準日 {format_wareki(date.fromisoformat(job.params['kijun_date']))}）: "
                f"{agg['n'] or 0:,}人、保険料 {agg['total'] or 0:,}円"
            ),
        )


class KoseiSweep:
    code = KOSEI_SWEEP
    gyomu = KAIGO_HOKEN
    title = "介護保険料 更正候補の抽出"
    chunk_size = 2000

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        fy = fiscal_year_param(params)
        check_params(fy)
        return {"fiscal_year": fy}

    def result_url(self, job: Job) -> str:
        return reverse("kaigo_fuka_kosei_list", args=[int(job.params["fiscal_year"])])

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        _refuse_if_running(job)
        fy = int(job.params["fiscal_year"])
        ids = plan_ids(fy)
        planned = set(ids)
        assessed = KaigoFuka.objects.filter(fiscal_year=fy, is_current=True).values_list(
            "atena_id", flat=True
        )
        gone = sorted(set(assessed) - planned)
        chunks = _chunks(ids, self.chunk_size)
        for i in range(0, len(gone), self.chunk_size):
            part = gone[i : i + self.chunk_size]
            chunks.append(({"atena_ids": [], "gone": part}, len(part)))
        return chunks

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        fy = int(job.params["fiscal_year"])
        ids = [int(x) for x in chunk.params["atena_ids"]]
        gone = [int(x) for x in chunk.params["gone"]]
        kosei_sweep_chunk(year=FukaYear.build(fy), atena_ids=ids, gone=gone, job_id=job.pk)
        return ChunkResult(done=len(ids) + len(gone))

    def finish(self, job: Job) -> None:
        fy = int(job.params["fiscal_year"])
        n = KaigoKoseiKoho.objects.filter(fiscal_year=fy, status=FukaKoseiStatus.OPEN).count()
        JobLogLine.objects.create(
            job=job, level="info", message=f"{format_nendo(fy)}の更正候補（未処理）: {n:,}人"
        )


register(Honsantei())
register(KoseiSweep())
