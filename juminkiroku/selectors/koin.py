"""The 認証者 and 公印 valid on a day (標準仕様書 1.3.7, 1.3.9, 5.6).

Public for every certificate of 住民記録 (住民票の写し, 記載事項証明書, 転出証明書 …):
``ninshosha_for(day)`` and ``koin_for(day, kind)`` return plain values, never rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from juminkiroku.codes import KoinKind, NinshoshaKubun
from juminkiroku.models import Koin, Ninshosha


@dataclass(frozen=True)
class NinshoshaInfo:
    kubun: str
    shokumei: str
    shimei: str
    ninshosha_id: int | None


@dataclass(frozen=True)
class KoinInfo:
    koin_id: int
    kind: str
    png: bytes
    mongon: str


def _valid_on(day: date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def ninshosha_for(day: date, kubun: str | None = None) -> NinshoshaInfo | None:
    """The certifier on ``day``. Without ``kubun`` the switch is automatic (1.3.9): a
    職務代理者 registered for a period covering the day, else the 市区町村長. The latest
    registration wins when periods overlap. None when nothing is registered."""
    order = [kubun] if kubun else [NinshoshaKubun.DAIRI, NinshoshaKubun.CHOCHO]
    for k in order:
        row = (
            Ninshosha.objects.filter(_valid_on(day), kubun=k).order_by("-valid_from", "-id").first()
        )
        if row is not None:
            return NinshoshaInfo(
                kubun=row.kubun, shokumei=row.shokumei, shimei=row.shimei, ninshosha_id=row.pk
            )
    return None


def koin_for(day: date, kind: str = KoinKind.CHOCHO) -> KoinInfo | None:
    """The 公印 of ``kind`` in use on ``day`` (the latest registration), or None."""
    row = Koin.objects.filter(_valid_on(day), kind=kind).order_by("-valid_from", "-id").first()
    if row is None:
        return None
    return KoinInfo(koin_id=row.pk, kind=row.kind, png=bytes(row.image), mongon=row.mongon)


def koin_list() -> list[Koin]:
    return list(Koin.objects.defer("image").order_by("kind", "-valid_from", "-id"))


def ninshosha_list() -> list[Ninshosha]:
    return list(Ninshosha.objects.order_by("kubun", "-valid_from", "-id"))
