"""What the 条例 values screen shows: each parameter the town may set, its value in the
town and the law's value for a 年度, and the history of changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from tenants.params.models import LawParameter
from tenants.params.settable import Settable, settable_parameters
from tenants.params.tenant.models import MunicipalParameter, MunicipalParameterChange
from tenants.selectors.current import current_municipality
from tenants.selectors.gyomu import subscribed_codes
from tenants.wareki import format_nendo


@dataclass(frozen=True)
class ParameterRow:
    settable: Settable
    town_value: str  # formatted; "" when the town has none for the 年度
    town_span: str  # e.g. "令和7年度から" / "平成12年度から令和6年度まで"
    town_source: str
    law_value: str  # formatted; "" when the law has none (the town must set it)
    law_source: str


def settable_for_town() -> list[Settable]:
    """The declared parameters of the platform and of the modules the town uses."""
    subscribed = subscribed_codes(municipality=current_municipality(), on=timezone.localdate())
    return [s for s in settable_parameters().values() if s.applies_to(subscribed)]


def parameters_for_year(fiscal_year: int) -> list[ParameterRow]:
    """One row per settable parameter for ``fiscal_year`` (two queries)."""
    settables = settable_for_town()
    keys = [s.key for s in settables]
    town = {
        r.key: r
        for r in MunicipalParameter.objects.filter(key__in=keys, fiscal_year_from__lte=fiscal_year)
        .exclude(fiscal_year_to__lt=fiscal_year)
        .order_by("key", "fiscal_year_from")
    }
    law = {
        r.key: r
        for r in LawParameter.objects.filter(key__in=keys, fiscal_year_from__lte=fiscal_year)
        .exclude(fiscal_year_to__lt=fiscal_year)
        .order_by("key", "fiscal_year_from")
    }
    rows = []
    for s in settables:
        mine, national = town.get(s.key), law.get(s.key)
        rows.append(
            ParameterRow(
                settable=s,
                town_value=s.format(mine.value) if mine else "",
                town_span=_span(mine.fiscal_year_from, mine.fiscal_year_to) if mine else "",
                town_source=mine.source if mine else "",
                law_value=s.format(national.value) if national else "",
                law_source=national.source if national else s.basis,
            )
        )
    return rows


def _span(start: int, end: int | None) -> str:
    if end is None:
        return f"{format_nendo(start)}から"
    if end == start:
        return f"{format_nendo(start)}のみ"
    return f"{format_nendo(start)}から{format_nendo(end)}まで"


@dataclass(frozen=True)
class ChangeRow:
    label: str
    fiscal_year: str  # 令和N年度 (from which the new value applies)
    old_value: str
    new_value: str
    reason: str
    changed_by: str
    changed_at: datetime


def parameter_changes(*, limit: int = 50) -> list[ChangeRow]:
    """The latest changes in this town, newest first."""
    declared = settable_parameters()
    out = []
    for c in MunicipalParameterChange.objects.all()[:limit]:
        s = declared.get(c.key)
        old = s.format(c.old_value) if s else str(c.old_value)
        out.append(
            ChangeRow(
                label=s.label if s else c.key,
                fiscal_year=format_nendo(c.fiscal_year),
                old_value="（法令の値）" if c.old_value is None else old,
                new_value=s.format(c.new_value) if s else str(c.new_value),
                reason=c.reason,
                changed_by=c.changed_by,
                changed_at=c.changed_at,
            )
        )
    return out
