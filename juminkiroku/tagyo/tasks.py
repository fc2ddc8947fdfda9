"""The periodic intake of 他業務連携 files (標準仕様書 7.2.1), per municipality: beat sends
it into every town every ``JC_TAGYO_INTAKE_SECONDS`` (config/settings/base.py
``juminkiroku-tagyo-torikomi``). Safe to repeat: a file is moved once taken, and its
content is applied once (juminkiroku.tagyo.torikomi)."""

from __future__ import annotations

import logging

from celery import shared_task
from tenant_schemas_celery.task import TenantTask

logger = logging.getLogger(__name__)


@shared_task(base=TenantTask, acks_late=True)
def tagyo_torikomi_task() -> dict[str, int]:
    from juminkiroku.tagyo.torikomi import tagyo_torikomi_round

    records = tagyo_torikomi_round()
    counts: dict[str, int] = {}
    for record in records:
        counts[record.status] = counts.get(record.status, 0) + 1
    if records:
        logger.info("tagyo torikomi: %s", counts)  # counts only
    return counts
