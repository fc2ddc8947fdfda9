"""税務's billing meters (declared in zeimu/module.py as ``meters=``).

Runs inside one member's schema (tenants.meters.registry enters it).
"""

from __future__ import annotations

from datetime import date, timedelta

from tenants.meters.counts import chunks_done_between, local_midnight
from tenants.meters.registry import Meter, register
from zeimu import gyomu
from zeimu.printjobs import NoticePrint


def notices_printed_between(start: date, end: date) -> int:
    """Notices the mass print (``zeimu_notice_print``) rendered from ``start`` to ``end``
    inclusive: 納税通知書（普通徴収）one per taxpayer, 特別徴収税額決定通知書 one per
    employer. Counted from the chunks that finished in the period: a chunk run again
    (retry after a killed worker) resets its count and replaces its PDF, so a notice is
    counted once per print job. Two print jobs of the same year print (and count) twice,
    as the print house was sent both."""
    return chunks_done_between(NoticePrint.code, start, end)


NOTICES = register(
    Meter(
        code="notices",
        label="納税通知書等の印刷通数",
        unit="通",
        gyomu=gyomu.KOJIN_JUMINZEI,
        compute=notices_printed_between,
        period_note="年度中に一括印刷で作成した通数",
    )
)


def kotei_nozeisha_between(start: date, end: date) -> int:
    """固定資産税・都市計画税: 納税義務者 assessed (当初 job, 更正 or 減免) from ``start`` to
    ``end`` inclusive, each (年度, 納税義務者) once however many versions."""
    from zeimu.models import KoteiFuka

    return (
        KoteiFuka.objects.filter(
            computed_at__gte=local_midnight(start),
            computed_at__lt=local_midnight(end + timedelta(days=1)),
        )
        .values("fiscal_year", "nozeisha_id")
        .distinct()
        .count()
    )


KOTEI_NOZEISHA = register(
    Meter(
        code="kotei_nozeisha",
        label="固定資産税を賦課した納税義務者数",
        unit="人",
        gyomu=gyomu.KOTEI_SHISANZEI,
        compute=kotei_nozeisha_between,
        period_note="期間中に当初賦課・更正・減免で賦課した納税義務者（年度ごと）",
    )
)


def kotei_notices_printed_between(start: date, end: date) -> int:
    """固定資産税 納税通知書 rendered by the mass print (finished chunks; a chunk run again
    replaces its count)."""
    from zeimu.kotei_printjobs import PRINT

    return chunks_done_between(PRINT, start, end)


KOTEI_NOTICES = register(
    Meter(
        code="kotei_notices",
        label="固定資産税の納税通知書の印刷通数",
        unit="通",
        gyomu=gyomu.KOTEI_SHISANZEI,
        compute=kotei_notices_printed_between,
        period_note="期間中に一括印刷で作成した通数",
    )
)


def saikoku_printed_between(start: date, end: date) -> int:
    """催告書 rendered by the 催告 job (finished chunks; a chunk run again replaces its
    count) from ``start`` to ``end`` inclusive. Single prints from the case screen are not
    counted (they are reprints or one-offs, as with 督促状)."""
    from zeimu.shuno_taino_jobs import SAIKOKU

    return chunks_done_between(SAIKOKU, start, end)


SAIKOKU_PRINTED = register(
    Meter(
        code="saikoku",
        label="催告書の印刷通数",
        unit="通",
        gyomu=gyomu.SHUNO_KANRI,
        compute=saikoku_printed_between,
        period_note="期間中に一括発付で作成した通数",
    )
)


def kesson_between(start: date, end: date) -> int:
    """期別 struck off by 不納欠損 (the yearly job) from ``start`` to ``end`` inclusive."""
    from zeimu.models import Kesson

    return Kesson.objects.filter(
        created_at__gte=local_midnight(start),
        created_at__lt=local_midnight(end + timedelta(days=1)),
    ).count()


KESSON_COUNT = register(
    Meter(
        code="kesson",
        label="不納欠損した期別の数",
        unit="件",
        gyomu=gyomu.SHUNO_KANRI,
        compute=kesson_between,
        period_note="期間中に不納欠損の処理をした期別",
    )
)
