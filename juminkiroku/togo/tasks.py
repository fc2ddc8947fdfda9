"""Celery tasks of the 統合宛名 link (7.1.2.3) and the file linkage (7.2.1), run per
municipality (beat dispatches them: config/settings/base.py ``togo-atena-sync``,
``pf-file-round``). Each round is bounded and safe to repeat."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from tenant_schemas_celery.task import TenantTask

from juminkiroku.gyomu import JUKINET_RENKEI

logger = logging.getLogger(__name__)

MAX_ROUNDS = 20


def _subscribed() -> bool:
    from tenants.db import connection
    from tenants.selectors.gyomu import gyomu_is_subscribed

    return gyomu_is_subscribed(
        municipality=connection.tenant, gyomu_code=JUKINET_RENKEI, on=timezone.localdate()
    )


def togo_sync_round(*, rounds: int = MAX_ROUNDS) -> dict[str, int]:
    """Make the records of new changes, then send what waits."""
    from juminkiroku.togo.soshin import (
        MAKE_CHUNK,
        SEND_CHUNK,
        SYSTEM_ACTOR,
        togo_soshin_make,
        togo_soshin_send,
    )

    totals = {"made": 0, "unchanged": 0, "sent": 0, "rejected": 0, "retry": 0}
    for _ in range(rounds):
        made = togo_soshin_make(actor=SYSTEM_ACTOR)
        totals["made"] += made.made
        totals["unchanged"] += made.unchanged
        if made.made + made.unchanged < MAKE_CHUNK:
            break
    for _ in range(rounds):
        result = togo_soshin_send(actor=SYSTEM_ACTOR)
        totals["sent"] += result.sent
        totals["rejected"] += result.rejected
        totals["retry"] += result.retry
        if result.stopped or result.sent + result.rejected < SEND_CHUNK:
            break
    return totals


@shared_task(base=TenantTask, acks_late=True)
def togo_sync_task() -> dict[str, int] | None:
    if not getattr(settings, "JC_TOGO_URL", "") or not _subscribed():
        return None
    totals = togo_sync_round()
    logger.info("togo atena sync: %s", totals)  # counts only
    return totals


@shared_task(base=TenantTask, acks_late=True)
def pf_file_task() -> dict[str, int] | None:
    from juminkiroku.pf.outbox import PfError, note_error, outbox_root, pf_file_round
    from juminkiroku.togo.soshin import SYSTEM_ACTOR

    if not outbox_root() or not _subscribed():
        return None
    try:
        result = pf_file_round(actor=SYSTEM_ACTOR)
    except (PfError, OSError) as exc:
        # OSError text names a path of ours, never a person.
        note_error(str(exc) if isinstance(exc, PfError) else "連携ファイルを書き込めませんでした。")
        logger.warning("pf file round failed: %s", type(exc).__name__)
        return None
    logger.info("pf file round: files=%s changes=%s", result.files, result.changes)
    return {"files": result.files, "changes": result.changes}
