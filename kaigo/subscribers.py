"""介護保険 資格 from the registry's declared events (juminkiroku.events), in the town that
published them, inside the delivery's transaction (tenants.events.tasks).

Only the 異動 and outbox ids travel in the payloads; everything else is read through
``juminkiroku.public``. Every handler is keyed on the 異動 id, so an event delivered
twice (a retry, ``redeliver_pending_events``) changes nothing the second time, and a
``juminkiroku.torikeshi`` finds what to undo. Turning 65 is no event: the daily job
(``kaigo.tasks.nenrei_totatsu_daily``) insures those who reach it.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from juminkiroku import events
from kaigo.models import CauseKind, ShutokuJiyu, SoshitsuJiyu
from kaigo.services.iko import shikaku_iko_on_load
from kaigo.services.shikaku import Cause, kisai_apply, shojo_apply, torikeshi_apply
from tenants.accesslog.services import Actor
from tenants.events.contracts import ReceivedEvent
from tenants.events.registry import subscribe

SYSTEM_ACTOR_NAME = "system:kaigo_renkei"


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
    """転入（国外からの転入、法第30条の46転入を含む）: 第1号 on the 転入日 for a person
    already 65 (介護保険法第10条第2号)."""
    p = event.payload
    kisai_apply(
        atena_ids=p.atena_ids,
        day=p.ido_date,
        jiyu=ShutokuJiyu.TENNYU,
        cause=_cause(event, p.ido_id),
    )


@subscribe(events.SHIBO)
def soshitsu_on_shibo(event: ReceivedEvent[events.ShojoPayload]) -> None:
    """死亡: 喪失 the day after (介護保険法第11条第1項)."""
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
    after the 除票 date, unless 住所地特例 keeps the person insured here (第13条)."""
    p = event.payload
    shojo_apply(
        atena_ids=p.atena_ids,
        jiyu_date=p.shojo_date,
        jiyu=SoshitsuJiyu.TENSHUTSU,
        cause=_cause(event, p.ido_id),
    )


@subscribe(events.TORIKESHI)
def undo_on_torikeshi(event: ReceivedEvent[events.TorikeshiPayload]) -> None:
    """取消: undo what the cancelled 異動 did to 資格."""
    p = event.payload
    torikeshi_apply(
        atena_ids=p.atena_ids, cancelled_ido_id=p.cancelled_ido_id, cause=_cause(event, p.ido_id)
    )


# --- 要介護認定: a 資格喪失 ends the pending 申請 and the 認定 (kaigo.services.nintei_shuryo) --

NINTEI_ACTOR = Actor(user_id=None, username="system:kaigo_nintei")


@subscribe(events.SHIBO)
@subscribe(events.SHOKKEN_SHOJO)
@subscribe(events.SHISSO)
def nintei_end_on_shojo(event: ReceivedEvent[events.ShojoPayload]) -> None:
    """死亡・職権消除・失踪: the pending 申請 is 却下 and the 認定 stops from the 喪失日."""
    from kaigo.services.nintei_shuryo import nintei_soshitsu_apply

    p = event.payload
    jiyu = SoshitsuJiyu.SHIBO if event.name == events.SHIBO.name else SoshitsuJiyu.SHOKKEN
    nintei_soshitsu_apply(
        atena_ids=p.atena_ids, jiyu=jiyu, jiyu_date=p.ido_date, ido_id=p.ido_id, actor=NINTEI_ACTOR
    )


@subscribe(events.TENSHUTSU_KAKUTEI)
def nintei_end_on_tenshutsu(event: ReceivedEvent[events.TenshutsuKakuteiPayload]) -> None:
    """転出確定: as above from the day after the 除票 date, unless 住所地特例 applies."""
    from kaigo.services.nintei_shuryo import nintei_soshitsu_apply

    p = event.payload
    nintei_soshitsu_apply(
        atena_ids=p.atena_ids,
        jiyu=SoshitsuJiyu.TENSHUTSU,
        jiyu_date=p.shojo_date,
        ido_id=p.ido_id,
        actor=NINTEI_ACTOR,
    )


# --- 初期データ移行: the registry loaded a former system's residents (kaigo.services.iko) ---


@subscribe(events.IKO_LOAD)
def shutoku_on_iko_load(event: ReceivedEvent[events.IkoLoadPayload]) -> None:
    """初期データ移行 into an empty registry (migration_io's import): the loaded residents
    already 65 become 第1号 from the day of the load (the town's first day on this
    product; the former system's 取得日 is not in the 住民基本台帳 layout), history
    「初期データ」. Keyed on the event: a redelivery writes nothing."""
    p = event.payload
    shikaku_iko_on_load(
        first_atena_id=p.first_atena_id,
        last_atena_id=p.last_atena_id,
        day=timezone.localdate(event.occurred_at),
        event_id=event.id,
        actor=Actor(user_id=None, username=SYSTEM_ACTOR_NAME),
    )


# --- 生活保護 (fukushi.events): the 第1段階 of the 第1号保険料 (介護保険法施行令第39条) ---------

from fukushi import events as fukushi_events  # noqa: E402


@subscribe(fukushi_events.SEIHO_KAISHI)
def fuka_kosei_on_seiho_kaishi(event: ReceivedEvent[fukushi_events.SeihoKaishiPayload]) -> None:
    """保護開始: the 年度 already assessed are corrected, 第1段階 from the month of 開始."""
    from kaigo.services.fuka_seiho import seiho_kosei_apply

    p = event.payload
    seiho_kosei_apply(atena_ids=p.atena_ids, day=p.kaishi_date, kind="kaishi")


@subscribe(fukushi_events.SEIHO_HAISHI)
def fuka_kosei_on_seiho_haishi(event: ReceivedEvent[fukushi_events.SeihoHaishiPayload]) -> None:
    """保護廃止: the 年度 already assessed are corrected from the month of 廃止."""
    from kaigo.services.fuka_seiho import seiho_kosei_apply

    p = event.payload
    seiho_kosei_apply(atena_ids=p.atena_ids, day=p.haishi_date, kind="haishi")
