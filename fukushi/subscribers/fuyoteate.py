"""児童扶養手当 from the registry's declared events: a 受給者's 転出 (at the 除票, never the
予定) or death ends the entitlement with the month of the 事由 (法第7条第1項), exactly once,
with a history row. Keyed on the 異動 id: a redelivered event changes nothing."""

from __future__ import annotations

from fukushi.models import FuyoShikkakuJiyu
from fukushi.services.fuyoteate import shikkaku_apply
from juminkiroku import events
from tenants.accesslog.services import Actor
from tenants.events.contracts import ReceivedEvent
from tenants.events.registry import subscribe

SYSTEM_ACTOR_NAME = "system:fukushi_fuyoteate"
ACTOR = Actor(user_id=None, username=SYSTEM_ACTOR_NAME)


@subscribe(events.TENSHUTSU_KAKUTEI)
def fuyoteate_on_tenshutsu(event: ReceivedEvent[events.TenshutsuKakuteiPayload]) -> None:
    p = event.payload
    shikkaku_apply(
        atena_ids=p.atena_ids,
        day=p.shojo_date,
        jiyu=FuyoShikkakuJiyu.TENSHUTSU,
        ido_id=p.ido_id,
        event_id=event.id,
        actor=ACTOR,
    )


@subscribe(events.SHIBO)
def fuyoteate_on_shibo(event: ReceivedEvent[events.ShojoPayload]) -> None:
    p = event.payload
    shikkaku_apply(
        atena_ids=p.atena_ids,
        day=p.ido_date,
        jiyu=FuyoShikkakuJiyu.SHIBO,
        ido_id=p.ido_id,
        event_id=event.id,
        actor=ACTOR,
    )
