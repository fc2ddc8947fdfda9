from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse

from tenants.models import Gyomu, GyomuCategory
from tenants.modules.registry import all_modules
from tenants.selectors.gyomu import subscribed_gyomu


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str


def menu_for(*, municipality: Any, role_levels: dict[str, int], on: date) -> list[dict[str, Any]]:
    """The subscribed modules the user holds a role in, grouped by category in the
    catalogue's order. One query."""
    groups: OrderedDict[str, list[Gyomu]] = OrderedDict((c.value, []) for c in GyomuCategory)
    for gyomu in subscribed_gyomu(municipality=municipality, on=on):
        if role_levels.get(gyomu.code, 0) > 0:
            groups[gyomu.category].append(gyomu)
    return [{"category": c, "modules": mods} for c, mods in groups.items() if mods]


def module_links(*, role_levels: dict[str, int], portal: bool) -> list[NavLink]:
    """The links the modules declare beyond their module pages (``ModuleSpec.menu`` on a
    town host, ``portal_menu`` on the portal), those the user's roles allow. On the
    portal the office user holds no town roles: its links need none."""
    links: list[NavLink] = []
    for spec in all_modules():
        for link in spec.portal_menu if portal else spec.menu:
            if portal or role_levels.get(link.gyomu, 0) >= link.level:
                links.append(NavLink(link.label, reverse(link.url_name)))
    return links


def split_ready(menu: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The menu twice, by category: the 業務 whose screens work, then those not built yet
    (画面準備中), so a list of modules shows the implemented ones first."""
    ready, pending = [], []
    for group in menu:
        done = [g for g in group["modules"] if g.implemented]
        todo = [g for g in group["modules"] if not g.implemented]
        if done:
            ready.append({"category": group["category"], "modules": done})
        if todo:
            pending.append({"category": group["category"], "modules": todo})
    return ready, pending
