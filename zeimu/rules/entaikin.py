"""延滞金 (地方税法第326条ほか各税目の延滞金の条、附則第3条の2, 第20条の4の2): pure.

For one 期別: the tax still owed on each day after its 納期限, until the day it is paid,
bears 延滞金 at

- the *first* rate from the day after the 納期限 to the day on which one month from then
  has passed (民法第143条: the day before the same date of the next month, or the last day
  of that month when it has no such date), and
- the *later* rate after that,

each rate the value of the calendar year the day falls in (the rates change on 1 January:
``zeimu.shuno.entaikin.wariai``). The year counts 365 days even in a leap year, as the towns
publish the rule (「閏年の日を含む期間についても、365日当たりの割合」; 福岡市 FAQ3274: 「Bの日数は
常に365日」); the article that says so was not read here.

The amount is computed per segment — a run of days with one rate and one base — as
``base × rate × days ÷ 365`` with the yen fraction cut, then summed (豊橋市's published example
cuts each segment the same way). The base of a segment is the tax owed in it, its 1,000円
fraction cut, none when under 2,000円 (第20条の4の2第2項); a part paid changes the base from
the next day on (the part paid bears 延滞金 up to and including its payment day). The total
is cut to 100円 and dropped when under 1,000円 (同条第5項).

**除算期間** (個人の市町村民税 普通徴収, 地方税法第321条の2第3項・第4項; ``josan_periods``): a
tax increased because of a 所得税 修正申告 or 更正 (not the 特定修正申告・特定更正: 不正, or after a
決定) bears, on the part increased, no 延滞金 for

- 第3項: the days from the day after the day on which one year from the day after the 納期限
  has passed, to the day the increase was notified (the 調定's 通知日);
- 第4項: when a 所得税 減額更正 had lowered the tax before, the part of the increase up to what
  was lowered, for the days from the 減額's 通知日 to the increase's 通知日 — **未確認**: the
  article's list of periods was read only truncated (税務研究会's excerpt of 第321条の2); these
  bounds are our reading, kin to 国税通則法第61条第2項.

On an excluded day the base is what is owed less the part excluded (a part payment is taken as
paying the rest first, our reading — 未確認).

Not here: 延滞金 of 法人住民税's 申告 rules (the 法定納期限 and its 除算期間, 第321条の8), the
減免 of 延滞金 (第20条の9の5 ほか, a clerk's decision recorded by the ledger), rates before 2014.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

Lookup = Callable[[str, int], Any]

_K = "zeimu.shuno.entaikin."
DENOMINATOR = 365


@dataclass(frozen=True)
class Segment:
    start: date
    end: date  # inclusive
    days: int
    base: int  # 計算の基礎となる税額 (after the 1,000円 cut; 0 when under the minimum)
    rate: Fraction  # per year
    amount: int  # yen, fraction cut
    later: bool  # the later (1月経過後) rate
    #: the tax owed in the segment that bears no 延滞金 (a 除算期間 covers it)
    josan: int = 0


@dataclass(frozen=True)
class EntaikinResult:
    nouki: date
    paid_on: date
    segments: tuple[Segment, ...]
    total_raw: int
    #: the 確定金額 (100円 cut, 0 under 1,000円)
    entaikin: int


def ikkagetsu_end(nouki: date) -> date:
    """The day on which one month from the day after ``nouki`` has passed (民法第143条第2項)."""
    start = nouki + timedelta(days=1)
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    last = calendar.monthrange(year, month)[1]
    if start.day > last:  # no same date in the next month: that month's last day
        return date(year, month, last)
    return date(year, month, start.day) - timedelta(days=1)


@dataclass(frozen=True)
class Josan:
    """A 除算期間: from ``start`` to ``end`` (inclusive) up to ``amount`` of the tax owed
    bears no 延滞金; ``ko`` is the paragraph of 地方税法第321条の2 (3 or 4)."""

    start: date
    end: date
    amount: int
    ko: int


@dataclass(frozen=True)
class ChoteiEntry:
    """A 調定 entry as ``josan_periods`` reads it: its signed amount, its day, whether it was
    due to a 所得税 修正申告・更正 (``shotoku``) and the day it was notified (None: its day)."""

    amount: int
    on: date
    shotoku: bool = False
    tsuchi: date | None = None
    #: the 納期限 of the 更正 notice an increase is due by (None: the 期別's)
    nouki: date | None = None


def ichinen_end(nouki: date) -> date:
    """The day on which one year from the day after ``nouki`` has passed (民法第143条第2項)."""
    start = nouki + timedelta(days=1)
    year = start.year + 1
    if start.month == 2 and start.day == 29:  # no 29 February that year: its last day
        return date(year, 2, 28)
    return date(year, start.month, start.day) - timedelta(days=1)


def josan_periods(nouki: date, entries: Sequence[ChoteiEntry]) -> list[Josan]:
    """The 除算期間 of a 期別 due on ``nouki`` from its 調定 entries in the order posted
    (地方税法第321条の2第3項・第4項; see the module)."""
    out: list[Josan] = []
    lowered = 0  # lowered by a 所得税 減額更正 and not yet raised again
    after_year = ichinen_end(nouki) + timedelta(days=1)
    lowered_on: date | None = None
    for e in entries:
        if not e.shotoku or e.amount == 0:
            continue
        notified = e.tsuchi or e.on
        if e.amount < 0:
            lowered += -e.amount
            lowered_on = notified
            continue
        ko4 = min(e.amount, lowered)
        if ko4 > 0 and lowered_on is not None and lowered_on <= notified:
            out.append(Josan(lowered_on, notified, ko4, 4))
        lowered -= ko4
        ko3 = e.amount - ko4
        if ko3 > 0 and after_year <= notified:
            out.append(Josan(after_year, notified, ko3, 3))
    return out


def _rates(lookup: Lookup, year: int) -> tuple[Fraction, Fraction]:
    try:
        v = lookup(_K + "wariai", year)
    except LookupError as exc:
        raise ValueError(f"{year}年の延滞金の割合が登録されていません。") from exc
    return Fraction(int(v["first"]), 10_000), Fraction(int(v["later"]), 10_000)


def entaikin_calculate(
    *,
    nouki: date,
    paid_on: date,
    owed: Sequence[tuple[date, int]],
    lookup: Lookup,
    josan: Sequence[Josan] = (),
) -> EntaikinResult:
    """延滞金 of one 期別 paid in full on ``paid_on``.

    ``owed``: the tax owed from each date on (ascending dates; the first no later than the
    day after ``nouki``), e.g. ``[(nouki+1, 65000)]`` or, with a part paid on 10 June,
    ``[(nouki+1, 65000), (date(…, 6, 11), 25000)]``. Days after ``paid_on`` are not counted.
    ``josan``: the 除算期間 (``josan_periods``).
    """
    if paid_on <= nouki or not owed:
        return EntaikinResult(nouki, paid_on, (), 0, 0)
    fy = nouki.year
    kiso_min = int(lookup(_K + "kiso_min", fy))
    kiso_tani = int(lookup(_K + "kiso_tani", fy))
    kakutei_tani = int(lookup(_K + "kakutei_tani", fy))
    kakutei_min = int(lookup(_K + "kakutei_min", fy))
    first_day = nouki + timedelta(days=1)
    boundary = ikkagetsu_end(nouki)

    # the cut points: the 1-month boundary, every 1 January, every change of what is owed
    cuts = {first_day, boundary + timedelta(days=1)}
    cuts.update(date(y, 1, 1) for y in range(first_day.year + 1, paid_on.year + 1))
    cuts.update(d for d, _ in owed if d > first_day)
    for j in josan:
        cuts.update((j.start, j.end + timedelta(days=1)))
    starts = sorted(d for d in cuts if first_day <= d <= paid_on)

    def owed_on(day: date) -> int:
        amount = 0
        for d, a in owed:
            if d <= day:
                amount = a
        return amount

    segments: list[Segment] = []
    for i, start in enumerate(starts):
        end = (starts[i + 1] - timedelta(days=1)) if i + 1 < len(starts) else paid_on
        days = (end - start).days + 1
        later = start > boundary
        first_rate, later_rate = _rates(lookup, start.year)
        rate = later_rate if later else first_rate
        owed_then = owed_on(start)
        excluded = min(owed_then, sum(j.amount for j in josan if j.start <= start <= j.end))
        principal = owed_then - excluded
        base = 0 if principal < kiso_min else principal // kiso_tani * kiso_tani
        amount = int(base * rate * days / DENOMINATOR)  # floor: every factor is ≥ 0
        segments.append(Segment(start, end, days, base, rate, amount, later, excluded))
    total = sum(s.amount for s in segments)
    kakutei = total // kakutei_tani * kakutei_tani
    if kakutei < kakutei_min:
        kakutei = 0
    return EntaikinResult(nouki, paid_on, tuple(segments), total, kakutei)


@dataclass(frozen=True)
class Layer:
    """A part of a 期別's tax due by one 納期限: the 期別's own (the 当初 and every change
    without a 納期限 of its own) or an increase's 更正 notice's (``ChoteiEntry.nouki``)."""

    nouki: date
    amount: int
    entries: tuple[ChoteiEntry, ...]


def nouki_layers(nouki: date, entries: Sequence[ChoteiEntry]) -> list[Layer]:
    """The parts of a 期別 due on ``nouki`` by 納期限, from its 調定 entries in the order
    posted, earliest 納期限 first. An increase with a later 納期限 of its own opens a part of
    its own (賦課課税: the added tax is due by the 納期限 its 更正 notice sets, 地方税法第369条
    for 固定資産税 — see docs/standard/shuno.md S-7c); every other entry belongs to the
    期別's own part. A decrease (減額更正, 減免) takes the latest part first (the tax as it
    now stands keeps what was assessed first: our reading, **未確認**)."""
    own: list[ChoteiEntry] = []
    parts: list[list[Any]] = []  # [nouki, amount, entries] of the later 納期限, posting order
    base = 0
    for e in entries:
        if e.amount > 0 and e.nouki is not None and e.nouki > nouki:
            parts.append([e.nouki, e.amount, [e]])
            continue
        if e.amount >= 0:
            own.append(e)
            base += e.amount
            continue
        cut = -e.amount
        for part in reversed(parts):
            take = min(cut, part[1])
            if take:
                part[1] -= take
                part[2].append(e)
                cut -= take
        # what the later parts do not absorb lowers the 期別's own part (its entry kept whole
        # for ``josan_periods``, which reads the 所得税-based changes of that part)
        own.append(ChoteiEntry(-cut, e.on, e.shotoku, e.tsuchi) if cut != -e.amount else e)
        base -= cut
    out = [Layer(nouki, base, tuple(own))]
    merged: dict[date, list[Any]] = {}
    for n, amount, es in parts:
        if n in merged:
            merged[n][0] += amount
            merged[n][1].extend(es)
        else:
            merged[n] = [amount, list(es)]
    out += [Layer(n, a, tuple(es)) for n, (a, es) in sorted(merged.items())]
    return out


def entaikin_by_nouki(
    *,
    nouki: date,
    entries: Sequence[ChoteiEntry],
    by_day: Sequence[tuple[date, int]],
    paid_on: date,
    lookup: Lookup,
) -> EntaikinResult:
    """延滞金 of one 期別 paid in full on ``paid_on``, from its 調定 entries (in the order
    posted) and the money received by day (``by_day``: each day's sum, ascending, before
    ``paid_on``). The tax owed on a day is what is due less what was received up to the day
    before; the money goes to the part with the earliest 納期限 first (``nouki_layers``).
    Each part bears 延滞金 from the day after its own 納期限, with its own roundings (a tax
    due by a notice of its own is a 税額 of its own, 地方税法第20条の4の2第2項・第5項: our
    reading, **未確認**); the 除算期間 (``josan_periods``) are of the 期別's own part. With
    one part this is exactly the 期別's 延滞金 as ``entaikin_calculate`` counts it."""
    layers = nouki_layers(nouki, entries)
    results: list[EntaikinResult] = []
    before = 0  # the parts due earlier, which the money received pays first
    for n, layer in enumerate(layers):
        start = layer.nouki + timedelta(days=1)
        owed: list[tuple[date, int]] = [(start, max(0, layer.amount))]
        received = 0
        for on, amount in by_day:
            received += amount
            # (the first part takes a net outflow too, as the 期別 always did)
            paid = received if n == 0 else min(layer.amount, max(0, received - before))
            owed.append((max(start, on + timedelta(days=1)), max(0, layer.amount - paid)))
        josan = josan_periods(nouki, layer.entries) if layer.nouki == nouki else []
        results.append(
            entaikin_calculate(
                nouki=layer.nouki, paid_on=paid_on, owed=owed, lookup=lookup, josan=josan
            )
        )
        before += max(0, layer.amount)
    if len(results) == 1:
        return results[0]
    segments = tuple(s for r in results for s in r.segments)
    return EntaikinResult(
        nouki,
        paid_on,
        segments,
        sum(r.total_raw for r in results),
        sum(r.entaikin for r in results),
    )
