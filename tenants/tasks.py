"""Periodic work, dispatched once per municipality (beat itself has no schema)."""

from __future__ import annotations

import functools
import logging

from celery import current_app, shared_task

from tenants.models import Municipality, MunicipalityStatus

logger = logging.getLogger(__name__)


@functools.cache
def _wanted_migrations() -> frozenset[tuple[str, str]]:
    """The tenant apps' migrations on disk: read once per process (a release that adds
    one restarts the workers); the watchdog dispatches every half minute."""
    from django.apps import apps
    from django.conf import settings
    from django.db.migrations.loader import MigrationLoader

    labels = {c.label for c in apps.get_app_configs() if c.name in settings.TENANT_APPS}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(key for key in loader.disk_migrations if key[0] in labels)


def _schema_is_current(schema_name: str, wanted: frozenset[tuple[str, str]]) -> bool:
    """Skip schemas whose migrations have not finished (STACK-NOTES)."""
    from tenants.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT app, name FROM "{schema_name}".django_migrations'  # noqa: S608 - our own schema name
        )
        have = set(cursor.fetchall())
    return wanted <= have


@shared_task(acks_late=True)
def dispatch_for_all_municipalities(task_name: str, expires: float | None = None) -> int:
    """Send ``task_name`` once into each active municipality's schema; ``expires`` (s)
    drops a message no worker took in time (for rounds that the next one repeats)."""
    wanted = _wanted_migrations()
    count = 0
    for schema_name in Municipality.objects.filter(
        status__in=[MunicipalityStatus.ACTIVE, MunicipalityStatus.PREPARING]
    ).values_list("schema_name", flat=True):
        if not _schema_is_current(schema_name, wanted):
            logger.warning("skipping schema %s: migrations not finished", schema_name)
            continue
        current_app.send_task(task_name, headers={"_schema_name": schema_name}, expires=expires)
        count += 1
    return count


@shared_task(acks_late=True)
def sla_probe() -> dict[str, bool]:
    """The minute's health probe (tenants/sla/probes.py), in the public schema."""
    from tenants.sla.probes import health_probe

    return health_probe()


@shared_task(acks_late=True)
def sla_metrics_flush() -> int:
    """Fold the response times and active users counted in Redis into the database."""
    from tenants.sla.metrics import metrics_flush

    return metrics_flush()
