"""初期データ: 第1号 資格 for residents already 65 when the module starts in a town (a
migration from the former system, or the demo), from ``day``. Bulk inserts, one
access-log row per chunk (ids only). A former system's file would bring the true 取得日;
the demo and the registry's initial load take their own day.

- :func:`shikaku_iko_load` (the demo, the benchmarks): every resident of the town, one
  durable transaction per chunk; a town with periods already is left alone.
- :func:`shikaku_iko_on_load` (the subscriber of ``juminkiroku.iko_load``): the persons
  the registry has just loaded (the payload's 宛名 id range), inside the event delivery's
  transaction; keyed on the event (its id on every history row written), so a
  redelivered event writes nothing, and a person who already has a period is left alone.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Max

from juminkiroku.public import Resident, residents_on
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


#: the history row's 事由 for a period started from initial data
JIYU = "初期データ（第1号被保険者）"


def _insure(*, part: list[Resident], day: date, actor: Actor, event_id: int | None) -> int:
    """第1号 from ``day`` for ``part`` (residents with no period), in the caller's
    transaction: 被保険者番号, period, history row 「初期データ」, one access-log row."""
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
            jiyu=JIYU,
            effective_date=day,
            cause_kind=CauseKind.IKO,
            event_id=event_id,
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
        detail={"atena_ids": [s.atena_id for s in made]}
        | ({"event_id": event_id} if event_id is not None else {}),
    )
    return len(made)


def shikaku_iko_load(*, day: date, actor: Actor) -> int:
    """Insure as 第1号, from ``day``, every resident aged 65 or more on ``day``."""
    if Shikaku.objects.exists():
        return 0
    params = ShikakuParameters.for_date(day)
    chosen = [r for r in residents_on(day) if is_dai1_on(r.birth_date, day, params)]
    total = 0
    for start in range(0, len(chosen), CHUNK):
        with transaction.atomic(durable=True):
            total += _insure(
                part=chosen[start : start + CHUNK], day=day, actor=actor, event_id=None
            )
    return total


def shikaku_iko_on_load(
    *, first_atena_id: int, last_atena_id: int, day: date, event_id: int, actor: Actor
) -> int:
    """The registry loaded the persons ``first_atena_id`` … ``last_atena_id`` (初期データ
    移行): insure as 第1号, from ``day``, those living here and aged 65 or more on ``day``
    who have no period yet. Runs in the caller's transaction (the event delivery's);
    returns the number insured, 0 when this event was already applied."""
    if first_atena_id <= 0 or last_atena_id < first_atena_id:
        return 0
    if ShikakuRireki.objects.filter(event_id=event_id, cause_kind=CauseKind.IKO).exists():
        return 0  # redelivered: this load's 資格 are written already
    params = ShikakuParameters.for_date(day)
    residents = residents_on(day, first_id=first_atena_id, last_id=last_atena_id)
    insured = set(
        Shikaku.objects.filter(
            atena_id__gte=first_atena_id, atena_id__lte=last_atena_id
        ).values_list("atena_id", flat=True)
    )
    chosen = [
        r for r in residents if r.atena_id not in insured and is_dai1_on(r.birth_date, day, params)
    ]
    total = 0
    for start in range(0, len(chosen), CHUNK):
        total += _insure(
            part=chosen[start : start + CHUNK], day=day, actor=actor, event_id=event_id
        )
    return total
