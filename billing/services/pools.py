"""Writes for the office's cost pools: add, change, delete, copy a year's pools.

Every function is keyword-only, runs in one durable transaction and takes the acting
office user. Invalid input raises :class:`django.core.exceptions.ValidationError` with
Japanese messages keyed by field (``name``, ``amount_yen``, ``rule`` …), so a form or an
API serializer can show them next to the field (the checks are in
:mod:`billing.services.pool_rules`).

Audit: ``AllocationRun`` keeps who ran it with every input. ``CostPool`` has no audit
fields and there is no public-schema change log to write to, so changes to it are
logged (ids only) on the ``billing.audit`` logger until a change-log model exists.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from billing.models import CostPool, RemainderMethod, TieBreak
from billing.services.pool_rules import check_rounding, check_year, check_yen, rule_check
from tenants.models import Consortium, StaffUser
from tenants.wareki import format_nendo

audit = logging.getLogger("billing.audit")


def _check_pool_fields(
    *,
    consortium: Consortium,
    fiscal_year: int,
    name: Any,
    amount_yen: Any,
    rule: Any,
    rounding_unit_yen: Any,
    remainder_method: Any,
    tie_break: Any,
    exclude_pk: int | None = None,
) -> str:
    errors: dict[str, list[str]] = {}
    clean = name.strip() if isinstance(name, str) else ""
    if not clean:
        errors["name"] = ["費目を入力してください。"]
    elif len(clean) > 100:
        errors["name"] = ["費目は100文字以内で入力してください。"]
    else:
        same = CostPool.objects.filter(consortium=consortium, fiscal_year=fiscal_year, name=clean)
        if exclude_pk is not None:
            same = same.exclude(pk=exclude_pk)
        if same.exists():
            errors["name"] = [f"{format_nendo(fiscal_year)}には同じ費目「{clean}」が既にあります。"]
    try:
        check_rounding(
            rounding_unit_yen=rounding_unit_yen,
            remainder_method=remainder_method,
            tie_break=tie_break,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        amount = check_yen(amount_yen, "amount_yen", "金額")
        rule_check(consortium=consortium, fiscal_year=fiscal_year, rule=rule, amount_yen=amount)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return clean


def costpool_create(
    *,
    consortium: Consortium,
    fiscal_year: int,
    name: str,
    amount_yen: int | None,
    rule: dict[str, Any],
    rounding_unit_yen: int = 1,
    remainder_method: str = RemainderMethod.LARGEST_REMAINDER,
    tie_break: str = TieBreak.SHARE,
    sort: int | None = None,
    acting_user: StaffUser,
) -> CostPool:
    """Add a cost pool to a year (name unique within the year). ``remainder_method`` and
    ``tie_break`` are the pool's rounding settings (billing.rules.rounding)."""
    check_year(fiscal_year)
    with transaction.atomic(durable=True):
        clean = _check_pool_fields(
            consortium=consortium,
            fiscal_year=fiscal_year,
            name=name,
            amount_yen=amount_yen,
            rule=rule,
            rounding_unit_yen=rounding_unit_yen,
            remainder_method=remainder_method,
            tie_break=tie_break,
        )
        if sort is None:
            top = CostPool.objects.filter(consortium=consortium, fiscal_year=fiscal_year).aggregate(
                top=Max("sort")
            )["top"]
            sort = 0 if top is None else top + 1
        pool = CostPool.objects.create(
            consortium=consortium,
            fiscal_year=fiscal_year,
            name=clean,
            amount_yen=amount_yen,
            rule=rule,
            rounding_unit_yen=rounding_unit_yen,
            remainder_method=remainder_method,
            tie_break=tie_break,
            sort=sort,
        )
        audit.info("costpool %s created by user %s", pool.pk, acting_user.pk)
    return pool


def costpool_update(
    *,
    pool: CostPool,
    name: str,
    amount_yen: int | None,
    rule: dict[str, Any],
    rounding_unit_yen: int,
    remainder_method: str | None = None,
    tie_break: str | None = None,
    sort: int | None = None,
    acting_user: StaffUser,
) -> CostPool:
    """Change a pool. Runs already made keep the inputs they used. ``None`` for
    ``remainder_method`` / ``tie_break`` keeps the pool's setting."""
    with transaction.atomic(durable=True):
        locked = CostPool.objects.select_for_update().get(pk=pool.pk)
        clean = _check_pool_fields(
            consortium=locked.consortium,
            fiscal_year=locked.fiscal_year,
            name=name,
            amount_yen=amount_yen,
            rule=rule,
            rounding_unit_yen=rounding_unit_yen,
            remainder_method=remainder_method or locked.remainder_method,
            tie_break=tie_break or locked.tie_break,
            exclude_pk=locked.pk,
        )
        locked.name = clean
        locked.amount_yen = amount_yen
        locked.rule = rule
        locked.rounding_unit_yen = rounding_unit_yen
        locked.remainder_method = remainder_method or locked.remainder_method
        locked.tie_break = tie_break or locked.tie_break
        if sort is not None:
            locked.sort = sort
        locked.save()
        audit.info("costpool %s updated by user %s", locked.pk, acting_user.pk)
    return locked


def costpool_delete(*, pool: CostPool, acting_user: StaffUser) -> None:
    """Remove a pool. Runs already made keep it in their inputs."""
    with transaction.atomic(durable=True):
        pk = pool.pk
        CostPool.objects.filter(pk=pk).delete()
        audit.info("costpool %s deleted by user %s", pk, acting_user.pk)


@dataclass
class CopyResult:
    copied: list[CostPool] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # names already in the target year
    warnings: list[str] = field(default_factory=list)  # figures still to enter


def costpools_copy_year(
    *, consortium: Consortium, from_year: int, acting_user: StaffUser
) -> CopyResult:
    """前年度の費用区分を複写: every pool of ``from_year`` into ``from_year + 1`` with its
    amount, rule, rounding settings and order. Pools whose name already exists in the next
    year are left alone. Figures the rules need but the next year lacks (職員数 …) are
    returned as warnings: the pools are copied, the office enters the figures next."""
    check_year(from_year, "from_year")
    to_year = check_year(from_year + 1, "from_year")
    result = CopyResult()
    with transaction.atomic(durable=True):
        source = list(CostPool.objects.filter(consortium=consortium, fiscal_year=from_year))
        if not source:
            year = format_nendo(from_year)
            raise ValidationError(
                {"from_year": f"{year}の費用区分が登録されていないため複写できません。"}
            )
        existing = set(
            CostPool.objects.filter(consortium=consortium, fiscal_year=to_year).values_list(
                "name", flat=True
            )
        )
        for pool in source:
            if pool.name in existing:
                result.skipped.append(pool.name)
                continue
            result.copied.append(
                CostPool.objects.create(
                    consortium=consortium,
                    fiscal_year=to_year,
                    name=pool.name,
                    amount_yen=pool.amount_yen,
                    rule=pool.rule,
                    rounding_unit_yen=pool.rounding_unit_yen,
                    remainder_method=pool.remainder_method,
                    tie_break=pool.tie_break,
                    sort=pool.sort,
                )
            )
            try:
                rule_check(
                    consortium=consortium,
                    fiscal_year=to_year,
                    rule=pool.rule,
                    amount_yen=pool.amount_yen,
                )
            except ValidationError as exc:
                result.warnings.extend(f"{pool.name}: {m}" for m in exc.messages)
        audit.info(
            "costpools of %s copied to %s (%s pools) by user %s",
            from_year,
            to_year,
            len(result.copied),
            acting_user.pk,
        )
    return result
