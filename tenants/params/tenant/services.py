"""A town administrator sets the town's 条例 values (MunicipalParameter): the only writer
of those rows outside demo and test set-up.

A value is set for a 年度 onward: it applies from ``fiscal_year`` until the next year
the town already has a value for (or for good). A row covering earlier years is cut
at ``fiscal_year - 1``, so the values of past years are never rewritten by a later
条例. Every change writes a ``MunicipalParameterChange`` (old and new value, 条例
reference, who, when) and an access-log row in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.modules.spec import PLATFORM
from tenants.params.settable import ParameterValueError, settable_parameters
from tenants.params.tenant.models import MunicipalParameter, MunicipalParameterChange
from tenants.selectors.current import current_municipality
from tenants.selectors.gyomu import subscribed_codes
from tenants.wareki import fiscal_year_of

# The first 年度 a value may be set for: the earliest year of the law-parameter files.
FIRST_FISCAL_YEAR = 2000


def _subscribed() -> set[str]:
    return subscribed_codes(municipality=current_municipality(), on=timezone.localdate())


def settable_years() -> range:
    """From FIRST_FISCAL_YEAR to next 年度 (a 条例 passed in advance)."""
    return range(FIRST_FISCAL_YEAR, fiscal_year_of(timezone.localdate()) + 2)


def municipal_parameter_set(
    *, key: str, fiscal_year: int, value_text: str, reason: str, actor: Actor
) -> MunicipalParameterChange | None:
    """Set ``key`` to the value typed as ``value_text`` from ``fiscal_year`` onward.

    Refused (ParameterValueError, nothing written) when the key is not declared
    settable, the 年度 is out of range, the value breaks the declaration or no 条例 /
    reason is given. Returns None, writing nothing, when the value is already in force.
    """
    settable = settable_parameters().get(key)
    if settable is None:
        raise ParameterValueError("この項目は団体で設定できません。")
    if not settable.applies_to(_subscribed()):
        raise ParameterValueError("この団体が利用していない業務の項目です。")
    if fiscal_year not in settable_years():
        raise ParameterValueError("適用開始年度が設定できる範囲にありません。")
    value = settable.clean(value_text)
    reason = reason.strip()
    if not reason:
        raise ParameterValueError("根拠となる条例名・条項（または理由）を入力してください。")
    if len(reason) > 300:
        raise ParameterValueError("根拠・理由は300文字以内で入力してください。")
    with transaction.atomic(durable=True):
        rows = list(
            MunicipalParameter.objects.select_for_update()
            .filter(key=key)
            .order_by("fiscal_year_from")
        )
        covering = next(
            (
                r
                for r in rows
                if r.fiscal_year_from <= fiscal_year
                and (r.fiscal_year_to is None or r.fiscal_year_to >= fiscal_year)
            ),
            None,
        )
        old: Any = covering.value if covering is not None else None
        if covering is not None and old == value:
            return None
        by = actor.username
        if covering is not None and covering.fiscal_year_from == fiscal_year:
            covering.value, covering.source, covering.created_by = value, reason, by
            covering.save(update_fields=["value", "source", "created_by"])
        elif covering is not None:
            end = covering.fiscal_year_to
            covering.fiscal_year_to = fiscal_year - 1
            covering.save(update_fields=["fiscal_year_to"])
            MunicipalParameter.objects.create(
                key=key,
                fiscal_year_from=fiscal_year,
                fiscal_year_to=end,
                value=value,
                source=reason,
                created_by=by,
            )
        else:
            later = [r.fiscal_year_from for r in rows if r.fiscal_year_from > fiscal_year]
            MunicipalParameter.objects.create(
                key=key,
                fiscal_year_from=fiscal_year,
                fiscal_year_to=min(later) - 1 if later else None,
                value=value,
                source=reason,
                created_by=by,
            )
        change = MunicipalParameterChange.objects.create(
            key=key,
            fiscal_year=fiscal_year,
            old_value=old,
            new_value=value,
            reason=reason,
            changed_by=by,
        )
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=PLATFORM,
            screen="条例で定める値の変更",
            record_type="municipal_parameter",
            record_id=change.pk,
            detail={"key": key, "fiscal_year": fiscal_year},
        )
    return change
