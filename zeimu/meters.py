"""税務's billing meters (declared in zeimu/module.py as ``meters=``).

Runs inside one member's schema (tenants.meters.registry enters it).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Sum
from django.utils import timezone

from tenants.jobs.models import ChunkStatus, JobChunk
from tenants.meters.registry import Meter, register
from zeimu import gyomu
from zeimu.printjobs import NoticePrint


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def notices_printed_between(start: date, end: date) -> int:
    """Notices the mass print (``zeimu_notice_print``) rendered from ``start`` to ``end``
    inclusive: 納税通知書（普通徴収）one per taxpayer, 特別徴収税額決定通知書 one per
    employer. Counted from the chunks that finished in the period: a chunk run again
    (retry after a killed worker) resets its count and replaces its PDF, so a notice is
    counted once per print job. Two print jobs of the same year print (and count) twice,
    as the print house was sent both."""
    row = JobChunk.objects.filter(
        job__kind=NoticePrint.code,
        status=ChunkStatus.DONE,
        finished_at__gte=_local_midnight(start),
        finished_at__lt=_local_midnight(end + timedelta(days=1)),
    ).aggregate(n=Sum("done"))
    return int(row["n"] or 0)


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
