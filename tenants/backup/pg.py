"""Connections of their own for backup work (several at once, outside Django's
transaction), and the COPY stream of one table hashed as it is read."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

import psycopg
from django.db import connections
from psycopg import sql

from tenants.backup.manifest import BackupError

SCHEMA_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
FLUSH_BYTES = 1 << 20


def pg_connect(*, autocommit: bool = True) -> psycopg.Connection[Any]:
    """A new connection to the default database (the test database under pytest)."""
    s = connections["default"].settings_dict
    return psycopg.connect(
        dbname=s["NAME"],
        user=s.get("USER") or None,
        password=s.get("PASSWORD") or None,
        host=s.get("HOST") or None,
        port=s.get("PORT") or None,
        autocommit=autocommit,
        application_name="jc-town-backup",
    )


def schema_name_check(name: str) -> str:
    if not SCHEMA_NAME.match(name):
        raise BackupError(f"スキーマ名 {name!r} は使えません（半角英小文字で始まる英数字と _）。")
    return name


def schema_present(cur: psycopg.Cursor[Any], name: str) -> bool:
    cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
    return cur.fetchone() is not None


@dataclass(frozen=True)
class TableInfo:
    name: str
    columns: list[str]
    size: int


def schema_tables(cur: psycopg.Cursor[Any], schema: str) -> list[TableInfo]:
    """Every plain table (and leaf partition) of ``schema`` with its stored columns
    (no generated ones, which COPY leaves out), biggest first."""
    cur.execute(
        """
        SELECT c.relname, pg_relation_size(c.oid),
               array_agg(a.attname::text ORDER BY a.attnum)
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid
             AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
        WHERE n.nspname = %s AND c.relkind = 'r'
        GROUP BY c.oid, c.relname
        ORDER BY pg_relation_size(c.oid) DESC, c.relname
        """,
        [schema],
    )
    return [TableInfo(name, list(cols), size) for name, size, cols in cur.fetchall()]


def copy_out_statement(schema: str, table: str, columns: list[str]) -> sql.Composed:
    return sql.SQL("COPY {}.{} ({}) TO STDOUT").format(
        sql.Identifier(schema),
        sql.Identifier(table),
        sql.SQL(", ").join(sql.Identifier(c) for c in columns),
    )


def copy_out(
    cur: psycopg.Cursor[Any],
    schema: str,
    table: str,
    columns: list[str],
    sink: IO[bytes] | None,
) -> tuple[int, int, str]:
    """Stream the table's COPY text into ``sink`` (or nowhere), hashing it.

    Returns (rows, bytes, sha256). Rows are the stream's newlines: COPY's text format
    ends every row with one and escapes those inside values."""
    digest = hashlib.sha256()
    rows = size = 0
    pending: list[bytes] = []
    pending_size = 0
    write: Callable[[bytes], Any] | None = sink.write if sink is not None else None

    def flush() -> None:
        nonlocal rows, size, pending_size
        block = b"".join(pending)
        pending.clear()
        pending_size = 0
        digest.update(block)
        rows += block.count(b"\n")
        size += len(block)
        if write is not None:
            write(block)

    with cur.copy(copy_out_statement(schema, table, columns)) as copy:
        for data in copy:
            pending.append(bytes(data))
            pending_size += len(data)
            if pending_size >= FLUSH_BYTES:
                flush()
    flush()
    return rows, size, digest.hexdigest()
