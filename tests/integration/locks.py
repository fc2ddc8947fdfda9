"""A job's row held locked on a connection of its own, for the kill tests: a chunk then
stops at its last step (the update of the job's counters), after it has written its
rows or file and before it commits."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

from tenants.db import connection
from tenants.jobs.models import Job


def backends_waiting_for_a_lock(cur: Any) -> list[int]:
    """Server processes of this database waiting for a lock (not the asking one)."""
    cur.execute("SELECT pg_stat_clear_snapshot()")
    cur.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid() ORDER BY pid"
    )
    return [int(row[0]) for row in cur.fetchall()]


class JobRowLock:
    def __init__(self, schema: str, job_id: int) -> None:
        db = connection.settings_dict
        self.conn = psycopg.connect(
            dbname=str(db["NAME"]),
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
        )
        self.conn.execute(
            sql.SQL("SELECT id FROM {} WHERE id = %s FOR UPDATE").format(
                sql.Identifier(schema, Job._meta.db_table)
            ),
            [job_id],
        )
        self.released = False

    def waiting(self) -> list[int]:
        """Backends waiting for a lock (read on this connection: usable from a thread)."""
        with self.conn.cursor() as cur:
            return backends_waiting_for_a_lock(cur)

    def release(self) -> None:
        if not self.released:
            self.released = True
            self.conn.commit()
            self.conn.close()
