"""The demo command: 級地, synthetic 課税資料 and 葉山町's 当初賦課 (個人住民税 and 固定資産税),
in towns using each module only."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from juminkiroku.tests.factories import family, household_tennyu
from tenants.db import connection
from tenants.jobs.models import Job, JobStatus
from tenants.params.tenant.models import MunicipalParameter
from zeimu.models import (
    Fuka,
    KeiFuka,
    KeiSharyo,
    KoteiFuka,
    KoteiKaoku,
    KoteiNozeisha,
    KoteiShokyakuShinkoku,
    KoteiShokyakuShisan,
    KoteiTochi,
    KyuyoHokoku,
)

pytestmark = pytest.mark.django_db


def test_demo_fills_towns_using_the_module_and_assesses_hayama(
    world, django_capture_on_commit_callbacks
):
    for town, slug in ((world.alpha, "hayama"), (world.beta, "samukawa")):
        connection.set_tenant(town.municipality)
        for _ in range(30):
            household_tennyu(slug, members=family(), ido_date=date(2020, 4, 1))
    connection.set_schema_to_public()
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("zeimu_demo")
    # (the worker takes the job in the town's schema; here the queued dispatch runs inline)
    connection.set_tenant(world.alpha.municipality)
    for callback in callbacks:
        callback()
    assert MunicipalParameter.objects.filter(key="zeimu.kojin_juminzei.kyuchi").exists()
    assert KyuyoHokoku.objects.exists()
    job = Job.objects.get(kind="zeimu_tosho_fuka")
    assert job.status == JobStatus.SUCCEEDED
    assert Fuka.objects.filter(fiscal_year=2025).count() == 90
    # 固定資産税: a 課税台帳 of about two in three of the 30 households, assessed by the job
    owners = KoteiNozeisha.objects.count()
    assert 10 <= owners <= 30 and KoteiKaoku.objects.count() == owners
    assert KoteiTochi.objects.count() >= owners
    kotei_job = Job.objects.get(kind="zeimu_kotei_tosho")
    assert kotei_job.status == JobStatus.SUCCEEDED
    assert KoteiFuka.objects.filter(fiscal_year=2025).count() == owners
    assert KoteiFuka.objects.filter(toshi_zeigaku__gt=0).exists()
    # 軽自動車税: vehicles in proportion to the 90 residents (葉山町 is a town of 3万: 0.45
    # each), the 令和8年度 当初賦課 done for those held on 4月1日
    from zeimu.management.commands.zeimu_demo import kei_per_resident

    assert KeiSharyo.objects.count() == int(
        90 * kei_per_resident(world.alpha.municipality.population)
    )
    kei_job = Job.objects.get(kind="zeimu_kei_tosho")
    assert kei_job.status == JobStatus.SUCCEEDED
    assert 0 < KeiFuka.objects.filter(fiscal_year=2026).count() <= KeiSharyo.objects.count()
    # 償却資産: about one owner in ten files a 申告 (at least one), assessed with the rest
    shinkoku = KoteiShokyakuShinkoku.objects.count()
    assert 1 <= shinkoku <= 6 and KoteiShokyakuShisan.objects.count() >= 2 * shinkoku
    filer = KoteiShokyakuShinkoku.objects.values_list("nozeisha_id", flat=True).first()
    assert KoteiFuka.objects.get(nozeisha_id=filer).meisai["shokyaku"]
    # 口座振替: about two in five of the 90 residents registered (synthetic accounts)
    from zeimu.models import KozaToroku

    assert 20 <= KozaToroku.objects.count() <= 55
    # 寒川町 does not use 個人住民税: nothing there.
    connection.set_tenant(world.beta.municipality)
    assert not KyuyoHokoku.objects.exists() and not Job.objects.exists()
    assert not KoteiNozeisha.objects.exists() and not KozaToroku.objects.exists()
    assert not KoteiShokyakuShisan.objects.exists() and not KeiSharyo.objects.exists()
    # Run again: nothing is added.
    connection.set_schema_to_public()
    call_command("zeimu_demo")
    connection.set_tenant(world.alpha.municipality)
    assert Job.objects.filter(kind="zeimu_tosho_fuka").count() == 1
