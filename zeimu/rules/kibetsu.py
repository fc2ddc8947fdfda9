"""期別: the installments of a year's 個人住民税 and their due dates.

普通徴収 (地方税法第320条): four 納期 (6, 8, 10 and 1月); each 期 is the tax divided by
four, floored to the 端数単位 (1,000円, or 100円 by 条例), and the remainder goes to the
first 期 (第20条の4の2第6項). 給与特別徴収 (第321条の5): twelve monthly amounts from June
to May, each floored to 100円, the remainder in June; the employer pays each by the 10th
of the following month. A due date on a closed day moves to the next 開庁日 (第20条の5).
All amounts, months and days are parameters (zeimu/params/kojin_juminzei_choshu.yaml).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tenants.holidays import next_business_day


@dataclass(frozen=True)
class Ki:
    number: int
    label: str
    amount: int
    due: date
    due_nominal: date

    @property
    def moved(self) -> bool:
        return self.due != self.due_nominal


def split_ki(total: int, n: int, unit: int) -> list[int]:
    """``total`` in ``n`` parts, each floored to ``unit``; the remainder in the first."""
    if total < 0:
        raise ValueError(f"税額に負の金額は指定できません: {total}")
    base = (total // n) // unit * unit
    parts = [base] * n
    parts[0] += total - base * n
    return parts


def _month_day(year: int, month: int, day: int) -> date:
    last = calendar.monthrange(year, month)[1]
    return date(year, month, last if day <= 0 else min(day, last))


def futsu_choshu(total: int, fiscal_year: int, lookup: Callable[[str, int], Any]) -> list[Ki]:
    """普通徴収の期別: amounts summing exactly to ``total`` and due dates."""
    months = [int(m) for m in lookup("zeimu.kojin_juminzei.futsu_choshu.nouki_months", fiscal_year)]
    day = int(lookup("zeimu.kojin_juminzei.futsu_choshu.nouki_day", fiscal_year))
    unit = int(lookup("zeimu.kojin_juminzei.futsu_choshu.hasu_tani", fiscal_year))
    amounts = split_ki(total, len(months), unit)
    out = []
    for i, (month, amount) in enumerate(zip(months, amounts, strict=True), start=1):
        year = fiscal_year if month >= 4 else fiscal_year + 1
        nominal = _month_day(year, month, day)
        out.append(Ki(i, f"第{i}期", amount, next_business_day(nominal, inclusive=True), nominal))
    return out


def tokubetsu_choshu(total: int, fiscal_year: int, lookup: Callable[[str, int], Any]) -> list[Ki]:
    """給与特別徴収の月割額 (6月〜翌年5月) and the employer's 納入期限 (翌月10日)."""
    unit = int(lookup("zeimu.kojin_juminzei.tokubetsu_choshu.hasu_tani", fiscal_year))
    day = int(lookup("zeimu.kojin_juminzei.tokubetsu_choshu.nonyu_day", fiscal_year))
    amounts = split_ki(total, 12, unit)
    out = []
    for i, amount in enumerate(amounts):
        month = (6 + i - 1) % 12 + 1
        year = fiscal_year if month >= 6 else fiscal_year + 1
        pay_month, pay_year = (month % 12) + 1, year + (1 if month == 12 else 0)
        nominal = _month_day(pay_year, pay_month, day)
        out.append(
            Ki(i + 1, f"{month}月分", amount, next_business_day(nominal, inclusive=True), nominal)
        )
    return out
