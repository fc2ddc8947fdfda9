"""Putting the shared test world back after a test that committed (browser and worker
tests write with autocommit, so nothing rolls back by itself)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from psycopg import sql

from tenants.db import connection
from tenants.models import StaffUser

#: what a login changes on a persona (second factor, lockout, last login)
LOGIN_STATE = ["totp_last_step", "failed_logins", "locked_until", "last_login"]


def login_state(users: Iterable[StaffUser]) -> list[dict[str, Any]]:
    """Each user's login state, to put back with :func:`login_state_restore`."""
    return [{f: getattr(u, f) for f in LOGIN_STATE} for u in users]


def login_state_restore(users: Iterable[StaffUser], saved: list[dict[str, Any]]) -> None:
    for user, fields in zip(users, saved, strict=True):
        StaffUser.objects.filter(pk=user.pk).update(**fields)


def truncate_tables(schema: str, *prefixes: str) -> None:
    """Empty every table of ``schema`` whose name starts with one of ``prefixes`` (e.g.
    ``juminkiroku_``), CASCADE. Runs in the public schema's connection; the access log is
    never among them (append-only: it refuses TRUNCATE)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename LIKE ANY(%s)",
            [schema, [p.replace("_", "\\_") + "%" for p in prefixes]],
        )
        tables = [sql.Identifier(schema, row[0]) for row in cur.fetchall()]
        if tables:
            cur.execute(sql.SQL("TRUNCATE {} CASCADE").format(sql.SQL(", ").join(tables)))
