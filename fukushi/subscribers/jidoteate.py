"""児童手当 from the registry's declared events (juminkiroku.events), in the town that
published them, inside the delivery's transaction.

- 出生: a task in the clerks' queue (``JidoteateKouho``), never a payment: 児童手当 is paid
  on a 認定請求 (児童手当法第7条).
- 転出 (確定) / 国外転出: a 受給者 is paid up to the month of the 転出予定日, 消滅 from the
  next (第8条第2項); a child who leaves is removed from the next month, and the 認定 ends
  when no child is left.
- 死亡: the same from the month after the death.

- 取消 of a 異動: what it changed here is undone (``fukushi.services.jidoteate_torikeshi``).

Every change is keyed on the outbox id and the person, so a second delivery changes
nothing.
"""

from __future__ import annotations

from fukushi.models import ShometsuJiyu
from fukushi.services.jidoteate import person_left, shussei_kouho
from fukushi.services.jidoteate_torikeshi import ido_torikeshi
from juminkiroku import events
from tenants.accesslog.services import Actor
from tenants.events.contracts import ReceivedEvent
from tenants.events.registry import subscribe

SYSTEM_ACTOR = Actor(user_id=None, username="system:jidoteate_renkei")


@subscribe(events.SHUSSEI)
def kouho_on_shussei(event: ReceivedEvent[events.KisaiPayload]) -> None:
    """出生: a 児童手当 candidate for the household (a clerk's task)."""
    p = event.payload
    shussei_kouho(
        atena_ids=p.atena_ids,
        setai_id=p.setai_id,
        birth_date=p.ido_date,
        ido_id=p.ido_id,
        event_id=event.id,
        actor=SYSTEM_ACTOR,
    )


@subscribe(events.TENSHUTSU_KAKUTEI)
def shometsu_on_tenshutsu(event: ReceivedEvent[events.TenshutsuKakuteiPayload]) -> None:
    """転出 (the 除票): paid through the month of the 転出予定日."""
    p = event.payload
    person_left(
        atena_ids=p.atena_ids,
        jiyu=ShometsuJiyu.TENSHUTSU,
        jiyu_date=p.yotei_date,
        actor=SYSTEM_ACTOR,
        event_id=event.id,
        ido_id=p.ido_id,
    )


@subscribe(events.SHIBO)
def shometsu_on_shibo(event: ReceivedEvent[events.ShojoPayload]) -> None:
    """死亡: paid through the month of the death."""
    p = event.payload
    person_left(
        atena_ids=p.atena_ids,
        jiyu=ShometsuJiyu.SHIBO,
        jiyu_date=p.ido_date,
        actor=SYSTEM_ACTOR,
        event_id=event.id,
        ido_id=p.ido_id,
    )


@subscribe(events.TORIKESHI)
def modosu_on_torikeshi(event: ReceivedEvent[events.TorikeshiPayload]) -> None:
    """取消 of a 異動: the 消滅・減額・処理待ち it caused are undone."""
    p = event.payload
    ido_torikeshi(
        cancelled_ido_id=p.cancelled_ido_id,
        ido_id=p.ido_id,
        event_id=event.id,
        actor=SYSTEM_ACTOR,
    )
