"""Set-based reads and writes for the chunks of a job (every module's annual run).

- :func:`raw_cursor`: a psycopg cursor that binds its parameters on the server, on the
  default connection with the current municipality's ``search_path``. A chunk's reads
  pass their 2,000 ids as one binary ``bigint[]`` (``= ANY(%b)``) instead of the
  2,000-placeholder ``IN (…)`` list that Django's client-side binding writes out and the
  server parses again (measured: docs/benchmarks.md, issue 23).
- :func:`copy_insert`: rows into a table with COPY into a temporary staging table, then
  one ``INSERT … SELECT`` that may skip rows a unique index already holds
  (``ON CONFLICT … DO NOTHING``): a chunk that runs again adds nothing twice.
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
) -> int:
    """COPY ``rows`` (tuples in ``columns`` order) into ``table`` through a staging
    table, in one transaction; ``on_conflict`` is the conflict clause of the final
    INSERT (e.g. ``"(fiscal_year, atena_id) WHERE is_current DO NOTHING"``).
    Returns the rows inserted."""
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    staging = sql.Identifier(f"{table}_in")
    with transaction.atomic(), raw_cursor() as cur:
        # (dropped at commit; dropped here too when an outer transaction is still open)
        cur.execute(sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(staging))
        cur.execute(
            sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA").format(
                staging, cols, sql.Identifier(table)
            )
        )
        with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(staging, cols)) as copy:
            for row in rows:
                copy.write_row(row)
        insert = sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {}").format(
            sql.Identifier(table), cols, cols, staging
        )
        if on_conflict:
            insert = sql.SQL("{} ON CONFLICT {}").format(insert, sql.SQL(on_conflict))
        cur.execute(insert)
        return int(cur.rowcount)
