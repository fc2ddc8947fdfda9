"""進学・就職準備給付金 (生活保護法第55条の5): the lump sum for a child of a 保護 household who
goes on to 大学等 (or, from the 2024年4月 改正, takes a stable job) — pure.

- Who: a person in the period up to the first 3月31日 on or after the day they reach 18 (年齢
  計算ニ関スル法律: the day before the 18th birthday), read on the day of the 申請; a person past
  it only when the 実施機関 finds them one of those the 省令 names (the caller's flag with its
  reason; the 省令's list is 未確認 here). Source: 網走市's page (fukushi/params/seiho_shuro.yaml).
- How much: 自宅から通学・通勤 or 転居して (自宅外), by the parameter of the 申請's fiscal year;
  就職 only where the year's value allows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

SHINGAKU = "shingaku"
SHUSHOKU = "shushoku"


class ShingakuInvalid(ValueError):
    """Input the rule refuses; the message is Japanese, for the clerk."""


@dataclass(frozen=True)
class ShingakuKyufukin:
    amount: int
    nenrei_kigen: date  # the first 3月31日 on or after reaching 18
    uchiwake: str


def reached_18(birth: date) -> date:
    """The day a person reaches 18: the day before the 18th birthday (2月29日生まれ: 2月28日)."""
    try:
        birthday = birth.replace(year=birth.year + 18)
    except ValueError:  # 2月29日
        birthday = date(birth.year + 18, 3, 1)
    return birthday - timedelta(days=1)


def nenrei_kigen(birth: date) -> date:
    """The first 3月31日 on or after the day the person reaches 18."""
    day = reached_18(birth)
    end = date(day.year, 3, 31)
    return end if day <= end else date(day.year + 1, 3, 31)


def shingaku_kyufukin(
    *,
    value: dict[str, Any],
    kind: str,
    jitakugai: bool,
    birth: date,
    shinsei_date: date,
    shorei_gaito: bool = False,
) -> ShingakuKyufukin:
    if kind not in (SHINGAKU, SHUSHOKU):
        raise ShingakuInvalid("進学か就職かを選んでください。")
    if kind == SHUSHOKU and not value.get("shushoku"):
        raise ShingakuInvalid("この年度は就職による支給の対象ではありません（進学に限られます）。")
    kigen = nenrei_kigen(birth)
    if shinsei_date > kigen and not shorei_gaito:
        raise ShingakuInvalid(
            "18歳に達した日以後の最初の3月31日を過ぎています"
            "（省令で定める者に当たるときは、その理由を入力してください）。"
        )
    amount = int(value["jitakugai" if jitakugai else "jitaku"])
    what = "進学" if kind == SHINGAKU else "就職"
    where = "転居して通学・通勤" if jitakugai else "自宅から通学・通勤"
    return ShingakuKyufukin(
        amount=amount, nenrei_kigen=kigen, uchiwake=f"{what}（{where}）{amount:,}円"
    )
