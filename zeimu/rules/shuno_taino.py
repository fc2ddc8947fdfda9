"""時効 and 執行停止 of one 期別 (滞納整理, issue 18 item 6): pure.

**Periods** (民法第140条・第143条, by 地方税法第20条の5 and 第18条第3項): a period in
years or months that starts at the beginning of a day ends at the end of the day before
the same date in the last year or month, or that month's last day when it has no such
date. ``end_of_period(start, years=…, months=…)`` gives that last day; the right is gone
from the next day, which is what every date here names (``shometsu``: the first day on
which the duty no longer exists).

**時効** (地方税法第18条第1項): the 徴収権 ends when it is not exercised for 5 years (保険料:
2 years, 介護保険法第200条第1項・高齢者の医療の確保に関する法律第160条第1項) counted from
the day after the 法定納期限. The ledger holds the 納期限 of each 期別; for the 普通徴収 and
賦課課税 税目 it carries that is the 法定納期限 (第11条の4第1項). Worked example:
令和2年度 住民税 第1期, 納期限 令和2年6月30日 → 時効が成立する日 令和7年7月1日
(`susumarunouzei.com/?p=215`, a former 徴税吏員's page — no municipality's page with dates
was found; the law's text is the source).

The events implemented, each in ``JikoEvent``:

- ``KOSHIN`` (更新: a new period runs from ``start``):
  - 督促 (地方税法第18条の2第1項第2号): the 時効 does not complete until 督促状を発した日から
    起算して10日を経過した日 and runs anew from then; that day is the 督促's 指定期限
    (``Tokusoku.shitei_kigen``), so the new period starts on it (our reading of 「その期間を
    経過した時から新たに」: the 10 days have passed at its beginning).
  - 承認 (民法第152条第1項): a 分納誓約 (its 誓約日) and a part payment (its 収納日) are the
    taxpayer's 承認 of the debt; the new period starts the next day (民法第140条: the day of
    an act that is not at midnight is not counted).
- ``HOLD`` (完成猶予 while it lasts, then 更新 from its end): 差押 (民法第148条第1項・
  第2項, 滞納処分 as 強制執行等) and 交付要求 (地方税法第18条の2第1項: 交付要求がされている
  期間). Not ended (no 解除): the 時効 does not complete (``shometsu`` is None). Ended on D:
  a new period from D + 1.
- ``SAIKOKU`` (民法第150条): a 催告 withholds completion until 6 months from it have passed;
  a 催告 made while an earlier one is withholding it has no such effect (同条第2項).

Not implemented: 納税の猶予・換価の猶予 (時効 does not run, 地方税法第18条の2第4項 …), 不正
による2年の不進行 (同条第5項 …), 裁判上の請求 and 破産手続参加 (民法第147条), the 時効 of
延滞金 alone. 執行停止 does not stop the 時効 (it keeps running: 国税徴収法第153条 の解釈と
同じく地方税も; 地方税法第15条の7 says nothing of it), and an event after the 時効 has completed
changes nothing (the right is gone: 第18条第2項, no 援用 needed).

**執行停止** (地方税法第15条の7): the duty ends when the 停止 has lasted 3 years (第4項:
``teishi_shometsu``, from the day after the 停止日), unless cancelled (第15条の8) first; at
once on the 即時消滅 date (第5項, only for a 停止 for want of property, 第1項第1号). No
municipality's worked example with dates was found; the article is the source.
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta


def end_of_period(start: date, *, years: int = 0, months: int = 0) -> date:
    """The last day of a period of ``years`` and ``months`` starting (at 0:00) on ``start``
    (民法第143条第2項)."""
    total = start.year * 12 + (start.month - 1) + years * 12 + months
    year, month = divmod(total, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    if start.day > last:  # no same date in that month: its last day
        return date(year, month, last)
    return date(year, month, start.day) - timedelta(days=1)


class EventKind(enum.Enum):
    KOSHIN = "koshin"
    HOLD = "hold"
    SAIKOKU = "saikoku"


@dataclass(frozen=True)
class JikoEvent:
    kind: EventKind
    #: the day of the act (督促の発付日, 誓約日, 収納日, 処分日, 催告の発付日): it counts only
    #: when the 時効 has not completed before it
    on: date
    #: KOSHIN only: the first day of the new period
    start: date | None = None
    #: HOLD only: the 解除 (None: still in force)
    end: date | None = None
    label: str = ""


@dataclass(frozen=True)
class Jiko:
    #: the first day on which the 徴収権 no longer exists; None while a 差押 or 交付要求
    #: withholds it
    shometsu: date | None
    #: the first day of the period now running
    kisanbi: date
    #: what last renewed or withheld it (the label of the event), "" for none
    by: str
    #: why there is no date (完成猶予中), "" otherwise
    yuyo: str = ""


def jiko_compute(
    *, nouki: date, nensu: int, events: Sequence[JikoEvent], saikoku_months: int
) -> Jiko:
    """The 時効 of one 期別 whose 法定納期限 is ``nouki``, given its events."""
    kisanbi = nouki + timedelta(days=1)
    shometsu: date | None = end_of_period(kisanbi, years=nensu) + timedelta(days=1)
    by = ""
    saikoku_until: date | None = None
    for ev in sorted(events, key=lambda e: (e.on, e.kind.value)):
        assert shometsu is not None
        if ev.on >= shometsu:
            break  # completed before this event: nothing revives it
        if ev.kind is EventKind.KOSHIN:
            assert ev.start is not None
            if ev.start > kisanbi:
                kisanbi, by = ev.start, ev.label
                shometsu = max(shometsu, end_of_period(kisanbi, years=nensu) + timedelta(days=1))
                saikoku_until = None
        elif ev.kind is EventKind.HOLD:
            if ev.end is None:
                return Jiko(None, kisanbi, ev.label, yuyo=f"{ev.label}中（時効の完成猶予）")
            restart = ev.end + timedelta(days=1)
            if restart > kisanbi:
                kisanbi, by = restart, ev.label
                shometsu = max(shometsu, end_of_period(kisanbi, years=nensu) + timedelta(days=1))
                saikoku_until = None
        else:  # SAIKOKU
            if saikoku_until is not None and ev.on < saikoku_until:
                continue  # 民法第150条第2項: a second 催告 during the first one's 猶予
            until = end_of_period(ev.on + timedelta(days=1), months=saikoku_months)
            until += timedelta(days=1)
            saikoku_until = until
            if until > shometsu:
                shometsu, by = until, ev.label
    return Jiko(shometsu, kisanbi, by)


def teishi_shometsu(teishi_date: date, *, nensu: int) -> date:
    """The first day on which the duty no longer exists when a 停止 of ``teishi_date`` lasts
    ``nensu`` years (地方税法第15条の7第4項), counted from the next day (民法第140条)."""
    return end_of_period(teishi_date + timedelta(days=1), years=nensu) + timedelta(days=1)
