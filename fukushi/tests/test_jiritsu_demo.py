"""Demo 自立支援給付: after the 障害者手帳 demo, some holders aged 18 to 64 get a 支給決定 through
the service (the 負担上限月額 judged from the town's 住民税: all 非課税 here, so 低所得 0円), 身体
holders some 補装具費; a person without 住民税 of the year is not decided (left 申請中), not
guessed; loaded once, in its own town only."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.utils import timezone

from fukushi.demo_jiritsu import load
from fukushi.demo_shogai import load as load_techo
from fukushi.models import JiritsuKettei, ShogaiTecho, YoguKyufu
from fukushi.services.jiritsu import kazei_nendo
from juminkiroku.public import person_identities
from juminkiroku.tests.factories import household_tennyu, person_fields
from tenants.age import age_on
from tenants.db import connection
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

AGES = (78, 52, 47, 21, 9)


def test_demo_decisions_through_the_service_once_in_its_own_town(alpha, beta):
    connection.set_tenant(alpha.municipality)
    today = timezone.localdate()
    for h in range(80):
        household_tennyu(
            "hayama",
            members=[
                person_fields(
                    shimei=f"自立{h:02d}　{chr(0x4E00 + i)}",
                    shimei_kana=f"ジリツ{h:02d}　{chr(0x30A2 + 2 * i)}",
                    birth_date=date(today.year - age, 1 + (h % 12), 10).isoformat(),
                    setai_order=i + 1,
                    **({} if i == 0 else {"zokugara": "04"}),
                )
                for i, age in enumerate(AGES)
            ],
        )
    load_techo(io.StringIO())
    techos = list(ShogaiTecho.objects.all())
    births = {i: p.birth_date for i, p in person_identities(t.atena_id for t in techos).items()}
    adults = [t for t in techos if 18 <= age_on(births[t.atena_id], today) <= 64]
    nendo = kazei_nendo(today)
    missing = adults[0].atena_id  # no 住民税 of the year: skipped
    for t in adults[1:]:
        kazei_set(t.atena_id, nendo, status="hikazei")
    out = io.StringIO()
    load(out)
    decided = list(JiritsuKettei.objects.filter(jotai="yuko"))
    assert decided, "the demo town must show some 支給決定"
    assert all(k.futan_jogen == 0 for k in decided)
    assert all(k.futan_kubun == "teishotoku" for k in decided)
    assert {k.atena_id for k in decided} <= {t.atena_id for t in adults[1:]}
    assert all(k.services.exists() and k.rireki.count() >= 2 for k in decided)
    assert all(y.futan_gaku == 0 for y in YoguKyufu.objects.filter(jotai="kettei"))
    # the one without 住民税: at most an open 申請 (申請中), never a decision
    assert set(JiritsuKettei.objects.exclude(jotai="yuko").values_list("jotai", flat=True)) <= {
        "shinsei"
    }
    assert f"障害福祉サービス 支給決定 {len(decided)}件" in out.getvalue()
    assert not JiritsuKettei.objects.filter(atena_id=missing, jotai="yuko").exists()
    total = JiritsuKettei.objects.count()
    load(io.StringIO())  # a town that has its data is left alone
    assert JiritsuKettei.objects.count() == total
    connection.set_tenant(beta.municipality)
    assert not JiritsuKettei.objects.exists() and not YoguKyufu.objects.exists()
