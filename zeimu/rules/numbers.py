"""Exact yen arithmetic for the tax rules.

Every figure is an ``int`` (whole yen) or an exact :class:`fractions.Fraction` while a
formula is being applied; rates come from the parameter rows as decimal strings
(``"0.06"``) and become exact fractions.  ``float`` and ``bool`` are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

__all__ = [
    "Bracket",
    "ceil_yen",
    "floor_to",
    "fmt_rate",
    "fmt_yen",
    "parse_brackets",
    "to_rate",
    "to_yen",
]


def to_yen(value: Any, what: str) -> int:
    """A whole-yen amount from a parameter or an input; refuses float, bool, fractions."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what}は円単位の整数で指定してください: {value!r}")
    return value


def to_rate(value: Any, what: str) -> Fraction:
    """An exact rate from a decimal string (``"0.06"``), an int, a Decimal or a Fraction."""
    if isinstance(value, bool | float):
        raise TypeError(
            f"{what}は文字列の小数・整数・Decimal・Fractionで指定してください: {value!r}"
        )
    if isinstance(value, str):
        try:
            return Fraction(Decimal(value))
        except ArithmeticError as exc:
            raise ValueError(f"{what}を数値として読めません: {value!r}") from exc
    if isinstance(value, int | Decimal | Fraction):
        return Fraction(value)
    raise TypeError(f"{what}の型が不正です: {value!r}")


def floor_to(amount: int | Fraction, unit: int) -> int:
    """``amount`` rounded down to a multiple of ``unit`` (amounts here are never negative)."""
    if unit <= 0:
        raise ValueError(f"端数処理の単位は正の整数です: {unit}")
    return int((Fraction(amount) // unit) * unit)


def ceil_yen(amount: int | Fraction) -> int:
    """``amount`` rounded up to a whole yen (1円未満の端数切上げ)."""
    return -int((-Fraction(amount)) // 1)


def fmt_yen(amount: int | Fraction) -> str:
    """``1234567`` → ``1,234,567円``; a fraction keeps its exact value."""
    if type(amount) is int:  # the common case, without building a Fraction
        return f"{amount:,}円"
    f = Fraction(amount)
    if f.denominator == 1:
        return f"{int(f):,}円"
    return f"{f.numerator}/{f.denominator}円"


def fmt_rate(rate: Fraction) -> str:
    """``Fraction(3, 100)`` → ``3%``; ``Fraction(1, 2)`` → ``50%``."""
    pct = rate * 100
    if pct.denominator == 1:
        return f"{int(pct)}%"
    return f"{Decimal(pct.numerator) / Decimal(pct.denominator):f}%"


@dataclass(frozen=True)
class Bracket:
    """One row of a rate table: applies when the amount is ≤ ``up_to`` (None: no limit);
    the result is ``amount × rate + add``."""

    up_to: int | None
    rate: Fraction
    add: int

    def apply(self, amount: int | Fraction) -> Fraction:
        return Fraction(amount) * self.rate + self.add


def parse_brackets(rows: Any, what: str) -> tuple[Bracket, ...]:
    if not isinstance(rows, list) or not rows:
        raise ValueError(f"{what}の表が空か不正です")
    out: list[Bracket] = []
    for i, row in enumerate(rows):
        up_to = row.get("up_to")
        out.append(
            Bracket(
                up_to=None if up_to is None else to_yen(up_to, f"{what}の{i + 1}行目の上限"),
                rate=to_rate(row["rate"], f"{what}の{i + 1}行目の率"),
                add=to_yen(row["add"], f"{what}の{i + 1}行目の加算額"),
            )
        )
    if out[-1].up_to is not None:
        raise ValueError(f"{what}の表の最終行は上限なし（null）にしてください")
    return tuple(out)


def pick_bracket(brackets: tuple[Bracket, ...], amount: int | Fraction) -> Bracket:
    for b in brackets:
        if b.up_to is None or amount <= b.up_to:
            return b
    raise AssertionError("最終行は上限なし")  # pragma: no cover - parse_brackets guarantees
