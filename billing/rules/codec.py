"""Rules as JSON, so pools store them and runs keep exactly what was applied.

``{"type": "mix", "rounding_point": "combined", "parts": [[4, {"type": "kintowari"}],
[6, {"type": "jinkowari", "figure": "population"}]]}``; weights are strings or ints
("0.05") so no float ever enters the arithmetic.

A pool's rounding travels beside its rule (the pool's columns, and the same keys in a
run's snapshot): ``{"rounding_unit_yen": 1000, "remainder_method": "truncate",
"tie_break": "population"}``. A snapshot stored before the two settings existed has only
the unit; it reads as largest remainder with the larger-share tie-break, which is what it
was computed with.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from billing.rules.definitions import (
    Jinkowari,
    Kintowari,
    Kobetsu,
    Metered,
    Mix,
    Rule,
    Teigen,
    TeigenCurve,
)
from billing.rules.rounding import LARGEST_REMAINDER, TIE_SHARE, Rounding


def _weight(value: Any) -> Fraction | int:
    if isinstance(value, (bool, float)):
        raise ValueError('重みは整数または文字列（例: "0.05"）で指定してください。')
    if isinstance(value, int):
        return value
    return Fraction(Decimal(str(value)))


def rule_from_json(data: dict[str, Any]) -> Rule:
    kind = data.get("type")
    if kind == "kintowari":
        return Kintowari()
    if kind == "jinkowari":
        return Jinkowari(figure=data.get("figure", "population"), label=data.get("label"))
    if kind == "metered":
        return Metered(
            unit_price_yen=int(data["unit_price_yen"]), figure=data.get("figure", "months")
        )
    if kind == "teigen":
        tiers = [(None if t[0] is None else int(t[0]), int(t[1])) for t in data["tiers"]]
        return Teigen(tiers=tiers, figure=data.get("figure", "population"))
    if kind == "teigen_curve":
        if "exponent" in data:
            return TeigenCurve(exponent=Decimal(str(data["exponent"])))
        return TeigenCurve()
    if kind == "kobetsu":
        return Kobetsu(member_id=str(data["member_id"]))
    if kind == "mix":
        parts = [(_weight(w), rule_from_json(r)) for w, r in data["parts"]]
        return Mix(parts=parts, rounding_point=data.get("rounding_point", "combined"))
    raise ValueError(f"按分ルールの種類が不明です: {kind!r}")


def rounding_from_json(pool: dict[str, Any]) -> Rounding:
    """The rounding of a pool as stored (``CostPool`` fields or a snapshot's pool)."""
    unit = pool.get("rounding_unit_yen", 1)
    if isinstance(unit, bool) or not isinstance(unit, int):
        raise ValueError(f"端数処理の単位は円単位の整数で指定してください: {unit!r}")
    return Rounding(
        unit=unit,
        method=str(pool.get("remainder_method") or LARGEST_REMAINDER),
        tie_break=str(pool.get("tie_break") or TIE_SHARE),
    )


def rounding_to_json(rounding: Rounding) -> dict[str, Any]:
    return {
        "rounding_unit_yen": rounding.unit,
        "remainder_method": rounding.method,
        "tie_break": rounding.tie_break,
    }
