"""利用者負担割合 (1割・2割・3割) of a 第1号被保険者, judged from the 前年's 所得.

The flow 厚生労働省 publishes and the towns copy (水戸市, 東海村, 三島市, 筑後市; the
thresholds are data in ``kaigo/params/hokenryo.yaml``, keys ``kaigo.futan.*``):

1. 第2号被保険者, 生活保護の被保護者 and anyone 住民税非課税 → 1割.
2. 本人の合計所得金額 ≥ 220万円 and the 世帯's 第1号被保険者' 年金収入＋その他の合計所得金額
   ≥ 340万円 (本人のみ) / 463万円 (2人以上) → 3割 (平成30年8月から).
3. Otherwise 本人の合計所得金額 ≥ 160万円 and that sum ≥ 280万円 / 346万円 → 2割.
4. Otherwise 1割.

The 合計所得金額 here is less the 譲渡所得の特別控除 and, from 令和3年度, less 10万円 of the
給与所得＋公的年金等に係る雑所得 (介護保険法施行令第22条の2; 大牟田市 notes this continues after
令和6年度 while the premium no longer uses it). 年金収入 counts 老齢 pensions only.

``fiscal_year`` is the 年度 in which the 負担割合証 starts (8月1日から翌年7月31日まで, judged
on the 所得 of the year before that 年度): 2018 is the first year with 3割 (平成30年8月).
"""

from __future__ import annotations

from dataclasses import dataclass

from kaigo.rules.hokenryo import Shotoku
from kaigo.rules.hokenryo_params import FutanKijun, FutanParameters

__all__ = ["FutanInput", "FutanMember", "FutanResult", "futan_wariai_hantei"]


@dataclass(frozen=True)
class FutanMember:
    """Another 第1号被保険者 of the 世帯 (本人 excluded)."""

    shotoku: Shotoku


@dataclass(frozen=True)
class FutanInput:
    fiscal_year: int
    shotoku: Shotoku
    honnin_kazei: bool
    #: False for a 第2号被保険者 (40–64), always 1割
    dai1go: bool = True
    seikatsu_hogo: bool = False
    setai_dai1go: tuple[FutanMember, ...] = ()


@dataclass(frozen=True)
class FutanResult:
    fiscal_year: int
    wari: int
    #: 本人の合計所得金額 as the rule compares it (after the 特別控除 and the 特例)
    honnin_gokei_shotoku: int
    #: each 第1号被保険者' 年金収入＋その他の合計所得金額, 本人 first
    nenkin_sonota: tuple[int, ...]
    nenkin_sonota_gokei: int
    #: 世帯の第1号被保険者の数 (本人を含む)
    ninzu: int
    riyu: str


def _nenkin_sonota(s: Shotoku, params: FutanParameters) -> int:
    return s.kazei_nenkin_shunyu(params.kazei_nenkin) + s.sonota(
        kyuyo_kojo=params.tokurei_sonota_kyuyo
    )


def _meets(kijun: FutanKijun, gokei: int, total: int, ninzu: int) -> bool:
    return gokei >= kijun.gokei_shotoku and total >= kijun.nenkin_sonota(ninzu)


def futan_wariai_hantei(inp: FutanInput, params: FutanParameters) -> FutanResult:
    if inp.fiscal_year != params.fiscal_year:
        raise ValueError("入力と法令パラメータの年度が違います。")
    s = inp.shotoku
    gokei = max(0, s.kojogo() - min(params.tokurei_gokei, s.kyuyo_shotoku + s.nenkin_shotoku))
    others = (_nenkin_sonota(m.shotoku, params) for m in inp.setai_dai1go)
    each = (_nenkin_sonota(s, params), *others)
    total = sum(each)
    ninzu = len(each)

    def result(wari: int, riyu: str) -> FutanResult:
        return FutanResult(
            fiscal_year=inp.fiscal_year,
            wari=wari,
            honnin_gokei_shotoku=gokei,
            nenkin_sonota=each,
            nenkin_sonota_gokei=total,
            ninzu=ninzu,
            riyu=riyu,
        )

    if not inp.dai1go:
        return result(1, "第2号被保険者")
    if inp.seikatsu_hogo:
        return result(1, "生活保護の被保護者")
    if not inp.honnin_kazei:
        return result(1, "本人が住民税非課税")
    setai = "本人のみ" if ninzu == 1 else f"{ninzu}人"
    san = params.sanwari
    if san is not None and _meets(san, gokei, total, ninzu):
        return result(
            3,
            f"本人の合計所得金額が{san.gokei_shotoku:,}円以上、第1号被保険者（{setai}）の"
            f"年金収入＋その他の合計所得金額が{san.nenkin_sonota(ninzu):,}円以上",
        )
    ni = params.niwari
    if _meets(ni, gokei, total, ninzu):
        return result(
            2,
            f"本人の合計所得金額が{ni.gokei_shotoku:,}円以上、第1号被保険者（{setai}）の"
            f"年金収入＋その他の合計所得金額が{ni.nenkin_sonota(ninzu):,}円以上",
        )
    if gokei < ni.gokei_shotoku:
        return result(1, f"本人の合計所得金額が{ni.gokei_shotoku:,}円未満")
    return result(
        1,
        f"第1号被保険者（{setai}）の年金収入＋その他の合計所得金額が"
        f"{ni.nenkin_sonota(ninzu):,}円未満",
    )
