"""連帯納付義務 of the 後期高齢者医療保険料 collected by 普通徴収 (pure).

高齢者の医療の確保に関する法律第108条 (text as quoted by 福祉医療機構 WAM NET,
https://www.wel.ne.jp/doc/feature/healthcare/kouki4/5.html):

- 第1項: the 被保険者 pays their own premium collected by 普通徴収;
- 第2項: the 世帯主 is jointly liable for the premium of an insured person *belonging to
  the household* (当該世帯に属する被保険者);
- 第3項: one spouse is jointly liable for the premium of the other, insured, spouse.

Both bind only 普通徴収: a month withheld from a pension (特別徴収) is nobody else's.

介護保険法第132条 is worded alike, so the judgment from the registry (世帯主, spouse by
続柄, 父・母 taken as spouses by inference, what is 未確認) is the platform's
(``tenants.rentai_rule``); this module names the grounds with 第108条.
"""

from __future__ import annotations

from collections.abc import Sequence

from tenants.rentai_rule import (
    NOTE_AMBIGUOUS,
    NOTE_MITODOKE,
    NOTE_NOT_RESIDENT,
    Konkyo,
    Member,
    Rentai,
    RentaiResult,
    spouse_base,
)
from tenants.rentai_rule import rentai_of as _rentai_of

__all__ = [
    "KOKI_KONKYO",
    "KONKYO_HAIGUSHA",
    "KONKYO_HAIGUSHA_SUITEI",
    "KONKYO_SETAINUSHI",
    "NOTE_AMBIGUOUS",
    "NOTE_MITODOKE",
    "NOTE_NOT_RESIDENT",
    "Member",
    "Rentai",
    "RentaiResult",
    "rentai_of",
    "spouse_base",
]

KONKYO_SETAINUSHI = "世帯主（高齢者の医療の確保に関する法律第108条第2項）"
KONKYO_HAIGUSHA = "配偶者（同法第108条第3項）"
KONKYO_HAIGUSHA_SUITEI = "配偶者と推定（同法第108条第3項。続柄が父・母のため、戸籍で確認が必要）"
KOKI_KONKYO = Konkyo(KONKYO_SETAINUSHI, KONKYO_HAIGUSHA, KONKYO_HAIGUSHA_SUITEI)


def rentai_of(hihokensha_id: int, household: Sequence[Member]) -> RentaiResult:
    """The 連帯納付義務者 of the insured ``hihokensha_id`` (後期, 第108条) given the members
    of their household on the day (themselves included)."""
    return _rentai_of(hihokensha_id, household, KOKI_KONKYO)
