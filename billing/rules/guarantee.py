"""Savings guarantee (削減効果の保証): no member pays more than its former cost
less ``min_saving`` (神奈川県町村会: every member at least 30% saving).

:func:`apply_savings_guarantee` caps each member that has a former cost at
``floor(former × (1 − min_saving))`` yen.  What the capped members no longer
pay is carried by the others pro rata to their original shares.  Carrying may
push another member over its own cap, so the capped set is found iteratively
with exact Fractions (a member whose exact carried share exceeds its cap is
held at the cap and the rest is re-spread; capping only ever raises the others'
shares, so the set only grows).  The free members' amounts are then rounded
once with the largest-remainder method (1-yen unit, ties: larger exact share,
then ``member_id`` ascending), which never exceeds a cap: an integer cap ≥ the
exact share is ≥ its rounded-up value.  If every free member's original share
is 0 the carried amount is spread equally among them.

Members without a former cost have no cap.  When every member has a cap and
the caps add up to less than the total, :class:`GuaranteeInfeasible` is raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from billing.rules.numbers import fmt_exact, fmt_percent, fmt_yen, require_yen, to_fraction
from billing.rules.rounding import apportion, floor_to_unit

__all__ = ["GuaranteeInfeasible", "GuaranteeResult", "apply_savings_guarantee"]


class GuaranteeInfeasible(ValueError):
    """The caps add up to less than the amount to be paid."""

    def __init__(self, total_yen: int, cap_total_yen: int) -> None:
        self.total_yen = total_yen
        self.cap_total_yen = cap_total_yen
        self.shortfall_yen = total_yen - cap_total_yen
        super().__init__(
            f"削減保証を満たせません: 各団体の負担上限額の合計 {fmt_yen(cap_total_yen)}が"
            f"負担総額 {fmt_yen(total_yen)}に {fmt_yen(self.shortfall_yen)}不足しています"
        )


@dataclass(frozen=True)
class GuaranteeResult:
    amounts: dict[str, int]  # same keys and total as the input shares
    original: dict[str, int]
    caps: dict[str, int]  # only members with a former cost
    capped: frozenset[str]  # members held at their cap
    min_saving: Fraction
    steps: dict[str, tuple[str, ...]]

    @property
    def adjustments(self) -> dict[str, int]:
        """amount − original share (negative for capped members)."""
        return {m: self.amounts[m] - self.original[m] for m in self.amounts}


def apply_savings_guarantee(
    shares: Mapping[str, int],
    former_cost: Mapping[str, int],
    min_saving: Fraction | Decimal | int,
) -> GuaranteeResult:
    """Cap ``shares`` so each member in ``former_cost`` saves at least ``min_saving``
    (e.g. ``Fraction(3, 10)``); the total is preserved.  See the module docstring."""
    if not shares:
        raise ValueError("負担額が指定されていません")
    original = {m: require_yen(a, f"{m}の負担額") for m, a in shares.items()}
    saving = to_fraction(min_saving, "削減率")
    if not 0 <= saving < 1:
        raise ValueError(f"削減率は0以上1未満で指定してください: {min_saving!r}")
    caps: dict[str, int] = {}
    for m, former in former_cost.items():
        if m not in original:
            raise ValueError(f"従前経費が指定された団体 {m} が負担額の一覧にありません")
        caps[m] = floor_to_unit(require_yen(former, f"{m}の従前経費") * (1 - saving))
    total = sum(original.values())
    if len(caps) == len(original) and sum(caps.values()) < total:
        raise GuaranteeInfeasible(total, sum(caps.values()))

    ranks = {m: r for r, m in enumerate(sorted(original))}
    fixed: dict[str, int] = {}
    while True:
        free = [m for m in original if m not in fixed]
        remaining = total - sum(fixed.values())
        weights = [Fraction(original[m]) for m in free]
        if sum(weights) == 0:
            weights = [Fraction(1)] * len(free)
        whole = sum(weights, Fraction(0))
        exact = {m: remaining * w / whole for m, w in zip(free, weights, strict=True)}
        over = [m for m in free if m in caps and exact[m] > caps[m]]
        if not over:
            break
        for m in over:
            fixed[m] = caps[m]

    rounded = apportion(remaining, weights, 1, [ranks[m] for m in free])
    amounts = {**fixed, **dict(zip(free, rounded, strict=True))}
    amounts = {m: amounts[m] for m in original}
    pct = fmt_percent(saving)
    free_base = sum(original[m] for m in free)
    steps: dict[str, tuple[str, ...]] = {}
    for m in original:
        lines: list[str] = []
        if m in caps:
            lines.append(
                f"削減保証: 従前経費 {fmt_yen(former_cost[m])} × (1 − {pct}) = "
                f"上限 {fmt_yen(caps[m])}（1円未満切り捨て）"
            )
        if m in fixed and original[m] > caps[m]:
            lines.append(
                f"按分額 {fmt_yen(original[m])} → 上限 {fmt_yen(caps[m])}"
                f"（超過 {fmt_yen(original[m] - caps[m])}は他団体が負担割合に応じて負担）"
            )
        elif m in fixed:
            lines.append(
                f"他団体の超過分の負担により上限に達したため {fmt_yen(original[m])} → "
                f"{fmt_yen(caps[m])}"
            )
        elif amounts[m] != original[m]:
            basis = (
                f"{fmt_yen(original[m])} × {fmt_yen(remaining)} / {fmt_yen(free_base)}"
                if free_base
                else f"{fmt_yen(remaining)} / {len(free):,}"
            )
            lines.append(
                f"削減保証による負担調整: {basis} = {fmt_exact(exact[m])}円 → "
                f"{fmt_yen(amounts[m])}（{amounts[m] - original[m]:+,}円）"
            )
        elif m in caps:
            lines.append("上限以内のため調整なし")
        steps[m] = tuple(lines)
    return GuaranteeResult(
        amounts=amounts,
        original=original,
        caps=caps,
        capped=frozenset(fixed),
        min_saving=saving,
        steps=steps,
    )
