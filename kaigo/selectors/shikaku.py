"""Reads of 介護保険 資格 (private to kaigo; ``kaigo.public`` offers the plain-value ones)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from kaigo.models import (
    HihokenshaBango,
    JushochiTokurei,
    Kubun,
    Shikaku,
    ShikakuRireki,
    TashiJutoku,
    TekiyoJogai,
)


def periods_on(day: date, kubun: str | None = None) -> QuerySet[Shikaku]:
    """Periods that cover ``day`` (of one 区分 when given)."""
    qs = Shikaku.objects.filter(torikeshi=False, shutoku_date__lte=day).filter(
        Q(soshitsu_date__isnull=True) | Q(soshitsu_date__gt=day)
    )
    return qs.filter(kubun=kubun) if kubun else qs


def dai1_periods_in(first: date, last: date) -> QuerySet[Shikaku]:
    """第1号 periods that cover any day of [first, last]."""
    return Shikaku.objects.filter(torikeshi=False, kubun=Kubun.DAI1, shutoku_date__lte=last).filter(
        Q(soshitsu_date__isnull=True) | Q(soshitsu_date__gt=first)
    )


def periods_of(atena_ids: Iterable[int]) -> list[Shikaku]:
    return list(Shikaku.objects.filter(atena_id__in=list(atena_ids)).order_by("atena_id", "id"))


def rireki_of(atena_ids: Iterable[int]) -> list[ShikakuRireki]:
    return list(
        ShikakuRireki.objects.filter(atena_id__in=list(atena_ids)).order_by("-at", "-id")[:500]
    )


def bango_of(atena_ids: Iterable[int]) -> dict[int, str]:
    return dict(
        HihokenshaBango.objects.filter(atena_id__in=list(atena_ids)).values_list(
            "atena_id", "bango"
        )
    )


@dataclass(frozen=True)
class Todoke:
    jutoku: list[JushochiTokurei]
    tashi: list[TashiJutoku]
    jogai: list[TekiyoJogai]


def todoke_of(atena_id: int) -> Todoke:
    return Todoke(
        jutoku=list(JushochiTokurei.objects.filter(atena_id=atena_id).order_by("-nyusho_date")),
        tashi=list(TashiJutoku.objects.filter(atena_id=atena_id).order_by("-nyusho_date")),
        jogai=list(TekiyoJogai.objects.filter(atena_id=atena_id).order_by("-nyusho_date")),
    )


def dai1_count_on(day: date) -> int:
    return periods_on(day, Kubun.DAI1).count()
