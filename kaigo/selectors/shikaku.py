"""Reads of 介護保険 資格 (private to kaigo; ``kaigo.public`` offers the plain-value ones)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
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


def dai1_periods_with_bango(
    first: date, last: date, atena_ids: Iterable[int] | None = None
) -> list[tuple[int, date, date | None, str | None]]:
    """(宛名 id, 取得日, 喪失日, 被保険者番号) of the 第1号 periods that cover any day of
    [first, last] (of ``atena_ids`` when given), by 宛名 id and 取得日: one query, the
    periods' conditions those of :func:`dai1_periods_in`. The number is a lookup in its
    unique index per period (a join made PostgreSQL read the whole table for a chunk)."""
    base, params = (
        dai1_periods_in(first, last).values_list("atena_id", "shutoku_date", "soshitsu_date").query
    ).sql_with_params()
    where = ""
    args: list[Any] = list(params)
    if atena_ids is not None:
        where = "WHERE p.atena_id = ANY(%s::bigint[])"
        args.append(list(atena_ids))
    query = f"""
        SELECT p.atena_id, p.shutoku_date, p.soshitsu_date,
               (SELECT b.bango FROM {HihokenshaBango._meta.db_table} b
                WHERE b.atena_id = p.atena_id)
        FROM ({base}) p
        {where}
        ORDER BY p.atena_id, p.shutoku_date
    """  # noqa: S608  (no value in the text: every value is a parameter)
    with connection.cursor() as cur:
        cur.execute(query, args)
        return cur.fetchall()


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
