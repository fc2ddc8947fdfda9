"""Demo data of 介護保険（資格）: in each town that uses it, every resident aged 65 or
more on the module's start becomes a 第1号被保険者 (kaigo.services.iko). Skips a town
that has data."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from kaigo.gyomu import KAIGO_HOKEN
from kaigo.services.iko import shikaku_iko_load
from kaigo.services.nintei_demo import nintei_demo_load
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.models import Municipality

#: the demo's 資格 start for everyone already living in the town
DEMO_START = date(2024, 4, 1)


class Command(BaseCommand):
    help = "介護保険（資格）のデモデータ（65歳以上の住民を第1号被保険者に）"

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor(user_id=None, username="load_kaigo_demo")
        towns = Municipality.objects.exclude(schema_name="public").order_by("dantai_code")
        for town in towns:
            if not town.subscriptions.filter(gyomu__code=KAIGO_HOKEN).exists():
                continue
            connection.set_tenant(town)
            n = shikaku_iko_load(day=DEMO_START, actor=actor)
            if n:
                self.stdout.write(f"{town.name}: 介護保険の第1号被保険者 {n:,}人")
            # 負担割合・負担限度額 (issue 16 item 5)
            from kaigo.services.futan_demo import futan_demo_load

            judged, nintei = futan_demo_load(actor=actor)
            if judged:
                self.stdout.write(f"{town.name}: 負担割合 {judged:,}人、負担限度額認定 {nintei}人")
            # 要介護認定: a few cases in every state (kaigo.services.nintei_demo)
            cases = nintei_demo_load(today=timezone.localdate(), actor=actor)
            if cases:
                self.stdout.write(f"{town.name}: 要介護認定の申請 {cases:,}件")
            connection.set_schema_to_public()
