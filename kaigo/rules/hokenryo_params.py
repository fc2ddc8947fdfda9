"""The law and 条例 values one 年度's 第1号保険料 and 利用者負担割合 need, parsed and checked.

The calculation (:mod:`kaigo.rules.hokenryo`, :mod:`kaigo.rules.hokenryo_futan`) never
touches the database: it takes a :class:`HokenryoParameters` / :class:`FutanParameters`.
:func:`hokenryo_parameters_from_lookup` builds one from any ``lookup(key, fiscal_year)``
that returns the stored value or raises ``LookupError``: ``tenants.params.services.
param_value`` inside a town's schema (its 条例 values — 基準額, 段階数, 保険料率, 基準所得金額,
端数処理 — win over the national ones), or a dict in tests.

Every key lives in ``kaigo/params/hokenryo.yaml`` with its legal source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

__all__ = [
    "HASU_HOHO_LABELS",
    "Dankai",
    "F",
    "FutanKijun",
    "FutanParameters",
    "HokenryoParameters",
    "P",
    "futan_parameters_from_lookup",
    "hokenryo_parameters_from_lookup",
    "parameters_for",
]

P = "kaigo.hokenryo."
F = "kaigo.futan."

#: A rate stored as an integer is this many parts of one (0.455 is 45500).
RATE_DENOMINATOR = 100_000

#: The stages 施行令第38条 fixes by 課税状況 (第1〜第5段階); a town's own stages start after.
HIKAZEI_DANKAI = 5

#: 端数処理の方法 code → the word a screen shows.
HASU_HOHO_LABELS: dict[int, str] = {1: "切捨て", 2: "切上げ", 3: "四捨五入"}

Lookup = Callable[[str, int], Any]


def _yen(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError(f"{what}は0以上の円単位の整数で指定してください: {value!r}")
    return value


def _rate(value: Any, what: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError(f"{what}は10万分率の0以上の整数で指定してください: {value!r}")
    return Fraction(value, RATE_DENOMINATOR)


def _optional(lookup: Lookup, key: str, year: int) -> Any:
    try:
        return lookup(key, year)
    except LookupError:
        return None


@dataclass(frozen=True)
class Dankai:
    """One 所得段階 of a town's table."""

    dankai: int
    #: 保険料率 before the 公費軽減 (基準額に乗じる割合)
    ritsu: Fraction
    #: 保険料率 after the 公費軽減 (the same as ``ritsu`` where there is none)
    keigengo_ritsu: Fraction
    #: 本人課税 stages: 合計所得金額 below this stays in this stage; None for 第1〜第5段階
    #: and for the last stage (no upper bound)
    kijun_shotoku: int | None

    @property
    def keigen(self) -> bool:
        return self.keigengo_ritsu != self.ritsu


@dataclass(frozen=True)
class HokenryoParameters:
    fiscal_year: int
    #: 第何期 and its first and last 年度
    ki: int
    ki_kaishi: int
    ki_shuryo: int
    #: 基準額 (年額)
    kijungaku: int
    dankai: tuple[Dankai, ...]
    #: 課税年金収入額＋その他の合計所得金額: ≤ this → 第1段階 / 第4段階
    hikazei_kijun_1: int
    #: ≤ this → 第2段階 (世帯非課税)
    hikazei_kijun_2: int
    #: 年金の種類 codes counted as 課税年金収入 (老齢); 障害・遺族 are not
    kazei_nenkin: frozenset[str]
    #: 令和3〜5年度の給与所得・年金所得の10万円特例 (0 from 令和6年度)
    tokurei_kojo: int
    #: 1: round the 年額; 2: round the 月額 (基準月額×割合) and multiply by 12
    hasu_kijun: int
    hasu_tani: int
    #: 1 切捨て, 2 切上げ, 3 四捨五入
    hasu_hoho: int
    tsukiwari_hasu_tani: int

    @property
    def dankai_su(self) -> int:
        return len(self.dankai)

    def of(self, dankai: int) -> Dankai:
        if not 1 <= dankai <= len(self.dankai):
            raise KeyError(dankai)
        return self.dankai[dankai - 1]


def hokenryo_parameters_from_lookup(lookup: Lookup, fiscal_year: int) -> HokenryoParameters:
    """Read and check every value of ``fiscal_year``. A town without its 基準額 cannot
    assess (``LookupError``); a table whose 基準所得金額 do not rise or whose 公費軽減後の
    割合 exceeds the 軽減前 one is refused (``ValueError``) with a message for the screen."""
    y = fiscal_year
    ki = lookup(P + "ki", y)
    kijungaku = _yen(lookup(P + "kijungaku", y), "基準額")
    if kijungaku == 0:
        raise ValueError("基準額が0円です。")
    su = int(lookup(P + "dankai_su", y))
    if su < HIKAZEI_DANKAI + 2:
        raise ValueError(f"段階の数は{HIKAZEI_DANKAI + 2}以上にしてください: {su}")
    table: list[Dankai] = []
    previous_bound = -1
    for n in range(1, su + 1):
        ritsu = _rate(lookup(f"{P}dankai.{n:02d}.ritsu", y), f"第{n}段階の保険料率")
        keigengo = _optional(lookup, f"{P}dankai.{n:02d}.keigengo_ritsu", y)
        after = ritsu if keigengo is None else _rate(keigengo, f"第{n}段階の公費軽減後の割合")
        if after > ritsu:
            raise ValueError(f"第{n}段階の公費軽減後の割合が軽減前の割合を超えています。")
        bound: int | None = None
        if HIKAZEI_DANKAI < n < su:
            bound = _yen(lookup(f"{P}dankai.{n:02d}.kijun_shotoku", y), f"第{n}段階の基準所得金額")
            if bound <= previous_bound:
                raise ValueError(f"第{n}段階の基準所得金額が前の段階の額以下です: {bound}")
            previous_bound = bound
        table.append(Dankai(dankai=n, ritsu=ritsu, keigengo_ritsu=after, kijun_shotoku=bound))
    hasu_kijun = int(lookup(P + "hasu.kijun", y))
    if hasu_kijun == 2 and kijungaku % 12:
        # a town that rounds the 月額 publishes a 基準月額; the 年額 is 12 times it
        raise ValueError("月額で端数処理する場合、基準額（年額）は12で割り切れる額にしてください。")
    hoho = int(lookup(P + "hasu.hoho", y))
    if hoho not in HASU_HOHO_LABELS:
        raise ValueError(f"端数処理の方法が不正です: {hoho}")
    return HokenryoParameters(
        fiscal_year=y,
        ki=int(ki["ki"]),
        ki_kaishi=int(ki["kaishi"]),
        ki_shuryo=int(ki["shuryo"]),
        kijungaku=kijungaku,
        dankai=tuple(table),
        hikazei_kijun_1=_yen(lookup(P + "hikazei.kijun_1", y), "第1段階の所得基準"),
        hikazei_kijun_2=_yen(lookup(P + "hikazei.kijun_2", y), "第2段階の所得基準"),
        kazei_nenkin=frozenset(str(k) for k in lookup(P + "kazei_nenkin", y)),
        tokurei_kojo=_yen(lookup(P + "tokurei_kojo", y), "給与・年金所得の特例控除"),
        hasu_kijun=hasu_kijun,
        hasu_tani=_yen(lookup(P + "hasu.tani", y), "端数処理の単位"),
        hasu_hoho=hoho,
        tsukiwari_hasu_tani=_yen(lookup(P + "tsukiwari.hasu_tani", y), "月割額の端数単位"),
    )


@dataclass(frozen=True)
class FutanKijun:
    """One 負担割合's thresholds (all 「以上」)."""

    gokei_shotoku: int
    #: 世帯の第1号被保険者が本人のみ
    tandoku: int
    #: 2人以上
    fukusu: int

    def nenkin_sonota(self, ninzu: int) -> int:
        return self.tandoku if ninzu <= 1 else self.fukusu


@dataclass(frozen=True)
class FutanParameters:
    fiscal_year: int
    niwari: FutanKijun
    #: None before 平成30年8月 (no 3割)
    sanwari: FutanKijun | None
    kazei_nenkin: frozenset[str]
    #: 10万円 off 給与所得＋年金所得 in 本人の合計所得金額 (令和3年度から)
    tokurei_gokei: int
    #: 10万円 off 給与所得 in その他の合計所得金額 (未確認; see the YAML)
    tokurei_sonota_kyuyo: int


def _kijun(value: Any, what: str) -> FutanKijun:
    return FutanKijun(
        gokei_shotoku=_yen(value["gokei_shotoku"], what),
        tandoku=_yen(value["tandoku"], what),
        fukusu=_yen(value["fukusu"], what),
    )


def futan_parameters_from_lookup(lookup: Lookup, fiscal_year: int) -> FutanParameters:
    y = fiscal_year
    san = _optional(lookup, F + "sanwari", y)
    tokurei = _optional(lookup, F + "tokurei_kojo", y) or {}
    return FutanParameters(
        fiscal_year=y,
        niwari=_kijun(lookup(F + "niwari", y), "2割の基準"),
        sanwari=None if san is None else _kijun(san, "3割の基準"),
        kazei_nenkin=frozenset(str(k) for k in lookup(P + "kazei_nenkin", y)),
        tokurei_gokei=_yen(tokurei.get("gokei", 0), "合計所得金額の特例控除"),
        tokurei_sonota_kyuyo=_yen(tokurei.get("sonota_kyuyo", 0), "その他の合計所得金額の特例控除"),
    )


def parameters_for(fiscal_year: int) -> HokenryoParameters:
    """The year's values through ``param_value``: inside a town's schema its 条例 values win."""
    from tenants.params.services import param_value

    return hokenryo_parameters_from_lookup(param_value, fiscal_year)
