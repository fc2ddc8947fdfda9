"""The law values the 国保 給付 rules need, parsed into exact values (``kokuho/params/
kyufu.yaml``; the 基礎控除 tiers are the 国保税's ``kokuho.hokenzei.kiso_kojo``).

:func:`parameters_from_lookup` takes any ``lookup(key, fiscal_year)`` (``param_value``
inside a town, a dict in tests), so the rules (:mod:`kokuho.rules.kyufu`) stay pure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

P = "kokuho.kyufu."


class GendoMissing(LookupError):
    """No amount is registered for the month (the message is Japanese)."""


def _ym(text: str) -> tuple[int, int]:
    y, m = text.split("-")
    return int(y), int(m)


# --- parameters ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Gendo:
    base: int
    threshold: int | None
    tasu: int | None
    gairai: int | None = None


@dataclass(frozen=True)
class GendoTable:
    first: tuple[int, int]
    last: tuple[int, int] | None
    rate: Fraction
    under70: Mapping[str, Gendo]
    over70: Mapping[str, Gendo]

    def covers(self, year: int, month: int) -> bool:
        return self.first <= (year, month) and (self.last is None or (year, month) <= self.last)


@dataclass(frozen=True)
class ShussanGaku:
    first: tuple[int, int]
    last: tuple[int, int] | None
    kihon: int
    kasan: int


@dataclass(frozen=True)
class KyufuParameters:
    """The values one 年度 (of the 診療月 / 出産日) needs."""

    fiscal_year: int
    kirikae_tsuki: int
    koreisha_nenrei: int
    #: (区分, 旧ただし書所得 above which it applies or None), highest first
    tiers: tuple[tuple[str, int | None], ...]
    hikazei: str
    mishinkoku: str
    #: (区分, 課税所得 at or above which), highest first
    genekinami: tuple[tuple[str, int], ...]
    ippan: str
    tei2: str
    tei1: str
    nenkin_kojo: int
    tokurei_born_from: date
    tokurei_gendo: int
    #: 基準収入額適用: 収入 under which a 現役並み household becomes 一般 on application
    kijun_tandoku: int
    kijun_fukusu: int
    #: 基礎控除 by 合計所得金額 (upto or None, amount), of the 国保税 (same law)
    kiso_kojo: tuple[tuple[int | None, int], ...]
    gassan_kijun: int
    tasukai_months: int
    tasukai_kaisu: int
    #: 75歳到達月の特例: the share of the personal limits in the month of the birthday
    tokurei75: Fraction
    #: the age of the move to 後期高齢者医療 (kokuho.shikaku.koki_nenrei)
    koki_nenrei: int
    gendo_tables: tuple[GendoTable, ...]
    shussan: tuple[ShussanGaku, ...]

    def gendo_table(self, year: int, month: int) -> GendoTable:
        for t in self.gendo_tables:
            if t.covers(year, month):
                return t
        raise GendoMissing(
            f"{year}年{month}月診療分の自己負担限度額が登録されていないため、計算できません"
            "（法令の額を確かめて kokuho/params/kyufu.yaml に期間を足してください）。"
        )


Lookup = Callable[[str, int], Any]


def _gendo(raw: Mapping[str, Any]) -> Gendo:
    def opt(k: str) -> int | None:
        v = raw.get(k)
        return None if v is None else int(v)

    return Gendo(
        base=int(raw["base"]), threshold=opt("threshold"), tasu=opt("tasu"), gairai=opt("gairai")
    )


def parameters_from_lookup(lookup: Lookup, fiscal_year: int, *, kiso_year: int) -> KyufuParameters:
    """Build the parameters of ``fiscal_year``; the 基礎控除 tiers of ``kiso_year`` (the
    住民税 年度 whose 所得 the 区分 uses)."""
    y = fiscal_year
    sk = lookup(P + "shotoku_kubun", y)
    kk = lookup(P + "koreisha_kubun", y)
    tasu = lookup(P + "kogaku.tasukai", y)
    t75 = lookup(P + "kogaku.tokurei75", y)
    kijun = lookup(P + "kijun_shunyu", y)
    tables = tuple(
        GendoTable(
            first=_ym(t["from_month"]),
            last=_ym(t["to_month"]) if t.get("to_month") else None,
            rate=Fraction(Decimal(str(t["rate"]))),
            under70={k: _gendo(v) for k, v in t["under70"].items()},
            over70={k: _gendo(v) for k, v in t["over70"].items()},
        )
        for t in lookup(P + "kogaku.gendogaku", y)
    )
    try:
        shussan_rows = lookup(P + "shussan.gaku", y)
    except LookupError:
        shussan_rows = []
    return KyufuParameters(
        fiscal_year=y,
        kirikae_tsuki=int(lookup(P + "shotoku_kirikae_tsuki", y)),
        koreisha_nenrei=int(lookup(P + "koreisha_nenrei", y)),
        tiers=tuple(
            (t["kubun"], None if t["over"] is None else int(t["over"])) for t in sk["tiers"]
        ),
        hikazei=sk["hikazei"],
        mishinkoku=sk["mishinkoku"],
        genekinami=tuple((t["kubun"], int(t["kazei_shotoku_ijo"])) for t in kk["genekinami"]),
        ippan=kk["ippan"],
        tei2=kk["teishotoku2"],
        tei1=kk["teishotoku1"],
        nenkin_kojo=int(kk["nenkin_kojo"]),
        tokurei_born_from=date.fromisoformat(kk["tokurei"]["born_from"]),
        tokurei_gendo=int(kk["tokurei"]["kyu_tadashigaki_gendo"]),
        kijun_tandoku=int(kijun["tandoku"]),
        kijun_fukusu=int(kijun["fukusu"]),
        kiso_kojo=tuple(
            (None if t["upto"] is None else int(t["upto"]), int(t["amount"]))
            for t in lookup("kokuho.hokenzei.kiso_kojo", kiso_year)
        ),
        gassan_kijun=int(lookup(P + "kogaku.gassan_kijun", y)),
        tasukai_months=int(tasu["months"]),
        tasukai_kaisu=int(tasu["kaisu"]),
        tokurei75=Fraction(int(t75["bunshi"]), int(t75["bunbo"])),
        koki_nenrei=int(lookup("kokuho.shikaku.koki_nenrei", y)),
        gendo_tables=tables,
        shussan=tuple(
            ShussanGaku(
                first=_ym(s["from_month"]),
                last=_ym(s["to_month"]) if s.get("to_month") else None,
                kihon=int(s["kihon"]),
                kasan=int(s["kasan"]),
            )
            for s in shussan_rows
        ),
    )


def parameters_for(fiscal_year: int, *, kiso_year: int) -> KyufuParameters:
    """From the law-parameter table (inside a town: its 条例 values win)."""
    from tenants.params.services import param_value

    return parameters_from_lookup(param_value, fiscal_year, kiso_year=kiso_year)
