"""負担限度額認定 (補足給付): the 段階 at every boundary of income and savings (values in
kaigo/params/futan.yaml, the tables 厚生労働省 published for 令和3年8月・令和6年8月 as the towns
copy them — checked against the towns' pages in test_futan_gendogaku_values.py, not against the
告示 itself), and 申請 → 判定 → 決定 in two towns."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kaigo.models import GendogakuNintei, GendogakuRireki
from kaigo.rules.futan_gendogaku import (
    GendogakuInput,
    gendogaku_hantei,
    gendogaku_parameters_from_lookup,
)
from kaigo.services.futan_gendogaku import (
    GendogakuRefused,
    gendogaku_hantei_run,
    gendogaku_kettei,
    gendogaku_shinsei,
)
from kaigo.tests.factories import elders, tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.params.services import param_value
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")
TENNYU = date(2020, 4, 1)


def hantei(year: int, shunyu: int, yochokin: int = 0, **kw: Any) -> tuple[str | None, int | None]:
    p = gendogaku_parameters_from_lookup(param_value, year)
    kw.setdefault("setai_hikazei", True)
    r = gendogaku_hantei(
        GendogakuInput(
            fiscal_year=year,
            kazei_nenkin_shunyu=shunyu,
            hikazei_nenkin_shunyu=0,
            sonota_gokei_shotoku=0,
            yochokin=yochokin,
            **kw,
        ),
        p,
    )
    return r.dankai, r.yochokin_jogen


@pytest.mark.parametrize(
    ("year", "shunyu", "dankai"),
    [
        (2024, 800_000, "dai2"),
        (2024, 800_001, "dai3_1"),
        (2025, 809_000, "dai2"),  # 令和7年8月から 80.9万円
        (2025, 809_001, "dai3_1"),
        (2025, 1_200_000, "dai3_1"),
        (2025, 1_200_001, "dai3_2"),
    ],
)
def test_income_boundaries(in_alpha, year, shunyu, dankai):
    assert hantei(year, shunyu)[0] == dankai


@pytest.mark.parametrize(
    ("shunyu", "yochokin", "haigusha", "dankai"),
    [
        (800_000, 6_500_000, False, "dai2"),
        (800_000, 6_500_001, False, None),
        (800_000, 16_500_000, True, "dai2"),  # 夫婦: +1,000万円
        (1_000_000, 5_500_000, False, "dai3_1"),
        (1_000_000, 5_500_001, False, None),
        (2_000_000, 5_000_000, False, "dai3_2"),
        (2_000_000, 5_000_001, False, None),
    ],
)
def test_savings_limits(in_alpha, shunyu, yochokin, haigusha, dankai):
    assert hantei(2025, shunyu, yochokin, haigusha=haigusha)[0] == dankai


def test_dai1_dai2go_and_the_refusals(in_alpha):
    # 生活保護: 第1段階 with no savings test; 老齢福祉年金 in a 非課税世帯: 第1段階 up to 1,000万円
    assert hantei(2025, 0, 50_000_000, seikatsu_hogo=True, setai_hikazei=False) == ("dai1", None)
    assert hantei(2025, 0, 10_000_000, rorei_fukushi_nenkin=True) == ("dai1", 10_000_000)
    assert hantei(2025, 0, 10_000_001, rorei_fukushi_nenkin=True)[0] is None
    # 第2号被保険者: 1,000万円 whatever the 段階
    assert hantei(2025, 2_000_000, 10_000_000, dai2go=True) == ("dai3_2", 10_000_000)
    # a 課税 household or 配偶者: not eligible
    assert hantei(2025, 0, setai_hikazei=False)[0] is None
    assert hantei(2025, 0, haigusha=True, haigusha_kazei=True)[0] is None
    # the limits of a 段階
    p = gendogaku_parameters_from_lookup(param_value, 2025)
    assert p.kyojuhi["dai2"]["tashoshitsu_tokuyo"] == 430
    assert p.kyojuhi["dai1"]["tashoshitsu_tokuyo"] == 0
    assert p.shokuhi["dai3_2"] == {"shisetsu": 1360, "short": 1300}
    # 令和8年8月からの収入基準は未確認: refused, not guessed
    with pytest.raises(LookupError):
        gendogaku_parameters_from_lookup(param_value, 2026)


def test_shinsei_hantei_kettei_in_two_towns(alpha, beta, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    _, (husband, wife, son) = tennyu(cap, members=elders(), day=TENNYU)
    # a household where everyone is 非課税: the wife's 年金収入 70万円 (第2段階), the husband's
    # 100万円 (第3段階①) but with 1,600万円 of savings (limit 550万+1,000万 for a couple)
    kazei_set(wife.pk, 2025, status="hikazei", nenkin=100_000, nenkin_shunyu=700_000)
    kazei_set(husband.pk, 2025, status="hikazei", nenkin=400_000, nenkin_shunyu=1_000_000)
    kazei_set(son.pk, 2025, status="hikazei")
    n = gendogaku_shinsei(
        atena_id=wife.pk,
        shinsei_date=date(2025, 9, 10),
        yochokin=5_000_000,
        haigusha=True,
        actor=ACTOR,
    )
    assert (n.nendo, n.status, n.kubun) == (2025, "shinsei", "1")
    n = gendogaku_hantei_run(nintei_id=n.pk, actor=ACTOR)
    assert (n.status, n.dankai, n.setai_hikazei, n.kazei_nenkin_shunyu) == (
        "hantei",
        "dai2",
        True,
        700_000,
    )
    assert (n.hantei_result or {})["kyojuhi"]["unit_koshitsu"] == 880
    n = gendogaku_kettei(nintei_id=n.pk, kettei_date=date(2025, 9, 20), actor=ACTOR)
    assert (n.status, n.tekiyo_start, n.tekiyo_end) == (
        "nintei",
        date(2025, 9, 1),
        date(2026, 7, 31),
    )
    m = gendogaku_shinsei(
        atena_id=husband.pk,
        shinsei_date=date(2025, 9, 10),
        yochokin=16_000_000,
        haigusha=True,
        actor=ACTOR,
    )
    m = gendogaku_hantei_run(nintei_id=m.pk, actor=ACTOR)
    assert (m.dankai, m.riyu) == ("", "預貯金等が15,500,000円を超える")
    m = gendogaku_kettei(nintei_id=m.pk, kettei_date=date(2025, 9, 20), actor=ACTOR)
    assert m.status == "kyakka" and m.tekiyo_start is None
    # a second 認定 of the wife in the same 年度 is refused, nothing written
    again = gendogaku_shinsei(
        atena_id=wife.pk, shinsei_date=date(2025, 10, 1), yochokin=0, actor=ACTOR
    )
    gendogaku_hantei_run(nintei_id=again.pk, actor=ACTOR)
    with pytest.raises(GendogakuRefused):
        gendogaku_kettei(nintei_id=again.pk, kettei_date=date(2025, 10, 2), actor=ACTOR)
    assert GendogakuNintei.objects.get(pk=again.pk).status == "hantei"
    # the son of 45 is not insured: no 申請
    with pytest.raises(GendogakuRefused):
        gendogaku_shinsei(atena_id=son.pk, shinsei_date=date(2025, 9, 10), yochokin=0, actor=ACTOR)
    assert GendogakuRireki.objects.filter(nintei__atena_id=wife.pk).count() == 5
    assert AccessLog.objects.filter(record_type="kaigo.GendogakuNintei").count() == 8
    # 寒川町 sees none of it
    connection.set_tenant(beta.municipality)
    assert not GendogakuNintei.objects.exists()
    assert not AccessLog.objects.filter(record_type="kaigo.GendogakuNintei").exists()
    with pytest.raises(GendogakuRefused):
        gendogaku_shinsei(atena_id=wife.pk, shinsei_date=date(2025, 9, 10), yochokin=0, actor=ACTOR)
