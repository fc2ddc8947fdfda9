"""The yearly 賦課 notice mass print shared by the insurance modules (国保税 納税通知書・
変更通知書, 介護保険料額決定通知書・変更通知書), on the print-job framework
(tenants.printing.jobs: one PDF a chunk, the PRINT/EXPORT access rows, the print-data CSV).

Plan: the module's current 賦課 of the 年度 — those of the 本算定 (the first notice) or the
更正 made from a date on (変更通知書) — in the module's print order, 500 a chunk, the 賦課
ids fixed in the chunk; one no longer current since the plan (a 更正 after it) is not
printed and is counted.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from tenants.csvout import DEFAULT_ENCODING, check_encoding
from tenants.jobs.models import Job, JobChunk
from tenants.printing.jobs import MassPrintJob, PrintedItem
from tenants.selectors.current import current_municipality


def issuer_name() -> str:
    """The issuer printed on a town's notices: 「〇〇町長」."""
    return f"{current_municipality().name}長"


class FukaNoticePrintBase(MassPrintJob):
    """A module's yearly notice print. The subclass sets ``code``, ``gyomu``, ``title``,
    ``file_prefix``, ``print_data_header``, ``form_labels`` (form → label; the first is
    the 本算定's notice), ``form_henko`` (the 変更通知書) and implements ``current``,
    ``notices`` and ``render_notices``."""

    chunk_size = 500
    form_labels: Mapping[str, str]
    form_henko: str

    @abstractmethod
    def current(self, fiscal_year: int, *, henko: bool) -> QuerySet[Any]:
        """The current 賦課 of the year of the 本算定 (``henko`` false) or of a 更正, in
        print order."""

    @abstractmethod
    def notices(self, rows: list[Any], *, tsuchi_date: date) -> list[Any]:
        """The notices of ``rows`` (the module's forms: one per 賦課)."""

    @abstractmethod
    def render_notices(
        self, notices: list[Any], *, issuer: str, tsuchi_date: date, timestamp: datetime
    ) -> bytes:
        """One PDF of ``notices``."""

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        form = params.get("form")
        if form not in self.form_labels:
            raise ValueError(f"帳票は {'・'.join(self.form_labels.values())} から選んでください。")
        try:
            fy = int(params["fiscal_year"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError("年度を指定してください。") from exc
        try:
            tsuchi = (
                date.fromisoformat(params["tsuchi_date"])
                if params.get("tsuchi_date")
                else timezone.localdate()
            )
            since = date.fromisoformat(params["since"]) if params.get("since") else None
        except (TypeError, ValueError) as exc:
            raise ValueError("日付を正しく指定してください。") from exc
        return {
            "form": form,
            "fiscal_year": fy,
            "tsuchi_date": tsuchi.isoformat(),
            "since": since.isoformat() if since else None,
            "print_data_encoding": check_encoding(
                params.get("print_data_encoding") or DEFAULT_ENCODING
            ),
        }

    def _rows(self, job: Job) -> QuerySet[Any]:
        henko = job.params["form"] == self.form_henko
        qs = self.current(int(job.params["fiscal_year"]), henko=henko)
        if henko and job.params.get("since"):
            qs = qs.filter(created_at__date__gte=date.fromisoformat(job.params["since"]))
        return qs

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        ids = list(self._rows(job).values_list("id", flat=True))
        n = self.chunk_size
        return [
            ({"form": job.params["form"], "fuka_ids": ids[i : i + n]}, len(ids[i : i + n]))
            for i in range(0, len(ids), n)
        ]

    def items(self, job: Job, chunk: JobChunk) -> tuple[list[Any], int]:
        ids = chunk.params["fuka_ids"]
        rows = {f.pk: f for f in self._rows(job).filter(pk__in=ids)}
        made = self.notices(
            [rows[i] for i in ids if i in rows],
            tsuchi_date=date.fromisoformat(job.params["tsuchi_date"]),
        )
        return made, len(ids) - len(made)

    def render(self, job: Job, form: str, items: Sequence[PrintedItem]) -> bytes:
        return self.render_notices(
            list(items),
            issuer=issuer_name(),
            tsuchi_date=date.fromisoformat(job.params["tsuchi_date"]),
            timestamp=job.created_at or datetime.now().astimezone(),
        )

    def gone_message(self, chunk: JobChunk, gone: int) -> str:
        return f"処理単位{chunk.index + 1}: {gone}件は計画の後に更正されたため印刷しませんでした。"

    def finish_message(self, job: Job, rows: int) -> str:
        return f"{self.form_labels[job.params['form']]}: 印刷データ {rows:,}件を作成しました。"
