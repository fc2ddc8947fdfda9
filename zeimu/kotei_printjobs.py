"""Mass printing of the 固定資産税・都市計画税 納税通知書 (with 課税明細書) for the print house:
the yearly notice print (zeimu.notice_printjobs) over the 年度's current 固定資産税 賦課, in
the 代表者's 郵便番号・宛名番号 order."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from tenants.jobs.registry import register
from zeimu.forms.kotei_notices import (
    FORM_KOTEI,
    PRINT_DATA_HEADER,
    kotei_notice_render,
    kotei_notices,
)
from zeimu.gyomu import KOTEI_SHISANZEI
from zeimu.models import KoteiFuka
from zeimu.notice_printjobs import YearNoticePrint
from zeimu.notice_printjobs import latest_tsuchi_date as _latest

PRINT = "zeimu_kotei_notice_print"


def printable(fiscal_year: int) -> QuerySet[KoteiFuka]:
    return (
        KoteiFuka.objects.filter(fiscal_year=fiscal_year, is_current=True, nengaku__gt=0)
        .select_related("nozeisha")
        # sorted through the 納税義務者 → 宛名 foreign key (a join, not an import)
        .order_by("nozeisha__daihyo__postal_code", "nozeisha__daihyo__atena_no", "id")
    )


def latest_tsuchi_date(fiscal_year: int) -> date | None:
    """通知日 of the last finished mass print of the year (a reprint carries it)."""
    return _latest(PRINT, fiscal_year)


class KoteiNoticePrint(YearNoticePrint):
    code = PRINT
    gyomu = KOTEI_SHISANZEI
    title = "固定資産税・都市計画税 納税通知書の一括印刷"
    file_prefix = "kotei_notice"
    print_data_header = PRINT_DATA_HEADER
    form = FORM_KOTEI

    def printable(self, fiscal_year: int) -> QuerySet[Any]:
        return printable(fiscal_year)

    build = staticmethod(kotei_notices)
    renderer = staticmethod(kotei_notice_render)


register(KoteiNoticePrint())
