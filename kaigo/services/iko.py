"""初期データ: 第1号 資格 for residents already 65 when the module starts in a town (a
migration from the former system, or the demo), from ``day``. One durable transaction
per chunk of residents, bulk inserts, one access-log row per chunk (ids only); a town
with periods already is left alone. A former system's file would bring the true 取得日;
the demo takes the start day.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Max

from juminkiroku.public import residents_on
from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import (
    CauseKind,
    HihokenshaBango,
    Kubun,
    RirekiKind,
    Shikaku,
    ShikakuRireki,
    ShutokuJiyu,
)
from kaigo.rules.shikaku import ShikakuParameters, is_dai1_on
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record

CHUNK = 5000


def shikaku_iko_load(*, day: date, actor: Actor) -> int:
    """Insure as 第1号, from ``day``, every resident aged 65 or more on ``day``."""
    if Shikaku.objects.exists():
        return 0
    params = ShikakuParameters.for_date(day)
    chosen = [r for r in residents_on(day) if is_dai1_on(r.birth_date, day, params)]
    total = 0
    for start in range(0, len(chosen), CHUNK):
        part = chosen[start : start + CHUNK]
        with transaction.atomic(durable=True):
            have = set(
                HihokenshaBango.objects.filter(atena_id__in=[r.atena_id for r in part]).values_list(
                    "atena_id", flat=True
                )
            )
            first = int(HihokenshaBango.objects.aggregate(m=Max("bango"))["m"] or 0) + 1
            HihokenshaBango.objects.bulk_create(
                HihokenshaBango(atena_id=a, bango=f"{first + i:010d}")
                for i, a in enumerate(r.atena_id for r in part if r.atena_id not in have)
            )
            made = Shikaku.objects.bulk_create(
                Shikaku(
                    atena_id=r.atena_id,
                    kubun=Kubun.DAI1,
                    shutoku_date=day,
                    shutoku_jiyu=ShutokuJiyu.IKO,
                )
                for r in part
            )
            ShikakuRireki.objects.bulk_create(
                ShikakuRireki(
                    atena_id=s.atena_id,
                    shikaku=s,
                    kind=RirekiKind.SHUTOKU,
                    jiyu="初期データ（第1号被保険者）",
                    effective_date=day,
                    cause_kind=CauseKind.IKO,
                    actor=actor.username,
                )
                for s in made
            )
            access_record(
                actor=actor,
                action=AccessAction.CREATE,
                gyomu=KAIGO_HOKEN,
                screen="kaigo.iko",
                record_type="kaigo.Shikaku",
                record_count=max(1, len(made)),
                detail={"atena_ids": [s.atena_id for s in made]},
            )
            total += len(made)
    return total
