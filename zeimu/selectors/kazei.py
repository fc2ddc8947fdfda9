"""Reading 課税資料: one person's reports and 申告 of an income year, single rows for the
edit screens, the list of past imports. Used by the staff screens and the API alike."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from tenants.jobs.models import JobStatus
from zeimu.models import KyuyoHokoku, NenkinHokoku, Shinkoku, ShiryoImport, ShiryoImportStatus


@dataclass(frozen=True)
class KazeiShiryo:
    """Everything stored for one person and 所得年 (3 queries)."""

    kyuyo: list[KyuyoHokoku]  # by 特別徴収義務者指定番号
    nenkin: list[NenkinHokoku]  # by 支払者番号
    shinkoku: Shinkoku | None


def shinkoku_of(atena_id: int, shotoku_year: int) -> Shinkoku | None:
    return Shinkoku.objects.filter(atena_id=atena_id, shotoku_year=shotoku_year).first()


def kazei_shiryo_of(atena_id: int, shotoku_year: int) -> KazeiShiryo:
    return KazeiShiryo(
        kyuyo=list(
            KyuyoHokoku.objects.filter(atena_id=atena_id, shotoku_year=shotoku_year).order_by(
                "employer_no"
            )
        ),
        nenkin=list(
            NenkinHokoku.objects.filter(atena_id=atena_id, shotoku_year=shotoku_year).order_by(
                "payer_no"
            )
        ),
        shinkoku=shinkoku_of(atena_id, shotoku_year),
    )


def kyuyo_get(pk: int) -> KyuyoHokoku | None:
    return KyuyoHokoku.objects.filter(pk=pk).first()


def nenkin_get(pk: int) -> NenkinHokoku | None:
    return NenkinHokoku.objects.filter(pk=pk).first()


def shinkoku_get(pk: int) -> Shinkoku | None:
    return Shinkoku.objects.filter(pk=pk).first()


def shiryo_import(pk: int) -> ShiryoImport | None:
    return ShiryoImport.objects.select_related("job").filter(pk=pk).first()


def shiryo_import_state(shiryo: ShiryoImport) -> ShiryoImportStatus:
    """Where an import stands: 取込中 while its job runs (the import's own row says so only
    when the job's transaction commits, at the end), else what the row says."""
    job = shiryo.job
    if shiryo.status == ShiryoImportStatus.QUEUED and job and job.status == JobStatus.RUNNING:
        return ShiryoImportStatus.RUNNING
    return ShiryoImportStatus(shiryo.status)


def shiryo_imports() -> QuerySet[ShiryoImport]:
    """Past imports, newest first (for a paginated list)."""
    return ShiryoImport.objects.order_by("-imported_at", "-id")
