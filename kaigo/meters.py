"""介護保険's billing meters (declared in kaigo/module.py as ``meters=``).

Runs inside one member's schema (tenants.meters.registry enters it).
"""

from __future__ import annotations

from datetime import date, timedelta

from kaigo import gyomu
from kaigo.printjobs import HihokenshashoPrint
from kaigo.selectors.shikaku import dai1_count_on
from tenants.meters.counts import chunks_done_between, local_midnight
from tenants.meters.registry import Meter, register


def dai1_at_end(start: date, end: date) -> int:
    """第1号被保険者数 on the last day of the period (the figure the 介護保険事業状況報告
    reports at the end of a month)."""
    return dai1_count_on(end)


DAI1 = register(
    Meter(
        code="kaigo_dai1_hihokensha",
        label="介護保険の第1号被保険者数",
        unit="人",
        gyomu=gyomu.KAIGO_HOKEN,
        compute=dai1_at_end,
        period_note="期間の末日の第1号被保険者数",
    )
)


def hihokenshasho_printed_between(start: date, end: date) -> int:
    """介護保険被保険者証 rendered by the mass print from ``start`` to ``end`` inclusive,
    from the finished chunks (a chunk run again replaces its count and its PDF)."""
    return chunks_done_between(HihokenshashoPrint.code, start, end)


HIHOKENSHASHO = register(
    Meter(
        code="kaigo_hihokenshasho",
        label="介護保険被保険者証の印刷通数",
        unit="通",
        gyomu=gyomu.KAIGO_HOKEN,
        compute=hihokenshasho_printed_between,
        period_note="期間中に一括印刷で作成した通数",
    )
)


def fuka_assessed_between(start: date, end: date) -> int:
    """第1号被保険者 assessed by the 本算定 from ``start`` to ``end`` inclusive: the distinct
    (年度, 宛名) of the 本算定 rows (a 更正 is not counted again)."""
    from kaigo.models import FukaSantei, KaigoFuka

    return (
        KaigoFuka.objects.filter(
            santei=FukaSantei.HON,
            created_at__gte=local_midnight(start),
            created_at__lt=local_midnight(end + timedelta(days=1)),
        )
        .values("fiscal_year", "atena_id")
        .distinct()
        .count()
    )


FUKA_ASSESSED = register(
    Meter(
        code="kaigo_fuka_hihokensha",
        label="介護保険料を賦課した第1号被保険者数",
        unit="人",
        gyomu=gyomu.KAIGO_HOKEN,
        compute=fuka_assessed_between,
        period_note="期間中に本算定で賦課した人数（年度ごと）",
    )
)


def fuka_tsuchi_printed_between(start: date, end: date) -> int:
    """介護保険料額決定通知書・変更通知書 rendered by the mass print from ``start`` to ``end``
    inclusive (finished chunks; a chunk run again replaces its count)."""
    from kaigo.fuka_printjobs import NOTICE_PRINT

    return chunks_done_between(NOTICE_PRINT, start, end)


FUKA_TSUCHI = register(
    Meter(
        code="kaigo_fuka_tsuchi",
        label="介護保険料額決定通知書・変更通知書の印刷通数",
        unit="通",
        gyomu=gyomu.KAIGO_HOKEN,
        compute=fuka_tsuchi_printed_between,
        period_note="期間中に一括印刷で作成した通数",
    )
)


# --- 負担割合証 (issue 16 item 5) ----------------------------------------------------------


def futansho_printed_between(start: date, end: date) -> int:
    """介護保険負担割合証 rendered by the mass print from ``start`` to ``end`` inclusive, from
    the finished chunks (a chunk run again replaces its count and its PDF)."""
    from kaigo.futan_jobs import PRINT

    return chunks_done_between(PRINT, start, end)


FUTANSHO = register(
    Meter(
        code="kaigo_futansho",
        label="介護保険負担割合証の印刷通数",
        unit="通",
        gyomu=gyomu.KAIGO_HOKEN,
        compute=futansho_printed_between,
        period_note="期間中に一括印刷で作成した通数",
    )
)
