"""Mass printing of 国民健康保険税納税通知書 / 変更通知書: the platform's yearly notice print
(tenants.printing.yearly) over 国保税's 賦課, by 世帯 id; every current 賦課 that is not a
更正 gets the 納税通知書, the 更正 the 変更通知書."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet

from kokuho.forms.fuka import FORM_HENKO, FORM_LABELS, PRINT_DATA_HEADER, notices, notices_render
from kokuho.gyomu import KOKUHO_FUKA
from kokuho.models import KokuhoFuka, Santei
from tenants.jobs.registry import register
from tenants.printing.yearly import FukaNoticePrintBase, issuer_name

NOTICE_PRINT = "kokuho_fuka_notice_print"

__all__ = ["NOTICE_PRINT", "FukaNoticePrint", "issuer_name"]


class FukaNoticePrint(FukaNoticePrintBase):
    code = NOTICE_PRINT
    gyomu = KOKUHO_FUKA
    title = "国民健康保険税 納税通知書・変更通知書の一括印刷"
    file_prefix = KOKUHO_FUKA
    print_data_header = PRINT_DATA_HEADER
    form_labels = FORM_LABELS
    form_henko = FORM_HENKO

    def current(self, fiscal_year: int, *, henko: bool) -> QuerySet[KokuhoFuka]:
        qs = KokuhoFuka.objects.filter(fiscal_year=fiscal_year, is_current=True)
        qs = qs.filter(santei=Santei.KOSEI) if henko else qs.exclude(santei=Santei.KOSEI)
        return qs.order_by("setai_id")

    def notices(self, rows: list[Any], *, tsuchi_date: date) -> list[Any]:
        return list(notices(rows, tsuchi_date=tsuchi_date))

    def render_notices(
        self, notices: list[Any], *, issuer: str, tsuchi_date: date, timestamp: datetime
    ) -> bytes:
        return notices_render(notices, issuer=issuer, tsuchi_date=tsuchi_date, timestamp=timestamp)


register(FukaNoticePrint())
