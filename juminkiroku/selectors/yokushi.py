"""Which 抑止 apply now (標準仕様書 3.1): active by date, not released, not temporarily
unlocked. A temporary unlock ends by itself when ``temp_unlock_until`` passes: nothing
has to run for the lock to be back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from juminkiroku.models import ShienSochi, Yokushi


def active_yokushi_q(*, now: object | None = None) -> Q:
    moment = now or timezone.now()
    today = timezone.localdate(moment)  # type: ignore[arg-type]
    return (
        Q(start_date__lte=today)
        & (Q(end_date__isnull=True) | Q(end_date__gte=today))
        & Q(released_at__isnull=True)
        & (Q(temp_unlock_until__isnull=True) | Q(temp_unlock_until__lte=moment))
    )


def temp_unlocked_q() -> Q:
    """Locks lifted for now by a 一時解除 that has not run out (shown beside the active ones)."""
    return Q(released_at__isnull=True, temp_unlock_until__gt=timezone.now())


def yokushi_blocking(
    *, atena_ids: Iterable[int], setai_ids: Iterable[int], process: str
) -> list[Yokushi]:
    atena_ids, setai_ids = list(atena_ids), list(setai_ids)
    if not atena_ids and not setai_ids:
        return []
    target = Q(atena_id__in=atena_ids) | Q(setai_id__in=setai_ids)
    return list(Yokushi.objects.filter(active_yokushi_q(), target, process=process))


def shien_active_on(atena_id: int, day: date | None = None) -> ShienSochi | None:
    day = day or timezone.localdate()
    return (
        ShienSochi.objects.filter(
            atena_id=atena_id, start_date__lte=day, end_date__gte=day, ended_at__isnull=True
        )
        .order_by("-end_date")
        .first()
    )


def shien_in_last_month(day: date | None = None) -> list[ShienSochi]:
    """支援措置 whose end is within a month and not yet extended (the screens alert on them)."""
    day = day or timezone.localdate()
    candidates = ShienSochi.objects.filter(
        end_date__gte=day, end_date__lte=day + timedelta(days=31), ended_at__isnull=True
    ).exclude(extensions__isnull=False)
    from juminkiroku.services.yokushi import extension_opens_on

    return [s for s in candidates if extension_opens_on(s) <= day]
