"""Demo data of 国保: in each town that uses it, a realistic share of the residents insured
from the module's start (kokuho.services.iko.demo_choice), the others recorded in 社会保険.
Skips a town that has data.

Where the town uses the 賦課 too: demo 税率 for 令和7年度 (placeholders, no town's real
条例) and, in 葉山町 (the one town whose 住民税 当初賦課 the demo runs, so the only one with
所得), the 国保税 本算定 queued for the worker once the town's other jobs have finished
(``kokuho.tasks.demo_honsantei``); a few 給付 (出産育児一時金), 国民年金 届 and the
広域連合's 保険料 for a few people of 75 or more there too (kokuho.services.demo)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from kokuho.gyomu import KOKUHO_FUKA, KOKUHO_SHIKAKU
from kokuho.services.demo import DEMO_FISCAL_YEAR, demo_rates_set, demo_records_load
from kokuho.services.iko import shikaku_iko_load
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.models import Municipality

#: the demo's 資格 start for everyone already living in the town
DEMO_START = date(2024, 4, 1)
#: towns whose 本算定 and records the demo makes (where 住民税 is assessed at start)
ASSESS_NOW = {"143014"}


class Command(BaseCommand):
    help = "国民健康保険のデモデータ（住民の一部を被保険者に、税率・本算定・給付・年金・後期）"

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
            if town.subscriptions.filter(gyomu__code=KOKUHO_FUKA).exists():
                if demo_rates_set(actor=actor):
                    self.stdout.write(f"{town.name}: 国保税のデモ用税率（令和7年度から）")
                if town.dantai_code[:6] in ASSESS_NOW:
                    from kokuho.tasks import demo_honsantei

                    demo_honsantei.apply_async(args=[DEMO_FISCAL_YEAR], countdown=5)
                    self.stdout.write(f"{town.name}: 国保税の本算定を登録しました")
            if town.dantai_code[:6] in ASSESS_NOW:
                counts = demo_records_load(actor=actor)
                if any(counts.values()):
                    self.stdout.write(f"{town.name}: {counts}")
            connection.set_schema_to_public()
