"""生活保護 cases from the registry's declared events (juminkiroku.events): a death or a
転出 ends the person's 保護 (the case is 廃止 when nobody is left, else 変更 without them),
once (keyed on the 異動), with the decision in the case's history."""

from __future__ import annotations

from datetime import timedelta

from fukushi.models import KetteiCause
from fukushi.services.seiho import seiho_shojo_apply
from juminkiroku import events
from tenants.events.contracts import ReceivedEvent
from tenants.events.registry import subscribe


@subscribe(events.SHIBO)
def seiho_on_shibo(event: ReceivedEvent[events.ShojoPayload]) -> None:
    """死亡: 保護 ends the day after the death."""
    p = event.payload
    seiho_shojo_apply(
        atena_ids=p.atena_ids,
        owari=p.ido_date + timedelta(days=1),
        ido_id=p.ido_id,
        cause=KetteiCause.SHIBO,
    )


@subscribe(events.TENSHUTSU_KAKUTEI)
def seiho_on_tenshutsu(event: ReceivedEvent[events.TenshutsuKakuteiPayload]) -> None:
    """転出確定 (never the 予定: the person lives here until the 除票): 保護 by this town
    ends the day after the 除票 date (生活保護法第19条: the 実施機関 is that of the 居住地)."""
    p = event.payload
    seiho_shojo_apply(
        atena_ids=p.atena_ids,
        owari=p.shojo_date + timedelta(days=1),
        ido_id=p.ido_id,
        cause=KetteiCause.TENSHUTSU,
    )
