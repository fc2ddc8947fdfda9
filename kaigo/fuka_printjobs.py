"""Mass printing of 介護保険料額決定通知書 (with the 納入通知書 for 普通徴収) and 変更通知書:
the platform's yearly notice print (tenants.printing.yearly) over 介護保険料's 賦課, by 宛名
id; the 本算定's 賦課 get the 決定通知書, the 更正 the 変更通知書."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet

from kaigo.forms.fuka import FORM_HENKO, FORM_LABELS, PRINT_DATA_HEADER, notices, notices_render
from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import FukaSantei, KaigoFuka
from tenants.jobs.registry import register
from tenants.printing.yearly import FukaNoticePrintBase, issuer_name

NOTICE_PRINT = "kaigo_fuka_notice_print"

__all__ = ["NOTICE_PRINT", "FukaNoticePrint", "issuer_name"]


class FukaNoticePrint(FukaNoticePrintBase):
    code = NOTICE_PRINT
    gyomu = KAIGO_HOKEN
    title = "介護保険料額決定通知書・変更通知書の一括印刷"
    file_prefix = KAIGO_HOKEN
    print_data_header = PRINT_DATA_HEADER
    form_labels = FORM_LABELS
    form_henko = FORM_HENKO

    def current(self, fiscal_year: int, *, henko: bool) -> QuerySet[KaigoFuka]:
        santei = FukaSantei.KOSEI if henko else FukaSantei.HON
        return KaigoFuka.objects.filter(
            fiscal_year=fiscal_year, is_current=True, santei=santei
        ).order_by("atena_id")

    def notices(self, rows: list[Any], *, tsuchi_date: date) -> list[Any]:
        return list(notices(rows, tsuchi_date=tsuchi_date))

    def render_notices(
        self, notices: list[Any], *, issuer: str, tsuchi_date: date, timestamp: datetime
    ) -> bytes:
        return notices_render(notices, issuer=issuer, tsuchi_date=tsuchi_date, timestamp=timestamp)


register(FukaNoticePrint())
