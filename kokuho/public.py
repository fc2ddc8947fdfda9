"""What other modules may ask 国民健康保険 (資格): plain typed values, ids in and out.

For the tax (国保税, 介護納付金分 …) and 福祉: who holds 国保 on a date, and the
国保世帯 of a registry household on a date with its 納税義務者 (the 世帯主, also when
not insured: 擬制世帯主) and its 特定同一世帯所属者. For the 収納 ledger (through the
platform, ``tenants.rentai``): the 連帯納付義務者 of a 後期高齢者医療保険料 期別.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from kokuho.selectors.koki_rentai import rentai_for_ledger
from kokuho.selectors.setai import periods_on, setai_on
from tenants.tagyo import TagyoStatus

__all__ = [
    "Hihokensha",
    "KokuhoSetaiOn",
    "hihokensha_on",
    "koki_rentai",
    "kokuho_setai_on",
    "tagyo_kokuho",
]

#: ``ModuleSpec.rentai_providers``: 後期高齢者医療保険料 期別 of the ledger → their
#: 連帯納付義務者 (高齢者の医療の確保に関する法律第108条第2項・第3項)
koki_rentai = rentai_for_ledger


@dataclass(frozen=True)
class Hihokensha:
    atena_id: int
    shutoku_date: date
    soshitsu_date: date | None
    setai_id: int | None


@dataclass(frozen=True)
class KokuhoSetaiOn:
    setai_id: int
    day: date
    nozei_gimusha_atena_id: int | None  # 世帯主
    gisei_setainushi: bool
    hihokensha_atena_ids: tuple[int, ...]
    tokutei_doitsu_atena_ids: tuple[int, ...]
    kigo: str
    bango: str


def hihokensha_on(atena_ids: Iterable[int], day: date) -> dict[int, Hihokensha]:
    """Which of ``atena_ids`` hold 国保 on ``day`` (one query)."""
    rows = periods_on(day).filter(atena_id__in=list(set(atena_ids)))
    return {
        s.atena_id: Hihokensha(s.atena_id, s.shutoku_date, s.soshitsu_date, s.setai_id)
        for s in rows
    }


def kokuho_setai_on(setai_id: int, day: date) -> KokuhoSetaiOn:
    """The 国保世帯 of registry household ``setai_id`` on ``day``."""
    s = setai_on(setai_id, day)
    head = s.setainushi
    return KokuhoSetaiOn(
        setai_id=setai_id,
        day=day,
        nozei_gimusha_atena_id=head.atena_id if head else None,
        gisei_setainushi=s.gisei,
        hihokensha_atena_ids=tuple(m.atena_id for m in s.insured),
        tokutei_doitsu_atena_ids=tuple(m.atena_id for m in s.members if m.tokutei_doitsu),
        kigo=s.kokuho.kigo if s.kokuho else "",
        bango=s.kokuho.bango if s.kokuho else "",
    )


def tagyo_kokuho(atena_ids: Iterable[int]) -> dict[int, TagyoStatus]:
    """住民記録's 他業務 tab (標準仕様書 7.2.2, ``ModuleSpec.tagyo_providers``): for each
    person who ever held 国保 here, whether insured today and the dates of the latest
    period (cancelled periods left out), with the time of the last change of their 資格.
    Two queries. No 記号・番号 (7.2.2 【実装しない機能】)."""
    from django.db.models import Max
    from django.utils import timezone

    from kokuho.models import Shikaku, ShikakuRireki
    from tenants.tagyo import KOKUHO

    today = timezone.localdate()
    latest: dict[int, Shikaku] = {}
    for s in Shikaku.objects.filter(atena_id__in=list(set(atena_ids)), torikeshi=False).order_by(
        "shutoku_date", "id"
    ):
        latest[s.atena_id] = s
    changed = dict(
        ShikakuRireki.objects.filter(atena_id__in=list(latest))
        .values("atena_id")
        .annotate(last=Max("at"))
        .values_list("atena_id", "last")
    )
    return {
        a: TagyoStatus(
            kind=KOKUHO,
            gaito=s.shutoku_date <= today and (s.soshitsu_date is None or s.soshitsu_date > today),
            shutoku_date=s.shutoku_date,
            soshitsu_date=s.soshitsu_date,
            shutsusho="国民健康保険（資格）",
            koshin_at=changed.get(a),
        )
        for a, s in latest.items()
    }
