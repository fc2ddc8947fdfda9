"""Initial data (demo, or the former system's answer): every resident aged 65 or more on
the day becomes 第1号, with a 被保険者番号 and a history row; a town with data left alone;
the other town untouched; the demo command runs in each town."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from juminkiroku.tests.factories import household_tennyu
from kaigo.models import HihokenshaBango, Shikaku, ShikakuRireki
from kaigo.services.iko import shikaku_iko_load
from kaigo.tests.factories import elders
from tenants.accesslog.services import Actor
from tenants.db import connection

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="load_kaigo_demo")


def test_iko_insures_those_65_and_over_once(alpha, beta):
    connection.set_tenant(alpha.municipality)
    _, (husband, wife, _son) = household_tennyu(
        "hayama", members=elders(), ido_date=date(2020, 4, 1)
    )
    assert shikaku_iko_load(day=date(2024, 4, 1), actor=ACTOR) == 2
    assert set(Shikaku.objects.values_list("atena_id", "kubun", "shutoku_date")) == {
        (husband.pk, "1", date(2024, 4, 1)),
        (wife.pk, "1", date(2024, 4, 1)),
    }
    assert set(HihokenshaBango.objects.values_list("bango", flat=True)) == {
        "0000000001",
        "0000000002",
    }
    assert ShikakuRireki.objects.filter(cause_kind="iko").count() == 2
    assert shikaku_iko_load(day=date(2024, 4, 1), actor=ACTOR) == 0
    connection.set_tenant(beta.municipality)
    assert not Shikaku.objects.exists() and not HihokenshaBango.objects.exists()


def test_the_demo_command_runs_in_each_town(alpha, beta):
    connection.set_tenant(beta.municipality)
    household_tennyu("samukawa", members=elders("佐藤", "サトウ"), ido_date=date(2020, 4, 1))
    connection.set_schema_to_public()
    call_command("kaigo_demo")
    connection.set_tenant(beta.municipality)
    assert Shikaku.objects.count() == 2
    connection.set_tenant(alpha.municipality)
    assert not Shikaku.objects.exists()
