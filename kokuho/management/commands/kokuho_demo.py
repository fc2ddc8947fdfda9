"""Demo data of 国保（資格）: in each town that uses it, a realistic share of the
residents insured from the module's start (kokuho.services.iko.demo_choice), the others
recorded in 社会保険. Skips a town that has data."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from kokuho.gyomu import KOKUHO_SHIKAKU
from kokuho.services.iko import shikaku_iko_load
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.models import Municipality

#: the demo's 資格 start for everyone already living in the town
DEMO_START = date(2024, 4, 1)


class Command(BaseCommand):
    help = "国民健康保険（資格）のデモデータ（住民の一部を被保険者に）"

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor(user_id=None, username="load_kokuho_demo")
        towns = Municipality.objects.exclude(schema_name="public").order_by("dantai_code")
        for town in towns:
            if not town.subscriptions.filter(gyomu__code=KOKUHO_SHIKAKU).exists():
                continue
            connection.set_tenant(town)
            n = shikaku_iko_load(day=DEMO_START, actor=actor)
            if n:
                self.stdout.write(f"{town.name}: 国保の被保険者 {n:,}人")
            connection.set_schema_to_public()
