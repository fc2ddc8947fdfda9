"""後期高齢者医療's job kinds: the import of the 広域連合's 保険料データ and the mass print of
普通徴収 納付書 (loaded by ``kokuho.printjobs``, the module's one jobkinds entry)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kokuho.forms.koki_nofusho import (
    FORM,
    PRINT_DATA_HEADER,
    Nofusho,
    nofusho_items,
    nofusho_render,
)
from kokuho.gyomu import KOKI_IRYO
from kokuho.models import ChoshuHoho, ImportStatus, KokiHokenryo, KokiHokenryoImport
from kokuho.services.koki_chotei import (
    CATCHUP_CHUNK,
    CATCHUP_JOB,
    catchup_ids,
    koki_chotei_catchup,
)
from kokuho.services.koki_hokenryo import (
    IMPORT_JOB,
    ImportRejected,
    koki_hokenryo_import_run,
    koki_hokenryo_reject,
)
from tenants.accesslog.services import Actor
from tenants.csvout import DEFAULT_ENCODING, check_encoding
from tenants.jobs.heartbeat import report_progress
from tenants.jobs.models import Job, JobChunk, JobLogLine
from tenants.jobs.registry import ChunkResult, JobOutcome, register
from tenants.printing.jobs import MassPrintJob, PrintedItem
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_nendo


class KokiHokenryoImportJob:
    """保険料データの取込: one stored file, all its rows or none, in one chunk (one
    transaction). A worker killed on the way leaves nothing; the chunk runs again from
    the file, which is removed once the import has ended."""

    code = IMPORT_JOB
    gyomu = KOKI_IRYO
    title = "後期高齢者医療 保険料データの取込"

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            return {
                "file_name": str(params["file_name"])[:200],
                "sha256": str(params["sha256"]),
                "path": str(params["path"]),
                "lines": int(params["lines"]),
                "encoding": check_encoding(str(params["encoding"])),
                "actor": Actor(**params["actor"]).__dict__,
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError("取込ファイルの指定に誤りがあります。") from exc

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        # in the job's transaction: the same file twice at once fails here, on the
        # unique constraint, and neither job nor import is left
        imp = KokiHokenryoImport.objects.create(
            file_name=job.params["file_name"],
            sha256=job.params["sha256"],
            status=ImportStatus.QUEUED,
            job_id=job.pk,
            imported_by=job.started_by_name,
        )
        return [({"import_id": imp.pk}, max(int(job.params["lines"]) - 1, 1))]

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        imp = KokiHokenryoImport.objects.select_for_update().get(pk=chunk.params["import_id"])
        if imp.status != ImportStatus.QUEUED:
            return ChunkResult(done=imp.rows)  # ended already (a message sent twice)
        path = job.params["path"]
        transaction.on_commit(lambda: default_storage.delete(path))
        with default_storage.open(path, "rb") as source:
            try:
                result = koki_hokenryo_import_run(
                    imp=imp,
                    source=source,
                    encoding=job.params["encoding"],
                    actor=Actor(**job.params["actor"]),
                    progress=report_progress,
                )
            except ImportRejected as exc:
                koki_hokenryo_reject(imp=imp, rejected=exc)
                JobLogLine.objects.create(
                    job=job,
                    level="error",
                    message=f"誤りが{len(exc.errors):,}件{'以上' if exc.truncated else ''}"
                    "あるため、1件も登録しませんでした。取込の画面で誤りの一覧を確認してください。",
                )
                return ChunkResult(done=0, failed=len({e.line for e in exc.errors}) or 1)
        JobLogLine.objects.create(
            job=job,
            level="info",
            message=f"{result.rows:,}行（{result.persons:,}人分）を取り込みました。"
            f"うち{result.replaced:,}人は前の保険料を置き換え、"
            f"{result.unchanged:,}人は登録済みと同じため変えていません。",
        )
        return ChunkResult(done=result.rows)

    def result_url(self, job: Job) -> str:
        pk = KokiHokenryoImport.objects.filter(job_id=job.pk).values_list("pk", flat=True).first()
        return reverse("kokuho_koki_hokenryo_detail", args=[pk]) if pk is not None else ""

    def finish(self, job: Job) -> JobOutcome | None:
        imp = KokiHokenryoImport.objects.filter(job_id=job.pk).first()
        if imp is not None and imp.status == ImportStatus.REJECTED:
            return JobOutcome(
                failed=True, message="ファイルに誤りがあるため取り込みませんでした（登録は0件）。"
            )
        return None


class KokiNofushoPrint(MassPrintJob):
    """普通徴収 納付書 of a 年度: every person whose current 保険料 has 普通徴収 期, by
    宛名 id, 1,000 a chunk, the 保険料 ids fixed in the chunk; one replaced by a 更正 since
    the plan is not printed (its new row is printed by the next run)."""

    code = "kokuho_koki_nofusho_print"
    gyomu = KOKI_IRYO
    title = "後期高齢者医療 納付書の一括印刷"
    chunk_size = 1000
    file_prefix = "koki"
    print_data_header = PRINT_DATA_HEADER

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            nendo = int(params["nendo"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError("年度を指定してください。") from exc
        raw = params.get("hakko_date")
        try:
            hakko = date.fromisoformat(raw) if raw else timezone.localdate()
        except (TypeError, ValueError) as exc:
            raise ValueError("発行日を正しく指定してください。") from exc
        return {
            "nendo": nendo,
            "hakko_date": hakko.isoformat(),
            "print_data_encoding": check_encoding(
                params.get("print_data_encoding") or DEFAULT_ENCODING
            ),
        }

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        ids = list(
            KokiHokenryo.objects.filter(
                nendo=job.params["nendo"], is_current=True, kibetsu__choshu_hoho=ChoshuHoho.FUTSU
            )
            .distinct()
            .order_by("atena_id")
            .values_list("id", flat=True)
        )
        return [
            ({"form": FORM, "hokenryo_ids": ids[i : i + self.chunk_size]},
             len(ids[i : i + self.chunk_size]))
            for i in range(0, len(ids), self.chunk_size)
        ]  # fmt: skip

    def items(self, job: Job, chunk: JobChunk) -> tuple[list[Nofusho], int]:
        ids = chunk.params["hokenryo_ids"]
        rows = {h.pk: h for h in KokiHokenryo.objects.filter(pk__in=ids, is_current=True)}
        made = nofusho_items([rows[i] for i in ids if i in rows])
        return made, len(ids) - len(made)

    def render(self, job: Job, form: str, items: Sequence[PrintedItem]) -> bytes:
        return nofusho_render(
            cast("list[Nofusho]", list(items)),
            issuer=issuer_name(),
            hakko_date=date.fromisoformat(job.params["hakko_date"]),
            timestamp=job.created_at or datetime.now().astimezone(),
        )

    def gone_message(self, chunk: JobChunk, gone: int) -> str:
        return f"処理単位{chunk.index + 1}: {gone}件は保険料が更正されたため印刷しませんでした。"

    def finish_message(self, job: Job, rows: int) -> str:
        return f"{format_nendo(job.params['nendo'])}の納付書: 印刷データ {rows:,}件を作成しました。"


class KokiChoteiCatchupJob:
    """保険料の収納簿への登録（未登録分）: every current 保険料 row with a 普通徴収 期別 not
    on the 収納 ledger, posted as its import would have (``koki_chotei_catchup``). Chunks
    are ranges of 保険料 ids, each one transaction that selects again what is still
    missing, so a chunk run twice (a worker killed, a message redelivered) or a second job
    posts nothing twice."""

    code = CATCHUP_JOB
    gyomu = KOKI_IRYO
    title = "後期高齢者医療 保険料の収納簿への登録（未登録分）"

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        raw = params.get("on") or timezone.localdate().isoformat()
        try:
            return {"on": date.fromisoformat(str(raw)).isoformat()}
        except ValueError as exc:
            raise ValueError("調定日の指定に誤りがあります。") from exc

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        ids = catchup_ids()
        chunks = [ids[i : i + CATCHUP_CHUNK] for i in range(0, len(ids), CATCHUP_CHUNK)]
        return [({"first_id": c[0], "last_id": c[-1]}, len(c)) for c in chunks]

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        count = koki_chotei_catchup(
            on=date.fromisoformat(job.params["on"]),
            actor=Actor(user_id=job.started_by_id, username=job.started_by_name),
            first_id=int(chunk.params["first_id"]),
            last_id=int(chunk.params["last_id"]),
        )
        JobLogLine.objects.create(
            job=job,
            level="info",
            message=f"{count.posted:,}件の期別を収納簿に登録しました"
            f"（うち新たな調定{count.written:,}件）。",
        )
        return ChunkResult(done=chunk.size)

    def finish(self, job: Job) -> JobOutcome | None:
        return None


register(KokiHokenryoImportJob())
register(KokiChoteiCatchupJob())
register(KokiNofushoPrint())
