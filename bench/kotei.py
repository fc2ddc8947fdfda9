"""固定資産税・都市計画税 当初賦課 benchmark: a synthetic town (residents by COPY), its
synthetic 課税台帳 (``zeimu.synth.kotei_ledger_load``: about 1.15 parcels and 0.65 houses
per household), then the ``zeimu_kotei_tosho`` job's plan, chunks (read, calculate, COPY)
and finish with 1 and 2 worker processes, as the Celery workers run them (no broker).

Target (issue 17): 250,000 parcels and 150,000 houses in ≤ 30 s with 2 processes. The
ledger grows with the population: ``--population 380000`` gives ≈ 120,000 parcels and
≈ 100,000 houses (more owners than the target's city would need a richer generator).
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from bench.common import base_parser, job_in_pool, kanagawa_common_modules, print_table, run
from bench.provision import provision_many

TARGET_SECONDS = 30.0
FISCAL_YEAR = 2025
ON = date(2025, 1, 1)
KIND = "zeimu_kotei_tosho"


def _tosho(processes: int, schema: str) -> dict[str, Any]:
    from django.db import connection as dj
    from django.db.models import Count, Sum

    from zeimu.models import KoteiFuka

    with dj.cursor() as cur:
        cur.execute("TRUNCATE zeimu_koteifuka CASCADE")
    run = job_in_pool(KIND, {"fiscal_year": FISCAL_YEAR}, processes=processes, schema=schema)
    t_plan, t_chunks, t_finish, done = run.plan, run.chunks, run.finish, run.done
    agg = KoteiFuka.objects.aggregate(n=Count("id"), total=Sum("nengaku"))
    return {
        "processes": processes,
        "plan": round(t_plan, 2),
        "chunks": round(t_chunks, 2),
        "finish": round(t_finish, 2),
        "total": round(t_plan + t_chunks + t_finish, 2),
        "nozeisha": done,
        "assessed": agg["n"],
        "nengaku": agg["total"],
    }


def body(consortium: Any, record: dict[str, Any], *, population: int, seed: int) -> dict[str, Any]:
    from juminkiroku.synth.load import residents_load
    from tenants.db import connection
    from tenants.models import Municipality
    from tenants.params.services import law_parameters_load
    from tenants.params.tenant.models import MunicipalParameter
    from zeimu.synth import kotei_ledger_load

    law_parameters_load()
    record["params"] = {"population": population, "seed": seed, "fiscal_year": FISCAL_YEAR}
    (town,) = provision_many(consortium, 1, modules=kanagawa_common_modules(), progress=False)
    municipality = Municipality.objects.get(schema_name=town["schema"])
    connection.set_tenant(municipality)
    print(f"[kotei] loading {population:,} residents …")
    residents_load(population=population, seed=seed, on=ON)
    MunicipalParameter.objects.create(
        key="zeimu.kotei.toshi_zeiritsu", fiscal_year_from=2000, value=300,
        source="ベンチマーク", created_by="bench",
    )  # fmt: skip
    t = time.perf_counter()
    counts = kotei_ledger_load(fiscal_year=FISCAL_YEAR, seed=seed, town_name="合成町")
    ledger_seconds = time.perf_counter() - t
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"[kotei] ledger {counts} ({ledger_seconds:.1f} s)")
    runs = []
    for processes in (1, 2):
        print(f"[kotei] 当初賦課 with {processes} process(es) …")
        runs.append(_tosho(processes, town["schema"]))
        connection.set_tenant(municipality)
    connection.set_schema_to_public()
    record["setup"] = {**counts, "ledger_load": round(ledger_seconds, 2)}
    record["runs"] = runs
    rows = [
        [f"{r['processes']}", f"{r['nozeisha']:,}", f"{r['plan']:.2f}", f"{r['chunks']:.2f}",
         f"{r['finish']:.2f}", f"{r['total']:.2f}", f"{r['nozeisha'] / max(r['total'], 0.01):,.0f}"]
        for r in runs
    ]  # fmt: skip
    print_table(
        f"固定資産税 当初賦課 {FISCAL_YEAR}年度: {counts['tochi']:,} parcels, "
        f"{counts['kaoku']:,} houses",
        ["processes", "納税義務者", "plan s", "chunks s", "finish s", "total s", "納税義務者/s"],
        rows,
    )
    best = min(r["total"] for r in runs if r["processes"] == 2)
    record["results"] = {"best_total_2proc": best}
    return record


def main(argv: list[str]) -> int:
    parser = base_parser("kotei", __doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--population", type=int, default=380_000, help="default 380,000")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    return run(
        "kotei",
        lambda consortium, record: body(
            consortium, record, population=args.population, seed=args.seed
        ),
        keep=args.keep,
    )
