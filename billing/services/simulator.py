"""The simulator (試算): today's allocation next to a "what if" one, without saving anything.

:func:`simulate` takes the inputs exactly as :func:`billing.services.allocation.allocation_run`
would snapshot them (``_snapshot``), applies a :class:`Scenario` to a copy of them (a town
joins, members leave, a pool's rule or amount changes, a different minimum saving) and
runs the pure ``compute`` on both. Nothing is written: the only database access is the
reading ``_snapshot`` does (and the catalogue of 業務 for validation).

The pure halves are public too: :func:`apply_scenario` (inputs → scenario inputs) and
:func:`compare` (two inputs → :class:`SimulationResult`), so the engine can be tested
without a database.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from billing.models import AllocationRun
from billing.rules import GuaranteeInfeasible, Metered
from billing.rules.codec import rule_from_json
from billing.services.allocation import GUARANTEE_POOL, _months, _snapshot, compute
from tenants.models import Consortium, Gyomu

__all__ = [
    "JOINING_MEMBER_ID",
    "Joining",
    "MemberComparison",
    "PoolChange",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "apply_scenario",
    "compare",
    "current_inputs",
    "simulate",
]

# The joining town's id in the scenario inputs. Real ids are 6-digit 団体コード, so it
# never collides with a member and sorts after all of them.
JOINING_MEMBER_ID = "new"

# Members' statuses in a comparison.
MEMBER = "member"
JOINING = "joining"
LEAVING = "leaving"


class ScenarioError(ValueError):
    """The scenario (or the year's data) cannot be simulated; ``errors`` are
    ``(field, Japanese message)`` pairs, ``field`` as in the JSON/form ("" = general)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__(" ".join(message for _, message in errors))

    def by_field(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for name, message in self.errors:
            out.setdefault(name, []).append(message)
        return out


@dataclass(frozen=True)
class Joining:
    """A town that joins: its population (used as both ``population`` and
    ``population_registry``), the 業務 it uses from ``go_live_month`` (1–12, within the
    年度 April–March) and optionally its former cost (現行経費) for the guarantee.
    ``figures`` adds or overrides any other figure (e.g. an office-entered 職員数)."""

    name: str
    population: int
    modules: tuple[str, ...] = ()
    go_live_month: int = 4
    former_cost_yen: int | None = None
    figures: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PoolChange:
    """A pool's rule replaced (codec JSON) and/or its amount changed; ``None`` keeps it."""

    pool: str
    rule: dict[str, Any] | None = None
    amount_yen: int | None = None


@dataclass(frozen=True)
class Scenario:
    """What if … Every part is optional and they combine.

    ``min_saving``: the guarantee's minimum saving in the scenario ("0.3"); ``None``
    keeps today's; ``no_guarantee`` drops the guarantee."""

    join: Joining | None = None
    leave: tuple[str, ...] = ()
    pools: tuple[PoolChange, ...] = ()
    min_saving: str | None = None
    no_guarantee: bool = False

    @property
    def is_empty(self) -> bool:
        return (
            self.join is None
            and not self.leave
            and not self.pools
            and self.min_saving is None
            and not self.no_guarantee
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if self.join is not None:
            data["join"]["modules"] = list(self.join.modules)
            data["join"]["figures"] = dict(self.join.figures)
        data["leave"] = list(self.leave)
        data["pools"] = [asdict(p) for p in self.pools]
        return data

    @classmethod
    def from_json(cls, data: Any) -> Scenario:
        """Build from the API's JSON; shape errors raise :class:`ScenarioError`.
        The values themselves are checked by :func:`simulate` against the year's data."""
        errors: list[tuple[str, str]] = []
        if not isinstance(data, dict):
            raise ScenarioError([("", "試算の条件はJSONオブジェクトで指定してください。")])
        join = None
        raw_join = data.get("join")
        if raw_join is not None:
            if not isinstance(raw_join, dict):
                errors.append(("join", "加入する団体はオブジェクトで指定してください。"))
            else:
                join = _joining_from_json(raw_join, errors)
        leave: list[str] = []
        raw_leave = data.get("leave", [])
        if isinstance(raw_leave, str):
            raw_leave = [raw_leave]
        if not isinstance(raw_leave, list) or not all(isinstance(c, str) for c in raw_leave):
            errors.append(("leave", "脱退する団体は団体コードの一覧で指定してください。"))
        else:
            leave = raw_leave
        pools: list[PoolChange] = []
        raw_pools = data.get("pools", [])
        if not isinstance(raw_pools, list):
            errors.append(("pools", "費用区分の変更は一覧で指定してください。"))
        else:
            for raw in raw_pools:
                change = _pool_change_from_json(raw, errors)
                if change is not None:
                    pools.append(change)
        min_saving = data.get("min_saving")
        if min_saving is not None and not isinstance(min_saving, (str, int)):
            errors.append(("min_saving", '最低削減率は文字列（例: "0.3"）で指定してください。'))
            min_saving = None
        no_guarantee = data.get("no_guarantee", False)
        if not isinstance(no_guarantee, bool):
            errors.append(("no_guarantee", "no_guarantee は true か false で指定してください。"))
            no_guarantee = False
        if errors:
            raise ScenarioError(errors)
        return cls(
            join=join,
            leave=tuple(leave),
            pools=tuple(pools),
            min_saving=None if min_saving is None else str(min_saving),
            no_guarantee=no_guarantee,
        )


def _whole(value: Any) -> int | None:
    """An int from JSON (int or digit string), else None. Refuses bool and float."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _joining_from_json(raw: dict[str, Any], errors: list[tuple[str, str]]) -> Joining | None:
    name = raw.get("name")
    population = _whole(raw.get("population"))
    month = _whole(raw.get("go_live_month", 4))
    modules = raw.get("modules", [])
    former = raw.get("former_cost_yen")
    figures = raw.get("figures", {})
    ok = True
    if not isinstance(name, str):
        errors.append(("join.name", "加入する団体の名称を指定してください。"))
        ok = False
    if population is None:
        errors.append(("join.population", "人口は整数で指定してください。"))
        ok = False
    if month is None:
        errors.append(("join.go_live_month", "稼働開始月は1〜12の整数で指定してください。"))
        ok = False
    if not isinstance(modules, list) or not all(isinstance(m, str) for m in modules):
        errors.append(("join.modules", "利用する業務は業務コードの一覧で指定してください。"))
        ok = False
    former_yen = None
    if former is not None:
        former_yen = _whole(former)
        if former_yen is None:
            errors.append(("join.former_cost_yen", "現行経費は円単位の整数で指定してください。"))
            ok = False
    clean_figures: dict[str, int] = {}
    if not isinstance(figures, dict):
        errors.append(("join.figures", "算定基礎の数値はオブジェクトで指定してください。"))
        ok = False
    else:
        for key, value in figures.items():
            number = _whole(value)
            if number is None or number < 0:
                errors.append(
                    ("join.figures", f"算定基礎「{key}」は0以上の整数で指定してください。")
                )
                ok = False
            else:
                clean_figures[str(key)] = number
    if not ok:
        return None
    assert isinstance(name, str) and population is not None and month is not None
    return Joining(
        name=name,
        population=population,
        modules=tuple(modules),
        go_live_month=month,
        former_cost_yen=former_yen,
        figures=clean_figures,
    )


def _pool_change_from_json(raw: Any, errors: list[tuple[str, str]]) -> PoolChange | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("pool"), str):
        errors.append(("pools", "費用区分の変更には費目（pool）を指定してください。"))
        return None
    rule = raw.get("rule")
    if rule is not None and not isinstance(rule, dict):
        errors.append(
            ("pools", f"「{raw['pool']}」の按分ルールはJSONオブジェクトで指定してください。")
        )
        return None
    amount = raw.get("amount_yen")
    amount_yen = None
    if amount is not None:
        amount_yen = _whole(amount)
        if amount_yen is None:
            errors.append(("pools", f"「{raw['pool']}」の金額は円単位の整数で指定してください。"))
            return None
    return PoolChange(pool=raw["pool"], rule=rule, amount_yen=amount_yen)


# --- the result -----------------------------------------------------------------------


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


# --- applying a scenario ---------------------------------------------------------------


def _months_from(fiscal_year: int, go_live_month: int) -> int:
    """Months of the 年度 from the go-live month on, as ``member_figures`` counts them
    (go-live in October → 6, in January → 3, in April → 12)."""
    year = fiscal_year if go_live_month >= 4 else fiscal_year + 1
    return sum(1 for m in _months(fiscal_year) if (m.year, m.month) >= (year, go_live_month))


def _parse_min_saving(value: str) -> str | None:
    try:
        rate = Decimal(value.strip())
    except (InvalidOperation, AttributeError):
        return None
    if not rate.is_finite() or not 0 <= rate < 1:
        return None
    return str(rate)


def apply_scenario(
    inputs: dict[str, Any], scenario: Scenario, *, known_modules: Collection[str]
) -> dict[str, Any]:
    """Pure: a deep copy of ``inputs`` (a snapshot as ``allocation_run`` stores it)
    with ``scenario`` applied. Invalid scenarios raise :class:`ScenarioError` listing
    every problem; ``inputs`` is never modified."""
    errors: list[tuple[str, str]] = []
    out = copy.deepcopy(inputs)
    year = out["fiscal_year"]

    # (b) members leave
    for code in dict.fromkeys(scenario.leave):
        if code not in out["members"]:
            errors.append(("leave", f"団体コード {code} は{year}年度の構成団体ではありません。"))
            continue
        del out["members"][code]
        out["former_cost"].pop(code, None)
    if len(set(scenario.leave)) != len(scenario.leave):
        errors.append(("leave", "脱退する団体が重複しています。"))

    # (a) a town joins
    join = scenario.join
    if join is not None:
        if not join.name.strip():
            errors.append(("join.name", "加入する団体の名称を入力してください。"))
        elif len(join.name) > 100:
            errors.append(("join.name", "加入する団体の名称は100文字以内で入力してください。"))
        if isinstance(join.population, bool) or join.population <= 0:
            errors.append(("join.population", "人口は1以上の整数で指定してください。"))
        if not 1 <= join.go_live_month <= 12:
            errors.append(
                ("join.go_live_month", "稼働開始月は1〜12の月（4月〜翌3月）で指定してください。")
            )
        unknown = [m for m in join.modules if m not in known_modules]
        if unknown:
            errors.append(("join.modules", f"業務コードが不明です: {'、'.join(unknown)}"))
        if len(set(join.modules)) != len(join.modules):
            errors.append(("join.modules", "利用する業務が重複しています。"))
        if join.former_cost_yen is not None and join.former_cost_yen < 0:
            errors.append(("join.former_cost_yen", "現行経費は0円以上で指定してください。"))
        if not errors:
            figures: dict[str, int] = {
                "population": join.population,
                "population_registry": join.population,
                "certificates": 0,
            }
            # A figure "months:<業務>" any member has is 0 for a town not using that
            # 業務, so per-業務 charges do not fail for the new town.
            for member_figures in out["members"].values():
                for key in member_figures:
                    if key.startswith("months:"):
                        figures[key] = 0
            used = _months_from(year, join.go_live_month)
            for code in join.modules:
                figures[f"months:{code}"] = used
            figures.update(join.figures)
            out["members"][JOINING_MEMBER_ID] = figures
            out["names"][JOINING_MEMBER_ID] = join.name.strip()
            if join.former_cost_yen is not None:
                out["former_cost"][JOINING_MEMBER_ID] = join.former_cost_yen

    if not out["members"]:
        errors.append(("leave", "試算後の構成団体がありません。"))

    # (c) pools: rule replaced, amount changed
    by_name = {p["name"]: p for p in out["pools"]}
    seen: set[str] = set()
    for change in scenario.pools:
        pool = by_name.get(change.pool)
        if pool is None:
            errors.append(("pools", f"費用区分「{change.pool}」は{year}年度にありません。"))
            continue
        if change.pool in seen:
            errors.append(("pools", f"費用区分「{change.pool}」の変更が重複しています。"))
            continue
        seen.add(change.pool)
        if change.rule is not None:
            try:
                rule = rule_from_json(change.rule)
            except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError) as exc:
                detail = str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__} {exc}"
                errors.append(
                    ("pools", f"「{change.pool}」の按分ルールが正しくありません: {detail}")
                )
                continue
            pool["rule"] = copy.deepcopy(change.rule)
            if isinstance(rule, Metered):
                pool["amount_yen"] = None
        if change.amount_yen is not None:
            if isinstance(change.amount_yen, bool) or change.amount_yen < 0:
                errors.append(("pools", f"「{change.pool}」の金額は0円以上で指定してください。"))
                continue
            pool["amount_yen"] = change.amount_yen

    # (d) the guarantee's minimum saving
    if scenario.no_guarantee:
        out["min_saving"] = None
    elif scenario.min_saving is not None:
        rate = _parse_min_saving(scenario.min_saving)
        if rate is None:
            errors.append(
                ("min_saving", "最低削減率は0以上1未満の数（例: 0.3）で指定してください。")
            )
        else:
            out["min_saving"] = rate

    if errors:
        raise ScenarioError(errors)
    return out


# --- entry points (database reads only) ------------------------------------------------


def latest_min_saving(*, consortium: Consortium, fiscal_year: int) -> str | None:
    """Today's guarantee rate: the one of the year's latest stored run (none if no run)."""
    run = (
        AllocationRun.objects.filter(consortium=consortium, fiscal_year=fiscal_year)
        .only("inputs")
        .first()
    )
    if run is None:
        return None
    value = run.inputs.get("min_saving")
    return str(value) if value else None


def current_inputs(*, consortium: Consortium, fiscal_year: int) -> dict[str, Any]:
    """Today's inputs exactly as ``allocation_run`` would snapshot them, with the
    guarantee rate of the year's latest run. Raises :class:`ScenarioError`."""
    try:
        return _snapshot(
            consortium,
            fiscal_year,
            latest_min_saving(consortium=consortium, fiscal_year=fiscal_year),
        )
    except ValueError as exc:
        raise ScenarioError([("fiscal_year", str(exc))]) from exc


def simulate(*, consortium: Consortium, fiscal_year: int, scenario: Scenario) -> SimulationResult:
    """Today's allocation and the scenario's, side by side. Writes nothing.

    Raises :class:`ScenarioError` (Japanese, per field) for an invalid scenario or a
    year without pools; an allocation the scenario makes impossible (e.g. the savings
    guarantee cannot be met) is returned in ``result.error``."""
    inputs = current_inputs(consortium=consortium, fiscal_year=fiscal_year)
    known = set(Gyomu.objects.values_list("code", flat=True))
    scenario_inputs = apply_scenario(inputs, scenario, known_modules=known)
    return compare(inputs, scenario_inputs, scenario)
