"""保育 from the registry's declared events (juminkiroku.events), in the town that published
them, inside the delivery's transaction: a child who dies or leaves the town is 退所 and their
支給認定 ends (子ども・子育て支援法第24条: the 認定 is the town of residence's), exactly once —
``fukushi.services.hoiku.shuryo_apply`` is keyed on the 異動 id, so a redelivered event
changes nothing. A 転出 acts on ``tenshutsu_kakutei`` (the 除票), never on the 予定.

The last day is the 除票 date (死亡日, 転出日, 消除の日): the child was resident and enrolled on
it; the 保育料 is charged by enrolment on the first day of a month, so the months after it
lose their fee. A 取消 of the 異動 is not undone here (the clerk re-registers; see
docs/standard/hoiku.md).
"""

from __future__ import annotations

from fukushi.services.hoiku import shuryo_apply
from juminkiroku import events
from tenants.accesslog.services import Actor
from tenants.events.contracts import ReceivedEvent
from tenants.events.registry import subscribe

SYSTEM_ACTOR = Actor(user_id=None, username="system:fukushi_hoiku")


@subscribe(events.SHIBO)
def hoiku_end_on_shibo(event: ReceivedEvent[events.ShojoPayload]) -> None:
    p = event.payload
    shuryo_apply(
        atena_ids=p.atena_ids, last_day=p.ido_date, riyu="死亡", ido_id=p.ido_id, actor=SYSTEM_ACTOR
    )


@subscribe(events.SHOKKEN_SHOJO)
@subscribe(events.SHISSO)
def hoiku_end_on_shokken_shojo(event: ReceivedEvent[events.ShojoPayload]) -> None:
    p = event.payload
    shuryo_apply(
        atena_ids=p.atena_ids,
        last_day=p.ido_date,
        riyu="職権消除",
        ido_id=p.ido_id,
        actor=SYSTEM_ACTOR,
    )


@subscribe(events.TENSHUTSU_KAKUTEI)
def hoiku_end_on_tenshutsu(event: ReceivedEvent[events.TenshutsuKakuteiPayload]) -> None:
    p = event.payload
    shuryo_apply(
        atena_ids=p.atena_ids,
        last_day=p.shojo_date,
        riyu="転出",
        ido_id=p.ido_id,
        actor=SYSTEM_ACTOR,
    )
