"""Job kind of the 心身障害者医療 一斉更新 (SG-18; docs/architecture.md, "Batch work is a job
kind"): in the town's 更新月 of a year, every 受給者証 still valid that ends the day before
is judged again (the 手帳 valid then, the town's criteria and the 本人's income of the new
年度 through ``zeimu.public``) and gets the new certificate year or ends with its reasons.

Chunks of ``CHUNK`` certificates, planned once (the ids ending that day). A chunk runs
``fukushi.services.shinshin.koshin_apply`` inside the chunk's transaction: a killed worker
leaves nothing half-written and the chunk runs again from the start. A certificate already
renewed or ended — by this chunk's earlier run, another job, or the screen's run — no longer
ends that day and has its ``ShinshinKoshinKekka`` row for the 更新月: it is left alone, so
a second run or a retried chunk decides nothing twice.

A 受給者証 tells of a disability (要配慮個人情報, behind the grant ``SHOGAI_TECHO``): the
job's log lines and its page carry no person and no count by result; the list and the
更新通知 PDF of a job are on the 心身障害者医療 screens behind the grant
(``fukushi.views.shinshin_koshin``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from fukushi.gyomu import SHINSHIN_SHOGAISHA_IRYO
from fukushi.services.shinshin import (
    ShinshinRefused,
    koshin_apply,
    koshin_kaishi,
    koshin_targets,
)
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import access_record
from tenants.jobs.models import Job, JobChunk, JobLogLine, JobStatus
from tenants.jobs.registry import ChunkResult, register
from tenants.jobs.services import JobRefused, refuse_if_running
from tenants.printing.jobs import print_actor
from tenants.wareki import format_wareki

KOSHIN = "fukushi_shinshin_koshin"
#: certificates per chunk
CHUNK = 200


class ShinshinKoshin:
    code = KOSHIN
    gyomu = SHINSHIN_SHOGAISHA_IRYO
    title = "心身障害者医療 受給者証の一斉更新"

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            nen = int(str(params.get("nen") or ""))
        except ValueError as exc:
            raise ValueError("更新する年を指定してください。") from exc
        if not 2000 <= nen <= 2100:
            raise ValueError("更新する年を正しく指定してください。")
        try:
            koshin_kaishi(nen)
        except ShinshinRefused as exc:
            raise ValueError(" ".join(exc.errors)) from exc
        return {"nen": nen}

    def result_url(self, job: Job) -> str:
        return reverse("fukushi_shinshin_koshin_kekka", kwargs={"job_id": job.pk})

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        nen = int(job.params["nen"])
        refuse_if_running(
            job, kinds=[KOSHIN], param="nen", message=f"{nen}年の一斉更新が実行中です。"
        )
        kaishi = koshin_kaishi(nen)
        ids = koshin_targets(kaishi)
        return [
            ({"kaishi": kaishi.isoformat(), "ids": ids[i : i + CHUNK]}, 1)
            for i in range(0, len(ids), CHUNK)
        ]

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        kaishi = date.fromisoformat(str(chunk.params["kaishi"]))
        ids = [int(i) for i in chunk.params["ids"]]
        done, ended, _ = koshin_apply(ids=ids, kaishi=kaishi, actor=print_actor(job), job_id=job.pk)
        if done or ended:
            access_record(
                actor=print_actor(job),
                action=AccessAction.JOB,
                gyomu=SHINSHIN_SHOGAISHA_IRYO,
                screen=f"job:{KOSHIN}",
                record_type="fukushi.ShinshinJukyusha",
                record_count=done + ended,
                detail={"job_id": job.pk, "chunk": chunk.pk},
            )
        return ChunkResult(done=1)

    def finish(self, job: Job) -> None:
        nen = int(job.params["nen"])
        JobLogLine.objects.create(
            job=job,
            level="info",
            message=(
                f"{nen}年の一斉更新（{format_wareki(koshin_kaishi(nen))}から）を終えました。"
                "結果の一覧と更新通知は、心身障害者医療の画面（操作権限のある職員）で確認します。"
            ),
        )


register(ShinshinKoshin())


# --- the schedule (SG-18: 一斉更新 on a schedule, then the new 受給者証 printed) ------------

#: the scheduled run starts this many months before the town's 更新月 (the new cards must
#: reach the 受給者 before their old ones end) and keeps trying daily until the end of the
#: 更新月. Our choice: no law fixes it (未確認 whether towns want it as a parameter).
LEAD_MONTHS = 1
SYSTEM_ACTOR_NAME = "system:fukushi_shinshin_koshin"


def _months_before(d: date, months: int) -> date:
    n = d.year * 12 + d.month - 1 - months
    return date(n // 12, n % 12 + 1, 1)


def koshin_schedule_due(*, today: date) -> list[str]:
    """The day's scheduled 一斉更新 in this town (the task of the beat calls it in each
    schema): from ``LEAD_MONTHS`` before the 更新月 of a year to its end,

    1. no 一斉更新 job of that year yet → start it (once: a job of that year in any state,
       the clerk's included, stops the schedule; a failed one is the clerk's to retry);
    2. the year's job has succeeded and no 受給者証 print job exists for it → start the
       print of the renewed certificates (``fukushi.printjobs_shinshin_koshin``), issued
       today.

    A year whose criteria are not set (``koshin_kaishi`` refuses), or a town that does not
    subscribe to the 業務, starts nothing and is tried again the next day. Idempotent.
    Returns what it did, in words without persons (for the task's result)."""
    from fukushi.printjobs_shinshin_koshin import CODE as CARD
    from tenants.accesslog.services import Actor
    from tenants.jobs.services import job_start

    actor = Actor(user_id=None, username=SYSTEM_ACTOR_NAME, terminal="batch")
    done: list[str] = []
    for nen in (today.year, today.year + 1):
        try:
            kaishi = koshin_kaishi(nen)
        except ShinshinRefused:
            continue  # the criteria of that 年度 are not set yet: tried again tomorrow
        if not _months_before(kaishi, LEAD_MONTHS) <= today < _months_before(kaishi, -1):
            continue
        job = Job.objects.filter(kind=KOSHIN, params__nen=nen).order_by("-pk").first()
        try:
            if job is None:
                job_start(kind=KOSHIN, params={"nen": nen}, actor=actor)
                done.append(f"{nen}年の一斉更新を開始")
            elif (
                job.status == JobStatus.SUCCEEDED
                and not Job.objects.filter(kind=CARD, params__koshin_job=job.pk).exists()
            ):
                job_start(
                    kind=CARD,
                    params={"koshin_job": job.pk, "hakko_date": today.isoformat()},
                    actor=actor,
                )
                done.append(f"{nen}年の一斉更新の受給者証の印刷を開始")
        except (JobRefused, ValueError):
            continue  # not subscribed, or refused by the kind: nothing started
    return done
