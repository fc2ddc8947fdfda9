"""就労自立給付金 (生活保護法第55条の4): the amount decided when 保護 ends because the household
no longer needs it through work (安定した職業に就いたこと等).

Pure: the caller reads ``fukushi.seiho.shuro_kyufukin`` for the fiscal year of the month in
which 保護 was last needed (the day before the 廃止日) and passes its value in.

- The 算定: the 収入充当額 (the part of the 就労収入 taken as income after the 勤労控除, which
  reduced the 保護費) of each month of the 算定 period — the month 保護 was last needed and the
  months before it, at most ``santei_tsukisu`` — summed (the 仮想的な積立), times
  ``santei_ritsu`` percent, cut to the yen (ours, 未確認).
- Kept between the 下限 and the 上限 of the household's kind (単身世帯 or 複数世帯).
- Sources and what is 未確認: fukushi/params/seiho_shuro.yaml.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from fukushi.rules.seiho_params import KijunMiteigi, _for_month, _spans


class ShuroKyufukinInvalid(ValueError):
    """Input the rule refuses; the message is Japanese, for the clerk."""


@dataclass(frozen=True)
class ShuroSantei:
    """The values of one period (one ``kikan`` item of the parameter)."""

    santei_ritsu: int
    santei_tsukisu: int
    jogen_tanshin: int
    jogen_fukusu: int
    kagen_tanshin: int
    kagen_fukusu: int


@dataclass(frozen=True)
class Juto:
    """The 収入充当額 of one month (``month`` is its 1st)."""

    month: date
    gaku: int


@dataclass(frozen=True)
class ShuroKyufukin:
    gokei: int  # 収入充当額の合計
    santei: int  # 合計 × 算定率
    amount: int  # 支給額 (上限・下限の後)
    uchiwake: str  # in words


def santei_of(value: dict[str, Any], month: date) -> ShuroSantei:
    """The values in force for ``month`` from the fiscal year's parameter value."""
    try:
        item = _for_month(_spans(value, "就労自立給付金"), month.month)
    except KijunMiteigi as exc:
        raise ShuroKyufukinInvalid(
            f"就労自立給付金の算定の値が登録されていません（{exc}）。"
        ) from exc
    return ShuroSantei(
        santei_ritsu=int(item["santei_ritsu"]),
        santei_tsukisu=int(item["santei_tsukisu"]),
        jogen_tanshin=int(item["jogen_tanshin"]),
        jogen_fukusu=int(item["jogen_fukusu"]),
        kagen_tanshin=int(item["kagen_tanshin"]),
        kagen_fukusu=int(item["kagen_fukusu"]),
    )


def _months_back(month: date, n: int) -> date:
    y, m = divmod(month.year * 12 + month.month - 1 - n, 12)
    return date(y, m + 1, 1)


def shuro_kyufukin(
    *, juto: Sequence[Juto], last_month: date, tanshin: bool, santei: ShuroSantei
) -> ShuroKyufukin:
    """The amount for a household whose 保護 was last needed in ``last_month`` (its 1st)."""
    if not juto:
        raise ShuroKyufukinInvalid("収入充当額を1か月以上入力してください。")
    first = _months_back(last_month, santei.santei_tsukisu - 1)
    seen: set[date] = set()
    for j in juto:
        if j.month.day != 1:
            raise ShuroKyufukinInvalid("収入充当額の月はその月の1日で指定してください。")
        if j.month in seen:
            raise ShuroKyufukinInvalid("同じ月の収入充当額が重なっています。")
        seen.add(j.month)
        if not first <= j.month <= last_month:
            raise ShuroKyufukinInvalid(
                f"収入充当額の月は、保護を必要としなくなった月から前{santei.santei_tsukisu}か月"
                "の間に限られます。"
            )
        if j.gaku < 0:
            raise ShuroKyufukinInvalid("収入充当額は0円以上で入力してください。")
    gokei = sum(j.gaku for j in juto)
    calc = gokei * santei.santei_ritsu // 100
    jogen = santei.jogen_tanshin if tanshin else santei.jogen_fukusu
    kagen = santei.kagen_tanshin if tanshin else santei.kagen_fukusu
    amount = min(max(calc, kagen), jogen)
    kind = "単身世帯" if tanshin else "複数世帯"
    words = (
        f"収入充当額の合計 {gokei:,}円（{len(juto)}か月）× 算定率{santei.santei_ritsu}％"
        f" ＝ {calc:,}円"
    )
    if amount == jogen and calc > jogen:
        words += f"、{kind}の上限 {jogen:,}円"
    elif amount == kagen and calc < kagen:
        words += f"、{kind}の下限 {kagen:,}円"
    return ShuroKyufukin(gokei=gokei, santei=calc, amount=amount, uchiwake=words)
