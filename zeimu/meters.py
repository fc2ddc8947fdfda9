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


def kei_sharyo_between(start: date, end: date) -> int:
    """軽自動車税（種別割）: vehicles assessed (当初 job, 更正 or 減免) from ``start`` to ``end``
    inclusive, each (年度, 車両) once however many versions."""
    from zeimu.models import KeiFuka

    return (
        KeiFuka.objects.filter(
            computed_at__gte=local_midnight(start),
            computed_at__lt=local_midnight(end + timedelta(days=1)),
        )
        .values("fiscal_year", "sharyo_id")
        .distinct()
        .count()
    )


KEI_SHARYO = register(
    Meter(
        code="kei_sharyo",
        label="軽自動車税を賦課した車両数",
        unit="台",
        gyomu=gyomu.KEI_JIDOSHAZEI,
        compute=kei_sharyo_between,
        period_note="期間中に当初賦課・更正・減免で賦課した車両（年度ごと）",
    )
)


def kei_notices_printed_between(start: date, end: date) -> int:
    """軽自動車税 納税通知書 rendered by the mass print (finished chunks; a chunk run again
    replaces its count)."""
    from zeimu.keijidosha_printjobs import PRINT

    return chunks_done_between(PRINT, start, end)


KEI_NOTICES = register(
    Meter(
        code="kei_notices",
        label="軽自動車税の納税通知書の印刷通数",
        unit="通",
        gyomu=gyomu.KEI_JIDOSHAZEI,
        compute=kei_notices_printed_between,
        period_note="期間中に一括印刷で作成した通数",
    )
)


def kotei_shokyaku_shinkoku_between(start: date, end: date) -> int:
    """償却資産申告 registered from ``start`` to ``end`` inclusive (screen, API or the demo's
    load), one per (年度, 納税義務者): a 修正申告 adds to the same 申告 and is not counted again."""
    from zeimu.models import KoteiShokyakuShinkoku

    return KoteiShokyakuShinkoku.objects.filter(
        created_at__gte=local_midnight(start),
        created_at__lt=local_midnight(end + timedelta(days=1)),
    ).count()


KOTEI_SHOKYAKU_SHINKOKU = register(
    Meter(
        code="kotei_shokyaku_shinkoku",
        label="償却資産申告の受付件数",
        unit="件",
        gyomu=gyomu.KOTEI_SHISANZEI,
        compute=kotei_shokyaku_shinkoku_between,
        period_note="期間中に登録した償却資産申告（納税義務者・年度ごと。修正申告は数えない）",
    )
)


def koza_irai_between(start: date, end: date) -> int:
    """口座振替 requested (依頼 lines, 再振替 included) in the files made from ``start`` to
    ``end`` inclusive. A chunk run again replaces its rows, so a line is counted once."""
    from django.db.models import Sum

    from zeimu.models import KozaIrai

    return int(
        KozaIrai.objects.filter(
            created_at__gte=local_midnight(start),
            created_at__lt=local_midnight(end + timedelta(days=1)),
        ).aggregate(n=Sum("lines"))["n"]
        or 0
    )


KOZA_IRAI = register(
    Meter(
        code="koza_irai",
        label="口座振替の依頼件数",
        unit="件",
        gyomu=gyomu.SHUNO_KANRI,
        compute=koza_irai_between,
        period_note="期間中に作成した口座振替依頼データの件数（再振替を含む）",
    )
)


def kanpu_between(start: date, end: date) -> int:
    """還付 decided (one per 期別 and decision) from ``start`` to ``end`` inclusive."""
    from zeimu.models import Kanpu

    return Kanpu.objects.filter(kettei_date__gte=start, kettei_date__lte=end).count()


KANPU = register(
    Meter(
        code="kanpu",
        label="還付の決定件数",
        unit="件",
        gyomu=gyomu.SHUNO_KANRI,
        compute=kanpu_between,
        period_note="期間中に還付決定日のある還付",
    )
)


def hojin_shinkoku_between(start: date, end: date) -> int:
    """法人住民税: 申告 (予定・確定・修正) entered from ``start`` to ``end`` inclusive."""
    from zeimu.models import HojinShinkoku

    return HojinShinkoku.objects.filter(
        created_at__gte=local_midnight(start),
        created_at__lt=local_midnight(end + timedelta(days=1)),
    ).count()


HOJIN_SHINKOKU = register(
    Meter(
        code="hojin_shinkoku",
        label="法人住民税の申告の登録件数",
        unit="件",
        gyomu=gyomu.HOJIN_JUMINZEI,
        compute=hojin_shinkoku_between,
        period_note="期間中に登録した予定・確定・修正申告",
    )
)


def jigyosho_shinkoku_between(start: date, end: date) -> int:
    """事業所税: 申告 entered from ``start`` to ``end`` inclusive."""
    from zeimu.models import JigyoshoShinkoku

    return JigyoshoShinkoku.objects.filter(
        created_at__gte=local_midnight(start),
        created_at__lt=local_midnight(end + timedelta(days=1)),
    ).count()


JIGYOSHO_SHINKOKU = register(
    Meter(
        code="jigyosho_shinkoku",
        label="事業所税の申告の登録件数",
        unit="件",
        gyomu=gyomu.JIGYOSHOZEI,
        compute=jigyosho_shinkoku_between,
        period_note="期間中に登録した申告（修正申告を含む）",
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
