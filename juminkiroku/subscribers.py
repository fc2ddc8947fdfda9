"""Reactions of 住民記録 to its own domain events (autoloaded by tenants.events)."""

from __future__ import annotations

from juminkiroku import events
from juminkiroku.services.inkan import inkan_shokken_massho
from juminkiroku.services.yokushi import shien_after_tenshutsu
from tenants.accesslog.services import Actor
from tenants.events.contracts import ReceivedEvent
from tenants.events.registry import subscribe

SYSTEM_ACTOR_NAME = "system:ido_honroku"


@subscribe(events.SHIBO)
@subscribe(events.SHOKKEN_SHOJO)
@subscribe(events.SHISSO)
def end_inkan_after_shojo(event: ReceivedEvent[events.ShojoPayload]) -> None:
    """死亡・職権消除・失踪 の本登録: the persons' 印鑑登録 end by 職権抹消
    (印鑑登録証明事務処理要領 第2-6; the reasons are juminkiroku.services.inkan.SHOKKEN_JIYU)."""
    payload = event.payload
    inkan_shokken_massho(
        ido_id=payload.ido_id,
        jiyu=payload.jiyu,
        ido_date=payload.ido_date,
        atena_ids=list(payload.atena_ids),
        actor=Actor(user_id=None, username=SYSTEM_ACTOR_NAME),
    )


@subscribe(events.TENSHUTSU_KAKUTEI)
def end_inkan_after_tenshutsu(event: ReceivedEvent[events.TenshutsuKakuteiPayload]) -> None:
    """転出確定 (転出・国外転出 becoming a 除票, 標準仕様書 1.1.5): the 印鑑登録 ends on the
    除票 date, not at the 本登録 of a 転出 whose 予定日 is still to come (the person may
    need a 印鑑登録証明書 until they leave)."""
    payload = event.payload
    inkan_shokken_massho(
        ido_id=payload.ido_id,
        jiyu=payload.jiyu,
        ido_date=payload.shojo_date,
        atena_ids=list(payload.atena_ids),
        actor=Actor(user_id=None, username=SYSTEM_ACTOR_NAME),
    )


@subscribe(events.TENSHUTSU_KAKUTEI)
def keep_shien_after_tenshutsu(event: ReceivedEvent[events.TenshutsuKakuteiPayload]) -> None:
    """転出確定 (転出・国外転出 becoming a 除票): a 支援措置 of the person switches to
    仮支援措置 kept as 前住所地市区町村 (標準仕様書 3.4), so it does not end during the
    転出・転入. Until the 除票 the person is still a 住民 here and the 支援措置 stays as it is."""
    payload = event.payload
    shien_after_tenshutsu(
        atena_ids=list(payload.atena_ids),
        ido_date=payload.shojo_date,
        actor=Actor(user_id=None, username=SYSTEM_ACTOR_NAME),
    )
