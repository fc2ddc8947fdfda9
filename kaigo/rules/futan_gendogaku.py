"""負担限度額認定 (補足給付: 特定入所者介護サービス費, 介護保険法第51条の3) — the 段階 and the
daily 居住費・食費 limits of one applicant. Pure: the caller gathers the 課税状況 (zeimu's public
face) and what the 申請書 declares (非課税年金, 預貯金等, 配偶者); nothing here reads the
database. Every figure compared is returned.

The flow (介護保険法施行規則第83条の5; values in ``kaigo/params/futan.yaml``):

- 第1段階: 生活保護の被保護者 (no savings test); or 世帯全員（別世帯の配偶者を含む）住民税非課税
  and 老齢福祉年金の受給者, 預貯金等 ≤ the 第1段階 limit.
- otherwise not 世帯全員非課税 (or a 課税 配偶者) → not eligible (認定の対象外).
- 本人の年金収入額 (課税年金 and 遺族・障害年金) ＋ その他の合計所得金額 ≤ ``dai2`` → 第2段階,
  ≤ ``dai3_1`` → 第3段階①, more → 第3段階②; each with its own savings limit (配偶者がいれば
  ``fufu_kasan`` を加算; a 第2号被保険者 has ``dai2go`` whatever the 段階).
- 預貯金等 above the limit → not eligible.

``fiscal_year`` is the year in which the 認定's 8月1日〜7月31日 starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DANKAI_LABELS",
    "KYOJUHI_LABELS",
    "GendogakuInput",
    "GendogakuParameters",
    "GendogakuResult",
    "gendogaku_hantei",
    "gendogaku_parameters_from_lookup",
]

G = "kaigo.futan.gendogaku."

DANKAI = ("dai1", "dai2", "dai3_1", "dai3_2")
DANKAI_LABELS = {
    "dai1": "第1段階",
    "dai2": "第2段階",
    "dai3_1": "第3段階①",
    "dai3_2": "第3段階②",
}
KYOJUHI_LABELS = {
    "unit_koshitsu": "ユニット型個室",
    "unit_tashoshitsu": "ユニット型個室的多床室",
    "jurai_koshitsu_tokuyo": "従来型個室（特養等）",
    "jurai_koshitsu_roken": "従来型個室（老健・医療院等）",
    "tashoshitsu_tokuyo": "多床室（特養等）",
    "tashoshitsu_roken": "多床室（老健・医療院等）",
}
SHOKUHI_LABELS = {"shisetsu": "食費（施設）", "short": "食費（短期入所）"}

Lookup = Callable[[str, int], Any]


@dataclass(frozen=True)
class GendogakuParameters:
    fiscal_year: int
    kijun_dai2: int
    kijun_dai3_1: int
    #: 段階 → 預貯金等の上限; plus the 夫婦 addition and the 第2号 limit
    yochokin: dict[str, int]
    fufu_kasan: int
    dai2go_yochokin: int
    kyojuhi: dict[str, dict[str, int]]
    shokuhi: dict[str, dict[str, int]]


def _yen(v: Any, what: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise TypeError(f"{what}は0以上の円単位の整数で指定してください: {v!r}")
    return v


def gendogaku_parameters_from_lookup(lookup: Lookup, fiscal_year: int) -> GendogakuParameters:
    y = fiscal_year
    kijun = lookup(G + "shunyu_kijun", y)
    yo = lookup(G + "yochokin", y)
    kyo = lookup(G + "kyojuhi", y)
    sho = lookup(G + "shokuhi", y)
    return GendogakuParameters(
        fiscal_year=y,
        kijun_dai2=_yen(kijun["dai2"], "第2段階の収入基準"),
        kijun_dai3_1=_yen(kijun["dai3_1"], "第3段階①の収入基準"),
        yochokin={d: _yen(yo[d], f"{DANKAI_LABELS[d]}の預貯金等の上限") for d in DANKAI},
        fufu_kasan=_yen(yo["fufu_kasan"], "配偶者がいるときの加算"),
        dai2go_yochokin=_yen(yo["dai2go"], "第2号被保険者の預貯金等の上限"),
        kyojuhi={d: {k: _yen(kyo[d][k], "居住費") for k in KYOJUHI_LABELS} for d in DANKAI},
        shokuhi={d: {k: _yen(sho[d][k], "食費") for k in SHOKUHI_LABELS} for d in DANKAI},
    )


@dataclass(frozen=True)
class GendogakuInput:
    fiscal_year: int
    #: 世帯全員（本人を含む）が住民税非課税
    setai_hikazei: bool
    #: 課税年金収入額 (老齢; 公的年金等の収入金額)
    kazei_nenkin_shunyu: int
    #: 非課税年金 (遺族年金・障害年金) の収入額 (申請書)
    hikazei_nenkin_shunyu: int
    #: その他の合計所得金額 (合計所得金額 − 公的年金等に係る雑所得; 0 at least)
    sonota_gokei_shotoku: int
    #: 預貯金等 of 本人 (and of the 配偶者 when there is one), as declared
    yochokin: int
    haigusha: bool = False
    #: 別世帯の配偶者が住民税課税
    haigusha_kazei: bool = False
    seikatsu_hogo: bool = False
    rorei_fukushi_nenkin: bool = False
    dai2go: bool = False

    def __post_init__(self) -> None:
        for name in (
            "kazei_nenkin_shunyu",
            "hikazei_nenkin_shunyu",
            "sonota_gokei_shotoku",
            "yochokin",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} に負の値は使えません。")
        if self.haigusha_kazei and not self.haigusha:
            raise ValueError("配偶者がいないのに配偶者の課税が指定されています。")


@dataclass(frozen=True)
class GendogakuResult:
    fiscal_year: int
    #: "dai1" … "dai3_2"; None: 認定の対象外
    dankai: str | None
    #: 年金収入額（非課税年金を含む）＋その他の合計所得金額
    shunyu_gokei: int
    #: 預貯金等の上限 applied (None when none applies: 生活保護, or not eligible by income)
    yochokin_jogen: int | None
    riyu: str
    kyojuhi: dict[str, int]
    shokuhi: dict[str, int]

    @property
    def gaito(self) -> bool:
        return self.dankai is not None

    @property
    def dankai_label(self) -> str:
        return DANKAI_LABELS[self.dankai] if self.dankai else "対象外"


def gendogaku_hantei(inp: GendogakuInput, params: GendogakuParameters) -> GendogakuResult:
    if inp.fiscal_year != params.fiscal_year:
        raise ValueError("入力と法令パラメータの年度が違います。")
    shunyu = inp.kazei_nenkin_shunyu + inp.hikazei_nenkin_shunyu + inp.sonota_gokei_shotoku

    def result(dankai: str | None, riyu: str, jogen: int | None = None) -> GendogakuResult:
        return GendogakuResult(
            fiscal_year=inp.fiscal_year,
            dankai=dankai,
            shunyu_gokei=shunyu,
            yochokin_jogen=jogen,
            riyu=riyu,
            kyojuhi=dict(params.kyojuhi[dankai]) if dankai else {},
            shokuhi=dict(params.shokuhi[dankai]) if dankai else {},
        )

    if inp.seikatsu_hogo:
        return result("dai1", "生活保護の被保護者")
    if not inp.setai_hikazei:
        return result(None, "世帯に住民税の課税者がいる")
    if inp.haigusha_kazei:
        return result(None, "配偶者（別世帯を含む）が住民税課税")

    def jogen_of(dankai: str) -> int:
        base = params.dai2go_yochokin if inp.dai2go else params.yochokin[dankai]
        return base + (params.fufu_kasan if inp.haigusha else 0)

    if inp.rorei_fukushi_nenkin:
        dankai, riyu = "dai1", "世帯全員が住民税非課税で老齢福祉年金を受給"
    elif shunyu <= params.kijun_dai2:
        dankai = "dai2"
        riyu = (
            f"世帯全員が住民税非課税で年金収入額＋その他の合計所得金額が{params.kijun_dai2:,}円以下"
        )
    elif shunyu <= params.kijun_dai3_1:
        dankai = "dai3_1"
        riyu = (
            f"世帯全員が住民税非課税で年金収入額＋その他の合計所得金額が"
            f"{params.kijun_dai2:,}円超{params.kijun_dai3_1:,}円以下"
        )
    else:
        dankai = "dai3_2"
        riyu = (
            f"世帯全員が住民税非課税で年金収入額＋その他の合計所得金額が{params.kijun_dai3_1:,}円超"
        )
    jogen = jogen_of(dankai)
    if inp.yochokin > jogen:
        return result(None, f"預貯金等が{jogen:,}円を超える", jogen)
    return result(dankai, f"{riyu}、預貯金等が{jogen:,}円以下", jogen)
