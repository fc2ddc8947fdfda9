"""軽自動車税（種別割）: pure calculation, no database.

The law's numbers come from ``zeimu/params/keijidosha.yaml`` through
:meth:`KeiParams.build` (a town's 条例 rates win over the 標準税率). The tax of a vehicle
for a 年度 is one annual amount (no 月割: who holds the vehicle on the 賦課期日, 4月1日,
owes the whole year), chosen in this order:

1. a 三輪・四輪 vehicle whose 初度検査 fell in the 年度 before and that meets a
   グリーン化特例 tier of the year (電気・天然ガス → 概ね75%軽減; 営業用乗用 with the 燃費基準
   → 50% / 25%) takes the 軽課 amount (only that one 年度);
2. a 三輪・四輪 vehicle whose 初度検査 年度 + 14 ≤ the 年度 (13年経過) takes the 重課 amount,
   unless its fuel is excluded (電気・天然ガス・メタノール・混合メタノール・ハイブリッド) or it
   is a 被けん引車;
3. a 三輪・四輪 vehicle first inspected before 平成27年4月 takes the 旧税率;
4. otherwise the rate of its 種別 (the town's 条例 rate, else the 標準税率).

A year without グリーン化 data (令和5年度以前, 令和9年度以後) raises ``LookupError``: it is
refused, not guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tenants.holidays import next_business_day
from zeimu.rules.kibetsu import _month_day

__all__ = [
    "SANRIN_YONRIN",
    "SHUBETSU",
    "KeiParams",
    "KeiResult",
    "SharyoInput",
    "kei_compute",
    "kei_kibetsu",
    "nendo_of",
]

P = "zeimu.keijidosha."

#: 種別 codes: the keys of the rates in the params file (the model's choices use them)
SHUBETSU = (
    "gentsuki_50",
    "gentsuki_90",
    "gentsuki_125",
    "minicar",
    "nirin_kei",
    "nirin_kogata",
    "kotoku_noko",
    "kotoku_sonota",
    "sanrin",
    "joyo_eigyo",
    "joyo_jika",
    "kamotsu_eigyo",
    "kamotsu_jika",
)
#: 三輪・四輪: the 種別 that have 旧税率, 重課 and グリーン化特例
SANRIN_YONRIN = frozenset({"sanrin", "joyo_eigyo", "joyo_jika", "kamotsu_eigyo", "kamotsu_jika"})


def nendo_of(d: date) -> int:
    """The 年度 (April to March) a date falls in."""
    return d.year if d.month >= 4 else d.year - 1


def _ym(text: str) -> date:
    y, m = text.split("-")
    return date(int(y), int(m), 1)


@dataclass(frozen=True)
class KeiParams:
    fiscal_year: int
    zeiritsu: dict[str, int]  # 種別 → 年額 (the town's 条例 rate where it has one)
    kyu_before: date  # 初度検査 before this month → 旧税率
    kyu: dict[str, int]
    juka_nensu: int  # 重課 from the 年度 of the 初度検査 + this
    juka: dict[str, int]
    juka_jogai: frozenset[str]  # fuels without 重課
    green: tuple[dict[str, Any], ...]  # tiers: {kubun, label, amounts}
    fuka_kijitsu: date
    nouki_month: int
    nouki_day: int

    @classmethod
    def build(cls, fiscal_year: int, lookup: Callable[[str, int], Any]) -> KeiParams:
        """``lookup`` is ``tenants.params.services.param_value``. Raises
        ``tenants.params.services.ParameterMissing`` (a ``LookupError``) for a year the
        law data does not cover."""
        kyu = lookup(P + "kyu_zeiritsu", fiscal_year)
        juka = lookup(P + "jukazei", fiscal_year)
        green = lookup(P + "green", fiscal_year)
        kijitsu = lookup(P + "fuka_kijitsu", fiscal_year)
        return cls(
            fiscal_year=fiscal_year,
            zeiritsu={s: int(lookup(P + "zeiritsu." + s, fiscal_year)) for s in SHUBETSU},
            kyu_before=_ym(str(kyu["shindo_before"])),
            kyu={k: int(v) for k, v in kyu["amounts"].items()},
            juka_nensu=int(juka["kaishi_nensu"]),
            juka={k: int(v) for k, v in juka["amounts"].items()},
            juka_jogai=frozenset(str(x) for x in juka["jogai_nenryo"]),
            green=tuple(dict(t) for t in green["tiers"]),
            fuka_kijitsu=date(fiscal_year, int(kijitsu["month"]), int(kijitsu["day"])),
            nouki_month=int(lookup(P + "nouki_month", fiscal_year)),
            nouki_day=int(lookup(P + "nouki_day", fiscal_year)),
        )


@dataclass(frozen=True)
class SharyoInput:
    shubetsu: str
    shodo_kensa: date | None = None  # 初度検査年月 (the 1st of the month); none for 原付
    nenryo: str = ""  # 燃料 code (gasoline, diesel, hybrid, denki, tennen_gas, …)
    hikennin: bool = False  # 被けん引車
    green_kubun: str = ""  # グリーン化特例の区分: denki_tennen, nenpi_90, nenpi_70 or ""


@dataclass(frozen=True)
class KeiResult:
    zeigaku: int  # 年税額
    kubun: str  # hyojun / kyu / juka / green
    kubun_label: str  # 標準税率 / 旧税率 / 重課（13年経過） / グリーン化特例（概ね75%軽減）
    lines: tuple[str, ...]


def kei_compute(v: SharyoInput, p: KeiParams) -> KeiResult:
    """The year's tax of one vehicle (see the module docstring for the order)."""
    if v.shubetsu not in p.zeiritsu:
        raise ValueError(f"種別が正しくありません: {v.shubetsu}")
    base = p.zeiritsu[v.shubetsu]
    if v.shubetsu not in SANRIN_YONRIN:
        return KeiResult(base, "hyojun", "標準税率", (f"種別の税率 {base:,}円",))
    if v.shodo_kensa is None:
        raise ValueError("三輪・四輪の軽自動車は初度検査年月が必要です。")
    shodo_nendo = nendo_of(v.shodo_kensa)
    lines: list[str] = []
    if v.green_kubun and shodo_nendo == p.fiscal_year - 1:
        for tier in p.green:
            amounts = tier["amounts"]
            if tier["kubun"] == v.green_kubun and v.shubetsu in amounts:
                amt = int(amounts[v.shubetsu])
                label = f"グリーン化特例（{tier['label']}）"
                return KeiResult(
                    amt,
                    "green",
                    label,
                    (f"前年度中の初度検査で{label}の基準に該当: {amt:,}円（この年度分のみ）",),
                )
        lines.append("グリーン化特例の区分はこの年度・種別の軽課に該当しません")
    juka_nendo = shodo_nendo + p.juka_nensu
    if p.fiscal_year >= juka_nendo:
        if v.hikennin:
            lines.append("被けん引車のため13年経過の重課はありません")
        elif v.nenryo in p.juka_jogai:
            lines.append("燃料の区分により13年経過の重課はありません")
        else:
            amt = p.juka[v.shubetsu]
            return KeiResult(
                amt,
                "juka",
                "重課（13年経過）",
                (*lines, f"最初の新規検査から13年を経過（重課は{juka_nendo}年度から）: {amt:,}円"),
            )
    if v.shodo_kensa < p.kyu_before:
        amt = p.kyu[v.shubetsu]
        return KeiResult(
            amt, "kyu", "旧税率", (*lines, f"平成27年3月以前の初度検査: 旧税率 {amt:,}円")
        )
    return KeiResult(base, "hyojun", "標準税率", (*lines, f"種別の税率 {base:,}円"))


def kei_kibetsu(total: int, p: KeiParams) -> list[dict[str, Any]]:
    """One 期 (the town's 納期 month, May by default), due date moved to the next 開庁日
    (地方税法第20条の5)."""
    year = p.fiscal_year if p.nouki_month >= 4 else p.fiscal_year + 1
    nominal = _month_day(year, p.nouki_month, p.nouki_day)
    return [
        {
            "label": "全期",
            "amount": total,
            "due": next_business_day(nominal, inclusive=True).isoformat(),
            "nominal": nominal.isoformat(),
        }
    ]
