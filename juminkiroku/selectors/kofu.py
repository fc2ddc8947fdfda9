"""証明書の交付履歴: search, and the monthly counts billing meters (copies, not voided)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet, Sum
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
) -> QuerySet[ShomeiKofu]:
    """交付履歴, newest first. Dates are local days, both ends included."""
    qs = ShomeiKofu.objects.all()
    if date_from is not None:
        qs = qs.filter(issued_at__gte=_local_midnight(date_from))
    if date_to is not None:
        qs = qs.filter(issued_at__lt=_local_midnight(date_to + timedelta(days=1)))
    if hakko_no:
        qs = qs.filter(hakko_no=hakko_no.strip())
    if atena_id is not None:
        qs = qs.filter(atena_ids__contains=[atena_id])
    if kind:
        qs = qs.filter(kind=kind)
    if not include_voided:
        qs = qs.filter(voided_at__isnull=True)
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
