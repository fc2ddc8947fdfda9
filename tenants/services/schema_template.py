"""New municipality schemas are cloned from a migrated template schema.

Running every migration for each new tenant grows with the number of migrations
(STACK-NOTES); cloning a template that is already migrated takes a fraction of a
second. The template carries a fingerprint of the migration files it was built from
(as a schema comment); when the code's migrations differ, it is rebuilt first.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_exists

from tenants.db import connection

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


def schema_create_from_template(schema_name: str) -> None:
    """Create ``schema_name`` as a copy of the template (structure, the migration
    records, and the access log's append-only trigger)."""
    from tenants.accesslog.sql import install_append_only_trigger

    schema_template_refresh()
    if schema_exists(schema_name):
        raise ValueError(f"schema {schema_name} already exists")
    CloneSchema().clone_schema(TEMPLATE_SCHEMA, schema_name, "DATA")
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        install_append_only_trigger(cursor, schema_name)
