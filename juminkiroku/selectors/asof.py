"""As-of queries: the registry as it stood on a date (e.g. 賦課期日, 基準日).

A version is valid on D when ``valid_from <= D < valid_to`` (``valid_to`` NULL = open)
and it was not superseded by a correction or a 取消. A person is a resident on D when
that version's 住民状態 is 住民. These are the public selectors other modules call.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from juminkiroku.codes import AtenaKubun, JuminJotai
from juminkiroku.models import AtenaRireki


def versions_on(day: date) -> QuerySet[AtenaRireki]:
    """Every person's version valid on ``day`` (residents and 除票 alike)."""
    return AtenaRireki.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day),
        superseded=False,
        valid_from__lte=day,
    )


def residents_on(day: date) -> QuerySet[AtenaRireki]:
    """Who lived in the town on ``day``: one version per person, with household and address."""
    return versions_on(day).filter(kubun=AtenaKubun.JUTOSHA, jotai=JuminJotai.JUMIN)


def resident_on(atena_id: int, day: date) -> AtenaRireki | None:
    return residents_on(day).filter(atena_id=atena_id).first()


def household_on(setai_id: int, day: date) -> list[AtenaRireki]:
    return list(residents_on(day).filter(setai_id=setai_id).order_by("setai_order", "atena_id"))


def population_on(day: date) -> int:
    """The registry's own population on ``day`` (billing's 人口割 uses it)."""
    return residents_on(day).count()


def history_of(atena_id: int, *, include_superseded: bool = True) -> list[AtenaRireki]:
    qs = AtenaRireki.objects.filter(atena_id=atena_id).select_related("ido")
    if not include_superseded:
        qs = qs.filter(superseded=False)
    return list(qs.order_by("valid_from", "id"))
