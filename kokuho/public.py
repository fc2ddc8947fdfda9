"""What other modules may ask 国民健康保険 (資格): plain typed values, ids in and out.

For the tax (国保税, 介護納付金分 …) and 福祉: who holds 国保 on a date, and the
国保世帯 of a registry household on a date with its 納税義務者 (the 世帯主, also when
not insured: 擬制世帯主) and its 特定同一世帯所属者.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from kokuho.selectors.setai import periods_on, setai_on
from tenants import tagyo
from tenants.tagyo import TagyoStatus


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


# --- 他業務の登録情報 (住民記録標準仕様書 7.2.2): 後期高齢者医療 and 国民年金 (issue 15
# items 5–6), the providers ``kokuho/module.py`` declares (``tagyo_providers``) ----------


def tagyo_koki(atena_ids: Iterable[int]) -> dict[int, TagyoStatus]:
    """後期高齢者医療: 被保険者該当の有無 and the dates of the latest period (one query)."""
    from django.utils import timezone

    from kokuho.models import KokiShikaku

    today = timezone.localdate()
    out: dict[int, TagyoStatus] = {}
    rows = KokiShikaku.objects.filter(atena_id__in=list(atena_ids)).order_by(
        "atena_id", "shutoku_date", "id"
    )
    for s in rows:  # the latest period of each person wins
        out[s.atena_id] = TagyoStatus(
            kind=tagyo.KOKI,
            gaito=s.shutoku_date <= today and (s.soshitsu_date is None or s.soshitsu_date > today),
            shutoku_date=s.shutoku_date,
            soshitsu_date=s.soshitsu_date,
            shutsusho="後期高齢者医療（町の事務）",
            koshin_at=s.created_at,
        )
    return out


def tagyo_nenkin(atena_ids: Iterable[int]) -> dict[int, TagyoStatus]:
    """国民年金: what the 届 taken at the counter say (one query): 種別 after the latest
    届, its 基礎年金番号, the dates of the latest 取得・喪失・種別変更. Only the town's 届 are
    known here; the 日本年金機構's record is the authority."""
    from kokuho.models import NenkinTodoke, TodokeKind

    by_person: dict[int, list[NenkinTodoke]] = {}
    for t in NenkinTodoke.objects.filter(atena_id__in=list(atena_ids)).order_by("gaito_date", "id"):
        by_person.setdefault(t.atena_id, []).append(t)
    out: dict[int, TagyoStatus] = {}
    for atena_id, todoke in by_person.items():
        last = todoke[-1]

        def latest(kind: str, rows: list[NenkinTodoke] = todoke) -> date | None:
            return next((t.gaito_date for t in reversed(rows) if t.kind == kind), None)

        bango = next((t.kiso_nenkin_bango for t in reversed(todoke) if t.kiso_nenkin_bango), "")
        out[atena_id] = TagyoStatus(
            kind=tagyo.NENKIN,
            gaito=last.shubetsu_go in tagyo.NENKIN_SHUBETSU,
            kiso_nenkin_no=bango,
            nenkin_shubetsu=last.shubetsu_go if last.shubetsu_go in tagyo.NENKIN_SHUBETSU else "",
            shubetsu_henko_date=latest(TodokeKind.SHUBETSU),
            shutoku_date=latest(TodokeKind.SHUTOKU),
            soshitsu_date=latest(TodokeKind.SOSHITSU),
            shutsusho="国民年金（町の受付）",
            koshin_at=last.created_at,
        )
    return out
