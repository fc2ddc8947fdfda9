"""期別: the 国民健康保険税 of a year in the town's 納期, for a 本算定 (after a 仮算定 or
not) and for a 更正.

Pure (no database); every number comes from ``kokuho/params/fuka.yaml`` through a
``lookup(key, fiscal_year)``:

- the 納期 months and day are the town's 条例 values (地方税法第706条第2項); a due date on a
  closed day moves to the next 開庁日 (第20条の5, ``tenants.holidays``);
- each 期 is the amount ÷ the number of 期, floored to the 端数単位 (1,000円, or 100円 by
  条例), the remainder in the first 期 of the split (第20条の4の2第6項);
- 仮算定 (第706条の2): the first ``karisantei_kisu`` 期 are levied before the 所得 are
  known, from the previous year's 年税額 ÷ the number of 期 × those 期; the 本算定 keeps
  them and spreads the rest over the remaining 期;
- 更正: 期 whose 納期限 has passed keep their amounts; the 差額 is spread over the 期 still
  to come (a decrease beyond them is 過納, refunded: ``kanou``).

The choice of spreading a 更正 over the remaining 期 (not charging it all in the next one)
is ours; towns do both.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tenants.holidays import next_business_day

__all__ = ["Ki", "Kibetsu", "kibetsu_hon", "kibetsu_kari", "kibetsu_kosei", "nouki", "split_ki"]

Lookup = Callable[[str, int], Any]


@dataclass(frozen=True)
class Ki:
    number: int
    month: int
    due: date
    due_nominal: date


@dataclass(frozen=True)
class Kibetsu:
    """Amounts per 期 (same order as ``ki``), summing to ``total`` (+ ``kanou`` refunded)."""

    ki: tuple[Ki, ...]
    amounts: tuple[int, ...]
    #: amounts before this version (更正) or levied by the 仮算定 (本算定); empty otherwise
    before: tuple[int, ...] = ()
    #: 過納: what was levied in 期 already due beyond the new 年税額 (to be refunded)
    kanou: int = 0

    @property
    def total(self) -> int:
        return sum(self.amounts)

    def as_json(self) -> list[dict[str, Any]]:
        out = []
        for i, (k, amount) in enumerate(zip(self.ki, self.amounts, strict=True)):
            row: dict[str, Any] = {
                "ki": k.number,
                "label": f"第{k.number}期",
                "month": k.month,
                "due": k.due.isoformat(),
                "due_nominal": k.due_nominal.isoformat(),
                "amount": amount,
            }
            if self.before:
                row["before"] = self.before[i]
                row["sagaku"] = amount - self.before[i]
            out.append(row)
        return out


def split_ki(total: int, n: int, unit: int) -> list[int]:
    """``total`` in ``n`` parts, each floored to ``unit``; the remainder in the first."""
    if total < 0:
        raise ValueError(f"税額に負の金額は指定できません: {total}")
    if n <= 0:
        return []
    base = (total // n) // unit * unit
    parts = [base] * n
    parts[0] += total - base * n
    return parts


def _month_day(year: int, month: int, day: int) -> date:
    last = calendar.monthrange(year, month)[1]
    return date(year, month, last if day <= 0 else min(day, last))


def nouki(fiscal_year: int, lookup: Lookup) -> tuple[Ki, ...]:
    """The year's 期 and their 納期限 (the town's 条例 values)."""
    months = tuple(int(m) for m in lookup("kokuho.fuka.nouki_months", fiscal_year))
    day = int(lookup("kokuho.fuka.nouki_day", fiscal_year))
    return _nouki(fiscal_year, months, day)


@functools.lru_cache(maxsize=256)
def _nouki(fiscal_year: int, months: tuple[int, ...], day: int) -> tuple[Ki, ...]:
    # Pure in its arguments (the national holidays are fixed data): the 本算定 asks for
    # the same 期 once per household, and moving each 納期限 off closed days cost ≈ 10%
    # of a chunk (bench kokuho_fuka --profile).
    out = []
    for i, month in enumerate(months, start=1):
        year = fiscal_year if month >= 4 else fiscal_year + 1
        nominal = _month_day(year, month, day)
        out.append(Ki(i, month, next_business_day(nominal, inclusive=True), nominal))
    return tuple(out)


def _unit(fiscal_year: int, lookup: Lookup) -> int:
    return int(lookup("kokuho.fuka.hasu_tani", fiscal_year))


def kari_kisu(fiscal_year: int, lookup: Lookup) -> int:
    return int(lookup("kokuho.fuka.karisantei_kisu", fiscal_year))


def kibetsu_kari(prev_nengaku: int, fiscal_year: int, lookup: Lookup) -> Kibetsu:
    """仮算定: the first 期 from the previous year's 年税額; the other 期 are 0 until the
    本算定."""
    ki = nouki(fiscal_year, lookup)
    n = min(kari_kisu(fiscal_year, lookup), len(ki))
    unit = _unit(fiscal_year, lookup)
    per_ki = (prev_nengaku // len(ki)) // unit * unit if ki else 0
    amounts = [per_ki] * n + [0] * (len(ki) - n)
    return Kibetsu(ki=ki, amounts=tuple(amounts))


def kibetsu_hon(
    nengaku: int, fiscal_year: int, lookup: Lookup, *, kari: Kibetsu | None = None
) -> Kibetsu:
    """本算定: ``nengaku`` over every 期, or — after a 仮算定 — the 仮算定's 期 kept and
    the rest over the remaining 期."""
    ki = nouki(fiscal_year, lookup)
    unit = _unit(fiscal_year, lookup)
    if kari is None or not any(kari.amounts):
        return Kibetsu(ki=ki, amounts=tuple(split_ki(nengaku, len(ki), unit)))
    return _respread(ki, list(kari.amounts), nengaku, unit, fixed=kari_len(kari))


def kari_len(kari: Kibetsu) -> int:
    """How many leading 期 the 仮算定 levied."""
    n = 0
    for a in kari.amounts:
        if a == 0:
            break
        n += 1
    return n


def _respread(
    ki: tuple[Ki, ...], before: list[int], nengaku: int, unit: int, *, fixed: int
) -> Kibetsu:
    kept = before[:fixed]
    rest = nengaku - sum(kept)
    remaining = len(ki) - fixed
    if rest < 0 or remaining == 0:
        # nothing left to spread over: the 期 already due keep what they levied, the
        # excess is 過納 (refunded), a shortfall with no 期 left goes to the last 期
        if rest < 0:
            return Kibetsu(
                ki=ki, amounts=tuple(kept + [0] * remaining), before=tuple(before), kanou=-rest
            )
        amounts = kept[:]
        amounts[-1] += rest
        return Kibetsu(ki=ki, amounts=tuple(amounts), before=tuple(before))
    return Kibetsu(
        ki=ki, amounts=tuple(kept + split_ki(rest, remaining, unit)), before=tuple(before)
    )


def kibetsu_kosei(
    nengaku: int, before: list[int], fiscal_year: int, lookup: Lookup, *, on: date
) -> Kibetsu:
    """更正 on ``on``: the 期 whose 納期限 is before ``on`` keep ``before``; the rest is
    spread over the 期 still to come."""
    ki = nouki(fiscal_year, lookup)
    if len(before) != len(ki):
        raise ValueError("更正前の期別の数が納期の数と一致しません")
    fixed = sum(1 for k in ki if k.due < on)
    return _respread(ki, before, nengaku, _unit(fiscal_year, lookup), fixed=fixed)
