"""What ends a 要介護認定 or its 申請 from outside the procedure, and the daily 更新 reminder.

- **資格喪失** (death, 転出確定, 職権消除 — the registry's events, ``kaigo.subscribers``):
  a pending 申請 is 却下 with the reason, and the 認定 stops from the 喪失日 (the day after,
  介護保険法第11条第1項), exactly once: both remember the 異動 id, so a redelivered event
  finds them done. A 転出 while 住所地特例 applies (第13条) keeps 資格 here, and so the
  認定. These run inside the delivery's transaction, like the 資格 handlers; the day is
  computed here from the same rules, so the order in which the handlers run does not
  matter.
- **更新の勧奨** (``koshin_yokoku_due``): the 認定 whose period ends within the town's N
  days (``kaigo.nintei.koshin_kansho_nissu``, default 60) with no 更新申請; each found is
  remembered once (``KoshinYokoku``, unique per 認定), so a repeated run adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import (
    KoshinYokoku,
    Nintei,
    RirekiStep,
    ShinseiStatus,
    SoshitsuJiyu,
)
from kaigo.rules.nintei import NinteiParameters
from kaigo.rules.shikaku import ShikakuParameters, soshitsu_date
from kaigo.selectors.nintei import koshin_due, open_shinsei_of
from kaigo.services.nintei import rireki_add
from kaigo.services.shikaku import jutoku_on
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.wareki import format_wareki

SYSTEM_ACTOR_NAME = "system:kaigo_nintei"
SCREEN_YOKOKU = "kaigo.nintei_yokoku"


def nintei_soshitsu_apply(
    *, atena_ids: Iterable[int], jiyu: str, jiyu_date: date, ido_id: int, actor: Actor
) -> tuple[int, int]:
    """End pending 申請 (却下) and 認定 (from the 喪失日) of persons who lost 資格 by a
    registry 異動. Returns (申請 ended, 認定 ended); a second delivery returns (0, 0)."""
    params = ShikakuParameters.for_date(jiyu_date)
    day = soshitsu_date(jiyu, jiyu_date, params)
    reason = f"資格喪失（{SoshitsuJiyu(jiyu).label}）"
    ids = list(dict.fromkeys(atena_ids))
    if jiyu == SoshitsuJiyu.TENSHUTSU:
        ids = [a for a in ids if jutoku_on(a, jiyu_date) is None]
    ended_shinsei = 0
    for row in open_shinsei_of(ids):
        row.status = ShinseiStatus.KYAKKA
        row.shuryo_date = max(day, row.shinsei_date)
        row.shuryo_riyu = reason
        row.shuryo_ido_id = ido_id
        row.save()
        rireki_add(
            shinsei=row, step=RirekiStep.KYAKKA, day=row.shuryo_date, actor=actor, note=reason
        )
        ended_shinsei += 1
    ended_nintei = 0
    for n in (
        Nintei.objects.select_for_update()
        .filter(atena_id__in=ids, shuryo_date__isnull=True, yuko_end__gte=day)
        .exclude(yuko_start__isnull=True)
        .select_related("shinsei")
    ):
        n.shuryo_date = max(day, n.yuko_start or day)
        n.shuryo_jiyu = reason
        n.shuryo_ido_id = ido_id
        n.save(update_fields=["shuryo_date", "shuryo_jiyu", "shuryo_ido_id"])
        rireki_add(
            shinsei=n.shinsei,
            step=RirekiStep.NINTEI_SHURYO,
            day=n.shuryo_date,
            actor=actor,
            note=f"{reason} {format_wareki(n.shuryo_date)}から",
        )
        ended_nintei += 1
    return ended_shinsei, ended_nintei


def koshin_yokoku_due(*, today: date) -> list[int]:
    """Remember every 認定 due for its 更新 reminder today; returns the 認定 ids newly
    found. Idempotent (one row per 認定)."""
    days = NinteiParameters.for_date(today).koshin_kansho_nissu
    with transaction.atomic(durable=True):
        known = set(KoshinYokoku.objects.values_list("nintei_id", flat=True))
        new = [
            KoshinYokoku(nintei=n, atena_id=n.atena_id, yuko_end=n.yuko_end, found_on=today)
            for n in koshin_due(today, days)
            if n.pk not in known and n.yuko_end is not None
        ]
        KoshinYokoku.objects.bulk_create(new, ignore_conflicts=True)
        if new:
            access_record(
                actor=Actor(user_id=None, username=SYSTEM_ACTOR_NAME),
                action=AccessAction.CREATE,
                gyomu=KAIGO_HOKEN,
                screen=SCREEN_YOKOKU,
                record_type="kaigo.KoshinYokoku",
                record_id="",
                detail={"atena_ids": [y.atena_id for y in new], "count": len(new)},
            )
        return [y.nintei_id for y in new]
