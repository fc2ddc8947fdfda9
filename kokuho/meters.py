"""国民健康保険's billing meters (declared in kokuho/module.py as ``meters=``).

Runs inside one member's schema (tenants.meters.registry enters it).
"""

from __future__ import annotations

from datetime import date, timedelta

from kokuho import gyomu
from kokuho.printjobs import ShikakuPrint
from kokuho.selectors.setai import insured_count_on
from tenants.meters.counts import chunks_done_between, local_midnight
from tenants.meters.registry import Meter, register


def hihokensha_at_end(start: date, end: date) -> int:
    """国保の被保険者数 on the last day of the period (the figure the 事業年報 reports
    at the end of a month or year)."""
    return insured_count_on(end)


HIHOKENSHA = register(
    Meter(
        code="kokuho_hihokensha",
        label="国民健康保険の被保険者数",
        unit="人",
        gyomu=gyomu.KOKUHO_SHIKAKU,
        compute=hihokensha_at_end,
        period_note="期間の末日の被保険者数",
    )
)


def kakuninsho_printed_between(start: date, end: date) -> int:
    """資格確認書・資格情報のお知らせ rendered by the mass print from ``start`` to ``end``
    inclusive, counted from the finished chunks (a chunk run again replaces its count and
    its PDF). The ones printed one at a time at the counter are in the access log."""
    return chunks_done_between(ShikakuPrint.code, start, end)


KAKUNINSHO = register(
    Meter(
        code="kokuho_kakuninsho",
        label="資格確認書・資格情報のお知らせの印刷通数",
        unit="通",
        gyomu=gyomu.KOKUHO_SHIKAKU,
        compute=kakuninsho_printed_between,
        period_note="年度中に一括印刷で作成した通数",
    )
)


def fuka_setai_between(start: date, end: date) -> int:
    """国保税 households assessed (本算定・仮算定) from ``start`` to ``end`` inclusive: the
    distinct (年度, 世帯) of the 賦課 rows those jobs wrote (a 更正 is not counted again)."""
    from kokuho.models import KokuhoFuka, Santei

    return (
        KokuhoFuka.objects.filter(
            santei__in=[Santei.HON, Santei.KARI],
            created_at__gte=local_midnight(start),
            created_at__lt=local_midnight(end + timedelta(days=1)),
        )
        .values("fiscal_year", "setai_id")
        .distinct()
        .count()
    )


FUKA_SETAI = register(
    Meter(
        code="kokuho_fuka_setai",
        label="国民健康保険税を賦課した世帯数",
        unit="世帯",
        gyomu=gyomu.KOKUHO_FUKA,
        compute=fuka_setai_between,
        period_note="期間中に本算定・仮算定で賦課した世帯（年度ごと）",
    )
)


def fuka_tsuchi_printed_between(start: date, end: date) -> int:
    """納税通知書・変更通知書 rendered by the mass print from ``start`` to ``end`` inclusive
    (finished chunks; a chunk run again replaces its count)."""
    from kokuho.fuka_printjobs import NOTICE_PRINT

    return chunks_done_between(NOTICE_PRINT, start, end)


FUKA_TSUCHI = register(
    Meter(
        code="kokuho_fuka_tsuchi",
        label="国民健康保険税の納税通知書・変更通知書の印刷通数",
        unit="通",
        gyomu=gyomu.KOKUHO_FUKA,
        compute=fuka_tsuchi_printed_between,
        period_note="期間中に一括印刷で作成した通数",
    )
)
