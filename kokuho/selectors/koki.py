"""後期高齢者医療保険料 as the 収納 ledger holds it (reads through ``zeimu.public`` only):

- :func:`shuno_jokyo`: one person's 後期 期別 with 調定, 収納 and 残 (``kibetsu_zan``);
- :func:`nofu_getsuji`: the 広域連合への納付 summary — per month of the 会計年度, the premiums
  the town collected (高齢者の医療の確保に関する法律第105条: the 市町村 pays the 広域連合
  what it collected), 特別徴収 and 普通徴収 apart, 現年度分 and 過年度分 apart
  (``shuno_getsuji``: sums of the town's own ledger, no person named).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kokuho.services.koki_chotei import TOKUCHO_KI
from tenants.wareki import format_nendo, format_wareki_year
from zeimu.public import KibetsuZan, Zeimoku, kibetsu_zan, shuno_getsuji

#: the months of a 会計年度, April first
_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)

NOFU_CSV_HEADER = [
    "会計年度",
    "月",
    "現年度分 特別徴収",
    "現年度分 普通徴収",
    "過年度分",
    "計",
]


def shuno_jokyo(atena_id: int, *, on: date | None = None) -> list[KibetsuZan]:
    """The person's 後期高齢者医療保険料 期別 in the ledger, oldest 納期限 first."""
    return [z for z in kibetsu_zan(atena_id, on=on) if z.zeimoku == Zeimoku.KOKI]


@dataclass
class NofuMonth:
    month: date
    tokucho: int = 0  # 現年度分, 特別徴収 (the pension insurers' payments)
    futsu: int = 0  # 現年度分, 普通徴収 (窓口, 口座振替, コンビニ, 金融機関 …)
    kanendo: int = 0  # 過年度分 (期別 of an earlier 年度)

    @property
    def total(self) -> int:
        return self.tokucho + self.futsu + self.kanendo

    @property
    def label(self) -> str:
        """令和7年4月"""
        return f"{format_wareki_year(self.month.year)}{self.month.month}月"


@dataclass
class NofuSummary:
    nendo: int
    months: list[NofuMonth]

    @property
    def total(self) -> NofuMonth:
        t = NofuMonth(month=date(self.nendo, 4, 1))
        for m in self.months:
            t.tokucho += m.tokucho
            t.futsu += m.futsu
            t.kanendo += m.kanendo
        return t


def nofu_getsuji(nendo: int) -> NofuSummary:
    """The 会計年度 ``nendo``'s months (April … March) by 収納日. 現年度分: 期別 of the 年度
    ``nendo``; 過年度分: of an earlier 年度. (The 出納整理期間 — April and May of the next
    year counted for ``nendo`` — is not separated: 未確認 how the 広域連合 wants it.)"""
    months = [date(nendo if m >= 4 else nendo + 1, m, 1) for m in _MONTHS]
    by_month = {m: NofuMonth(month=m) for m in months}
    for g in shuno_getsuji(Zeimoku.KOKI, since=months[0], until=date(nendo + 1, 3, 31)):
        row = by_month[g.month]
        if g.nendo < nendo:
            row.kanendo += g.amount
        elif g.ki > TOKUCHO_KI:
            row.tokucho += g.amount
        else:
            row.futsu += g.amount
    return NofuSummary(nendo=nendo, months=[by_month[m] for m in months])


def nofu_csv_rows(summary: NofuSummary) -> list[list[object]]:
    fy = format_nendo(summary.nendo)
    rows: list[list[object]] = [
        [fy, m.label, m.tokucho, m.futsu, m.kanendo, m.total] for m in summary.months
    ]
    t = summary.total
    rows.append([fy, "計", t.tokucho, t.futsu, t.kanendo, t.total])
    return rows
