"""生活保護 and 老齢福祉年金 in the 第1号保険料: which months are at the 第1段階, and the
premium of a year whose months are at two 段階 (月割の合算). Pure functions.

The law: 介護保険法施行令第39条第1項第1号 puts at the 第1段階 (イ) a 老齢福祉年金の受給者
in a 世帯全員非課税 household and (ロ) a 被保護者 (生活保護法第6条第1項) whatever the
household. The 段階 is judged on the 賦課期日 (4月1日; for a person insured later, the
資格取得日: see kaigo.services.fuka_inputs).

A change after the 賦課期日 (ours where no text was confirmed — 未確認, see
docs/standard/kaigo.md):

- 保護開始 after the 賦課期日: 第1段階 **from the month that holds the 開始日** (月割), the
  months before it at the 段階 of the 賦課期日. This is the shape of the 月割 clause of the
  towns' 介護保険条例 (「賦課期日後に令第39条第1項第1号…に該当するに至った第1号被保険者に
  係る保険料の額は、該当するに至った日の属する月の前月まで…と、当該該当するに至った日の
  属する月から…月割により算定した…額の合算額」); the exact wording was not read here.
- 保護廃止: the 段階 of the 賦課期日 rules again **from the month that holds the 廃止日**
  (the first day without 保護), the towns' practice of 月割 更正 from the month of 廃止
  (未確認: a town may keep the 第1段階 to the end of the 年度).
- 老齢福祉年金 is judged on the 賦課期日 only: the 月割 clause above leaves it out (the
  受給者 of the 老齢福祉年金 are born before 2 April 1911 and their 受給 does not begin in
  the middle of a year any more); a record entered later with a 受給開始日 on or before
  the 賦課期日 changes the year by a 更正.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from kaigo.rules.hokenryo import HokenryoResult, hasu_shori
from kaigo.rules.hokenryo_params import HokenryoParameters

__all__ = ["TsukiwariBubun", "hihogo_months", "month_year", "tsukiwari_gassan"]


def month_year(fiscal_year: int, month: int) -> tuple[int, int]:
    """(year, month) of a calendar month of the 年度 (April … March)."""
    return (fiscal_year if month >= 4 else fiscal_year + 1, month)


def hihogo_months(
    owed: Sequence[int], fiscal_year: int, kikan: Iterable[tuple[date, date | None]]
) -> tuple[int, ...]:
    """Of the months ``owed`` (calendar month numbers in the year's order), those at the
    第1段階 by 保護: a month from the one holding a period's 開始日 up to the month before
    the one holding its 廃止日."""
    spans = [((s.year, s.month), None if e is None else (e.year, e.month)) for s, e in kikan]
    out = []
    for m in owed:
        ym = month_year(fiscal_year, m)
        if any(s <= ym and (e is None or ym < e) for s, e in spans):
            out.append(m)
    return tuple(out)


@dataclass(frozen=True)
class TsukiwariBubun:
    """The months of a year at one 段階 and their premium (月割 of that 段階's 年額)."""

    months: tuple[int, ...]
    result: HokenryoResult
    hokenryo: int


def tsukiwari_gassan(
    parts: Sequence[tuple[tuple[int, ...], HokenryoResult]], params: HokenryoParameters
) -> tuple[TsukiwariBubun, ...]:
    """Each part's premium: its 年額 when it has all 12 months, else 年額 × months / 12
    rounded down to the town's 月割 unit (as ``hokenryo_calculate`` does for one period);
    the year's premium is the sum (合算額). Parts with no month are left out."""
    out = []
    for months, r in parts:
        n = len(months)
        if n == 0:
            continue
        amount = (
            r.nengaku
            if n == 12
            else hasu_shori(Fraction(r.nengaku * n, 12), params.tsukiwari_hasu_tani, 1)
        )
        out.append(TsukiwariBubun(months=tuple(months), result=r, hokenryo=amount))
    return tuple(out)
