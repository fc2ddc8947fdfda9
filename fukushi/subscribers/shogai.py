"""障害者手帳 and 心身障害者医療 from the registry's declared events (juminkiroku.events).

A death ends each valid 手帳 of the person as 失効 from the day after the
death; a 転出確定 marks it 転出 from the day after the 除票 date (the 手帳 itself stays
valid, 身体障害者福祉法第15条 etc., but this town no longer keeps it: the new 居住地 takes the
居住地変更の届出). Exactly once: the history row is keyed on the 異動. A 心身障害者医療
受給者証 is valid to the day of the death or the 除票 and ends (as 子ども医療's), once: a
redelivery finds nothing open."""

from __future__ import annotations

from datetime import timedelta

from fukushi.services.jiritsu import jiritsu_shojo_apply
from fukushi.services.shinshin import shinshin_shikkaku_apply
from fukushi.services.shogai import techo_shojo_apply
from fukushi.services.shogai_teate import teate_shojo_apply
from juminkiroku import events
from tenants.accesslog.services import Actor
from tenants.events.contracts import ReceivedEvent
from tenants.events.registry import subscribe


@subscribe(events.SHIBO)
def shogai_techo_on_shibo(event: ReceivedEvent[events.ShojoPayload]) -> None:
    p = event.payload
    techo_shojo_apply(
        atena_ids=p.atena_ids, day=p.ido_date + timedelta(days=1), cause="shikko", ido_id=p.ido_id
    )


@subscribe(events.TENSHUTSU_KAKUTEI)
def shogai_techo_on_tenshutsu(event: ReceivedEvent[events.TenshutsuKakuteiPayload]) -> None:
    """転出確定 (never the 予定: the person lives here until the 除票)."""
    p = event.payload
    techo_shojo_apply(
        atena_ids=p.atena_ids,
        day=p.shojo_date + timedelta(days=1),
        cause="tenshutsu",
        ido_id=p.ido_id,
    )


SHINSHIN_ACTOR = Actor(user_id=None, username="system:fukushi_shinshin")


@subscribe(events.SHIBO)
def shinshin_on_shibo(event: ReceivedEvent[events.ShojoPayload]) -> None:
    """心身障害者医療: the 受給者証 is valid to the day of death and ends."""
    p = event.payload
    shinshin_shikkaku_apply(
        atena_ids=p.atena_ids, day=p.ido_date, jiyu="shibo", ido_id=p.ido_id,
        event_id=event.id, actor=SHINSHIN_ACTOR,
    )  # fmt: skip


@subscribe(events.TENSHUTSU_KAKUTEI)
def shinshin_on_tenshutsu(event: ReceivedEvent[events.TenshutsuKakuteiPayload]) -> None:
    """心身障害者医療: the 受給者証 is valid to the 除票 date and ends."""
    p = event.payload
    shinshin_shikkaku_apply(
        atena_ids=p.atena_ids, day=p.shojo_date, jiyu="tenshutsu", ido_id=p.ido_id,
        event_id=event.id, actor=SHINSHIN_ACTOR,
    )  # fmt: skip


@subscribe(events.SHIBO)
def shogai_teate_on_shibo(event: ReceivedEvent[events.ShojoPayload]) -> None:
    """特別障害者手当・障害児福祉手当・特別児童扶養手当: a death of the 受給資格者 or of the
    対象の児童 ends the 認定 with the month of the death, once."""
    p = event.payload
    teate_shojo_apply(atena_ids=p.atena_ids, day=p.ido_date, cause="shibo", ido_id=p.ido_id)


@subscribe(events.TENSHUTSU_KAKUTEI)
def shogai_teate_on_tenshutsu(event: ReceivedEvent[events.TenshutsuKakuteiPayload]) -> None:
    """The same on a 転出確定: the 手当 ends here with the month of the 除票 (the new town
    takes it over on a new 請求)."""
    p = event.payload
    teate_shojo_apply(atena_ids=p.atena_ids, day=p.shojo_date, cause="tenshutsu", ido_id=p.ido_id)


@subscribe(events.SHIBO)
def jiritsu_on_shibo(event: ReceivedEvent[events.ShojoPayload]) -> None:
    """自立支援給付: an open 申請 or 支給決定 of the person ends; the 支給決定 is valid to the
    day of death. Once per 異動."""
    p = event.payload
    jiritsu_shojo_apply(atena_ids=p.atena_ids, day=p.ido_date, cause="shibo", ido_id=p.ido_id)


@subscribe(events.TENSHUTSU_KAKUTEI)
def jiritsu_on_tenshutsu(event: ReceivedEvent[events.TenshutsuKakuteiPayload]) -> None:
    """自立支援給付 on a 転出確定: valid to the 除票 date and ends (the new town decides on a new
    申請, 法第19条第2項), except a 入所・居住系 decision which may stay here under the
    居住地特例 (法第19条第3項): the clerk is asked in its history."""
    p = event.payload
    jiritsu_shojo_apply(atena_ids=p.atena_ids, day=p.shojo_date, cause="tenshutsu", ido_id=p.ido_id)
