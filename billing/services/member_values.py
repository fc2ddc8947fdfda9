"""Writes for the office's per-member values: former costs (現行経費) and the figures
the office enters (職員数 …), one at a time or as the whole table.

Every function is keyword-only, runs in one durable transaction and takes the acting
office user. ``MemberFigure`` rows carry who entered them and when; ``FormerCost`` has
no audit fields, so its changes are logged (ids only) on the ``billing.audit`` logger.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from billing.models import FormerCost, MemberFigure
from billing.rules.numbers import figure_label
from billing.services.pool_rules import check_figure_key, check_year, check_yen, consortium_members
from tenants.models import Consortium, Municipality, StaffUser

audit = logging.getLogger("billing.audit")


# --- former costs and member figures --------------------------------------------------


def _check_member(consortium: Consortium, municipality: Municipality) -> None:
    if municipality.consortium_id != consortium.pk:
        raise ValidationError({"municipality": f"{municipality.name}は構成団体ではありません。"})


def _former_set(
    consortium: Consortium, fiscal_year: int, municipality: Municipality, amount_yen: Any
) -> None:
    _check_member(consortium, municipality)
    amount = check_yen(amount_yen, "amount_yen", f"{municipality.name}の現行経費")
    rows = FormerCost.objects.filter(
        consortium=consortium, fiscal_year=fiscal_year, municipality=municipality
    )
    if amount is None:
        rows.delete()
    else:
        FormerCost.objects.update_or_create(
            consortium=consortium,
            fiscal_year=fiscal_year,
            municipality=municipality,
            defaults={"amount_yen": amount},
        )


def _figure_set(
    consortium: Consortium,
    fiscal_year: int,
    municipality: Municipality,
    key: str,
    value: Any,
    source: str,
    acting_user: StaffUser,
) -> None:
    _check_member(consortium, municipality)
    check_figure_key(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValidationError(
            {"value": f"{municipality.name}の{figure_label(key)}は整数で入力してください。"}
        )
    if value is not None and value < 0:
        raise ValidationError(
            {"value": f"{municipality.name}の{figure_label(key)}に負の値は入力できません。"}
        )
    if len(source) > 200:
        raise ValidationError({"source": "出典は200文字以内で入力してください。"})
    rows = MemberFigure.objects.filter(
        consortium=consortium, fiscal_year=fiscal_year, municipality=municipality, key=key
    )
    if value is None:
        rows.delete()
        return
    row = rows.first()
    if row is not None and row.value == value and row.source == source:
        return  # unchanged: keep who entered it and when
    MemberFigure.objects.update_or_create(
        consortium=consortium,
        fiscal_year=fiscal_year,
        municipality=municipality,
        key=key,
        defaults={"value": value, "source": source, "entered_by": acting_user},
    )


def formercost_set(
    *,
    consortium: Consortium,
    fiscal_year: int,
    municipality: Municipality,
    amount_yen: int | None,
    acting_user: StaffUser,
) -> None:
    """Set (or, with None, clear) a member's 現行経費 for a year."""
    check_year(fiscal_year)
    with transaction.atomic(durable=True):
        _former_set(consortium, fiscal_year, municipality, amount_yen)
        audit.info("formercost %s/%s set by user %s", fiscal_year, municipality.pk, acting_user.pk)


def memberfigure_set(
    *,
    consortium: Consortium,
    fiscal_year: int,
    municipality: Municipality,
    key: str,
    value: int | None,
    source: str = "",
    acting_user: StaffUser,
) -> None:
    """Set (or, with None, clear) a figure the office enters for a member and year."""
    check_year(fiscal_year)
    with transaction.atomic(durable=True):
        try:
            _figure_set(consortium, fiscal_year, municipality, key, value, source, acting_user)
        except IntegrityError as exc:  # a concurrent insert of the same key
            raise ValidationError(
                {"value": "同時に更新されました。再度保存してください。"}
            ) from exc


def member_values_save(
    *,
    consortium: Consortium,
    fiscal_year: int,
    former_costs: dict[str, int | None],
    figures: dict[str, dict[str, int | None]],
    sources: dict[str, str] | None = None,
    acting_user: StaffUser,
) -> None:
    """Save the office's table of 現行経費 and figures in one go: ``former_costs`` by
    団体コード, ``figures`` by key then 団体コード (None clears), ``sources`` by key."""
    check_year(fiscal_year)
    members = {m.dantai_code: m for m in consortium_members(consortium=consortium)}
    unknown = sorted(
        ({*former_costs} | {c for values in figures.values() for c in values}) - set(members)
    )
    if unknown:
        raise ValidationError(
            {"municipality": f"構成団体ではない団体コードがあります: {'、'.join(unknown)}"}
        )
    for key in figures:
        check_figure_key(key)
    with transaction.atomic(durable=True):
        for code, amount in former_costs.items():
            _former_set(consortium, fiscal_year, members[code], amount)
        for key, values in figures.items():
            source = (sources or {}).get(key, "")
            for code, value in values.items():
                _figure_set(consortium, fiscal_year, members[code], key, value, source, acting_user)
        audit.info(
            "member values of %s saved for consortium %s by user %s",
            fiscal_year,
            consortium.pk,
            acting_user.pk,
        )
