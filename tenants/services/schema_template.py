"""New municipality schemas are cloned from a migrated template schema.

Running every migration for each new tenant grows with the number of migrations
(STACK-NOTES); cloning a template that is already migrated takes a fraction of a
second. The template carries a fingerprint of the migration files it was built from
(as a schema comment); when the code's migrations differ, it is rebuilt first.

How a clone is made (issue 22, item 6). django-tenants' ``clone_schema`` (a PL/pgSQL
port of pg-clone-schema) reads ``information_schema`` and ``pg_catalog`` views once per
table, column, index and constraint; those views scan the whole catalog, so each clone
took longer as towns were added (1.2 s for the 30th town, 8–10 s for the 170th; a profile
puts nearly all of it in that one statement). Here the template's DDL is read ONCE per
template (per migration state): ``pg_dump --schema-only --schema=jc_template`` gives
every table, column default, identity, sequence, index, constraint, trigger, function,
comment and grant, all schema-qualified; the script is kept with the rows the template
holds (its ``django_migrations``) and its sequences' positions. A clone replays that
script with the schema name put in, copies those rows and sets the sequences: plain
DDL whose cost does not depend on how many schemas the catalog already holds
(bench/bench_towns.py; docs/benchmarks.md). ``tenants/tests/test_schema_clone.py``
proves a clone identical to the migrated template.

The script is rebuilt when the template is (its fingerprint or its namespace oid
changes), so a process never replays DDL of an older migration state.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_exists

from tenants.db import connection

logger = logging.getLogger(__name__)

TEMPLATE_SCHEMA = "jc_template"


@lru_cache(maxsize=1)
def migrations_fingerprint() -> str:
    digest = hashlib.sha256()
    tenant_apps = set(settings.TENANT_APPS)
    for config in sorted(apps.get_app_configs(), key=lambda c: c.name):
        if config.name not in tenant_apps:
            continue
        folder = Path(config.path) / "migrations"
        for path in sorted(folder.glob("*.py")):
            digest.update(f"{config.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def _template_fingerprint() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
            [TEMPLATE_SCHEMA],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def schema_template_refresh(*, force: bool = False) -> bool:
    """Build (or rebuild) the template schema if missing or stale. Returns True if built."""
    connection.set_schema_to_public()
    wanted = migrations_fingerprint()
    if not force and _template_fingerprint() == wanted:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{TEMPLATE_SCHEMA}" CASCADE')
        cursor.execute(f'CREATE SCHEMA "{TEMPLATE_SCHEMA}"')
    call_command(
        "migrate_schemas", tenant=True, schema_name=TEMPLATE_SCHEMA, interactive=False, verbosity=0
    )
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON SCHEMA \"{TEMPLATE_SCHEMA}\" IS '{wanted}'")
    return True


@dataclass(frozen=True)
class TemplateScript:
    """What a clone replays: the template's DDL with ``{schema}`` for its name, the
    template's rows (table, column list) and its sequences' positions."""

    key: tuple[str, int]
    ddl: str
    tables_with_rows: tuple[tuple[str, str], ...]
    sequences: tuple[tuple[str, int, bool], ...]


_script_cache: dict[str, TemplateScript] = {}

_NAME = re.compile(rf"(?<![\w\"]){TEMPLATE_SCHEMA}(?![\w\"])")
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# pg_dump's session settings: dropped, the replay sets what it needs with SET LOCAL.
_SESSION_LINE = re.compile(r"^(SET [a-z_]+ = .*;|SELECT pg_catalog\.set_config\(.*\);)$")


def _template_key() -> tuple[str, int] | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT obj_description(oid, 'pg_namespace'), oid::bigint FROM pg_namespace "
            "WHERE nspname = %s",
            [TEMPLATE_SCHEMA],
        )
        row = cursor.fetchone()
    return (row[0] or "", int(row[1])) if row else None


def _pg_dump_template() -> str:
    """The template schema's DDL from pg_dump (same major version as the server)."""
    executable = shutil.which("pg_dump")
    if executable is None:
        raise RuntimeError("pg_dump が見つかりません（postgresql-client を導入してください）。")
    db = connection.settings_dict
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    # pg_dump is another session: a template rebuilt in this session's open transaction
    # is invisible (or locked) to it; the lock wait is short and template_script()
    # checks the dump against what this session sees.
    args = [
        executable,
        "--schema-only",
        "--no-owner",
        "--lock-wait-timeout=2000",
        f"--schema={TEMPLATE_SCHEMA}",
    ]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    args.append(f"--dbname={db['NAME']}")
    # S603: a fixed executable and arguments from settings, no shell.
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        # pg_dump's message names objects, never row values (--schema-only).
        raise RuntimeError(f"pg_dump failed ({done.returncode}): {done.stderr.strip()[:500]}")
    return done.stdout


def template_ddl(dump: str) -> str:
    """pg_dump's script made replayable on a Django connection: no psql meta-commands,
    no session settings, no COMMENT ON SCHEMA (the template's fingerprint), the schema
    name as ``{schema}``. Refuses a dump whose template name it cannot place."""
    out: list[str] = []
    for line in dump.splitlines():
        if line.startswith("\\") or _SESSION_LINE.match(line):
            continue
        if line.startswith(f"COMMENT ON SCHEMA {TEMPLATE_SCHEMA} IS "):
            continue
        out.append(line.replace("{", "{{").replace("}", "}}"))
    text = _NAME.sub("{schema}", "\n".join(out))
    if TEMPLATE_SCHEMA in text:
        raise RuntimeError(f"{TEMPLATE_SCHEMA} left in the template DDL after renaming")
    return text


class TemplateNotDumpable(RuntimeError):
    """pg_dump could not give the template this session sees (see template_script)."""


def template_script() -> TemplateScript:
    """The template's script, built on first use and whenever the template changes.

    Raises TemplateNotDumpable when pg_dump fails or dumps a template other than the one
    this session sees (one rebuilt in a transaction not yet committed): its fingerprint
    comment and its number of tables must match."""
    key = _template_key()
    if key is None:
        raise RuntimeError(f"template schema {TEMPLATE_SCHEMA} is missing")
    cached = _script_cache.get(TEMPLATE_SCHEMA)
    if cached is not None and cached.key == key:
        return cached
    try:
        dump = _pg_dump_template()
    except (OSError, RuntimeError) as exc:
        raise TemplateNotDumpable(str(exc)) from exc
    if f"COMMENT ON SCHEMA {TEMPLATE_SCHEMA} IS '{key[0]}';" not in dump:
        raise TemplateNotDumpable("pg_dump saw another template (fingerprint differs)")
    ddl = template_ddl(dump)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
            "AND NOT a.attisdropped AND a.attgenerated = '' "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') GROUP BY c.relname "
            "ORDER BY c.relname",
            [TEMPLATE_SCHEMA],
        )
        tables = cursor.fetchall()
        with_rows = []
        for table, columns in tables:
            # S608 here and below: catalog names of the template schema, no input.
            cursor.execute(f'SELECT EXISTS (SELECT FROM "{TEMPLATE_SCHEMA}"."{table}")')  # noqa: S608
            if cursor.fetchone()[0]:
                with_rows.append((table, columns))
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = 'S' ORDER BY c.relname",
            [TEMPLATE_SCHEMA],
        )
        sequences = []
        for (name,) in cursor.fetchall():
            cursor.execute(f'SELECT last_value, is_called FROM "{TEMPLATE_SCHEMA}"."{name}"')  # noqa: S608
            last_value, is_called = cursor.fetchone()
            if is_called:
                sequences.append((name, int(last_value), True))
    dumped_tables = len(re.findall(r"^CREATE TABLE ", ddl, flags=re.MULTILINE))
    if dumped_tables != len(tables):
        raise TemplateNotDumpable(f"pg_dump gave {dumped_tables} tables, not {len(tables)}")
    script = TemplateScript(key, ddl, tuple(with_rows), tuple(sequences))
    _script_cache[TEMPLATE_SCHEMA] = script
    return script


def _replay(script: TemplateScript, schema_name: str) -> None:
    if not _SCHEMA_NAME.match(schema_name):
        raise ValueError(f"schema name {schema_name!r} is not allowed")
    target = f'"{schema_name}"'
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path')")
        search_path = cursor.fetchone()[0]
        # SET LOCAL: ends with the transaction; search_path is put back below as well,
        # since django-tenants remembers what it set and would not set it again.
        cursor.execute(
            "SELECT pg_catalog.set_config('search_path', '', true), "
            "pg_catalog.set_config('check_function_bodies', 'false', true), "
            "pg_catalog.set_config('client_min_messages', 'warning', true)"
        )
        # On an error the savepoint rolls back, and the settings with it.
        cursor.execute(script.ddl.format(schema=target))
        for table, columns in script.tables_with_rows:
            copy_rows = (
                f'INSERT INTO {target}."{table}" ({columns}) OVERRIDING SYSTEM VALUE '  # noqa: S608
                f'SELECT {columns} FROM "{TEMPLATE_SCHEMA}"."{table}"'
            )
            cursor.execute(copy_rows)
        for name, last_value, is_called in script.sequences:
            cursor.execute(
                "SELECT pg_catalog.setval(%s::regclass, %s, %s)",
                [f'{target}."{name}"', last_value, is_called],
            )
        cursor.execute("SELECT pg_catalog.set_config('search_path', %s, true)", [search_path])


def schema_create_from_template(schema_name: str) -> None:
    """Create ``schema_name`` as a copy of the template (structure, the migration
    records, sequences where the template's are, and the access log's append-only
    trigger)."""
    from tenants.accesslog.sql import install_append_only_trigger

    schema_template_refresh()
    if schema_exists(schema_name):
        raise ValueError(f"schema {schema_name} already exists")
    try:
        script = template_script()
    except TemplateNotDumpable as exc:
        # Correct but slow (it reads the whole catalog per object): only for a template
        # rebuilt inside the caller's open transaction, e.g. the first provisioning after a
        # deploy that did not run refresh_schema_template.
        logger.warning("schema clone falls back to django-tenants clone_schema: %s", exc)
        CloneSchema().clone_schema(TEMPLATE_SCHEMA, schema_name, "DATA")
    else:
        _replay(script, schema_name)
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        install_append_only_trigger(cursor, schema_name)
