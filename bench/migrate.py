"""migrate_schemas benchmark: N tenants provisioned, then ``manage.py migrate_schemas``
(every schema, as a subprocess like an operator runs it) with nothing to apply and with
a one-column migration, for the standard and the multiprocessing executor.

The one-column migration never touches the repository: the jobs migrations are copied
into a temporary directory together with ``0999_bench_field.py`` (RunSQL ADD/DROP
COLUMN on jobs_job), and the subprocess runs with a settings module, also in that
directory, that is config.settings.dev plus MIGRATION_MODULES = {"jobs": <the copy>}.
The app label, migration names and per-schema work are exactly those of a migration
file in tenants/jobs/migrations/; the directory is removed in a ``finally``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.common import (
    REPO,
    SETTINGS_MODULE,
    base_parser,
    fmt_seconds,
    kanagawa_common_modules,
    print_table,
    run,
    summary,
)
from bench.provision import provision_many

JOBS_APP_LABEL = "jobs"
JOBS_MIGRATIONS = REPO / "tenants" / "jobs" / "migrations"
BENCH_MIGRATION = "0999_bench_field"
OVERLAY_PACKAGE = "jc_bench_jobs_migrations"
OVERLAY_SETTINGS = "jc_bench_settings"
EXECUTORS = ("standard", "multiprocessing")

MIGRATION_SOURCE = '''"""Throw-away migration of bench/migrate.py: a nullable column on jobs_job."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("{app}", "{leaf}")]
    operations = [
        migrations.RunSQL(
            "ALTER TABLE jobs_job ADD COLUMN bench_note text",
            "ALTER TABLE jobs_job DROP COLUMN bench_note",
        )
    ]
'''

SETTINGS_SOURCE = f'''"""config.settings.dev, with the jobs migrations read from the bench copy."""

from {SETTINGS_MODULE} import *  # noqa: F403

MIGRATION_MODULES = {{"{JOBS_APP_LABEL}": "{OVERLAY_PACKAGE}"}}
'''


def jobs_leaf_migration() -> str:
    """Name of the latest jobs migration (the one the bench migration depends on)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    leaves = loader.graph.leaf_nodes(JOBS_APP_LABEL)
    if len(leaves) != 1:
        raise RuntimeError(f"expected one leaf migration of {JOBS_APP_LABEL}, found {leaves}")
    return leaves[0][1]


@contextmanager
def one_field_overlay(leaf: str) -> Iterator[Path]:
    """A temporary directory holding a copy of the jobs migrations plus the bench
    migration, and a settings module pointing MIGRATION_MODULES at it. Removed on exit,
    whatever happens; nothing is written under the repository."""
    tmp = Path(tempfile.mkdtemp(prefix="jc-bench-migrate-"))
    try:
        package = tmp / OVERLAY_PACKAGE
        package.mkdir()
        for source in sorted(JOBS_MIGRATIONS.glob("*.py")):
            shutil.copy2(source, package / source.name)
        if not (package / "__init__.py").exists():
            (package / "__init__.py").write_text("")
        (package / f"{BENCH_MIGRATION}.py").write_text(
            MIGRATION_SOURCE.format(app=JOBS_APP_LABEL, leaf=leaf), encoding="utf-8"
        )
        (tmp / f"{OVERLAY_SETTINGS}.py").write_text(SETTINGS_SOURCE, encoding="utf-8")
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def manage(args: list[str], *, overlay: Path | None = None) -> dict[str, Any]:
    """Run ``manage.py ARGS`` against the bench database; wall seconds and output size."""
    env = dict(os.environ)  # DATABASE_URL and DJANGO_SETTINGS_MODULE set by django_setup
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if overlay is not None:
        env["DJANGO_SETTINGS_MODULE"] = OVERLAY_SETTINGS
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(overlay), str(REPO), env.get("PYTHONPATH", "")) if p
        )
    command = [sys.executable, str(REPO / "manage.py"), *args]
    t = time.perf_counter()
    proc = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-30:])
        raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}:\n{tail}")
    return {"seconds": round(seconds, 3), "output_lines": len(proc.stdout.splitlines())}


def bench_column_count() -> int:
    """Schemas whose jobs_job has the bench column."""
    from django.db import connection

    connection.set_schema_to_public()  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = 'jobs_job' AND column_name = 'bench_note'"
        )
        return int(cursor.fetchone()[0])


def pending_migrations_check() -> None:
    """Fail early if the provisioned schemas are not fully migrated (then 'no-op' would
    not be one)."""
    out = manage(["migrate_schemas", "--check", "--noinput", "--verbosity=0"])
    print(f"  migrate_schemas --check: nothing pending ({out['seconds']:.1f} s)")


def body(
    consortium: Any,
    record: dict[str, Any],
    *,
    tenants: int,
    repeat: int,
    executors: list[str],
) -> dict[str, Any]:
    import logging

    from django.conf import settings

    logging.getLogger("tenants.services.municipality").setLevel(logging.WARNING)
    record["params"] = {
        "tenants": tenants,
        "schemas_migrated": tenants + 1,  # + public
        "repeat": repeat,
        "executors": executors,
        "multiprocessing_processes": getattr(settings, "TENANT_MULTIPROCESSING_MAX_PROCESSES", 2),
        "multiprocessing_chunks": getattr(settings, "TENANT_MULTIPROCESSING_CHUNKS", 2),
        "one_field_sql": "ALTER TABLE jobs_job ADD COLUMN bench_note text",
    }
    modules = kanagawa_common_modules()
    print(f"[migrate] provisioning {tenants} municipalities ({len(modules)} modules each)")
    rows = provision_many(consortium, tenants, modules=modules)
    record["provision"] = {
        "first": rows[0]["wall"],
        "rest": summary([r["wall"] for r in rows[1:]]),
    }
    pending_migrations_check()

    results: dict[str, dict[str, list[float]]] = {
        e: {"noop": [], "noop_quiet": [], "one_field": [], "rollback": []} for e in executors
    }
    startup: list[float] = []
    print(f"[migrate] Django start-up baseline (manage.py check), ×{repeat}")
    for _ in range(repeat):
        startup.append(manage(["check"])["seconds"])

    print(f"[migrate] no-op migrate_schemas over {tenants} tenants + public, ×{repeat}")
    for rep in range(repeat):
        for executor in executors:
            out = manage(["migrate_schemas", f"--executor={executor}", "--noinput"])
            # At verbosity 0 Django skips the per-schema autodetector run that looks
            # for model changes without a migration ("No migrations to apply" + hint).
            quiet = manage(["migrate_schemas", f"--executor={executor}", "--noinput", "-v", "0"])
            results[executor]["noop"].append(out["seconds"])
            results[executor]["noop_quiet"].append(quiet["seconds"])
            print(
                f"  {rep + 1}/{repeat} {executor:<15} no-op {out['seconds']:.2f} s, "
                f"with -v 0 {quiet['seconds']:.2f} s"
            )

    leaf = jobs_leaf_migration()
    record["params"]["one_field_migration"] = f"{JOBS_APP_LABEL}.{BENCH_MIGRATION} after {leaf}"
    print(
        f"[migrate] one-column migration {JOBS_APP_LABEL}.{BENCH_MIGRATION} + rollback, ×{repeat}"
    )
    with one_field_overlay(leaf) as overlay:
        for rep in range(repeat):
            for executor in executors:
                forward = manage(
                    ["migrate_schemas", f"--executor={executor}", "--noinput"], overlay=overlay
                )
                applied = bench_column_count()
                if applied != tenants:
                    raise RuntimeError(f"column added in {applied} schemas, expected {tenants}")
                back = manage(
                    [
                        "migrate_schemas",
                        JOBS_APP_LABEL,
                        leaf,
                        f"--executor={executor}",
                        "--noinput",
                    ],
                    overlay=overlay,
                )
                left = bench_column_count()
                if left != 0:
                    raise RuntimeError(f"column still present in {left} schemas after rollback")
                results[executor]["one_field"].append(forward["seconds"])
                results[executor]["rollback"].append(back["seconds"])
                print(
                    f"  {rep + 1}/{repeat} {executor:<15} one field {forward['seconds']:.2f} s, "
                    f"rollback {back['seconds']:.2f} s"
                )
    if overlay.exists():
        raise RuntimeError(f"temporary directory {overlay} was not removed")
    if (JOBS_MIGRATIONS / f"{BENCH_MIGRATION}.py").exists():
        raise RuntimeError(f"{BENCH_MIGRATION}.py found in the repository: remove it")

    record["results"] = {
        "startup_check": summary(startup),
        **{
            executor: {kind: summary(values) for kind, values in kinds.items()}
            for executor, kinds in results.items()
        },
    }
    record["raw"] = {"startup_check": startup, **results}

    schemas = tenants + 1
    startup_median = float(summary(startup)["median"] or 0.0)
    headers = [
        "seconds",
        *[f"{e} (median)" for e in executors],
        "std: (median − start-up) / schema",
    ]
    table: list[list[Any]] = []
    per_schema: dict[str, float] = {}
    for kind, title in (
        ("noop", "no-op migrate_schemas"),
        ("noop_quiet", "no-op, -v 0 (no autodetector)"),
        ("one_field", "one-column migration"),
        ("rollback", "its rollback (jobs <leaf>)"),
    ):
        medians = [record["results"][e][kind]["median"] for e in executors]
        std = record["results"].get("standard", {}).get(kind, {}).get("median")
        if std is not None:
            per_schema[kind] = round((std - startup_median) / schemas, 4)
        table.append([title, *[fmt_seconds(m) for m in medians], fmt_seconds(per_schema.get(kind))])
    record["results"]["standard_seconds_per_schema"] = per_schema
    table.append(
        [
            "Django start-up (manage.py check)",
            fmt_seconds(startup_median),
            *[""] * (len(headers) - 2),
        ]
    )
    print_table(
        f"migrate_schemas, {tenants} tenants + public ({schemas} schemas), median of {repeat}",
        headers,
        table,
    )
    return record


def main(argv: list[str]) -> int:
    parser = base_parser("migrate", __doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--tenants", type=int, default=50, help="municipalities (default 50)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (3)")
    parser.add_argument(
        "--executors",
        default=",".join(EXECUTORS),
        help="comma-separated django-tenants executors (default standard,multiprocessing)",
    )
    args = parser.parse_args(argv)
    if args.tenants < 2 or args.repeat < 1:
        parser.error("--tenants must be ≥ 2 and --repeat ≥ 1")
    executors = [e.strip() for e in args.executors.split(",") if e.strip()]
    return run(
        "migrate",
        lambda consortium, record: body(
            consortium, record, tenants=args.tenants, repeat=args.repeat, executors=executors
        ),
        keep=args.keep,
    )
