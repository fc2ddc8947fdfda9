from __future__ import annotations

from typing import Any

from django.db.models import Sum

from billing.models import AllocationRun, AllocationShare, RemainderMethod, TieBreak
from billing.rules.codec import rounding_from_json
from tenants.models import Municipality


def pool_roundings(run: AllocationRun) -> list[dict[str, Any]]:
    """Per pool of the run: how its shares were rounded (unit, remainder method,
    tie-break, as the run's snapshot holds them) and, for a pool whose remainder was
    truncated, the shortfall the consortium carries (pool − Σ shares). One query."""
    allocated = dict(
        AllocationShare.objects.filter(run=run)
        .values_list("pool_name")
        .annotate(total=Sum("amount_yen"))
        .values_list("pool_name", "total")
    )
    out: list[dict[str, Any]] = []
    for pool in run.inputs["pools"]:
        rounding = rounding_from_json(pool)
        splits = pool["amount_yen"] is not None
        total = allocated.get(pool["name"], 0)
        shortfall = pool["amount_yen"] - total if splits and rounding.truncates else 0
        out.append(
            {
                "pool": pool["name"],
                "amount": pool["amount_yen"],
                "allocated": total,
                "unit": rounding.unit,
                "method": RemainderMethod(rounding.method).label if splits else "単位未満切り捨て",
                # The tie-break matters only where a remainder is handed out.
                "tie_break": TieBreak(rounding.tie_break).label
                if splits and not rounding.truncates
                else "—",
                "shortfall": shortfall,
            }
        )
    return out


def statement_for(*, run: AllocationRun, municipality: Municipality) -> dict[str, Any]:
    """One member's 負担金明細書: its lines with the arithmetic, and its total; with the
    rounding of every pool and what the consortium carries where shares were truncated."""
    lines = list(AllocationShare.objects.filter(run=run, municipality=municipality).order_by("id"))
    roundings = pool_roundings(run)
    return {
        "run": run,
        "member": municipality,
        "lines": lines,
        "total": sum(line.amount_yen for line in lines),
        "figures": run.inputs["members"].get(municipality.dantai_code, {}),
        "roundings": roundings,
        "shortfall_total": sum(r["shortfall"] for r in roundings),
    }


def run_table(run: AllocationRun) -> dict[str, Any]:
    """Members × pools for the office's overview (one query), with each pool's rounding
    and the consortium's shortfall where shares were truncated."""
    pools: list[str] = []
    rows: dict[str, dict[str, Any]] = {}
    for share in AllocationShare.objects.filter(run=run).select_related("municipality"):
        if share.pool_name not in pools:
            pools.append(share.pool_name)
        row = rows.setdefault(
            share.municipality.dantai_code,
            {"member": share.municipality, "amounts": {}, "total": 0},
        )
        row["amounts"][share.pool_name] = share.amount_yen
        row["total"] += share.amount_yen
    ordered = [rows[k] for k in sorted(rows)]
    for row in ordered:
        row["cells"] = [row["amounts"].get(p, 0) for p in pools]
    roundings = pool_roundings(run)
    shortfalls = {r["pool"]: r["shortfall"] for r in roundings}
    return {
        "pools": pools,
        "rows": ordered,
        "shortfall_cells": [shortfalls.get(p, 0) for p in pools],
        "roundings": roundings,
        "shortfall_total": sum(r["shortfall"] for r in roundings),
    }
