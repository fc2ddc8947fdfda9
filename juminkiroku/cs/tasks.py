"""Celery tasks of the CS link, run per municipality (beat dispatches them to every town:
config/settings/base.py ``jukinet-cs-*``). Each round is bounded and safe to repeat: the
feed cursor and the per-town send lock make a second round a no-op for what the first did.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from tenant_schemas_celery.task import TenantTask

from juminkiroku.gyomu import JUKINET_RENKEI

logger = logging.getLogger(__name__)

MAX_ROUNDS = 20  # 20 × 500 records a minute at most; the next minute continues


def _linked() -> bool:
    """The town subscribes to 住基ネット連携 and a CS is configured."""
    from tenants.db import connection
    from tenants.selectors.gyomu import gyomu_is_subscribed

    if not getattr(settings, "JC_CS_URL", ""):
        return False
    return gyomu_is_subscribed(
        municipality=connection.tenant, gyomu_code=JUKINET_RENKEI, on=timezone.localdate()
    )


def cs_sync_round(*, rounds: int = MAX_ROUNDS, by_hand: bool = False) -> dict[str, int]:
    """Make records from the feed, send them, take in and apply the CS's messages. While
    the town has switched to 手動連携 (7.1.1.1「一時的に手動連携に切り替える」) the periodic
    round makes records but sends nothing; a clerk's round (``by_hand``) sends."""
    from juminkiroku.cs.common import SYSTEM_ACTOR
    from juminkiroku.cs.jushin import cs_jushin_apply, cs_jushin_receive
    from juminkiroku.cs.soshin import MAKE_CHUNK, SEND_CHUNK, cs_soshin_make, cs_soshin_send

    totals = {"made": 0, "sent": 0, "rejected": 0, "retry": 0, "received": 0, "kofu": 0}
    for _ in range(rounds):
        made = cs_soshin_make(actor=SYSTEM_ACTOR)
        totals["made"] += made
        if made < MAKE_CHUNK:
            break
    from juminkiroku.cs.common import renkei_row

    if renkei_row(lock=False).shudo and not by_hand:
        rounds = 0
    for _ in range(rounds):
        result = cs_soshin_send(actor=SYSTEM_ACTOR)
        totals["sent"] += result.sent
        totals["rejected"] += result.rejected
        totals["retry"] += result.retry
        if result.stopped or result.sent + result.rejected < SEND_CHUNK:
            break
    totals["received"] = cs_jushin_receive(actor=SYSTEM_ACTOR)
    cs_jushin_apply(actor=SYSTEM_ACTOR)
    from juminkiroku.cs.konbini import konbini_kofu_round

    kofu = konbini_kofu_round()
    totals["kofu"] = kofu["issued"] + kofu["refused"]
    return totals


@shared_task(base=TenantTask, acks_late=True)
def cs_sync_task() -> dict[str, int] | None:
    if not _linked():
        return None
    totals = cs_sync_round()
    logger.info("jukinet cs sync: %s", totals)  # counts only
    return totals


@shared_task(base=TenantTask, acks_late=True)
def cs_seigo_task() -> int | None:
    from juminkiroku.cs.common import SYSTEM_ACTOR
    from juminkiroku.cs.seigo import SeigoError, cs_seigo_run

    if not _linked():
        return None
    try:
        run = cs_seigo_run(actor=SYSTEM_ACTOR)
    except SeigoError:
        logger.warning("jukinet cs seigo: the CS did not answer")
        return None
    return run.pk
