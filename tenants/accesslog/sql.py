"""Database-level protection of the access log: rows can be inserted and read, never
updated or deleted, whoever connects (the application included).

The one exception is the retention purge (tenants/accesslog/chain.py): a DELETE passes
only for rows and chain links at or below the town's ``purged_through_seq``, which the
purge raises in the public anchor (tenants_accesslog_anchor) after it has archived them.
A bug cannot delete a row the purge has not archived; someone who can disable triggers
can, and that is what the hash chain and the anchor detect.
"""

from __future__ import annotations

from typing import Any

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION public.jc_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %.%: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""

GUARD_SQL = """
CREATE OR REPLACE FUNCTION public.jc_accesslog_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    horizon bigint;
    archived boolean;
BEGIN
    SELECT purged_through_seq INTO horizon
      FROM public.tenants_accesslog_anchor WHERE schema_name = TG_TABLE_SCHEMA;
    IF horizon IS NOT NULL AND horizon > 0 THEN
        IF TG_TABLE_NAME = 'accesslog_accessloglink' THEN
            IF OLD.seq <= horizon THEN
                RETURN OLD;
            END IF;
        ELSE
            EXECUTE format(
                'SELECT EXISTS (SELECT 1 FROM %I.accesslog_accessloglink '
                'WHERE log_id = $1 AND seq <= $2)', TG_TABLE_SCHEMA)
              INTO archived USING OLD.id, horizon;
            IF archived THEN
                RETURN OLD;
            END IF;
        END IF;
    END IF;
    RAISE EXCEPTION 'append-only table %.%: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""

TABLES = ("accesslog_accesslog", "accesslog_accessloglink")


def install_append_only_trigger(cursor: Any, schema_name: str) -> None:
    """UPDATE and TRUNCATE refused; DELETE only through the purge (see above). For the
    log and its chain links; idempotent (migrations and the schema template call it)."""
    cursor.execute(FUNCTION_SQL)
    cursor.execute(GUARD_SQL)
    for name in TABLES:
        cursor.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = %s",
            [schema_name, name],
        )
        if cursor.fetchone() is None:  # the link table arrives with migration 0003
            continue
        table = f'"{schema_name}"."{name}"'
        cursor.execute(f"DROP TRIGGER IF EXISTS accesslog_append_only ON {table}")
        cursor.execute(
            f"CREATE TRIGGER accesslog_append_only BEFORE UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION public.jc_refuse_change()"
        )
        cursor.execute(f"DROP TRIGGER IF EXISTS accesslog_no_delete ON {table}")
        cursor.execute(
            f"CREATE TRIGGER accesslog_no_delete BEFORE DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION public.jc_accesslog_guard()"
        )
        cursor.execute(f"DROP TRIGGER IF EXISTS accesslog_no_truncate ON {table}")
        cursor.execute(
            f"CREATE TRIGGER accesslog_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION public.jc_refuse_change()"
        )
