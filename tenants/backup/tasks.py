"""The nightly backup of each town (beat dispatches it into every schema)."""

from __future__ import annotations

import logging

from celery import shared_task
from tenant_schemas_celery.task import TenantTask

logger = logging.getLogger(__name__)


@shared_task(base=TenantTask, acks_late=True)
def town_backup_nightly() -> str:
    """Dump the current town, copy it to the second location, keep the generations."""
    from tenants.backup.services import town_backup
    from tenants.db import connection
    from tenants.selectors.current import current_municipality

    municipality = current_municipality()
    run = town_backup(municipality)
    connection.set_tenant(municipality)
    logger.info(
        "town backup %s: %d tables, %d rows, %d files, %.1f s, second copy %s, pruned %d",
        municipality.schema_name,
        len(run.manifest.tables),
        run.manifest.total_rows,
        len(run.manifest.files),
        run.seconds,
        "yes" if run.second_path else "not configured",
        len(run.pruned),
    )
    return run.path.name


@shared_task(base=TenantTask, acks_late=True)
def town_restore_drill_task(user_id: int | None, username: str) -> str:
    """復元訓練 asked for from the consortium portal."""
    from tenants.accesslog.services import Actor
    from tenants.backup.services import town_restore_drill
    from tenants.selectors.current import current_municipality

    municipality = current_municipality()
    drill = town_restore_drill(municipality, actor=Actor(user_id=user_id, username=username))
    return "ok" if drill.restore.ok else "; ".join(drill.restore.problems)


@shared_task(base=TenantTask, acks_late=True)
def town_backup_now(user_id: int | None, username: str) -> str:
    """A backup asked for from the consortium portal (the same as the nightly one)."""
    from tenants.accesslog.services import Actor
    from tenants.backup.services import town_backup
    from tenants.selectors.current import current_municipality

    run = town_backup(current_municipality(), actor=Actor(user_id=user_id, username=username))
    return run.path.name
