"""Builders for billing tests."""

from __future__ import annotations

from typing import Any

from billing.models import CostPool

# 神奈川's 組合運営費 rule (seed 004): 均等割:人口割 = 4:6.
UNEI = {"type": "mix", "parts": [[4, {"type": "kintowari"}], [6, {"type": "jinkowari"}]]}


def unei_pool(consortium: Any, amount_yen: int, *, fiscal_year: int = 2025) -> CostPool:
    return CostPool.objects.create(
        consortium=consortium,
        fiscal_year=fiscal_year,
        name="組合運営費",
        amount_yen=amount_yen,
        rule=UNEI,
    )
