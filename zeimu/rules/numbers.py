"""Exact yen arithmetic for the tax rules.

Every figure is an ``int`` (whole yen) or an exact :class:`fractions.Fraction` while a
formula is being applied; rates come from the parameter rows as decimal strings
(``"0.06"``) and become exact fractions.  ``float`` and ``bool`` are refused.

On the engine's hot path the same exact values are computed in integers (a rate is its
numerator and denominator: ``Bracket.rate_num``/``rate_den``, :func:`mul_trunc`), since
building ``Fraction`` objects cost most of the time per person; ``int`` inputs take a fast
path in :func:`floor_to`, :func:`ceil_yen` and :func:`fmt_yen`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

__all__ = [
    "Bracket",
    "ceil_yen",
    "floor_to",
    "fmt_rate",
    "fmt_yen",
    "fraction_or_int",
    "mul_trunc",
    "parse_brackets",
    "pick_bracket",
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
    if type(amount) is int:  # the common case, without building a Fraction
        return amount // unit * unit
    f = amount if isinstance(amount, Fraction) else Fraction(amount)
    return f.numerator // (f.denominator * unit) * unit


def ceil_yen(amount: int | Fraction) -> int:
    """``amount`` rounded up to a whole yen (1円未満の端数切上げ)."""
    if type(amount) is int:
        return amount
    f = amount if isinstance(amount, Fraction) else Fraction(amount)
    return -(-f.numerator // f.denominator)


def mul_trunc(amount: int, rate: Fraction) -> int:
    """``int(amount × rate)``: the exact product truncated toward zero, in integers."""
    product = amount * rate.numerator
    den = rate.denominator
    return product // den if product >= 0 else -(-product // den)


def fraction_or_int(numerator: int, denominator: int) -> int | Fraction:
    """``numerator / denominator`` as an int when it is whole, else the exact Fraction
    (the value ``Fraction`` arithmetic would give, without building one for whole yen)."""
    q, r = divmod(numerator, denominator)
    return q if r == 0 else Fraction(numerator, denominator)


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
    #: ``rate`` as integers and as text, computed once (the engine's hot path works in
    #: integers: ``amount × rate + add`` = ``apply_numerator(amount) / rate_den``)
    rate_num: int = field(init=False, repr=False, compare=False)
    rate_den: int = field(init=False, repr=False, compare=False)
    rate_text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rate = Fraction(self.rate)
        object.__setattr__(self, "rate_num", rate.numerator)
        object.__setattr__(self, "rate_den", rate.denominator)
        object.__setattr__(self, "rate_text", fmt_rate(rate))

    def apply(self, amount: int | Fraction) -> Fraction:
        return Fraction(amount) * self.rate + self.add

    def apply_numerator(self, amount: int) -> int:
        """``apply(amount) × rate_den``, exactly, for a whole-yen ``amount``."""
        return amount * self.rate_num + self.add * self.rate_den

    def apply_exact(self, amount: int) -> int | Fraction:
        """``apply(amount)`` as an int when it is whole (the usual case), else a Fraction."""
        if self.rate_den == 1:
            return amount * self.rate_num + self.add
        return fraction_or_int(self.apply_numerator(amount), self.rate_den)


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
        up_to = b.up_to
        if up_to is None or amount <= up_to:
            return b
    raise AssertionError("最終行は上限なし")  # pragma: no cover - parse_brackets guarantees
