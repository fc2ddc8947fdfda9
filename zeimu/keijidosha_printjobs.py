"""Mass printing of the 軽自動車税（種別割）納税通知書 (May) for the print house: the yearly
notice print (zeimu.notice_printjobs) over the 年度's current 軽自動車税 賦課, in the
taxpayer's 郵便番号・宛名番号 order (a 更正 since the plan is printed on its own from the
vehicle's screen)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from tenants.jobs.registry import register
from zeimu.forms.keijidosha_notices import (
    FORM_KEI,
    PRINT_DATA_HEADER,
    kei_notice_render,
    kei_notices,
)
from zeimu.gyomu import KEI_JIDOSHAZEI
from zeimu.models import KeiFuka
from zeimu.notice_printjobs import YearNoticePrint
from zeimu.notice_printjobs import latest_tsuchi_date as _latest

PRINT = "zeimu_kei_notice_print"


def printable(fiscal_year: int) -> QuerySet[KeiFuka]:
    return (
        KeiFuka.objects.filter(fiscal_year=fiscal_year, is_current=True, nengaku__gt=0)
        .select_related("sharyo")
        .order_by("nozeisha__postal_code", "nozeisha__atena_no", "id")
    )


def latest_tsuchi_date(fiscal_year: int) -> date | None:
    """通知日 of the last finished mass print of the year (a reprint carries it)."""
    return _latest(PRINT, fiscal_year)


class KeiNoticePrint(YearNoticePrint):
    code = PRINT
    gyomu = KEI_JIDOSHAZEI
    title = "軽自動車税（種別割）納税通知書の一括印刷"
    file_prefix = "kei_notice"
    print_data_header = PRINT_DATA_HEADER
    form = FORM_KEI

    def printable(self, fiscal_year: int) -> QuerySet[Any]:
        return printable(fiscal_year)

    build = staticmethod(kei_notices)
    renderer = staticmethod(kei_notice_render)


register(KeiNoticePrint())
