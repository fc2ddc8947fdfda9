"""Residents benchmark: generate N synthetic residents (households, 除票, 住登外, 支援措置)
and load them with PostgreSQL COPY into a scratch municipality, in one transaction.

Target (issue): 380,000 residents generated + loaded in ≤ 30 s. The phases are timed
apart (Python generation, COPY, index and foreign-key rebuild, the rest); generation and
COPY overlap, since the server ingests one chunk while Python builds the next.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from bench.common import base_parser, kanagawa_common_modules, print_table, run
from bench.provision import provision_many

TARGET_SECONDS = 30.0
ON = date(2025, 10, 1)


VARIANTS = {
    # name: (drop_indexes, drop_foreign_keys, label)
    "drop": (True, True, "drop+rebuild indexes & FKs"),
    "fk": (False, True, "drop+rebuild FKs only"),
    "keep": (False, False, "keep indexes & FKs"),
}


def _load(population: int, seed: int, *, replace: bool, variant: str) -> dict[str, Any]:
    from juminkiroku.synth.load import residents_load

    drop_indexes, drop_foreign_keys, _label = VARIANTS[variant]
    t = time.perf_counter()
    result = residents_load(
        population=population,
        seed=seed,
        on=ON,
        replace=replace,
        drop_indexes=drop_indexes,
        drop_foreign_keys=drop_foreign_keys,
    )
    wall = time.perf_counter() - t
    timings = dict(result.timings)
    generate = timings.get("generate", 0.0)
    copy = timings.get("copy", 0.0)
    return {
        "variant": variant,
        "wall": round(wall, 3),
        "seconds": result.seconds,
        "timings": timings,
        "rows": result.rows,
        "counts": {
            "residents": result.residents,
            "johyo": result.johyo,
            "jutogai": result.jutogai,
            "atena": result.atena,
            "rireki": result.rireki,
            "setai": result.setai,
            "jisho": result.jisho,
            "chiku": result.chiku,
            "shien": result.shien,
            "yokushi": result.yokushi,
        },
        "residents_per_second": round(result.residents / wall),
        "rows_per_second_generate_and_copy": round(result.rows / (generate + copy)),
        "copy_rows_per_second_blocked": round(result.rows / copy) if copy else None,
    }


def body(
    consortium: Any,
    record: dict[str, Any],
    *,
    population: int,
    seed: int,
    variants: list[str],
) -> dict[str, Any]:
    from juminkiroku.selectors.asof import population_on
    from tenants.db import connection

    record["params"] = {
        "population": population,
        "seed": seed,
        "on": ON.isoformat(),
        "variants": variants,
        "target_seconds": TARGET_SECONDS,
    }
    (town,) = provision_many(consortium, 1, modules=kanagawa_common_modules(), progress=False)
    from tenants.models import Municipality

    municipality = Municipality.objects.get(schema_name=town["schema"])
    connection.set_tenant(municipality)
    runs = []
    for index, variant in enumerate(variants):
        print(f"[residents] {population:,} into {town['schema']} ({VARIANTS[variant][2]})")
        runs.append(_load(population, seed, replace=index > 0, variant=variant))
        assert population_on(ON) == population, "as-of population disagrees with the load"
    connection.set_schema_to_public()
    record["runs"] = runs

    phases = ["generate", "copy", "drop_indexes", "recreate_indexes", "jisho", "finish",
              "analyze", "truncate", "commit"]  # fmt: skip
    rows = []
    for phase in phases:
        if any(phase in r["timings"] for r in runs):
            rows.append([phase] + [f"{r['timings'].get(phase, 0.0):.2f}" for r in runs])
    details = sorted({k for r in runs for k in r["timings"] if k.startswith(("index ", "fk "))})
    for key in details:
        rows.append([f"  {key}"] + [f"{r['timings'].get(key, 0.0):.2f}" for r in runs])
    rows.append(["total (wall)"] + [f"{r['wall']:.2f}" for r in runs])
    rows.append(["residents/s"] + [f"{r['residents_per_second']:,}" for r in runs])
    rows.append(
        ["rows/s (generate+copy)"] + [f"{r['rows_per_second_generate_and_copy']:,}" for r in runs]
    )
    headers = ["seconds"] + [VARIANTS[r["variant"]][2] for r in runs]
    counts = runs[0]["counts"]
    print_table(
        f"{population:,} residents: {counts['atena']:,} 宛名 + {counts['rireki']:,} 履歴 + "
        f"{counts['setai']:,} 世帯 = {runs[0]['rows']:,} rows by COPY",
        headers,
        rows,
    )
    best = min(r["wall"] for r in runs)
    record["results"] = {"best_wall": best, "target_met": best <= TARGET_SECONDS}
    print(
        f"\n[residents] best {best:.2f} s for {population:,} residents "
        f"(target ≤ {TARGET_SECONDS:.0f} s: {'met' if best <= TARGET_SECONDS else 'NOT met'})"
    )
    return record


def main(argv: list[str]) -> int:
    parser = base_parser("residents", __doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--population", type=int, default=380_000, help="default 380,000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--variants",
        default="drop",
        help="comma-separated, each a full load (the later ones with replace): drop (drop "
        "and rebuild indexes and foreign keys, residents_load's default), fk (foreign keys "
        "only), keep (load with both in place); e.g. drop,fk,keep",
    )
    args = parser.parse_args(argv)
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    if not variants or any(v not in VARIANTS for v in variants):
        parser.error(f"--variants takes {', '.join(VARIANTS)}")
    return run(
        "residents",
        lambda consortium, record: body(
            consortium, record, population=args.population, seed=args.seed, variants=variants
        ),
        keep=args.keep,
    )
