"""Set-based reads and writes for the chunks of a job (every module's annual run).

- :func:`raw_cursor`: a psycopg cursor that binds its parameters on the server, on the
  default connection with the current municipality's ``search_path``. A chunk's reads
  pass their 2,000 ids as one binary ``bigint[]`` (``= ANY(%b)``) instead of the
  2,000-placeholder ``IN (…)`` list that Django's client-side binding writes out and the
  server parses again (measured: docs/benchmarks.md, issue 23).
- :func:`copy_insert`: rows into a table with COPY into a temporary staging table, then
  one ``INSERT … SELECT`` that may skip rows a unique index already holds
  (``ON CONFLICT … DO NOTHING``): a chunk that runs again adds nothing twice. With
  ``binary=True`` the COPY is in PostgreSQL's binary format, typed by the columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from django.db import transaction
from psycopg import sql

from tenants.db import connection


@contextmanager
def raw_cursor() -> Iterator[psycopg.Cursor[Any]]:
    """A server-binding psycopg cursor on Django's default connection, in the current
    municipality's schema (opening a Django cursor first makes django-tenants set the
    ``search_path``)."""
    with connection.cursor() as django_cursor:
        raw = django_cursor.cursor.connection
        with psycopg.Cursor(raw) as cur:
            yield cur


def copy_insert(
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    on_conflict: str = "",
    binary: bool = False,
) -> int:
    """Write ``rows`` (tuples in ``columns`` order) into ``table`` in one transaction;
    ``on_conflict`` is the conflict clause of an INSERT (e.g. ``"(fiscal_year,
    atena_id) WHERE is_current DO NOTHING"``). Returns the rows inserted.

    The rows are first COPYed straight into the table inside a savepoint: when none of
    them is there yet (a chunk's first run, the usual case) that is all. If a unique
    index refuses one (a chunk that runs again), the savepoint is rolled back and the
    rows go the safe way: COPY into a temporary staging table, then one ``INSERT …
    SELECT … ON CONFLICT``, which skips those already written. Both ways write the same
    rows; the first saves the staging table's write and read (≈ a third of the server's
    time for a chunk of 当初賦課, docs/benchmarks.md, issue 23). Without ``on_conflict``
    the rows are COPYed straight in and a conflict is an error.

    ``binary``: COPY in the binary format, each value sent as its column's type (read from
    the catalogue; a value of another Python type is an error, where the text format would
    let the server cast it). Same rows, less work on both sides: for a 当初賦課 row (30
    columns, ≈ 1.8 KB of 内訳) the client's formatting fell from 4.2–4.9 to 1.0–1.4 µs and
    the server's parsing from 12.0–12.5 to 9.0–10.5 µs a row (docs/benchmarks.md, issue 23)."""
    rows = rows if isinstance(rows, list) else list(rows)
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    target = sql.Identifier(table)
    types = _column_types(table, columns) if binary else None
    try:
        with transaction.atomic(), raw_cursor() as cur:
            with cur.copy(_copy_sql(target, cols, binary=binary)) as copy:
                _write_rows(copy, rows, types)
            return len(rows)
    except psycopg.errors.UniqueViolation:
        if not on_conflict:
            raise
    staging = sql.Identifier(f"{table}_in")
    with transaction.atomic(), raw_cursor() as cur:
        # (dropped at commit; dropped here too when an outer transaction is still open)
        cur.execute(sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(staging))
        cur.execute(
            sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA").format(
                staging, cols, target
            )
        )
        with cur.copy(_copy_sql(staging, cols, binary=binary)) as copy:
            _write_rows(copy, rows, types)
        cur.execute(
            sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {} ON CONFLICT {}").format(
                target,
                cols,
                cols,
                staging,
                sql.SQL(on_conflict),
            )
        )
        return int(cur.rowcount)


def _copy_sql(target: sql.Identifier, cols: sql.Composable, *, binary: bool) -> sql.Composed:
    fmt = sql.SQL(" (FORMAT BINARY)" if binary else "")
    return sql.SQL("COPY {} ({}) FROM STDIN{}").format(target, cols, fmt)


def _write_rows(copy: psycopg.Copy, rows: Sequence[Sequence[Any]], types: list[int] | None) -> None:
    if types is not None:
        copy.set_types(types)
    for row in rows:
        copy.write_row(row)


def _column_types(table: str, columns: Sequence[str]) -> list[int]:
    """The type OIDs of ``columns`` of ``table`` (in the current municipality's schema), in
    that order: what a binary COPY must send. A column the table lacks is an error here, as
    the COPY would refuse it."""
    with raw_cursor() as cur:
        cur.execute(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attnum > 0 AND NOT attisdropped",
            [sql.Identifier(table).as_string(cur)],
        )
        oids = {str(name): int(oid) for name, oid in cur.fetchall()}
    missing = [c for c in columns if c not in oids]
    if missing:
        raise ValueError(f"{table} has no column {', '.join(missing)}")
    return [oids[c] for c in columns]
