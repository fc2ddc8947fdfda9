"""Reactions of 住民記録 to its own domain events (autoloaded by tenants.events)."""

from __future__ import annotations

from datetime import date

from juminkiroku.services.inkan import SHOKKEN_JIYU, inkan_shokken_massho
from tenants.accesslog.services import Actor
from tenants.events.models import DomainEvent
from tenants.events.registry import subscribe

SYSTEM_ACTOR_NAME = "system:ido_honroku"


@subscribe("juminkiroku.ido_honroku")
def end_inkan_after_shojo(event: DomainEvent) -> None:
    """死亡・転出・国外転出 の本登録: the persons' 印鑑登録 end by 職権抹消."""
    payload = event.payload
    jiyu = str(payload.get("jiyu", ""))
    if jiyu not in SHOKKEN_JIYU:
        return
    inkan_shokken_massho(
        ido_id=int(payload["ido_id"]),
        jiyu=jiyu,
        ido_date=date.fromisoformat(payload["ido_date"]),
        atena_ids=[int(i) for i in payload.get("atena_ids", [])],
        actor=Actor(user_id=None, username=SYSTEM_ACTOR_NAME),
    )
