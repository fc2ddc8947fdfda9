"""日割: the 保護費 of a month in which 保護 is received on some days only (保護開始 in the
middle of the month, 廃止・停止 from a day inside it, 再開 inside it). Pure.

What was read. 「保護の実施要領」(社会・援護局長通知) 第7-4-(1)-イ and the 別冊問答集 問7-13
(最低生活費の日割計算) are cited by a published explanation of the 開始月 (ameblo.jp/capybara321,
「保護開始月の保護費の計算方法」): 4月11日 開始, 生活扶助 72,000円 ÷ 30日 × 20日 (4/11〜30)
= 48,000円; 住宅扶助 33,000円 in full when that month's rent is still unpaid; 81,000円 in all.
The 通知 and the 問答集 themselves were not read.

So here:

- 生活扶助 (第1類・第2類・特例加算・経過的加算・冬季加算・期末一時扶助) and the 加算 are paid
  for the days of 保護 out of the days of the month;
- 住宅扶助 is paid in full (the explanation's case: the month's rent is unpaid; a rent the
  household already paid before 保護 is not asked for here — the clerk's 変更);
- the 収入認定額 of the month is taken for the same share of days.

未確認 (not read in a source; docs/standard/seikatsu_hogo.md SH-25): the rounding — the
日割 生活扶助 is raised to the yen (in the recipient's favour) and the income share cut to
the yen; whether 期末一時扶助 is pro-rated; whether the income of the month is taken by
days or as received after the 開始日 (実施要領 第8 reads income by when it is received).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

__all__ = ["HIWARI_UNCONFIRMED", "Hiwari", "days_in_month", "hiwari"]

HIWARI_UNCONFIRMED = (
    "日割の端数処理（生活扶助は1円未満切上げ、収入認定は1円未満切捨て）と、"
    "収入認定を日数で按分することは、実施要領の原文で確認していません（未確認）。"
)


def days_in_month(month: date) -> int:
    nxt = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (nxt - timedelta(days=1)).day


@dataclass(frozen=True)
class Hiwari:
    nissu: int
    tsuki_nissu: int
    seikatsu: int
    jutaku: int
    shunyu: int
    hogohi: int
    #: in words, for the line and the screen
    uchiwake: str


def hiwari(
    *, seikatsu_fujo: int, kasan: int, jutaku_fujo: int, shunyu_nintei: int, nissu: int, month: date
) -> Hiwari:
    """The month's 保護費 for ``nissu`` days of 保護 in ``month`` (see the module's note)."""
    n = days_in_month(month)
    if not 0 < nissu <= n:
        raise ValueError("日割の日数がその月の日数の範囲にありません。")
    if min(seikatsu_fujo, kasan, jutaku_fujo, shunyu_nintei) < 0:
        raise ValueError("扶助額・収入認定額が負です。")
    month_seikatsu = seikatsu_fujo + kasan
    seikatsu = int((Decimal(month_seikatsu) * nissu / n).to_integral_value(rounding=ROUND_CEILING))
    shunyu = int((Decimal(shunyu_nintei) * nissu / n).to_integral_value(rounding=ROUND_FLOOR))
    hogohi = max(0, seikatsu + jutaku_fujo - shunyu)
    uchiwake = (
        f"生活扶助（加算を含む）{month_seikatsu:,}円×{nissu}日÷{n}日＝{seikatsu:,}円、"
        f"住宅扶助 {jutaku_fujo:,}円"
        + (f"、収入認定 {shunyu_nintei:,}円×{nissu}日÷{n}日＝{shunyu:,}円" if shunyu_nintei else "")
    )
    return Hiwari(
        nissu=nissu,
        tsuki_nissu=n,
        seikatsu=seikatsu,
        jutaku=jutaku_fujo,
        shunyu=shunyu,
        hogohi=hogohi,
        uchiwake=uchiwake,
    )
