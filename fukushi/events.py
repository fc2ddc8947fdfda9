"""The events 福祉 publishes (declared here, listed in docs/events.md).

生活保護 受給 is an 適用除外 of 国民健康保険 (国民健康保険法第6条第9号): 国保 subscribes to
these two and ends (喪失 on the 開始日, 法第8条) or restores (取得 on the day the person no
longer receives 保護, 法第7条) the person's 資格. Payloads carry ids and dates only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from tenants.events.contracts import declare


@dataclass(frozen=True)
class SeihoKaishiPayload:
    """保護開始 (or a 世帯員 added to a case by a 変更): these persons receive 保護 from ``day``."""

    case_id: Annotated[int, "生活保護ケースID"]
    kettei_id: Annotated[int, "決定ID"]
    atena_ids: Annotated[tuple[int, ...], "保護を受けることになった人の宛名ID"]
    kaishi_date: Annotated[date, "保護開始日（保護を受け始めた日）"]


@dataclass(frozen=True)
class SeihoHaishiPayload:
    """保護廃止 (or a 世帯員 leaving a case by a 変更): these persons no longer receive 保護
    from ``haishi_date``."""

    case_id: Annotated[int, "生活保護ケースID"]
    kettei_id: Annotated[int, "決定ID"]
    atena_ids: Annotated[tuple[int, ...], "保護を受けなくなった人の宛名ID"]
    haishi_date: Annotated[date, "保護廃止日（保護を受けなくなった日）"]


SEIHO_KAISHI = declare(
    "fukushi.seiho_kaishi",
    payload=SeihoKaishiPayload,
    description="生活保護の保護開始（世帯員の追加を含む）の決定。",
)
SEIHO_HAISHI = declare(
    "fukushi.seiho_haishi",
    payload=SeihoHaishiPayload,
    description="生活保護の保護廃止（世帯員の削除を含む）の決定。",
)
