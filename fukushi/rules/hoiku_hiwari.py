"""保育料の日割 (a child who enters or leaves a facility in the middle of a month): the town's
rule, a parameter of its own 規則 (``fukushi.hoiku.hiwari.*`` in fukushi/params/hoiku.yaml).

- ``nashi`` 日割なし: the month's fee is decided by the enrolment on the month's first day
  (a child entering later pays from the next month; one leaving during the month pays the
  whole month). No town's 規則 saying so was read here (未確認): it is the behaviour the
  product had before the 日割 was built, kept as the 既定.
- ``kaisho`` 開所日数割: fee × the 開所日数 enrolled in the month (at most ``bunbo``) ÷
  ``bunbo`` (25): 十日町市特定保育所保育料に関する規則 第2条, 函館市子ども・子育て支援法施行細則
  第5条第3項, 東村山市 規則 第5条 (25日, 10円未満切捨て).
- ``reki`` 暦日割: fee × the calendar days enrolled ÷ the days of the month. Several towns'
  規則 say only 「日割計算により算出した額」 (川根本町保育所保育料徴収規則 第2条第2項) without
  the divisor; a 規則 naming the 暦日 was not read here (未確認).

The remainder below ``hasu`` 円 is cut off (10円未満切捨て in the 規則 above). A 開所日 is a
day that is neither a Sunday, a national holiday nor 12月29日〜1月3日: the usual opening of a
保育所, 未確認 against each town's 規則 (a town opening on holidays is not modelled). Pure.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

__all__ = ["Hiwari", "HiwariHoho", "enrolled_days", "hiwari", "is_kaishobi"]


class HiwariHoho(StrEnum):
    NASHI = "nashi"
    KAISHO = "kaisho"
    REKI = "reki"


@dataclass(frozen=True)
class Hiwari:
    amount: int  # the month's fee after the 日割
    nissu: int  # days counted (開所日数 capped at ``bunbo``, or 暦日)
    bunbo: int  # the divisor


def _days(spans: Iterable[tuple[date, date]]) -> set[date]:
    out: set[date] = set()
    for s, e in spans:
        d = s
        while d <= e:
            out.add(d)
            d += timedelta(days=1)
    return out


def enrolled_days(month: date, spans: Iterable[tuple[date, date | None]]) -> set[date]:
    """The days of ``month`` on which the child is enrolled (spans: 入所日, 退所日 or None),
    the 入所 of two facilities in one month counted once."""
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return _days(
        (max(s, first), min(e or last, last))
        for s, e in spans
        if s <= last and (e is None or e >= first)
    )


def is_kaishobi(
    day: date, *, is_holiday: Callable[[date], bool], is_nenmatsu: Callable[[date], bool]
) -> bool:
    """A 開所日 of a 保育所: not a Sunday, a national holiday or 12/29〜1/3."""
    return day.weekday() != 6 and not is_holiday(day) and not is_nenmatsu(day)


def hiwari(
    amount: int,
    *,
    hoho: HiwariHoho,
    month: date,
    days: set[date],
    kaishobi: Callable[[date], bool],
    bunbo: int,
    hasu: int,
) -> Hiwari | None:
    """The fee of a month the child is enrolled on ``days`` only, or None when no 日割
    applies (enrolled the whole month, or the town's rule is 日割なし)."""
    first = month.replace(day=1)
    n_month = calendar.monthrange(first.year, first.month)[1]
    if hoho == HiwariHoho.NASHI or len(days) >= n_month:
        return None
    if hoho == HiwariHoho.KAISHO:
        nissu, div = min(sum(1 for d in days if kaishobi(d)), bunbo), bunbo
    else:
        nissu, div = len(days), n_month
    raw = amount * nissu // div
    return Hiwari(amount=raw - raw % hasu, nissu=nissu, bunbo=div)
