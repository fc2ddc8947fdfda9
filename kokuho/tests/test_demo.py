"""Initial data (demo, or the former system's answer): a share of the residents insured
from the start, the others recorded in 社会保険; a town with data left alone; the other
town untouched."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from juminkiroku.tests.factories import family, household_tennyu, person_fields
from kokuho.models import Shaho, Shikaku, ShikakuRireki
from kokuho.services.iko import demo_choice, shikaku_iko_load
from tenants.accesslog.services import Actor
from tenants.db import connection

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="load_kokuho_demo")


def test_iko_insures_the_chosen_households_under_75(alpha, beta):
    connection.set_tenant(alpha.municipality)
    _, yamada = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    _, (old,) = household_tennyu(
        "hayama",
        members=[
            person_fields(shimei="高齢　者", shimei_kana="コウレイ　シャ", birth_date="1940-01-01")
        ],
        ido_date=date(2020, 4, 1),
    )
    _, (worker,) = household_tennyu(
        "hayama",
        members=[person_fields(shimei="会社　員", shimei_kana="カイシャ　イン")],
        ido_date=date(2020, 4, 1),
    )
    chosen = {yamada[0].setai_id, old.setai_id}
    n = shikaku_iko_load(
        day=date(2024, 4, 1), actor=ACTOR, choose=lambda age, setai_id: setai_id in chosen
    )
    # the 山田 household is insured (the 80-year-old is in 後期), the worker is in 社会保険
    assert n == 3
    assert set(Shikaku.objects.values_list("atena_id", flat=True)) == {a.pk for a in yamada}
    assert list(Shaho.objects.values_list("atena_id", flat=True)) == [worker.pk]
    assert ShikakuRireki.objects.filter(cause_kind="iko").count() == 3
    # a second load does nothing; 寒川町 has nothing
    assert shikaku_iko_load(day=date(2024, 4, 1), actor=ACTOR) == 0
    connection.set_tenant(beta.municipality)
    assert not Shikaku.objects.exists() and not Shaho.objects.exists()


def test_demo_share_is_near_the_national_one():
    working = sum(demo_choice(40, s) for s in range(1, 10_001)) / 10_000
    retired = sum(demo_choice(70, s) for s in range(1, 10_001)) / 10_000
    assert 0.12 < working < 0.16 and 0.67 < retired < 0.73


def test_the_demo_command_runs_in_each_town(alpha, beta):
    connection.set_tenant(alpha.municipality)
    household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    connection.set_schema_to_public()
    call_command("kokuho_demo")
    connection.set_tenant(alpha.municipality)
    insured = Shikaku.objects.count()
    shaho = Shaho.objects.count()
    assert insured + shaho == 3  # each member either insured or in 社会保険


def test_the_demo_assesses_hayama_with_placeholder_rates_and_records_only_there(alpha, beta):
    from kokuho.fuka_jobs import HONSANTEI
    from kokuho.models import KokiHokenryoImport, Kyufu, NenkinTodoke
    from kokuho.rules.hokenzei_params import P
    from tenants.jobs.models import Job
    from tenants.params.tenant.models import MunicipalParameter

    # given a household in each town (a woman of 30, a man of 40, an elderly man of 80)
    members = family()[:2]
    members[1]["birth_date"] = "1995-05-05"
    members.append(
        person_fields(
            shimei="山田　老人", shimei_kana="ヤマダ　ロウジン", birth_date="1944-01-01",
            zokugara="02", setai_order=3,
        )
    )  # fmt: skip
    for town, slug in ((beta, "samukawa"), (alpha, "hayama")):
        connection.set_tenant(town.municipality)
        household_tennyu(slug, members=[dict(m) for m in members], ido_date=date(2020, 4, 1))
    connection.set_schema_to_public()
    # when the demo runs (its task runs at once here; the jobs' chunks wait for the worker,
    # the 本算定 itself is kokuho/tests/test_fuka_honsantei.py's)
    call_command("kokuho_demo")
    # then 葉山町 has the placeholder rates, its 令和7年度 本算定 started, the 広域連合's
    # 保険料 of the man of 80 taken in, and at most a few 給付 and 届
    connection.set_tenant(alpha.municipality)
    rates = MunicipalParameter.objects.filter(key__startswith=P)
    assert rates.count() == 9 and {r.fiscal_year_from for r in rates} == {2025}
    # and a placeholder 保険者番号, so its 資格確認書 print (in force for later years too)
    from kokuho.services.kofu import kofu_params

    assert kofu_params(date(2026, 8, 1)).hokensha_bango == "990002"  # 99000 → 検証番号 2
    (job,) = Job.objects.filter(kind=HONSANTEI)
    assert job.params["fiscal_year"] == 2025
    assert KokiHokenryoImport.objects.count() == 1
    assert Kyufu.objects.count() <= 2 and NenkinTodoke.objects.count() <= 3
    # a demo town still holding the former placeholder (no 検証番号) gets the new one on the
    # next run; a town that set its own number keeps it
    hokensha = "kokuho.shikaku.hokensha_bango"
    MunicipalParameter.objects.filter(key=hokensha).update(value="990001")
    connection.set_tenant(beta.municipality)
    MunicipalParameter.objects.filter(key=hokensha).update(value="149989")
    connection.set_schema_to_public()
    # a second run adds nothing else
    call_command("kokuho_demo")
    connection.set_tenant(alpha.municipality)
    assert Job.objects.filter(kind=HONSANTEI).count() == 1
    assert KokiHokenryoImport.objects.count() == 1
    assert kofu_params(date(2026, 8, 1)).hokensha_bango == "990002"
    # and 寒川町 has its rates but no 本算定 and none of these records
    connection.set_tenant(beta.municipality)
    assert MunicipalParameter.objects.filter(key__startswith=P).count() == 9
    assert kofu_params(date(2026, 8, 1)).hokensha_bango == "149989"
    assert not Job.objects.filter(kind=HONSANTEI).exists()
    assert not KokiHokenryoImport.objects.exists()
    assert not Kyufu.objects.exists() and not NenkinTodoke.objects.exists()
