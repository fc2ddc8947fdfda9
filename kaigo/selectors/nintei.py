"""Reads of 要介護認定 (private to kaigo; ``kaigo.public`` offers plain values)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet

from kaigo.models import (
    OPEN_STATUSES,
    Nintei,
    NinteiRireki,
    NinteiShinsei,
    ShinseiStatus,
    YokaigoKubun,
)


def nintei_effective_on(day: date) -> QuerySet[Nintei]:
    """認定 (not 非該当) whose period covers ``day`` and that had not stopped by then."""
    return (
        Nintei.objects.exclude(yokaigo_kubun=YokaigoKubun.HIGAITO)
        .filter(yuko_start__lte=day, yuko_end__gte=day)
        .filter(Q(shuryo_date__isnull=True) | Q(shuryo_date__gt=day))
    )


def nintei_in_effect(atena_id: int, day: date) -> Nintei | None:
    return nintei_effective_on(day).filter(atena_id=atena_id).order_by("-yuko_start").first()


def nintei_current_many(atena_ids: Iterable[int], day: date) -> dict[int, Nintei]:
    """The 認定 in effect on ``day`` per person, else the latest one decided (one query)."""
    out: dict[int, Nintei] = {}
    effective: dict[int, Nintei] = {}
    for n in Nintei.objects.filter(atena_id__in=list(set(atena_ids))).order_by("kettei_date", "id"):
        out[n.atena_id] = n
        stopped = n.shuryo_date is not None and n.shuryo_date <= day
        if (
            n.is_gaito
            and n.yuko_start is not None
            and n.yuko_end is not None
            and n.yuko_start <= day <= n.yuko_end
            and not stopped
        ):
            effective[n.atena_id] = n
    out.update(effective)
    return out


def shinsei_of(atena_id: int) -> list[NinteiShinsei]:
    return list(
        NinteiShinsei.objects.filter(atena_id=atena_id)
        .select_related("nintei")
        .order_by("-shinsei_date", "-id")
    )


def open_shinsei_of(atena_ids: Iterable[int]) -> list[NinteiShinsei]:
    return list(
        NinteiShinsei.objects.select_for_update().filter(
            atena_id__in=list(set(atena_ids)), status__in=OPEN_STATUSES
        )
    )


def rireki_of_shinsei(shinsei_id: int) -> list[NinteiRireki]:
    return list(NinteiRireki.objects.filter(shinsei_id=shinsei_id).order_by("at", "id"))


def shinsei_list(status: str | None = None) -> QuerySet[NinteiShinsei]:
    qs = NinteiShinsei.objects.all()
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-shinsei_date", "-id")


def koshin_due(today: date, days: int) -> QuerySet[Nintei]:
    """認定 in effect today whose period ends within ``days`` days with no 更新申請 (nor
    区分変更申請) made on it that is open or decided (a withdrawn one does not count)."""
    following = NinteiShinsei.objects.filter(mae_nintei=OuterRef("pk")).exclude(
        status__in=[ShinseiStatus.TORISAGE, ShinseiStatus.KYAKKA]
    )
    return (
        nintei_effective_on(today)
        .filter(yuko_end__lte=today + timedelta(days=days))
        .annotate(has_next=Exists(following))
        .filter(has_next=False)
        .order_by("yuko_end", "atena_id")
    )
