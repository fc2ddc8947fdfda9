"""The meter registry: what billing may count in a member's schema, declared by modules.

A meter is a typed declaration (:class:`Meter`): a code (the figure key a billing rule
names, e.g. ``certificates``), a Japanese label and unit for screens and statements,
the 業務 it belongs to (or ``"platform"``), and a function that returns one int for a
period ``[start, end]`` (dates, both inclusive). The function runs INSIDE one member's
schema: the caller has already entered it, so the function reads only that town's data.

Modules register their meters in the module they declare as ``meters="<app>.meters"``
in ``<app>/module.py``; the platform's own meters live in ``tenants.meters.platform``.
Billing reads figures only through :func:`meter_values_for_all_members`, so it never
imports a business app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from importlib import import_module
from typing import Protocol

from tenants.db import connection
from tenants.modules.spec import PLATFORM

# One call per member and meter; ``start`` and ``end`` are inclusive local dates.
MeterFunction = Callable[[date, date], int]


class HasSchema(Protocol):
    """A member (``tenants.models.Municipality``) as far as the registry needs it."""

    dantai_code: str
    schema_name: str


@dataclass(frozen=True)
class Meter:
    """One countable figure. ``code`` is lower-case ASCII and unique across modules."""

    code: str
    label: str  # 画面・明細書に出す名称, e.g. 証明書交付通数
    unit: str  # 人, 通, 枚, 件, 回 …
    gyomu: str  # the 業務 code it belongs to, or tenants.modules.spec.PLATFORM
    compute: MeterFunction
    # How the period is read, for the screens (e.g. "年度の1月1日現在").
    period_note: str = "年度中（4月1日〜翌年3月31日）"

    @property
    def display(self) -> str:
        """``証明書交付通数（通）``: the label with its unit, as the editors list it."""
        return f"{self.label}（{self.unit}）" if self.unit else self.label


class MeterDeclarationError(RuntimeError):
    """Two modules register the same code, or a declaration is malformed."""


_meters: dict[str, Meter] = {}
_loaded = False


def register(meter: Meter) -> Meter:
    """Add a meter (called at import time of a module's ``meters`` module)."""
    if not meter.code or not meter.code.isascii() or meter.code != meter.code.lower():
        raise MeterDeclarationError(f"meter code must be lower-case ASCII: {meter.code!r}")
    if ":" in meter.code:
        raise MeterDeclarationError(f"meter code must not contain ':' ({meter.code!r})")
    known = _meters.get(meter.code)
    if known is not None and known != meter:
        raise MeterDeclarationError(f"meter {meter.code!r} is registered twice")
    _meters[meter.code] = meter
    return meter


def unregister(code: str) -> None:
    """Tests that register a meter of their own remove it again."""
    _meters.pop(code, None)


def autoload() -> None:
    """Import the platform's meters and every module's declared ``meters`` module."""
    global _loaded
    if _loaded:
        return
    from tenants.modules.registry import import_declared

    import_module("tenants.meters.platform")
    import_declared("meters")
    _loaded = True


def reset() -> None:
    """Look for declared ``meters`` modules again on next use (tests that install an app
    at run time call this after ``tenants.modules.registry.reset()``). Meters already
    registered stay registered."""
    global _loaded
    _loaded = False


def all_meters() -> list[Meter]:
    """Every registered meter: the platform's first, then by 業務 and code."""
    autoload()
    return sorted(_meters.values(), key=lambda m: (m.gyomu != PLATFORM, m.gyomu, m.code))


def get_meter(code: str) -> Meter | None:
    autoload()
    return _meters.get(code)


def meter_codes() -> tuple[str, ...]:
    return tuple(m.code for m in all_meters())


def fiscal_year_period(fiscal_year: int) -> tuple[date, date]:
    """A 年度: 1 April to 31 March of the next year."""
    return date(fiscal_year, 4, 1), date(fiscal_year + 1, 3, 31)


def meter_values(*, start: date, end: date, codes: Iterable[str] | None = None) -> dict[str, int]:
    """Every meter's value for ``[start, end]`` in the CURRENT schema (a town's)."""
    wanted = set(codes) if codes is not None else None
    out: dict[str, int] = {}
    for meter in all_meters():
        if wanted is not None and meter.code not in wanted:
            continue
        value = meter.compute(start, end)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise MeterDeclarationError(
                f"meter {meter.code!r} returned {value!r}; a meter counts (int ≥ 0)"
            )
        out[meter.code] = value
    return out


def meter_values_for_all_members(
    *, members: Iterable[HasSchema], fiscal_year: int
) -> dict[str, dict[str, int]]:
    """Runs in the public schema (the portal) and enters each member's schema in turn.

    Returns ``{団体コード: {meter code: value}}`` for the 年度 ``fiscal_year`` (1 April –
    31 March); each value is computed in that member's own schema only. The connection
    is back in the public schema afterwards, also when a meter raises."""
    start, end = fiscal_year_period(fiscal_year)
    out: dict[str, dict[str, int]] = {}
    try:
        for member in members:
            connection.set_tenant(member)
            out[member.dantai_code] = meter_values(start=start, end=end)
    finally:
        connection.set_schema_to_public()
    return out
