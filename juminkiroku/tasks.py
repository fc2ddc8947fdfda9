"""住民記録's periodic work, sent into each town's schema by
``tenants.tasks.dispatch_for_all_municipalities`` (config/settings/base.py, beat), and the
住基ネット tasks of juminkiroku.cs, found here by the worker's autodiscovery."""

from __future__ import annotations

import logging

from celery import shared_task
from tenant_schemas_celery.task import TenantTask

from juminkiroku.cs.tasks import cs_seigo_task, cs_sync_task
from juminkiroku.tagyo.tasks import tagyo_torikomi_task
from juminkiroku.togo.tasks import pf_file_task, togo_sync_task

__all__ = [
    "cs_seigo_task",
    "cs_sync_task",
    "pf_file_task",
    "tagyo_torikomi_task",
    "tenshutsu_kakutei_daily",
    "togo_sync_task",
]

logger = logging.getLogger(__name__)


@shared_task(base=TenantTask, acks_late=True)
def tenshutsu_kakutei_daily() -> int:
    """転出確定 (標準仕様書 1.1.5): every 転出 whose 転出予定日 has come becomes a 除票.
    Idempotent and catching up: safe to run twice, or after missed days."""
    from juminkiroku.services.tenshutsu import tenshutsu_kakutei_due

    result = tenshutsu_kakutei_due()
    if result.refused:
        # Ids only: the reasons name no person, but stay on the 転出 screens.
        logger.warning("tenshutsu kakutei refused for %s", sorted(result.refused))
    return len(result.done)
