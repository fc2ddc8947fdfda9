"""世帯員の並び順 on a 世帯連記式 certificate (標準仕様書 5.2), a pure function of 続柄.

Ranks: 1 世帯主 (1-1), 配偶者 (1-2), 子 (1-3); 2 the children's families: 子の配偶者 (2-2),
孫 (2-3); 3 the head's own family outside that: 父母 (3-1, the 筆頭者 first), 兄弟姉妹
(3-2), 祖父母 (3-3); 4 everyone else: 親族 (4-1, in the order of rank 3), 縁故者 (4-2),
同居人 (4-3). Inside a step: 生年月日, then 宛名番号.

What the 宛名 does not record is which child a 子の配偶者 or 孫 belongs to, so rank 2 is
not grouped family by family (長男の家族 before 次男の家族): its members follow the
children, 配偶者 then 孫, each by birth. The town may keep its own order instead
(parameter ``juminkiroku.setai_narabi`` = "nin-i": the 世帯内の並び順 entered on the 宛名).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol, TypeVar

from juminkiroku.codes import Zokugara

#: 続柄 (as stored: a code or a chain of codes, juminkiroku.rules.zokugara) → (rank, step
#: inside the rank). 続柄 not listed are 4-1 (親族: e.g. 妻の父 ``"0205"``, 兄の子).
_SOFUBO = {
    a + b for a in (Zokugara.CHICHI, Zokugara.HAHA) for b in (Zokugara.CHICHI, Zokugara.HAHA)
}
STEP: dict[str, tuple[int, int]] = {
    Zokugara.HONNIN: (1, 1),
    Zokugara.TSUMA: (1, 2),
    Zokugara.OTTO: (1, 2),
    Zokugara.MITODOKE_TSUMA: (1, 2),
    Zokugara.MITODOKE_OTTO: (1, 2),
    Zokugara.KO: (1, 3),
    Zokugara.KO_NO_TSUMA: (2, 2),
    Zokugara.KO_NO_OTTO: (2, 2),
    Zokugara.KO + Zokugara.KO: (2, 3),  # 子の子 (孫)
    Zokugara.CHICHI: (3, 1),
    Zokugara.HAHA: (3, 1),
    Zokugara.ANI: (3, 2),
    Zokugara.ANE: (3, 2),
    Zokugara.OTOTO: (3, 2),
    Zokugara.IMOTO: (3, 2),
    **{code: (3, 3) for code in _SOFUBO},  # 父の父 … 母の母 (祖父母)
    Zokugara.ENKOSHA: (4, 2),
    Zokugara.DOKYONIN: (4, 3),
}

NARABI_KEY = "juminkiroku.setai_narabi"
HYOJUN = "hyojun"
NIN_I = "nin-i"


class Member(Protocol):
    zokugara: str
    birth_date: date
    atena_no: str
    shimei: str
    hittosha: str


def _step(m: Member) -> tuple[int, int]:
    return STEP.get(m.zokugara, (4, 1))


def _key(m: Member) -> tuple[int, int, int, date, str]:
    rank, step = _step(m)
    # 父母・祖父母: the 筆頭者 first (3-1, 3-3 and the rank-4 parents that follow them)
    hittosha_first = 0 if (step in (1, 3) and rank >= 3 and m.hittosha == m.shimei) else 1
    return (rank, step, hittosha_first, m.birth_date, m.atena_no)


T = TypeVar("T", bound=Member)


def standard_order(members: Sequence[T]) -> list[T]:
    """The members in the order of 5.2."""
    return sorted(members, key=_key)
