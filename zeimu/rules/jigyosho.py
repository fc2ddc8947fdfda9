"""事業所税 (地方税法第701条の30以下): pure calculation, no database.

Only a 指定都市等 levies it (第701条の31): the town's 条例 value
``zeimu.jigyosho.kazei_dantai`` says whether this town does; elsewhere the screens say so
and refuse entry.

- 資産割 (第701条の40, 第701条の42): 事業所床面積 at the end of the period (less the
  非課税 floor) × 600円/㎡; not levied when that area is 1,000㎡ or less (免税点,
  第701条の43 — a threshold, not a deduction: above it the whole area is taxed).
- 従業者割: 従業者給与総額 of the period (1,000円未満切捨て) × 0.25%; not levied when the
  employees counted for the 免税点 are 100 or fewer.
- 税額 100円未満切捨て (第20条の4の2第3項).

Worked example: 久留米市「事業所税の税額の計算例」 (tested). Not built: the 床面積 and
従業者数 prorated by months for an office opened or closed within the period, the 減免 and
課税標準の特例 (第701条の41), 共用部分 apportionment (the clerk enters the area).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from zeimu.rules.hojin import HojinRefused

__all__ = ["JigyoshoInput", "JigyoshoParams", "JigyoshoResult", "jigyosho_compute"]

P = "zeimu.jigyosho."


@dataclass(frozen=True)
class JigyoshoParams:
    kazei_dantai: bool
    per_m2: int
    man_bun: int  # 従業者割の税率 in 1/10,000
    menzei_m2: int
    menzei_juugyosha: int
    hyojun_unit: int
    zeigaku_unit: int

    @classmethod
    def build(cls, nendo: int, lookup: Callable[[str, int], Any]) -> JigyoshoParams:
        rate = lookup(P + "zeiritsu", nendo)
        menzei = lookup(P + "menzeiten", nendo)
        hasu = lookup("zeimu.hojin.hasu", nendo)
        return cls(
            kazei_dantai=int(lookup(P + "kazei_dantai", nendo)) == 1,
            per_m2=int(rate["shisanwari_per_m2"]),
            man_bun=int(rate["juugyoshawari_man_bun"]),
            menzei_m2=int(menzei["menseki_m2"]),
            menzei_juugyosha=int(menzei["juugyosha"]),
            hyojun_unit=int(hasu["kazei_hyojun"]),
            zeigaku_unit=int(hasu["zeigaku"]),
        )


@dataclass(frozen=True)
class JigyoshoInput:
    menseki: Decimal  # 事業所床面積の合計（㎡、期末）
    hikazei_menseki: Decimal  # うち非課税の床面積
    juugyosha: int  # 免税点の判定に用いる従業者数
    kyuyo: int  # 従業者給与総額（課税標準となる額、非課税分を除く）


@dataclass(frozen=True)
class JigyoshoResult:
    kazei_menseki: Decimal
    shisanwari: int
    shisan_menzei: bool
    kyuyo_hyojun: int
    juugyoshawari: int
    juugyosha_menzei: bool
    gokei: int
    lines: tuple[str, ...]


def jigyosho_compute(inp: JigyoshoInput, params: JigyoshoParams) -> JigyoshoResult:
    if not params.kazei_dantai:
        raise HojinRefused(
            "この団体は事業所税の課税団体ではありません（地方税法第701条の31：指定都市等のみ）。"
        )
    if inp.menseki < 0 or inp.hikazei_menseki < 0 or inp.hikazei_menseki > inp.menseki:
        raise HojinRefused("床面積の値が正しくありません（非課税の床面積は合計以下です）。")
    if inp.juugyosha < 0 or inp.kyuyo < 0:
        raise HojinRefused("従業者数・給与総額に負の値は指定できません。")
    lines: list[str] = []
    area = inp.menseki - inp.hikazei_menseki
    shisan_menzei = area <= params.menzei_m2
    shisanwari = 0
    if shisan_menzei:
        lines.append(f"資産割: 床面積{area:,}㎡ は免税点{params.menzei_m2:,}㎡以下のため課さない")
    else:
        shisanwari = (
            int(Fraction(area) * params.per_m2 // params.zeigaku_unit) * params.zeigaku_unit
        )
        lines.append(f"資産割: {area:,}㎡ × {params.per_m2}円 = {shisanwari:,}円")
    juugyosha_menzei = inp.juugyosha <= params.menzei_juugyosha
    hyojun = inp.kyuyo // params.hyojun_unit * params.hyojun_unit
    juugyoshawari = 0
    if juugyosha_menzei:
        lines.append(
            f"従業者割: 従業者数{inp.juugyosha:,}人 は免税点"
            f"{params.menzei_juugyosha}人以下のため課さない"
        )
    else:
        juugyoshawari = (
            hyojun * params.man_bun // 10_000 // params.zeigaku_unit * params.zeigaku_unit
        )
        lines.append(f"従業者割: {hyojun:,}円 × {params.man_bun / 100:g}% = {juugyoshawari:,}円")
    return JigyoshoResult(
        kazei_menseki=area,
        shisanwari=shisanwari,
        shisan_menzei=shisan_menzei,
        kyuyo_hyojun=hyojun,
        juugyoshawari=juugyoshawari,
        juugyosha_menzei=juugyosha_menzei,
        gokei=shisanwari + juugyoshawari,
        lines=tuple(lines),
    )
