"""子ども医療・ひとり親医療 from the registry's declared events: the 受給者証 of a person who
moves out (at the 除票) or dies is valid to that day and ends, exactly once, with history."""

from __future__ import annotations

from fukushi.services.iryo import iryo_shikkaku_apply
from juminkiroku import events
from tenants.accesslog.services import Actor
from tenants.events.contracts import ReceivedEvent
from tenants.events.registry import subscribe

SYSTEM_ACTOR_NAME = "system:fukushi_iryo"
ACTOR = Actor(user_id=None, username=SYSTEM_ACTOR_NAME)


@subscribe(events.TENSHUTSU_KAKUTEI)
def iryo_on_tenshutsu(event: ReceivedEvent[events.TenshutsuKakuteiPayload]) -> None:
    p = event.payload
    iryo_shikkaku_apply(
        atena_ids=p.atena_ids,
        day=p.shojo_date,
        jiyu="tenshutsu",
        ido_id=p.ido_id,
        event_id=event.id,
        actor=ACTOR,
    )


@subscribe(events.SHIBO)
def iryo_on_shibo(event: ReceivedEvent[events.ShojoPayload]) -> None:
    p = event.payload
    iryo_shikkaku_apply(
        atena_ids=p.atena_ids,
        day=p.ido_date,
        jiyu="shibo",
        ido_id=p.ido_id,
        event_id=event.id,
        actor=ACTOR,
    )
