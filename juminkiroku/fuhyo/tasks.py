"""Celery task of the 附票 link, run per municipality each minute (beat:
config/settings/base.py ``fuhyo-sync``). Each round is bounded and safe to repeat: the
feed cursor and the per-town send lock make a second round a no-op for what the first did.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone
from tenant_schemas_celery.task import TenantTask

from juminkiroku.gyomu import JUMINKIROKU

logger = logging.getLogger(__name__)

MAX_ROUNDS = 20  # 20 × 500 feed rows a minute at most; the next minute continues


def fuhyo_sync_round(*, rounds: int = MAX_ROUNDS) -> dict[str, int]:
    """Make the notices of new feed rows, then send what waits."""
    from juminkiroku.fuhyo.tsuchi import (
        MAKE_CHUNK,
        SEND_CHUNK,
        SYSTEM_ACTOR,
        fuhyo_tsuchi_make,
        fuhyo_tsuchi_send,
        renkei_row,
    )

    totals = {"made": 0, "sent": 0, "rejected": 0, "retry": 0}
    for _ in range(rounds):
        before = renkei_row(lock=False).tsuchi_after
        totals["made"] += fuhyo_tsuchi_make(actor=SYSTEM_ACTOR)
        if renkei_row(lock=False).tsuchi_after == before:
            break
        if totals["made"] >= MAKE_CHUNK * rounds:
            break
    for _ in range(rounds):
        result = fuhyo_tsuchi_send(actor=SYSTEM_ACTOR)
        totals["sent"] += result.sent
        totals["rejected"] += result.rejected
        totals["retry"] += result.retry
        if result.sent + result.rejected < SEND_CHUNK:
            break
    return totals


@shared_task(base=TenantTask, acks_late=True)
def fuhyo_sync_task() -> dict[str, int] | None:
    from tenants.db import connection
    from tenants.selectors.gyomu import gyomu_is_subscribed

    if not gyomu_is_subscribed(
        municipality=connection.tenant, gyomu_code=JUMINKIROKU, on=timezone.localdate()
    ):
        return None
    totals = fuhyo_sync_round()
    logger.info("fuhyo sync: %s", totals)  # counts only
    return totals
