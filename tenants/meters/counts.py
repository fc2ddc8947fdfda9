"""Counting helpers the modules' meters share (they run inside one member's schema)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Sum
from django.utils import timezone

from tenants.jobs.models import ChunkStatus, JobChunk


def local_midnight(day: date) -> datetime:
    """The start of ``day`` in the product's time zone (meters count local dates)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def chunks_done_between(kind: str, start: date, end: date) -> int:
    """Items done by the finished chunks of jobs of ``kind`` from ``start`` to ``end``
    inclusive (local dates). A chunk run again (a retry after a killed worker) replaces
    its count, so a mass print counts each notice once per print job."""
    row = JobChunk.objects.filter(
        job__kind=kind,
        status=ChunkStatus.DONE,
        finished_at__gte=local_midnight(start),
        finished_at__lt=local_midnight(end + timedelta(days=1)),
    ).aggregate(n=Sum("done"))
    return int(row["n"] or 0)
