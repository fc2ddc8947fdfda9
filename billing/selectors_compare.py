"""前年度比較: the latest run of a fiscal year against the latest run of the year before.

Per member and per pool: last year's amount, this year's, the difference in yen and in
percent (exact Fraction, rounded half away from zero to 0.1%), and which members joined or
left. Amounts come from the stored runs only, so the comparison is as reproducible as the
runs themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from billing.models import AllocationRun, AllocationShare
from tenants.models import Consortium

CONTINUING = "継続"
JOINED = "新規加入"
LEFT = "脱退"


def percent_change(previous: int | None, current: int | None) -> str | None:
    """ "+12.3%" / "-4.0%" / "0.0%"; None when there is no base (no or zero previous)."""
    if previous is None or current is None or previous == 0:
        return None
    tenths = Fraction(current - previous, previous) * 1000
    magnitude = abs(tenths)
    rounded = int(magnitude)
    if magnitude - rounded >= Fraction(1, 2):
        rounded += 1
    sign = "-" if tenths < 0 and rounded else "+" if rounded else ""
    whole, tenth = divmod(rounded, 10)
    return f"{sign}{whole:,}.{tenth}%"


@dataclass(frozen=True, slots=True)
class Change:
    """One figure in both years; None where the member or the pool is absent that year."""

    previous: int | None
    current: int | None
    pool: str = ""  # the pool's name; "" for a total

    @property
    def diff(self) -> int | None:
        if self.previous is None and self.current is None:
            return None
        return (self.current or 0) - (self.previous or 0)

    @property
    def percent(self) -> str | None:
        return percent_change(self.previous, self.current)


@dataclass(frozen=True, slots=True)
class MemberComparison:
    dantai_code: str
    name: str
    status: str  # 継続 / 新規加入 / 脱退; "" when one of the two runs is missing
    cells: tuple[Change, ...]  # one per pool, in ``Comparison.pools`` order
    total: Change


@dataclass(frozen=True, slots=True)
class Comparison:
    fiscal_year: int
    current: AllocationRun | None
    previous: AllocationRun | None
    pools: tuple[str, ...]
    rows: tuple[MemberComparison, ...]
    pool_totals: tuple[Change, ...]
    total: Change
    joined: tuple[str, ...] = field(default=())
    left: tuple[str, ...] = field(default=())


def latest_run(consortium: Consortium, fiscal_year: int) -> AllocationRun | None:
    return (
        AllocationRun.objects.filter(consortium=consortium, fiscal_year=fiscal_year)
        .order_by("-run_at", "-id")
        .first()
    )


def compare_runs(consortium: Consortium, fiscal_year: int) -> Comparison:
    """The latest run of ``fiscal_year`` against the latest run of ``fiscal_year - 1``
    (either may be missing: its side is then empty). Two queries for the runs, one for
    the shares."""
    current = latest_run(consortium, fiscal_year)
    previous = latest_run(consortium, fiscal_year - 1)
    runs = [r for r in (current, previous) if r is not None]
    # amounts[run_id][code][pool]
    amounts: dict[int, dict[str, dict[str, int]]] = {r.pk: {} for r in runs}
    pools_of: dict[int, list[str]] = {r.pk: [] for r in runs}
    names: dict[str, str] = {}
    shares = (
        AllocationShare.objects.filter(run__in=runs)
        .order_by("run_id", "id")
        .values_list(
            "run_id", "municipality__dantai_code", "municipality__name", "pool_name", "amount_yen"
        )
    )
    for run_id, code, name, pool, amount in shares:
        by_pool = amounts[run_id].setdefault(code, {})
        by_pool[pool] = by_pool.get(pool, 0) + amount
        if pool not in pools_of[run_id]:
            pools_of[run_id].append(pool)
        names.setdefault(code, name)
    cur = amounts.get(current.pk, {}) if current else {}
    prev = amounts.get(previous.pk, {}) if previous else {}
    cur_pools = pools_of.get(current.pk, []) if current else []
    prev_pools = pools_of.get(previous.pk, []) if previous else []
    pools = tuple([*cur_pools, *(p for p in prev_pools if p not in cur_pools)])

    def figure(
        side: dict[str, dict[str, int]], side_pools: list[str], code: str, pool: str
    ) -> int | None:
        if code not in side or pool not in side_pools:
            return None
        return side[code].get(pool, 0)

    rows: list[MemberComparison] = []
    for code in sorted(set(cur) | set(prev)):
        if current is None or previous is None:
            status = ""  # nothing to compare against
        else:
            status = JOINED if code not in prev else LEFT if code not in cur else CONTINUING
        cells = tuple(
            Change(figure(prev, prev_pools, code, p), figure(cur, cur_pools, code, p), p)
            for p in pools
        )
        total = Change(
            sum(prev[code].values()) if code in prev else None,
            sum(cur[code].values()) if code in cur else None,
        )
        rows.append(MemberComparison(code, names[code], status, cells, total))

    def column(values: list[int | None]) -> int | None:
        present = [v for v in values if v is not None]
        return sum(present) if present else None

    pool_totals = tuple(
        Change(
            column([r.cells[i].previous for r in rows]),
            column([r.cells[i].current for r in rows]),
            pool,
        )
        for i, pool in enumerate(pools)
    )
    total = Change(
        column([r.total.previous for r in rows]), column([r.total.current for r in rows])
    )
    return Comparison(
        fiscal_year=fiscal_year,
        current=current,
        previous=previous,
        pools=pools,
        rows=tuple(rows),
        pool_totals=pool_totals,
        total=total,
        joined=tuple(r.name for r in rows if r.status == JOINED),
        left=tuple(r.name for r in rows if r.status == LEFT),
    )
