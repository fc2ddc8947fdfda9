"""Reads of 国保 資格 (private to kokuho; ``kokuho.public`` offers the plain-value ones).

The 国保世帯 on a date is the registry's household on that date (``juminkiroku.public``)
with, for each member, whether they hold 国保 that day. Its 世帯主 is the 納税義務者
(地方税法第703条の4) even when not insured: then a 擬制世帯主.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from juminkiroku.public import PersonIdentity, household_on, person_identities
from kokuho.models import KokuhoSetai, Shikaku, ShikakuRireki, TokuteiDoitsu


@dataclass(frozen=True)
class Member:
    atena_id: int
    person: PersonIdentity | None
    is_setainushi: bool
    insured: bool
    tokutei_doitsu: bool
    shikaku: Shikaku | None


@dataclass(frozen=True)
class SetaiOn:
    setai_id: int
    day: date
    kokuho: KokuhoSetai | None
    members: list[Member]

    @property
    def setainushi(self) -> Member | None:
        return next((m for m in self.members if m.is_setainushi), None)

    @property
    def gisei(self) -> bool:
        """擬制世帯主: the 世帯主 is not insured while someone else in the household is."""
        head = self.setainushi
        return head is not None and not head.insured and any(m.insured for m in self.members)

    @property
    def insured(self) -> list[Member]:
        return [m for m in self.members if m.insured]


def periods_on(day: date) -> QuerySet[Shikaku]:
    """Periods that cover ``day``."""
    return Shikaku.objects.filter(torikeshi=False, shutoku_date__lte=day).filter(
        Q(soshitsu_date__isnull=True) | Q(soshitsu_date__gt=day)
    )


def setai_on(setai_id: int, day: date) -> SetaiOn:
    residents = household_on(setai_id, day)
    ids = [r.atena_id for r in residents]
    periods = {s.atena_id: s for s in periods_on(day).filter(atena_id__in=ids)}
    tokutei = set(
        TokuteiDoitsu.objects.filter(atena_id__in=ids, setai_id=setai_id, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=day))
        .values_list("atena_id", flat=True)
    )
    persons = person_identities(ids)
    return SetaiOn(
        setai_id=setai_id,
        day=day,
        kokuho=KokuhoSetai.objects.filter(setai_id=setai_id).first(),
        members=[
            Member(
                atena_id=r.atena_id,
                person=persons.get(r.atena_id),
                is_setainushi=r.is_setainushi,
                insured=r.atena_id in periods,
                tokutei_doitsu=r.atena_id in tokutei,
                shikaku=periods.get(r.atena_id),
            )
            for r in residents
        ],
    )


def periods_of(atena_ids: Iterable[int]) -> list[Shikaku]:
    return list(Shikaku.objects.filter(atena_id__in=list(atena_ids)).order_by("atena_id", "id"))


def rireki_of(atena_ids: Iterable[int]) -> list[ShikakuRireki]:
    return list(
        ShikakuRireki.objects.filter(atena_id__in=list(atena_ids)).order_by("-at", "-id")[:500]
    )


def insured_count_on(day: date) -> int:
    return periods_on(day).count()
