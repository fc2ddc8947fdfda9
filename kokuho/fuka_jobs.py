"""Job kinds of the 国民健康保険税 賦課 (docs/architecture.md, "Batch work is a job kind"):

- ``kokuho_fuka_honsantei``: the 本算定 (or 仮算定, where the town's 条例 sets
  ``kokuho.fuka.karisantei_kisu``) of one 年度, one job per town and 年度, chunked by
  国保世帯. The plan fixes each chunk's households (and the insured members gone by the
  算定基準日), so a chunk reads the same people every time; its writes are keyed on the
  one-current-賦課 index (a household already assessed by this job is left alone), so a
  chunk run again — a killed worker, a retry — gives the same rows.
- ``kokuho_fuka_kosei``: the 更正候補 sweep: the same plan as of the day, each household's
  input compared with its current 賦課; a difference (資格 months, 所得, 世帯) becomes its
  open 更正候補, replaced when the sweep runs again. Run daily (``kokuho.tasks``) or from
  the screen.

Both refuse to start while a 賦課 job of the same 年度 is queued or running (checked under
an advisory lock in the job's own transaction).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone

from kokuho.gyomu import KOKUHO_FUKA
from kokuho.models import KokuhoFuka, KoseiKoho, KoseiStatus, Santei
from kokuho.selectors.fuka import SetaiPlan, fy_end, fy_start, plan_setai
from kokuho.services.fuka import FukaYear, current_fuka_setai, honsantei_chunk, kosei_sweep_chunk
from kokuho.services.fuka_chotei import kokuho_chotei_post_chunk
from tenants.accesslog.services import Actor
from tenants.jobs.models import Job, JobChunk, JobLogLine
from tenants.jobs.registry import ChunkResult, register
from tenants.jobs.services import refuse_if_running
from tenants.params.services import ParameterMissing
from tenants.wareki import format_nendo, format_wareki

HONSANTEI = "kokuho_fuka_honsantei"
KOSEI_SWEEP = "kokuho_fuka_kosei"
FUKA_KINDS = (HONSANTEI, KOSEI_SWEEP)


def _fiscal_year(params: dict[str, Any]) -> int:
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
    return min(max(day, fy_start(fy)), fy_end(fy))


def _check_params(fy: int) -> None:
    try:
        FukaYear.build(fy)
    except (ParameterMissing, LookupError, ValueError, TypeError) as exc:
        raise ValueError(
            f"{format_nendo(fy)}の国民健康保険税の税率（条例で定める値）が設定されていません。"
            "設定 > 条例で定める値 で所得割・均等割を設定してください。"
        ) from exc


def _refuse_if_running(job: Job) -> None:
    """Inside job_start's transaction: one 賦課 job per town and 年度 at a time."""
    fy = int(job.params["fiscal_year"])
    refuse_if_running(
        job,
        kinds=FUKA_KINDS,
        param="fiscal_year",
        message=f"{format_nendo(fy)}の国保税の賦課処理が実行中です。終わってから開始してください。",
    )


def _chunks(plans: list[SetaiPlan], size: int, **extra: Any) -> list[tuple[dict[str, Any], int]]:
    out = []
    for i in range(0, len(plans), size):
        part = plans[i : i + size]
        out.append(({"setai": [p.as_json() for p in part], **extra}, len(part)))
    return out


class Honsantei:
    code = HONSANTEI
    gyomu = KOKUHO_FUKA
    title = "国民健康保険税 本算定"
    chunk_setai = 1000

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        fy = _fiscal_year(params)
        _check_params(fy)
        santei = params.get("santei") or Santei.HON
        if santei not in (Santei.HON, Santei.KARI):
            raise ValueError("算定区分は 本算定 か 仮算定 です。")
        if santei == Santei.KARI and FukaYear.build(fy).kari_kisu == 0:
            raise ValueError("この団体は仮算定をしません（条例で定める値：仮算定の期数が0）。")
        return {
            "fiscal_year": fy,
            "kijun_date": _kijun(params, fy).isoformat(),
            "santei": santei,
        }

    def result_url(self, job: Job) -> str:
        return reverse("kokuho_fuka_kekka", args=[int(job.params["fiscal_year"])])

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        _refuse_if_running(job)
        fy = int(job.params["fiscal_year"])
        plans, lost = plan_setai(fy, date.fromisoformat(job.params["kijun_date"]))
        if lost:
            JobLogLine.objects.create(
                job=job,
                level="warning",
                message=f"{lost:,}人は算定基準日に住民記録の世帯が見つからないため賦課していません。",
            )
        return _chunks(plans, self.chunk_setai)

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        fy = int(job.params["fiscal_year"])
        plans = [SetaiPlan.from_json(x) for x in chunk.params["setai"]]
        out = honsantei_chunk(
            year=FukaYear.build(fy),
            plans=plans,
            kijun=date.fromisoformat(job.params["kijun_date"]),
            santei=job.params["santei"],
            job_id=job.pk,
            actor=Actor(user_id=job.started_by_id, username=job.started_by_name),
        )
        # the 期別 into the 収納 ledger, in the chunk's transaction (a re-run posts nothing new)
        kokuho_chotei_post_chunk(
            job_id=job.pk,
            fiscal_year=fy,
            setai_ids=[p.setai_id for p in plans],
            on=date.fromisoformat(job.params["kijun_date"]),  # 調定日: the 算定基準日
            actor=Actor(user_id=job.started_by_id, username=job.started_by_name),
        )
        if out.skipped:
            JobLogLine.objects.create(
                job=job,
                level="info",
                message=(
                    f"処理単位{chunk.index + 1}: {out.skipped:,}世帯は既にこの年度の賦課があるため"
                    "変更しませんでした（変えるときは更正してください）。"
                ),
            )
        if out.kari_missing:
            JobLogLine.objects.create(
                job=job,
                level="info",
                message=(
                    f"処理単位{chunk.index + 1}: {out.kari_missing:,}世帯は前年度の税額がないため"
                    "仮算定せず、本算定で賦課します。"
                ),
            )
        return ChunkResult(done=len(plans))

    def finish(self, job: Job) -> None:
        fy = int(job.params["fiscal_year"])
        agg = KokuhoFuka.objects.filter(fiscal_year=fy, is_current=True, job_id=job.pk).aggregate(
            n=Count("id"), total=Sum("nengaku")
        )
        JobLogLine.objects.create(
            job=job,
            level="info",
            message=(
                f"{format_nendo(fy)} {Santei(job.params['santei']).label}"
                f"（算定基準日 {format_wareki(date.fromisoformat(job.params['kijun_date']))}）: "
                f"{agg['n'] or 0:,}世帯、税額 {agg['total'] or 0:,}円"
            ),
        )


class KoseiSweep:
    code = KOSEI_SWEEP
    gyomu = KOKUHO_FUKA
    title = "国民健康保険税 更正候補の抽出"
    chunk_setai = 1000

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        fy = _fiscal_year(params)
        _check_params(fy)
        return {"fiscal_year": fy, "kijun_date": _kijun(params, fy).isoformat()}

    def result_url(self, job: Job) -> str:
        return reverse("kokuho_fuka_kosei_list", args=[int(job.params["fiscal_year"])])

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        _refuse_if_running(job)
        fy = int(job.params["fiscal_year"])
        plans, _ = plan_setai(fy, date.fromisoformat(job.params["kijun_date"]))
        planned = {p.setai_id for p in plans}
        gone = sorted(set(current_fuka_setai(fy)) - planned)
        chunks = _chunks(plans, self.chunk_setai, gone=[])
        for i in range(0, len(gone), self.chunk_setai):
            chunks.append(
                (
                    {"setai": [], "gone": gone[i : i + self.chunk_setai]},
                    len(gone[i : i + self.chunk_setai]),
                )
            )
        return chunks

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        fy = int(job.params["fiscal_year"])
        plans = [SetaiPlan.from_json(x) for x in chunk.params["setai"]]
        kosei_sweep_chunk(
            year=FukaYear.build(fy),
            plans=plans,
            gone_setai=[int(x) for x in chunk.params["gone"]],
            kijun=date.fromisoformat(job.params["kijun_date"]),
            job_id=job.pk,
        )
        return ChunkResult(done=len(plans) + len(chunk.params["gone"]))

    def finish(self, job: Job) -> None:
        fy = int(job.params["fiscal_year"])
        n = KoseiKoho.objects.filter(fiscal_year=fy, status=KoseiStatus.OPEN).count()
        JobLogLine.objects.create(
            job=job, level="info", message=f"{format_nendo(fy)}の更正候補（未処理）: {n:,}世帯"
        )


register(Honsantei())
register(KoseiSweep())

# the notices' mass print registers itself on import
from kokuho import fuka_printjobs  # noqa: E402, F401
