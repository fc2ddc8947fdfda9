"""Town backup benchmark: dump and verified restore of the 380,000-person town.

The town is built as the 当初賦課 benchmark builds it (synthetic residents and 給与・公的年金等
支払報告書 by COPY) plus a folder of files; then ``town_backup`` dumps it (COPY of every table
in one snapshot on ``--jobs`` connections, files, manifest) and ``town_restore`` restores it
into a new schema (load without indexes or keys, then indexes, keys, foreign keys on
``--jobs`` connections) and verifies it (export again: every table's rows and SHA-256,
sequences, files). Target (issue 22): ≤ 60 s each.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.common import base_parser, kanagawa_common_modules, print_table, run
from bench.provision import provision_many

TARGET_SECONDS = 60.0
ON = date(2025, 10, 1)
FILES = 200
FILE_BYTES = 64 * 1024


def body(
    consortium: Any, record: dict[str, Any], *, population: int, seed: int, jobs: int,
    analyze: bool, workdir: Path,
) -> dict[str, Any]:  # fmt: skip
    from juminkiroku.synth.load import residents_load
    from tenants.backup.dump import media_folder
    from tenants.backup.restore import schema_drop, town_restore
    from tenants.backup.services import town_backup
    from tenants.db import connection
    from tenants.models import Municipality
    from tenants.params.services import law_parameters_load
    from zeimu.synth import tax_data_load

    law_parameters_load()
    record["params"] = {"population": population, "seed": seed, "jobs": jobs, "analyze": analyze}
    (town,) = provision_many(consortium, 1, modules=kanagawa_common_modules(), progress=False)
    municipality = Municipality.objects.get(schema_name=town["schema"])
    connection.set_tenant(municipality)
    print(f"[backup] loading {population:,} residents and their tax data …")
    t = time.perf_counter()
    residents_load(population=population, seed=seed, on=ON)
    tax = tax_data_load(income_year=2024, seed=seed)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    connection.set_schema_to_public()
    folder = media_folder(municipality.schema_name) / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(FILES):
        (folder / f"{i:04d}.pdf").write_bytes(os.urandom(FILE_BYTES))
    record["setup"] = {"town_seconds": round(time.perf_counter() - t, 1), "tax_data": tax}

    print(f"[backup] dump with {jobs} connection(s) …")
    t = time.perf_counter()
    backup = town_backup(municipality, root=workdir / "primary", second=None, keep=1, jobs=jobs)
    dump_seconds = time.perf_counter() - t
    manifest = backup.manifest
    connection.set_schema_to_public()
    print(f"[backup] restore + verify with {jobs} connection(s) …")
    t = time.perf_counter()
    result = town_restore(backup.path, "jc_bench_restore", jobs=jobs, analyze=analyze)
    restore_seconds = time.perf_counter() - t
    schema_drop("jc_bench_restore")
    record["dump"] = {
        "seconds": round(dump_seconds, 2),
        "tables": len(manifest.tables),
        "rows": manifest.total_rows,
        "bytes": manifest.total_bytes,
        "files": len(manifest.files),
        "steps": manifest.seconds,
    }
    record["restore"] = {
        "seconds": round(restore_seconds, 2),
        "steps": result.seconds,
        "problems": result.problems,
    }
    biggest = sorted(manifest.tables, key=lambda x: -x.bytes)[:5]
    record["biggest_tables"] = [[x.name, x.rows, x.bytes] for x in biggest]
    print_table(
        f"town backup of {population:,} persons ({jobs} connections; "
        f"target ≤ {TARGET_SECONDS:.0f} s)",
        ["step", "seconds", "detail"],
        [
            ["dump", f"{dump_seconds:.2f}",
             f"{len(manifest.tables)} tables, {manifest.total_rows:,} rows, "
             f"{manifest.total_bytes / 2**20:,.0f} MiB, {len(manifest.files)} files"],
            ["restore + verify", f"{restore_seconds:.2f}",
             ", ".join(f"{k} {v:.1f}" for k, v in result.seconds.items())],
            ["verification", "", "OK" if result.ok else "; ".join(result.problems)],
        ],
    )  # fmt: skip
    return record


def main(argv: list[str]) -> int:
    parser = base_parser("backup", __doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--population", type=int, default=380_000, help="default 380,000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2, help="connections (default 2)")
    parser.add_argument("--analyze", action="store_true", help="ANALYZE after the restore")
    parser.add_argument("--workdir", help="where the backup is written (default: a temp dir)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.workdir, prefix="jc-bench-backup-") as tmp:
        os.environ.setdefault("JC_MEDIA_ROOT", str(Path(tmp) / "media"))
        return run(
            "backup",
            lambda consortium, record: body(
                consortium,
                record,
                population=args.population,
                seed=args.seed,
                jobs=args.jobs,
                analyze=args.analyze,
                workdir=Path(tmp),
            ),
            keep=args.keep,
        )
