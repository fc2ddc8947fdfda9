"""Database-level protection of the access log: rows can be inserted and read, never
updated or deleted, whoever connects (the application included)."""

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


def install_append_only_trigger(cursor: Any, schema_name: str) -> None:
    table = f'"{schema_name}"."accesslog_accesslog"'
    cursor.execute(FUNCTION_SQL)
    cursor.execute(f"DROP TRIGGER IF EXISTS accesslog_append_only ON {table}")
    cursor.execute(
        f"CREATE TRIGGER accesslog_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION public.jc_refuse_change()"
    )
    cursor.execute(f"DROP TRIGGER IF EXISTS accesslog_no_truncate ON {table}")
    cursor.execute(
        f"CREATE TRIGGER accesslog_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION public.jc_refuse_change()"
    )
