"""Reading a corporation's ledger (法人住民税・事業所税 期別 keyed by its 法人番号): every
期別 with its balance, every entry, its 還付 and 充当 — a fixed number of queries however many
期別 it has (the page pins it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zeimu.models import Chotei, Kanpu, Kibetsu, Shuno, ShunoKind
from zeimu.services.shuno import Balance, taxpayer_balances


@dataclass(frozen=True)
class Entry:
    """One entry of a 期別, 調定 or 収納, as the page lists it (oldest first)."""

    on: date
    kibetsu: Kibetsu
    kind_label: str
    chotei: int  # the 調定's change (0 for a 収納 entry)
    shuno: int  # the 収納's amount (0 for a 調定 entry)
    reason: str


@dataclass(frozen=True)
class JutoMove:
    on: date
    from_kibetsu: Kibetsu
    to_kibetsu: Kibetsu
    amount: int


@dataclass(frozen=True)
class HojinLedger:
    kibetsu: list[tuple[Kibetsu, Balance]]
    entries: list[Entry]
    kanpu: list[Kanpu]
    juto: list[JutoMove]


def hojin_ledger(hojin_bango: str) -> HojinLedger:
    rows = taxpayer_balances(None, hojin_bango=hojin_bango)
    kibs = {k.pk: k for k, _ in rows}
    entries = [
        Entry(c.on, kibs[c.kibetsu_id], c.get_kind_display(), c.amount, 0, c.reason)
        for c in Chotei.objects.filter(kibetsu_id__in=kibs).order_by("on", "pk")
    ]
    shuno = list(Shuno.objects.filter(kibetsu_id__in=kibs).order_by("on", "pk"))
    entries += [
        Entry(s.on, kibs[s.kibetsu_id], s.get_kind_display(), 0, s.amount, "") for s in shuno
    ]
    entries.sort(key=lambda e: (e.on, e.kibetsu.nouki, e.kibetsu.pk))
    by_pk = {s.pk: s for s in shuno}
    juto = [
        JutoMove(s.on, kibs[s.kibetsu_id], kibs[by_pk[s.pair_id].kibetsu_id], -s.amount)
        for s in shuno
        if s.kind == ShunoKind.JUTO_OUT and s.pair_id in by_pk
    ]
    kanpu = list(Kanpu.objects.filter(kibetsu_id__in=kibs).order_by("kettei_date", "pk"))
    for k in kanpu:
        k.kibetsu = kibs[k.kibetsu_id]  # no query per row
    return HojinLedger(rows, entries, kanpu, juto)
