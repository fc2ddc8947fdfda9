"""Typed inputs and results of the 国民健康保険税 calculation (frozen, no personal data:
a member is named by an opaque ``key`` the caller chooses, e.g. the 宛名 id)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Literal

__all__ = [
    "HokenzeiInput",
    "HokenzeiResult",
    "KeigenHantei",
    "KeigenMember",
    "KubunResult",
    "Member",
    "MemberLine",
    "Shotoku",
    "TokuteiSetai",
]

TokuteiSetai = Literal["", "tokutei", "tokutei_keizoku"]


@dataclass(frozen=True)
class Shotoku:
    """A person's 前年 income, as the 課税資料 give it (all whole yen, never negative
    except ``hantei_chosei``).

    ``kyuyo`` is the 給与所得 (after 給与所得控除 and 所得金額調整控除), ``nenkin`` the 公的年金等
    に係る雑所得, ``sonota`` every other part of the 総所得金額等 (事業・不動産・一時・分離
    譲渡 after its 特別控除 …).  ``hantei_chosei`` is what the 軽減判定 adds to that sum and
    the 所得割 does not (事業専従者控除 added back, 譲渡所得の特別控除前の差額): the 判定 uses
    the figures before those deductions."""

    kyuyo: int = 0
    nenkin: int = 0
    sonota: int = 0
    kyuyo_shunyu: int = 0
    nenkin_shunyu: int = 0
    hantei_chosei: int = 0
    #: 合計所得金額 for the 基礎控除 tier; None = the 総所得金額等 itself
    gokei_shotoku: int | None = None
    #: False when the person's income is not known (未申告): no 法定軽減 for the household
    shinkoku: bool = True

    @property
    def sogaku(self) -> int:
        return self.kyuyo + self.nenkin + self.sonota


@dataclass(frozen=True)
class Member:
    """One person of the household who counts for the tax: an insured person, the
    擬制世帯主 (``insured=False``) or a 特定同一世帯所属者 (``tokutei_doitsu=True``)."""

    key: str
    birth_date: date
    shotoku: Shotoku = Shotoku()
    insured: bool = True
    #: 資格取得日 within the 年度 (None: insured since before 4月1日)
    shutoku_date: date | None = None
    #: 資格喪失日 (the day after a 転出・死亡; None: through the 年度). The 75th birthday
    #: ends 国保 on the day by law even when this is not given.
    soshitsu_date: date | None = None
    tokutei_doitsu: bool = False
    #: 非自発的失業者: the 給与所得 counts at 30/100 in this 年度 (the caller decides the
    #: 年度 the 離職日 makes eligible)
    hijihatsu_shitsugyo: bool = False
    #: 出産予定日 (or 出産日) for the 産前産後 減額, and whether 多胎
    shussan_date: date | None = None
    tatai: bool = False
    #: 固定資産税額 for a town that keeps 資産割
    koteishisanzei: int = 0
    #: 給与所得者等 as recorded; None = judged from the 収入 and the year's thresholds
    kyuyo_shotokusha: bool | None = None


@dataclass(frozen=True)
class HokenzeiInput:
    fiscal_year: int
    members: tuple[Member, ...]
    #: ``key`` of the 世帯主 (the 納税義務者; one of ``members``, insured or not)
    setainushi: str
    tokutei_setai: TokuteiSetai = ""


@dataclass(frozen=True)
class KeigenMember:
    key: str
    hantei_shotoku: int
    nenkin_kojo: int
    kyuyo_shotokusha: bool


@dataclass(frozen=True)
class KeigenHantei:
    """The 法定軽減 judgement, with every figure it used."""

    hantei_date: date
    members: tuple[KeigenMember, ...]
    hantei_shotoku: int
    hihokensha_su: int
    kyuyo_shotokusha_su: int
    #: wari → the 基準額 (判定所得 at or below it gets that 軽減)
    kijun: tuple[tuple[int, int], ...]
    wari: int
    rate: Fraction
    #: why no 軽減 was applied although it might be (未申告); "" otherwise
    note: str = ""


@dataclass(frozen=True)
class MemberLine:
    """One member's figures in one 区分 (annual amounts: a full year's figure; the 月割
    comes from ``months``)."""

    key: str
    kijun_shotoku: int
    shotokuwari: int
    shisanwari: int
    kintowari: int
    keigen: int
    mishugaku: int
    miman18: int
    kintowari_after: int
    #: 4..12, 1..3 of the months this member owes this 区分
    months: tuple[int, ...]
    #: months of those exempt for 産前産後 (所得割・均等割 not levied)
    sanzen_months: tuple[int, ...]


@dataclass(frozen=True)
class KubunResult:
    kubun: str
    label: str
    members: tuple[MemberLine, ...]
    byodowari: int
    byodowari_tokutei: int
    byodowari_keigen: int
    byodowari_after: int
    #: full-year figures of the members who owe this 区分 in any month
    shotokuwari_total: int
    shisanwari_total: int
    kintowari_total: int
    nengaku: int
    gendo: int
    #: (month 1..12, that month's annual-basis amount after the 課税限度額) for the
    #: months the 区分 is owed; the 月割 is each month's amount ÷ 12
    monthly: tuple[tuple[int, int], ...]
    #: the 月割 sum (before rounding) and the 区分's tax after the town's rounding
    tsukiwari: Fraction
    zeigaku: int

    @property
    def capped(self) -> bool:
        """Whether the 課税限度額 cut the full-year figure."""
        return self.nengaku > self.gendo


@dataclass(frozen=True)
class HokenzeiResult:
    fiscal_year: int
    keigen: KeigenHantei
    kubun: tuple[KubunResult, ...]
    total: int
    #: the 年税額 after 地方税法第20条の4の2 rounding
    nengaku: int
    lines: tuple[str, ...]

    def of(self, kubun: str) -> KubunResult:
        for k in self.kubun:
            if k.kubun == kubun:
                return k
        raise KeyError(kubun)
