from __future__ import annotations

from collections import OrderedDict
from datetime import date
from typing import Any

from tenants.models import Gyomu, GyomuCategory
from tenants.selectors.gyomu import subscribed_gyomu


def menu_for(*, municipality: Any, role_levels: dict[str, int], on: date) -> list[dict[str, Any]]:
    """The subscribed modules the user holds a role in, grouped by category in the
    catalogue's order. One query."""
    groups: OrderedDict[str, list[Gyomu]] = OrderedDict((c.value, []) for c in GyomuCategory)
    for gyomu in subscribed_gyomu(municipality=municipality, on=on):
        if role_levels.get(gyomu.code, 0) > 0:
            groups[gyomu.category].append(gyomu)
    return [{"category": c, "modules": mods} for c, mods in groups.items() if mods]
