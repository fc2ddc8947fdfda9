"""What other modules may ask 福祉: plain typed values, ids in and out.

Only what the law makes another module depend on, and no more: for 介護保険 (the 第1段階 of
the 第1号保険料, 介護保険法施行令第39条第1項第1号ロ; the 負担限度額 and 負担割合), the
periods in which a person is a 被保護者 (生活保護法第6条第1項). No case number, no 扶助,
no amount, no household: the fact and its dates. A 保護停止 does not end the period (the
person stays a 被保護者 while the case is open); a 保護変更 that rewrites a member's row is
one period, not two.

The caller logs the read (it is a read of 要配慮個人情報 on the caller's screen or job);
``kaigo`` reads it only inside the 賦課 and the 判定 of one person, never in a list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from fukushi.models import SeihoMember


@dataclass(frozen=True)
class HihogoKikan:
    """One period of 保護: from ``kaishi`` (the first day) to ``haishi`` (the first day
    without 保護; None while it lasts)."""

    kaishi: date
    haishi: date | None

    def covers(self, day: date) -> bool:
        return self.kaishi <= day and (self.haishi is None or day < self.haishi)


def hihogo_kikan_many(atena_ids: Iterable[int]) -> dict[int, tuple[HihogoKikan, ...]]:
    """The 保護 periods of each of ``atena_ids`` who has one (oldest first, touching rows
    joined); one query for any number of persons."""
    rows = (
        SeihoMember.objects.filter(atena_id__in=list(set(atena_ids)))
        .order_by("atena_id", "from_date", "id")
        .values_list("atena_id", "from_date", "to_date")
    )
    spans: dict[int, list[list[date | None]]] = defaultdict(list)
    for a, start, end in rows:
        if end is not None and end <= start:
            continue  # a member row opened and closed on one day: no day of 保護
        ps = spans[a]
        if ps and (ps[-1][1] is None or ps[-1][1] >= start):
            last_end = ps[-1][1]
            ps[-1][1] = None if last_end is None or end is None else max(last_end, end)
        else:
            ps.append([start, end])
    return {
        a: tuple(HihogoKikan(kaishi=s, haishi=e) for s, e in ps if s is not None)
        for a, ps in spans.items()
    }


def hihogosha_on(atena_ids: Iterable[int], day: date) -> set[int]:
    """Those of ``atena_ids`` who are 被保護者 on ``day`` (one query)."""
    return {a for a, ks in hihogo_kikan_many(atena_ids).items() if any(k.covers(day) for k in ks)}
