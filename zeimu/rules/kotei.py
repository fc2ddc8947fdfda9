"""固定資産税・都市計画税（土地・家屋）: pure calculation, no database.

The law's numbers come from ``zeimu/params/kotei_shisanzei.yaml`` through
:meth:`KoteiParams.build` (a town's 条例 values win: rates, 納期, 端数単位); everything
here is exact arithmetic on :class:`~fractions.Fraction` and integers (円).

Order of the calculation, per 納税義務者 and 年度 (賦課期日 1月1日, 地方税法第359条):

1. each parcel's 本則課税標準額: its 価格, or for a 住宅用地 the 価格 split by area into
   小規模住宅用地 (200㎡ per dwelling) and 一般住宅用地 times the 特例率 (第349条の3の2,
   都市計画税 第702条の3);
2. its 課税標準額 after the 負担調整措置 (附則第18条・第19条・第25条, 令和6〜8年度) from the
   前年度課税標準額 and the 負担水準;
3. a house's 課税標準額 is its 価格; the 新築住宅 減額 (附則第15条の6・第15条の7) is a
   reduction of the 固定資産税 額 of that house, not of its 課税標準;
4. 免税点 (第351条) on the taxpayer's totals of land and of houses separately; where the
   固定資産税 is not levied, neither is the 都市計画税;
5. 課税標準額 summed and floored to 1,000円, times the rate, the 税額 floored to 100円
   (第20条の4の2); less the 新築住宅 減額; 期別 with the remainder in the first 期.

Not built (say so rather than guess): 一般住宅用地's cap at ten times the house's floor
area, a parcel partly 住宅用地 and partly not (a parcel is one or the other here), the
比準課税標準額 of land newly taxed or changed in 地目 (the 本則 / 価格×70% is used, and the
explanation says so), 市街化区域農地. 償却資産 are valued in ``zeimu.rules.kotei_shokyaku``
and join the taxpayer's total here with their own 免税点.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from tenants.holidays import next_business_day
from zeimu.rules.kibetsu import split_ki
from zeimu.rules.kotei_shokyaku import ShisanResult, ShokyakuParams

__all__ = [
    "KaokuInput",
    "KaokuResult",
    "KoteiParams",
    "TochiInput",
    "TochiResult",
    "YochiKubun",
    "ZeigakuResult",
    "kaoku_compute",
    "kotei_kibetsu",
    "nozeisha_compute",
    "tochi_compute",
]

P = "zeimu.kotei."

#: 用地の区分 of a parcel (the 負担調整 it takes)
YochiKubun = str
JUTAKU = "jutaku"  # 住宅用地
SHOGYO = "shogyo"  # 商業地等（住宅用地以外の宅地・宅地比準土地）
NOCHI = "nochi"  # 一般農地
SONOTA = "sonota"  # 山林・原野等（負担調整なし: 課税標準は価格）
KUBUN = (JUTAKU, SHOGYO, NOCHI, SONOTA)


def _frac(pair: Sequence[int]) -> Fraction:
    return Fraction(int(pair[0]), int(pair[1]))


def _floor(x: Fraction | int) -> int:
    return int(x // 1) if isinstance(x, Fraction) else int(x)


def _ratio_pct(num: int, den: int) -> str:
    """A 負担水準 num/den as the screens show it (99.0%), without a Fraction: int true
    division is correctly rounded whether or not the pair is reduced, so the text is the
    one ``float(Fraction(num, den) * 100)`` gives."""
    return f"{num * 100 / den:.1f}%"


@lru_cache(maxsize=64)
def _rates_text(shokibo: Fraction, ippan: Fraction) -> str:
    """ "1/6・1/3": the 特例率 as the explanation writes them (the same few for a whole run)."""
    return f"{shokibo}・{ippan}"


def _mul_floor(x: int, pair: Sequence[int]) -> int:
    """``_floor(x * _frac(pair))`` for an integer ``x`` and a positive denominator, in
    integers (floor division is the floor of the exact quotient)."""
    return x * int(pair[0]) // int(pair[1])


def _times_floor(x: int, rate: Fraction) -> int:
    """``_floor(x * rate)`` for an integer ``x``."""
    return x * rate.numerator // rate.denominator


@dataclass(frozen=True)
class KoteiParams:
    fiscal_year: int
    zeiritsu: Fraction  # 固定資産税
    toshi_zeiritsu: Fraction  # 都市計画税 (0: not levied)
    menzeiten_tochi: int
    menzeiten_kaoku: int
    hyojun_unit: int
    zeigaku_unit: int
    shokibo_per_ko: int
    kotei_shokibo: Fraction
    kotei_ippan: Fraction
    toshi_shokibo: Fraction
    toshi_ippan: Fraction
    futan: dict[str, Any] | None  # None: no 負担調整 data for the year
    shinchiku: dict[str, Any]
    nouki_months: tuple[int, ...]
    nouki_day: int
    hasu_tani: int
    menzeiten_shokyaku: int = 0
    shokyaku: ShokyakuParams | None = None  # None: the table is not registered for the year

    @classmethod
    def build(cls, fiscal_year: int, lookup: Callable[[str, int], Any]) -> KoteiParams:
        """``lookup`` is ``tenants.params.services.param_value`` (or a dict's get in
        tests). Raises ``LookupError`` when the year has no 負担調整 data."""
        mz = lookup(P + "menzeiten", fiscal_year)
        hasu = lookup(P + "hasu", fiscal_year)
        jy = lookup(P + "jutaku_yochi", fiscal_year)
        return cls(
            fiscal_year=fiscal_year,
            zeiritsu=Fraction(int(lookup(P + "zeiritsu", fiscal_year)), 100_000),
            toshi_zeiritsu=Fraction(int(lookup(P + "toshi_zeiritsu", fiscal_year)), 100_000),
            menzeiten_tochi=int(mz["tochi"]),
            menzeiten_kaoku=int(mz["kaoku"]),
            hyojun_unit=int(hasu["kazei_hyojun"]),
            zeigaku_unit=int(hasu["zeigaku"]),
            shokibo_per_ko=int(jy["shokibo_menseki_per_ko"]),
            kotei_shokibo=_frac(jy["kotei"]["shokibo"]),
            kotei_ippan=_frac(jy["kotei"]["ippan"]),
            toshi_shokibo=_frac(jy["toshi"]["shokibo"]),
            toshi_ippan=_frac(jy["toshi"]["ippan"]),
            futan=dict(lookup(P + "futan_chosei", fiscal_year)),
            shinchiku=dict(lookup(P + "shinchiku_genmen", fiscal_year)),
            nouki_months=tuple(int(m) for m in lookup(P + "nouki_months", fiscal_year)),
            nouki_day=int(lookup(P + "nouki_day", fiscal_year)),
            hasu_tani=int(lookup(P + "hasu_tani", fiscal_year)),
            menzeiten_shokyaku=int(mz["shokyaku"]),
            shokyaku=ShokyakuParams.build(fiscal_year, lookup),
        )


# --- 土地 -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TochiInput:
    tochi_id: int
    kakaku: int  # 価格（評価額）
    chiseki: Decimal  # 地積（課税地積、㎡）
    kubun: YochiKubun
    jutaku_kosu: int = 0  # 住宅用地: the dwellings standing on it
    shigaika: bool = False  # 都市計画税の課税区域（市街化区域）にある
    zennen_kotei: int | None = None  # 前年度課税標準額（固定資産税）
    zennen_toshi: int | None = None  # 前年度課税標準額（都市計画税）


@dataclass(frozen=True)
class TochiResult:
    tochi_id: int
    kakaku: int
    kubun: YochiKubun
    shokibo_menseki: Decimal
    ippan_menseki: Decimal
    honsoku_kotei: int
    honsoku_toshi: int
    suijun_kotei: str  # 負担水準 as text ("" when there was no 前年度)
    suijun_toshi: str
    hyojun_kotei: int  # 課税標準額（円未満切捨て）
    hyojun_toshi: int  # 0 outside the 都市計画税 area
    lines: tuple[str, ...]


def _futan_jutaku(honsoku: int, zennen: int | None, f: dict[str, Any]) -> tuple[int, str, str]:
    # 負担水準 = zennen / honsoku; compared and scaled in integers (the same results as with
    # Fractions: every comparison is cross-multiplied by the positive honsoku)
    if zennen is None:
        return honsoku, "", "前年度課税標準額なし: 本則課税標準額（比準課税標準額は未実装）"
    if honsoku == 0:
        return 0, "", "本則課税標準額0円"
    pct = _ratio_pct(zennen, honsoku)
    if zennen >= honsoku:
        return honsoku, pct, f"負担水準{pct}（100%以上）: 本則課税標準額"
    up = zennen + _mul_floor(honsoku, f["joshou"])
    out = min(up, honsoku)
    out = max(out, _mul_floor(honsoku, f["kagen"]))
    why = "本則課税標準額を上限" if up > honsoku else "前年度課税標準額＋本則の5%"
    return out, pct, f"負担水準{pct}（100%未満）: {why} {out:,}円"


def _futan_shogyo(kakaku: int, zennen: int | None, f: dict[str, Any]) -> tuple[int, str, str]:
    jogen = _mul_floor(kakaku, f["jogen"])
    if zennen is None:
        return jogen, "", "前年度課税標準額なし: 価格×70%（比準課税標準額は未実装）"
    if kakaku == 0:
        return 0, "", "価格0円"
    pct = _ratio_pct(zennen, kakaku)
    j_num, j_den = int(f["jogen"][0]), int(f["jogen"][1])
    if zennen * j_den > kakaku * j_num:  # 負担水準 > 70%
        return jogen, pct, f"負担水準{pct}（70%超）: 価格×70%に引下げ {jogen:,}円"
    s_num, s_den = int(f["sueoki_kagen"][0]), int(f["sueoki_kagen"][1])
    if zennen * s_den >= kakaku * s_num:  # 60% 以上
        return zennen, pct, f"負担水準{pct}（60%以上70%以下）: 前年度に据置"
    up = zennen + _mul_floor(kakaku, f["joshou"])
    out = min(up, _mul_floor(kakaku, f["sueoki_kagen"]))
    out = max(out, _mul_floor(kakaku, f["kagen"]))
    return out, pct, f"負担水準{pct}（60%未満）: 前年度＋価格の5% {out:,}円"


def _futan_nochi(kakaku: int, zennen: int | None, f: dict[str, Any]) -> tuple[int, str, str]:
    if zennen is None or kakaku == 0:
        return kakaku, "", "前年度課税標準額なし: 価格"
    pct = _ratio_pct(zennen, kakaku)
    for lo, hi, rate in f["nochi"]:
        # lo% <= zennen / kakaku < hi%
        if int(lo) * kakaku <= zennen * 100 < int(hi) * kakaku:
            out = min(kakaku, zennen * int(rate) // 1000)
            return (
                out,
                pct,
                f"負担水準{pct}: 前年度×負担調整率{int(rate) / 1000:.3f}（価格を上限）",
            )
    return kakaku, pct, f"負担水準{pct}: 価格"


def tochi_compute(t: TochiInput, p: KoteiParams) -> TochiResult:
    if t.kubun not in KUBUN:
        raise ValueError(f"用地の区分が不明です: {t.kubun}")
    if p.futan is None:
        raise LookupError("負担調整措置の値がない年度です。")
    lines: list[str] = [f"価格 {t.kakaku:,}円（地積 {t.chiseki}㎡）"]
    shokibo = ippan = Decimal(0)
    if t.kubun == JUTAKU:
        if t.jutaku_kosu < 1:
            raise ValueError("住宅用地には住宅の戸数（1以上）が必要です。")
        shokibo = min(t.chiseki, Decimal(p.shokibo_per_ko * t.jutaku_kosu))
        ippan = t.chiseki - shokibo
        if ippan == 0:  # all 小規模 (the usual lot): the same figures without Fractions
            k_sho, k_ip = t.kakaku, 0
            honsoku_kotei = _times_floor(k_sho, p.kotei_shokibo)
            honsoku_toshi = _times_floor(k_sho, p.toshi_shokibo)
        else:
            share = Fraction(shokibo) / Fraction(t.chiseki) if t.chiseki else Fraction(1)
            k_sho = _floor(t.kakaku * share)
            k_ip = t.kakaku - k_sho
            honsoku_kotei = _floor(k_sho * p.kotei_shokibo + k_ip * p.kotei_ippan)
            honsoku_toshi = _floor(k_sho * p.toshi_shokibo + k_ip * p.toshi_ippan)
        lines.append(
            f"住宅用地（{t.jutaku_kosu}戸）: 小規模住宅用地 {shokibo}㎡・一般住宅用地 {ippan}㎡"
        )
        rk = _rates_text(p.kotei_shokibo, p.kotei_ippan)
        rt = _rates_text(p.toshi_shokibo, p.toshi_ippan)
        lines.append(
            f"本則課税標準額 固定資産税 {honsoku_kotei:,}円（{rk}）、"
            f"都市計画税 {honsoku_toshi:,}円（{rt}）"
        )
        hk, sk, why_k = _futan_jutaku(honsoku_kotei, t.zennen_kotei, p.futan["jutaku"])
        ht, st, why_t = _futan_jutaku(honsoku_toshi, t.zennen_toshi, p.futan["jutaku"])
    elif t.kubun == SHOGYO:
        honsoku_kotei = honsoku_toshi = t.kakaku
        hk, sk, why_k = _futan_shogyo(t.kakaku, t.zennen_kotei, p.futan["shogyo"])
        ht, st, why_t = _futan_shogyo(t.kakaku, t.zennen_toshi, p.futan["shogyo"])
        lines.append("商業地等: 負担水準は前年度課税標準額÷価格")
    elif t.kubun == NOCHI:
        honsoku_kotei = honsoku_toshi = t.kakaku
        hk, sk, why_k = _futan_nochi(t.kakaku, t.zennen_kotei, p.futan)
        ht, st, why_t = _futan_nochi(t.kakaku, t.zennen_toshi, p.futan)
        lines.append("一般農地: 負担調整率による")
    else:
        honsoku_kotei = honsoku_toshi = hk = ht = t.kakaku
        sk = st = ""
        why_k = why_t = "負担調整の対象外: 価格"
    lines.append(f"固定資産税 課税標準額 {hk:,}円（{why_k}）")
    if t.shigaika and p.toshi_zeiritsu > 0:
        lines.append(f"都市計画税 課税標準額 {ht:,}円（{why_t}）")
    else:
        ht = 0
    return TochiResult(
        tochi_id=t.tochi_id,
        kakaku=t.kakaku,
        kubun=t.kubun,
        shokibo_menseki=shokibo,
        ippan_menseki=ippan,
        honsoku_kotei=honsoku_kotei,
        honsoku_toshi=honsoku_toshi,
        suijun_kotei=sk,
        suijun_toshi=st,
        hyojun_kotei=hk,
        hyojun_toshi=ht,
        lines=tuple(lines),
    )


# --- 家屋 -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KaokuInput:
    kaoku_id: int
    kakaku: int
    yuka_menseki: Decimal  # 床面積（延べ）
    kyoju_menseki: Decimal  # 居住部分の床面積（住宅でなければ0）
    kosu: int = 1  # 住宅の戸数（独立的に区画された部分）
    shinchiku_date: date | None = None
    chukoso: bool = False  # 3階建以上の中高層耐火・準耐火建築物
    choki_yuryo: bool = False  # 認定長期優良住宅
    kashiya_kyodo: bool = False  # 貸家の共同住宅（床面積の下限40㎡）
    shigaika: bool = False


@dataclass(frozen=True)
class KaokuResult:
    kaoku_id: int
    kakaku: int
    hyojun_kotei: int
    hyojun_toshi: int
    genmen_ratio: Fraction  # share of the house's 固定資産税 reduced (0 when none)
    genmen_until: int | None  # last 年度 of the 減額
    lines: tuple[str, ...]


def shinchiku_first_year(built: date) -> int:
    """The first 年度 a new house is taxed: built on 1 January it exists on that year's
    賦課期日, otherwise the next year's (地方税法第359条)."""
    return built.year if (built.month, built.day) == (1, 1) else built.year + 1


def kaoku_compute(h: KaokuInput, p: KoteiParams) -> KaokuResult:
    s = p.shinchiku
    lines = [f"価格 {h.kakaku:,}円（床面積 {h.yuka_menseki}㎡）"]
    ratio = Fraction(0)
    until: int | None = None
    if h.shinchiku_date and h.kyoju_menseki > 0 and h.yuka_menseki > 0 and h.kosu >= 1:
        nensu_key = ("choki_" if h.choki_yuryo else "") + ("chukoso" if h.chukoso else "ippan")
        years = int(s["nensu"][nensu_key])
        first = shinchiku_first_year(h.shinchiku_date)
        if first <= p.fiscal_year < first + years:  # outside: nothing to say on an old house
            per_ko = Fraction(h.kyoju_menseki) / h.kosu
            lo = int(s["yuka_min_kashiya"] if h.kashiya_kyodo else s["yuka_min"])
            kigen = date.fromisoformat(str(s["shinchiku_kigen"]))
            kyoju = Fraction(h.kyoju_menseki)
            if h.shinchiku_date > kigen:
                lines.append(f"新築住宅の減額: {kigen.isoformat()}より後の新築のため対象外")
            elif kyoju / Fraction(h.yuka_menseki) < _frac(s["kyoju_wariai_min"]):
                lines.append("新築住宅の減額: 居住部分が床面積の2分の1未満のため対象外")
            elif not lo <= per_ko <= int(s["yuka_max"]):
                lines.append(
                    f"新築住宅の減額: 1戸の床面積が{lo}〜{s['yuka_max']}㎡でないため対象外"
                )
            else:
                target = min(kyoju, Fraction(int(s["menseki_gendo"]) * h.kosu))
                ratio = target / Fraction(h.yuka_menseki) * _frac(s["wariai"])
                until = first + years - 1
                lines.append(
                    f"新築住宅の減額: 居住部分のうち{float(target):g}㎡分の税額の"
                    f"{_frac(s['wariai'])}（{first}〜{until}年度の{years}年度分）"
                )
    return KaokuResult(
        kaoku_id=h.kaoku_id,
        kakaku=h.kakaku,
        hyojun_kotei=h.kakaku,
        hyojun_toshi=h.kakaku if h.shigaika and p.toshi_zeiritsu > 0 else 0,
        genmen_ratio=ratio,
        genmen_until=until,
        lines=tuple(lines),
    )


# --- 納税義務者ごとの税額 ---------------------------------------------------------------


@dataclass(frozen=True)
class ZeigakuResult:
    tochi_hyojun: int  # 土地の課税標準額の合計（固定資産税）
    kaoku_hyojun: int
    tochi_menzei: bool  # 免税点未満で課さない
    kaoku_menzei: bool
    kazei_hyojun_kotei: int  # 1,000円未満切捨て
    kazei_hyojun_toshi: int
    sanshutsu_kotei: int  # 課税標準額×税率（円未満切捨て）
    shinchiku_genmen: int  # 新築住宅の減額
    kotei_zeigaku: int  # 100円未満切捨て
    toshi_zeigaku: int
    lines: tuple[str, ...] = field(default=())
    shokyaku_hyojun: int = 0  # 償却資産の課税標準額の合計
    shokyaku_menzei: bool = False

    @property
    def nengaku(self) -> int:
        return self.kotei_zeigaku + self.toshi_zeigaku


def _down(x: int, unit: int) -> int:
    return x // unit * unit


def nozeisha_compute(
    tochi: Sequence[TochiResult],
    kaoku: Sequence[KaokuResult],
    p: KoteiParams,
    shokyaku: Sequence[ShisanResult] = (),
) -> ZeigakuResult:
    """The taxpayer's tax: 土地, 家屋 and 償却資産 each against its own 免税点 (第351条);
    償却資産 bear no 都市計画税 (第702条: 土地及び家屋)."""
    t_total = sum(r.hyojun_kotei for r in tochi)
    k_total = sum(r.hyojun_kotei for r in kaoku)
    s_total = sum(r.hyojun for r in shokyaku)
    t_menzei = bool(tochi) and t_total < p.menzeiten_tochi
    k_menzei = bool(kaoku) and k_total < p.menzeiten_kaoku
    s_menzei = bool(shokyaku) and s_total < p.menzeiten_shokyaku
    lines = []
    if tochi:
        lines.append(
            f"土地の課税標準額の合計 {t_total:,}円"
            + (f"（免税点{p.menzeiten_tochi:,}円未満のため課税しません）" if t_menzei else "")
        )
    if kaoku:
        lines.append(
            f"家屋の課税標準額の合計 {k_total:,}円"
            + (f"（免税点{p.menzeiten_kaoku:,}円未満のため課税しません）" if k_menzei else "")
        )
    if shokyaku:
        lines.append(
            f"償却資産の課税標準額の合計 {s_total:,}円"
            + (f"（免税点{p.menzeiten_shokyaku:,}円未満のため課税しません）" if s_menzei else "")
        )
    hyojun = _down(
        (0 if t_menzei else t_total) + (0 if k_menzei else k_total) + (0 if s_menzei else s_total),
        p.hyojun_unit,
    )
    toshi_raw = (0 if t_menzei else sum(r.hyojun_toshi for r in tochi)) + (
        0 if k_menzei else sum(r.hyojun_toshi for r in kaoku)
    )
    hyojun_toshi = _down(toshi_raw, p.hyojun_unit)
    sanshutsu = _times_floor(hyojun, p.zeiritsu)
    genmen = (
        0
        if k_menzei
        else sum(_floor(r.kakaku * p.zeiritsu * r.genmen_ratio) for r in kaoku if r.genmen_ratio)
    )
    genmen = min(genmen, sanshutsu)
    kotei = _down(sanshutsu - genmen, p.zeigaku_unit)
    toshi = _down(_times_floor(hyojun_toshi, p.toshi_zeiritsu), p.zeigaku_unit)
    lines.append(
        f"固定資産税 課税標準額 {hyojun:,}円 × {float(p.zeiritsu * 100):g}% = {sanshutsu:,}円"
    )
    if genmen:
        lines.append(f"新築住宅の減額 {genmen:,}円")
    lines.append(f"固定資産税額 {kotei:,}円（100円未満切捨て）")
    if p.toshi_zeiritsu > 0:
        lines.append(
            f"都市計画税 課税標準額 {hyojun_toshi:,}円 × {float(p.toshi_zeiritsu * 100):g}% "
            f"= 税額 {toshi:,}円"
        )
    return ZeigakuResult(
        tochi_hyojun=t_total,
        kaoku_hyojun=k_total,
        tochi_menzei=t_menzei,
        kaoku_menzei=k_menzei,
        kazei_hyojun_kotei=hyojun,
        kazei_hyojun_toshi=hyojun_toshi,
        sanshutsu_kotei=sanshutsu,
        shinchiku_genmen=genmen,
        kotei_zeigaku=kotei,
        toshi_zeigaku=toshi,
        lines=tuple(lines),
        shokyaku_hyojun=s_total,
        shokyaku_menzei=s_menzei,
    )


def _month_day(year: int, month: int, day: int) -> date:
    last = calendar.monthrange(year, month)[1]
    return date(year, month, last if day <= 0 else min(day, last))


@lru_cache(maxsize=256)
def _due_dates(fiscal_year: int, months: tuple[int, ...], day: int) -> tuple[tuple[str, str], ...]:
    """(nominal, due) of each 期, as ISO dates: the same for every taxpayer of a town and
    year, so computed once (national holidays only: no town's data in the cache)."""
    out = []
    for month in months:
        year = fiscal_year if month >= 4 else fiscal_year + 1
        nominal = _month_day(year, month, day)
        out.append((nominal.isoformat(), next_business_day(nominal, inclusive=True).isoformat()))
    return tuple(out)


def kotei_kibetsu(total: int, p: KoteiParams) -> list[dict[str, Any]]:
    """期別 (地方税法第362条: the town's 納期; 第20条の4の2第6項: the remainder in the first
    期), due dates moved to the next 開庁日 (第20条の5)."""
    amounts = split_ki(total, len(p.nouki_months), p.hasu_tani)
    dues = _due_dates(p.fiscal_year, p.nouki_months, p.nouki_day)
    return [
        {"label": f"第{i}期", "amount": amount, "due": due, "nominal": nominal}
        for i, (amount, (nominal, due)) in enumerate(zip(amounts, dues, strict=True), start=1)
    ]
