"""Mass printing of 資格確認書 / 資格情報のお知らせ on the platform's print-job framework
(tenants.printing.jobs: one PDF a chunk, the PRINT/EXPORT access rows, the print-data
CSV for the 印刷・封入 contractor).

Plan: every period covering the 交付日 (基準日), by 宛名 id, 1,000 a chunk, the period ids
fixed in the chunk so a chunk run again prints the same people; a period ended or
cancelled since the plan is not printed (counted and said in the job log). Each card is a
recorded issue (一斉更新) with its terms; a person whose 一部負担金の割合 cannot be judged (a
70歳以上 member without 申告) is not printed and is said, by reason, in the job log.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

from django.utils import timezone

from kokuho.forms.kyufu import KETTEI_PRINT_DATA_HEADER, KetteiNotice, kettei_notices, kyufu_render
from kokuho.forms.shikaku import (
    FORM_LABELS,
    FORMS,
    PRINT_DATA_HEADER,
    Card,
    cards,
    cards_render,
)
from kokuho.gyomu import KOKUHO_KYUFU, KOKUHO_SHIKAKU
from kokuho.models import Kyufu, KyufuStatus
from kokuho.selectors.setai import periods_on
from kokuho.services.kofu import kofu_for_job, kofu_params
from tenants.csvout import DEFAULT_ENCODING, check_encoding
from tenants.jobs.models import Job, JobChunk
from tenants.jobs.registry import register
from tenants.jobs.services import job_log
from tenants.printing.jobs import MassPrintJob, PrintedItem
from tenants.printing.yearly import issuer_name


class ShikakuPrint(MassPrintJob):
    code = "kokuho_shikaku_print"
    gyomu = KOKUHO_SHIKAKU
    title = "国保 資格確認書・資格情報のお知らせの一括印刷"
    chunk_size = 1000
    file_prefix = "kokuho"
    print_data_header = PRINT_DATA_HEADER

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        form = params.get("form")
        if form not in FORMS:
            raise ValueError("帳票は 資格確認書・資格情報のお知らせ から選んでください。")
        raw = params.get("kofu_date")
        try:
            kofu = date.fromisoformat(raw) if raw else timezone.localdate()
        except (TypeError, ValueError) as exc:
            raise ValueError("交付年月日を正しく指定してください。") from exc
        kofu_params(kofu)  # refused (KofuRefused, a ValueError) without a 保険者番号
        return {
            "form": form,
            "kofu_date": kofu.isoformat(),
            "print_data_encoding": check_encoding(
                params.get("print_data_encoding") or DEFAULT_ENCODING
            ),
        }

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        kofu = date.fromisoformat(job.params["kofu_date"])
        ids = list(periods_on(kofu).order_by("atena_id").values_list("id", flat=True))
        return [
            ({"form": job.params["form"], "shikaku_ids": ids[i : i + self.chunk_size]},
             len(ids[i : i + self.chunk_size]))
            for i in range(0, len(ids), self.chunk_size)
        ]  # fmt: skip

    def items(self, job: Job, chunk: JobChunk) -> tuple[list[Card], int]:
        """Each card printed is an issue (交付理由 一斉更新) recorded once per job, 資格 and
        帳票 in this chunk's transaction (``kokuho.services.kofu.kofu_for_job``)."""
        kofu = date.fromisoformat(job.params["kofu_date"])
        ids = chunk.params["shikaku_ids"]
        rows = {s.pk: s for s in periods_on(kofu).filter(pk__in=ids)}
        periods = [rows[i] for i in ids if i in rows]
        issues, refused = kofu_for_job(
            job_id=job.pk,
            form=self.form_of(chunk),
            periods=periods,
            kofu_date=kofu,
            created_by=job.started_by_name,
        )
        if refused:
            reasons = Counter(refused.values())
            job_log(
                job,
                f"処理単位{chunk.index + 1}: {len(refused)}件は交付できないため印刷しませんでした（"
                + "、".join(f"{r}: {n}件" for r, n in sorted(reasons.items()))
                + "）。その方は個人の画面で確かめて交付してください。",
                level="warning",
            )
        made = cards(issues)
        return made, len(ids) - len(made)

    def render(self, job: Job, form: str, items: Sequence[PrintedItem]) -> bytes:
        return cards_render(
            form,
            cast("list[Card]", list(items)),
            issuer=issuer_name(),
            kofu_date=date.fromisoformat(job.params["kofu_date"]),
            timestamp=job.created_at or datetime.now().astimezone(),
        )

    def gone_message(self, chunk: JobChunk, gone: int) -> str:
        return (
            f"処理単位{chunk.index + 1}: {gone}件は資格の喪失・取消、または交付できない理由"
            "（上の記録）のため印刷しませんでした。"
        )

    def finish_message(self, job: Job, rows: int) -> str:
        return f"{FORM_LABELS[job.params['form']]}: 印刷データ {rows:,}件を作成しました。"


register(ShikakuPrint())


class KetteiPrint(MassPrintJob):
    """給付の決定通知書 (高額療養費・出産育児一時金・葬祭費, 支給 and 不支給) of the 決定日 in a
    range, by 決定番号, the ids fixed in the chunk; the one-at-a-time print is the same
    template (``kokuho.views.kyufu.kyufu_pdf``)."""

    code = "kokuho_kyufu_kettei_print"
    gyomu = KOKUHO_KYUFU
    title = "国保 給付の決定通知書の一括印刷"
    chunk_size = 500
    file_prefix = "kokuho_kettei"
    print_data_header = KETTEI_PRINT_DATA_HEADER

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            start = date.fromisoformat(params["kettei_from"])
            end = date.fromisoformat(params["kettei_to"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError("決定日の範囲（から・まで）を正しく指定してください。") from exc
        if end < start:
            raise ValueError("決定日の範囲が逆です（まで が から より前）。")
        return {
            "form": "kettei",
            "kettei_from": start.isoformat(),
            "kettei_to": end.isoformat(),
            "print_data_encoding": check_encoding(
                params.get("print_data_encoding") or DEFAULT_ENCODING
            ),
        }

    @staticmethod
    def _decided(job: Job) -> Any:
        return Kyufu.objects.filter(
            status__in=[KyufuStatus.KETTEI, KyufuStatus.FUSHIKYU, KyufuStatus.SHIHARAI],
            kettei_date__gte=job.params["kettei_from"],
            kettei_date__lte=job.params["kettei_to"],
        )

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        ids = list(self._decided(job).order_by("id").values_list("id", flat=True))
        return [
            ({"form": "kettei", "kyufu_ids": ids[i : i + self.chunk_size]},
             len(ids[i : i + self.chunk_size]))
            for i in range(0, len(ids), self.chunk_size)
        ]  # fmt: skip

    def items(self, job: Job, chunk: JobChunk) -> tuple[list[KetteiNotice], int]:
        ids = chunk.params["kyufu_ids"]
        rows = {k.pk: k for k in self._decided(job).filter(pk__in=ids)}
        made = kettei_notices([rows[i] for i in ids if i in rows])
        return made, len(ids) - len(made)

    def render(self, job: Job, form: str, items: Sequence[PrintedItem]) -> bytes:
        return kyufu_render(
            [i.item for i in cast("list[KetteiNotice]", list(items))],
            title="国民健康保険 給付の決定通知書",
            timestamp=job.created_at or datetime.now().astimezone(),
        )

    def gone_message(self, chunk: JobChunk, gone: int) -> str:
        return f"処理単位{chunk.index + 1}: {gone}件は決定が変わったため印刷しませんでした。"

    def finish_message(self, job: Job, rows: int) -> str:
        return f"給付の決定通知書: 印刷データ {rows:,}件を作成しました。"


register(KetteiPrint())

# 後期高齢者医療's job kinds (issue 15 item 5) register themselves on import
import kokuho.jobkinds_koki  # noqa: E402, F401

# The 国保税 賦課's job kinds (本算定, 更正候補, 納税通知書) register themselves on import.
from kokuho import fuka_jobs  # noqa: E402, F401
