"""The 加算 and 特別基準 of the 保護の基準 that ``fukushi.rules.seiho.saitei_seikatsuhi`` adds
beside the base amounts: 妊産婦加算, 介護保険料加算, the 冬季加算の特別基準 and the
住宅扶助 limit by 床面積. Pure; the amounts come from ``SeihoParameters`` (data per 年度,
``fukushi/params/seiho.yaml``), never from here.

Sources (see the YAML for each value and docs/standard/seikatsu_hogo.md SH-4〜SH-6):

- 妊産婦加算 (告示 別表第1 第2章): by 級地 grade and 区分 (妊娠6か月未満・妊娠6か月以上・産婦).
  Which month a 区分 applies in (the month after the pregnancy is confirmed; 産婦 from the
  month of the birth for 6 months, 3 when not breast-fed) is the caseworker's finding, entered
  per member; only the 1・2級地 amounts before 令和8年4月 were found, every other cell refuses.
- 介護保険料加算 (告示 別表第1 第2章): the 実費 of the 介護保険料 of a 第1号被保険者 (65歳以上)
  who pays by 普通徴収 (one paid by 特別徴収 from a pension has it deducted as a cost of that
  income instead — kaigo110.co.jp's 用語解説). No figure: the member's monthly amount.
- 冬季加算の特別基準 (保護の実施要領): when a member is 常時在宅 (傷病・障害等による療養のため
  外出が著しく困難) or an 乳児 (to the day before the 1st birthday) is in the household, and
  the 地区別冬季加算額 does not meet the need, up to the 地区別冬季加算額 × 1.3 (10円未満切上げ).
  The 実施機関 decides (``toki_tokubetsu``); the rule checks the condition and gives the
  upper bound, which is what the 告示-based calculation can know.
- 住宅扶助 by 床面積 (社援発0414第9号 1(2)ア): a one-person household whose dwelling's
  floor area (専有面積) is 15㎡以下 has the lower limit of its bucket (10㎡超15㎡以下・6㎡超10㎡以下
  ・6㎡以下), unless the ただし書 applies (自立助長の観点から引き続き居住が必要 etc.: the ordinary
  limit). An area whose bucket amounts were not found refuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any

from fukushi.rules.seiho_params import KijunMiteigi, SeihoParameters

__all__ = [
    "KAIGO_HOKENRYO_NENREI",
    "NINSANPU_LABELS",
    "SHOMEN_LABELS",
    "is_nyuji",
    "jutaku_gendo",
    "ninsanpu_gaku",
    "toki_tokubetsu_gaku",
]

NINSANPU_LABELS = {
    "ninpu_6miman": "妊婦（妊娠6か月未満）",
    "ninpu_6ijo": "妊婦（妊娠6か月以上）",
    "sanpu": "産婦",
}

#: the three 床面積 buckets of 社援発0414第9号 1(2)ア, as (upper bound ㎡ inclusive, words)
SHOMEN_LABELS: tuple[tuple[Decimal, str], ...] = (
    (Decimal(15), "床面積10㎡超15㎡以下"),
    (Decimal(10), "床面積6㎡超10㎡以下"),
    (Decimal(6), "床面積6㎡以下"),
)

#: 介護保険の第1号被保険者: 65歳以上 (介護保険法第9条第1号)
KAIGO_HOKENRYO_NENREI = 65

MISSING = "が基準表に登録されていません（告示の表を確かめて登録してください）"


def is_nyuji(seinengappi: date, day: date) -> bool:
    """An 乳児 for the 特別基準: on ``day``, born and not yet at the 1st birthday (the
    実施要領: 「1歳の誕生日の前日までの間にある児童」)."""
    try:
        birthday1 = seinengappi.replace(year=seinengappi.year + 1)
    except ValueError:  # 29 February: the birthday falls on 1 March
        birthday1 = date(seinengappi.year + 1, 3, 1)
    return seinengappi <= day < birthday1


def ninsanpu_gaku(p: SeihoParameters, grade: str, kubun: str) -> int:
    """The 妊産婦加算 of one member in 級地 ``grade``; refuses a cell the data lacks."""
    if kubun not in NINSANPU_LABELS:
        raise ValueError(f"妊産婦加算の区分が不明です: {kubun!r}")
    what = f"妊産婦加算（{NINSANPU_LABELS[kubun]}・{grade}級地）"
    by_grade: Mapping[str, Any] | None = p.ninsanpu.get(grade)
    if not by_grade or kubun not in by_grade:
        raise KijunMiteigi(what + MISSING)
    return int(by_grade[kubun])


def toki_tokubetsu_gaku(p: SeihoParameters, base: int) -> int:
    """The upper bound of the 冬季加算 under the 特別基準: ``base`` × the multiplier, raised
    to 10円."""
    product = Decimal(base) * p.toki_tokubetsu_bairitsu
    return int((product / 10).to_integral_value(ROUND_CEILING)) * 10


def jutaku_gendo(
    area: Mapping[str, Any],
    n: int,
    *,
    shomenseki: Decimal | None,
    tadashigaki: bool,
) -> tuple[int, str]:
    """(the 住宅扶助 limit, its words) for a household of ``n`` in ``area``.

    ``shomenseki`` None: the floor area is not recorded, and the limit by size applies."""
    bucket = 0 if n == 1 else 1 if n == 2 else 2 if n <= 5 else 3 if n == 6 else 4
    gendo = int(area["gaku"][bucket])
    words = f"{area['label']}・{n}人世帯の限度額{gendo:,}円"
    if shomenseki is None or n != 1:
        return gendo, words
    if shomenseki <= 0:
        raise ValueError("床面積は0より大きい値で指定してください")
    if shomenseki > SHOMEN_LABELS[0][0]:
        return gendo, words
    if tadashigaki:
        return gendo, (
            f"{words}。床面積{shomenseki}㎡だが通知のただし書により床面積別の限度額によらない"
        )
    index = 0
    for i, (upper, _) in enumerate(SHOMEN_LABELS):
        if shomenseki <= upper:
            index = i
    label = SHOMEN_LABELS[index][1]
    shomen = area.get("shomen")
    if not shomen:
        raise KijunMiteigi(f"住宅扶助の床面積別の限度額（{area['label']}・{label}）" + MISSING)
    limit = int(shomen[index])
    return limit, f"{area['label']}・単身・{label}（{shomenseki}㎡）の限度額{limit:,}円"
