"""償却資産 (固定資産税): the 評価額 and 課税標準額 of one asset, pure, no database.

固定資産評価基準 第3章 (償却資産), as the municipalities' guides state it (箱根町, 彦根市,
名古屋市; sources in ``zeimu/params/kotei_shisanzei.yaml``):

- acquired in the year before the 賦課期日 (前年中取得): 取得価額 × (1 − r/2), a half year
  of depreciation whatever the month;
- acquired earlier (前年前取得): last year's 評価額 × (1 − r), year after year, each
  year's figure floored to the yen (the guides' worked examples do so);
- never below 取得価額 × 5/100 (最低限度) while the asset is in use;
- r is the 減価率 of the 耐用年数 (別表第15); the table of r, 1 − r/2 and 1 − r is data,
  read as published (1 − r/2 is printed truncated to three decimals: 0.8155 → 0.815).

An asset acquired on 1 January is declared as acquired in the previous December (評価基準;
箱根町's guide), so an asset is first taxed in the 年度 after its 取得年. The 課税標準額 is
the 評価額, or the 評価額 times the ratio of a 課税標準の特例 (地方税法第349条の3, 附則第15条;
わがまち特例) for the years it lasts. Not built: 改良費 as a separate asset line, the
増加償却 and 耐用年数の短縮 (評価基準 allows them on application), 取得価額 by the 圧縮記帳.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

__all__ = [
    "SHURUI",
    "ShisanInput",
    "ShisanResult",
    "ShokyakuParams",
    "Tokurei",
    "first_nendo",
    "shisan_compute",
]

P = "zeimu.kotei."

#: 資産の種類 of the 種類別明細書 (償却資産申告書, 地方税法施行規則 第26号様式)
SHURUI = {
    1: "構築物",
    2: "機械及び装置",
    3: "船舶",
    4: "航空機",
    5: "車両及び運搬具",
    6: "工具・器具及び備品",
}


@dataclass(frozen=True)
class Tokurei:
    code: str
    label: str
    ratio: Fraction
    nendo: int | None  # number of 年度 from the first taxed; None: no end


@dataclass(frozen=True)
class ShokyakuParams:
    #: 耐用年数 → (減価率 r, 前年中取得 1 − r/2, 前年前取得 1 − r), in thousandths
    genka: dict[int, tuple[int, int, int]]
    saitei: Fraction  # 最低限度: share of the 取得価額
    tokurei: dict[str, Tokurei]

    @classmethod
    def build(cls, fiscal_year: int, lookup: Callable[[str, int], Any]) -> ShokyakuParams:
        rows = lookup(P + "shokyaku_genka", fiscal_year)
        saitei = lookup(P + "shokyaku_saitei", fiscal_year)
        tok = lookup(P + "shokyaku_tokurei", fiscal_year)
        return cls(
            genka={int(n): (int(r), int(a), int(b)) for n, r, a, b in rows},
            saitei=Fraction(int(saitei[0]), int(saitei[1])),
            tokurei={
                str(t["code"]): Tokurei(
                    code=str(t["code"]),
                    label=str(t["label"]),
                    ratio=Fraction(int(t["ratio"][0]), int(t["ratio"][1])),
                    nendo=None if t.get("nendo") is None else int(t["nendo"]),
                )
                for t in tok
            },
        )


@dataclass(frozen=True)
class ShisanInput:
    shisan_id: int
    shutoku_year: int  # 取得年 (西暦); 1月1日の取得は前年12月として申告される
    shutoku_kakaku: int  # 取得価額（円）
    taiyo_nensu: int
    tokurei: str = ""  # code of a 課税標準の特例, "" for none


@dataclass(frozen=True)
class ShisanResult:
    shisan_id: int
    shutoku_kakaku: int
    hyoka: int  # 評価額 (価格)
    saitei: bool  # the 5% floor applied
    hyojun: int  # 課税標準額
    tokurei: str  # label of the 特例 applied, "" for none
    lines: tuple[str, ...]


def first_nendo(shutoku_year: int) -> int:
    """The first 年度 an asset is taxed: the one whose 賦課期日 (1 January) follows its 取得年."""
    return shutoku_year + 1


def _rate(x: int) -> str:
    return f"{x / 1000:.3f}"


def shisan_compute(a: ShisanInput, fiscal_year: int, p: ShokyakuParams) -> ShisanResult:
    """評価額 and 課税標準額 of one asset for ``fiscal_year``; ``ValueError`` (Japanese) when
    the asset was not held on the 賦課期日 or its 耐用年数 has no 減価率 in the table."""
    first = first_nendo(a.shutoku_year)
    if fiscal_year < first:
        raise ValueError(f"取得年（{a.shutoku_year}年）が{fiscal_year}年1月1日より後です。")
    if a.shutoku_kakaku < 0:
        raise ValueError("取得価額は0円以上です。")
    if a.taiyo_nensu not in p.genka:
        raise ValueError(f"耐用年数{a.taiyo_nensu}年の減価率が登録されていません。")
    r, zen_nenchu, zen_nenmae = p.genka[a.taiyo_nensu]
    value = a.shutoku_kakaku * zen_nenchu // 1000
    lines = [
        f"取得価額 {a.shutoku_kakaku:,}円、耐用年数{a.taiyo_nensu}年（減価率{_rate(r)}）",
        f"{first}年度 {a.shutoku_kakaku:,}円×{_rate(zen_nenchu)}＝{value:,}円（前年中取得）",
    ]
    floor = int(a.shutoku_kakaku * p.saitei // 1)
    for fy in range(first + 1, fiscal_year + 1):
        before = value
        value = value * zen_nenmae // 1000
        if fy == fiscal_year or value < floor:
            lines.append(f"{fy}年度 {before:,}円×{_rate(zen_nenmae)}＝{value:,}円")
        if value < floor:
            break  # from here on the 最低限度 holds every year
    saitei = value < floor
    hyoka = floor if saitei else value
    if saitei:
        lines.append(
            f"取得価額の{p.saitei.numerator}/{p.saitei.denominator}（{floor:,}円）を下回るため"
            f"評価額は{floor:,}円（最低限度）"
        )
    hyojun, label = hyoka, ""
    if a.tokurei:
        t = p.tokurei.get(a.tokurei)
        if t is None:
            raise ValueError("課税標準の特例の区分が不明です。")
        if t.nendo is None or fiscal_year < first + t.nendo:
            hyojun = int(hyoka * t.ratio // 1)
            label = t.label
            until = "" if t.nendo is None else f"、{first + t.nendo - 1}年度まで"
            lines.append(f"課税標準の特例 {t.label} {t.ratio}（{hyojun:,}円{until}）")
        else:
            lines.append(f"課税標準の特例 {t.label} は{first + t.nendo - 1}年度で終了")
    lines.append(f"評価額 {hyoka:,}円、課税標準額 {hyojun:,}円")
    return ShisanResult(
        shisan_id=a.shisan_id,
        shutoku_kakaku=a.shutoku_kakaku,
        hyoka=hyoka,
        saitei=saitei,
        hyojun=hyojun,
        tokurei=label,
        lines=tuple(lines),
    )
