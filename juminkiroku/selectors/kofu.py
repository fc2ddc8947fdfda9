"""証明書の交付履歴 (標準仕様書 1.3.8, 2.2.2): search by the items it keeps, and the
monthly counts billing meters (copies, not voided)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from juminkiroku.models import ShomeiKofu


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def kofu_search(
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    hakko_no: str = "",
    atena_id: int | None = None,
    kind: str = "",
    include_voided: bool = True,
    terminal: str = "",
    issued_by: str = "",
    kofu_basho: str = "",
    seikyusha: str = "",
    voided: bool | None = None,
) -> QuerySet[ShomeiKofu]:
    """交付履歴, newest first. Dates are local days, both ends included. ``hakko_no`` finds
    any copy's number: the key ("20261206-0000123") or its serial alone ("123")."""
    qs = ShomeiKofu.objects.all()
    if date_from is not None:
        qs = qs.filter(issued_at__gte=_local_midnight(date_from))
    if date_to is not None:
        qs = qs.filter(issued_at__lt=_local_midnight(date_to + timedelta(days=1)))
    if hakko_no:
        wanted = hakko_no.strip()
        if wanted.isdigit() and len(wanted) <= 7:
            # the serial as printed after the town and terminal (5.5): any copy, any day
            qs = qs.filter(hakko_nos__icontains=f"-{int(wanted):07d}")
        else:
            qs = qs.filter(Q(hakko_no=wanted) | Q(hakko_nos__contains=[wanted]))
    if atena_id is not None:
        qs = qs.filter(atena_ids__contains=[atena_id])
    if kind:
        qs = qs.filter(kind=kind)
    if not include_voided or voided is False:
        qs = qs.filter(voided_at__isnull=True)
    if voided:
        qs = qs.filter(voided_at__isnull=False)
    if terminal:
        qs = qs.filter(terminal=terminal.strip())
    if issued_by:
        qs = qs.filter(issued_by=issued_by.strip())
    if kofu_basho:
        qs = qs.filter(kofu_basho__contains=kofu_basho.strip())
    if seikyusha:
        qs = qs.filter(seikyusha=seikyusha)
    return qs.order_by("-issued_at", "-id")


def issued_count(year: int, month: int) -> dict[str, int]:
    """Copies issued in a calendar month (local time), by kind, voided ones excluded."""
    start = _local_midnight(date(year, month, 1))
    end = _local_midnight(date(year + month // 12, month % 12 + 1, 1))
    rows = (
        ShomeiKofu.objects.filter(issued_at__gte=start, issued_at__lt=end, voided_at__isnull=True)
        .values("kind")
        .annotate(copies=Sum("copies"))
        .order_by("kind")
    )
    return {str(r["kind"]): int(r["copies"] or 0) for r in rows}


def issued_totals_between(start: date, end: date) -> dict[str, int]:
    """Copies and printed pages (pages × copies) issued from ``start`` to ``end`` inclusive
    (local dates), voided ones excluded: what billing meters per member."""
    from django.db.models import F

    row = ShomeiKofu.objects.filter(
        issued_at__gte=_local_midnight(start),
        issued_at__lt=_local_midnight(end + timedelta(days=1)),
        voided_at__isnull=True,
    ).aggregate(n_copies=Sum("copies"), n_pages=Sum(F("pages") * F("copies")))
    return {"copies": int(row["n_copies"] or 0), "pages": int(row["n_pages"] or 0)}
