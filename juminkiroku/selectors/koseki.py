"""戸籍の表示の引用 (標準仕様書 4.2.0.3): the 本籍・筆頭者 of a household's member, to quote
into a 出生 (or another 記載 into that household) instead of typing them again."""

from __future__ import annotations

from dataclasses import dataclass

from juminkiroku.codes import AtenaKubun, JuminJotai, Zokugara
from juminkiroku.models import Atena


@dataclass(frozen=True)
class KosekiHyoji:
    atena_id: int  # whose 戸籍の表示 was quoted (for the access log)
    honseki: str
    hittosha: str


def koseki_hyoji_of_setai(setai_no: str) -> KosekiHyoji | None:
    """The 世帯主's 本籍・筆頭者 when recorded, else the first member's (in 世帯内の並び順)
    who has one; None when the household has no resident with a 本籍."""
    members = list(
        Atena.objects.filter(
            setai__setai_no=setai_no.strip(),
            kubun=AtenaKubun.JUTOSHA,
            jotai=JuminJotai.JUMIN,
        )
        .exclude(honseki="")
        .order_by("setai_order", "id")
    )
    if not members:
        return None
    head = next((m for m in members if m.zokugara == Zokugara.HONNIN), members[0])
    return KosekiHyoji(atena_id=head.pk, honseki=head.honseki, hittosha=head.hittosha)
