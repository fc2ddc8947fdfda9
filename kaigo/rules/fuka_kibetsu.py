"""期別 of the 第1号保険料: 普通徴収 in the town's 納期 and 特別徴収 in the pension months.

Pure (no database); every number comes from ``kaigo/params/hokenryo_fuka.yaml`` through a
``lookup(key, fiscal_year)``:

- 普通徴収 (介護保険法第131条・第133条): the 納期 months and day are the town's 条例 values;
  a due date on a closed day moves to the next 開庁日 (``tenants.holidays``). The 保険料 is
  split over the 期 floored to ``kaigo.hokenryo.futsu.hasu_tani``, the remainder in the
  first 期.
- 特別徴収 (第135条・第140条): 仮徴収 in April, June and August, 本徴収 in October,
  December and February (the pension months). 仮徴収: each of the three is the previous
  年度's February 本徴収 (the "前年度2月の額" rule; a town that sets the 仮徴収 otherwise is
  not modelled — 未実装). 本徴収: (保険料 − 仮徴収の合計) ÷ 3 floored to
  ``kaigo.hokenryo.tokucho.hasu_tani``, the remainder in October (our choice, documented
  in the YAML). When the 仮徴収 already exceed the 保険料, the 本徴収 are 0 and the excess is
  過誤納 (``kanou``, refunded).
- 更正: 期 whose 納期限 (or pension month) has passed keep their amounts; the 差額 is
  spread over the 期 still to come (a decrease beyond them is ``kanou``). Real towns often
  move a 特別徴収 person to 普通徴収 on an increase after 本徴収 has started: not modelled
  (未実装); the 差額 stays in the remaining pension months.

The due date of a pension month is the 15th (年金の支払日, 国民年金法第18条第3項), moved
back to the previous business day by the pension insurer: not modelled, the nominal 15th
is shown.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tenants.holidays import next_business_day

__all__ = [
    "FUTSU",
    "TOKUCHO",
    "Ki",
    "Kibetsu",
    "futsu_ki",
    "kibetsu_futsu",
    "kibetsu_futsu_kirikae",
    "kibetsu_kosei",
    "kibetsu_tokucho",
    "split_ki",
    "tokucho_ki",
]

Lookup = Callable[[str, int], Any]

FUTSU = "futsu"
TOKUCHO = "tokucho"
KARI = "kari"
HON = "hon"

#: the pension months (偶数月) and which are 仮徴収
TOKUCHO_MONTHS = ((4, KARI), (6, KARI), (8, KARI), (10, HON), (12, HON), (2, HON))
NENKIN_SHIHARAIBI = 15


@dataclass(frozen=True)
class Ki:
    number: int
    month: int
    due: date
    #: "futsu" (普通徴収の期), "kari" (仮徴収), "hon" (本徴収)
    kind: str

    @property
    def label(self) -> str:
        if self.kind == KARI:
            return f"仮徴収（{self.month}月）"
        if self.kind == HON:
            return f"本徴収（{self.month}月）"
        return f"第{self.number}期"


@dataclass(frozen=True)
class Kibetsu:
    ki: tuple[Ki, ...]
    amounts: tuple[int, ...]
    before: tuple[int, ...] = ()
    kanou: int = 0

    @property
    def total(self) -> int:
        return sum(self.amounts)

    @property
    def hoho(self) -> str:
        """How the 期 still to come are collected: 普通徴収 as soon as there is one 普通徴収
        期 (a 特別徴収 stopped mid-year keeps its pension months already withheld beside
        the new 普通徴収 期: ``kibetsu_futsu_kirikae``)."""
        return FUTSU if any(k.kind == FUTSU for k in self.ki) else TOKUCHO

    def as_json(self) -> list[dict[str, Any]]:
        out = []
        for i, (k, amount) in enumerate(zip(self.ki, self.amounts, strict=True)):
            row: dict[str, Any] = {
                "ki": k.number,
                "label": k.label,
                "kind": k.kind,
                "month": k.month,
                "due": k.due.isoformat(),
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
        raise ValueError(f"保険料に負の金額は指定できません: {total}")
    if n <= 0:
        return []
    base = (total // n) // unit * unit
    parts = [base] * n
    parts[0] += total - base * n
    return parts


def _month_day(year: int, month: int, day: int) -> date:
    last = calendar.monthrange(year, month)[1]
    return date(year, month, last if day <= 0 else min(day, last))


def _year_of(fiscal_year: int, month: int) -> int:
    return fiscal_year if month >= 4 else fiscal_year + 1


def futsu_ki(fiscal_year: int, lookup: Lookup) -> tuple[Ki, ...]:
    months = [int(m) for m in lookup("kaigo.hokenryo.futsu.nouki_months", fiscal_year)]
    day = int(lookup("kaigo.hokenryo.futsu.nouki_day", fiscal_year))
    return tuple(
        Ki(
            i,
            m,
            next_business_day(_month_day(_year_of(fiscal_year, m), m, day), inclusive=True),
            FUTSU,
        )
        for i, m in enumerate(months, start=1)
    )


def tokucho_ki(fiscal_year: int) -> tuple[Ki, ...]:
    return tuple(
        Ki(i, m, date(_year_of(fiscal_year, m), m, NENKIN_SHIHARAIBI), kind)
        for i, (m, kind) in enumerate(TOKUCHO_MONTHS, start=1)
    )


def kibetsu_futsu(
    hokenryo: int, fiscal_year: int, lookup: Lookup, *, ki: tuple[Ki, ...] | None = None
) -> Kibetsu:
    """``ki``: the year's 期 when the caller has them already (a chunk reads them once)."""
    ki = ki if ki is not None else futsu_ki(fiscal_year, lookup)
    unit = int(lookup("kaigo.hokenryo.futsu.hasu_tani", fiscal_year))
    return Kibetsu(ki=ki, amounts=tuple(split_ki(hokenryo, len(ki), unit)))


def kibetsu_tokucho(hokenryo: int, karichoshu: int, fiscal_year: int, lookup: Lookup) -> Kibetsu:
    """``karichoshu``: the amount of each 仮徴収 month (the previous 年度's February)."""
    if karichoshu < 0:
        raise ValueError("仮徴収額に負の金額は指定できません。")
    ki = tokucho_ki(fiscal_year)
    unit = int(lookup("kaigo.hokenryo.tokucho.hasu_tani", fiscal_year))
    kari = [karichoshu] * 3
    rest = hokenryo - sum(kari)
    if rest < 0:
        return Kibetsu(ki=ki, amounts=tuple([*kari, 0, 0, 0]), kanou=-rest)
    return Kibetsu(ki=ki, amounts=tuple(kari + split_ki(rest, 3, unit)))


def kibetsu_kosei(
    hokenryo: int, before: Kibetsu, fiscal_year: int, lookup: Lookup, *, on: date
) -> Kibetsu:
    """更正 on ``on``: the 期 due before ``on`` keep their amounts, the rest of the new
    保険料 is spread over the 期 to come (普通徴収 units, or the 本徴収 units); a decrease
    beyond them is 過誤納; an increase with no 期 left goes to the last 期."""
    ki = before.ki
    tokucho = before.hoho == TOKUCHO
    key = "kaigo.hokenryo.tokucho.hasu_tani" if tokucho else "kaigo.hokenryo.futsu.hasu_tani"
    unit = int(lookup(key, fiscal_year))
    amounts = list(before.amounts)
    fixed = [i for i, k in enumerate(ki) if k.due < on or (tokucho and k.kind == KARI)]
    open_ = [i for i in range(len(ki)) if i not in fixed]
    kept = sum(amounts[i] for i in fixed)
    rest = hokenryo - kept
    new = [amounts[i] if i in fixed else 0 for i in range(len(ki))]
    if rest < 0:
        return Kibetsu(ki=ki, amounts=tuple(new), before=tuple(amounts), kanou=-rest)
    if not open_:
        new[-1] += rest
        return Kibetsu(ki=ki, amounts=tuple(new), before=tuple(amounts))
    for i, part in zip(open_, split_ki(rest, len(open_), unit), strict=True):
        new[i] = part
    return Kibetsu(ki=ki, amounts=tuple(new), before=tuple(amounts))


def kibetsu_futsu_kirikae(
    hokenryo: int, before: Kibetsu, fiscal_year: int, lookup: Lookup, *, on: date
) -> Kibetsu:
    """特別徴収 stopped from ``on`` (the insurer refused the 依頼, or a 死亡・転出・年金の
    支払停止): the pension months before ``on`` keep their amounts (withheld), the other
    pension months go, and the rest of ``hokenryo`` is spread over the town's 普通徴収 期
    due on or after ``on`` (普通徴収 units, the remainder in the first of them); none left:
    the last 普通徴収 期 of the 年度 takes it. More withheld than ``hokenryo``: 過誤納.
    (Our reading of 介護保険法第135条第5項 and 第131条; the 期 a town uses for the switch
    are its own — 未確認.)"""
    kept = [
        (k, a)
        for k, a in zip(before.ki, before.amounts, strict=True)
        if k.kind != FUTSU and k.due < on
    ]
    withheld = sum(a for _, a in kept)
    rest = hokenryo - withheld
    futsu = futsu_ki(fiscal_year, lookup)
    to_come = tuple(k for k in futsu if k.due >= on) or futsu[-1:]
    unit = int(lookup("kaigo.hokenryo.futsu.hasu_tani", fiscal_year))
    parts = split_ki(max(rest, 0), len(to_come), unit)
    return Kibetsu(
        ki=tuple(k for k, _ in kept) + to_come,
        amounts=tuple(a for _, a in kept) + tuple(parts),
        kanou=max(-rest, 0),
    )


def kibetsu_from_json(rows: list[dict[str, Any]], kanou: int = 0) -> Kibetsu:
    ki = tuple(
        Ki(int(r["ki"]), int(r["month"]), date.fromisoformat(r["due"]), r["kind"]) for r in rows
    )
    return Kibetsu(ki=ki, amounts=tuple(int(r["amount"]) for r in rows), kanou=kanou)
