"""Demo 高額障害福祉サービス等給付費 (fukushi/demo_kogaku.py): among 身体 手帳 holders of 課税
households (一般2: 所得割 160,000円), a few get — through the services — last month's 支給決定,
a 補装具 (100,000円 → 利用者負担 10,000円) and an application: 37,200円 + 10,000円 = 47,200円 −
37,200円 = 10,000円; the first and third decided, the second left 受付; a 非課税 holder is
skipped; loaded once, in its own town only."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone

from fukushi.demo_kogaku import load
from fukushi.demo_shogai import load as load_techo
from fukushi.models import KogakuShinsei, ShogaiTecho
from fukushi.services.jiritsu import kazei_nendo
from fukushi.tests.test_jiritsu_services import WARI_160000
from juminkiroku.tests.factories import household_tennyu, person_fields
from tenants.db import connection
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db


def test_demo_applications_for_last_month_once_in_its_own_town(alpha, beta):
    connection.set_tenant(alpha.municipality)
    today = timezone.localdate()
    for h in range(80):
        household_tennyu(
            "hayama",
            members=[person_fields(shimei=f"高額{h:02d}　一", shimei_kana=f"コウガク{h:02d}　イチ",
                                   birth_date=date(today.year - 40 - h % 20, 1 + h % 12, 10)
                                   .isoformat())],
        )  # fmt: skip
    load_techo(io.StringIO())
    kaishi = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    holders = list(ShogaiTecho.objects.filter(kind="shintai").values_list("atena_id", flat=True))
    assert len(holders) >= 4, "the demo 手帳 must give some 身体 holders"
    for n, atena_id in enumerate(holders):
        for nendo in {kazei_nendo(kaishi), kazei_nendo(today)}:
            if n == 0:
                kazei_set(atena_id, nendo, status="hikazei")
            else:
                kazei_set(atena_id, nendo, shotokuwari=WARI_160000)
    out = io.StringIO()
    load(out)
    made = list(KogakuShinsei.objects.order_by("pk"))
    assert len(made) == 3 and "高額障害福祉サービス等給付費の申請 3件" in out.getvalue()
    assert holders[0] not in {s.shinseisha_atena_id for s in made}  # 非課税: skipped
    for s in made:
        assert (s.taisho_ym, s.shinsei_date) == (kaishi, today)
        assert (s.gassan, s.kijungaku, s.shikyu_gaku) == (47_200, 37_200, 10_000)
    assert [s.jotai for s in made] == ["kettei", "uketsuke", "kettei"]
    load(io.StringIO())  # a town that has its data is left alone
    assert KogakuShinsei.objects.count() == 3
    connection.set_tenant(beta.municipality)
    assert not KogakuShinsei.objects.exists()
    connection.set_schema_to_public()
