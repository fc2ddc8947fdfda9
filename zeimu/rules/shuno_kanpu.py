"""還付加算金 (地方税法第17条の4, 附則第3条の2, 第20条の4の2): pure.

**Period.** From the 起算日 given by the 事由 of the 過誤納 (第17条の4第1項) to the day the
town decided the payment (還付のため支出を決定した日) inclusive:

- 第1号 更正・決定・賦課決定 (普通徴収 taxes, 固定資産税 …): the day after the 納付日;
- 第2号 更正の請求に基づく更正: the day after the earlier of 「更正の請求があった日の翌日から
  起算して3月を経過する日」 and 「更正があった日の翌日から起算して1月を経過する日」;
- 第3号 所得税の更正・申告に基因する賦課決定: the day after 「通知・申告の日の翌日から起算して
  1月を経過する日」 (not before the day after the 納付日);
- 第4号 誤納: the day after 「納付日の翌日から起算して1月を経過する日」.

(The 起算日 of each 号 as 日野市, 高石市 and 川崎市宮前区's pages state them. Not implemented:
the 除算期間 of 第17条の4第2項 — e.g. a 過誤納 notified and not claimed within 30 days.)

**充当.** For the part 充当 the period ends on 「充当をした日（同日前に充当をするのに適すること
となつた日がある場合には、当該適することとなつた日）」 (第17条の4第1項, as quoted by 広島市
FAQID-9999 注3 and 元公務員による事務まとめ「還付加算金の計算」). The 充当適状日 is the later of the
debt's 法定納期限 — for a tax paid in 期 the 期's 納期限 (地方税法施行令第6条の14第2号) — and the
day the 過誤納金 arose (同条本文; text as given by 税務研究会 zeiken.co.jp「地方税法施行令
第6条の14」): ``juto_tekijo``, ``kagono_hassei``. Each 充当 is one 還付加算金 with its own base and
roundings, as each 還付 is (our reading of 第20条の4の2: the rounding applies to 「還付加算金の額」
of each 充当 or 還付; no town's page says otherwise or the same — 未確認).

**Parts.** A 過納 made of several payments: the part returned is taken from the latest
payments first (each part keeps its own 納付日, so its own 起算日). This is the order the
towns follow; the order's article was not read here.

**Amount.** Each run of days with one rate (the rate is the calendar year's:
``zeimu.shuno.kanpu.kasankin_wariai``) and one base bears ``base × rate × days ÷ 365``, the yen
fraction cut; the base is the amount then bearing interest with its 1,000円 fraction cut, none
when the whole 過誤納 is under 2,000円; the sum is cut to 100円 and dropped when under 1,000円
(第20条の4の2第2項・第5項: the same values as 延滞金, ``zeimu.shuno.entaikin.*``). The year counts
365 days in a leap year too (和歌山県「還付加算金」: 「閏年の日を含む期間についても、365日当たりの
割合」).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

Lookup = Callable[[str, int], Any]

_E = "zeimu.shuno.entaikin."
RATE_KEY = "zeimu.shuno.kanpu.kasankin_wariai"
DENOMINATOR = 365

KOSEI, KOSEI_SEIKYU, SHOTOKUZEI, GONO = "kosei", "seikyu", "shotoku", "gono"


def months_passed(day: date, months: int) -> date:
    """The day on which ``months`` months counted from ``day`` (the first day) have passed
    (民法第143条第2項: the day before the same date ``months`` later, or that month's last
    day when it has no such date)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if day.day > last:
        return date(year, month, last)
    return date(year, month, day.day) - timedelta(days=1)


def kisanbi(
    jiyu: str, *, nofu_date: date, jiyu_date: date | None = None, seikyu_date: date | None = None
) -> date:
    """The first day bearing 還付加算金 of a part paid on ``nofu_date`` (see the module)."""
    after_payment = nofu_date + timedelta(days=1)
    if jiyu == KOSEI:
        return after_payment
    if jiyu == GONO:
        return months_passed(after_payment, 1) + timedelta(days=1)
    if jiyu == KOSEI_SEIKYU:
        if jiyu_date is None or seikyu_date is None:
            raise ValueError("更正の請求の日と更正の日を指定してください。")
        end = min(
            months_passed(seikyu_date + timedelta(days=1), 3),
            months_passed(jiyu_date + timedelta(days=1), 1),
        )
        return max(after_payment, end + timedelta(days=1))
    if jiyu == SHOTOKUZEI:
        if jiyu_date is None:
            raise ValueError("所得税の更正の通知又は申告の日を指定してください。")
        return max(
            after_payment, months_passed(jiyu_date + timedelta(days=1), 1) + timedelta(days=1)
        )
    raise ValueError("過誤納の事由が正しくありません。")


@dataclass(frozen=True)
class Part:
    """A part of the 過誤納 and the day it starts bearing 還付加算金."""

    kisanbi: date
    amount: int


@dataclass(frozen=True)
class Segment:
    start: date
    end: date  # inclusive
    days: int
    base: int
    rate: Fraction
    amount: int


@dataclass(frozen=True)
class KasankinResult:
    kettei_date: date
    segments: tuple[Segment, ...]
    total_raw: int
    kasankin: int


def parts_of(
    payments: Sequence[tuple[date, int]],
    kagono: int,
    *,
    jiyu: str,
    jiyu_date: date | None = None,
    seikyu_date: date | None = None,
) -> list[Part]:
    """The parts of a 過誤納 of ``kagono`` yen made of ``payments`` (納付日, 金額), the latest
    payment first, each with its 起算日."""
    left = kagono
    out: list[Part] = []
    for day, amount in sorted(payments, key=lambda p: p[0], reverse=True):
        if left <= 0:
            break
        take = min(left, amount)
        if take <= 0:
            continue
        k = kisanbi(jiyu, nofu_date=day, jiyu_date=jiyu_date, seikyu_date=seikyu_date)
        out.append(Part(k, take))
        left -= take
    if left > 0:
        raise ValueError("過誤納額が納付額を超えています。")
    return sorted(out, key=lambda p: p.kisanbi)


def split_parts(
    payments: Sequence[tuple[date, int]],
    amounts: Sequence[int],
    *,
    jiyu: str,
    jiyu_date: date | None = None,
    seikyu_date: date | None = None,
) -> list[list[Part]]:
    """The parts of several uses of one 過誤納 (the 還付 first, then each 充当 in turn): the
    first use takes the latest payments, the next what is left, latest first again. (Which
    payment a 充当 rather than the 還付 is made of is our choice: no source says; the total
    made of the latest payments first is ``parts_of``'s rule.)"""
    left = sorted(((d, a) for d, a in payments if a > 0), key=lambda p: p[0])
    out: list[list[Part]] = []
    for amount in amounts:
        out.append(parts_of(left, amount, jiyu=jiyu, jiyu_date=jiyu_date, seikyu_date=seikyu_date))
        # take ``amount`` off the latest payments
        rest = amount
        for i in range(len(left) - 1, -1, -1):
            if rest <= 0:
                break
            d, a = left[i]
            take = min(a, rest)
            left[i] = (d, a - take)
            rest -= take
        left = [p for p in left if p[1] > 0]
    return out


def kagono_hassei(changes: Sequence[tuple[date, int]], *, on: date) -> date | None:
    """The day the 過誤納金 of a 期別 arose (地方税法施行令第6条の14「過誤納金が生じた時」): the
    first day of the last run of days up to ``on`` on which the balance is below zero.
    ``changes``: (day, change of the balance) — + a 調定, − a 収納. None: not overpaid on ``on``."""
    by_day: dict[date, int] = {}
    for d, a in changes:
        if d <= on:
            by_day[d] = by_day.get(d, 0) + a
    balance, start = 0, None
    for d in sorted(by_day):
        balance += by_day[d]
        if balance < 0 and start is None:
            start = d
        elif balance >= 0:
            start = None
    return start


def juto_tekijo(*, hassei: date, nouki: date, juto_date: date) -> date:
    """The last day bearing 還付加算金 of a part 充当 on ``juto_date`` to a 期別 due on
    ``nouki``: the 充当適状日 (the later of ``nouki`` and ``hassei``) when it is earlier than
    the day of the 充当 (第17条の4第1項, 施行令第6条の14)."""
    return min(juto_date, max(hassei, nouki))


def kasankin_calculate(
    *, parts: Sequence[Part], kettei_date: date, lookup: Lookup
) -> KasankinResult:
    """還付加算金 of one 期別's 還付 decided on ``kettei_date``."""
    active = [p for p in parts if p.amount > 0 and p.kisanbi <= kettei_date]
    if not active:
        return KasankinResult(kettei_date, (), 0, 0)
    fy = kettei_date.year
    kiso_min = int(lookup(_E + "kiso_min", fy))
    kiso_tani = int(lookup(_E + "kiso_tani", fy))
    kakutei_tani = int(lookup(_E + "kakutei_tani", fy))
    kakutei_min = int(lookup(_E + "kakutei_min", fy))
    if sum(p.amount for p in parts) < kiso_min:
        return KasankinResult(kettei_date, (), 0, 0)
    first = min(p.kisanbi for p in active)
    cuts = {p.kisanbi for p in active}
    cuts.update(date(y, 1, 1) for y in range(first.year + 1, kettei_date.year + 1))
    starts = sorted(d for d in cuts if first <= d <= kettei_date)
    segments: list[Segment] = []
    for i, start in enumerate(starts):
        end = (starts[i + 1] - timedelta(days=1)) if i + 1 < len(starts) else kettei_date
        days = (end - start).days + 1
        principal = sum(p.amount for p in active if p.kisanbi <= start)
        base = principal // kiso_tani * kiso_tani
        try:
            rate = Fraction(int(lookup(RATE_KEY, start.year)), 10_000)
        except LookupError as exc:
            raise ValueError(f"{start.year}年の還付加算金の割合が登録されていません。") from exc
        amount = int(base * rate * days / DENOMINATOR)  # floor: every factor is ≥ 0
        segments.append(Segment(start, end, days, base, rate, amount))
    total = sum(s.amount for s in segments)
    kakutei = total // kakutei_tani * kakutei_tani
    if kakutei < kakutei_min:
        kakutei = 0
    return KasankinResult(kettei_date, tuple(segments), total, kakutei)
