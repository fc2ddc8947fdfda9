"""The yearly 納税通知書 mass print shared by the 税目 whose notice is one per assessment of a
年度 (固定資産税・都市計画税, 軽自動車税): on the platform's print-job framework
(tenants.printing.jobs: one PDF a chunk, PRINT and EXPORT access rows, the print-data CSV
joined at the end).

Plan: the current assessments of the 年度 with a tax to pay, in the taxpayer's 郵便番号・
宛名番号 order (each 税目's ``printable``), 1,000 a chunk, the assessment ids fixed in the
chunk so a re-run prints the same notices; one corrected since the plan is not printed (its
更正 sends its own notice). A 税目 states its queryset, its notice builder and renderer.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

from django.db.models import Model, QuerySet
from django.utils import timezone

from tenants.csvout import DEFAULT_ENCODING, check_encoding
from tenants.jobs.models import Job, JobChunk, JobStatus
from tenants.printing.jobs import MassPrintJob, PrintedItem
from tenants.selectors.current import current_municipality
from zeimu.forms.notices import Issuer, Notice


def latest_tsuchi_date(kind: str, fiscal_year: int) -> date | None:
    """通知日 of the last finished mass print ``kind`` of the year (a reprint carries it)."""
    job = (
        Job.objects.filter(kind=kind, status=JobStatus.SUCCEEDED, params__fiscal_year=fiscal_year)
        .order_by("-created_at", "-id")
        .first()
    )
    return date.fromisoformat(job.params["tsuchi_date"]) if job else None


class YearNoticePrint(MassPrintJob):
    """A 税目's yearly notice print: the subclass names ``code``, ``gyomu``, ``title``,
    ``file_prefix``, ``print_data_header``, ``form``, ``build``, ``renderer`` and
    ``printable``."""

    chunk_notices = 1000
    form: str

    @abstractmethod
    def printable(self, fiscal_year: int) -> QuerySet[Any]:
        """The current assessments of the year with a tax to pay, in print order."""

    #: the 税目's notice builder and renderer (zeimu.forms.*_notices), as static methods
    build: Any
    renderer: Any

    def notices(self, rows: list[Any]) -> list[Notice]:
        return list(self.build(rows))

    def render_notices(
        self,
        notices: list[Notice],
        *,
        issuer: Issuer,
        fiscal_year: int,
        tsuchi_date: date,
        timestamp: datetime,
    ) -> bytes:
        return bytes(
            self.renderer(
                notices,
                issuer=issuer,
                fiscal_year=fiscal_year,
                tsuchi_date=tsuchi_date,
                timestamp=timestamp,
            )
        )

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
        ids = list(self.printable(int(job.params["fiscal_year"])).values_list("id", flat=True))
        n = self.chunk_notices
        return [
            ({"form": self.form, "fuka_ids": ids[i : i + n]}, len(ids[i : i + n]))
            for i in range(0, len(ids), n)
        ]

    def items(self, job: Job, chunk: JobChunk) -> tuple[list[Notice], int]:
        ids = chunk.params["fuka_ids"]
        qs = self.printable(int(job.params["fiscal_year"])).filter(pk__in=ids)
        rows: dict[int, Model] = {f.pk: f for f in qs}
        notices = self.notices([rows[i] for i in ids if i in rows])
        return notices, len(ids) - len(notices)

    def render(self, job: Job, form: str, items: Sequence[PrintedItem]) -> bytes:
        return self.render_notices(
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
