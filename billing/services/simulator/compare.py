"""What the simulator answers: both inputs allocated with the pure ``compute`` and put
side by side per member and pool (:func:`compare`). No database."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from billing.rules import GuaranteeInfeasible
from billing.services.allocation import GUARANTEE_POOL, compute
from billing.services.simulator.scenario import JOINING, LEAVING, MEMBER, Scenario, ScenarioError


@dataclass(frozen=True)
class MemberComparison:
    member_id: str  # 団体コード, or JOINING_MEMBER_ID
    name: str
    status: str  # MEMBER, JOINING or LEAVING
    current: dict[str, int]  # pool name → amount today
    scenario: dict[str, int]  # pool name → amount in the scenario (empty on error)
    current_total: int  # 0 for the joining town
    scenario_total: int | None  # 0 for a leaving member; None when the scenario fails
    difference_yen: int | None
    difference_percent: str | None  # "+3.2" / "-0.5"; None when today's total is 0


@dataclass(frozen=True)
class SimulationResult:
    fiscal_year: int
    pools: list[str]  # column order: today's pools, then any the scenario adds
    members: list[MemberComparison]
    current_total: int
    scenario_total: int | None
    difference_yen: int | None
    difference_percent: str | None
    current_pool_totals: dict[str, int]
    scenario_pool_totals: dict[str, int]
    current_min_saving: str | None
    scenario_min_saving: str | None
    scenario: Scenario
    error: str | None = None  # why the scenario could not be allocated (e.g. guarantee)
    saved: bool = False  # always: the simulator never stores anything

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["scenario"] = self.scenario.to_json()
        return data


def percent_change(difference: int, base: int) -> str | None:
    """``difference / base`` in percent to one decimal, rounded half away from zero,
    computed exactly (no float): ``percent_change(-1, 3) == "-33.3"``."""
    if base == 0:
        return None
    value = Fraction(difference * 100, base)
    tenths = int(abs(value) * 10 + Fraction(1, 2))
    sign = "+" if value > 0 else "-" if value < 0 else ""
    if tenths == 0:
        sign = ""
    return f"{sign}{tenths // 10}.{tenths % 10}"


def _by_member(lines: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for line in lines:
        pools = out.setdefault(line["member"], {})
        pools[line["pool"]] = pools.get(line["pool"], 0) + line["amount"]
    return out


def _pool_order(inputs: dict[str, Any], lines: list[dict[str, Any]]) -> list[str]:
    order = [p["name"] for p in inputs["pools"]]
    for line in lines:
        if line["pool"] not in order:
            order.append(line["pool"])
    return order


def compare(
    current: dict[str, Any], scenario_inputs: dict[str, Any], scenario: Scenario
) -> SimulationResult:
    """Pure: allocate both inputs with ``compute`` and put them side by side.
    A failure of the scenario's allocation (e.g. :class:`GuaranteeInfeasible`) is
    reported in ``error``; a failure of today's raises :class:`ScenarioError`."""
    try:
        current_lines = compute(current)
    except (ValueError, TypeError, KeyError) as exc:
        raise ScenarioError([("", f"現在の按分を計算できません: {exc}")]) from exc
    error: str | None = None
    scenario_lines: list[dict[str, Any]] = []
    try:
        scenario_lines = compute(scenario_inputs)
    except GuaranteeInfeasible as exc:
        error = f"試算の条件では削減保障を満たせません。{exc}"
    except (ValueError, TypeError, KeyError) as exc:
        error = f"試算の条件では按分できません: {exc}"
    now = _by_member(current_lines)
    then = _by_member(scenario_lines)
    pools = _pool_order(current, current_lines)
    for name in _pool_order(scenario_inputs, scenario_lines):
        if name not in pools:
            pools.append(name)
    # Guarantee adjustments last, whatever came first.
    if GUARANTEE_POOL in pools:
        pools.remove(GUARANTEE_POOL)
        pools.append(GUARANTEE_POOL)

    names = {**current["names"], **scenario_inputs["names"]}
    ids = sorted(set(current["members"]) | set(scenario_inputs["members"]))
    members: list[MemberComparison] = []
    for member_id in ids:
        if member_id not in current["members"]:
            status = JOINING
        elif member_id not in scenario_inputs["members"]:
            status = LEAVING
        else:
            status = MEMBER
        current_amounts = now.get(member_id, {})
        scenario_amounts = {} if error else then.get(member_id, {})
        current_total = sum(current_amounts.values())
        scenario_total = None if error else sum(scenario_amounts.values())
        difference = None if scenario_total is None else scenario_total - current_total
        members.append(
            MemberComparison(
                member_id=member_id,
                name=names.get(member_id, member_id),
                status=status,
                current=current_amounts,
                scenario=scenario_amounts,
                current_total=current_total,
                scenario_total=scenario_total,
                difference_yen=difference,
                difference_percent=(
                    None if difference is None else percent_change(difference, current_total)
                ),
            )
        )

    def pool_totals(lines: list[dict[str, Any]]) -> dict[str, int]:
        totals: dict[str, int] = {}
        for line in lines:
            totals[line["pool"]] = totals.get(line["pool"], 0) + line["amount"]
        return totals

    current_total = sum(line["amount"] for line in current_lines)
    scenario_total = None if error else sum(line["amount"] for line in scenario_lines)
    difference = None if scenario_total is None else scenario_total - current_total
    return SimulationResult(
        fiscal_year=current["fiscal_year"],
        pools=pools,
        members=members,
        current_total=current_total,
        scenario_total=scenario_total,
        difference_yen=difference,
        difference_percent=(
            None if difference is None else percent_change(difference, current_total)
        ),
        current_pool_totals=pool_totals(current_lines),
        scenario_pool_totals={} if error else pool_totals(scenario_lines),
        current_min_saving=current.get("min_saving"),
        scenario_min_saving=scenario_inputs.get("min_saving"),
        scenario=scenario,
        error=error,
    )
