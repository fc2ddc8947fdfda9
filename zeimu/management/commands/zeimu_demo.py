"""Demo data of 個人住民税: the 級地 of each town that uses it, synthetic 課税資料 for the
2024 income year, and the 令和7年度 当初賦課 of 葉山町 queued for the worker (the other
towns' staff can start theirs from the 当初賦課 screen). Skips a town that has data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import Job
from tenants.jobs.services import job_start
from tenants.models import Municipality
from tenants.params.tenant.models import MunicipalParameter
from tenants.params.tenant.services import FIRST_FISCAL_YEAR, municipal_parameter_set
from zeimu.gyomu import KOJIN_JUMINZEI
from zeimu.models import KyuyoHokoku
from zeimu.services.common import KYUCHI_KEY
from zeimu.synth import tax_data_load

FISCAL_YEAR = 2025
#: 級地 used for every demo town: a placeholder, not the towns' real 級地区分
DEMO_KYUCHI = 2
ASSESS_NOW = {"143014"}


class Command(BaseCommand):
    help = "個人住民税のデモデータ（級地、合成の課税資料、葉山町の当初賦課）"

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor(user_id=None, username="demo-setup")
        towns = Municipality.objects.exclude(schema_name="public").order_by("dantai_code")
        for town in towns:
            if not town.subscriptions.filter(gyomu__code=KOJIN_JUMINZEI).exists():
                continue
            connection.set_tenant(town)
            code = town.dantai_code[:6]
            if not MunicipalParameter.objects.filter(key=KYUCHI_KEY).exists():
                municipal_parameter_set(
                    key=KYUCHI_KEY,
                    fiscal_year=FIRST_FISCAL_YEAR,
                    value_text=str(DEMO_KYUCHI),
                    reason="デモ用の仮の値（実際の級地は生活保護法の級地区分の告示で確認）",
                    actor=actor,
                )
            if not KyuyoHokoku.objects.exists():
                counts = tax_data_load(income_year=FISCAL_YEAR - 1, seed=int(code))
                self.stdout.write(
                    f"{town.name}: 給与 {counts['kyuyo']:,}件、年金 {counts['nenkin']:,}件"
                )
            if code in ASSESS_NOW and not Job.objects.filter(kind="zeimu_tosho_fuka").exists():
                job = job_start(
                    kind="zeimu_tosho_fuka", params={"fiscal_year": FISCAL_YEAR}, actor=actor
                )
                self.stdout.write(f"{town.name}: 当初賦課を登録しました（処理 {job.pk}）")
            connection.set_schema_to_public()
