"""Mass printing of the 軽自動車税（種別割）納税通知書 (May) for the print house, on the
platform's print-job framework (tenants.printing.jobs: one PDF a chunk, PRINT and EXPORT
access rows, the print-data CSV joined at the end).

Plan: the current assessments of the 年度 with a tax to pay, in the taxpayer's
郵便番号・宛名番号 order, 1,000 a chunk, the assessment ids fixed in the chunk so a re-run
prints the same notices; one corrected since the plan is not printed (its 更正 is printed
on its own from the vehicle's screen).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

from django.db.models import QuerySet
from django.utils import timezone

from tenants.csvout import DEFAULT_ENCODING, check_encoding
from tenants.jobs.models import Job, JobChunk, JobStatus
from tenants.jobs.registry import register
from tenants.printing.jobs import MassPrintJob, PrintedItem
from tenants.selectors.current import current_municipality
from zeimu.forms.keijidosha_notices import (
    FORM_KEI,
    PRINT_DATA_HEADER,
    kei_notice_render,
    kei_notices,
)
from zeimu.forms.notices import Issuer, Notice
from zeimu.gyomu import KEI_JIDOSHAZEI
from zeimu.models import KeiFuka

PRINT = "zeimu_kei_notice_print"


def printable(fiscal_year: int) -> QuerySet[KeiFuka]:
    return (
        KeiFuka.objects.filter(fiscal_year=fiscal_year, is_current=True, nengaku__gt=0)
        .select_related("sharyo")
        # sorted through the 納税義務者 → 宛名 foreign key (a join, not an import)
        .order_by("nozeisha__postal_code", "nozeisha__atena_no", "id")
    )


def latest_tsuchi_date(fiscal_year: int) -> date | None:
    """通知日 of the last finished mass print of the year (a reprint carries it)."""
    job = (
        Job.objects.filter(kind=PRINT, status=JobStatus.SUCCEEDED, params__fiscal_year=fiscal_year)
        .order_by("-created_at", "-id")
        .first()
    )
    return date.fromisoformat(job.params["tsuchi_date"]) if job else None


class KeiNoticePrint(MassPrintJob):
    code = PRINT
    gyomu = KEI_JIDOSHAZEI
    title = "軽自動車税（種別割）納税通知書の一括印刷"
    chunk_notices = 1000
    file_prefix = "kei_notice"
    print_data_header = PRINT_DATA_HEADER

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            fiscal_year = int(params["fiscal_year"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError("年度を指定してください。") from exc
        raw = params.get("tsuchi_date")
        try:
            tsuchi = date.fromisoformat(raw) if raw else timezone.localdate()
        except (TypeError, ValueError) as exc:
            raise ValueError("通知日を正しく指定してください。") from exc
        return {
            "fiscal_year": fiscal_year,
            "tsuchi_date": tsuchi.isoformat(),
            "print_data_encoding": check_encoding(
                params.get("print_data_encoding") or DEFAULT_ENCODING
            ),
        }

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        ids = list(printable(int(job.params["fiscal_year"])).values_list("id", flat=True))
        return [
            ({"form": FORM_KEI, "fuka_ids": ids[i : i + self.chunk_notices]},
             len(ids[i : i + self.chunk_notices]))
            for i in range(0, len(ids), self.chunk_notices)
        ]  # fmt: skip

    def items(self, job: Job, chunk: JobChunk) -> tuple[list[Notice], int]:
        ids = chunk.params["fuka_ids"]
        rows = {f.pk: f for f in printable(int(job.params["fiscal_year"])).filter(pk__in=ids)}
        notices = kei_notices([rows[i] for i in ids if i in rows])
        return notices, len(ids) - len(notices)

    def render(self, job: Job, form: str, items: Sequence[PrintedItem]) -> bytes:
        return kei_notice_render(
            cast("list[Notice]", list(items)),
            issuer=Issuer.of(current_municipality()),
            fiscal_year=int(job.params["fiscal_year"]),
            tsuchi_date=date.fromisoformat(job.params["tsuchi_date"]),
            timestamp=job.created_at or datetime.now().astimezone(),
        )

    def gone_message(self, chunk: JobChunk, gone: int) -> str:
        return (
            f"処理単位{chunk.index + 1}: {gone}件は賦課が更正・減免されたため印刷しませんでした。"
        )


register(KeiNoticePrint())
