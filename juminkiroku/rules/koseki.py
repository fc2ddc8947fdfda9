"""戸籍届出・通知日 (標準仕様書 4.2.0.4): for a 異動 made on a 戸籍届出 or a 戸籍通知 (出生,
死亡, and the 職権記載等 made on a 住民票記載事項通知), the date of that 届出・通知 is entered
and today is its initial value. The standard allows it to be one item with the 届出日
(4.1.0.2), which is how it is kept here (``Ido.todoke_date``)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from juminkiroku.codes import IdoJiyu
from tenants.wareki import format_wareki

KOSEKI_JIYU: frozenset[str] = frozenset(
    {
        IdoJiyu.SHUSSEI,
        IdoJiyu.SHIBO,
        IdoJiyu.SHOKKEN_KISAI,
        IdoJiyu.SHOKKEN_SHOJO,
        IdoJiyu.SHOKKEN_SHUSEI,
    }
)


def todoke_date_initial(jiyu: str, today: date | None = None) -> str:
    """The 届出日 field's initial value on a new entry: today (和暦) for those 異動."""
    if jiyu not in KOSEKI_JIYU:
        return ""
    return format_wareki(today or timezone.localdate())
