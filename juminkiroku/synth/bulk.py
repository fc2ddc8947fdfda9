"""Bulk-load helpers: drop a table group's secondary indexes and foreign keys before a
COPY and recreate them exactly afterwards (``pg_get_indexdef`` / ``pg_get_constraintdef``),
and a clock that times each step. Building an index once is cheaper than maintaining it
row by row, and a foreign key is then checked by one join instead of a trigger per row."""

from __future__ import annotations

import time
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from psycopg import sql

from tenants.db import connection


class Clock:
    """Seconds spent per named step (``with clock("copy atena"): ...``)."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.spent: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        t = time.perf_counter()
        try:
            yield
        finally:
            self.spent[name] = self.spent.get(name, 0.0) + time.perf_counter() - t

    def result(self) -> dict[str, float]:
        return {k: round(v, 3) for k, v in self.spent.items()}


@dataclass
class Dropped:
    indexes: list[tuple[str, str]]  # (name, CREATE INDEX ...)
    constraints: list[tuple[str, str, str]]  # (table, name, definition)


def drop_secondary(
    schema: str,
    tables: list[str],
    *,
    indexes: bool,
    foreign_keys: bool,
    keep_leading: Mapping[str, Collection[str]] | None = None,
) -> Dropped:
    """Drop every foreign key from ``tables`` and (with ``indexes``) their non-unique,
    non-constraint indexes; return what is needed to recreate them exactly.

    ``keep_leading`` (table → column names): an index whose leading key column is one of
    its table's stays in place. For columns whose values arrive in ascending order (ids
    of rows written in order, numbers handed out in order, NULL or one constant) each
    insert lands on the index's rightmost leaf — the server maintains them while the
    rows stream in, on the core the generating process leaves free, instead of sorting
    them after the COPY.

    Foreign keys from other tables *to* ``tables`` stay: rows inserted into a referenced
    table fire no check (only its updates and deletes do), and recreating each of them
    (some sixty, from every module that points at a person) cost a catalogue update and
    a validating join apiece for nothing."""
    with connection.cursor() as cur:
        # Pending deferred checks of earlier statements would block ALTER TABLE.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute(
            """
            SELECT con.conrelid::regclass::text, con.conname, pg_get_constraintdef(con.oid)
              FROM pg_constraint con
              JOIN pg_namespace n ON n.oid = con.connamespace
             WHERE n.nspname = %s AND con.contype = 'f'
               AND con.conrelid IN (SELECT c.oid FROM pg_class c WHERE c.relnamespace = n.oid
                                      AND c.relname = ANY(%s))
             ORDER BY 1, 2
            """,
            [schema, tables],
        )
        constraints = [(r[0], r[1], r[2]) for r in cur.fetchall()] if foreign_keys else []
        cur.execute(
            """
            SELECT ic.relname, pg_get_indexdef(i.indexrelid), tc.relname, a.attname
              FROM pg_index i
              JOIN pg_class ic ON ic.oid = i.indexrelid
              JOIN pg_class tc ON tc.oid = i.indrelid
              JOIN pg_namespace n ON n.oid = tc.relnamespace
              LEFT JOIN pg_attribute a ON a.attrelid = tc.oid AND a.attnum = i.indkey[0]
             WHERE %s AND n.nspname = %s AND tc.relname = ANY(%s)
               AND NOT i.indisprimary AND NOT i.indisunique
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
             ORDER BY 1
            """,
            [indexes, schema, tables],
        )
        keep = keep_leading or {}
        dropped_indexes = [
            (r[0], r[1]) for r in cur.fetchall() if r[3] is None or r[3] not in keep.get(r[2], ())
        ]
        for table, name, _definition in constraints:
            cur.execute(
                sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                    sql.SQL(table), sql.Identifier(name)
                )
            )
        for name, _definition in dropped_indexes:
            cur.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(schema, name)))
    return Dropped(indexes=dropped_indexes, constraints=constraints)


# Rows ANALYZE samples for the link columns before the foreign keys (300 × the target).
LINK_STATISTICS_TARGET = 10


def recreate(
    dropped: Dropped,
    clock: Clock,
    *,
    schema: str = "",
    analyze: Mapping[str, Collection[str]] | None = None,
) -> None:
    """Build the dropped indexes, then add the dropped foreign keys back (each validated
    by PostgreSQL over every row, as ``ALTER TABLE … ADD CONSTRAINT`` does).

    ``analyze`` (table of ``schema`` → columns): columns sampled (``ANALYZE`` of those
    columns, 3,000 rows) after the index builds and before the foreign keys. A freshly
    loaded table has no statistics, so the planner of each key's validating query takes
    a column that is NULL in nearly every row for one full of values and scans the whole
    table; with its null fraction known, the query reads the column's partial index
    (``WHERE … IS NOT NULL``) instead. The check itself is the same query over the same
    rows: only its plan changes. (ANALYZE of named columns leaves autovacuum's count of
    changed rows alone, so the whole table is still analyzed after the commit.)"""
    with connection.cursor() as cur:
        # Sort in memory, with the server's parallel workers helping each build (the
        # loader's own process is idle by now); the settings end with the transaction.
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cur.execute("SET LOCAL max_parallel_maintenance_workers = 2")
        # Each recreated foreign key is checked by one outer join of the two tables:
        # hashed in memory rather than in batches on disk.
        cur.execute("SET LOCAL work_mem = '256MB'")
        for name, definition in dropped.indexes:
            with clock(f"index {name}"):
                cur.execute(definition)
        if analyze and dropped.constraints:
            with clock("analyze links"):
                cur.execute(f"SET LOCAL default_statistics_target = {LINK_STATISTICS_TARGET}")
                for table, columns in analyze.items():
                    cur.execute(
                        sql.SQL("ANALYZE {} ({})").format(
                            sql.Identifier(schema, table),
                            sql.SQL(", ").join(map(sql.Identifier, columns)),
                        )
                    )
                cur.execute("SET LOCAL default_statistics_target TO DEFAULT")
        for table, name, definition in dropped.constraints:
            with clock(f"fk {table}.{name}"):
                cur.execute(
                    sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                        sql.SQL(table), sql.Identifier(name), sql.SQL(definition)
                    )
                )
        # Back to each constraint's own mode (Django's are INITIALLY DEFERRED).
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
