"""滞納整理's jobs (issue 18 item 6).

- ``SaikokuJob`` — 催告書 for chosen cases (宛名 ids) or every case matching the list's
  filters, on the print-job framework: each chunk writes its ``Saikoku`` rows and prints
  them as one PDF in the chunk's transaction; a chunk run again prints the same rows and
  writes none (one per case and 発付日).
- ``KessonJob`` — the yearly 不納欠損: every 期別 in arrears on the 基準日 whose duty has
  ended (時効 completed, 執行停止 3 years, 即時消滅) gets its ledger entry and ``Kesson``
  row (one per 期別: a chunk run again writes nothing twice), and the list goes out as a CSV
  (platform CSV writer) on the job page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from django.urls import reverse
from django.utils import timezone

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.csvout import DEFAULT_ENCODING, check_encoding, content_type, csv_bytes
from tenants.jobs.models import Job, JobChunk
from tenants.jobs.registry import ChunkResult, register
from tenants.jobs.services import job_log
from tenants.printing.jobs import MassPrintJob, PrintedItem, job_file_store, print_actor
from tenants.selectors.current import current_municipality
from tenants.wareki import format_wareki
from zeimu.forms.notices import Issuer, Notice
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import Kesson, Kibetsu, Zeimoku
from zeimu.services.shuno_taino import case_list, kesson_apply_many, kesson_candidates
from zeimu.services.shuno_taino_print import (
    FORM,
    PRINT_DATA_HEADER,
    saikoku_issue_many,
    saikoku_notices,
    saikoku_render,
)

SAIKOKU = "zeimu_shuno_saikoku"
KESSON = "zeimu_shuno_kesson"


def _day(raw: Any) -> date:
    return date.fromisoformat(raw) if raw else timezone.localdate()


def _taxpayer(people: dict[int, Any], kib: Kibetsu) -> str:
    """The 宛名番号 of a person's 期別; a corporation's (法人住民税・事業所税) by 法人番号."""
    if kib.atena_id is None:
        return f"法人番号 {kib.hojin_bango}"
    return str(people[kib.atena_id].atena_no)


class SaikokuJob(MassPrintJob):
    code = SAIKOKU
    gyomu = SHUNO_KANRI
    title = "催告書の発付"
    chunk_notices = 500
    file_prefix = "saikoku"
    print_data_header = PRINT_DATA_HEADER

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            hakko = _day(params.get("hakko_date"))
            atena_ids = [int(i) for i in params.get("atena_ids") or []]
            zeimoku = params.get("zeimoku") or None
            min_zan = int(params["min_zan"]) if params.get("min_zan") not in (None, "") else None
        except (TypeError, ValueError) as exc:
            raise ValueError("発付日・対象を正しく指定してください。") from exc
        if zeimoku is not None and zeimoku not in Zeimoku.values:
            raise ValueError("税目が正しくありません。")
        return {
            "hakko_date": hakko.isoformat(),
            "atena_ids": atena_ids,
            "zeimoku": zeimoku,
            "min_zan": min_zan,
            "print_data_encoding": check_encoding(
                params.get("print_data_encoding") or DEFAULT_ENCODING
            ),
        }

    def _hakko(self, job: Job) -> date:
        return date.fromisoformat(job.params["hakko_date"])

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        p = job.params
        rows = case_list(
            on=self._hakko(job),
            zeimoku=p.get("zeimoku"),
            min_zan=p.get("min_zan"),
            atena_ids=p["atena_ids"] or None,
        )
        ids = sorted(r.atena_id for r in rows)
        n = self.chunk_notices
        return [
            ({"form": FORM, "atena_ids": ids[i : i + n]}, len(ids[i : i + n]))
            for i in range(0, len(ids), n)
        ]

    def items(self, job: Job, chunk: JobChunk) -> tuple[list[Notice], int]:
        ids = [int(i) for i in chunk.params["atena_ids"]]
        rows = saikoku_issue_many(
            ids, hakko_date=self._hakko(job), job_id=job.pk, created_by=job.started_by_name or ""
        )
        return saikoku_notices(rows), len(ids) - len(rows)

    def render(self, job: Job, form: str, items: Sequence[PrintedItem]) -> bytes:
        return saikoku_render(
            cast("list[Notice]", list(items)), issuer=Issuer.of(current_municipality())
        )

    def gone_message(self, chunk: JobChunk, gone: int) -> str:
        return (
            f"処理単位{chunk.index + 1}: {gone}件は計画の後に完納されたか、同じ日に催告済みの"
            "ため発付しませんでした。"
        )

    def finish_message(self, job: Job, rows: int) -> str:
        return f"催告書を{rows:,}件発付しました（発付日 {format_wareki(self._hakko(job))}）。"

    def result_url(self, job: Job) -> str:
        return reverse("zeimu_shuno_taino")


register(SaikokuJob())


KESSON_HEADER = [
    "宛名番号", "税目", "年度", "期別", "納期限", "欠損額", "欠損の理由", "納税義務の消滅日",
    "欠損処理日",
]  # fmt: skip


class KessonJob:
    code = KESSON
    gyomu = SHUNO_KANRI
    title = "不納欠損"
    chunk_rows = 1000

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            kijun = _day(params.get("kijun"))
        except (TypeError, ValueError) as exc:
            raise ValueError("基準日を正しく指定してください。") from exc
        if kijun > timezone.localdate():
            raise ValueError("基準日に未来の日は指定できません。")
        return {
            "kijun": kijun.isoformat(),
            "encoding": check_encoding(params.get("encoding") or DEFAULT_ENCODING),
        }

    def _kijun(self, job: Job) -> date:
        return date.fromisoformat(job.params["kijun"])

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        ids = [a.kibetsu_id for a, _ in kesson_candidates(kijun=self._kijun(job))]
        n = self.chunk_rows
        return [
            ({"kibetsu_ids": ids[i : i + n]}, len(ids[i : i + n])) for i in range(0, len(ids), n)
        ]

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        ids = [int(i) for i in chunk.params["kibetsu_ids"]]
        actor = Actor(user_id=job.started_by_id, username=job.started_by_name, terminal="batch")
        rows = kesson_apply_many(ids, kijun=self._kijun(job), job_id=job.pk, actor=actor)
        if len(rows) < len(ids):
            job_log(
                job,
                f"処理単位{chunk.index + 1}: {len(ids) - len(rows)}件は計画の後に納付されたか"
                "欠損済みのため、欠損しませんでした。",
            )
        return ChunkResult(done=len(rows), failed=0)

    def finish(self, job: Job) -> None:
        from juminkiroku.public import person_identities

        rows = list(
            Kesson.objects.filter(job=job).select_related("kibetsu").order_by("kibetsu__nouki")
        )
        people = person_identities(
            {k.kibetsu.atena_id for k in rows if k.kibetsu.atena_id is not None}
        )
        data = csv_bytes(
            KESSON_HEADER,
            (
                [_taxpayer(people, k.kibetsu), k.kibetsu.get_zeimoku_display(),
                 k.kibetsu.nendo, k.kibetsu.ki_label, k.kibetsu.nouki.isoformat(), k.amount,
                 k.get_reason_display(), k.shometsu_date.isoformat(), k.kesson_date.isoformat()]
                for k in rows
            ),
            encoding=job.params["encoding"],
        )  # fmt: skip
        job_file_store(job, f"kesson_{job.pk}.csv", data, content_type(job.params["encoding"]))
        access_record(
            actor=print_actor(job),
            action=AccessAction.EXPORT,
            gyomu=SHUNO_KANRI,
            screen=f"job:{KESSON}",
            record_type="atena",
            record_id="",
            record_count=max(len(people), 1),
            detail={"atena_ids": sorted(people), "kesson": len(rows)},
        )
        total = sum(k.amount for k in rows)
        job_log(
            job,
            f"不納欠損 {len(rows):,}件、{total:,}円（基準日 {format_wareki(self._kijun(job))}）。"
            "一覧は結果ファイル（CSV）にあります。",
        )

    def result_url(self, job: Job) -> str:
        return reverse("zeimu_shuno_kesson")


register(KessonJob())
