"""What a schema is made of, read from the catalog, for comparing two schemas (a clone
against the migrated template: tenants/tests/test_schema_clone.py, bench/bench_towns.py).

Every name and definition is read with ``search_path`` empty, so the catalog functions
qualify every object, and the schema's own name is then replaced by ``<S>``. Columns are
compared by their order among the live columns (a migrated schema keeps dropped columns'
numbers; a clone does not have them).
"""

from __future__ import annotations

import re
from typing import Any

from tenants.db import connection

_QUERIES: dict[str, str] = {
    "relations": """
        SELECT c.relname, c.relkind, c.relpersistence, pg_get_userbyid(c.relowner),
               c.relacl::text, c.reloptions::text, obj_description(c.oid, 'pg_class')
        FROM pg_class c WHERE c.relnamespace = %(ns)s ORDER BY c.relname""",
    "columns": """
        SELECT c.relname,
               row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum),
               a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               a.attidentity, a.attgenerated, pg_get_expr(d.adbin, d.adrelid),
               co.collname, a.attacl::text, col_description(c.oid, a.attnum)
        FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
        LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
        LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 0
        WHERE c.relnamespace = %(ns)s AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY 1, 2""",
    "constraints": """
        SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid, true),
               k.condeferrable, k.condeferred, k.convalidated
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        WHERE k.connamespace = %(ns)s ORDER BY 1, 2""",
    "indexes": """
        SELECT c.relname, pg_get_indexdef(c.oid), i.indisunique, i.indisprimary
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE c.relnamespace = %(ns)s ORDER BY 1""",
    "sequences": """
        SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
               s.seqmax, s.seqmin, s.seqcache, s.seqcycle,
               (SELECT t.relname || '.' || a.attname || ':' || d.deptype::text
                FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
                JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
                WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
        FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
        WHERE c.relnamespace = %(ns)s ORDER BY 1""",
    "triggers": """
        SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid, false), t.tgenabled
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE c.relnamespace = %(ns)s AND NOT t.tgisinternal ORDER BY 1, 2""",
    "functions": """
        SELECT p.proname, pg_get_function_identity_arguments(p.oid),
               pg_get_functiondef(p.oid), p.proacl::text, pg_get_userbyid(p.proowner)
        FROM pg_proc p WHERE p.pronamespace = %(ns)s ORDER BY 1, 2""",
    # types of their own (a table's row type and its array are the table's, not counted)
    "types": """
        SELECT t.typname, t.typtype FROM pg_type t
        WHERE t.typnamespace = %(ns)s
          AND (t.typrelid = 0 OR EXISTS (
              SELECT FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c'))
          AND NOT EXISTS (
              SELECT FROM pg_type e JOIN pg_class c ON c.oid = e.typrelid
              WHERE e.oid = t.typelem AND t.typcategory = 'A' AND c.relkind <> 'c')
        ORDER BY 1""",
    "schema": """
        SELECT pg_get_userbyid(n.nspowner), n.nspacl::text
        FROM pg_namespace n WHERE n.oid = %(ns)s""",
}


def schema_signature(schema_name: str) -> dict[str, list[tuple[Any, ...]]]:
    """Tables, columns, indexes, constraints, sequences (with their positions), triggers,
    functions, types, grants, comments and the migration records of ``schema_name``."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [schema_name])
        row = cursor.fetchone()
        if row is None:
            raise LookupError(schema_name)
        ns = row[0]
        cursor.execute("SELECT current_setting('search_path')")
        search_path = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('search_path', '', true)")
        out: dict[str, list[tuple[Any, ...]]] = {}
        for key, query in _QUERIES.items():
            cursor.execute(query, {"ns": ns})
            out[key] = [_rename(r, schema_name) for r in cursor.fetchall()]
        positions = []
        for name, *_ in out["sequences"]:
            # S608: a sequence name read from the catalog just above
            cursor.execute(f'SELECT last_value, is_called FROM "{schema_name}"."{name}"')
            positions.append((name, *cursor.fetchone()))
        out["sequence_positions"] = positions
        cursor.execute(
            f'SELECT id, app, name, applied FROM "{schema_name}".django_migrations ORDER BY id'
        )
        out["migration_records"] = cursor.fetchall()
        cursor.execute("SELECT set_config('search_path', %s, true)", [search_path])
    return out


def _rename(row: tuple[Any, ...], schema_name: str) -> tuple[Any, ...]:
    return tuple(
        canonical_in_list(v.replace(f'"{schema_name}"', "<S>").replace(schema_name, "<S>"))
        if isinstance(v, str)
        else v
        for v in row
    )


_CAST_ARRAY = re.compile(r"\(ARRAY\[((?:'(?:[^']|'')*'::character varying(?:, )?)+)\]\)::text\[\]")
_ELEMENT = re.compile(r"'(?:[^']|'')*'::character varying")


def canonical_in_list(definition: str) -> str:
    """One spelling for a varchar ``IN (...)`` list. Django's ``status IN ('a', 'b')`` on a
    varchar column is stored as ``= ANY ((ARRAY['a'::varchar, 'b'::varchar])::text[])``;
    PostgreSQL prints it so, and the printed text, parsed again (pg_dump's script, a
    restore), is stored as ``= ANY (ARRAY[('a'::varchar)::text, ('b'::varchar)::text])``:
    the same condition, cast element by element. Both become the second spelling."""

    def spell(match: re.Match[str]) -> str:
        items = _ELEMENT.findall(match.group(1))
        return "ARRAY[" + ", ".join(f"({item})::text" for item in items) + "]"

    return _CAST_ARRAY.sub(spell, definition)


def signature_differences(
    a: dict[str, list[tuple[Any, ...]]], b: dict[str, list[tuple[Any, ...]]]
) -> list[str]:
    """Human-readable lines for what differs between two signatures (empty: identical)."""
    lines = []
    for key in sorted(set(a) | set(b)):
        left, right = set(a.get(key, [])), set(b.get(key, []))
        lines += [f"{key}: only in first: {r!r}" for r in sorted(left - right, key=repr)]
        lines += [f"{key}: only in second: {r!r}" for r in sorted(right - left, key=repr)]
    return lines
