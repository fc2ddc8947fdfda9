"""Demo data of 児童手当 in each town that uses it (fukushi.demo_jidoteate.load). A
temporary command: the lead wires every fukushi loader into one ``fukushi_demo``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fukushi.demo_jidoteate import load
from fukushi.gyomu import JIDO_TEATE
from tenants.db import connection
from tenants.models import Municipality


class Command(BaseCommand):
    help = "児童手当のデモデータ（高校生年代までの子のいる世帯ごとに受給者を認定）"

    def handle(self, *args: Any, **options: Any) -> None:
        for town in Municipality.objects.exclude(schema_name="public").order_by("dantai_code"):
            if not town.subscriptions.filter(gyomu__code=JIDO_TEATE).exists():
                continue
            connection.set_tenant(town)
            self.stdout.write(f"{town.name}: ", ending="")
            load(self.stdout)
            connection.set_schema_to_public()
