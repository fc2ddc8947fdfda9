"""児童手当 reads (private to fukushi): the 認定 of persons, their children and history, the
monthly amount of a 認定 for a month (the rules over its children)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet

from fukushi.models import JidoteateJido, JidoteateJukyusha, JidoteateRireki, JukyushaStatus
from fukushi.rules import jidoteate as rules


def jukyusha_current() -> QuerySet[JidoteateJukyusha]:
    return JidoteateJukyusha.objects.filter(status=JukyushaStatus.NINTEI)


def nintei_of(atena_id: int) -> list[JidoteateJukyusha]:
    """Every 認定 of the person (the current first, then the ended, newest first)."""
    return list(
        JidoteateJukyusha.objects.filter(atena_id=atena_id).order_by("-status", "-shikyu_start")
    )


def jido_of(jukyusha_ids: Iterable[int]) -> dict[int, list[JidoteateJido]]:
    out: dict[int, list[JidoteateJido]] = {}
    for j in JidoteateJido.objects.filter(jukyusha_id__in=list(jukyusha_ids)).order_by(
        "birth_date", "id"
    ):
        out.setdefault(j.jukyusha_id, []).append(j)
    return out


def rireki_of(jukyusha_ids: Iterable[int]) -> dict[int, list[JidoteateRireki]]:
    out: dict[int, list[JidoteateRireki]] = {}
    for r in JidoteateRireki.objects.filter(jukyusha_id__in=list(jukyusha_ids)).order_by("id"):
        out.setdefault(r.jukyusha_id, []).append(r)
    return out


def getsugaku(row: JidoteateJukyusha, jido: list[JidoteateJido], month: date) -> int:
    """The 認定's allowance for ``month`` (0 outside its months or for a 公務員)."""
    month = rules.month_start(month)
    if row.koumuin or month < row.shikyu_start or (row.shikyu_end and month >= row.shikyu_end):
        return 0
    kids = [
        rules.Child(j.birth_date, j.kanshu, j.pk)
        for j in jido
        if j.start_month <= month and (j.end_month is None or j.end_month > month)
    ]
    return rules.month_total(kids, month, shotoku_kubun=rules.ShotokuKubun(row.shotoku_kubun))


def active_jido(jido: list[JidoteateJido]) -> list[JidoteateJido]:
    return [j for j in jido if j.end_month is None]


def search(q_atena_ids: Iterable[int] | None = None) -> QuerySet[JidoteateJukyusha]:
    qs = JidoteateJukyusha.objects.all()
    if q_atena_ids is not None:
        qs = qs.filter(Q(atena_id__in=list(q_atena_ids)))
    return qs.order_by("jukyusha_no")
