"""Demo 生活保護 cases in every town using the 業務 (temporary: the lead wires
fukushi.demo_seiho.load into the one fukushi_demo command)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fukushi.demo_seiho import load
from fukushi.gyomu import SEIKATSU_HOGO
from tenants.db import connection
from tenants.models import Municipality


class Command(BaseCommand):
    help = "生活保護のデモデータ（保護率 約1.6%のケース）"

    def handle(self, *args: Any, **options: Any) -> None:
        towns = Municipality.objects.exclude(schema_name="public").order_by("dantai_code")
        for town in towns:
            if not town.subscriptions.filter(gyomu__code=SEIKATSU_HOGO).exists():
                continue
            connection.set_tenant(town)
            self.stdout.write(f"{town.name}: ", ending="")
            load(self.stdout)
            connection.set_schema_to_public()
