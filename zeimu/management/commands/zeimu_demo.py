"""Demo data of 個人住民税: the 級地 of each town that uses it, synthetic 課税資料 for the
2024 income year, and the 令和7年度 当初賦課 of 葉山町 queued for the worker (the other
towns' staff can start theirs from the 当初賦課 screen). Skips a town that has data.

滞納整理: a few synthetic arrears cases in each town that uses 収納管理, with a 催告, a 分納誓約
or a 差押 (zeimu.synth.shuno_taino).

固定資産税: a synthetic 課税台帳 (土地・家屋) of each town that uses it, a placeholder
都市計画税 rate, and 葉山町's 令和7年度 固定資産税 当初賦課 queued for the worker."""

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
from zeimu.gyomu import KOJIN_JUMINZEI, KOTEI_SHISANZEI, SHUNO_KANRI
from zeimu.kotei_jobs import TOSHO as KOTEI_TOSHO
from zeimu.models import KoteiNozeisha, KyuyoHokoku
from zeimu.services.common import KYUCHI_KEY
from zeimu.synth import kotei_ledger_load, tax_data_load
from zeimu.synth.shuno_taino import taino_demo_load

FISCAL_YEAR = 2025
#: 級地 used for every demo town: a placeholder, not the towns' real 級地区分
DEMO_KYUCHI = 2
ASSESS_NOW = {"143014"}
#: 都市計画税 rate of every demo town (0.3%, the 制限税率): a placeholder, not the towns' 条例
DEMO_TOSHI_ZEIRITSU = 300
TOSHI_KEY = "zeimu.kotei.toshi_zeiritsu"


class Command(BaseCommand):
    help = "個人住民税のデモデータ（級地、合成の課税資料、葉山町の当初賦課）"

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor(user_id=None, username="demo-setup")
        towns = Municipality.objects.exclude(schema_name="public").order_by("dantai_code")
        for town in towns:
            if town.subscriptions.filter(gyomu__code=KOTEI_SHISANZEI).exists():
                self._kotei(town, actor)
        for town in towns:
            if town.subscriptions.filter(gyomu__code=SHUNO_KANRI).exists():
                connection.set_tenant(town)
                cases = taino_demo_load()
                self.stdout.write(f"{town.name}: 滞納整理の事案 {cases}件")
                connection.set_schema_to_public()
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

    def _kotei(self, town: Municipality, actor: Actor) -> None:
        connection.set_tenant(town)
        try:
            if not MunicipalParameter.objects.filter(key=TOSHI_KEY).exists():
                municipal_parameter_set(
                    key=TOSHI_KEY,
                    fiscal_year=FIRST_FISCAL_YEAR,
                    value_text=str(DEMO_TOSHI_ZEIRITSU),
                    reason="デモ用の仮の値（実際の税率は町の都市計画税条例で確認）",
                    actor=actor,
                )
            if not KoteiNozeisha.objects.exists():
                counts = kotei_ledger_load(
                    fiscal_year=FISCAL_YEAR, seed=int(town.dantai_code[:6]), town_name=town.name
                )
                self.stdout.write(
                    f"{town.name}: 固定資産 納税義務者 {counts['nozeisha']:,}人、"
                    f"土地 {counts['tochi']:,}筆、家屋 {counts['kaoku']:,}棟"
                )
            if (
                town.dantai_code[:6] in ASSESS_NOW
                and not Job.objects.filter(kind=KOTEI_TOSHO).exists()
            ):
                job = job_start(kind=KOTEI_TOSHO, params={"fiscal_year": FISCAL_YEAR}, actor=actor)
                self.stdout.write(
                    f"{town.name}: 固定資産税の当初賦課を登録しました（処理 {job.pk}）"
                )
        finally:
            connection.set_schema_to_public()
