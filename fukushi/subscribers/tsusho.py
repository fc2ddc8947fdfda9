"""障害児通所支援 from the registry's declared events (juminkiroku.events).

The child's death or 転出確定 ends an open 申請 or 給付決定 (valid to the day of death or the
除票 date); the 保護者's death or 転出確定 flags the decision for the clerk, never ends it.
Exactly once per 異動: the history row is keyed on it (fukushi/services/tsusho.py)."""

from __future__ import annotations

from fukushi.services.tsusho import tsusho_hogosha_apply, tsusho_shojo_apply
from juminkiroku import events
from tenants.events.contracts import ReceivedEvent
from tenants.events.registry import subscribe


@subscribe(events.SHIBO)
def tsusho_on_shibo(event: ReceivedEvent[events.ShojoPayload]) -> None:
    """The child's death ends the 給付決定 (valid to the day of death); a 保護者's death flags."""
    p = event.payload
    tsusho_shojo_apply(atena_ids=p.atena_ids, day=p.ido_date, cause="shibo", ido_id=p.ido_id)
    tsusho_hogosha_apply(atena_ids=p.atena_ids, day=p.ido_date, cause="shibo", ido_id=p.ido_id)


@subscribe(events.TENSHUTSU_KAKUTEI)
def tsusho_on_tenshutsu(event: ReceivedEvent[events.TenshutsuKakuteiPayload]) -> None:
    """転出確定 (never the 予定): the child's ends the 給付決定 on the 除票 date (the new town
    decides on a new 申請); a 保護者's alone flags the decision for the clerk."""
    p = event.payload
    tsusho_shojo_apply(atena_ids=p.atena_ids, day=p.shojo_date, cause="tenshutsu", ido_id=p.ido_id)
    tsusho_hogosha_apply(
        atena_ids=p.atena_ids, day=p.shojo_date, cause="tenshutsu", ido_id=p.ido_id
    )
