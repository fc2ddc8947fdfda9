"""返還金 (生活保護法第63条) and 徴収金 (第78条第1項): the amount and its 分割納付 schedule.
Pure functions: the caller reads the 上限 of the 加算 (``fukushi.seiho.choshu_kasan_jogen``)
for the 決定日's fiscal year and passes it in.

- 第63条 (and 第77条の2, which lets the same amount be collected 国税徴収の例 when the
  household had means in an 急迫 case; from 平成30年10月1日): 「受けた保護金品に相当する
  金額の範囲内において保護の実施機関の定める額」: the
  保護費 received in the period less what the 実施機関 leaves to the household (控除: e.g.
  自立更生に充てる額), never more than was received; no 加算.
- 第78条第1項: 「その費用の額の全部又は一部」 (the 不正受給額 the 実施機関 decides to
  collect, at most what was received) 「…その徴収する額に100分の40を乗じて得た額以下の
  金額」: the 加算 at a rate the 実施機関 chooses up to the 上限. No 控除 (a 徴収 for 不正
  受給 leaves nothing to the household; the 勤労控除 of 実施要領 第8 is not applied, 未確認
  whether a town may). Rounding of the 加算: cut to the yen (ours, 未確認).
- 分割納付: ``kaisu`` monthly 期 from the first 納期限, same day of each month (the month's
  last day when shorter); equal amounts cut to the yen, the remainder on the 第1期 (ours:
  no rule for the split was found; the 実施機関 decides the plan with the household).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

#: the article codes (fukushi.models.HenkanHo values), kept here so the rule imports no model
HO_63 = "h63"
HO_77 = "h77"
HO_78 = "c78"

#: 第77条の2 applies to the 保護費 paid from the day it came into force (生活保護法等の一部を
#: 改正する法律 (平成30年法律第44号) 附則第4条, as quoted at https://tf-law.jp/column/column-766/ ;
#: 施行 平成30年10月1日: https://www.kmrysyk.com/entry/2018/10/01/180732)
HO_77_FROM = date(2018, 10, 1)

MAX_KAISU = 120  # 10 years of monthly 期; a longer plan is refused (ours)


class HenkanInvalid(ValueError):
    """Input the rule refuses; the message is Japanese, for the clerk."""


@dataclass(frozen=True)
class HenkanGaku:
    honkin: int  # 返還・徴収額 (加算を除く)
    kasan: int  # 加算額 (第78条第1項)
    amount: int  # 決定額
    uchiwake: str  # in words


@dataclass(frozen=True)
class Ki:
    ki: int
    nouki: date
    amount: int


def henkan_gaku(
    *, ho: str, hogo_kingaku: int, kojo: int, choshu_gaku: int, kasan_ritsu: int, jogen: int
) -> HenkanGaku:
    """The 決定額 of a 返還金 (``ho`` 63: ``hogo_kingaku`` − ``kojo``) or a 徴収金 (``ho``
    78: ``choshu_gaku`` + its 加算 at ``kasan_ritsu`` percent, at most ``jogen``)."""
    if hogo_kingaku <= 0:
        raise HenkanInvalid("対象期間に受けた保護費を入力してください。")
    if ho in (HO_63, HO_77):
        if kasan_ritsu or choshu_gaku:
            raise HenkanInvalid("第63条の返還金には加算はありません。")
        if kojo < 0 or kojo >= hogo_kingaku:
            raise HenkanInvalid("控除額は、受けた保護費より少ない額にしてください。")
        honkin = hogo_kingaku - kojo
        words = f"受けた保護費 {hogo_kingaku:,}円"
        if kojo:
            words += f" − 控除 {kojo:,}円"
        return HenkanGaku(honkin, 0, honkin, f"{words} ＝ {honkin:,}円")
    if ho == HO_78:
        if kojo:
            raise HenkanInvalid("第78条の徴収金には控除はありません。")
        if choshu_gaku <= 0 or choshu_gaku > hogo_kingaku:
            raise HenkanInvalid("徴収する額は、1円以上、受けた保護費以下にしてください。")
        if kasan_ritsu < 0 or kasan_ritsu > jogen:
            raise HenkanInvalid(
                f"加算の割合は0〜{jogen}％にしてください（生活保護法第78条第1項）。"
            )
        kasan = choshu_gaku * kasan_ritsu // 100
        words = f"徴収する額 {choshu_gaku:,}円"
        if kasan:
            words += f" ＋ 加算 {choshu_gaku:,}円×{kasan_ritsu}％＝{kasan:,}円"
        return HenkanGaku(
            choshu_gaku, kasan, choshu_gaku + kasan, f"{words} ＝ {choshu_gaku + kasan:,}円"
        )
    raise HenkanInvalid("根拠（第63条・第78条）を選んでください。")


def _add_months(day: date, months: int, dom: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(dom, calendar.monthrange(year, month)[1]))


def bunkatsu(*, amount: int, kaisu: int, first_nouki: date) -> list[Ki]:
    """The 分割納付 plan: ``kaisu`` monthly 期 from ``first_nouki``."""
    if kaisu < 1 or kaisu > MAX_KAISU:
        raise HenkanInvalid(f"分割の回数は1〜{MAX_KAISU}回にしてください。")
    if amount < kaisu:
        raise HenkanInvalid("分割の回数が決定額より多くなっています。")
    each, rest = divmod(amount, kaisu)
    return [
        Ki(i + 1, _add_months(first_nouki, i, first_nouki.day), each + (rest if i == 0 else 0))
        for i in range(kaisu)
    ]
