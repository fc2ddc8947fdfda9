"""Database routing: heavy reads (EUC extractions, reports) on a read replica.

With ``JC_READONLY_DATABASE_URL`` the settings add the alias ``readonly``: a hot standby
of the same cluster (streaming replication), so it has every town's schema. Code that
wants its reads there says so with ``replica_reads()``; inside it, every ORM read that
names no database goes to ``readonly`` and every write still goes to the primary.
Without a replica, ``replica_reads()`` changes nothing: reads stay on the primary.

django-tenants keeps the town (the ``search_path``) per connection: the replica's
connection is a different one, so before each read routed there it is put in the town the
primary connection is in (``replica_follow_tenant``); a read on the replica never runs in
another town's schema, nor in the town the replica connection happened to be in last.

docs/scaling.md describes the set-up; tests/test_replica_router.py checks it with a
second alias pointing at the same database over loopback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

READONLY_ALIAS = "readonly"

_replica_reads: ContextVar[bool] = ContextVar("jc_replica_reads", default=False)


def replica_configured() -> bool:
    return READONLY_ALIAS in settings.DATABASES


def replica_follow_tenant() -> None:
    """Put the replica's connection in the schema the primary's connection is in."""
    primary: Any = connections[DEFAULT_DB_ALIAS]
    replica: Any = connections[READONLY_ALIAS]
    schema = primary.schema_name
    include_public = getattr(primary, "include_public_schema", True)
    if (
        replica.schema_name != schema
        or getattr(replica, "include_public_schema", True) != include_public
    ):
        replica.set_schema(schema, include_public=include_public)


@contextmanager
def replica_reads() -> Iterator[str]:
    """Within: ORM reads go to the replica when one is configured (in the primary
    connection's town); yields the alias reads go to."""
    token = _replica_reads.set(True)
    try:
        if replica_configured():
            replica_follow_tenant()
            yield READONLY_ALIAS
        else:
            yield DEFAULT_DB_ALIAS
    finally:
        _replica_reads.reset(token)


class ReadReplicaRouter:
    """Reads inside ``replica_reads()`` to ``readonly``; nothing is ever migrated or
    written there (a standby refuses writes anyway)."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _replica_reads.get() and replica_configured():
            replica_follow_tenant()
            return READONLY_ALIAS
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS if replica_configured() else None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # the replica holds the primary's rows: objects read on either may be related
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, READONLY_ALIAS}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == READONLY_ALIAS else None
