"""戸籍届出・通知日 (標準仕様書 4.2.0.4): for a 異動 made on a 戸籍届出 or 戸籍通知 the date of
that 届出・通知 is entered, kept as the 届出日 (``Ido.todoke_date``; the standard allows one
item with 4.1.0.2). Today is its initial value for 出生, 死亡 and 失踪, which are always made
on a 戸籍届出 or the 本籍地's notice. 職権記載・消除・修正 are not filled in: the same 異動事由
serves a 職権 made on an investigation, which has no 届出日 (4.1.0.2)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from juminkiroku.codes import IdoJiyu
from tenants.wareki import format_wareki

KOSEKI_JIYU: frozenset[str] = frozenset(
    {
        IdoJiyu.SHUSSEI,
        IdoJiyu.SHIBO,
        IdoJiyu.SHISSO,
    }
)


def todoke_date_initial(jiyu: str, today: date | None = None) -> str:
    """The 届出日 field's initial value on a new entry: today (和暦) for those 異動."""
    if jiyu not in KOSEKI_JIYU:
        return ""
    return format_wareki(today or timezone.localdate())
