"""Demo data of 負担割合 and 負担限度額認定: judged once per town through the services, a few
認定 in 非課税 households, a town with judgements left alone, the other town untouched."""

from __future__ import annotations

from datetime import date

import pytest

from kaigo.models import FutanWariai, GendogakuNintei
from kaigo.services.futan_demo import futan_demo_load
from kaigo.tests.factories import elders, tennyu
from tenants.accesslog.services import Actor
from tenants.db import connection
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="load_kaigo_demo")


def test_demo_judges_once_and_makes_a_few_nintei(alpha, beta, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    _, people = tennyu(django_capture_on_commit_callbacks, members=elders(), day=date(2020, 4, 1))
    husband, wife, son = people
    for p, shunyu in ((husband, 1_000_000), (wife, 700_000), (son, 0)):
        kazei_set(p.pk, 2025, status="hikazei", nenkin_shunyu=shunyu)
    assert futan_demo_load(actor=ACTOR) == (2, 2)
    assert set(FutanWariai.objects.values_list("atena_id", "wari")) == {
        (husband.pk, 1),
        (wife.pk, 1),
    }
    assert set(GendogakuNintei.objects.values_list("atena_id", "status", "dankai")) == {
        (husband.pk, "nintei", "dai3_1"),
        (wife.pk, "nintei", "dai2"),
    }
    assert futan_demo_load(actor=ACTOR) == (0, 0)
    connection.set_tenant(beta.municipality)
    assert not FutanWariai.objects.exists() and not GendogakuNintei.objects.exists()
