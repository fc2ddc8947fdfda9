"""The module catalogue is data (tenants/data/gyomu_catalogue.json); this syncs it."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from tenants.models import Gyomu

CATALOGUE_FILE = Path(__file__).resolve().parent.parent / "data" / "gyomu_catalogue.json"


def catalogue_load(*, path: Path = CATALOGUE_FILE) -> int:
    """Create or update every module by code. Modules are never deleted here: a
    module that leaves the catalogue still has subscriptions and billing history."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    implemented_apps: set[str] = set()
    from django.apps import apps

    for config in apps.get_app_configs():
        implemented_apps.add(config.label)
    count = 0
    with transaction.atomic():
        for entry in doc["modules"]:
            Gyomu.objects.update_or_create(
                code=entry["code"],
                defaults={
                    "name": entry["name"],
                    "category": entry["category"],
                    "app_label": entry.get("app") or "",
                    "implemented": bool(entry.get("implemented", False)),
                    "sources": entry.get("sources", []),
                    "kanagawa_common": bool(entry.get("kanagawa_common", False)),
                    "chukan_layout_no": entry.get("chukan_layout_no"),
                    "note": (entry.get("note") or "")[:200],
                    "sort": entry.get("sort", 0),
                },
            )
            count += 1
    return count
