"""Periodic work on the access log, dispatched once per town (tenants.tasks)."""

from __future__ import annotations

import logging

from celery import shared_task
from tenant_schemas_celery.task import TenantTask

from tenants.accesslog.chain import ChainBroken, accesslog_seal, accesslog_verify
from tenants.accesslog.retention import PurgeRefused, accesslog_purge
from tenants.db import connection

logger = logging.getLogger(__name__)


@shared_task(base=TenantTask, acks_late=True)
def accesslog_seal_task() -> int:
    """Seal the town's new rows (every minute). A broken chain is not sealed over."""
    try:
        return accesslog_seal().sealed
    except ChainBroken:
        logger.error("access log chain of %s broken: not sealed", connection.schema_name)
        return 0


@shared_task(base=TenantTask, acks_late=True)
def accesslog_nightly_task() -> int:
    """Verify the town's chain (the outcome is stored on its anchor), then archive and
    purge what is past retention. Returns the number of findings."""
    result = accesslog_verify(record=True)
    if not result.ok:
        # ids and sequence numbers only (the findings name no person)
        logger.error(
            "access log of %s: %d findings, first: %s",
            result.schema_name,
            len(result.findings),
            result.findings[0].kind,
        )
        return len(result.findings)
    try:
        accesslog_purge()
    except PurgeRefused as exc:
        logger.error("access log purge of %s refused: %s", result.schema_name, exc)
    return 0
