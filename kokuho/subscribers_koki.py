"""後期高齢者医療 from the registry's declared events (juminkiroku.events), in the town
that published them, inside the delivery's transaction. Loaded by ``kokuho.subscribers``
(the module's one subscribers entry). Every write is keyed on the event and the person
(``KokiIdo.source_key``) or the 異動 (``KokiShikaku.shutoku_ido_id`` /
``soshitsu_ido_id``), so a redelivered event writes nothing."""

from __future__ import annotations

from juminkiroku import events
from kokuho.models import KokiIdoKind, KokiSoshitsuJiyu
from kokuho.services.koki_iryo import (
    ido_on_change,
    ido_on_torikeshi,
    shutoku_on_tennyu,
    soshitsu_on_shojo,
)
from tenants.events.contracts import ReceivedEvent
from tenants.events.registry import subscribe


@subscribe(events.TENNYU)
@subscribe(events.KOKUGAI_TENNYU)
@subscribe(events.HO30_46_TENNYU)
def koki_on_tennyu(event: ReceivedEvent[events.KisaiPayload]) -> None:
    """転入 of someone 75 or older: 後期 資格 from the 転入日."""
    p = event.payload
    shutoku_on_tennyu(atena_ids=p.atena_ids, day=p.ido_date, ido_id=p.ido_id, event_id=event.id)


@subscribe(events.SHIBO)
def koki_on_shibo(event: ReceivedEvent[events.ShojoPayload]) -> None:
    p = event.payload
    soshitsu_on_shojo(
        atena_ids=p.atena_ids,
        jiyu_date=p.ido_date,
        jiyu=KokiSoshitsuJiyu.SHIBO,
        ido_id=p.ido_id,
        event_id=event.id,
    )


@subscribe(events.SHOKKEN_SHOJO)
@subscribe(events.SHISSO)
def koki_on_shokken_shojo(event: ReceivedEvent[events.ShojoPayload]) -> None:
    p = event.payload
    soshitsu_on_shojo(
        atena_ids=p.atena_ids,
        jiyu_date=p.ido_date,
        jiyu=KokiSoshitsuJiyu.TENSHUTSU,
        ido_id=p.ido_id,
        event_id=event.id,
    )


@subscribe(events.TENSHUTSU_KAKUTEI)
def koki_on_tenshutsu(event: ReceivedEvent[events.TenshutsuKakuteiPayload]) -> None:
    p = event.payload
    soshitsu_on_shojo(
        atena_ids=p.atena_ids,
        jiyu_date=p.shojo_date,
        jiyu=KokiSoshitsuJiyu.TENSHUTSU,
        ido_id=p.ido_id,
        event_id=event.id,
    )


@subscribe(events.TENKYO)
def koki_on_tenkyo(event: ReceivedEvent[events.SetaiIdoPayload]) -> None:
    p = event.payload
    ido_on_change(
        atena_ids=p.atena_ids,
        day=p.ido_date,
        kind=KokiIdoKind.JUSHO,
        ido_id=p.ido_id,
        event_id=event.id,
    )


@subscribe(events.SETAI_BUNRI)
@subscribe(events.SETAI_GAPPEI)
@subscribe(events.SETAI_HENKO)
def koki_on_setai_ido(event: ReceivedEvent[events.SetaiIdoPayload]) -> None:
    p = event.payload
    ido_on_change(
        atena_ids=p.atena_ids,
        day=p.ido_date,
        kind=KokiIdoKind.SETAI,
        ido_id=p.ido_id,
        event_id=event.id,
    )


_KOMOKU = {
    events.SHIMEI_HENKO.name: KokiIdoKind.SHIMEI,
    events.SEINENGAPPI_HENKO.name: KokiIdoKind.SEINENGAPPI,
    events.SEIBETSU_HENKO.name: KokiIdoKind.SEIBETSU,
}


@subscribe(events.SHIMEI_HENKO)
@subscribe(events.SEINENGAPPI_HENKO)
@subscribe(events.SEIBETSU_HENKO)
def koki_on_komoku_henko(event: ReceivedEvent[events.KomokuHenkoPayload]) -> None:
    p = event.payload
    ido_on_change(
        atena_ids=p.atena_ids,
        day=p.ido_date,
        kind=_KOMOKU[event.name],
        ido_id=p.ido_id,
        event_id=event.id,
    )


@subscribe(events.TORIKESHI)
def koki_on_torikeshi(event: ReceivedEvent[events.TorikeshiPayload]) -> None:
    p = event.payload
    ido_on_torikeshi(
        atena_ids=p.atena_ids,
        cancelled_ido_id=p.cancelled_ido_id,
        day=p.ido_date,
        ido_id=p.ido_id,
        event_id=event.id,
    )
