"""児童扶養手当 返還金の分割納付 (履行延期の特約, 地方自治法施行令第171条の6第1項: 「当該債権の
金額を適宜分割して履行期限を定めることを妨げない」): the arithmetic of a plan. Pure.

- the 回 amounts: ``kaisu`` 回 of ``maikai`` 円 each, the last one the rest
  (残額 − maikai × (kaisu − 1)), so that maikai × (kaisu − 1) < 残額 ≤ maikai × kaisu;
- the 納期限: the 初回 on the date the clerk sets, every later 回 on the same day of each
  following month (the month's last day when the month is shorter), each moved to the next
  開庁日 by ``shift`` (地方自治法第4条の2第4項).

The plan's figures are its own arithmetic: no published worked example of a 分割納付 plan
was found; the rules above (monthly 回, the rest in the last 回) are our choice within the
towns' 要綱 (月賦, 5年以内: 常陸大宮市 要綱第4条, 港区 要領第4条).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

__all__ = ["BunnoKi", "bunno_errors", "bunno_plan", "monthly_due"]


@dataclass(frozen=True)
class BunnoKi:
    kai: int  # 1-based
    gaku: int
    nouki: date


def monthly_due(first: date, months_after: int) -> date:
    """The nominal 納期限 ``months_after`` months after ``first`` (same day of the month,
    clamped to the month's last day), before any move to a 開庁日."""
    index = first.month - 1 + months_after
    year, month = first.year + index // 12, index % 12 + 1
    return date(year, month, min(first.day, calendar.monthrange(year, month)[1]))


def bunno_errors(zan: int, kaisu: int, maikai: int, max_kaisu: int) -> list[tuple[str, str]]:
    """Why a plan of ``kaisu`` × ``maikai`` for the 残額 ``zan`` cannot be made (empty: it can)."""
    if kaisu < 2:
        return [("kaisu", "分割の回数は2回以上で入力してください。")]
    if kaisu > max_kaisu:
        return [("kaisu", f"分割の回数は{max_kaisu}回までです。")]
    if maikai < 1:
        return [("maikai_gaku", "毎回の額は1円以上で入力してください。")]
    if maikai * kaisu < zan:
        return [
            (
                "maikai_gaku",
                f"毎回の額 × 回数（{maikai * kaisu:,}円）が残額（{zan:,}円）に足りません。",
            )
        ]
    if maikai * (kaisu - 1) >= zan:
        return [
            (
                "kaisu",
                f"残額（{zan:,}円）は{kaisu - 1}回以内で納め終わります。回数を減らしてください。",
            )
        ]
    return []


def bunno_plan(
    zan: int, kaisu: int, maikai: int, shokai: date, shift: Callable[[date], date]
) -> list[BunnoKi]:
    """The 回 of a plan (assumes ``bunno_errors`` found nothing)."""
    out = []
    for i in range(kaisu):
        gaku = maikai if i < kaisu - 1 else zan - maikai * (kaisu - 1)
        out.append(BunnoKi(kai=i + 1, gaku=gaku, nouki=shift(monthly_due(shokai, i))))
    return out
