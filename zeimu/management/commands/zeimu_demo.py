"""Demo data of 個人住民税: the 級地 of each town that uses it, synthetic 課税資料 for the
2024 income year, and the 令和7年度 当初賦課 of 葉山町 queued for the worker (the other
towns' staff can start theirs from the 当初賦課 screen). Skips a town that has data.

滞納整理: a few synthetic arrears cases in each town that uses 収納管理, with a 催告, a 分納誓約
or a 差押 (zeimu.synth.shuno_taino).

固定資産税: a synthetic 課税台帳 (土地・家屋) of each town that uses it, a placeholder
都市計画税 rate, and 葉山町's 令和7年度 固定資産税 当初賦課 queued for the worker.

軽自動車税: a synthetic vehicle ledger of each town that uses it and 葉山町's 令和8年度
当初賦課 queued for the worker.

収納管理: 口座振替 registrations for about two in five residents (synthetic accounts) and a
placeholder 委託者コード, so the 依頼 screen can run once the 期別 are posted. (No demo 還付:
the 期別 exist only after the queued 当初賦課 has run.)

法人住民税: synthetic corporations (≈2.5% of the residents' count) of each town that uses
it, with the 確定申告 of their last 事業年度 posted to the 収納 ledger (zeimu.synth.hojin)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import Job
from tenants.jobs.services import job_start
from tenants.models import Municipality
from tenants.params.tenant.models import MunicipalParameter
from tenants.params.tenant.services import FIRST_FISCAL_YEAR, municipal_parameter_set
from zeimu.gyomu import (
    HOJIN_JUMINZEI,
    KEI_JIDOSHAZEI,
    KOJIN_JUMINZEI,
    KOTEI_SHISANZEI,
    SHUNO_KANRI,
)
from zeimu.keijidosha_jobs import TOSHO as KEI_TOSHO
from zeimu.kotei_jobs import TOSHO as KOTEI_TOSHO
from zeimu.models import Hojin, KeiSharyo, KoteiNozeisha, KoteiShokyakuShinkoku, KyuyoHokoku
from zeimu.services.common import KYUCHI_KEY
from zeimu.synth import (
    hojin_demo_load,
    kei_ledger_load,
    kotei_ledger_load,
    kotei_shokyaku_load,
    tax_data_load,
)
from zeimu.synth.shuno_koza import koza_demo_load
from zeimu.synth.shuno_taino import taino_demo_load

FISCAL_YEAR = 2025
#: 級地 used for every demo town: a placeholder, not the towns' real 級地区分
DEMO_KYUCHI = 2
ASSESS_NOW = {"143014"}
#: 都市計画税 rate of every demo town (0.3%, the 制限税率): a placeholder, not the towns' 条例
DEMO_TOSHI_ZEIRITSU = 300
TOSHI_KEY = "zeimu.kotei.toshi_zeiritsu"
#: 軽自動車税: 令和8年度 (the current year of the demo clock), vehicles per resident by the
#: town's size (rural towns 0.35–0.6, fewer in cities; an estimate, not a statistic)
KEI_FISCAL_YEAR = 2026


def kei_per_resident(population: int) -> float:
    if population < 20_000:
        return 0.55
    if population < 50_000:
        return 0.45
    if population < 150_000:
        return 0.35
    return 0.25


ITAKUSHA_KEY = "zeimu.shuno.koza.itakusha_code"
#: a placeholder 委託者コード (10 digits) for the demo towns
DEMO_ITAKUSHA = "9999900001"


class Command(BaseCommand):
    help = "個人住民税のデモデータ（級地、合成の課税資料、葉山町の当初賦課）"

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor(user_id=None, username="demo-setup")
        towns = Municipality.objects.exclude(schema_name="public").order_by("dantai_code")
        for town in towns:
            if town.subscriptions.filter(gyomu__code=KOTEI_SHISANZEI).exists():
                self._kotei(town, actor)
            if town.subscriptions.filter(gyomu__code=KEI_JIDOSHAZEI).exists():
                self._kei(town, actor)
        for town in towns:
            if town.subscriptions.filter(gyomu__code=SHUNO_KANRI).exists():
                self._koza(town, actor)
            if town.subscriptions.filter(gyomu__code=HOJIN_JUMINZEI).exists():
                self._hojin(town, actor)
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
            if not KoteiShokyakuShinkoku.objects.exists():
                counts = kotei_shokyaku_load(
                    fiscal_year=FISCAL_YEAR, seed=int(town.dantai_code[:6]), town_name=town.name
                )
                self.stdout.write(
                    f"{town.name}: 償却資産申告 {counts['shinkoku']:,}件、"
                    f"資産 {counts['shisan']:,}件"
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

    def _kei(self, town: Municipality, actor: Actor) -> None:
        connection.set_tenant(town)
        try:
            if not KeiSharyo.objects.exists():
                counts = kei_ledger_load(
                    fiscal_year=KEI_FISCAL_YEAR,
                    per_resident=kei_per_resident(town.population),
                    seed=int(town.dantai_code[:6]),
                    town_name=town.name,
                )
                self.stdout.write(
                    f"{town.name}: 軽自動車等 {counts['sharyo']:,}台（異動 {counts['ido']:,}件）"
                )
            if (
                town.dantai_code[:6] in ASSESS_NOW
                and not Job.objects.filter(kind=KEI_TOSHO).exists()
            ):
                job = job_start(
                    kind=KEI_TOSHO, params={"fiscal_year": KEI_FISCAL_YEAR}, actor=actor
                )
                self.stdout.write(
                    f"{town.name}: 軽自動車税の当初賦課を登録しました（処理 {job.pk}）"
                )
        finally:
            connection.set_schema_to_public()

    def _koza(self, town: Municipality, actor: Actor) -> None:
        connection.set_tenant(town)
        try:
            if not MunicipalParameter.objects.filter(key=ITAKUSHA_KEY).exists():
                municipal_parameter_set(
                    key=ITAKUSHA_KEY,
                    fiscal_year=FIRST_FISCAL_YEAR,
                    value_text=DEMO_ITAKUSHA,
                    reason="デモ用の仮の値（実際の委託者コードは金融機関との契約で確認）",
                    actor=actor,
                )
            n = koza_demo_load(on=date(FISCAL_YEAR, 4, 1), seed=int(town.dantai_code[:6]))
            if n:
                self.stdout.write(f"{town.name}: 口座振替の登録 {n:,}件（合成の口座）")
        finally:
            connection.set_schema_to_public()

    def _hojin(self, town: Municipality, actor: Actor) -> None:
        connection.set_tenant(town)
        try:
            if not Hojin.objects.exists():
                counts = hojin_demo_load(
                    fiscal_year=FISCAL_YEAR,
                    seed=int(town.dantai_code[:6]),
                    town_name=town.name,
                    actor=actor,
                )
                self.stdout.write(
                    f"{town.name}: 法人 {counts['hojin']:,}社、確定申告 {counts['shinkoku']:,}件"
                )
        finally:
            connection.set_schema_to_public()
