"""Applying a scenario to a year's snapshot (:func:`apply_scenario`): a deep copy of the
inputs ``allocation_run`` would store, changed as the scenario says, every problem
collected in one :class:`ScenarioError`. Pure: the caller passes what it read (the
known 業務 codes, the meters)."""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from billing.rules import Metered
from billing.rules.codec import rule_from_json
from billing.services.allocation import _months
from billing.services.meters import meter_units
from billing.services.simulator.scenario import JOINING_MEMBER_ID, Scenario, ScenarioError
from tenants.wareki import format_nendo


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
    inputs: dict[str, Any],
    scenario: Scenario,
    *,
    known_modules: Collection[str],
    meters: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Pure: a deep copy of ``inputs`` (a snapshot as ``allocation_run`` stores it)
    with ``scenario`` applied. Invalid scenarios raise :class:`ScenarioError` listing
    every problem; ``inputs`` is never modified.

    ``meters`` (meter code → unit; default: the registry's) gives a joining town its
    counted figures, which it cannot have yet: a meter counting people (unit 人, e.g.
    住民基本台帳人口) is taken as its population, every other meter as 0. The scenario's
    ``join.figures`` overrides any of them."""
    if meters is None:
        meters = meter_units()
    errors: list[tuple[str, str]] = []
    out = copy.deepcopy(inputs)
    year = out["fiscal_year"]

    # (b) members leave
    for code in dict.fromkeys(scenario.leave):
        if code not in out["members"]:
            errors.append(
                ("leave", f"団体コード {code} は{format_nendo(year)}の構成団体ではありません。")
            )
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
            figures: dict[str, int] = {"population": join.population}
            for code, unit in meters.items():
                figures[code] = join.population if unit == "人" else 0
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
            errors.append(
                ("pools", f"費用区分「{change.pool}」は{format_nendo(year)}にありません。")
            )
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
