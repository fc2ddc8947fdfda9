"""Provisioning benchmark: municipality_provision for N municipalities (17 modules each,
one network, an administrator), against plain django-tenants creation (save() then
create_schema(), which runs every tenant migration).

Target (issue): ≤ 2 s per municipality. The first call also builds the template schema
(tenants.services.schema_template), so it is reported apart from the rest.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import date
from typing import Any

from bench.common import (
    base_parser,
    dantai_codes,
    fmt_seconds,
    kanagawa_common_modules,
    print_table,
    run,
    summary,
)

TARGET_SECONDS = 2.0
NETWORKS = ["10.0.0.0/8"]


def backend_cpu_seconds() -> float | None:
    """CPU seconds (user + system) this connection's PostgreSQL backend has used, from
    /proc (the server runs on this machine in the benchmarks); None if unreadable."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def provision_many(
    consortium: Any,
    count: int,
    *,
    modules: list[str],
    progress: bool = True,
    fresh_connection: bool = False,
) -> list[dict[str, Any]]:
    """Provision ``count`` municipalities the way the consortium office does; one row of
    timings (seconds) per call, in order. With ``fresh_connection`` the database
    connection is closed before each call (untimed), as when each provisioning is its
    own request or job; otherwise all run on one connection, like a batch script."""
    from django.db import connections

    from tenants.services.municipality import municipality_provision

    rows: list[dict[str, Any]] = []
    for index, code in enumerate(dantai_codes(count), start=1):
        slug = f"bench{index:03d}"
        if fresh_connection:
            connections.close_all()
        backend_before = backend_cpu_seconds()
        cpu = time.process_time()
        t = time.perf_counter()
        result = municipality_provision(
            consortium=consortium,
            dantai_code=code,
            name=f"ベンチ町{index}",
            name_kana="べんちまち",
            prefecture="神奈川県",
            population=10_000 + index,
            population_date=None,
            go_live=date(2027, 4, 1),
            subdomain=slug,
            gyomu_codes=modules,
            networks=NETWORKS,
            admin_username=f"{slug}-admin",
            acting_user=None,
        )
        wall = time.perf_counter() - t
        client_cpu = time.process_time() - cpu
        backend_after = backend_cpu_seconds()
        backend_cpu = (
            backend_after - backend_before
            if backend_before is not None and backend_after is not None
            else None
        )
        timings = dict(result.timings)
        rest = timings["total"] - timings.get("public_rows", 0.0) - timings.get("schema", 0.0)
        rows.append(
            {
                "index": index,
                "dantai_code": code,
                "schema": result.municipality.schema_name,
                "wall": round(wall, 4),
                "seconds": round(result.seconds, 4),
                "public_rows": round(timings.get("public_rows", 0.0), 4),
                "schema_clone": round(timings.get("schema", 0.0), 4),
                "admin_and_log": round(rest, 4),
                "load1": round(os.getloadavg()[0], 2),
                # work done, whatever the machine's load: this process and its backend
                "client_cpu": round(client_cpu, 4),
                "backend_cpu": None if backend_cpu is None else round(backend_cpu, 4),
            }
        )
        if progress and (index == 1 or index % 10 == 0 or index == count):
            print(
                f"  provisioned {index}/{count} ({result.municipality.schema_name}: {wall:.2f} s)"
            )
    return rows


def plain_create_many(consortium: Any, count: int) -> list[dict[str, Any]]:
    """What django-tenants does without the template: Municipality(...).save(), then
    create_schema(check_if_exists=True), which runs every tenant migration."""
    from tenants.models import Municipality

    rows: list[dict[str, Any]] = []
    for index, code in enumerate(dantai_codes(count, start=15001), start=1):
        t0 = time.perf_counter()
        municipality = Municipality(
            schema_name=f"m{code}",
            consortium=consortium,
            dantai_code=code,
            name=f"素の町{index}",
            name_kana="すのまち",
            prefecture="新潟県",
            population=10_000,
        )
        municipality.save()
        t1 = time.perf_counter()
        municipality.create_schema(check_if_exists=True, verbosity=0)
        t2 = time.perf_counter()
        rows.append(
            {
                "index": index,
                "dantai_code": code,
                "schema": municipality.schema_name,
                "wall": round(t2 - t0, 4),
                "save": round(t1 - t0, 4),
                "create_schema": round(t2 - t1, 4),
            }
        )
        print(f"  plain create {index}/{count} ({municipality.schema_name}: {t2 - t0:.2f} s)")
    return rows


def tenant_schema_facts(schema: str) -> dict[str, int]:
    """Tables and applied migrations of one tenant schema (what cloning copies)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s", [schema]
        )
        tables = cursor.fetchone()[0]
        cursor.execute(f'SELECT count(*) FROM "{schema}".django_migrations')
        migrations = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s",
            [schema],
        )
        relations = cursor.fetchone()[0]
    return {"tables": tables, "relations": relations, "migration_records": migrations}


def backend_cache_bytes() -> int | None:
    """Size of this connection's PostgreSQL catalog cache (CacheMemoryContext)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(total_bytes) FROM pg_backend_memory_contexts "
            "WHERE name = 'CacheMemoryContext'"
        )
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else None


def phase_rows(label: str, rows: list[dict[str, Any]], keys: list[tuple[str, str]]) -> list[Any]:
    out = []
    for key, title in keys:
        s = summary([r[key] for r in rows])
        out.append(
            [f"{label} {title}", s["n"]] + [fmt_seconds(s[k]) for k in ("median", "p90", "max")]
        )
    return out


def body(
    consortium: Any, record: dict[str, Any], *, count: int, plain: int, fresh_connection: bool
) -> dict[str, Any]:
    from tenants.services.schema_template import TEMPLATE_SCHEMA

    # One INFO line per call would break up the progress output.
    logging.getLogger("tenants.services.municipality").setLevel(logging.WARNING)
    modules = kanagawa_common_modules()
    record["params"] = {
        "count": count,
        "plain": plain,
        "modules": modules,
        "networks": NETWORKS,
        "admin_user": True,
        "fresh_connection": fresh_connection,
        "target_seconds": TARGET_SECONDS,
    }
    connection_mode = "a fresh connection each" if fresh_connection else "one connection"
    print(f"[provision] {count} municipalities, {len(modules)} modules each, {connection_mode}")
    rows = provision_many(consortium, count, modules=modules, fresh_connection=fresh_connection)
    record["backend_cache_bytes_after"] = backend_cache_bytes()
    first, rest = rows[0], rows[1:]
    # Drift: the same call gets slower as the connection accumulates cloned schemas.
    window = max(1, min(5, len(rest) // 2))
    early, late = rest[:window], rest[-window:]
    plain_rows = plain_create_many(consortium, plain) if plain else []
    facts = tenant_schema_facts(TEMPLATE_SCHEMA)
    record["tenant_schema"] = facts

    rest_wall = summary([r["wall"] for r in rest])
    plain_wall = summary([r["wall"] for r in plain_rows])
    record["results"] = {
        "first": first,
        "rest": {
            "wall": rest_wall,
            "public_rows": summary([r["public_rows"] for r in rest]),
            "schema_clone": summary([r["schema_clone"] for r in rest]),
            "admin_and_log": summary([r["admin_and_log"] for r in rest]),
            "early": summary([r["wall"] for r in early]),
            "late": summary([r["wall"] for r in late]),
        },
        "plain_django_tenants": {
            "wall": plain_wall,
            "save": summary([r["save"] for r in plain_rows]),
            "create_schema": summary([r["create_schema"] for r in plain_rows]),
        },
        "target_met": {
            "first": first["wall"] <= TARGET_SECONDS,
            "rest_max": (rest_wall["max"] or 0) <= TARGET_SECONDS,
        },
        # Schema step only: the plain path creates no domain, subscriptions or admin.
        "schema_speedup_median": (
            round(
                summary([r["create_schema"] for r in plain_rows])["median"]  # type: ignore[operator]
                / summary([r["schema_clone"] for r in rest])["median"],
                1,
            )
            if plain_rows and rest
            else None
        ),
    }
    record["per_call"] = {"provision": rows, "plain": plain_rows}

    headers = ["seconds per municipality", "n", "median", "p90", "max"]
    table: list[list[Any]] = [
        ["1st provision (builds template)", 1, fmt_seconds(first["wall"]), "", ""],
        ["  of which schema (template+clone)", 1, fmt_seconds(first["schema_clone"]), "", ""],
    ]
    table += phase_rows(
        "provision",
        rest,
        [
            ("wall", "total"),
            ("public_rows", "public rows"),
            ("schema_clone", "clone schema"),
            ("admin_and_log", "admin+log"),
        ],
    )
    table += phase_rows(f"calls 2–{1 + window}", early, [("wall", "total")]) + phase_rows(
        f"calls {count - window + 1}–{count}", late, [("wall", "total")]
    )
    if plain_rows:
        table += phase_rows(
            "plain", plain_rows, [("wall", "total"), ("create_schema", "create_schema")]
        )
    print_table(
        f"municipality_provision, {len(modules)} modules, tenant schema of "
        f"{facts['tables']} tables / {facts['migration_records']} migrations",
        headers,
        table,
    )
    met = record["results"]["target_met"]
    print(
        f"\ntarget ≤ {TARGET_SECONDS:.0f} s: first {'met' if met['first'] else 'MISSED'}, "
        f"rest (max) {'met' if met['rest_max'] else 'MISSED'}"
        + (
            f"; cloning the template is {record['results']['schema_speedup_median']}× faster "
            "than create_schema running every migration (medians, schema step only)"
            if record["results"]["schema_speedup_median"]
            else ""
        )
    )
    return record


def main(argv: list[str]) -> int:
    parser = base_parser("provision", __doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--count", type=int, default=20, help="municipalities (default 20)")
    parser.add_argument(
        "--plain",
        type=int,
        default=3,
        help="tenants created the plain django-tenants way for comparison (default 3, 0 skips)",
    )
    parser.add_argument(
        "--fresh-connection",
        action="store_true",
        help="close the database connection before each provisioning (default: one connection)",
    )
    args = parser.parse_args(argv)
    if args.count < 2:
        parser.error("--count must be at least 2 (the first is reported apart)")
    return run(
        "provision",
        lambda consortium, record: body(
            consortium,
            record,
            count=args.count,
            plain=args.plain,
            fresh_connection=args.fresh_connection,
        ),
        keep=args.keep,
        output_name="provision-fresh" if args.fresh_connection else "provision",
    )
