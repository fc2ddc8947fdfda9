"""Whole-yen rounding that keeps totals exact (最大剰余法) and installments.

The rounding rule used by every pool-splitting rule (:func:`round_shares`):

1. each member's exact share (a Fraction) is floored to the rounding unit
   (``unit`` yen: 1, 1,000 …);
2. the remainder ``R = total − Σ floors`` is handed out in whole units, one
   unit per member, in this order (the "remainder order"):

   a. larger fractional remainder (exact − floor) first;
   b. ties: larger exact share first (for a single proportional rule this is the
      larger basis figure, e.g. the larger population);
   c. ties: smaller tie rank first — callers pass the rank of ``member_id`` in
      ascending order, so the final tie-break is ``member_id`` ascending.

   Because every fractional remainder is below one unit, fewer units than
   members are handed out, so nobody gets more than one extra unit;
3. when ``total`` is not a multiple of the unit, ``R`` is not either: the odd
   yen (``R mod unit``, fewer than one unit) are handed out **one yen at a
   time**, continuing in the same remainder order from the first member that
   did not get a unit in step 2 (wrapping round to the top of the order if
   there are more odd yen than members).  Continuing, rather than restarting,
   keeps the result monotone: a member whose exact share is larger never ends
   up with less.

The result sums exactly to ``total`` and does not depend on the order in which
the shares are listed (only on the tie ranks).

Two settings of a pool (:class:`Rounding`) change this, because real 規約・条例 do:

* ``method=TRUNCATE``: every share is floored to the unit and the remainder is NOT
  handed out; the shortfall (pool − Σ shares) is carried by the consortium and shown
  on the statement. E.g. 新潟県市町村総合事務組合「平成31年度開始の新潟県自治会館大規模
  改修事業に係る負担金に関する条例」第2条第3項: 負担金の額に1,000円未満の端数がある
  ときは、これを切り捨てた額とする (https://ngtsogo.jp/reiki/reiki_honbun/u433RG00000185.html).
* ``tie_break``: which member goes first among equal fractional remainders (step 2b
  above): ``TIE_SHARE`` (larger exact share, then 団体コード: the default and the
  behaviour of every run stored before the setting existed), ``TIE_POPULATION``
  (larger official population, then 団体コード) or ``TIE_DANTAI_CODE`` (団体コード
  order only). No 規約 or 条例 text stating such a tie-break was found (searched
  in December 2026); the setting exists so that the office can write down the order
  its members agreed, and the statement prints it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from billing.rules.numbers import require_yen

__all__ = [
    "LARGEST_REMAINDER",
    "REMAINDER_METHODS",
    "TIE_BREAKS",
    "TIE_DANTAI_CODE",
    "TIE_POPULATION",
    "TIE_SHARE",
    "TRUNCATE",
    "Rounding",
    "apportion",
    "floor_to_unit",
    "require_unit",
    "round_shares",
    "split_installments",
]


# How the remainder below the unit is treated (a pool's setting).
LARGEST_REMAINDER = "largest_remainder"  # handed out; shares sum to the pool
TRUNCATE = "truncate"  # floored, not handed out; the consortium carries the shortfall
REMAINDER_METHODS = (LARGEST_REMAINDER, TRUNCATE)

# Order among equal fractional remainders (a pool's setting; see the module docstring).
TIE_SHARE = "share"
TIE_POPULATION = "population"
TIE_DANTAI_CODE = "dantai_code"
TIE_BREAKS = (TIE_SHARE, TIE_POPULATION, TIE_DANTAI_CODE)


@dataclass(frozen=True)
class Rounding:
    """A pool's rounding: the unit in yen, the remainder method and the tie-break."""

    unit: int = 1
    method: str = LARGEST_REMAINDER
    tie_break: str = TIE_SHARE

    def __post_init__(self) -> None:
        require_unit(self.unit)
        if self.method not in REMAINDER_METHODS:
            raise ValueError(f"端数の処理方法が不明です: {self.method!r}")
        if self.tie_break not in TIE_BREAKS:
            raise ValueError(f"同順位の決定方法が不明です: {self.tie_break!r}")

    @property
    def truncates(self) -> bool:
        return self.method == TRUNCATE


def require_unit(unit: int) -> int:
    if isinstance(unit, bool) or not isinstance(unit, int) or unit < 1:
        raise ValueError(f"端数処理の単位は1円以上の整数で指定してください: {unit!r}")
    return unit


def floor_to_unit(amount: Fraction | int, unit: int = 1) -> int:
    """``amount`` rounded down to a multiple of ``unit`` yen (単位未満切り捨て)."""
    return math.floor(Fraction(amount) / require_unit(unit)) * unit


def round_shares(
    total: int,
    exact: Sequence[Fraction],
    unit: int = 1,
    tie_rank: Sequence[int] | None = None,
    share_first: bool = True,
) -> list[int]:
    """Whole-yen amounts for ``exact`` shares that sum exactly to ``total``.

    ``exact`` must be non-negative and sum exactly to ``total``; ``tie_rank``
    (default: list position) is the last tie-break, smaller first.  See the
    module docstring for the order; ``share_first=False`` skips step 2b, so that
    equal remainders go by ``tie_rank`` alone.
    """
    require_yen(total, "総額")
    require_unit(unit)
    n = len(exact)
    if n == 0:
        raise ValueError("按分先が指定されていません")
    if sum(exact, Fraction(0)) != total:
        raise ValueError("端数処理前の負担額の合計が総額と一致しません")
    if any(x < 0 for x in exact):
        raise ValueError("端数処理前の負担額に負の値があります")
    ranks = list(range(n)) if tie_rank is None else list(tie_rank)
    if len(ranks) != n or len(set(ranks)) != n:
        raise ValueError("同順位の決定に使う順位が重複しているか、数が合いません")

    amounts = [floor_to_unit(x, unit) for x in exact]
    if share_first:
        order = sorted(range(n), key=lambda i: (-(exact[i] - amounts[i]), -exact[i], ranks[i]))
    else:
        order = sorted(range(n), key=lambda i: (-(exact[i] - amounts[i]), ranks[i]))
    units, odd = divmod(total - sum(amounts), unit)
    # Σ (exact − floor) < n × unit, so units < n: at most one extra unit each.
    for i in order[:units]:
        amounts[i] += unit
    each, extra = divmod(odd, n)
    for step in range(n):
        amounts[order[(units + step) % n]] += each + (1 if step < extra else 0)
    return amounts


def apportion(
    total: int,
    weights: Sequence[Fraction | int],
    unit: int = 1,
    tie_rank: Sequence[int] | None = None,
) -> list[int]:
    """Split ``total`` yen in proportion to ``weights`` (non-negative, not all 0)
    with :func:`round_shares`."""
    require_yen(total, "総額")
    fw = [Fraction(w) for w in weights]
    if any(w < 0 for w in fw):
        raise ValueError("按分の基礎となる数値に負の値があります")
    whole = sum(fw, Fraction(0))
    if whole == 0:
        raise ValueError("按分の基礎となる数値の合計が0のため按分できません")
    return round_shares(total, [total * w / whole for w in fw], unit, tie_rank)


def split_installments(
    amount: int,
    n: int,
    remainder: Literal["first", "last"] = "first",
    unit_yen: int = 1,
) -> list[int]:
    """``amount`` yen in ``n`` installments summing exactly to ``amount``.

    Each installment is ``amount / n`` floored to ``unit_yen``; the whole
    remainder goes to the first (``remainder="first"``, the usual 第1期加算) or
    the last installment.  ``split_installments(100, 3)`` → ``[34, 33, 33]``.
    """
    require_yen(amount, "分割する金額")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"分割回数は1以上の整数で指定してください: {n!r}")
    if remainder not in ("first", "last"):
        raise ValueError(f"端数の加算先は first か last で指定してください: {remainder!r}")
    base = floor_to_unit(Fraction(amount, n), unit_yen)
    parts = [base] * n
    parts[0 if remainder == "first" else -1] += amount - base * n
    return parts
