"""The simulator (試算): today's allocation next to a "what if" one, without saving anything.

:func:`simulate` takes the inputs exactly as :func:`billing.services.allocation.allocation_run`
would snapshot them (``_snapshot``), applies a :class:`Scenario` to a copy of them (a town
joins, members leave, a pool's rule or amount changes, a different minimum saving) and
runs the pure ``compute`` on both. Nothing is written: the only database access is the
reading ``_snapshot`` does (and the catalogue of 業務 for validation).

The package follows those steps: ``scenario`` (what is asked, read from JSON),
``apply`` (:func:`apply_scenario`: inputs → scenario inputs, pure) and ``compare``
(:func:`compare`: two inputs → :class:`SimulationResult`, pure), so the engine can be
tested without a database; this module holds the entry points that read the database.
"""

from __future__ import annotations

from typing import Any

from billing.models import AllocationRun
from billing.services.allocation import _snapshot
from billing.services.meters import meter_units
from billing.services.simulator.apply import apply_scenario
from billing.services.simulator.compare import (
    MemberComparison,
    SimulationResult,
    compare,
    percent_change,
)
from billing.services.simulator.scenario import (
    JOINING,
    JOINING_MEMBER_ID,
    LEAVING,
    MEMBER,
    Joining,
    PoolChange,
    Scenario,
    ScenarioError,
)
from tenants.models import Consortium, Gyomu

__all__ = [
    "JOINING",
    "JOINING_MEMBER_ID",
    "LEAVING",
    "MEMBER",
    "Joining",
    "MemberComparison",
    "PoolChange",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "apply_scenario",
    "compare",
    "current_inputs",
    "percent_change",
    "simulate",
]


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
    scenario_inputs = apply_scenario(inputs, scenario, known_modules=known, meters=meter_units())
    return compare(inputs, scenario_inputs, scenario)
