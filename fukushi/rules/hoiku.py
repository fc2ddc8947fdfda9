"""保育の認定と保育料: pure rules (no Django, no database).

Sources (each figure itself lives in fukushi/params/hoiku.yaml with its citation):

- 支給認定の区分 (子ども・子育て支援法第19条第1項): 1号 満3歳以上で教育を受ける子ども,
  2号 満3歳以上で保育を必要とする子ども, 3号 満3歳未満で保育を必要とする子ども. A child
  "reaches" 3 at the end of the day before the 3rd birthday (年齢計算ニ関スル法律, tenants.age),
  so a 3号 認定 runs at the latest to the day before that day and the 2号 starts on it.
- 保育料 (施行令第4条): by the 階層 of the household's 市町村民税所得割額 on the first day of
  each month; April–August from the 前年度's 市町村民税, September–March from the 当年度's.
- 無償化 (令和元年10月): 0 for the classes of 3 years and over, i.e. from the first April 1
  after the child reaches 3; a child who reached 3 during the year (特定満3歳以上保育認定子ども)
  still pays the 満3歳未満 fee until March.
- 多子軽減 (施行令第4条第2項): the eldest counted child is the 第1子; the 第2子 pays half and
  the 第3子以降 nothing. Counted are the household's 小学校就学前 children using a 保育所 等;
  a household whose 所得割 is under the 年収約360万円未満相当 line counts every child.
- ひとり親世帯等の軽減 (施行令第4条, 内閣府告示「特定教育・保育等に要する費用の額の算定に
  関する基準等」の利用者負担の表): a household recognised (認定, never guessed from the
  registry) as ひとり親世帯 or 在宅障害児（者）のいる世帯 whose 所得割 is under 77,101円 pays for
  the 第1子 at most the band's reduced amount and nothing for the 第2子以降; a 要保護世帯 pays
  nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from tenants.age import age_on, school_year_of, shogakko_entry_year


class Kubun(StrEnum):
    """支給認定の区分 (子ども・子育て支援法第19条第1項第1号〜第3号)."""

    ICHI = "1"
    NI = "2"
    SAN = "3"


class Hitsuyoryo(StrEnum):
    """保育必要量 (法第20条第3項)."""

    HYOJUN = "hyojun"  # 保育標準時間
    TANJIKAN = "tanjikan"  # 保育短時間


class KaisoKind(StrEnum):
    SEIHO = "seiho"  # 生活保護世帯等
    HIKAZEI = "hikazei"  # 市町村民税非課税世帯
    KAZEI = "kazei"  # 課税世帯（所得割額の区分）


@dataclass(frozen=True)
class Kaiso:
    """One row of a 保育料 table: ``under`` is the exclusive upper bound of the 所得割額
    (None: no upper bound); amounts are monthly yen."""

    no: int
    label: str
    kind: KaisoKind
    under: int | None
    hyojun: int
    tanjikan: int

    def amount(self, hitsuyoryo: Hitsuyoryo) -> int:
        return self.hyojun if hitsuyoryo is Hitsuyoryo.HYOJUN else self.tanjikan


def kaiso_table(rows: Sequence[Mapping[str, Any]]) -> list[Kaiso]:
    """A table as the YAML (``number``; ``no`` is a boolean in YAML) or the town's rows
    (``no``) give it, checked: 課税 rows ascending by bound, exactly one open-ended last row."""
    table = [
        Kaiso(
            no=int(str(r["no"] if "no" in r else r["number"])),
            label=str(r["label"]),
            kind=KaisoKind(str(r["kind"])),
            under=None if r.get("under") is None else int(str(r["under"])),
            hyojun=int(str(r["hyojun"])),
            tanjikan=int(str(r["tanjikan"])),
        )
        for r in rows
    ]
    kazei = [k for k in table if k.kind is KaisoKind.KAZEI]
    bounds = [k.under for k in kazei]
    if not kazei or bounds[-1] is not None or None in bounds[:-1]:
        raise ValueError(
            "課税世帯の階層は所得割額の上限の昇順で、最後の階層だけ上限なしにしてください"
        )
    closed = [b for b in bounds[:-1] if b is not None]
    if closed != sorted(set(closed)):
        raise ValueError("課税世帯の階層の所得割額の上限が昇順になっていません")
    return table


@dataclass(frozen=True)
class Setai:
    """The household as the 階層 sees it."""

    seiho: bool  # 生活保護世帯等
    hikazei: bool  # 市町村民税非課税世帯（全員が非課税）
    shotokuwari: int  # Σ 市町村民税所得割額 of the 保護者 (父母・家計の主宰者)


def kaiso_of(table: Sequence[Kaiso], setai: Setai) -> Kaiso:
    """The row of ``table`` for the household: 生活保護, else 非課税, else the first 課税 row
    whose bound the 所得割額 is under (a household with 均等割 only has 所得割 0)."""
    wanted = (
        KaisoKind.SEIHO if setai.seiho else KaisoKind.HIKAZEI if setai.hikazei else KaisoKind.KAZEI
    )
    for k in table:
        if k.kind is not wanted:
            continue
        if wanted is not KaisoKind.KAZEI or k.under is None or setai.shotokuwari < k.under:
            return k
    raise ValueError(f"保育料表に{wanted}の階層がありません")


def nendo_of(day: date) -> int:
    """The 年度 (April–March) of ``day``."""
    return day.year if day.month >= 4 else day.year - 1


def kazei_nendo(month: date, *, kirikae_tsuki: int) -> int:
    """The 市町村民税's 年度 that decides the fee of ``month``: the 前年度 for April up to the
    month before ``kirikae_tsuki`` (9: April–August), the 当年度 from it to March."""
    nendo = nendo_of(month)
    in_first_part = 4 <= month.month < kirikae_tsuki
    return nendo - 1 if in_first_part else nendo


def sansai_tasshi_bi(birth: date) -> date:
    """満3歳に達する日: the day before the 3rd birthday (年齢計算ニ関スル法律)."""
    third = date(birth.year + 3, birth.month, 28) if (birth.month, birth.day) == (2, 29) else None
    birthday = third + timedelta(days=1) if third else birth.replace(year=birth.year + 3)
    return birthday - timedelta(days=1)


def kubun_for(birth: date, day: date, *, hoiku: bool) -> Kubun:
    """The 区分 of a child on ``day``: 1号 (教育) or 2号 (保育) from the day they reach 3,
    3号 before it."""
    if age_on(birth, day) >= 3:
        return Kubun.NI if hoiku else Kubun.ICHI
    if not hoiku:
        raise ValueError("満3歳未満の子どもは教育の認定（1号）を受けられません")
    return Kubun.SAN


def class_age(birth: date, nendo: int) -> int:
    """The class (クラス年齢) in 年度 ``nendo``, cut as school grades are (学校教育法第17条,
    tenants.age): children born 4月2日 of Y to 4月1日 of Y+1 form one class, which is the
    0歳児クラス in 年度 Y+1. A child born on April 1 is the youngest of the older class."""
    return nendo - school_year_of(birth - timedelta(days=1)) - 1


def shugakumae(birth: date, day: date) -> bool:
    """小学校就学前: before the April of the year the child enters 小学校 (学校教育法第17条)."""
    return day < date(shogakko_entry_year(birth), 4, 1)


def mushoka(birth: date, month: date, *, mushoka_sai: int) -> bool:
    """無償化: from the first April 1 after the child reaches ``mushoka_sai`` (3): the 3歳児
    クラス and over. Before it (including the months after the 3rd birthday in the same
    年度) the 満3歳未満 fee applies."""
    return class_age(birth, nendo_of(month)) >= mushoka_sai


@dataclass(frozen=True)
class Kyodai:
    """A child of the household as 多子軽減 counts them."""

    key: int  # the caller's id for the child (宛名 id)
    birth: date
    riyo: bool  # uses a 保育所・認定こども園・幼稚園 等 on the day (has a 認定 and is enrolled)


def tashi_order(child: int, kyodai: Sequence[Kyodai], *, day: date, zenin_kazoe: bool) -> int:
    """The birth order (1 = 第1子) of ``child`` for 多子軽減 on ``day``.

    Normally only the 小学校就学前 children who use a facility count, the eldest first;
    with ``zenin_kazoe`` (所得割 under the 年収約360万円未満相当 line) every child of the
    household counts whatever the age. Children born the same day are ordered by ``key``
    (the order of twins does not change what the household pays in total)."""
    counted = sorted(
        (
            k
            for k in kyodai
            if zenin_kazoe or k.key == child or (k.riyo and shugakumae(k.birth, day))
        ),
        key=lambda k: (k.birth, k.key),
    )
    for i, k in enumerate(counted, start=1):
        if k.key == child:
            return i
    raise ValueError("the child is not among the household's children")


def tashi_apply(amount: int, order: int, *, dai2_percent: int, dai3_percent: int) -> int:
    """The fee after 多子軽減: the 第2子 pays ``dai2_percent`` % (half by the national rule),
    the 第3子以降 ``dai3_percent`` % (nothing); yen fractions are cut (the national amounts
    are multiples of 100, so half is exact)."""
    if order <= 1:
        return amount
    percent = dai2_percent if order == 2 else dai3_percent
    return amount * percent // 100


class Keigen(StrEnum):
    """The recognised household status that reduces the 0–2歳 fee."""

    HITORIOYA = "hitorioya"  # ひとり親世帯
    ZAITAKU_SHOGAI = "zaitaku_shogai"  # 在宅障害児（者）のいる世帯
    YOHOGO = "yohogo"  # 要保護世帯


@dataclass(frozen=True)
class HitorioyaBand:
    """The ひとり親世帯等's 第1子 amount for a 所得割 under ``under``."""

    under: int
    hyojun: int
    tanjikan: int

    def amount(self, hitsuyoryo: Hitsuyoryo) -> int:
        return self.hyojun if hitsuyoryo is Hitsuyoryo.HYOJUN else self.tanjikan


@dataclass(frozen=True)
class HitorioyaRule:
    """``under``: the 所得割 limit (77,101円 nationally; a town may raise it); ``bands``
    ascending. A 所得割 at or over the last band's bound but under ``under`` (a town's
    extension) takes the last band's amount."""

    under: int
    bands: tuple[HitorioyaBand, ...]


def hitorioya_bands(rows: Sequence[Mapping[str, Any]]) -> tuple[HitorioyaBand, ...]:
    bands = tuple(
        HitorioyaBand(
            under=int(str(r["under"])),
            hyojun=int(str(r["hyojun"])),
            tanjikan=int(str(r["tanjikan"])),
        )
        for r in rows
    )
    if not bands or [b.under for b in bands] != sorted({b.under for b in bands}):
        raise ValueError("ひとり親世帯等の軽減額の所得割額の上限が昇順になっていません")
    return bands


def keigen_apply(
    amount: int,
    *,
    kijun: int,
    order: int,
    keigen: Keigen | None,
    setai: Setai,
    hitsuyoryo: Hitsuyoryo,
    rule: HitorioyaRule,
) -> int | None:
    """The fee after the ひとり親世帯等・要保護世帯 reduction, or None when it does not apply
    (no 認定, or a 所得割 at or over the limit). 要保護世帯: 0. ひとり親世帯等 under the
    limit: 第2子以降 0, the 第1子 the band's amount (never more than ``amount``)."""
    if keigen is None:
        return None
    if keigen is Keigen.YOHOGO:
        return 0
    if setai.seiho or setai.hikazei:
        return None  # the table's 第1・2階層 already charge their own (0) amounts
    if setai.shotokuwari >= rule.under:
        return None
    if order >= 2:
        return 0
    band = next((b for b in rule.bands if setai.shotokuwari < b.under), rule.bands[-1])
    return min(amount, kijun, band.amount(hitsuyoryo))


@dataclass(frozen=True)
class FeeInput:
    birth: date
    month: date  # the first day of the month charged
    hitsuyoryo: Hitsuyoryo
    setai: Setai
    order: int  # 多子軽減の順位 (tashi_order)
    keigen: Keigen | None = None  # the household's recognised ひとり親世帯等・要保護 status


@dataclass(frozen=True)
class FeeResult:
    mushoka: bool
    kaiso: Kaiso | None  # None when free by 無償化
    kijun: int  # the table's amount before 多子軽減
    order: int
    amount: int  # what the household pays for the month
    keigen: Keigen | None = None  # set when the ひとり親世帯等・要保護 reduction applied


def fee(
    inp: FeeInput,
    *,
    table: Sequence[Kaiso],
    mushoka_sai: int,
    dai2_percent: int,
    dai3_percent: int,
    hitorioya: HitorioyaRule | None = None,
) -> FeeResult:
    """The monthly 保育料 of one 2号・3号 child; with ``hitorioya`` and a recognised
    ``inp.keigen`` the ひとり親世帯等・要保護 reduction replaces 多子軽減 where it applies."""
    if mushoka(inp.birth, inp.month, mushoka_sai=mushoka_sai):
        return FeeResult(mushoka=True, kaiso=None, kijun=0, order=inp.order, amount=0)
    k = kaiso_of(table, inp.setai)
    kijun = k.amount(inp.hitsuyoryo)
    amount = tashi_apply(kijun, inp.order, dai2_percent=dai2_percent, dai3_percent=dai3_percent)
    reduced = (
        keigen_apply(
            amount,
            kijun=kijun,
            order=inp.order,
            keigen=inp.keigen,
            setai=inp.setai,
            hitsuyoryo=inp.hitsuyoryo,
            rule=hitorioya,
        )
        if hitorioya is not None
        else None
    )
    if reduced is not None:
        return FeeResult(
            mushoka=False, kaiso=k, kijun=kijun, order=inp.order, amount=reduced, keigen=inp.keigen
        )
    return FeeResult(mushoka=False, kaiso=k, kijun=kijun, order=inp.order, amount=amount)


def hitsuyoryo_for_shuro(hours: int, *, kagen: int, hyojun: int) -> Hitsuyoryo | None:
    """保育必要量 from the monthly working hours: 標準時間 from ``hyojun`` hours, 短時間 from
    the town's lower limit ``kagen``; None under it (no 保育の必要性 by 就労)."""
    if hours >= hyojun:
        return Hitsuyoryo.HYOJUN
    if hours >= kagen:
        return Hitsuyoryo.TANJIKAN
    return None


@dataclass(frozen=True)
class Applicant:
    """One 入所申込 as the 利用調整 ranks it."""

    key: int  # the 申込's own number (受付番号), never a database id
    points: int  # 基本指数＋調整指数
    shotokuwari: int
    birth: date
    wishes: tuple[int, ...]  # facility keys in the order wished
    age_class: int


def chosei_rank(applicants: Sequence[Applicant], *, dosu_junjo: int) -> list[Applicant]:
    """The order in which the 利用調整 serves applicants: points high first; ties by the
    town's rule (1: 所得割 low then 受付順, 2: 受付順 then 所得割 low, 3: the younger child
    then 受付順)."""

    def tie(a: Applicant) -> tuple[int, ...]:
        if dosu_junjo == 1:
            return (a.shotokuwari, a.key)
        if dosu_junjo == 2:
            return (a.key, a.shotokuwari)
        if dosu_junjo == 3:
            return (-a.birth.toordinal(), a.key)
        raise ValueError(f"同点時の順位 {dosu_junjo} は定められていません")

    return sorted(applicants, key=lambda a: (-a.points, *tie(a)))


def chosei_assign(
    applicants: Sequence[Applicant],
    free: dict[tuple[int, int], int],
    *,
    dosu_junjo: int,
) -> dict[int, int | None]:
    """Assign each applicant (by ``chosei_rank``) to the first wished facility with a free
    place in their age class; ``free`` is (facility, age class) → places left. Returns
    applicant key → facility key, or None (保留)."""
    left = dict(free)
    out: dict[int, int | None] = {}
    for a in chosei_rank(applicants, dosu_junjo=dosu_junjo):
        out[a.key] = None
        for f in a.wishes:
            if left.get((f, a.age_class), 0) > 0:
                left[(f, a.age_class)] -= 1
                out[a.key] = f
                break
    return out
