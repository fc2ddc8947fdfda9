from __future__ import annotations

from typing import Any

from billing.models import AllocationRun, AllocationShare
from tenants.models import Municipality


def statement_for(*, run: AllocationRun, municipality: Municipality) -> dict[str, Any]:
    """One member's 負担金明細書: its lines with the arithmetic, and its total."""
    lines = list(AllocationShare.objects.filter(run=run, municipality=municipality).order_by("id"))
    return {
        "run": run,
        "member": municipality,
        "lines": lines,
        "total": sum(line.amount_yen for line in lines),
        "figures": run.inputs["members"].get(municipality.dantai_code, {}),
    }


def run_table(run: AllocationRun) -> dict[str, Any]:
    """Members × pools for the office's overview (one query)."""
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
    return {"pools": pools, "rows": ordered}
