"""世帯主 (標準仕様書 1.1.10) and 世帯主不在 (4.0.4): the households now without a 世帯主.

1.1.10 allows a household without a 世帯主 and requires it to reach other systems as it
is (their ``Resident.is_setainushi`` is simply false for everyone). 4.0.4 leaves such a
household when the 世帯主 leaves and two or more remain; 4.0.5's 世帯主変更依頼通知書 (built
elsewhere) asks them to name one: this is the data it needs — which household, its
members, and the 異動 that left it without a 世帯主 (ids and dates only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from juminkiroku.codes import AtenaKubun, IdoStatus, JuminJotai, Zokugara
from juminkiroku.models import Atena, Ido


@dataclass(frozen=True)
class SetainushiFuzai:
    setai_id: int
    member_ids: tuple[int, ...]  # residents of the household, in 世帯内の並び順
    ido_id: int | None  # the 本登録 that left it without a 世帯主 (None: data from before)
    ido_date: date | None


def setainushi_fuzai(*, setai_ids: list[int] | None = None) -> list[SetainushiFuzai]:
    """Households with residents and no 世帯主, oldest household first."""
    residents = Atena.objects.filter(
        kubun=AtenaKubun.JUTOSHA, jotai=JuminJotai.JUMIN, setai__isnull=False
    )
    if setai_ids is not None:
        residents = residents.filter(setai_id__in=setai_ids)
    fuzai = [
        row["setai_id"]
        for row in residents.values("setai_id")
        .annotate(heads=Count("id", filter=Q(zokugara=Zokugara.HONNIN)))
        .filter(heads=0)
        .order_by("setai_id")
    ]
    members: dict[int, list[int]] = {s: [] for s in fuzai}
    for atena_id, setai_id in (
        residents.filter(setai_id__in=fuzai)
        .order_by("setai_order", "id")
        .values_list("id", "setai_id")
    ):
        members[setai_id].append(atena_id)
    out = []
    for setai_id in fuzai:
        cause = (
            Ido.objects.filter(status=IdoStatus.HON, payload__setainushi_fuzai__contains=[setai_id])
            .order_by("-id")
            .first()
        )
        out.append(
            SetainushiFuzai(
                setai_id=setai_id,
                member_ids=tuple(members[setai_id]),
                ido_id=cause.pk if cause else None,
                ido_date=cause.ido_date if cause else None,
            )
        )
    return out
