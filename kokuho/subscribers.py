"""国保 資格 from the registry's declared events (juminkiroku.events), in the town that
published them, inside the delivery's transaction (tenants.events.tasks).

Only the 異動 and outbox ids travel in the payloads; everything else is read through
``juminkiroku.public``. Every handler is keyed on the 異動 id, so an event delivered
twice (a retry, ``redeliver_pending_events``) changes nothing the second time, and a
``juminkiroku.torikeshi`` finds what to undo.
"""

from __future__ import annotations

from typing import Any

from fukushi import events as fukushi_events
from juminkiroku import events
from kokuho.models import CauseKind, ShutokuJiyu, SoshitsuJiyu
from kokuho.services.seiho_renkei import seiho_haishi_apply, seiho_kaishi_apply
from kokuho.services.shikaku import (
    Cause,
    kisai_apply,
    setai_ido_apply,
    shojo_apply,
    tokutei_end_on_setainushi_henko,
    torikeshi_apply,
    zairyu_henko_apply,
)
from tenants.accesslog.services import Actor
from tenants.events.contracts import ReceivedEvent
from tenants.events.registry import subscribe

SYSTEM_ACTOR_NAME = "system:kokuho_renkei"


def _cause(event: ReceivedEvent[Any], ido_id: int) -> Cause:
    return Cause(
        kind=CauseKind.EVENT,
        actor=Actor(user_id=None, username=SYSTEM_ACTOR_NAME),
        ido_id=ido_id,
        event_id=event.id,
    )


@subscribe(events.TENNYU)
@subscribe(events.KOKUGAI_TENNYU)
@subscribe(events.HO30_46_TENNYU)
def shutoku_on_tennyu(event: ReceivedEvent[events.KisaiPayload]) -> None:
    """転入（国外からの転入、法第30条の46転入を含む）: 取得 on the 転入日 (国民健康保険法第7条)."""
    p = event.payload
    kisai_apply(
        atena_ids=p.atena_ids,
        setai_id=p.setai_id,
        day=p.ido_date,
        jiyu=ShutokuJiyu.TENNYU,
        cause=_cause(event, p.ido_id),
    )


@subscribe(events.SHUSSEI)
def shutoku_on_shussei(event: ReceivedEvent[events.KisaiPayload]) -> None:
    """出生: 取得 on the day of birth when the household holds 国保."""
    p = event.payload
    kisai_apply(
        atena_ids=p.atena_ids,
        setai_id=p.setai_id,
        day=p.ido_date,
        jiyu=ShutokuJiyu.SHUSSEI,
        cause=_cause(event, p.ido_id),
    )


@subscribe(events.SHIBO)
def soshitsu_on_shibo(event: ReceivedEvent[events.ShojoPayload]) -> None:
    """死亡: 喪失 the day after (国民健康保険法第8条第1項)."""
    p = event.payload
    shojo_apply(
        atena_ids=p.atena_ids,
        jiyu_date=p.ido_date,
        jiyu=SoshitsuJiyu.SHIBO,
        cause=_cause(event, p.ido_id),
    )


@subscribe(events.SHOKKEN_SHOJO)
@subscribe(events.SHISSO)
def soshitsu_on_shokken_shojo(event: ReceivedEvent[events.ShojoPayload]) -> None:
    """職権消除・失踪: no longer living here, 喪失 the day after."""
    p = event.payload
    shojo_apply(
        atena_ids=p.atena_ids,
        jiyu_date=p.ido_date,
        jiyu=SoshitsuJiyu.SHOKKEN,
        cause=_cause(event, p.ido_id),
    )


@subscribe(events.TENSHUTSU_KAKUTEI)
def soshitsu_on_tenshutsu(event: ReceivedEvent[events.TenshutsuKakuteiPayload]) -> None:
    """転出確定 (never the 転出予定: the person lives here until the 除票): 喪失 the day
    after the 除票 date. A later 転入通知 with an earlier date republishes it; the 喪失日
    then moves."""
    p = event.payload
    shojo_apply(
        atena_ids=p.atena_ids,
        jiyu_date=p.shojo_date,
        jiyu=SoshitsuJiyu.TENSHUTSU,
        cause=_cause(event, p.ido_id),
    )


#: the registry's item names (PersonFields) whose change may start or end the 適用除外
ZAIRYU_ITEMS = frozenset({"zairyu_shikaku", "shubetsu"})


@subscribe(events.KISAI_SHUSEI)
def jogai_on_kisai_shusei(event: ReceivedEvent[events.ShuseiPayload]) -> None:
    """職権修正 of the 在留資格 (the 出入国在留管理庁長官通知, 住基法第30条の50): the 適用除外 of
    国保法第6条第11号・施行規則第1条 begins (喪失 the next day) or ends (取得 that day)."""
    p = event.payload
    if not ZAIRYU_ITEMS & set(p.items):
        return
    zairyu_henko_apply(atena_ids=p.atena_ids, day=p.ido_date, cause=_cause(event, p.ido_id))


@subscribe(events.KIKA)
def jogai_on_kika(event: ReceivedEvent[events.KokusekiPayload]) -> None:
    """帰化・国籍取得: a 外国人住民 excluded by the 在留資格 becomes insurable that day."""
    p = event.payload
    zairyu_henko_apply(atena_ids=p.atena_ids, day=p.ido_date, cause=_cause(event, p.ido_id))


@subscribe(events.SETAI_BUNRI)
@subscribe(events.SETAI_GAPPEI)
@subscribe(events.SETAI_HENKO)
@subscribe(events.TENKYO)
def setai_on_setai_ido(event: ReceivedEvent[events.SetaiIdoPayload]) -> None:
    """世帯分離・合併・変更・転居: 資格 continues; the 国保世帯 follows the registry's."""
    p = event.payload
    setai_ido_apply(
        atena_ids=p.atena_ids,
        after_setai_ids=p.after_setai_ids,
        day=p.ido_date,
        cause=_cause(event, p.ido_id),
    )


@subscribe(events.SETAINUSHI_HENKO)
def tokutei_on_setainushi_henko(event: ReceivedEvent[events.SetainushiPayload]) -> None:
    """世帯主変更: the household's 特定同一世帯所属者 end on the 異動日."""
    p = event.payload
    tokutei_end_on_setainushi_henko(
        setai_ids=p.setai_ids, day=p.ido_date, cause=_cause(event, p.ido_id)
    )


@subscribe(events.TORIKESHI)
def undo_on_torikeshi(event: ReceivedEvent[events.TorikeshiPayload]) -> None:
    """取消: undo what the cancelled 異動 did to 資格."""
    p = event.payload
    torikeshi_apply(
        atena_ids=p.atena_ids,
        cancelled_ido_id=p.cancelled_ido_id,
        cause=_cause(event, p.ido_id),
    )


# --- 後期高齢者医療 (issue 15 item 5) ---------------------------------------------------------
# Every write is keyed on the event and the person (``KokiIdo.source_key``) or the 異動
# (``KokiShikaku.shutoku_ido_id`` / ``soshitsu_ido_id``): a redelivered event writes nothing.
from kokuho.models import KokiIdoKind, KokiSoshitsuJiyu  # noqa: E402
from kokuho.services import koki_iryo  # noqa: E402


@subscribe(events.TENNYU)
@subscribe(events.KOKUGAI_TENNYU)
@subscribe(events.HO30_46_TENNYU)
def koki_on_tennyu(event: ReceivedEvent[events.KisaiPayload]) -> None:
    """転入 of someone 75 or older: 後期 資格 from the 転入日."""
    p = event.payload
    koki_iryo.shutoku_on_tennyu(
        atena_ids=p.atena_ids, day=p.ido_date, ido_id=p.ido_id, event_id=event.id
    )


@subscribe(events.SHIBO)
def koki_on_shibo(event: ReceivedEvent[events.ShojoPayload]) -> None:
    p = event.payload
    koki_iryo.soshitsu_on_shojo(
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
    koki_iryo.soshitsu_on_shojo(
        atena_ids=p.atena_ids,
        jiyu_date=p.ido_date,
        jiyu=KokiSoshitsuJiyu.TENSHUTSU,
        ido_id=p.ido_id,
        event_id=event.id,
    )


@subscribe(events.TENSHUTSU_KAKUTEI)
def koki_on_tenshutsu(event: ReceivedEvent[events.TenshutsuKakuteiPayload]) -> None:
    p = event.payload
    koki_iryo.soshitsu_on_shojo(
        atena_ids=p.atena_ids,
        jiyu_date=p.shojo_date,
        jiyu=KokiSoshitsuJiyu.TENSHUTSU,
        ido_id=p.ido_id,
        event_id=event.id,
    )


@subscribe(events.TENKYO)
def koki_on_tenkyo(event: ReceivedEvent[events.SetaiIdoPayload]) -> None:
    p = event.payload
    koki_iryo.ido_on_change(
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
    koki_iryo.ido_on_change(
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
    koki_iryo.ido_on_change(
        atena_ids=p.atena_ids,
        day=p.ido_date,
        kind=_KOMOKU[event.name],
        ido_id=p.ido_id,
        event_id=event.id,
    )


@subscribe(events.TORIKESHI)
def koki_on_torikeshi(event: ReceivedEvent[events.TorikeshiPayload]) -> None:
    p = event.payload
    koki_iryo.ido_on_torikeshi(
        atena_ids=p.atena_ids,
        cancelled_ido_id=p.cancelled_ido_id,
        day=p.ido_date,
        ido_id=p.ido_id,
        event_id=event.id,
    )


# --- 生活保護 (fukushi.events): 国民健康保険法第6条第9号 ----------------------------------

SEIHO_ACTOR_NAME = "system:kokuho_seiho"


def _seiho_cause(event: ReceivedEvent[Any]) -> Cause:
    return Cause(
        kind=CauseKind.SEIHO,
        actor=Actor(user_id=None, username=SEIHO_ACTOR_NAME),
        event_id=event.id,
        screen="kokuho.seiho_renkei",
        note="生活保護の決定",
    )


@subscribe(fukushi_events.SEIHO_KAISHI)
def soshitsu_on_seiho_kaishi(event: ReceivedEvent[fukushi_events.SeihoKaishiPayload]) -> None:
    """保護開始: 喪失 on the 開始日 (国民健康保険法第6条第9号・第8条)."""
    p = event.payload
    seiho_kaishi_apply(atena_ids=p.atena_ids, kaishi_date=p.kaishi_date, cause=_seiho_cause(event))


@subscribe(fukushi_events.SEIHO_HAISHI)
def shutoku_on_seiho_haishi(event: ReceivedEvent[fukushi_events.SeihoHaishiPayload]) -> None:
    """保護廃止: 取得 on the day 保護 ends (国民健康保険法第7条)."""
    p = event.payload
    seiho_haishi_apply(atena_ids=p.atena_ids, haishi_date=p.haishi_date, cause=_seiho_cause(event))
