"""Reads that cannot write: the connection an EUC extraction reads on.

- With ``JC_READONLY_DATABASE_URL`` set, the Django alias ``readonly`` is a replica (a
  hot standby of the same cluster, so the same schemas), every session on it read-only
  (``default_transaction_read_only``); the reads go there inside a transaction opened with
  ``SET TRANSACTION READ ONLY``, in the town's schema, and the screens' database is not
  touched by the extraction's scans.
- Without it, the reads go to the default database inside a savepoint that first runs
  ``SET TRANSACTION READ ONLY`` and is always rolled back: PostgreSQL refuses any write in
  it (``cannot execute INSERT in a read-only transaction``), and rolling the savepoint
  back restores the transaction's read-write mode for the job framework's own writes
  (checked on PostgreSQL 15: docs/migration.md).

The job runs on the workers, never in a web request, so its scans compete with the
screens only for the database (and not at all with a replica).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from config import routers
from config.routers import READONLY_ALIAS, replica_reads


class _Rollback(Exception):
    pass


@contextmanager
def readonly_reads() -> Iterator[str]:
    """The alias to read on, inside a read-only transaction (see the module docstring)."""
    if routers.replica_configured():
        # config.routers: the replica's connection in this town; ORM reads that name no
        # database go there too
        with replica_reads(), transaction.atomic(using=READONLY_ALIAS):
            with connections[READONLY_ALIAS].cursor() as cursor:
                cursor.execute("SET TRANSACTION READ ONLY")
            yield READONLY_ALIAS
        return
    try:
        with transaction.atomic(using=DEFAULT_DB_ALIAS):
            with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
                cursor.execute("SET TRANSACTION READ ONLY")
            yield DEFAULT_DB_ALIAS
            raise _Rollback
    except _Rollback:
        pass
