"""Flat in the number of towns (issue 22, item 6): provision N towns (default 180) in one
batch on one connection, per ten; then one long-lived connection visits every town.

1. ``--old K`` towns cloned with django-tenants' ``clone_schema`` while the catalog is
   small, to compare with K more at the end (the drift this benchmark exists for).
2. N towns by ``municipality_provision`` (the template's DDL replayed), one connection,
   as a consortium's batch script does: seconds per call, per ten; the catalog probe
   (the ``information_schema.columns`` lookup ``clone_schema`` runs per table) timed at
   the start and at the end.
3. ``--old K`` towns by ``clone_schema`` again, the catalog now holding N towns.
4. One long-lived connection visits every town ``--rounds`` times (set the tenant, read
   ``--models`` tenant tables as a screen does): seconds per ten towns, this backend's
   catalog cache (``CacheMemoryContext``) and the process's RSS after each round.
"""

from __future__ import annotations

import logging
import resource
import statistics
import time
from typing import Any

from bench.common import (
    base_parser,
    fmt_seconds,
    kanagawa_common_modules,
    print_table,
    run,
    summary,
)
from bench.provision import backend_cache_bytes, backend_cpu_seconds, provision_many

NOISE = 1.25  # last ten over first ten at most this (a shared 2-core machine)


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def catalog_facts() -> dict[str, int]:
    from tenants.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class")
        relations = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname ~ '^m[0-9]{6}$'")
        towns = cursor.fetchone()[0]
        cursor.execute(
            "SELECT pg_database_size(current_database()), "
            "(SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'pg_catalog' AND c.relkind = 'r')"
        )
        database_bytes, catalog_bytes = cursor.fetchone()
    return {
        "pg_class_rows": relations,
        "town_schemas": towns,
        "database_bytes": int(database_bytes),
        "catalog_bytes": int(catalog_bytes),
    }


def catalog_probe(repeat: int = 20) -> float:
    """Seconds for one lookup of a table's columns through information_schema, as
    django-tenants' clone_schema makes for every table it copies."""
    from tenants.db import connection
    from tenants.services.schema_template import TEMPLATE_SCHEMA

    with connection.cursor() as cursor:
        t = time.perf_counter()
        for _ in range(repeat):
            cursor.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE (table_schema, table_name) = (%s, 'jobs_job') ORDER BY ordinal_position",
                [TEMPLATE_SCHEMA],
            )
            cursor.fetchall()
        return (time.perf_counter() - t) / repeat


def old_clones(consortium: Any, count: int, start: int) -> list[float]:
    """Seconds of django-tenants' clone_schema (the old way) for ``count`` new schemas."""
    from django.db import transaction
    from django_tenants.clone import CloneSchema

    from tenants.db import connection
    from tenants.services.schema_template import TEMPLATE_SCHEMA

    seconds = []
    for index in range(count):
        name = f"old{start + index:03d}"
        before = backend_cpu_seconds()
        t = time.perf_counter()
        with transaction.atomic():
            CloneSchema().clone_schema(TEMPLATE_SCHEMA, name, "DATA")
        seconds.append(time.perf_counter() - t)
        after = backend_cpu_seconds()
        connection.set_schema_to_public()
        cpu = f", backend CPU {after - before:.2f} s" if before is not None and after else ""
        print(f"  clone_schema {name}: {seconds[-1]:.2f} s{cpu}")
    return seconds


def per_ten(values: list[float]) -> list[dict[str, Any]]:
    out = []
    for i in range(0, len(values), 10):
        chunk = values[i : i + 10]
        out.append(
            {
                "towns": f"{i + 1}–{i + len(chunk)}",
                "sum": round(sum(chunk), 3),
                "median": round(statistics.median(chunk), 3),
                "max": round(max(chunk), 3),
            }
        )
    return out


def visit_every_town(schemas: list[str], *, rounds: int, models: int) -> dict[str, Any]:
    """One long-lived connection visits every town ``rounds`` times, reading ``models``
    tenant tables in each (a lookup by primary key and a small ordered page)."""
    from django.apps import apps
    from django.conf import settings
    from django.db import connections

    from tenants.db import connection
    from tenants.models import Municipality

    connections.close_all()  # a fresh backend: provisioning's cache is not counted
    tenant_apps = set(settings.TENANT_APPS)
    chosen = [
        m
        for m in sorted(apps.get_models(), key=lambda m: m._meta.db_table)
        if m._meta.app_config.name in tenant_apps and not m._meta.proxy and m._meta.managed
    ][:models]
    towns = list(Municipality.objects.filter(schema_name__in=schemas).order_by("schema_name"))
    out: dict[str, Any] = {"models": [m._meta.label for m in chosen], "rounds": []}
    for round_no in range(1, rounds + 1):
        per_town = []
        for town in towns:
            t = time.perf_counter()
            connection.set_tenant(town)
            for model in chosen:
                model._default_manager.filter(pk=1).first()
                list(model._default_manager.order_by("-pk")[:5])
            per_town.append(time.perf_counter() - t)
        connection.set_schema_to_public()
        row = {
            "round": round_no,
            "seconds": round(sum(per_town), 3),
            "per_ten": per_ten(per_town),
            "backend_cache_bytes": backend_cache_bytes(),
            "rss_mb": _rss_mb(),
        }
        out["rounds"].append(row)
        print(
            f"  visit round {round_no}: {row['seconds']:.2f} s over {len(towns)} towns, "
            f"backend cache {row['backend_cache_bytes']}, RSS {row['rss_mb']} MB"
        )
    return out


def body(
    consortium: Any, record: dict[str, Any], *, count: int, old: int, rounds: int, models: int
) -> dict[str, Any]:
    logging.getLogger("tenants.services.municipality").setLevel(logging.WARNING)
    modules = kanagawa_common_modules()
    record["params"] = {
        "count": count,
        "old": old,
        "rounds": rounds,
        "models": models,
        "modules": modules,
        "noise_factor": NOISE,
    }
    from tenants.services.schema_template import schema_template_refresh

    t = time.perf_counter()
    schema_template_refresh()
    record["template_build_seconds"] = round(time.perf_counter() - t, 3)
    old_first = old_clones(consortium, old, 1) if old else []
    record["catalog_start"] = {**catalog_facts(), "probe_seconds": round(catalog_probe(), 5)}

    print(f"[towns] provisioning {count} towns in one batch, one connection")
    rows = provision_many(consortium, count, modules=modules)
    walls = [r["wall"] for r in rows]
    loads = [r["load1"] for r in rows]
    cpus = [r["client_cpu"] + (r["backend_cpu"] or 0.0) for r in rows]
    clones = [r["schema_clone"] for r in rows]
    record["catalog_end"] = {**catalog_facts(), "probe_seconds": round(catalog_probe(), 5)}
    record["backend_cache_bytes_after_provisioning"] = backend_cache_bytes()
    record["rss_mb_after_provisioning"] = _rss_mb()
    old_last = old_clones(consortium, old, old + 1) if old else []

    # the first call reads the template's DDL (pg_dump): reported apart
    first_ten, last_ten = walls[1:11], walls[-10:]
    ratio = statistics.median(last_ten) / statistics.median(first_ten)
    record["results"] = {
        "first_call": rows[0],
        "per_ten_wall": per_ten(walls),
        "per_ten_clone": per_ten(clones),
        "per_ten_load1": per_ten(loads),
        "per_ten_cpu": per_ten(cpus),
        "first_ten_cpu_median": round(statistics.median(cpus[1:11]), 3),
        "last_ten_cpu_median": round(statistics.median(cpus[-10:]), 3),
        "first_ten_median": round(statistics.median(first_ten), 3),
        "last_ten_median": round(statistics.median(last_ten), 3),
        "last_over_first": round(ratio, 3),
        "flat": ratio <= NOISE,
        "old_clone_first": summary(old_first),
        "old_clone_last": summary(old_last),
    }
    record["per_call"] = rows
    record["visit"] = visit_every_town([r["schema"] for r in rows], rounds=rounds, models=models)

    table = [
        [
            p["towns"],
            fmt_seconds(p["median"]),
            fmt_seconds(p["max"]),
            fmt_seconds(c["median"]),
            fmt_seconds(p["sum"]),
            fmt_seconds(cpu["median"]),
            f"{load['median']:.2f}",
        ]
        for p, c, cpu, load in zip(
            record["results"]["per_ten_wall"],
            record["results"]["per_ten_clone"],
            record["results"]["per_ten_cpu"],
            record["results"]["per_ten_load1"],
            strict=True,
        )
    ]
    print_table(
        f"municipality_provision ×{count}, one connection (seconds)",
        ["towns", "median", "max", "clone median", "sum", "CPU median", "load (1 min)"],
        table,
    )
    visit_rows = [
        [
            f"round {r['round']}",
            fmt_seconds(r["per_ten"][0]["sum"]),
            fmt_seconds(r["per_ten"][-1]["sum"]),
            fmt_seconds(r["seconds"]),
            r["backend_cache_bytes"],
            r["rss_mb"],
        ]
        for r in record["visit"]["rounds"]
    ]
    print_table(
        f"one connection visits every town, {models} tables each (seconds)",
        ["", "first ten", "last ten", "all", "backend cache B", "RSS MB"],
        visit_rows,
    )
    res = record["results"]
    print(
        f"\nfirst call (reads the template's DDL) {rows[0]['wall']:.2f} s; "
        f"calls 2–11 median {res['first_ten_median']:.3f} s, "
        f"last ten {res['last_ten_median']:.3f} s "
        f"(×{res['last_over_first']}): {'flat' if res['flat'] else 'NOT flat'} "
        f"(noise allowance ×{NOISE})"
    )
    start, end = record["catalog_start"], record["catalog_end"]
    towns = max(1, end["town_schemas"] - start["town_schemas"])
    record["per_town"] = {
        "relations": round((end["pg_class_rows"] - start["pg_class_rows"]) / towns),
        "database_bytes": round((end["database_bytes"] - start["database_bytes"]) / towns),
        "catalog_bytes": round((end["catalog_bytes"] - start["catalog_bytes"]) / towns),
    }
    print(
        f"per town: {record['per_town']['relations']} relations, "
        f"{record['per_town']['database_bytes'] / 2**20:.2f} MiB on disk, of which catalog "
        f"{record['per_town']['catalog_bytes'] / 2**20:.2f} MiB"
    )
    print(
        f"catalog: {record['catalog_start']['pg_class_rows']} → "
        f"{record['catalog_end']['pg_class_rows']} relations; information_schema probe "
        f"{record['catalog_start']['probe_seconds'] * 1000:.1f} → "
        f"{record['catalog_end']['probe_seconds'] * 1000:.1f} ms"
    )
    print(
        f"CPU (client + backend) per town: calls 2–11 median {res['first_ten_cpu_median']:.3f} s, "
        f"last ten {res['last_ten_cpu_median']:.3f} s"
    )
    if old:
        print(
            f"django-tenants clone_schema: median {res['old_clone_first']['median']} s at the "
            f"start, {res['old_clone_last']['median']} s with {count} towns in the catalog"
        )
    return record


def main(argv: list[str]) -> int:
    parser = base_parser("towns", __doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--count", type=int, default=180, help="towns (default 180)")
    parser.add_argument(
        "--old",
        type=int,
        default=3,
        help="schemas cloned by django-tenants' clone_schema before and after (default 3)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="visit rounds (default 3)")
    parser.add_argument("--models", type=int, default=20, help="tables read per town visit")
    args = parser.parse_args(argv)
    if args.count < 21:
        parser.error("--count must be at least 21 (first ten and last ten apart)")
    return run(
        "towns",
        lambda consortium, record: body(
            consortium,
            record,
            count=args.count,
            old=args.old,
            rounds=args.rounds,
            models=args.models,
        ),
        keep=args.keep,
    )
