"""Running an allocation: gather each member's figures, split every pool with the pure
engine (billing.rules), apply the savings guarantee, and keep inputs and results."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from django.db import transaction

from billing.models import AllocationRun, AllocationShare, CostPool, FormerCost, MemberFigure
from billing.rules import Member, allocate, apply_savings_guarantee, describe_rule
from billing.rules.codec import rounding_from_json, rule_from_json
from tenants.meters.registry import meter_values_for_all_members
from tenants.models import Consortium, Municipality, MunicipalityStatus, StaffUser, Subscription
from tenants.wareki import format_nendo

GUARANTEE_POOL = "削減保障調整"


def _months(fiscal_year: int) -> list[date]:
    """The twelve months of a 年度 (April to March) as first days."""
    return [date(fiscal_year + (m - 1) // 12, (m - 1) % 12 + 1, 1) for m in range(4, 16)]


def member_figures(*, consortium: Consortium, fiscal_year: int) -> dict[str, dict[str, int]]:
    """Per member (団体コード): official population and, per module, the months of the
    year it was subscribed (``months:<業務コード>``), prorated by go-live or leave; every
    registered meter (tenants.meters: ``population_registry``, ``certificates``, ``pages``,
    ``api_calls`` …), each counted in that member's own schema; and the figures the
    office entered for that year (``MemberFigure``: 職員数 as ``staff`` …)
    under their own keys. ``billing.services.pools`` refuses office keys that name a
    counted figure, so the merge never overwrites one."""
    members = Municipality.objects.filter(consortium=consortium).exclude(
        status=MunicipalityStatus.WITHDRAWN
    )
    figures: dict[str, dict[str, int]] = {
        m.dantai_code: {"population": m.population} for m in members
    }
    months = _months(fiscal_year)
    subs = list(
        Subscription.objects.filter(municipality__in=members).values_list(
            "municipality__dantai_code", "gyomu__code", "start_month", "end_month"
        )
    )
    # A module some member uses is a figure of every member: 0 months for the others, so
    # a metered pool of that module charges them nothing (rather than failing).
    for key in {f"months:{gyomu}" for _, gyomu, _, _ in subs}:
        for member_figures_of in figures.values():
            member_figures_of.setdefault(key, 0)
    for code, gyomu, start, end in subs:
        used = sum(1 for m in months if start <= m and (end is None or m <= end))
        key = f"months:{gyomu}"
        figures[code][key] = figures[code].get(key, 0) + used
    for code, counted in meter_values_for_all_members(
        members=list(members), fiscal_year=fiscal_year
    ).items():
        figures[code].update(counted)
    entered = MemberFigure.objects.filter(
        consortium=consortium, fiscal_year=fiscal_year, municipality__in=members
    ).values_list("municipality__dantai_code", "key", "value")
    for code, key, value in entered:
        figures[code].setdefault(key, value)
    return figures


def _snapshot(consortium: Consortium, fiscal_year: int, min_saving: str | None) -> dict[str, Any]:
    pools = [
        {
            "name": p.name,
            "amount_yen": p.amount_yen,
            "rule": p.rule,
            "rounding_unit_yen": p.rounding_unit_yen,
            "remainder_method": p.remainder_method,
            "tie_break": p.tie_break,
        }
        for p in CostPool.objects.filter(consortium=consortium, fiscal_year=fiscal_year)
    ]
    if not pools:
        raise ValueError(f"{format_nendo(fiscal_year)}の費用区分が登録されていません。")
    former = dict(
        FormerCost.objects.filter(consortium=consortium, fiscal_year=fiscal_year).values_list(
            "municipality__dantai_code", "amount_yen"
        )
    )
    return {
        "fiscal_year": fiscal_year,
        "pools": pools,
        "members": member_figures(consortium=consortium, fiscal_year=fiscal_year),
        "names": dict(
            Municipality.objects.filter(consortium=consortium).values_list("dantai_code", "name")
        ),
        "former_cost": former,
        "min_saving": min_saving,
    }


def compute(inputs: dict[str, Any]) -> list[dict[str, Any]]:
    """Pure: the share lines for a snapshot. Running it again on a stored run's inputs
    gives the same lines (that is what makes a run reproducible)."""
    names: dict[str, str] = inputs["names"]
    members = [
        Member(member_id=code, figures=figs, name=names.get(code, code))
        for code, figs in sorted(inputs["members"].items())
    ]
    lines: list[dict[str, Any]] = []
    for pool in inputs["pools"]:
        rule = rule_from_json(pool["rule"])
        rounding = rounding_from_json(pool)
        result = allocate(
            pool["amount_yen"],
            members,
            rule,
            rounding_unit_yen=rounding.unit,
            remainder_method=rounding.method,
            tie_break=rounding.tie_break,
        )
        description = describe_rule(
            rule,
            rounding_unit_yen=rounding.unit,
            pool_given=pool["amount_yen"] is not None,
            remainder_method=rounding.method,
            tie_break=rounding.tie_break,
        )
        for share in result.shares:
            lines.append(
                {
                    "member": share.member_id,
                    "pool": pool["name"],
                    "rule": description,
                    "amount": share.amount_yen,
                    "basis": {k: str(v) for k, v in share.basis.items()},
                    "steps": list(share.steps),
                }
            )
    if inputs.get("min_saving") and inputs["former_cost"]:
        totals: dict[str, int] = {}
        for line in lines:
            totals[line["member"]] = totals.get(line["member"], 0) + line["amount"]
        guaranteed = apply_savings_guarantee(
            totals, inputs["former_cost"], Fraction(inputs["min_saving"])
        )
        rate_text = Fraction(inputs["min_saving"]) * 100
        for code, amount in sorted(guaranteed.amounts.items()):
            diff = amount - totals[code]
            if diff:
                lines.append(
                    {
                        "member": code,
                        "pool": GUARANTEE_POOL,
                        "rule": f"現行経費からの削減率{rate_text}%以上を保障",
                        "amount": diff,
                        "basis": {"former_cost": str(inputs["former_cost"].get(code, ""))},
                        "steps": [
                            s for s in guaranteed.steps if code in s or names.get(code, "") in s
                        ],
                    }
                )
    return lines


def allocation_run(
    *,
    consortium: Consortium,
    fiscal_year: int,
    acting_user: StaffUser,
    min_saving: str | None = None,
) -> AllocationRun:
    """Run and store an allocation for one consortium and year (public schema only:
    figures, no personal data). Raises ValueError (Japanese) on bad rules or inputs."""
    inputs = _snapshot(consortium, fiscal_year, min_saving)
    lines = compute(inputs)
    members = {
        m.dantai_code: m for m in Municipality.objects.filter(dantai_code__in=inputs["members"])
    }
    with transaction.atomic(durable=True):
        run = AllocationRun.objects.create(
            consortium=consortium,
            fiscal_year=fiscal_year,
            run_by=acting_user,
            inputs=inputs,
            total_yen=sum(line["amount"] for line in lines),
        )
        AllocationShare.objects.bulk_create(
            AllocationShare(
                run=run,
                municipality=members[line["member"]],
                pool_name=line["pool"],
                rule_description=line["rule"][:300],
                amount_yen=line["amount"],
                basis=line["basis"],
                steps=line["steps"],
            )
            for line in lines
        )
    return run
