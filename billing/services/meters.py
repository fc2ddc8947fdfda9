"""Billing's view of the meter registry (tenants.meters): which counted figures a rule
can name, with their labels and units. Billing imports no business app: every figure a
module counts reaches it through the registry."""

from __future__ import annotations

from dataclasses import dataclass

from billing.rules.numbers import add_figure_names
from tenants.meters.registry import all_meters
from tenants.models import Gyomu
from tenants.modules.spec import PLATFORM

# The platform's official population (Municipality.population), not a meter: the office
# keeps it from the published statistics.
OFFICIAL_POPULATION = "population"


@dataclass(frozen=True)
class MeterChoice:
    """A meter as the pool editor and the simulator list it."""

    code: str
    label: str
    unit: str
    gyomu_name: str  # 業務名, or 共通 for the platform's meters
    period_note: str

    @property
    def display(self) -> str:
        return f"{self.label}（{self.unit}）" if self.unit else self.label


def sync_figure_names() -> None:
    """Give the pure engine (billing.rules) the meters' labels and units, so statements
    say 証明書交付通数 … 通 rather than the code. Called once at start-up."""
    add_figure_names({m.code: (m.label, m.unit) for m in all_meters()})


def counted_figures() -> tuple[str, ...]:
    """Figures the platform counts for every member itself: the official population and
    every meter. The office cannot enter a figure under one of these keys."""
    return (OFFICIAL_POPULATION, *(m.code for m in all_meters()))


def meter_units() -> dict[str, str]:
    """Meter code → unit (人, 通 …), for the simulator's joining town."""
    return {m.code: m.unit for m in all_meters()}


def meter_choices() -> list[MeterChoice]:
    """Every registered meter with its 業務's name, platform meters first."""
    meters = all_meters()
    names = dict(
        Gyomu.objects.filter(code__in={m.gyomu for m in meters}).values_list("code", "name")
    )
    return [
        MeterChoice(
            code=m.code,
            label=m.label,
            unit=m.unit,
            gyomu_name="共通" if m.gyomu == PLATFORM else names.get(m.gyomu, m.gyomu),
            period_note=m.period_note,
        )
        for m in meters
    ]
