"""期別 of a 国保税 賦課 collected from the 世帯主's pension (特別徴収, 地方税法第706条の2・
第706条の3; article numbers as municipal pages cite them, not checked against e-Gov), and
the way back to 普通徴収. Pure: the 期別 are the JSON rows of ``KokuhoFuka.kibetsu``.

A 特別徴収 期 is a pension month (``kind`` "kari" 仮徴収 or "hon" 本徴収, ``ki`` 101–106 in
the order of the pension months, due on the 15th — the pension's payment day, 国民年金法
第18条第3項; the insurer's move to the previous business day is not modelled). A 普通徴収
期 keeps its number of the town's 納期 (``kind`` "futsu"; rows written before 特別徴収
existed have no ``kind`` and are 普通徴収).

- Start (``kibetsu_tokucho_kaishi``), as the municipal pages describe it:
  - continuing from the previous 年度 (仮徴収額 > 0): 4・6・8月 the 仮徴収額 (the previous
    年度's 2月 本徴収), 10・12・2月 the rest of the 年税額 in three, the remainder in
    October (岐南町「国民健康保険税の特別徴収」: 端数は4月と10月; 甲斐市 Q&A; 軽井沢町);
  - new (no 仮徴収): the 普通徴収 期 before the first 本徴収 month (7・8・9月 with the
    default 納期) and the 本徴収 months take an equal share each of the 年税額, the
    remainders in the first 普通徴収 期 and in October (岐南町: 7・8・9月 普通徴収, 10・12・
    2月 本徴収, each 1/6, 端数は7月と10月; 竹富町・白鷹町: 第3期までは普通徴収, 10月から
    特別徴収). The shares are in whole yen (岐南町's table; whether the 条例's 端数単位
    applies to these 普通徴収 期 is 未確認).
  - 普通徴収 期 already due before the day of the change keep their amounts (levied).
- Stop (``kibetsu_futsu_kirikae``: 依頼 不能, 各種異動, 減額更正, 口座振替の申出): the
  期 due before the day (withheld or levied) keep their amounts; the rest of the 年税額 is
  spread over the 普通徴収 期 due from that day (the town's 端数単位, remainder in the
  first; none left: the last 期 of the 年度); more collected than the 年税額 is 過納
  (refunded). 御船町「年金天引き（特別徴収）が停止（中止）になる場合」: the tax not withheld
  is re-divided and paid by 納付書 or 口座振替.
- 更正 (``kibetsu_tokucho_kosei``): a decrease stops 特別徴収 (御船町: 資格異動・国保税
  更正等により減額になったとき停止; 岡垣町 Q&A) — the stop above with the new 年税額, the
  excess 過納 → 還付. An increase keeps the pension months as requested and levies the
  increase on the 普通徴収 期 still to come (our reading of the practice; a source saying
  so was not found — 未確認); a town that stops 特別徴収 on any change (前橋市「年度途中で
  被保険者の異動や所得更正等により税額が増減した場合」特別徴収が停止) sets
  ``kokuho.fuka.tokucho.zogaku_chushi``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from kokuho.rules.fuka_kibetsu import Ki, split_ki
from kokuho.rules.tokucho import TokuchoParameters

__all__ = [
    "FUTSU",
    "HON",
    "KARI",
    "Recut",
    "is_tokucho",
    "kibetsu_futsu_kirikae",
    "kibetsu_tokucho_kaishi",
    "kibetsu_tokucho_kosei",
    "pension_day",
]

FUTSU = "futsu"
KARI = "kari"
HON = "hon"
NENKIN_SHIHARAIBI = 15
TOKUCHO_KI = 100


class TokuchoKibetsuError(ValueError):
    """The 期別 cannot be cut this way (no 本徴収 month left); the message is Japanese."""


@dataclass(frozen=True)
class Recut:
    kibetsu: list[dict[str, Any]]
    kanou: int
    #: the 期 to come include pension months
    tokucho: bool

    @property
    def total(self) -> int:
        return sum(int(k["amount"]) for k in self.kibetsu)


def kind_of(k: dict[str, Any]) -> str:
    return str(k.get("kind") or FUTSU)


def is_tokucho(k: dict[str, Any]) -> bool:
    return kind_of(k) != FUTSU


def pension_day(fiscal_year: int, month: int) -> date:
    return date(fiscal_year if month >= 4 else fiscal_year + 1, month, NENKIN_SHIHARAIBI)


def _tokucho_row(fiscal_year: int, p: TokuchoParameters, month: int, amount: int) -> dict[str, Any]:
    months = [*p.kari_months, *p.hon_months]
    kind = KARI if month in p.kari_months else HON
    day = pension_day(fiscal_year, month).isoformat()
    return {
        "ki": TOKUCHO_KI + months.index(month) + 1,
        "label": f"特別徴収・{'仮徴収' if kind == KARI else '本徴収'}（{month}月）",
        "kind": kind,
        "month": month,
        "due": day,
        "due_nominal": day,
        "amount": amount,
    }


def _futsu_row(k: Ki, amount: int) -> dict[str, Any]:
    return {
        "ki": k.number,
        "label": f"第{k.number}期",
        "kind": FUTSU,
        "month": k.month,
        "due": k.due.isoformat(),
        "due_nominal": k.due_nominal.isoformat(),
        "amount": amount,
    }


def _due(k: dict[str, Any]) -> date:
    return date.fromisoformat(str(k["due"]))


def _finish(rows: list[dict[str, Any]], before: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sorted by due date, each with its amount before (変更通知書), and a 0 row for a 期
    of ``before`` that had an amount and is no longer cut (so the notice and the ledger
    show it stated 0)."""
    was = {int(k["ki"]): int(k["amount"]) for k in before}
    keys = {int(r["ki"]) for r in rows}
    for k in before:
        if int(k["ki"]) not in keys and int(k["amount"]):
            rows.append({**{x: k[x] for x in k if x not in ("before", "sagaku")}, "amount": 0})
    out = []
    for r in sorted(rows, key=lambda r: (_due(r), int(r["ki"]))):
        r = {x: r[x] for x in r if x not in ("before", "sagaku")}
        r["kind"] = kind_of(r)
        if before:
            r["before"] = was.get(int(r["ki"]), 0)
            r["sagaku"] = int(r["amount"]) - r["before"]
        out.append(r)
    return out


def _kept(before: Sequence[dict[str, Any]], on: date) -> list[dict[str, Any]]:
    """The 期 due before ``on``: withheld (pension months) or levied (普通徴収)."""
    return [dict(k) for k in before if _due(k) < on]


def kibetsu_tokucho_kaishi(
    *,
    nengaku: int,
    kari_gaku: int,
    before: Sequence[dict[str, Any]],
    fiscal_year: int,
    futsu_ki: Sequence[Ki],
    p: TokuchoParameters,
    on: date,
) -> Recut:
    """The 期別 of a 賦課 that becomes 特別徴収 on ``on`` (see the module's docstring)."""
    if nengaku < 0 or kari_gaku < 0:
        raise TokuchoKibetsuError("税額・仮徴収額に負の金額は指定できません。")
    kept = [k for k in _kept(before, on) if not is_tokucho(k)]
    kept_no = {int(k["ki"]) for k in kept}
    hon = [m for m in p.hon_months if pension_day(fiscal_year, m) >= on]
    if not hon:
        raise TokuchoKibetsuError(
            "この年度の本徴収の月（年金の支払月）が残っていないため、特別徴収にできません。"
        )
    rest = nengaku - sum(int(k["amount"]) for k in kept)
    kanou = max(-rest, 0)
    rest = max(rest, 0)
    rows: list[dict[str, Any]] = list(kept)
    if kari_gaku > 0:
        rows += [_tokucho_row(fiscal_year, p, m, kari_gaku) for m in p.kari_months]
        rest -= kari_gaku * len(p.kari_months)
        kanou += max(-rest, 0)
        parts = split_ki(max(rest, 0), len(hon), 1)
    else:
        first_hon = pension_day(fiscal_year, hon[0])
        open_ = [k for k in futsu_ki if on <= k.due < first_hon and k.number not in kept_no]
        futsu_total = rest * len(open_) // (len(open_) + len(hon))
        rows += [
            _futsu_row(k, a)
            for k, a in zip(open_, split_ki(futsu_total, len(open_), 1), strict=True)
        ]
        parts = split_ki(rest - futsu_total, len(hon), 1)
    rows += [_tokucho_row(fiscal_year, p, m, a) for m, a in zip(hon, parts, strict=True)]
    return Recut(kibetsu=_finish(rows, before), kanou=kanou, tokucho=True)


def kibetsu_futsu_kirikae(
    *,
    nengaku: int,
    before: Sequence[dict[str, Any]],
    futsu_ki: Sequence[Ki],
    unit: int,
    on: date,
) -> Recut:
    """特別徴収 stopped from ``on``: 普通徴収 for the rest (see the module's docstring)."""
    kept = _kept(before, on)
    kept_no = {int(k["ki"]) for k in kept}
    rest = nengaku - sum(int(k["amount"]) for k in kept)
    rows = list(kept)
    if rest < 0:
        return Recut(kibetsu=_finish(rows, before), kanou=-rest, tokucho=False)
    to_come = [k for k in futsu_ki if k.due >= on and k.number not in kept_no]
    if to_come:
        rows += [
            _futsu_row(k, a)
            for k, a in zip(to_come, split_ki(rest, len(to_come), unit), strict=True)
        ]
    elif rest:
        last = futsu_ki[-1]
        same = next((r for r in rows if not is_tokucho(r) and int(r["ki"]) == last.number), None)
        if same is not None:
            same["amount"] = int(same["amount"]) + rest
        else:
            rows.append(_futsu_row(last, rest))
    return Recut(kibetsu=_finish(rows, before), kanou=0, tokucho=False)


def kibetsu_tokucho_kosei(
    *,
    nengaku_after: int,
    nengaku_before: int,
    before: Sequence[dict[str, Any]],
    futsu_ki: Sequence[Ki],
    unit: int,
    on: date,
    zogaku_chushi: bool,
) -> Recut:
    """A 更正 of a 賦課 collected from the pension (see the module's docstring)."""
    if nengaku_after < nengaku_before or zogaku_chushi:
        return kibetsu_futsu_kirikae(
            nengaku=nengaku_after, before=before, futsu_ki=futsu_ki, unit=unit, on=on
        )
    tokucho = [dict(k) for k in before if is_tokucho(k)]
    kept = [k for k in _kept(before, on) if not is_tokucho(k)]
    kept_no = {int(k["ki"]) for k in kept}
    rest = nengaku_after - sum(int(k["amount"]) for k in [*tokucho, *kept])
    rows = [*tokucho, *kept]
    to_come = [k for k in futsu_ki if k.due >= on and k.number not in kept_no]
    if to_come:
        rows += [
            _futsu_row(k, a)
            for k, a in zip(to_come, split_ki(max(rest, 0), len(to_come), unit), strict=True)
            if a
        ]
    elif rest > 0:
        rows.append(_futsu_row(futsu_ki[-1], rest))
    return Recut(kibetsu=_finish(rows, before), kanou=0, tokucho=True)
